//! Which saved connections have no secret in this computer's keyring: one loaded from a file
//! arrives without it, and without this its row would look finished. Looked up in the
//! background whenever the list or the keyring changes.

use std::collections::HashSet;
use std::sync::Arc;

use crate::model::List;
use crate::platform::jobs::Running;
use crate::ui::command::Services;

#[derive(Default)]
pub struct SecretPresence {
    /// The list generation the answer is for, and the connections lacking a secret.
    known: Option<(u64, Arc<HashSet<String>>)>,
    job: Option<(u64, Running<Option<HashSet<String>>>)>,
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
        let generation = services.store.generation();
        if let Some((for_generation, job)) = &self.job
            && let Some(result) = job.poll()
        {
            let missing = result.ok().flatten().unwrap_or_default();
            self.known = Some((*for_generation, Arc::new(missing)));
            self.job = None;
        }
        let fresh = self.known.as_ref().is_some_and(|(g, _)| *g == generation);
        if !fresh && self.job.as_ref().is_none_or(|(g, _)| *g != generation) {
            let (secrets, list, ctx) = (
                services.secrets.clone(),
                Arc::clone(connections),
                ctx.clone(),
            );
            let job = services.runner.spawn_blocking(
                move || secrets.missing(&list),
                move || ctx.request_repaint(),
            );
            self.job = Some((generation, job));
        }
        self.known
            .as_ref()
            .map_or_else(Arc::default, |(_, missing)| Arc::clone(missing))
    }
}
