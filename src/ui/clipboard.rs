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
