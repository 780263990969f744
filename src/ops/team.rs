//! The team store behind the storage seam: a team's connections on an OpenBao server, one KV v2
//! secret per connection at `teams/<team>/conns/<id>` — its secret values and the connection
//! itself (name, flow, fields, expiry, checks…) in the data, written with check-and-set; a copy
//! of the connection in the custom metadata, stamped with the data version it describes, so the
//! list is one detailed-metadata call. Every write carries the version it read: a colleague's
//! change in between is a conflict the person is told about, never a silent overwrite.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::storage::{Health, Place, Rights, Storage};
use crate::model::{Connection, List, Secret};
use crate::store::openbao::{Bao, BaoError};
use crate::store::{Home, SecretError, Secrets, StoreError};

/// Custom metadata holds at most 64 keys of 512 bytes: the connection's JSON goes in chunks
/// of this many bytes under `c00`, `c01`, …, leaving keys for who changed it and when.
const CHUNK: usize = 500;
const MAX_CHUNKS: usize = 60;
/// The key of the data holding the connection's JSON: one no field id can have.
const IN_DATA: &str = "#connection";

/// How long a login is extended each time it is renewed while in use (the server caps it at
/// its role's maximum).
const RENEW_BY: u64 = 8 * 3600;

/// A team's connections on its OpenBao server.
pub struct Team {
    bao: Bao,
    /// The team's name, as in `teams/<team>`.
    name: String,
    /// `teams/<team>/conns`.
    folder: String,
    /// Who writes, for «Изменено коллегой …».
    user: String,
    /// The list as last read, with each connection's version, and the number of the read it
    /// came from: a slow read that ends after a newer one does not put back an older list.
    cache: Mutex<(Arc<List>, BTreeMap<String, u64>, u64)>,
    reads: AtomicU64,
    generation: AtomicU64,
    /// Secret values read in this session, so a card stays readable while the server is out
    /// of reach. Memory only: nothing of the team's secrets reaches this computer's disk.
    seen: Mutex<HashMap<(String, String), Secret>>,
    state: Mutex<State>,
    /// How this data folder logged in, once known (logged in or opened): where the token is
    /// kept in the keyring, and whether through the browser — what logging in again needs.
    login: Mutex<Option<Login>>,
}

/// See [`Team::login`].
#[derive(Clone)]
struct Login {
    token_entry: String,
    browser: bool,
}

/// What the last exchange with the server showed.
#[derive(Default)]
struct State {
    /// When the list was last read.
    read_at: Option<chrono::DateTime<chrono::Local>>,
    /// What went wrong last (`None`: the last request went through).
    problem: Option<Health>,
    /// Known after the first read; everything until then (the server refuses what is not).
    rights: Option<Rights>,
    /// When to extend the login next.
    renew_at: Option<Instant>,
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
    /// The store of team `team` (a folder name: letters, digits, `-`, `_`), written as `user`,
    /// with its list read.
    pub fn new(bao: Bao, team: &str, user: &str) -> Result<Self, StoreError> {
        let team = Self::unread(bao, team, user)?;
        team.read_now()?;
        Ok(team)
    }

    /// The same, without asking the server anything yet: the window shows «Читаем список…» and
    /// reads it in the background.
    pub fn unread(bao: Bao, team: &str, user: &str) -> Result<Self, StoreError> {
        if team.is_empty()
            || !team
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            return Err(StoreError::Team(format!(
                "название команды «{team}»: только буквы, цифры, «-» и «_»"
            )));
        }
        Ok(Self {
            bao,
            name: team.to_owned(),
            folder: format!("teams/{team}/conns"),
            user: user.to_owned(),
            cache: Mutex::new((Arc::new(List::default()), BTreeMap::new(), 0)),
            reads: AtomicU64::new(0),
            generation: AtomicU64::new(0),
            seen: Mutex::default(),
            state: Mutex::default(),
            login: Mutex::default(),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Remembers how a request went, for [`Storage::health`]; gives the error back.
    fn note<T>(&self, result: Result<T, BaoError>) -> Result<T, BaoError> {
        let problem = match &result {
            Ok(_) => None,
            Err(BaoError::Unreachable(reason)) => Some(Health::Offline {
                read_at: self
                    .state()
                    .read_at
                    .map(|t| t.format("%d.%m.%Y %H:%M").to_string())
                    .unwrap_or_default(),
                reason: reason.clone(),
            }),
            Err(BaoError::Sealed) => Some(Health::Sealed),
            // A refusal is a missing right unless the login itself is no longer accepted.
            Err(BaoError::Denied(_)) => match self.bao.lookup_self() {
                Err(BaoError::Denied(_)) => Some(Health::LoginExpired),
                _ => self.state().problem.clone(),
            },
            Err(_) => self.state().problem.clone(),
        };
        self.state().problem = problem;
        result
    }

    fn path(&self, id: &str) -> String {
        format!("{}/{id}", self.folder)
    }

    /// Reads the list from the server (one call) and keeps it; extends the login when due and
    /// learns the person's rights the first time.
    pub fn read_now(&self) -> Result<Arc<List>, StoreError> {
        let ticket = self.reads.fetch_add(1, Ordering::Relaxed) + 1;
        if self.state().rights.is_none() {
            // First, so a list that is refused still leaves the rights known.
            match self.bao.rights(&self.folder) {
                Ok(rights) => self.state().rights = Some(rights),
                Err(e) => tracing::debug!("team store: rights not known: {e}"),
            }
        }
        let (list, versions) = self.read_all()?;
        let list = Arc::new(List::new(list));
        if let Ok(mut cache) = self.cache.lock()
            && cache.2 < ticket
        {
            if !cache.0.iter().eq(list.iter()) {
                self.generation.fetch_add(1, Ordering::Relaxed);
            }
            *cache = (Arc::clone(&list), versions, ticket);
        }
        let renew = {
            let mut state = self.state();
            state.read_at = Some(chrono::Local::now());
            state.renew_at.is_none_or(|at| Instant::now() >= at)
        };
        if renew {
            // Renewed while in use; a login that cannot be extended runs out as it was given.
            let left = self.bao.renew_self(RENEW_BY).unwrap_or_else(|e| {
                tracing::debug!("team store: login not extended: {e}");
                1200
            });
            self.state().renew_at = Some(Instant::now() + Duration::from_secs((left / 2).max(60)));
        }
        Ok(list)
    }

    /// Logs in again with the password (the login expired): the same store, a new token, kept
    /// in the OS keyring in place of the old one.
    pub fn relogin(&self, secrets: &Secrets, password: &Secret) -> Result<(), StoreError> {
        self.bao
            .relogin_userpass(&self.user, password)
            .map_err(|e| StoreError::Team(e.to_string()))?;
        self.after_relogin(secrets)
    }

    /// The new token kept for the next start, the state of the old login forgotten, the list
    /// read with it.
    fn after_relogin(&self, secrets: &Secrets) -> Result<(), StoreError> {
        // Kept for the next start when this store came from a data folder's login.
        if let Some(login) = self.login() {
            secrets
                .set_secret(&login.token_entry, TOKEN_FIELD, &self.bao.token())
                .map_err(|e| StoreError::Team(format!("вход не сохранён: {e}")))?;
        }
        {
            let mut state = self.state();
            state.problem = None;
            state.rights = None;
            state.renew_at = None;
        }
        self.read_now().map(drop)
    }

    pub fn team(&self) -> &str {
        &self.name
    }

    fn login(&self) -> Option<Login> {
        self.login.lock().ok().and_then(|l| l.clone())
    }

    /// Remembers how `config` logged in from `home`.
    fn remember_login(&self, home: &Home, config: &TeamConfig) {
        if let Ok(mut l) = self.login.lock() {
            *l = Some(Login {
                token_entry: token_id(home, config),
                browser: config.oidc,
            });
        }
    }

    /// Logged in through the browser: logging in again goes through it too.
    pub fn logs_in_through_browser(&self) -> bool {
        self.login().is_some_and(|l| l.browser)
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    fn read_all(&self) -> Result<(Vec<Connection>, BTreeMap<String, u64>), StoreError> {
        let entries = self
            .note(self.bao.list_detailed(&self.folder))
            .map_err(|e| {
                if let BaoError::Denied(_) = e {
                    let mut state = self.state();
                    if state.problem != Some(Health::LoginExpired) {
                        state.problem = Some(Health::Refused(format!(
                            "нет права видеть список команды «{}»",
                            self.name
                        )));
                    }
                }
                store_error(e)
            })?;
        let mut list = Vec::with_capacity(entries.len());
        let mut versions = BTreeMap::new();
        for entry in entries {
            let chunks: String = (0..MAX_CHUNKS)
                .map_while(|i| entry.metadata.get(&format!("c{i:02}")))
                .cloned()
                .collect();
            // The metadata is a copy for the one-call list, stamped with the data version it
            // describes; the data (written with check-and-set) holds the connection itself.
            // A copy of another version — a write under way, two writers' metadata landing out
            // of order — or too long for the metadata is read from the data, with its version.
            let stamped = entry.metadata.get("v").and_then(|v| v.parse::<u64>().ok());
            let (json, version) = if stamped == Some(entry.version) && !chunks.is_empty() {
                (chunks, entry.version)
            } else {
                match self.bao.read(&self.path(&entry.key)) {
                    Ok(Some(read)) => match read.data.get(IN_DATA) {
                        Some(json) => (json.expose().to_owned(), read.version),
                        // Only secrets so far (the wizard writes them before the connection).
                        None => (chunks, read.version),
                    },
                    Ok(None) => continue,
                    // A role that may not read the data has the list's copy only.
                    Err(BaoError::Denied(_)) => (chunks, entry.version),
                    Err(e) => {
                        let noted = self.note::<()>(Err(e));
                        return Err(store_error(noted.err().unwrap_or(BaoError::Sealed)));
                    }
                }
            };
            // Every entry's version, also one that has only its secrets yet: the connection is
            // then written over it.
            versions.insert(entry.key.clone(), version);
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

    /// The list's copy of `c` for data version `version`: its JSON in chunks (none when it does
    /// not fit: then the list reads the data), who changed it and when.
    fn metadata(&self, c: &Connection, version: u64) -> BTreeMap<String, String> {
        let json = serde_json::to_string(c).unwrap_or_default();
        let mut meta = BTreeMap::from([
            ("by".to_owned(), self.user.clone()),
            ("at".to_owned(), chrono::Utc::now().to_rfc3339()),
            ("v".to_owned(), version.to_string()),
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
        if chunks.len() <= MAX_CHUNKS {
            for (i, chunk) in chunks.into_iter().enumerate() {
                meta.insert(format!("c{i:02}"), chunk.to_owned());
            }
        }
        meta
    }

    /// Writes `c` over the version `seen` (0: new), its secrets kept or replaced by `secrets`.
    fn put(
        &self,
        c: &Connection,
        seen: u64,
        secrets: Option<BTreeMap<String, Secret>>,
    ) -> Result<u64, BaoError> {
        let path = self.path(&c.id);
        let json = Secret::new(serde_json::to_string(c).unwrap_or_default());
        let mut data = match secrets {
            Some(s) => s,
            None if seen == 0 => BTreeMap::new(),
            None => match self.bao.read(&path) {
                Ok(read) => read.map(|r| r.data).unwrap_or_default(),
                // A role that may write but not read the secrets: the connection over the
                // version seen, the secrets untouched.
                Err(BaoError::Denied(_)) => {
                    let changes = BTreeMap::from([(IN_DATA.to_owned(), Some(json))]);
                    let version = self.note(self.bao.patch(&path, &changes, seen))?;
                    self.note(self.bao.set_metadata(&path, &self.metadata(c, version)))?;
                    return Ok(version);
                }
                Err(e) => return self.note(Err(e)),
            },
        };
        data.insert(IN_DATA.to_owned(), json);
        let version = self.note(self.bao.write(&path, &data, seen))?;
        self.note(self.bao.set_metadata(&path, &self.metadata(c, version)))?;
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

    /// For a refusal that is not an expired login: which right is missing to `action`, in
    /// words for the person.
    fn missing_right(&self, e: &BaoError, action: &str) -> Option<String> {
        (matches!(e, BaoError::Denied(_)) && self.health() != Health::LoginExpired).then(|| {
            format!(
                "нет права {action} команды «{}» — его даёт администратор хранилища",
                self.name
            )
        })
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
    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }

    fn refresh(&self) -> bool {
        let before = self.generation();
        match self.read_now() {
            Ok(_) => self.generation() != before,
            Err(e) => {
                tracing::debug!("team store: list not re-read: {e}");
                false
            }
        }
    }

    fn is_remote(&self) -> bool {
        true
    }

    fn place(&self) -> Place {
        Place::Team {
            team: self.name.clone(),
            user: self.user.clone(),
        }
    }

    fn health(&self) -> Health {
        if self.bao.is_switching() {
            return Health::Switching;
        }
        let state = self.state();
        match &state.problem {
            Some(problem) => problem.clone(),
            None if state.read_at.is_none() => Health::Reading,
            None => Health::Fine,
        }
    }

    fn rights(&self) -> Rights {
        self.state().rights.unwrap_or(Rights::ALL)
    }

    fn changed_by(&self, id: &str) -> Option<String> {
        Some(format!("коллегой ({})", self.last_change(id)))
    }

    fn as_team(&self) -> Option<&Team> {
        Some(self)
    }

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
                    // Named, though the locks should have kept it from being tried.
                    e => self
                        .missing_right(&e, "записывать подключения")
                        .map_or_else(|| store_error(e), StoreError::Team),
                });
                break;
            }
        }
        if result.is_ok() {
            for gone in before
                .iter()
                .filter(|b| !after.iter().any(|a| a.id == b.id))
            {
                if let Err(e) = self.note(self.bao.delete(&self.path(&gone.id))) {
                    result = Err(self
                        .missing_right(&e, "удалять подключения")
                        .map_or_else(|| store_error(e), StoreError::Team));
                    break;
                }
                if let Ok(mut seen) = self.seen.lock() {
                    seen.retain(|(id, _), _| *id != gone.id);
                }
            }
        }
        // The write went through even when the re-read does not.
        if let Err(e) = self.read_now()
            && result.is_ok()
        {
            tracing::debug!("team store: list not re-read after a change: {e}");
        }
        result
    }

    fn secret(&self, id: &str, field: &str) -> Result<Secret, SecretError> {
        let key = (id.to_owned(), field.to_owned());
        let read = match self.note(self.bao.read(&self.path(id))) {
            Ok(read) => read,
            Err(BaoError::Unreachable(reason)) => {
                // Out of reach: what was read in this session, from memory.
                return self
                    .seen
                    .lock()
                    .ok()
                    .and_then(|seen| seen.get(&key).cloned())
                    .ok_or_else(|| secret_error(BaoError::Unreachable(reason)));
            }
            Err(e) => {
                return Err(self
                    .missing_right(&e, "читать секреты")
                    .map_or_else(|| secret_error(e), SecretError::Failed));
            }
        };
        let value = read
            .and_then(|r| r.data.get(field).cloned())
            .filter(|_| field != IN_DATA)
            .ok_or_else(|| SecretError::Missing(field.to_owned()))?;
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(key, value.clone());
        }
        Ok(value)
    }

    fn set_secret(&self, id: &str, field: &str, value: &Secret) -> Result<(), SecretError> {
        self.change_secret(
            id,
            |data| {
                data.insert(field.to_owned(), value.clone());
            },
            &[],
        )
    }

    fn delete_secret(&self, id: &str, field: &str) -> Result<(), SecretError> {
        self.change_secret(
            id,
            |data| {
                data.remove(field);
            },
            &[field],
        )
    }

    fn secret_entries(&self) -> Result<Vec<(String, String)>, SecretError> {
        let list = self
            .read_now()
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
        removed: &[&str],
    ) -> Result<(), SecretError> {
        let path = self.path(id);
        if let Ok(mut memo) = self.seen.lock() {
            memo.retain(|(i, _), _| i != id);
        }
        let written = match self.bao.read(&path) {
            Ok(read) => {
                let (seen, mut data) = read.map_or((0, BTreeMap::new()), |r| (r.version, r.data));
                apply(&mut data);
                let connection = data
                    .get(IN_DATA)
                    .and_then(|j| serde_json::from_str::<Connection>(j.expose()).ok());
                self.bao.write(&path, &data, seen).inspect(|&version| {
                    // The list's copy stamped with the new version, so it is used as it is.
                    if let Some(c) = connection {
                        let _ = self.bao.set_metadata(&path, &self.metadata(&c, version));
                    }
                })
            }
            // May deposit without reading: only this change, over the version in the list.
            Err(BaoError::Denied(_)) => {
                let seen = self
                    .bao
                    .list_detailed(&self.folder)
                    .ok()
                    .and_then(|l| l.into_iter().find(|e| e.key == id))
                    .map_or(0, |e| e.version);
                let mut added = BTreeMap::new();
                apply(&mut added);
                if seen == 0 {
                    self.bao.write(&path, &added, 0)
                } else {
                    let mut changes: BTreeMap<String, Option<Secret>> =
                        added.into_iter().map(|(k, v)| (k, Some(v))).collect();
                    changes.extend(removed.iter().map(|k| ((*k).to_owned(), None)));
                    self.bao.patch(&path, &changes, seen)
                }
            }
            Err(e) => Err(e),
        };
        self.note(written).map_err(|e| match e {
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

/// The token's keyring entry: per login, team and data folder (a checksum of its path), so
/// two data folders of one person — or two people's on one account — never share a login.
fn token_id(home: &Home, config: &TeamConfig) -> String {
    let folder = crc32fast::hash(home.dir().to_string_lossy().as_bytes());
    format!("{TOKEN_ID}:{}@{}:{folder:08x}", config.user, config.team)
}

/// The port on this computer a browser login comes back to, as `bao login -method=oidc` uses:
/// the administrator allows `http://localhost:8250/oidc/callback` in the OIDC role.
pub const OIDC_PORT: u16 = 8250;

/// How long a browser login waits for the person to finish it.
pub const OIDC_WAIT: Duration = Duration::from_mins(5);

/// What a browser login needs besides the identity provider's page.
pub struct BrowserLogin<'a> {
    /// Where the identity provider sends the browser back: `http://localhost:PORT/oidc/callback`.
    pub port: u16,
    pub wait: Duration,
    /// Opens the identity provider's page in the browser.
    pub open: &'a (dyn Fn(&str) -> Result<(), String> + Sync),
}

/// Logs in through the browser (OIDC: the organisation's identity provider), keeps the token
/// in the OS keyring and the rest in `team.json`. The login name is the one the server gives.
pub fn login_oidc(
    home: &Home,
    secrets: &Secrets,
    nodes: &[String],
    mount: &str,
    team: &str,
    browser: &BrowserLogin<'_>,
) -> Result<Team, StoreError> {
    let bao = browser_token(nodes, mount, browser)?;
    let (user, _) = bao
        .lookup_self()
        .map_err(|e| StoreError::Team(e.to_string()))?;
    let config = TeamConfig {
        nodes: nodes.to_vec(),
        mount: mount.to_owned(),
        team: team.to_owned(),
        user,
        oidc: true,
    };
    keep_login(home, secrets, &config, bao)
}

impl Team {
    /// Logs in again through the browser (the login expired): the same store, a new token.
    pub fn relogin_oidc(
        &self,
        secrets: &Secrets,
        browser: &BrowserLogin<'_>,
    ) -> Result<(), StoreError> {
        let fresh = browser_token(self.bao.nodes(), self.bao.mount(), browser)?;
        self.bao.set_token(fresh.token());
        self.after_relogin(secrets)
    }
}

/// A browser login: the identity provider's page opened, its answer taken on this computer's
/// loopback port, the token asked from the server.
fn browser_token(
    nodes: &[String],
    mount: &str,
    browser: &BrowserLogin<'_>,
) -> Result<Bao, StoreError> {
    let port = browser.port;
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        StoreError::Team(format!(
            "вход через браузер возвращается на порт {port} этого компьютера, а он занят ({e}); \
             закройте другой вход через браузер и повторите"
        ))
    })?;
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let redirect = format!("http://localhost:{port}/oidc/callback");
    let (bao, url) = Bao::oidc_start(nodes, mount, "", &redirect, &nonce, &[])
        .map_err(|e| StoreError::Team(e.to_string()))?;
    (browser.open)(&url).map_err(|e| {
        StoreError::Team(format!(
            "браузер не открылся ({e}); откройте эту страницу сами: {url}"
        ))
    })?;
    let (state, code) = callback(&listener, browser.wait)?;
    bao.oidc_finish(&state, &code, &nonce)
        .map_err(|e| StoreError::Team(e.to_string()))?;
    Ok(bao)
}

/// Waits for the browser to come back to `/oidc/callback` with the provider's answer, and tells
/// the person in the browser to go back to Ключник.
fn callback(
    listener: &std::net::TcpListener,
    wait: Duration,
) -> Result<(String, String), StoreError> {
    use std::io::{Read as _, Write as _};
    let failed = |e: std::io::Error| StoreError::Team(format!("вход через браузер прерван: {e}"));
    listener.set_nonblocking(true).map_err(failed)?;
    let deadline = Instant::now() + wait;
    loop {
        let mut stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(StoreError::Team(
                        "вход через браузер не завершён вовремя — начните его снова".to_owned(),
                    ));
                }
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
            Err(e) => return Err(failed(e)),
        };
        stream.set_nonblocking(false).map_err(failed)?;
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .map_err(failed)?;
        let mut head = vec![0_u8; 16 * 1024];
        let n = stream.read(&mut head).unwrap_or(0);
        let head = String::from_utf8_lossy(&head[..n]);
        let target = head
            .lines()
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .unwrap_or_default();
        let Ok(url) = reqwest::Url::parse(&format!("http://localhost{target}")) else {
            continue;
        };
        if url.path() != "/oidc/callback" {
            // The browser asking for an icon, say.
            let _ = stream.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            continue;
        }
        let query: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
        let (title, result) = match (query.get("state"), query.get("code")) {
            (Some(state), Some(code)) => (
                "Вход выполнен. Закройте эту вкладку и вернитесь в Ключник.",
                Ok((state.clone(), code.clone())),
            ),
            _ => (
                "Вход не выполнен. Вернитесь в Ключник — там сказано, что делать.",
                Err(StoreError::Team(format!(
                    "поставщик входа отказал: {}",
                    query
                        .get("error_description")
                        .or_else(|| query.get("error"))
                        .map_or("без объяснения", String::as_str)
                ))),
            ),
        };
        let page =
            format!("<!doctype html><meta charset=\"utf-8\"><title>Ключник</title><p>{title}</p>");
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
            page.len()
        );
        return result;
    }
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
    /// Logged in through the browser (OIDC) rather than with login and password.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub oidc: bool,
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
    keep_login(home, secrets, config, bao)
}

/// The store of a fresh login, its token in the OS keyring and the rest in `team.json`.
fn keep_login(
    home: &Home,
    secrets: &Secrets,
    config: &TeamConfig,
    bao: Bao,
) -> Result<Team, StoreError> {
    let team = Team::new(bao, &config.team, &config.user)?;
    team.remember_login(home, config);
    secrets
        .set_secret(&token_id(home, config), TOKEN_FIELD, &team.bao.token())
        .map_err(|e| StoreError::Team(format!("вход не сохранён: {e}")))?;
    let json = serde_json::to_vec_pretty(config).unwrap_or_default();
    crate::store::write_atomic(&home.team_file(), &json).map_err(|source| StoreError::Write {
        path: home.team_file(),
        source,
    })?;
    Ok(team)
}

/// The team store this data folder uses, if any, with its list read: `None` without
/// `team.json`.
pub fn open(home: &Home, secrets: &Secrets) -> Option<Result<(Team, TeamConfig), StoreError>> {
    let opened = open_unread(home, secrets)?;
    Some(opened.and_then(|(team, config)| {
        team.read_now().map_err(|e| match e {
            StoreError::Team(m) if m.contains("нет прав или вход истёк") => {
                StoreError::Team(format!(
                    "{m}. Если вход истёк, войдите снова: klyuchnik team login"
                ))
            }
            other => other,
        })?;
        Ok((team, config))
    }))
}

/// The same without asking the server anything yet (the window reads the list in the
/// background and says so meanwhile).
pub fn open_unread(
    home: &Home,
    secrets: &Secrets,
) -> Option<Result<(Team, TeamConfig), StoreError>> {
    let text = std::fs::read(home.team_file()).ok()?;
    Some((|| {
        let config: TeamConfig = serde_json::from_slice(&text).map_err(|e| {
            StoreError::Team(format!("{} не читается ({e})", home.team_file().display()))
        })?;
        let token = secrets
            .get(&token_id(home, &config), TOKEN_FIELD)
            .map_err(|_| {
                StoreError::Team(
                    "вход в хранилище команды не найден на этом компьютере — войдите снова: \
                 klyuchnik team login"
                        .to_owned(),
                )
            })?;
        let bao = Bao::with_token(&config.nodes, &config.mount, token, &[])
            .map_err(|e| StoreError::Team(e.to_string()))?;
        let team = Team::unread(bao, &config.team, &config.user)?;
        team.remember_login(home, &config);
        Ok((team, config))
    })())
}

/// The config in `team.json`, to fill the login form again.
pub fn config(home: &Home) -> Option<TeamConfig> {
    serde_json::from_slice(&std::fs::read(home.team_file()).ok()?).ok()
}

/// Forgets the team store on this computer: the token from the keyring, `team.json` from the
/// data folder. The team's connections stay on the server.
pub fn logout(home: &Home, secrets: &Secrets) -> Result<(), StoreError> {
    if let Some(config) = std::fs::read(home.team_file())
        .ok()
        .and_then(|t| serde_json::from_slice::<TeamConfig>(&t).ok())
    {
        secrets
            .delete_secret(&token_id(home, &config), TOKEN_FIELD)
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

/// What «Перенести подключения этого компьютера в хранилище команды» did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MoveReport {
    /// Names now only in the team store.
    pub moved: Vec<String>,
    /// Names left on this computer, each with the reason.
    pub kept: Vec<(String, String)>,
    /// In the team store and still here: the local copy could not be removed.
    pub both: Vec<(String, String)>,
}

/// Copies each of this computer's connections, with its secrets from the OS keyring, into
/// the team store, reads it back, and only then removes the local copy. A connection that fails
/// on the way stays here (a team copy that did not read back the same is removed again).
pub fn move_in(local: &super::Local, team: &Team) -> Result<MoveReport, StoreError> {
    let mut report = MoveReport::default();
    let theirs = team.read_now()?;
    for c in local.list().iter() {
        if theirs.iter().any(|t| t.id == c.id) {
            report
                .kept
                .push((c.name.clone(), "уже есть в хранилище команды".to_owned()));
            continue;
        }
        if let Some(same) = theirs.iter().find(|t| super::same_name(&t.name, &c.name)) {
            report.kept.push((
                c.name.clone(),
                format!(
                    "в хранилище команды уже есть «{}» — переименуйте одно из них",
                    same.name
                ),
            ));
            continue;
        }
        let mut secrets = BTreeMap::new();
        let mut unreadable = None;
        for field in &c.secrets {
            match local.secrets.get(&c.id, field) {
                Ok(v) => {
                    secrets.insert(field.clone(), v);
                }
                // Loaded from a file without it: it moves as it is.
                Err(SecretError::Missing(_)) => {}
                Err(e) => unreadable = Some(e.to_string()),
            }
        }
        if let Some(e) = unreadable {
            report.kept.push((c.name.clone(), e));
            continue;
        }
        if let Err(e) = team.put(c, 0, Some(secrets.clone())) {
            report
                .kept
                .push((c.name.clone(), store_error(e).to_string()));
            continue;
        }
        if let Err(e) = team.reads_back(c, &secrets) {
            // Not the same on the server: the copy goes, the original stays.
            let _ = team.bao.delete(&team.path(&c.id));
            report.kept.push((c.name.clone(), e));
            continue;
        }
        let removed = super::edit(local, |list| {
            list.retain(|x| x.id != c.id);
            Ok(())
        });
        if let Err(e) = removed {
            report.both.push((c.name.clone(), e.to_string()));
            continue;
        }
        for field in &c.secrets {
            if let Err(e) = local.secrets.delete_secret(&c.id, field) {
                tracing::warn!("moved to the team store; local secret not removed: {e}");
            }
        }
        report.moved.push(c.name.clone());
    }
    team.read_now()?;
    Ok(report)
}

impl Team {
    /// Whether `c` and its `secrets` read back from the server exactly as written.
    fn reads_back(&self, c: &Connection, secrets: &BTreeMap<String, Secret>) -> Result<(), String> {
        let read = self
            .bao
            .read(&self.path(&c.id))
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "не найдено в хранилище команды после записи".to_owned())?;
        let same_secrets = secrets
            .iter()
            .all(|(k, v)| read.data.get(k).is_some_and(|r| r.expose() == v.expose()));
        let list = self.read_now().map_err(|e| e.to_string())?;
        let same = list.iter().find(|x| x.id == c.id).is_some_and(|x| x == c);
        if same_secrets && same {
            Ok(())
        } else {
            Err("в хранилище команды прочиталось не то, что записано — оставлено здесь".to_owned())
        }
    }
}
