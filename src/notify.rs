//! A native desktop notification: the freedesktop notification service over D-Bus on Linux.
//! Windows toasts are not wired yet: there `show` says so and the caller logs it.

/// Shows one notification; `urgent` for an expired key. Returns why it could not.
pub fn show(title: &str, body: &str, urgent: bool) -> Result<(), String> {
    #[cfg(target_os = "linux")]
    {
        let urgency = if urgent {
            notify_rust::Urgency::Critical
        } else {
            notify_rust::Urgency::Normal
        };
        notify_rust::Notification::new()
            .appname("Ключник")
            .summary(title)
            .body(body)
            .icon("dialog-warning")
            .urgency(urgency)
            .show()
            .map(drop)
            .map_err(|e| e.to_string())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (title, body, urgent);
        Err("уведомления на этой системе пока не поддерживаются".to_owned())
    }
}
