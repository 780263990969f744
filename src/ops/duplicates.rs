//! «Этот токен уже сохранён для …»: a typed secret compared with other connections' secrets.

use super::storage::Storage;
use crate::model::Secret;

/// The name of the first of `others` (id, name) whose secret `field` equals `typed`. Reads the
/// secret store: call it off the UI thread.
pub fn same_secret(
    storage: &dyn Storage,
    others: Vec<(String, String)>,
    field: &str,
    typed: &Secret,
) -> Option<String> {
    others
        .into_iter()
        .find(|(id, _)| {
            storage
                .secret(id, field)
                .is_ok_and(|s| s.expose() == typed.expose())
        })
        .map(|(_, name)| name)
}
