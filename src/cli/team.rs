//! `team login | logout | status`: the team store (OpenBao) for this data folder. Once logged
//! in, every command — and the window — works on the team's list instead of this computer's.

use super::Fail;
use super::output::{failed, say, stdin_lines, usage};
use crate::ops::team::{self, TeamConfig};

pub(super) fn team(
    action: &str,
    addr: Option<&str>,
    team_name: Option<&str>,
    user: Option<&str>,
    oidc: bool,
    mount: &str,
) -> Result<u8, Fail> {
    let home = crate::platform::env::home()
        .ok_or_else(|| failed("не удалось определить папку данных; укажите KLYUCHNIK_HOME"))?;
    let secrets = crate::platform::env::secrets();
    match action {
        "login" if oidc => {
            let (Some(addr), Some(team_name)) = (addr, team_name) else {
                return Err(usage(
                    "для входа через браузер нужны --addr АДРЕС и --team КОМАНДА",
                ));
            };
            let nodes = nodes(addr)?;
            let port = std::env::var("KLYUCHNIK_OIDC_PORT")
                .ok()
                .and_then(|p| p.parse().ok())
                .unwrap_or(team::OIDC_PORT);
            let open = |url: &str| -> Result<(), String> {
                // The page is also printed: a terminal without a browser can copy it.
                say_fmt!("Откройте в браузере и войдите: {url}");
                crate::platform::env::open_browser(url)
            };
            let browser = team::BrowserLogin {
                port,
                wait: team::OIDC_WAIT,
                open: &open,
            };
            let team = team::login_oidc(&home, &secrets, &nodes, mount, team_name, &browser)
                .map_err(|e| failed(e.to_string()))?;
            let count = crate::ops::Storage::list(&team).len();
            let user = team.user().to_owned();
            say_fmt!(
                "Вход выполнен: {user}, команда «{team_name}», подключений: {count}. Окно и команды \
                 теперь работают с хранилищем команды."
            );
            Ok(0)
        }
        "login" => {
            let (Some(addr), Some(team_name), Some(user)) = (addr, team_name, user) else {
                return Err(usage(
                    "для входа нужны --addr АДРЕС, --team КОМАНДА и --user ЛОГИН; пароль — \
                     строкой на стандартном вводе",
                ));
            };
            let nodes = nodes(addr)?;
            let password = stdin_lines(&["для пароля".to_owned()])?
                .pop()
                .unwrap_or_default();
            let config = TeamConfig {
                nodes,
                mount: mount.to_owned(),
                team: team_name.to_owned(),
                user: user.to_owned(),
                oidc: false,
            };
            let team = team::login(&home, &secrets, &config, &password)
                .map_err(|e| failed(e.to_string()))?;
            let count = crate::ops::Storage::list(&team).len();
            say_fmt!(
                "Вход выполнен: {user}, команда «{team_name}», подключений: {count}. Окно и команды \
                 теперь работают с хранилищем команды."
            );
            Ok(0)
        }
        "logout" => {
            team::logout(&home, &secrets).map_err(|e| failed(e.to_string()))?;
            say_fmt!(
                "Выход выполнен: Ключник снова работает со списком этого компьютера. Подключения \
                 команды остались в хранилище команды."
            );
            Ok(0)
        }
        _ => match team::open(&home, &secrets) {
            None => {
                say_fmt!(
                    "Хранилище команды не используется: подключения — только на этом компьютере."
                );
                Ok(0)
            }
            Some(Err(e)) => Err(failed(e.to_string())),
            Some(Ok((team, config))) => {
                let (who, ttl) = team.whoami().map_err(|e| failed(e.to_string()))?;
                say_fmt!(
                    "Хранилище команды: {} (раздел {}), команда «{}», вход: {who}, ещё {} мин.",
                    config.nodes.join(", "),
                    config.mount,
                    config.team,
                    ttl / 60
                );
                Ok(0)
            }
        },
    }
}

/// The node addresses of `--addr` (comma-separated), each `https://…` (or `http://…`).
fn nodes(addr: &str) -> Result<Vec<String>, Fail> {
    let nodes: Vec<String> = addr
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect();
    if let Some(bad) = nodes
        .iter()
        .find(|n| !n.starts_with("https://") && !n.starts_with("http://"))
    {
        return Err(usage(format!("адрес «{bad}»: нужен https://…")));
    }
    Ok(nodes)
}
