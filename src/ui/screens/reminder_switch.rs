//! «Напоминать о сроках, даже когда Ключник закрыт»: the system's schedule for
//! `klyuchnik check --notify` (see `schedule`), read and changed in the background — on Windows
//! each look is a `schtasks` run.

use crate::reminders::schedule::State;
use crate::ui::command::{Command, Services};
use crate::ui::jobs::JobKey;
use crate::ui::kit::widgets::UiExt as _;

/// The switch's label, the same on the finish pages, beside the expiry notice and in «Настройки».
pub const LABEL: &str = "Напоминать о сроках, даже когда Ключник закрыт";

/// What a job under way asks the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    /// Only what is set up now.
    Look,
    /// To switch the reminders on (`true`) or off.
    Switch(bool),
}

impl Asked {
    fn of(want: Option<bool>) -> Self {
        want.map_or(Self::Look, Self::Switch)
    }

    fn switch(self) -> Option<bool> {
        match self {
            Self::Look => None,
            Self::Switch(on) => Some(on),
        }
    }
}

#[derive(Default)]
pub struct ReminderSwitch {
    /// What the system has now; `None` until the first look is done.
    state: Option<State>,
    /// A look or a change under way (`ui::jobs`).
    job: Option<Asked>,
    /// Why the last change did not happen.
    error: Option<String>,
    /// The first look has been started (it happens once, after the first frame).
    looked: bool,
}

impl ReminderSwitch {
    /// Starts looking at what the system has, the first time it is called.
    pub fn look_once(&mut self, services: &Services, ctx: &egui::Context) {
        if !self.looked {
            self.looked = true;
            self.start(services, ctx, None);
        }
    }

    /// Switches the reminders on or off.
    pub fn set(&mut self, services: &Services, ctx: &egui::Context, on: bool) {
        self.start(services, ctx, Some(on));
    }

    fn start(&mut self, services: &Services, ctx: &egui::Context, want: Option<bool>) {
        if self.job.is_some() {
            return;
        }
        let scheduler = services.scheduler.clone();
        services
            .jobs
            .borrow_mut()
            .start_blocking(JobKey::Reminders, ctx, move || match want {
                None => Ok(scheduler.status()),
                Some(true) => scheduler.on(),
                Some(false) => scheduler.off().map(|()| scheduler.status()),
            });
        self.error = None;
        self.job = Some(Asked::of(want));
    }

    pub fn poll(&mut self, services: &Services) {
        let Some(asked) = self.job else {
            return;
        };
        let Some(result) = services
            .jobs
            .borrow_mut()
            .finished::<Result<State, String>>(&JobKey::Reminders)
        else {
            return;
        };
        self.job = None;
        match result {
            Ok(Ok(state)) => {
                if asked == Asked::Switch(false) && state.is_on() {
                    self.error = Some(format!("выключить не удалось. {}", state.describe()));
                }
                self.state = Some(state);
            }
            Ok(Err(e)) => {
                tracing::warn!("reminders not switched: {e}");
                self.error = Some(e);
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// What the system has, once known.
    pub fn state(&self) -> Option<State> {
        self.state
    }

    /// The checkbox and a line under it saying what is on now; a click asks for the change.
    /// Only the switch (and a failure to change it): beside the expiry notice, where room is
    /// short; the line on what is set up now is in «Настройки».
    pub fn show_switch(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let wanted = self.job.and_then(Asked::switch);
        let mut on = wanted.unwrap_or_else(|| self.state.is_some_and(State::is_on));
        let enabled = self.job.is_none() && self.state.is_some();
        if ui
            .add_enabled(enabled, egui::Checkbox::new(&mut on, LABEL))
            .changed()
        {
            commands.push(Command::SetReminders(on));
        }
        if let (None, Some(e)) = (&self.job, &self.error) {
            ui.field_error(&format!("Не получилось: {e}"));
        }
    }

    /// The switch and, under it, what is set up now.
    pub fn show(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        self.show_switch(ui, commands);
        let line = match (&self.job, &self.error, self.state) {
            (Some(Asked::Switch(true)), _, _) => "Включаю…".to_owned(),
            (Some(Asked::Switch(false)), _, _) => "Выключаю…".to_owned(),
            (Some(Asked::Look), _, _) | (None, None, None) => "Узнаю, включены ли…".to_owned(),
            // Said by the switch itself.
            (None, Some(_), _) => return,
            (None, None, Some(state)) if state.is_on() => format!(
                "{}. Уведомление придёт за 30, 7 и 1 день до конца срока и после него.",
                state.describe()
            ),
            (None, None, Some(State::Off)) => {
                "Напоминания выключены: пока Ключник закрыт, о сроках никто не напомнит.".to_owned()
            }
            (None, None, Some(state)) => format!("{}.", state.describe()),
        };
        ui.note(&line);
    }
}
