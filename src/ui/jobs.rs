//! Every background job of the window, in one table: a saved connection's check, a delete, a
//! file picked and read, the wizard's keyring writes and checks. Each is started here (the
//! window is woken when it ends), found by what it is for, and collected by whoever waits for
//! it. The shell reads from the same table whether anything is still running.

use std::any::Any;
use std::collections::BTreeMap;
use std::future::Future;

use crate::platform::jobs::{JobLost, Runner, Running};

/// What a background job is for. One job per key runs at a time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum JobKey {
    /// A saved connection's online check, recorded with it.
    Check(String),
    /// Removing a saved connection, or the secrets an abandoned wizard had saved.
    Delete(String),
    /// Secrets entered again for a saved connection.
    SaveSecrets(String),
    /// Export, import or a ПВЗ list: a file picked, then read or written.
    File,
    /// «Напоминать о сроках…»: the system's scheduler asked or changed.
    Reminders,
    /// Which connections have no secret on this computer.
    SecretPresence,
    /// A saved secret read for the card («Показать», «Копировать»).
    CardSecret,
    /// «Изменить» on the card, being saved.
    CardEdit,
    /// A file written from the card (the hand-over file, Ivideon's SQL or CSV).
    CardFile,
    /// The team store: logging in or out, moving this computer's connections in.
    Team,
    /// Logging in again after the team store's login expired.
    Relogin,
    /// The team store's list read again in the background.
    StoreRefresh,
    /// The wizard on screen; its jobs end with it.
    Wizard(WizardJob),
}

/// The wizard's background jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WizardJob {
    /// «Проверить» on the typed values.
    Check,
    /// Saving or removing the connection.
    Commit,
    /// «Сохранить и продолжить позже» or the hand-over: saving the run part-way.
    Later,
    /// A step's secrets into the keyring before the next step.
    EarlySave,
    /// Secrets saved early, read back after a restart.
    EarlyLoad,
    /// A typed secret compared with other connections' secrets.
    DupeScan,
    /// Ivideon's SQL or CSV file.
    Export,
    /// Ivideon's camera list.
    Cameras,
}

impl JobKey {
    /// The saved connection this job works on, if any: its row shows it busy.
    pub fn connection(&self) -> Option<&str> {
        match self {
            Self::Check(id) | Self::Delete(id) | Self::SaveSecrets(id) => Some(id),
            _ => None,
        }
    }
}

type Answer = Box<dyn Any + Send>;

/// The jobs in flight.
pub struct Jobs {
    runner: Runner,
    running: BTreeMap<JobKey, Running<Answer>>,
}

impl Jobs {
    pub fn new(runner: Runner) -> Self {
        Self {
            runner,
            running: BTreeMap::new(),
        }
    }

    /// Starts blocking work (files, the keyring, the scheduler) under `key`, replacing (and
    /// cancelling) a job already there.
    pub fn start_blocking<T: Send + 'static>(
        &mut self,
        key: JobKey,
        ctx: &egui::Context,
        work: impl FnOnce() -> T + Send + 'static,
    ) {
        let ctx = ctx.clone();
        let job = self.runner.spawn_blocking(
            move || Box::new(work()) as Answer,
            move || ctx.request_repaint(),
        );
        self.running.insert(key, job);
    }

    /// Starts async work (a check over the network) under `key`, as [`Self::start_blocking`].
    pub fn start<T: Send + 'static>(
        &mut self,
        key: JobKey,
        ctx: &egui::Context,
        work: impl Future<Output = T> + Send + 'static,
    ) {
        let ctx = ctx.clone();
        let job = self
            .runner
            .spawn(async move { Box::new(work.await) as Answer }, move || {
                ctx.request_repaint();
            });
        self.running.insert(key, job);
    }

    pub fn is_running(&self, key: &JobKey) -> bool {
        self.running.contains_key(key)
    }

    /// Stops the job under `key` at once, if there is one.
    pub fn cancel(&mut self, key: &JobKey) {
        if let Some(job) = self.running.remove(key) {
            job.cancel();
        }
    }

    /// Stops the wizard's jobs: it has left the screen.
    pub fn cancel_wizard(&mut self) {
        self.running
            .retain(|key, _| !matches!(key, JobKey::Wizard(_)));
    }

    /// The result of the job under `key` once it has ended; the job leaves the table then.
    pub fn finished<T: 'static>(&mut self, key: &JobKey) -> Option<Result<T, JobLost>> {
        let answer = self.running.get(key)?.poll()?;
        self.running.remove(key);
        Some(answer.and_then(|a| downcast(key, a)))
    }

    /// Every ended job whose key `of` picks, with its result (a saved connection's checks).
    pub fn finished_where<T: 'static>(
        &mut self,
        of: impl Fn(&JobKey) -> bool,
    ) -> Vec<(JobKey, Result<T, JobLost>)> {
        let ended: Vec<JobKey> = self.running.keys().filter(|k| of(k)).cloned().collect();
        ended
            .into_iter()
            .filter_map(|key| {
                let result = self.finished(&key)?;
                Some((key, result))
            })
            .collect()
    }

    /// The saved connections some job is working on.
    pub fn busy_connections(&self) -> Vec<String> {
        self.running
            .keys()
            .filter_map(JobKey::connection)
            .map(str::to_owned)
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.running.is_empty()
    }

    /// Whether any of the wizard's jobs is running.
    pub fn wizard_busy(&self) -> bool {
        self.running.keys().any(|k| matches!(k, JobKey::Wizard(_)))
    }
}

/// A job's answer as the type its starter gave; another type is a mistake in the code, and is
/// reported like a job that ended without an answer.
fn downcast<T: 'static>(key: &JobKey, answer: Answer) -> Result<T, JobLost> {
    answer.downcast::<T>().map(|b| *b).map_err(|_| {
        tracing::error!(
            ?key,
            "a background job answered with another type than expected"
        );
        JobLost
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_is_collected_once_by_its_key_and_a_wrong_type_is_lost() {
        let mut jobs = Jobs::new(Runner::new().expect("runtime"));
        let ctx = egui::Context::default();
        let key = JobKey::Check("a".into());
        jobs.start_blocking(key.clone(), &ctx, || 41 + 1);
        jobs.start_blocking(JobKey::File, &ctx, || "text".to_owned());
        assert_eq!(jobs.busy_connections(), ["a"]);
        let answer = loop {
            if let Some(a) = jobs.finished::<i32>(&key) {
                break a;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        assert_eq!(answer, Ok(42));
        assert!(!jobs.is_running(&key));
        let wrong = loop {
            if let Some(a) = jobs.finished::<i32>(&JobKey::File) {
                break a;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        assert_eq!(wrong, Err(JobLost));
        assert!(jobs.is_empty());
        jobs.start_blocking(JobKey::Wizard(WizardJob::Commit), &ctx, || ());
        assert!(jobs.wizard_busy());
        jobs.cancel_wizard();
        assert!(jobs.is_empty());
    }
}
