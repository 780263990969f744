//! The team store behind the storage seam: a team's connections on an OpenBao server, one KV v2
//! secret per connection at `teams/<team>/conns/<id>` — its secret values in the data, the rest
//! of the connection (name, flow, fields, expiry, checks…) in the custom metadata, so the list is
//! one detailed-metadata call. Every write carries the version it read: a colleague's change
//! in between is a conflict the person is told about, never a silent overwrite.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::storage::Storage;
use crate::model::{Connection, List, Secret};
use crate::store::openbao::{Bao, BaoError};
use crate::store::{Home, SecretError, Secrets, StoreError};

/// Custom metadata holds at most 64 keys of 512 bytes: the connection's JSON goes in chunks
/// of this many bytes under `c00`, `c01`, …, leaving keys for who changed it and when.
const CHUNK: usize = 500;
const MAX_CHUNKS: usize = 60;
/// Where a connection too big for the metadata (a long camera table) keeps its JSON instead:
/// a key of the data no field id can have.
const IN_DATA: &str = "#connection";

/// A team's connections on its OpenBao server.
pub struct Team {
    bao: Bao,
    /// `teams/<team>/conns`.
    folder: String,
    /// Who writes, for «Изменено коллегой …».
    user: String,
    /// The list as last read, with each connection's version.
    cache: Mutex<(Arc<List>, BTreeMap<String, u64>)>,
}

impl std::fmt::Debug for Team {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Team")
            .field("folder", &self.folder)
            .finish_non_exhaustive()
    }
}

fn store_error(e: BaoError) -> StoreError {
    match e {
        BaoError::Conflict { .. } => StoreError::Conflict(String::new()),
        other => StoreError::Team(other.to_string()),
    }
}

#[expect(
    clippy::needless_pass_by_value,
    reason = "used as map_err(secret_error)"
)]
fn secret_error(e: BaoError) -> SecretError {
    SecretError::Failed(format!("хранилище команды: {e}"))
}

impl Team {
    /// The store of team `team` (a folder name: letters, digits, `-`, `_`), written as `user`.
    pub fn new(bao: Bao, team: &str, user: &str) -> Result<Self, StoreError> {
        if team.is_empty()
            || !team
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            return Err(StoreError::Team(format!(
                "название команды «{team}»: только буквы, цифры, «-» и «_»"
            )));
        }
        let team = Self {
            bao,
            folder: format!("teams/{team}/conns"),
            user: user.to_owned(),
            cache: Mutex::new((Arc::new(List::default()), BTreeMap::new())),
        };
        team.refresh()?;
        Ok(team)
    }

    fn path(&self, id: &str) -> String {
        format!("{}/{id}", self.folder)
    }

    /// Reads the list from the server (one call) and keeps it.
    pub fn refresh(&self) -> Result<Arc<List>, StoreError> {
        let (list, versions) = self.read_all()?;
        let list = Arc::new(List::new(list));
        if let Ok(mut cache) = self.cache.lock() {
            *cache = (Arc::clone(&list), versions);
        }
        Ok(list)
    }

    fn read_all(&self) -> Result<(Vec<Connection>, BTreeMap<String, u64>), StoreError> {
        let entries = self.bao.list_detailed(&self.folder).map_err(store_error)?;
        let mut list = Vec::with_capacity(entries.len());
        let mut versions = BTreeMap::new();
        for entry in entries {
            // Every entry's version, also one that has only its secrets yet (the wizard writes
            // the secrets before the connection): the connection is then written over it.
            versions.insert(entry.key.clone(), entry.version);
            let json = if entry.metadata.get("c").map(String::as_str) == Some(IN_DATA) {
                self.bao
                    .read(&self.path(&entry.key))
                    .map_err(store_error)?
                    .and_then(|r| r.data.get(IN_DATA).map(|s| s.expose().to_owned()))
                    .unwrap_or_default()
            } else {
                (0..MAX_CHUNKS)
                    .map_while(|i| entry.metadata.get(&format!("c{i:02}")))
                    .cloned()
                    .collect()
            };
            match serde_json::from_str::<Connection>(&json) {
                Ok(c) if c.id == entry.key => list.push(c),
                // Only secrets so far, or written by something else: not shown.
                _ if json.is_empty() => {}
                _ => tracing::warn!(
                    key = entry.key,
                    "team store: an entry that is not a connection"
                ),
            }
        }
        Ok((list, versions))
    }

    /// The metadata for `c` (its JSON in chunks, who and when), or `None` when it does not fit
    /// and goes into the data.
    fn metadata(&self, c: &Connection) -> (BTreeMap<String, String>, Option<String>) {
        let json = serde_json::to_string(c).unwrap_or_default();
        let mut meta = BTreeMap::from([
            ("by".to_owned(), self.user.clone()),
            ("at".to_owned(), chrono::Utc::now().to_rfc3339()),
        ]);
        let mut chunks = Vec::new();
        let mut rest = json.as_str();
        while !rest.is_empty() {
            let mut cut = rest.len().min(CHUNK);
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            chunks.push(&rest[..cut]);
            rest = &rest[cut..];
        }
        if chunks.len() > MAX_CHUNKS {
            meta.insert("c".to_owned(), IN_DATA.to_owned());
            return (meta, Some(json));
        }
        for (i, chunk) in chunks.into_iter().enumerate() {
            meta.insert(format!("c{i:02}"), chunk.to_owned());
        }
        (meta, None)
    }

    /// Writes `c` over the version `seen` (0: new), its secrets kept or replaced by `secrets`.
    fn put(
        &self,
        c: &Connection,
        seen: u64,
        secrets: Option<BTreeMap<String, Secret>>,
    ) -> Result<u64, BaoError> {
        let path = self.path(&c.id);
        let mut data = match secrets {
            Some(s) => s,
            None if seen == 0 => BTreeMap::new(),
            None => self.bao.read(&path)?.map(|r| r.data).unwrap_or_default(),
        };
        let (meta, in_data) = self.metadata(c);
        data.remove(IN_DATA);
        if let Some(json) = in_data {
            data.insert(IN_DATA.to_owned(), Secret::new(json));
        }
        let version = self.bao.write(&path, &data, seen)?;
        self.bao.set_metadata(&path, &meta)?;
        Ok(version)
    }

    /// Who changed `id` last and when, for the conflict message.
    fn last_change(&self, id: &str) -> String {
        let entries = self.bao.list_detailed(&self.folder).unwrap_or_default();
        entries.iter().find(|e| e.key == id).map_or_else(
            || "коллега".to_owned(),
            |e| {
                let at = e
                    .metadata
                    .get("at")
                    .and_then(|a| chrono::DateTime::parse_from_rfc3339(a).ok())
                    .map(|t| {
                        t.with_timezone(&chrono::Local)
                            .format("%d.%m.%Y %H:%M")
                            .to_string()
                    })
                    .unwrap_or_default();
                format!(
                    "{} в {at}",
                    e.metadata.get("by").cloned().unwrap_or_default()
                )
            },
        )
    }

    fn conflict(&self, c: &Connection) -> StoreError {
        StoreError::Conflict(format!(
            "«{}» изменено коллегой ({}) после того, как вы его открыли. Список прочитан заново — \
             посмотрите изменения и повторите своё.",
            c.name,
            self.last_change(&c.id)
        ))
    }
}

impl Storage for Team {
    fn list(&self) -> Arc<List> {
        self.cache
            .lock()
            .map(|c| Arc::clone(&c.0))
            .unwrap_or_default()
    }

    fn modify(
        &self,
        change: &mut dyn FnMut(&mut Vec<Connection>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        // The change is applied to the list as the server has it now, and each connection it
        // touches is written over the version that was read.
        let (before, versions) = self.read_all()?;
        let mut after = before.clone();
        change(&mut after)?;
        let old: BTreeMap<&str, &Connection> = before.iter().map(|c| (c.id.as_str(), c)).collect();
        let mut result = Ok(());
        for c in &after {
            if old.get(c.id.as_str()).is_some_and(|o| *o == c) {
                continue;
            }
            let seen = versions.get(&c.id).copied().unwrap_or(0);
            if let Err(e) = self.put(c, seen, None) {
                result = Err(match e {
                    BaoError::Conflict { .. } => self.conflict(c),
                    other => store_error(other),
                });
                break;
            }
        }
        if result.is_ok() {
            for gone in before
                .iter()
                .filter(|b| !after.iter().any(|a| a.id == b.id))
            {
                if let Err(e) = self.bao.delete(&self.path(&gone.id)) {
                    result = Err(store_error(e));
                    break;
                }
            }
        }
        self.refresh()?;
        result
    }

    fn secret(&self, id: &str, field: &str) -> Result<Secret, SecretError> {
        self.bao
            .read(&self.path(id))
            .map_err(secret_error)?
            .and_then(|r| r.data.get(field).cloned())
            .filter(|_| field != IN_DATA)
            .ok_or_else(|| SecretError::Missing(field.to_owned()))
    }

    fn set_secret(&self, id: &str, field: &str, value: &Secret) -> Result<(), SecretError> {
        self.change_secret(id, |data| {
            data.insert(field.to_owned(), value.clone());
        })
    }

    fn delete_secret(&self, id: &str, field: &str) -> Result<(), SecretError> {
        self.change_secret(id, |data| {
            data.remove(field);
        })
    }

    fn secret_entries(&self) -> Result<Vec<(String, String)>, SecretError> {
        let list = self
            .refresh()
            .map_err(|e| SecretError::Failed(e.to_string()))?;
        let mut out = Vec::new();
        for c in list.iter() {
            if let Some(read) = self.bao.read(&self.path(&c.id)).map_err(secret_error)? {
                out.extend(
                    read.data
                        .keys()
                        .filter(|k| *k != IN_DATA)
                        .map(|k| (c.id.clone(), k.clone())),
                );
            }
        }
        Ok(out)
    }
}

impl Team {
    /// Changes a connection's secrets over the version read. A secret may be written before its
    /// connection (the wizard saves secrets first): the entry then starts with the data alone,
    /// and the connection's metadata comes with the list change that follows.
    fn change_secret(
        &self,
        id: &str,
        apply: impl FnOnce(&mut BTreeMap<String, Secret>),
    ) -> Result<(), SecretError> {
        let path = self.path(id);
        let read = self.bao.read(&path).map_err(secret_error)?;
        let (seen, mut data) = read.map_or((0, BTreeMap::new()), |r| (r.version, r.data));
        apply(&mut data);
        self.bao.write(&path, &data, seen).map_err(|e| match e {
            BaoError::Conflict { .. } => SecretError::Failed(
                "секрет изменили в хранилище команды одновременно с вами — повторите".to_owned(),
            ),
            other => secret_error(other),
        })?;
        Ok(())
    }
}

/// The keyring entries of the team store's login tokens start with this (connection id, field):
/// one per login and team, so two data folders of one person do not share a login.
pub const TOKEN_ID: &str = "team-store";
const TOKEN_FIELD: &str = "token";

fn token_id(config: &TeamConfig) -> String {
    format!("{TOKEN_ID}:{}@{}", config.user, config.team)
}

/// Where the team store is: kept in the data folder as `team.json`, without a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamConfig {
    /// One address per node, tried in turn.
    pub nodes: Vec<String>,
    /// The KV v2 mount, `klyuchnik` unless the administrator chose another.
    pub mount: String,
    pub team: String,
    pub user: String,
}

/// Logs in with login and password, keeps the token in the OS keyring and the rest in
/// `team.json`: from now on the window and the commands use the team store.
pub fn login(
    home: &Home,
    secrets: &Secrets,
    config: &TeamConfig,
    password: &Secret,
) -> Result<Team, StoreError> {
    let bao = Bao::login_userpass(&config.nodes, &config.mount, &config.user, password, &[])
        .map_err(|e| StoreError::Team(e.to_string()))?;
    let team = Team::new(bao, &config.team, &config.user)?;
    secrets
        .set_secret(&token_id(config), TOKEN_FIELD, team.bao.token())
        .map_err(|e| StoreError::Team(format!("вход не сохранён: {e}")))?;
    let json = serde_json::to_vec_pretty(config).unwrap_or_default();
    crate::store::write_atomic(&home.team_file(), &json).map_err(|source| StoreError::Write {
        path: home.team_file(),
        source,
    })?;
    Ok(team)
}

/// The team store this data folder uses, if any: `None` without `team.json`.
pub fn open(home: &Home, secrets: &Secrets) -> Option<Result<(Team, TeamConfig), StoreError>> {
    let text = std::fs::read(home.team_file()).ok()?;
    Some((|| {
        let config: TeamConfig = serde_json::from_slice(&text).map_err(|e| {
            StoreError::Team(format!("{} не читается ({e})", home.team_file().display()))
        })?;
        let token = secrets.get(&token_id(&config), TOKEN_FIELD).map_err(|_| {
            StoreError::Team(
                "вход в хранилище команды не найден на этом компьютере — войдите снова: \
                 klyuchnik team login"
                    .to_owned(),
            )
        })?;
        let bao = Bao::with_token(&config.nodes, &config.mount, token, &[])
            .map_err(|e| StoreError::Team(e.to_string()))?;
        let team = Team::new(bao, &config.team, &config.user).map_err(|e| match e {
            StoreError::Team(m) if m.contains("нет прав или вход истёк") => {
                StoreError::Team(format!(
                    "{m}. Если вход истёк, войдите снова: klyuchnik team login"
                ))
            }
            other => other,
        })?;
        Ok((team, config))
    })())
}

/// Forgets the team store on this computer: the token from the keyring, `team.json` from the
/// data folder. The team's connections stay on the server.
pub fn logout(home: &Home, secrets: &Secrets) -> Result<(), StoreError> {
    if let Some(config) = std::fs::read(home.team_file())
        .ok()
        .and_then(|t| serde_json::from_slice::<TeamConfig>(&t).ok())
    {
        secrets
            .delete_secret(&token_id(&config), TOKEN_FIELD)
            .map_err(|e| StoreError::Team(e.to_string()))?;
    }
    match std::fs::remove_file(home.team_file()) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StoreError::Write {
            path: home.team_file(),
            source: e,
        }),
        _ => Ok(()),
    }
}

impl Team {
    /// Who is logged in and for how long yet (seconds).
    pub fn whoami(&self) -> Result<(String, u64), StoreError> {
        self.bao
            .lookup_self()
            .map_err(|e| StoreError::Team(e.to_string()))
    }
}
