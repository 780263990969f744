//! Runs checks off the UI thread and lets the user cancel them.

use std::future::Future;
use std::sync::Arc;
use std::sync::mpsc;

/// A small async runtime shared by all checks.
#[derive(Clone)]
pub struct Runner {
    rt: Arc<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Runner")
    }
}

impl Runner {
    pub fn new() -> std::io::Result<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("klyuchnik-check")
            .enable_all()
            .build()?;
        Ok(Self { rt: Arc::new(rt) })
    }

    /// Starts `job`; `wake` is called when it is done (the UI passes `request_repaint`).
    pub fn spawn<T: Send + 'static>(
        &self,
        job: impl Future<Output = T> + Send + 'static,
        wake: impl Fn() + Send + 'static,
    ) -> Running<T> {
        let (tx, rx) = mpsc::channel();
        let task = self.rt.spawn(async move {
            let out = job.await;
            // The receiver is gone only when the UI dropped the job; nothing to tell then.
            let _ = tx.send(out);
            wake();
        });
        Running {
            rx,
            abort: task.abort_handle(),
        }
    }

    /// Runs blocking work (keyring, files) on the runtime's blocking pool.
    pub fn spawn_blocking<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
        wake: impl Fn() + Send + 'static,
    ) -> Running<T> {
        self.spawn(
            async move {
                // A panicked job ends this task without an answer; `poll` reports it as lost.
                match tokio::task::spawn_blocking(job).await {
                    Ok(out) => out,
                    Err(e) => std::panic::resume_unwind(e.into_panic()),
                }
            },
            wake,
        )
    }

    /// Runs `job` to completion on this runtime; for the CLI and tests.
    pub fn block_on<T>(&self, job: impl Future<Output = T>) -> T {
        self.rt.block_on(job)
    }
}

/// A background job ended without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("фоновая операция прервалась с внутренней ошибкой; подробности в журнале")]
pub struct JobLost;

/// A job in flight.
#[derive(Debug)]
pub struct Running<T> {
    rx: mpsc::Receiver<T>,
    abort: tokio::task::AbortHandle,
}

impl<T> Running<T> {
    /// The result, once it is there. Never blocks. `Some(Err)` when the job ended without
    /// an answer (it panicked).
    pub fn poll(&self) -> Option<Result<T, JobLost>> {
        match self.rx.try_recv() {
            Ok(out) => Some(Ok(out)),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some(Err(JobLost)),
        }
    }

    /// Stops the job at once; its connection is dropped.
    pub fn cancel(self) {
        self.abort.abort();
    }
}

impl<T> Drop for Running<T> {
    fn drop(&mut self) {
        self.abort.abort();
    }
}
