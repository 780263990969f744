//! Copying to the clipboard. A copied secret is kept out of clipboard history (Windows: also
//! out of the cloud clipboard; Linux: the `x-kde-passwordManagerHint` that KDE's and other
//! clipboard managers honour; macOS: the nspasteboard.org convention), wiped after
//! [`CLEAR_AFTER`] if the clipboard still holds it, and wiped when Ключник closes.

use std::sync::Mutex;
use std::time::Duration;

use zeroize::Zeroizing;

/// How long a copied secret stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(30);

/// The secret now on the clipboard, if any: what [`clear_on_exit`] removes.
static HELD: Mutex<Option<Zeroizing<String>>> = Mutex::new(None);

/// Puts `text` on the clipboard. A secret goes only through the system clipboard, where it
/// can be marked and wiped; when that is unavailable it is not copied at all (an unwiped copy
/// would stay there for any program to read), and the reason is returned for the screen.
pub fn copy(ctx: &egui::Context, text: String, secret: bool) -> Result<(), String> {
    if !secret {
        ctx.copy_text(text);
        return Ok(());
    }
    let text = Zeroizing::new(text);
    let clipboard = arboard::Clipboard::new().map_err(|e| {
        tracing::warn!("system clipboard unavailable ({e}); the secret was not copied");
        "системный буфер обмена недоступен, а без него секрет нельзя стереть через 30 секунд. \
         Выделите значение и скопируйте его сами (Ctrl+C)."
            .to_owned()
    })?;
    *held() = Some(text.clone());
    std::thread::Builder::new()
        .name("klyuchnik-clipboard".to_owned())
        .spawn(move || hold_and_wipe(clipboard, &text))
        .map(drop)
        .map_err(|e| format!("не удалось скопировать: {e}"))
}

fn held() -> std::sync::MutexGuard<'static, Option<Zeroizing<String>>> {
    HELD.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Sets the secret, waits, and clears the clipboard if the user has not copied anything else.
/// The clipboard object lives here meanwhile: on X11 its owner must stay to serve the text.
fn hold_and_wipe(mut clipboard: arboard::Clipboard, text: &str) {
    let set = clipboard.set();
    #[cfg(windows)]
    let set = {
        use arboard::SetExtWindows as _;
        set.exclude_from_history()
            .exclude_from_cloud()
            .exclude_from_monitoring()
    };
    #[cfg(all(unix, not(target_os = "macos")))]
    let set = {
        use arboard::SetExtLinux as _;
        set.exclude_from_history()
    };
    #[cfg(target_os = "macos")]
    let set = {
        use arboard::SetExtApple as _;
        set.exclude_from_history()
    };
    if let Err(e) = set.text(text) {
        tracing::warn!("could not copy to the clipboard: {e}");
        return;
    }
    std::thread::sleep(CLEAR_AFTER);
    wipe_if_ours(&mut clipboard, text);
    let mut held = held();
    if held.as_ref().is_some_and(|h| h.as_str() == text) {
        *held = None;
    }
}

fn wipe_if_ours(clipboard: &mut arboard::Clipboard, text: &str) {
    let still_ours = clipboard
        .get_text()
        .is_ok_and(|now| Zeroizing::new(now).as_str() == text);
    if still_ours && let Err(e) = clipboard.clear() {
        tracing::warn!("could not clear the clipboard: {e}");
    }
}

/// Wipes a secret copied less than [`CLEAR_AFTER`] ago, if the clipboard still holds it:
/// quitting must not leave it there (on Windows and Wayland the clipboard outlives the program).
pub fn clear_on_exit() {
    let Some(text) = held().take() else {
        return;
    };
    match arboard::Clipboard::new() {
        Ok(mut clipboard) => wipe_if_ours(&mut clipboard, &text),
        Err(e) => tracing::warn!("clipboard not cleared at exit: {e}"),
    }
}

/// Whether a secret copied by this program may still be on the clipboard (tests).
pub fn holds_secret() -> bool {
    held().is_some()
}

/// Reads the text on the system clipboard, for a «Вставить» button. An empty string when it
/// holds no text (an image, or nothing at all).
pub fn read() -> Result<Zeroizing<String>, String> {
    let unavailable = |e: arboard::Error| {
        tracing::warn!("system clipboard unavailable for «Вставить»: {e}");
        "системный буфер обмена недоступен. Щёлкните в поле и нажмите Ctrl+V.".to_owned()
    };
    let mut clipboard = arboard::Clipboard::new().map_err(unavailable)?;
    match clipboard.get_text() {
        // Windows puts CR LF between lines; the fields and the list want one kind of break.
        Ok(text) => Ok(Zeroizing::new(Zeroizing::new(text).replace("\r\n", "\n"))),
        Err(arboard::Error::ContentNotAvailable) => Ok(Zeroizing::new(String::new())),
        Err(e) => Err(unavailable(e)),
    }
}

/// What «Вставить» puts in its field: the clipboard's text, or `None` after asking the window
/// to paste into the focused field as Ctrl+V does, where Ключник cannot read the clipboard
/// itself (a Wayland desktop without the data-control protocol).
pub fn read_for_button(ctx: &egui::Context) -> Option<Zeroizing<String>> {
    match read() {
        Ok(text) => Some(text),
        Err(e) => {
            tracing::debug!("«Вставить» falls back to the window's paste: {e}");
            request_paste(ctx);
            None
        }
    }
}

/// The text a paste event brought into `response`'s field this frame (Ctrl+V, Shift+Insert or
/// the window's own paste), if it had the keyboard.
pub fn pasted_into(ui: &egui::Ui, response: &egui::Response) -> Option<Zeroizing<String>> {
    if !response.has_focus() && !response.lost_focus() {
        return None;
    }
    ui.input(|i| {
        i.events.iter().find_map(|e| match e {
            egui::Event::Paste(text) => Some(Zeroizing::new(text.clone())),
            _ => None,
        })
    })
}

/// Shift+Insert pastes from the clipboard on every system, as in Windows, GTK and Qt programs:
/// egui's window layer only makes it a paste on Windows, and on X11 or Wayland the key did
/// nothing. The window reads the clipboard and delivers the paste to the focused field on the
/// next frame.
pub fn shift_insert_pastes(ctx: &egui::Context) {
    if cfg!(windows) {
        return;
    }
    // The modifiers of the key event itself: a quick Shift+Insert can be pressed and released
    // within one frame, and the frame's own modifiers then say Shift is up.
    let pressed = ctx.input(|i| {
        i.events.iter().any(|e| {
            matches!(
                e,
                egui::Event::Key {
                    key: egui::Key::Insert,
                    pressed: true,
                    modifiers,
                    ..
                } if modifiers.shift_only()
            )
        })
    });
    if pressed {
        request_paste(ctx);
    }
    // The paste arrives two frames later: keep frames coming until then.
    let id = egui::Id::unique("klyuchnik_paste_frames");
    let left = ctx.data(|d| d.get_temp::<u8>(id)).unwrap_or(0);
    if left > 0 {
        ctx.data_mut(|d| d.insert_temp(id, left - 1));
        ctx.request_repaint();
    }
}

/// Asks the window to paste the clipboard into the focused field, as Ctrl+V does. The window
/// reads the clipboard after painting this frame and hands the text to the frame after next,
/// so frames are asked for until then (an idle window would otherwise hold it until the mouse
/// moves).
pub fn request_paste(ctx: &egui::Context) {
    ctx.send_viewport_cmd(egui::ViewportCommand::RequestPaste);
    ctx.data_mut(|d| d.insert_temp(egui::Id::unique("klyuchnik_paste_frames"), 3_u8));
    ctx.request_repaint();
}

/// What a paste put into a secret field, said without showing the value: how long it is, and
/// whether it looks like something else than `label` asks for. `warn` when it needs a look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasteNote {
    pub text: String,
    pub warn: bool,
}

impl PasteNote {
    /// `email`: the field itself expects an e-mail address, so an «@» is no sign of a mix-up.
    pub fn about(pasted: &str, label: &str, email: bool) -> Self {
        let value = pasted.trim();
        let n = value.chars().count();
        let count = format!("{n} {}", plural(n, ["знак", "знака", "знаков"]));
        if n == 0 {
            return Self {
                text: "Буфер обмена пуст — ничего не вставлено. Скопируйте значение ещё раз."
                    .to_owned(),
                warn: true,
            };
        }
        if !email && value.contains('@') {
            return Self {
                text: format!(
                    "Вставлено {count}, среди них «@»: похоже на e-mail, а не на «{label}». \
                     Проверьте, что скопировали."
                ),
                warn: true,
            };
        }
        if value.contains(['\n', '\r']) {
            return Self {
                text: format!(
                    "Вставлено {count} в нескольких строках: похоже, скопировано больше, чем \
                     нужно. Скопируйте только значение «{label}»."
                ),
                warn: true,
            };
        }
        Self {
            text: format!("Вставлено {count}."),
            warn: false,
        }
    }

    /// About a paste into `field`.
    pub fn for_field(pasted: &str, field: &crate::flow::Field) -> Self {
        Self::about(
            pasted,
            &field.label,
            field.kind == crate::flow::FieldKind::Email,
        )
    }

    /// Under the field: a plain note, or a framed warning when it needs a look.
    pub fn show(&self, ui: &mut egui::Ui) {
        use crate::ui::kit::widgets::UiExt as _;
        if self.warn {
            ui.warning_box(&self.text);
        } else {
            ui.note(&self.text);
        }
    }
}

/// Takes the spaces and line breaks off both ends without a new allocation (a secret's old
/// copy would stay in freed memory).
pub fn trim_in_place(buffer: &mut String) {
    let end = buffer.trim_end().len();
    buffer.truncate(end);
    let start = buffer.len() - buffer.trim_start().len();
    buffer.drain(..start);
}

/// The Russian noun form for `n`: 1 знак, 2 знака, 5 знаков, 11 знаков, 21 знак.
pub fn plural(n: usize, forms: [&'static str; 3]) -> &'static str {
    let [one, few, many] = forms;
    match (n % 10, n % 100) {
        (_, 11..=14) => many,
        (1, _) => one,
        (2..=4, _) => few,
        _ => many,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_forms() {
        let f = ["знак", "знака", "знаков"];
        let got: Vec<&str> = [1, 2, 5, 11, 12, 21, 22, 25, 36, 111, 101]
            .into_iter()
            .map(|n| plural(n, f))
            .collect();
        assert_eq!(
            got,
            [
                "знак",
                "знака",
                "знаков",
                "знаков",
                "знаков",
                "знак",
                "знака",
                "знаков",
                "знаков",
                "знаков",
                "знак"
            ]
        );
    }

    #[test]
    fn a_paste_is_described_without_its_value() {
        let token = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
        let ok = PasteNote::about(&format!(" {token}\n"), "API-токен", false);
        assert_eq!(ok.text, "Вставлено 36 знаков.");
        assert!(!ok.warn);
        let mail = PasteNote::about("pvz-10452@example.ru", "API-токен", false);
        assert!(mail.warn);
        assert!(
            mail.text.contains("похоже на e-mail, а не на «API-токен»"),
            "{}",
            mail.text
        );
        assert!(!mail.text.contains("pvz-10452"));
        assert!(!PasteNote::about("pvz@example.ru", "E-mail", true).warn);
        let empty = PasteNote::about("  \n", "Пароль", false);
        assert!(empty.warn && empty.text.starts_with("Буфер обмена пуст"));
        assert!(
            PasteNote::about("a\nb", "Пароль", false)
                .text
                .contains("нескольких строках")
        );
    }
}
