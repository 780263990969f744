//! Copying to the clipboard. A copied secret is wiped after [`CLEAR_AFTER`] if the clipboard
//! still holds it, and on Windows is kept out of clipboard history and the cloud clipboard.

use std::time::Duration;

use zeroize::Zeroizing;

/// How long a copied secret stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(30);

/// Puts `text` on the clipboard; a secret goes through the system clipboard directly so it can
/// be marked and wiped. Where that clipboard is unavailable, egui's copy is used.
pub fn copy(ctx: &egui::Context, text: String, secret: bool) {
    if !secret {
        ctx.copy_text(text);
        return;
    }
    let text = Zeroizing::new(text);
    match arboard::Clipboard::new() {
        Ok(clipboard) => {
            let spawned = std::thread::Builder::new()
                .name("klyuchnik-clipboard".to_owned())
                .spawn(move || hold_and_wipe(clipboard, &text));
            if let Err(e) = spawned {
                tracing::warn!("clipboard thread not started: {e}");
            }
        }
        Err(e) => {
            tracing::warn!(
                "system clipboard unavailable ({e}); the copied secret will not be wiped"
            );
            ctx.copy_text(text.to_string());
        }
    }
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
    if let Err(e) = set.text(text) {
        tracing::warn!("could not copy to the clipboard: {e}");
        return;
    }
    std::thread::sleep(CLEAR_AFTER);
    let still_ours = clipboard
        .get_text()
        .is_ok_and(|now| Zeroizing::new(now).as_str() == text);
    if still_ours && let Err(e) = clipboard.clear() {
        tracing::warn!("could not clear the clipboard: {e}");
    }
}
