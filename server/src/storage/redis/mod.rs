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
//! - `leerkring:board:{id}:deleted`, `leerkring:team:{id}:deleted`: the tombstone of a
//!   deleted board or team (JSON), the only key left of it. Every script that writes a
//!   board checks it first, so a node that has not heard of the deletion yet cannot
//!   bring the board back; its room learns of it from the store's refusal or from its
//!   subscription ([`crate::broadcast::redis`]).
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
//!
//! Here the store itself ([`RedisStore`]): connecting, the fsync check, metadata and teams,
//! and opening a board. `keys.rs`: the key layout, stream fields and scripts; `log.rs`: a
//! board's log on this node; `spool.rs`: updates kept while Redis is away; `fold.rs`:
//! compaction.

mod fold;
mod keys;
mod log;
mod spool;

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use leerkring_shared::ids::{BoardId, TeamId};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::streams::StreamRangeReply;
use redis::{AsyncCommands, Client, RedisError};

use keys::{
    entries, team_key, team_tombstone_key, KIND_UPDATE, REPLACE_META_SCRIPT, REPLACE_TEAM_SCRIPT,
};
pub(crate) use keys::{Keys, DATA, KIND, KIND_LINKS, KIND_MEETING, NODE};
use log::RedisLog;
use spool::Spool;

use super::embedded::sync_dir;
use super::{BoardLog, BoardMeta, Store, StoreError, StoredHistory, StoredTeam, Tombstone};

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

    /// Sets `tombstone` at `grave` and deletes `keys`, as one atomic step.
    async fn bury(
        &self,
        grave: String,
        tombstone: &Tombstone,
        keys: &[&str],
    ) -> Result<(), StoreError> {
        let json = serde_json::to_vec(tombstone).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        retrying(|| {
            let mut connection = self.connection();
            let mut pipe = redis::pipe();
            pipe.atomic().set(&grave, json.clone()).ignore();
            for key in keys {
                pipe.del(*key).ignore();
            }
            async move { pipe.query_async::<()>(&mut connection).await }
        })
        .await
        .map_err(unavailable)
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

    async fn replace_board_meta(&self, meta: &BoardMeta) -> Result<(), StoreError> {
        let json = serde_json::to_vec(meta).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let keys = Keys::of(&meta.id);
        let script = redis::Script::new(REPLACE_META_SCRIPT);
        let replaced: i64 = retrying(|| {
            let mut connection = self.connection();
            let mut invocation = script.key(&keys.meta);
            invocation
                .key(&keys.stream)
                .arg(&self.node)
                .arg(json.clone());
            async move { invocation.invoke_async(&mut connection).await }
        })
        .await
        .map_err(unavailable)?;
        match replaced {
            1 => Ok(()),
            _ => Err(StoreError::NotFound),
        }
    }

    /// Leaves the tombstone and deletes every key of the board at once: the scripts of
    /// other nodes refuse to write it from then on.
    async fn bury_board(&self, id: &BoardId, tombstone: &Tombstone) -> Result<(), StoreError> {
        let keys = Keys::of(id);
        self.bury(keys.tombstone.clone(), tombstone, &keys.content())
            .await?;
        // This node's spool of the board, if Redis was away when it was written.
        match fs::remove_file(self.spool_dir.join(format!("{id}.log"))) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error.into()),
            _ => Ok(()),
        }
    }

    async fn erase_board(&self, id: &BoardId) -> Result<(), StoreError> {
        // A room of this node that was still writing: its keys are refused by the
        // tombstone, but a lease or lock it held may have been set again.
        let keys = Keys::of(id);
        retrying(|| {
            let mut connection = self.connection();
            let content = keys.content().map(str::to_owned);
            async move { connection.del::<_, ()>(&content[..]).await }
        })
        .await
        .map_err(unavailable)
    }

    async fn boards(&self) -> Result<Vec<BoardId>, StoreError> {
        let mut connection = self.connection();
        let mut keys: redis::AsyncIter<String> = connection
            .scan_match("leerkring:board:*:meta")
            .await
            .map_err(unavailable)?;
        let mut boards = Vec::new();
        while let Some(key) = keys.next_item().await {
            let key = key.map_err(unavailable)?;
            let id = key
                .strip_prefix("leerkring:board:")
                .and_then(|rest| rest.strip_suffix(":meta"))
                .and_then(|id| BoardId::parse(id).ok());
            boards.extend(id);
        }
        Ok(boards)
    }

    /// The newest of: the stream's last entry (its id is the time Redis added it), the
    /// snapshot's end (a compaction keeps it), the board's creation.
    async fn last_activity(&self, id: &BoardId) -> Result<Option<u64>, StoreError> {
        let keys = Keys::of(id);
        let Some(meta) = self.board_meta(id).await? else {
            return Ok(None);
        };
        let mut connection = self.connection();
        let (last, upto): (StreamRangeReply, Option<String>) = redis::pipe()
            .xrevrange_count(&keys.stream, "+", "-", 1)
            .hget(&keys.snapshot, "upto")
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        let seconds_of = |entry: &str| {
            entry
                .split_once('-')
                .and_then(|(ms, _)| ms.parse::<u64>().ok())
                .map(|ms| ms / 1000)
        };
        let newest = last
            .ids
            .first()
            .and_then(|entry| seconds_of(&entry.id))
            .into_iter()
            .chain(upto.as_deref().and_then(seconds_of))
            .chain([meta.created_at])
            .max();
        Ok(newest)
    }

    async fn board_tombstone(&self, id: &BoardId) -> Result<Option<Tombstone>, StoreError> {
        self.get_json(Keys::of(id).tombstone).await
    }

    async fn delete_team(&self, id: &TeamId, tombstone: &Tombstone) -> Result<(), StoreError> {
        self.bury(team_tombstone_key(id), tombstone, &[&team_key(id)])
            .await
    }

    async fn team_tombstone(&self, id: &TeamId) -> Result<Option<Tombstone>, StoreError> {
        self.get_json(team_tombstone_key(id)).await
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
        updates.extend(spool.pending().iter().map(|u| u.to_vec()));
        let history = StoredHistory {
            snapshot: state,
            updates,
            meeting,
        };
        let log = RedisLog::start(connection, keys, self.node.clone(), spool);
        Ok((history, Box::new(log)))
    }
}
