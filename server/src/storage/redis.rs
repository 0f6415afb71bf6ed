//! Boards stored in Redis, so that several server nodes can serve the same boards
//! (docs/ARCHITECTURE.md, "Several nodes"). The design follows y-redis:
//!
//! - `leerkring:board:{id}:meta`: the board's metadata (JSON), created with `SET NX`.
//! - `leerkring:board:{id}:stream`: one stream per board. Every accepted update is an entry
//!   (`node`, `kind` = `update`, `data`), and so is every new meeting state (`kind` =
//!   `meeting`). The other nodes read the stream to apply what this node stored
//!   ([`crate::broadcast::redis`]).
//! - `leerkring:board:{id}:snapshot`: a hash with the merged `state` and the stream id it
//!   covers (`upto`); compaction writes it and trims the stream, under a lease and a
//!   compare-and-set so two nodes never trim what the other has not folded in.
//! - `leerkring:board:{id}:meeting`: the meeting's latest state.
//! - `leerkring:team:{id}`: a team (JSON), replaced whole by a compare-and-set on its
//!   revision.
//!
//! Redis must run with `appendonly yes` and `appendfsync always`, so an `XADD` that
//! returned is on disk: the room still broadcasts only what was stored. A node checks
//! this when it starts ([`RedisStore::check_fsync`]) and refuses to run otherwise, unless
//! told to (`--allow-redis-without-fsync`). When Redis cannot be reached, updates go to a
//! local spool file (fsynced, mode 0600, record format of the embedded store, a torn last
//! record cut off when it is read) and reach the stream, in order, as soon as Redis is
//! back; the node's own clients keep working meanwhile.
//!
//! Folding the stream into the snapshot is checked as the embedded store's compaction
//! is: the merge runs guarded against panics, and the stream is trimmed only when the
//! merged snapshot loads as the same document ([`crate::board::reads_back_as`]).

use std::collections::HashMap;
use std::fs;
use std::future::Future;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use leerkring_shared::ids::{BoardId, TeamId};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::streams::StreamRangeReply;
use redis::{AsyncCommands, Client, RedisError};
use tokio::sync::Mutex;

use super::embedded::{private_file_options, sync_dir, write_atomically};
use super::record_log::{read_records, write_records};
use super::{Backlog, BoardLog, BoardMeta, Store, StoreError, StoredHistory, StoredTeam};
use crate::board::{guarded, reads_back_as, Board};

/// The Redis keys of one board.
#[derive(Clone)]
pub(crate) struct Keys {
    pub meta: String,
    pub stream: String,
    pub snapshot: String,
    pub meeting: String,
    pub lease: String,
    /// Held while a node runs a meeting command.
    pub command_lock: String,
}

impl Keys {
    pub(crate) fn of(board: &BoardId) -> Self {
        let prefix = format!("leerkring:board:{board}");
        Self {
            meta: format!("{prefix}:meta"),
            stream: format!("{prefix}:stream"),
            snapshot: format!("{prefix}:snapshot"),
            meeting: format!("{prefix}:meeting"),
            lease: format!("{prefix}:lease"),
            command_lock: format!("{prefix}:command"),
        }
    }
}

/// Stream entry fields.
pub(crate) const NODE: &str = "node";
pub(crate) const KIND: &str = "kind";
pub(crate) const DATA: &str = "data";
pub(crate) const KIND_UPDATE: &str = "update";
pub(crate) const KIND_MEETING: &str = "meeting";

/// How long a node may hold a board's command lock (a command takes milliseconds; the
/// limit only matters if the node dies holding it), and how long one waits for it.
const COMMAND_LOCK: Duration = Duration::from_secs(3);
const COMMAND_WAIT: Duration = Duration::from_secs(2);
/// How long a node may hold a board's compaction lease.
const LEASE: Duration = Duration::from_secs(30);
/// Besides the room's own trigger (its backlog), every open board's stream is looked at
/// this often and folded when it holds more entries than [`PERIODIC_FOLD_ENTRIES`]: a
/// node that only reads, or a writer that died, still gets its stream trimmed.
const PERIODIC_FOLD_EVERY: Duration = Duration::from_secs(30);
const PERIODIC_FOLD_ENTRIES: u64 = 500;
/// How long the background task of a board waits before it is started again after a
/// panic; the pause doubles while it keeps panicking, up to the second value.
const RESTART_PAUSES: RestartPauses = RestartPauses {
    first: Duration::from_millis(500),
    longest: Duration::from_secs(30),
};

/// Writes the new snapshot and trims the stream only if nobody compacted since this node
/// read the old one: a compare-and-set, atomic in Redis.
const COMPACT_SCRIPT: &str = r"
local current = redis.call('HGET', KEYS[1], 'upto') or ''
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'upto', ARGV[3])
redis.call('XTRIM', KEYS[2], 'MINID', ARGV[3])
return 1
";

/// Replaces a team only if the stored revision is the one before the new one: -1 if
/// there is no such team, 0 if someone changed it meanwhile, 1 when replaced.
const REPLACE_TEAM_SCRIPT: &str = r"
local current = redis.call('GET', KEYS[1])
if not current then return -1 end
if cjson.decode(current).revision + 1 ~= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
";

fn team_key(id: &TeamId) -> String {
    format!("leerkring:team:{id}")
}

/// Runs `op` again a few times when Redis could not be reached: after Redis comes back
/// the connection manager reconnects on the first failed command.
async fn retrying<T, F, Fut>(mut op: F) -> Result<T, RedisError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, RedisError>>,
{
    let mut attempt = 0;
    loop {
        match op().await {
            Err(error)
                if attempt < 3
                    && (error.is_io_error()
                        || error.is_connection_dropped()
                        || error.is_connection_refusal()) =>
            {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
            }
            result => return result,
        }
    }
}

fn unavailable(error: RedisError) -> StoreError {
    StoreError::Io(io::Error::other(format!("redis: {error}")))
}

/// Where in each board's stream this node's room loaded up to, so its subscription reads
/// on from exactly there ([`crate::broadcast::redis`]): earlier entries are in the loaded
/// history, and reading them again would replay old meeting states.
#[derive(Clone, Default)]
pub struct StreamPositions(Arc<std::sync::Mutex<std::collections::HashMap<BoardId, String>>>);

impl StreamPositions {
    fn set(&self, board: &BoardId, id: String) {
        if let Ok(mut positions) = self.0.lock() {
            positions.insert(board.clone(), id);
        }
    }

    /// The position loaded for `board` (taken: the next open sets it again), or the start.
    pub fn take(&self, board: &BoardId) -> String {
        self.0
            .lock()
            .ok()
            .and_then(|mut positions| positions.remove(board))
            .unwrap_or_else(|| "0-0".to_owned())
    }
}

/// Boards in Redis, shared by every node pointed at the same Redis.
pub struct RedisStore {
    /// Reconnects by itself after Redis went away; commands fail fast meanwhile.
    connection: ConnectionManager,
    node: String,
    spool_dir: PathBuf,
    positions: StreamPositions,
}

impl RedisStore {
    /// A store on the Redis at `url` for the node named `node`; updates that cannot reach
    /// Redis wait in `spool_dir`. Fails if Redis cannot be reached now.
    pub async fn connect(
        url: &str,
        node: String,
        spool_dir: &Path,
        positions: StreamPositions,
    ) -> Result<Self, StoreError> {
        let client = Client::open(url).map_err(unavailable)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(5)))
            .set_number_of_retries(2);
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(unavailable)?;
        if !spool_dir.exists() {
            fs::create_dir_all(spool_dir)?;
            // The new folder's own entry must survive a crash like the spool inside it.
            sync_dir(spool_dir.parent().unwrap_or(Path::new(".")))?;
        }
        Ok(Self {
            connection,
            node,
            spool_dir: spool_dir.to_owned(),
            positions,
        })
    }

    fn connection(&self) -> ConnectionManager {
        self.connection.clone()
    }

    /// Checks that Redis stores every write on disk before it answers (`appendonly yes`,
    /// `appendfsync always`): the node acknowledges an edit once Redis did, and anything
    /// less loses acknowledged edits when Redis's host loses power.
    pub async fn check_fsync(&self) -> Result<(), UnsafeRedis> {
        let appendonly = self.setting("appendonly").await?;
        let appendfsync = self.setting("appendfsync").await?;
        if appendonly == "yes" && appendfsync == "always" {
            Ok(())
        } else {
            Err(UnsafeRedis::NotFsynced {
                appendonly,
                appendfsync,
            })
        }
    }

    /// One of Redis's settings, read with `CONFIG GET` (empty if Redis has no such one).
    async fn setting(&self, name: &str) -> Result<String, UnsafeRedis> {
        let reply: HashMap<String, String> = redis::cmd("CONFIG")
            .arg("GET")
            .arg(name)
            .query_async(&mut self.connection())
            .await
            .map_err(|error| UnsafeRedis::CannotCheck(error.to_string()))?;
        Ok(reply.get(name).cloned().unwrap_or_default())
    }

    /// Stores `value` as JSON at `key`, unless something is there already.
    async fn set_json_once<T: serde::Serialize>(
        &self,
        key: String,
        value: &T,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_vec(value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let created: Option<String> = retrying(|| {
            let mut connection = self.connection();
            let (key, json) = (key.clone(), json.clone());
            async move {
                redis::cmd("SET")
                    .arg(key)
                    .arg(json)
                    .arg("NX")
                    .query_async(&mut connection)
                    .await
            }
        })
        .await
        .map_err(unavailable)?;
        created.map(drop).ok_or(StoreError::AlreadyExists)
    }

    /// The JSON value at `key`, if there is one.
    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        key: String,
    ) -> Result<Option<T>, StoreError> {
        let json: Option<Vec<u8>> = retrying(|| {
            let mut connection = self.connection();
            let key = key.clone();
            async move { connection.get(key).await }
        })
        .await
        .map_err(unavailable)?;
        json.map(|json| {
            serde_json::from_slice(&json).map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .transpose()
    }
}

/// Why a node will not rely on a Redis for its boards.
#[derive(Debug, thiserror::Error)]
pub enum UnsafeRedis {
    #[error(
        "Redis runs with appendonly {appendonly:?} and appendfsync {appendfsync:?}: it answers \
         before a write is on disk, so edits Leerkring acknowledged could be lost in a power \
         cut. Configure Redis with `appendonly yes` and `appendfsync always`, or start with \
         --allow-redis-without-fsync (LEERKRING_ALLOW_REDIS_WITHOUT_FSYNC=true) to run anyway"
    )]
    NotFsynced {
        appendonly: String,
        appendfsync: String,
    },
    #[error(
        "Redis does not answer CONFIG GET ({0}); managed Redis services often switch CONFIG \
         off, so Leerkring cannot check that every write is on disk before Redis answers \
         (appendonly yes, appendfsync always). If your provider guarantees that, start with \
         --allow-redis-without-fsync (LEERKRING_ALLOW_REDIS_WITHOUT_FSYNC=true)"
    )]
    CannotCheck(String),
}

/// Reads the entries of a stream range reply as (kind, data) pairs.
pub(crate) fn entries(reply: &StreamRangeReply) -> Vec<(String, String, Vec<u8>)> {
    reply
        .ids
        .iter()
        .filter_map(|entry| {
            let node: String = entry.get(NODE)?;
            let kind: String = entry.get(KIND)?;
            let data: Vec<u8> = entry.get(DATA)?;
            Some((node, kind, data))
        })
        .collect()
}

#[async_trait]
impl Store for RedisStore {
    async fn create_board(&self, meta: &BoardMeta) -> Result<(), StoreError> {
        self.set_json_once(Keys::of(&meta.id).meta, meta).await
    }

    async fn create_team(&self, team: &StoredTeam) -> Result<(), StoreError> {
        self.set_json_once(team_key(&team.meta.id), team).await
    }

    async fn team(&self, id: &TeamId) -> Result<Option<StoredTeam>, StoreError> {
        self.get_json(team_key(id)).await
    }

    async fn replace_team(&self, team: &StoredTeam) -> Result<(), StoreError> {
        let json = serde_json::to_vec(team).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let key = team_key(&team.meta.id);
        let script = redis::Script::new(REPLACE_TEAM_SCRIPT);
        let outcome: i64 = retrying(|| {
            let mut connection = self.connection();
            let mut invocation = script.key(key.clone());
            invocation.arg(json.clone()).arg(team.revision);
            async move { invocation.invoke_async(&mut connection).await }
        })
        .await
        .map_err(unavailable)?;
        match outcome {
            1 => Ok(()),
            0 => Err(StoreError::Conflict),
            _ => Err(StoreError::NotFound),
        }
    }

    async fn board_meta(&self, id: &BoardId) -> Result<Option<BoardMeta>, StoreError> {
        self.get_json(Keys::of(id).meta).await
    }

    async fn open(&self, id: &BoardId) -> Result<(StoredHistory, Box<dyn BoardLog>), StoreError> {
        let keys = Keys::of(id);
        let connection = self.connection();
        // Snapshot and stream in one transaction: a compaction in between could otherwise
        // trim entries the snapshot read here does not hold.
        let (state, range, meeting): (Option<Vec<u8>>, StreamRangeReply, Option<Vec<u8>>) =
            retrying(|| {
                let mut connection = connection.clone();
                let keys = &keys;
                async move {
                    redis::pipe()
                        .atomic()
                        .hget(&keys.snapshot, "state")
                        .xrange_all(&keys.stream)
                        .get(&keys.meeting)
                        .query_async(&mut connection)
                        .await
                }
            })
            .await
            .map_err(unavailable)?;
        if let Some(last) = range.ids.last() {
            self.positions.set(id, last.id.clone());
        }
        let spool = Spool::open(self.spool_dir.join(format!("{id}.log")))?;
        let mut updates: Vec<Vec<u8>> = entries(&range)
            .into_iter()
            .filter(|(_, kind, _)| kind == KIND_UPDATE)
            .map(|(_, _, data)| data)
            .collect();
        updates.extend(spool.pending.iter().map(|u| u.to_vec()));
        let history = StoredHistory {
            snapshot: state,
            updates,
            meeting,
        };
        let log = RedisLog {
            connection,
            keys,
            node: self.node.clone(),
            spool: Arc::new(Mutex::new(spool)),
            backlog: Backlog::default(),
        };
        log.keep_up();
        Ok((history, Box::new(log)))
    }
}

/// Updates accepted while Redis could not be reached, kept in a local file until they are
/// in the stream.
struct Spool {
    path: PathBuf,
    pending: Vec<Bytes>,
}

impl Spool {
    /// Reads what waits in the spool at `path`. A spool whose last write was torn (a crash
    /// or power cut mid-append, before that append was acknowledged) is cut back to its
    /// intact records, as the embedded store's log is.
    fn open(path: PathBuf) -> Result<Self, StoreError> {
        let mut file = match private_file_options().read(true).write(true).open(&path) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Ok(Self {
                    path,
                    pending: Vec::new(),
                })
            }
            Err(error) => return Err(error.into()),
        };
        let read = read_records(&mut file)?;
        if read.damaged_bytes > 0 {
            tracing::warn!(
                spool = %path.display(),
                intact_updates = read.records.len(),
                damaged_bytes = read.damaged_bytes,
                "the spool ended in a torn or corrupt record; kept the intact prefix"
            );
            file.set_len(read.intact_bytes)?;
            file.sync_all()?;
        }
        let pending = read.records.into_iter().map(Bytes::from).collect();
        Ok(Self { path, pending })
    }

    /// Adds updates durably.
    fn push(&mut self, updates: &[Bytes]) -> io::Result<()> {
        let created = !self.path.exists();
        let mut file = private_file_options()
            .create(true)
            .append(true)
            .open(&self.path)?;
        write_records(&mut file, updates.iter().map(|u| u.as_ref()))?;
        file.flush()?;
        file.sync_all()?;
        if created {
            // A new file is only there after a crash once its folder entry is on disk.
            sync_dir(self.path.parent().unwrap_or(Path::new(".")))?;
        }
        self.pending.extend_from_slice(updates);
        Ok(())
    }

    /// Takes `records` out of the spool (the crash-loop breaker set them aside), so they
    /// never reach the stream.
    fn drop_records(&mut self, records: &[Vec<u8>]) -> io::Result<()> {
        let before = self.pending.len();
        self.pending
            .retain(|pending| !records.iter().any(|record| record[..] == pending[..]));
        if self.pending.len() == before {
            return Ok(());
        }
        if self.pending.is_empty() {
            return self.clear();
        }
        let mut contents = Vec::new();
        write_records(&mut contents, self.pending.iter().map(|u| u.as_ref()))?;
        write_atomically(&self.path, &contents)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.pending.clear();
        match fs::remove_file(&self.path) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }
}

/// One board's history in Redis, held by its room on this node.
struct RedisLog {
    connection: ConnectionManager,
    keys: Keys,
    node: String,
    spool: Arc<Mutex<Spool>>,
    backlog: Backlog,
}

/// Adds `updates` to `stream` as one transaction.
async fn add(
    connection: &mut ConnectionManager,
    stream: &str,
    node: &str,
    updates: &[Bytes],
) -> Result<(), RedisError> {
    let mut pipe = redis::pipe();
    pipe.atomic();
    for update in updates {
        pipe.xadd(
            stream,
            "*",
            &[
                (NODE, node.as_bytes()),
                (KIND, KIND_UPDATE.as_bytes()),
                (DATA, update.as_ref()),
            ],
        )
        .ignore();
    }
    pipe.query_async::<()>(connection).await
}

/// Sends what waits in the spool, in order; false if Redis is still out of reach.
async fn flush(
    connection: &mut ConnectionManager,
    stream: &str,
    node: &str,
    spool: &Mutex<Spool>,
) -> Result<bool, StoreError> {
    let mut spool = spool.lock().await;
    if spool.pending.is_empty() {
        return Ok(true);
    }
    let pending = spool.pending.clone();
    match add(connection, stream, node, &pending).await {
        Ok(()) => {
            tracing::info!(updates = pending.len(), "spooled updates reached redis");
            spool.clear()?;
            Ok(true)
        }
        Err(_) => Ok(false),
    }
}

impl RedisLog {
    async fn add(&mut self, updates: &[Bytes]) -> Result<(), RedisError> {
        add(&mut self.connection, &self.keys.stream, &self.node, updates).await
    }

    async fn flush_spool(&mut self) -> Result<bool, StoreError> {
        flush(
            &mut self.connection,
            &self.keys.stream,
            &self.node,
            &self.spool,
        )
        .await
    }

    /// While the log (its room) lives: sends the spool on once Redis is back even if
    /// nobody edits, and folds a long stream now and then. Supervised: a panic in it is
    /// logged and the task starts again, so the spool never silently stops draining.
    fn keep_up(&self) {
        let spool = Arc::downgrade(&self.spool);
        let connection = self.connection.clone();
        let keys = self.keys.clone();
        let node = self.node.clone();
        let what = format!("keeping up {}", keys.stream);
        tokio::spawn(supervised(what, RESTART_PAUSES, move || {
            keep_up(
                spool.clone(),
                connection.clone(),
                keys.clone(),
                node.clone(),
            )
        }));
    }
}

/// Every half second, sends what waits in the spool; every [`PERIODIC_FOLD_EVERY`],
/// folds the stream if it is long. Ends when the log (its room) is gone.
async fn keep_up(
    spool: Weak<Mutex<Spool>>,
    mut connection: ConnectionManager,
    keys: Keys,
    node: String,
) {
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    let mut last_fold = tokio::time::Instant::now();
    loop {
        tick.tick().await;
        let Some(spool) = spool.upgrade() else { return };
        match flush(&mut connection, &keys.stream, &node, &spool).await {
            Err(error) => tracing::error!(%error, "could not clear the spool"),
            Ok(true) if last_fold.elapsed() >= PERIODIC_FOLD_EVERY => {
                last_fold = tokio::time::Instant::now();
                let length: u64 = connection.xlen(&keys.stream).await.unwrap_or(0);
                if length > PERIODIC_FOLD_ENTRIES {
                    if let Err(error) = fold_under_lease(&mut connection, &keys, &node).await {
                        tracing::warn!(%error, "periodic compaction failed");
                    }
                }
            }
            Ok(_) => {}
        }
    }
}

/// How long [`supervised`] waits before starting a task again.
#[derive(Clone, Copy, Debug)]
struct RestartPauses {
    first: Duration,
    longest: Duration,
}

/// Runs the task `start` makes until it ends by itself. When it panics, says so (naming
/// it `what`) and starts a new one after a pause that doubles while it keeps panicking.
async fn supervised<F, Fut>(what: String, pauses: RestartPauses, mut start: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut pause = pauses.first;
    loop {
        let started = tokio::time::Instant::now();
        match tokio::spawn(start()).await {
            Err(error) if error.is_panic() => {
                if started.elapsed() > pauses.longest {
                    // It ran well for a while: this is a new fault, not the same one again.
                    pause = pauses.first;
                }
                tracing::error!(
                    task = %what,
                    restart_in_ms = pause.as_millis() as u64,
                    "a background task panicked; starting it again"
                );
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(pauses.longest);
            }
            // Done, or cancelled because the runtime is shutting down.
            _ => return,
        }
    }
}

#[async_trait]
impl BoardLog for RedisLog {
    async fn append(&mut self, updates: &[Bytes]) -> Result<(), StoreError> {
        let bytes: u64 = updates.iter().map(|u| u.len() as u64).sum();
        let sent = self.flush_spool().await? && self.add(updates).await.is_ok();
        if !sent {
            tracing::warn!(
                updates = updates.len(),
                "redis unreachable: updates kept in the local spool"
            );
            self.spool.lock().await.push(updates)?;
        }
        self.backlog.updates += updates.len() as u64;
        self.backlog.bytes += bytes;
        Ok(())
    }

    /// Folds the stream into the snapshot from what Redis holds (not from this node's
    /// document, which may not have applied every other node's update yet), then trims
    /// the stream up to what the snapshot covers.
    fn compacts_from_document(&self) -> bool {
        false
    }

    async fn compact(&mut self, _snapshot: Vec<u8>) -> Result<(), StoreError> {
        if !self.flush_spool().await? {
            return Ok(());
        }
        let folded = fold_under_lease(&mut self.connection, &self.keys, &self.node).await;
        // Also after a refused fold: the next try comes after as much history again (or
        // with the periodic fold), not at every append.
        self.backlog = Backlog::default();
        folded
    }

    /// Takes the board's command lock (waiting for another node's command to finish) and
    /// reads the meeting as last stored, so commands from all nodes apply one at a time
    /// to the latest meeting: no ballot cast on one node is overwritten by another's.
    async fn begin_meeting_change(&mut self) -> Result<Option<Vec<u8>>, StoreError> {
        let deadline = tokio::time::Instant::now() + COMMAND_WAIT;
        loop {
            let taken: Option<String> = redis::cmd("SET")
                .arg(&self.keys.command_lock)
                .arg(&self.node)
                .arg("NX")
                .arg("PX")
                .arg(COMMAND_LOCK.as_millis() as u64)
                .query_async(&mut self.connection)
                .await
                .map_err(unavailable)?;
            if taken.is_some() {
                break;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(StoreError::Io(io::Error::other(
                    "another node holds the board's command lock",
                )));
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        match self.connection.get(&self.keys.meeting).await {
            Ok(meeting) => Ok(meeting),
            Err(error) => {
                self.end_meeting_change().await;
                Err(unavailable(error))
            }
        }
    }

    async fn end_meeting_change(&mut self) {
        let _: Result<(), _> = self.connection.del(&self.keys.command_lock).await;
    }

    async fn save_meeting(&mut self, meeting: Vec<u8>) -> Result<(), StoreError> {
        redis::pipe()
            .atomic()
            .set(&self.keys.meeting, &meeting)
            .ignore()
            .xadd(
                &self.keys.stream,
                "*",
                &[
                    (NODE, self.node.as_bytes()),
                    (KIND, KIND_MEETING.as_bytes()),
                    (DATA, meeting.as_slice()),
                ],
            )
            .ignore()
            .query_async::<()>(&mut self.connection)
            .await
            .map_err(unavailable)
    }

    fn backlog(&self) -> Backlog {
        self.backlog
    }

    /// Deletes the set-aside records from the stream (and the spool), so that no node
    /// replays them or folds them into the snapshot.
    async fn drop_set_aside(&mut self, records: &[Vec<u8>]) -> Result<(), StoreError> {
        self.spool.lock().await.drop_records(records)?;
        let range: StreamRangeReply = self
            .connection
            .xrange_all(&self.keys.stream)
            .await
            .map_err(unavailable)?;
        let ids: Vec<String> = range
            .ids
            .iter()
            .filter(|entry| {
                entry.get::<String>(KIND).as_deref() == Some(KIND_UPDATE)
                    && entry
                        .get::<Vec<u8>>(DATA)
                        .is_some_and(|data| records.contains(&data))
            })
            .map(|entry| entry.id.clone())
            .collect();
        if !ids.is_empty() {
            let deleted: u64 = self
                .connection
                .xdel(&self.keys.stream, &ids)
                .await
                .map_err(unavailable)?;
            tracing::warn!(deleted, "deleted set-aside records from the board's stream");
        }
        Ok(())
    }
}

/// Folds the stream into the snapshot if no other node is doing so (the lease).
async fn fold_under_lease(
    connection: &mut ConnectionManager,
    keys: &Keys,
    node: &str,
) -> Result<(), StoreError> {
    let leased: Option<String> = redis::cmd("SET")
        .arg(&keys.lease)
        .arg(node)
        .arg("NX")
        .arg("PX")
        .arg(LEASE.as_millis() as u64)
        .query_async(connection)
        .await
        .map_err(unavailable)?;
    if leased.is_none() {
        return Ok(());
    }
    let result = fold(connection, keys).await;
    let _: Result<(), _> = connection.del(&keys.lease).await;
    result
}

/// Merges snapshot and stream as Redis holds them into a new snapshot and trims the
/// stream, unless someone else compacted since the read, or the merge cannot be trusted
/// ([`verified_merge`]): then the stream stays whole and the board loses nothing.
async fn fold(connection: &mut ConnectionManager, keys: &Keys) -> Result<(), StoreError> {
    let (state, upto, range): (Option<Vec<u8>>, Option<String>, StreamRangeReply) = redis::pipe()
        .atomic()
        .hget(&keys.snapshot, "state")
        .hget(&keys.snapshot, "upto")
        .xrange_all(&keys.stream)
        .query_async(connection)
        .await
        .map_err(unavailable)?;
    let Some(last) = range.ids.last().map(|entry| entry.id.clone()) else {
        return Ok(());
    };
    let history = StoredHistory {
        snapshot: state,
        updates: entries(&range)
            .into_iter()
            .filter(|(_, kind, _)| kind == KIND_UPDATE)
            .map(|(_, _, data)| data)
            .collect(),
        meeting: None,
    };
    let merged = tokio::task::spawn_blocking(move || verified_merge(history))
        .await
        .map_err(|join_error| StoreError::Io(io::Error::other(join_error)))?
        .inspect_err(|error| {
            tracing::error!(
                stream = %keys.stream,
                %error,
                "not folding the stream: the merge cannot be trusted, so the stream keeps everything"
            );
        })?;
    let written: i64 = redis::Script::new(COMPACT_SCRIPT)
        .key(&keys.snapshot)
        .key(&keys.stream)
        .arg(upto.unwrap_or_default())
        .arg(merged)
        .arg(&last)
        .invoke_async(connection)
        .await
        .map_err(unavailable)?;
    if written == 1 {
        tracing::info!(upto = %last, "compacted the board's stream");
    }
    Ok(())
}

/// The snapshot that may replace `history` (the stored snapshot and the stream's updates):
/// their merge, if merging neither fails nor panics and the merge loads as the same
/// document that `history` loads as.
fn verified_merge(history: StoredHistory) -> Result<Vec<u8>, StoreError> {
    let parts: Vec<&[u8]> = history
        .snapshot
        .iter()
        .chain(history.updates.iter())
        .map(Vec::as_slice)
        .collect();
    let merged = guarded("merge the stream", || yrs::merge_updates_v1(&parts))
        .ok_or_else(|| StoreError::Corrupt("merging the stream panicked".into()))?
        .map_err(|error| StoreError::Corrupt(format!("cannot merge the stream: {error}")))?;
    let expected = Board::from_history(history).state_vector();
    if reads_back_as(&merged, &expected) {
        Ok(merged)
    } else {
        Err(StoreError::Corrupt(
            "the merged snapshot does not load as the stream's document".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use yrs::updates::decoder::Decode;
    use yrs::{Doc, GetString, ReadTxn, StateVector, Text, Transact};

    use super::*;

    fn typed(doc: &Doc, text: &str) -> Vec<u8> {
        let field = doc.get_or_insert_text("flipover");
        let before = doc.transact().state_vector();
        field.push(&mut doc.transact_mut(), text);
        doc.transact().encode_state_as_update_v1(&before)
    }

    #[tokio::test]
    async fn a_background_task_that_panics_is_started_again_until_it_ends_by_itself() {
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&runs);
        let pauses = RestartPauses {
            first: Duration::from_millis(1),
            longest: Duration::from_millis(4),
        };
        let supervisor = supervised("a test task".into(), pauses, move || {
            let runs = Arc::clone(&counted);
            async move {
                if runs.fetch_add(1, Ordering::SeqCst) < 3 {
                    panic!("a fault in the background task");
                }
            }
        });
        tokio::time::timeout(Duration::from_secs(10), supervisor)
            .await
            .expect("the supervisor ends once the task ends by itself");
        assert_eq!(
            runs.load(Ordering::SeqCst),
            4,
            "three panics, then a clean run"
        );
    }

    #[test]
    fn a_sound_stream_merges_into_a_snapshot_of_the_same_document() {
        let doc = Doc::new();
        let updates = vec![typed(&doc, "Geduld "), typed(&doc, "Respect")];
        let merged = verified_merge(StoredHistory {
            snapshot: None,
            updates,
            meeting: None,
        })
        .expect("a sound stream merges");
        let reloaded = Doc::new();
        let update = yrs::Update::decode_v1(&merged).expect("decodes");
        reloaded
            .transact_mut()
            .apply_update(update)
            .expect("applies");
        let text = reloaded.get_or_insert_text("flipover");
        assert_eq!(text.get_string(&reloaded.transact()), "Geduld Respect");
    }

    #[test]
    fn a_stream_entry_that_is_not_an_update_stops_the_fold() {
        let doc = Doc::new();
        let updates = vec![typed(&doc, "Geduld"), b"\xff\xffgeen update".to_vec()];
        let refused = verified_merge(StoredHistory {
            snapshot: Some(typed(&doc, " en moed")),
            updates,
            meeting: None,
        });
        assert!(
            matches!(refused, Err(StoreError::Corrupt(_))),
            "{refused:?}"
        );
    }

    #[test]
    fn a_snapshot_missing_acknowledged_edits_does_not_read_back() {
        let doc = Doc::new();
        let first = typed(&doc, "Geduld");
        typed(&doc, " en moed");
        let holds_everything: StateVector = doc.transact().state_vector();
        assert!(!reads_back_as(&first, &holds_everything));
        assert!(!reads_back_as(b"\xff\xff", &holds_everything));
        let whole = doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        assert!(reads_back_as(&whole, &holds_everything));
    }
}
