//! Relaying between nodes through each board's Redis stream: a room's subscription is a
//! task that reads the stream with a blocking `XREAD` and passes on what other nodes
//! stored. `XADD` in [`crate::storage::redis`] already published, so `publish` has nothing
//! to do.
//!
//! Delivery: every entry after the last one the room loaded reaches the room, in stream
//! order, at least once (applying an update twice changes nothing); entries another node's
//! compaction trimmed before they were read reach it inside the snapshot. When Redis goes away the task
//! reconnects with back-off, first hands the room the board's snapshot (in case
//! compaction trimmed entries it had not read yet) and then reads on from where it was.

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use leerkring_shared::ids::BoardId;
use redis::aio::MultiplexedConnection;
use redis::streams::{StreamRangeReply, StreamReadOptions, StreamReadReply};
use redis::{AsyncCommands, AsyncConnectionConfig, Client, RedisError};
use tokio::sync::mpsc;

use super::{Broadcast, BroadcastError, Remote};
use crate::storage::redis::{Keys, StreamPositions, DATA, KIND, KIND_LINKS, KIND_MEETING, NODE};

/// How long one `XREAD` blocks before it is sent again (so a closed room is noticed).
const BLOCK: Duration = Duration::from_secs(2);
/// Back-off between reconnection attempts.
const RETRY_MIN: Duration = Duration::from_millis(100);
const RETRY_MAX: Duration = Duration::from_secs(2);

/// Reads boards' streams for the node named `node`.
pub struct RedisBroadcast {
    client: Client,
    node: String,
    /// Where each room's loaded history ends (set by the store when the room opens).
    positions: StreamPositions,
}

impl RedisBroadcast {
    pub fn new(
        url: &str,
        node: String,
        positions: StreamPositions,
    ) -> Result<Self, BroadcastError> {
        let client = Client::open(url).map_err(|e| BroadcastError(e.to_string()))?;
        Ok(Self {
            client,
            node,
            positions,
        })
    }
}

/// A connection of its own for blocking reads, with no limit on how long a reply takes
/// but a bounded time to connect.
async fn connect(client: &Client) -> Result<MultiplexedConnection, RedisError> {
    let config = AsyncConnectionConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(None);
    client
        .get_multiplexed_async_connection_with_config(&config)
        .await
}

#[async_trait]
impl Broadcast for RedisBroadcast {
    async fn publish(&self, _board: &BoardId, _updates: &[Bytes]) -> Result<(), BroadcastError> {
        Ok(())
    }

    async fn subscribe(&self, board: &BoardId) -> Result<mpsc::Receiver<Remote>, BroadcastError> {
        let (sender, receiver) = mpsc::channel(1024);
        let client = self.client.clone();
        let node = self.node.clone();
        let start = self.positions.take(board);
        let board = board.clone();
        tokio::spawn(async move { follow(client, node, board, start, sender).await });
        Ok(receiver)
    }
}

/// Reads `board`'s stream until the room stops listening.
async fn follow(
    client: Client,
    node: String,
    board: BoardId,
    start: String,
    sender: mpsc::Sender<Remote>,
) {
    let keys = Keys::of(&board);
    let mut last = start;
    let mut retry = RETRY_MIN;
    let mut reconnected = false;
    while !sender.is_closed() {
        let mut connection = match connect(&client).await {
            Ok(connection) => connection,
            Err(error) => {
                tracing::warn!(board = %board, %error, "cannot reach redis; retrying");
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(RETRY_MAX);
                reconnected = true;
                continue;
            }
        };
        if reconnected {
            tracing::info!(board = %board, "reading the board's stream again");
            if let Ok(Some(state)) = connection
                .hget::<_, _, Option<Vec<u8>>>(&keys.snapshot, "state")
                .await
            {
                if sender
                    .send(Remote::Update(Bytes::from(state)))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }
        retry = RETRY_MIN;
        match read(&mut connection, &keys, &node, &mut last, &sender).await {
            // The room stopped listening, or the board was deleted.
            Ok(()) => return,
            Err(error) => {
                tracing::warn!(board = %board, %error, "lost the board's stream; reconnecting");
                reconnected = true;
                tokio::time::sleep(retry).await;
            }
        }
    }
}

/// A stream entry id (`ms-seq`) as numbers, for comparing positions.
fn position(id: &str) -> (u64, u64) {
    let (ms, seq) = id.split_once('-').unwrap_or((id, "0"));
    (ms.parse().unwrap_or(0), seq.parse().unwrap_or(0))
}

/// Passes on other nodes' entries after `last` until the connection fails, the room
/// stops listening or the board is deleted.
///
/// Compaction on another node may trim entries this room has not read yet (the writer
/// compacts right after its own `XADD`s). So after each read, if the snapshot moved past
/// where this room was before the read, the room also gets the snapshot, which holds
/// every trimmed entry.
async fn read(
    connection: &mut MultiplexedConnection,
    keys: &Keys,
    node: &str,
    last: &mut String,
    sender: &mpsc::Sender<Remote>,
) -> Result<(), RedisError> {
    let options = StreamReadOptions::default()
        .block(BLOCK.as_millis() as usize)
        .count(256);
    let mut seen_upto: Option<String> = None;
    while !sender.is_closed() {
        let before = position(last);
        let reply: Option<StreamReadReply> = connection
            .xread_options(&[&keys.stream], &[last.as_str()], &options)
            .await?;
        for stream in reply.map(|r| r.keys).unwrap_or_default() {
            let range = StreamRangeReply { ids: stream.ids };
            for entry in &range.ids {
                last.clone_from(&entry.id);
                let from: Option<String> = entry.get(NODE);
                if from.as_deref() == Some(node) {
                    continue;
                }
                let (Some(kind), Some(data)) =
                    (entry.get::<String>(KIND), entry.get::<Vec<u8>>(DATA))
                else {
                    continue;
                };
                let remote = match kind.as_str() {
                    KIND_MEETING => Remote::Meeting(Bytes::from(data)),
                    KIND_LINKS => Remote::LinksReplaced,
                    _ => Remote::Update(Bytes::from(data)),
                };
                if sender.send(remote).await.is_err() {
                    return Ok(());
                }
            }
        }
        let (upto, deleted): (Option<String>, bool) = redis::pipe()
            .hget(&keys.snapshot, "upto")
            .exists(&keys.tombstone)
            .query_async(connection)
            .await?;
        if deleted {
            // Another node deleted the board (and with it the stream): nothing more comes.
            let _ = sender.send(Remote::Deleted).await;
            return Ok(());
        }
        if upto != seen_upto {
            if upto.as_deref().is_some_and(|upto| position(upto) > before) {
                let state: Option<Vec<u8>> = connection.hget(&keys.snapshot, "state").await?;
                if let Some(state) = state {
                    if sender
                        .send(Remote::Update(Bytes::from(state)))
                        .await
                        .is_err()
                    {
                        return Ok(());
                    }
                }
            }
            seen_upto = upto;
        }
    }
    Ok(())
}
