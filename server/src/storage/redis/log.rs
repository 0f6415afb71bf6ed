//! One board's history in Redis as its room on this node holds it ([`RedisLog`]): appends
//! go to the stream, or to the spool while Redis is away; the meeting's command lock;
//! and the supervised background task that drains the spool and folds a long stream.

use std::future::Future;
use std::io;
use std::sync::{Arc, Weak};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use redis::aio::ConnectionManager;
use redis::streams::StreamRangeReply;
use redis::{AsyncCommands, RedisError};
use tokio::sync::Mutex;

use super::fold::fold_under_lease;
use super::keys::{Keys, APPEND_SCRIPT, DATA, KIND, KIND_UPDATE, SAVE_MEETING_SCRIPT};
use super::spool::Spool;
use super::unavailable;
use crate::storage::{Backlog, BoardLog, StoreError};

/// How long a node may hold a board's command lock (a command takes milliseconds; the
/// limit only matters if the node dies holding it), and how long one waits for it.
const COMMAND_LOCK: Duration = Duration::from_secs(3);
const COMMAND_WAIT: Duration = Duration::from_secs(2);
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

/// One board's history in Redis, held by its room on this node.
pub(super) struct RedisLog {
    connection: ConnectionManager,
    keys: Keys,
    node: String,
    spool: Arc<Mutex<Spool>>,
    backlog: Backlog,
}

/// Adds `updates` to the board's stream as one atomic step; `false` if the board was
/// deleted meanwhile (nothing added).
async fn add(
    connection: &mut ConnectionManager,
    keys: &Keys,
    node: &str,
    updates: &[Bytes],
) -> Result<bool, RedisError> {
    let script = redis::Script::new(APPEND_SCRIPT);
    let mut invocation = script.key(&keys.stream);
    invocation.key(&keys.tombstone).arg(node);
    for update in updates {
        invocation.arg(update.as_ref());
    }
    let added: i64 = invocation.invoke_async(connection).await?;
    Ok(added == 1)
}

/// Sends what waits in the spool, in order; false if Redis is still out of reach, and
/// [`StoreError::Deleted`] (the spool emptied) if the board was deleted meanwhile.
async fn flush(
    connection: &mut ConnectionManager,
    keys: &Keys,
    node: &str,
    spool: &Mutex<Spool>,
) -> Result<bool, StoreError> {
    let mut spool = spool.lock().await;
    if spool.pending().is_empty() {
        return Ok(true);
    }
    let pending = spool.pending().to_vec();
    match add(connection, keys, node, &pending).await {
        Ok(true) => {
            tracing::info!(updates = pending.len(), "spooled updates reached redis");
            spool.clear()?;
            Ok(true)
        }
        Ok(false) => {
            spool.clear()?;
            Err(StoreError::Deleted)
        }
        Err(_) => Ok(false),
    }
}

impl RedisLog {
    /// The log of the board with `keys`, its background task started.
    pub(super) fn start(
        connection: ConnectionManager,
        keys: Keys,
        node: String,
        spool: Spool,
    ) -> Self {
        let log = Self {
            connection,
            keys,
            node,
            spool: Arc::new(Mutex::new(spool)),
            backlog: Backlog::default(),
        };
        log.keep_up();
        log
    }

    async fn add(&mut self, updates: &[Bytes]) -> Result<bool, RedisError> {
        add(&mut self.connection, &self.keys, &self.node, updates).await
    }

    async fn flush_spool(&mut self) -> Result<bool, StoreError> {
        flush(&mut self.connection, &self.keys, &self.node, &self.spool).await
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
        match flush(&mut connection, &keys, &node, &spool).await {
            Err(StoreError::Deleted) => return,
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
        let sent = match self.flush_spool().await? {
            true => match self.add(updates).await {
                Ok(true) => true,
                Ok(false) => return Err(StoreError::Deleted),
                Err(_) => false,
            },
            false => false,
        };
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
        let saved: i64 = redis::Script::new(SAVE_MEETING_SCRIPT)
            .key(&self.keys.meeting)
            .key(&self.keys.stream)
            .key(&self.keys.tombstone)
            .arg(&self.node)
            .arg(meeting.as_slice())
            .invoke_async(&mut self.connection)
            .await
            .map_err(unavailable)?;
        if saved == 1 {
            Ok(())
        } else {
            Err(StoreError::Deleted)
        }
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

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
}
