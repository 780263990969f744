//! Which saved connections have no secret in this computer's keyring: one loaded from a file
//! arrives without it, and without this its row would look finished. Looked up in the
//! background whenever the list or the keyring changes.

use std::collections::HashSet;
use std::sync::Arc;

use crate::model::List;
use crate::ui::command::Services;
use crate::ui::jobs::JobKey;

#[derive(Default)]
pub struct SecretPresence {
    /// The list generation the answer is for, and the connections lacking a secret.
    known: Option<(u64, Arc<HashSet<String>>)>,
    /// The list generation a look under way is for.
    asked: Option<u64>,
}

impl SecretPresence {
    /// The keyring changed (a secret entered again): look again.
    pub fn invalidate(&mut self) {
        self.known = None;
    }

    /// Connections known to lack a secret here; empty until the first look is done, or when
    /// the keyring cannot say.
    pub fn missing(
        &mut self,
        ctx: &egui::Context,
        services: &Services,
        connections: &Arc<List>,
    ) -> Arc<HashSet<String>> {
        let generation = services.storage.generation();
        let mut jobs = services.jobs.borrow_mut();
        if let Some(for_generation) = self.asked
            && let Some(result) = jobs.finished::<Option<HashSet<String>>>(&JobKey::SecretPresence)
        {
            let missing = result.ok().flatten().unwrap_or_default();
            self.known = Some((for_generation, Arc::new(missing)));
            self.asked = None;
        }
        let fresh = self.known.as_ref().is_some_and(|(g, _)| *g == generation);
        if !fresh && self.asked != Some(generation) {
            let (storage, list) = (Arc::clone(&services.storage), Arc::clone(connections));
            jobs.start_blocking(JobKey::SecretPresence, ctx, move || {
                storage.missing_secrets(&list)
            });
            self.asked = Some(generation);
        }
        self.known
            .as_ref()
            .map_or_else(Arc::default, |(_, missing)| Arc::clone(missing))
    }
}
