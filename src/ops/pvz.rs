//! «Загрузить список ПВЗ…»: a CSV of ПВЗ becomes Vision Ellcom connections awaiting a token.

use super::storage::{Storage, edit};
use crate::flow::Catalog;
use crate::integrations::vision_pvz::{self, Batch};

/// Reads the list, checks each row by the wizard's rules and adds the good rows in one change.
/// The returned batch's `connections` are the ones added. `admin_done`: see
/// [`vision_pvz::pvz_from_csv`].
pub fn import_pvz(
    storage: &dyn Storage,
    catalog: &Catalog,
    text: &str,
    admin_done: bool,
) -> Result<Batch, String> {
    let batch = vision_pvz::pvz_from_csv(text, catalog, &storage.list(), admin_done)?;
    edit(storage, |list| {
        list.extend(batch.connections.iter().cloned());
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    Ok(batch)
}
