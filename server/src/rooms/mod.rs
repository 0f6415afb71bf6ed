//! Rooms: the boards that are in memory, one task per board.
//!
//! A room ([`room`]) owns its board's [`crate::board::Board`] state and its open
//! [`BoardLog`], and handles every message for that board in order. Messages that arrive
//! together are handled as a batch: their updates are stored in one group commit, and
//! only once that has returned are they applied and sent on, so nothing is broadcast that
//! could still be lost.
//!
//! This module is the registry: which boards are open, and each room's start and end. A
//! room is started by the first connection to its board and stops a grace period after
//! the last one leaves, compacting its log on the way out. It stays in the registry until
//! that last write is done: a connection that comes meanwhile starts the board's next room,
//! which waits for the previous one to finish before it opens the board's files, so two
//! rooms never write the same board at once.

mod room;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use leerkring_shared::ids::BoardId;
use leerkring_shared::meeting::{Caller, Command, Meeting, MeetingView};
use leerkring_shared::protocol::ClientMessage;
use leerkring_shared::refusal::Refusal;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::board::ConnectionId;
use crate::broadcast::Broadcast;
use crate::config::RoomSettings;
use crate::storage::quarantine::{ApplyMarker, Quarantine};
use crate::storage::{BoardLog, Store, StoreError, StoredHistory};
use room::Room;

/// Something a room sends to one connection.
#[derive(Debug)]
pub enum Outgoing {
    Frame(Bytes),
    /// Close the connection, for this reason.
    Close(Closing),
}

/// Why a room closes a connection. The connection turns it into a WebSocket close code
/// and reason ([`crate::connection::close`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closing {
    /// The facilitator removed this person from the meeting.
    Removed,
    /// The document could not be encoded for the connection's sync step 1.
    Unreadable,
    /// A presence state over `--max-presence-bytes`.
    PresenceTooLarge,
    /// A presence update the awareness would not take.
    PresenceUnapplicable,
    /// A document update that did not apply.
    UpdateUnapplicable,
    /// The connection's updates could not be stored.
    NotStored,
    /// An update would take the document past `--max-document-bytes`.
    DocumentFull,
    /// The board reloads from storage after a CRDT failure.
    Reloading,
    /// The server shuts down.
    ShuttingDown,
    /// The board was deleted.
    Deleted,
    /// The participant link this connection came with was replaced.
    LinkReplaced,
}

/// Why a connection could not join a room.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JoinError {
    #[error("board is full")]
    Full,
    #[error("board could not be loaded")]
    Unavailable,
    #[error("server is shutting down")]
    ShuttingDown,
    #[error("removed from the meeting")]
    Removed,
    #[error("too many connections with this member key")]
    TooManyConnections,
}

/// What a room's inbox carries, from connections, HTTP handlers and the registry.
enum Request {
    Join {
        connection: ConnectionId,
        caller: Caller,
        outbox: mpsc::Sender<Outgoing>,
        reply: oneshot::Sender<Result<(), JoinError>>,
    },
    /// A meeting command over HTTP.
    Command {
        caller: Caller,
        command: Command,
        reply: oneshot::Sender<Result<MeetingView, Refusal>>,
    },
    /// The meeting as `caller` may see it, over HTTP.
    View {
        caller: Caller,
        reply: oneshot::Sender<MeetingView>,
    },
    /// The whole document as one Yjs update (v1), over HTTP, if the meeting lets `caller`
    /// in; `None` if it cannot be encoded.
    Document {
        caller: Caller,
        reply: oneshot::Sender<Result<Option<Vec<u8>>, Refusal>>,
    },
    /// The document (as in `Document`) and the meeting state, for the team's pack.
    Record {
        reply: oneshot::Sender<(Option<Vec<u8>>, Meeting)>,
    },
    Messages {
        connection: ConnectionId,
        messages: Vec<ClientMessage>,
    },
    Leave {
        connection: ConnectionId,
    },
    Shutdown,
    /// The board was deleted: close every connection and stop; `done` once they are told.
    Delete {
        done: oneshot::Sender<()>,
    },
    /// The participant link was replaced: close the connections that came with it.
    LinksReplaced,
}

/// A connection's membership of a room. Dropping it leaves the room.
pub struct Membership {
    connection: ConnectionId,
    inbox: mpsc::Sender<Request>,
}

impl Membership {
    /// Hands decoded messages to the room; an error means the room has stopped.
    pub async fn send(&self, messages: Vec<ClientMessage>) -> Result<(), RoomStopped> {
        self.inbox
            .send(Request::Messages {
                connection: self.connection,
                messages,
            })
            .await
            .map_err(|_| RoomStopped)
    }
}

impl Drop for Membership {
    fn drop(&mut self) {
        let inbox = self.inbox.clone();
        let connection = self.connection;
        // Queued behind this connection's last messages, so they are handled first.
        tokio::spawn(async move {
            let _ = inbox.send(Request::Leave { connection }).await;
        });
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the room has stopped")]
pub struct RoomStopped;

/// A room in the registry. Its inbox is closed once the room stops taking requests (it
/// may still be writing); a request for the board then starts the next room.
struct OpenRoom {
    generation: u64,
    inbox: mpsc::Sender<Request>,
    task: JoinHandle<()>,
}

/// Which boards have a room on this node.
struct Registry {
    open: HashMap<BoardId, OpenRoom>,
    shutting_down: bool,
}

/// What the registry and every room share: the store, the relay between nodes, the
/// settings and the registry itself.
struct Shared {
    store: Arc<dyn Store>,
    quarantine: Quarantine,
    broadcast: Arc<dyn Broadcast>,
    settings: RoomSettings,
    registry: Mutex<Registry>,
    next_id: AtomicU64,
}

impl Shared {
    fn registry(&self) -> MutexGuard<'_, Registry> {
        // Every critical section leaves the map consistent, so a poisoned lock is usable.
        self.registry.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn fresh_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Removes the board's room from the registry, unless a newer room has taken its place.
    fn forget(&self, board: &BoardId, generation: u64) {
        let mut registry = self.registry();
        if registry
            .open
            .get(board)
            .is_some_and(|room| room.generation == generation)
        {
            registry.open.remove(board);
        }
    }

    /// Stops the room taking requests, under the registry lock so that no request is routed
    /// to it meanwhile; the room stays registered (see [`Shared::forget`]).
    fn stop_taking(&self, requests: &mut mpsc::Receiver<Request>) {
        let _registry = self.registry();
        requests.close();
    }

    /// As [`Shared::stop_taking`], but only if no request is waiting (checked under the same
    /// lock); false if one is.
    fn stop_taking_if_idle(&self, requests: &mut mpsc::Receiver<Request>) -> bool {
        let _registry = self.registry();
        if !requests.is_empty() {
            return false;
        }
        requests.close();
        true
    }
}

/// The boards in memory on this node.
#[derive(Clone)]
pub struct Rooms {
    shared: Arc<Shared>,
}

impl Rooms {
    pub fn new(
        store: Arc<dyn Store>,
        quarantine: Quarantine,
        broadcast: Arc<dyn Broadcast>,
        settings: RoomSettings,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                store,
                quarantine,
                broadcast,
                settings,
                registry: Mutex::new(Registry {
                    open: HashMap::new(),
                    shutting_down: false,
                }),
                next_id: AtomicU64::new(1),
            }),
        }
    }

    /// A fresh id for a new connection.
    pub fn connection_id(&self) -> ConnectionId {
        self.shared.fresh_id()
    }

    /// Joins `connection` to the room of `board` (starting the room if needed). The room
    /// sends the connection's first frames to `outbox` before this returns.
    pub async fn join(
        &self,
        board: &BoardId,
        connection: ConnectionId,
        caller: Caller,
        outbox: mpsc::Sender<Outgoing>,
    ) -> Result<Membership, JoinError> {
        // A room that stops taking requests at this very moment drops our request; the
        // next attempt starts the next room. Two retries are plenty: a new room cannot
        // unload before it has served us.
        for _ in 0..3 {
            let inbox = self.inbox_for(board)?;
            let (reply, answer) = oneshot::channel();
            let request = Request::Join {
                connection,
                caller: caller.clone(),
                outbox: outbox.clone(),
                reply,
            };
            if inbox.send(request).await.is_err() {
                continue;
            }
            match answer.await {
                Ok(Ok(())) => return Ok(Membership { connection, inbox }),
                Ok(Err(refused)) => return Err(refused),
                Err(_) => continue,
            }
        }
        Err(JoinError::Unavailable)
    }

    /// Runs a meeting command that came over HTTP; answers with the new view.
    pub async fn command(
        &self,
        board: &BoardId,
        caller: Caller,
        command: Command,
    ) -> Result<Result<MeetingView, Refusal>, JoinError> {
        self.ask(board, |reply| Request::Command {
            caller: caller.clone(),
            command: command.clone(),
            reply,
        })
        .await
    }

    /// The meeting as `caller` may see it.
    pub async fn view(&self, board: &BoardId, caller: Caller) -> Result<MeetingView, JoinError> {
        self.ask(board, |reply| Request::View {
            caller: caller.clone(),
            reply,
        })
        .await
    }

    /// The board's document as one Yjs update (v1), if the meeting lets `caller` in.
    pub async fn document(
        &self,
        board: &BoardId,
        caller: Caller,
    ) -> Result<Result<Option<Vec<u8>>, Refusal>, JoinError> {
        self.ask(board, |reply| Request::Document {
            caller: caller.clone(),
            reply,
        })
        .await
    }

    /// The board's document as one Yjs update (v1), and its meeting state.
    pub async fn record(&self, board: &BoardId) -> Result<(Option<Vec<u8>>, Meeting), JoinError> {
        self.ask(board, |reply| Request::Record { reply }).await
    }

    /// Sends a request to the board's room (starting it if needed) and awaits the answer.
    async fn ask<T>(
        &self,
        board: &BoardId,
        request: impl Fn(oneshot::Sender<T>) -> Request,
    ) -> Result<T, JoinError> {
        // As in `join`: a room unloading this very moment drops the request; retry.
        for _ in 0..3 {
            let inbox = self.inbox_for(board)?;
            let (reply, answer) = oneshot::channel();
            if inbox.send(request(reply)).await.is_err() {
                continue;
            }
            if let Ok(answer) = answer.await {
                return Ok(answer);
            }
        }
        Err(JoinError::Unavailable)
    }

    fn inbox_for(&self, board: &BoardId) -> Result<mpsc::Sender<Request>, JoinError> {
        let mut registry = self.shared.registry();
        if registry.shutting_down {
            return Err(JoinError::ShuttingDown);
        }
        let previous = match registry.open.get(board) {
            Some(room) if !room.inbox.is_closed() => return Ok(room.inbox.clone()),
            // Unloading (or stopped): the next room waits for this one's last write.
            Some(_) => registry.open.remove(board).map(|room| room.task),
            None => None,
        };
        let (inbox, requests) = mpsc::channel(self.shared.settings.room_inbox_requests);
        let generation = self.shared.fresh_id();
        let task = tokio::spawn(run_room(
            Arc::clone(&self.shared),
            board.clone(),
            generation,
            requests,
            previous,
        ));
        registry.open.insert(
            board.clone(),
            OpenRoom {
                generation,
                inbox: inbox.clone(),
                task,
            },
        );
        Ok(inbox)
    }

    /// Closes the board's connections and stops its room on this node, if it has one
    /// (the board was deleted: the store no longer opens it, so no new room starts).
    pub async fn delete(&self, board: &BoardId) {
        let Some(inbox) = self.running(board) else {
            return;
        };
        let (done, closed) = oneshot::channel();
        if inbox.send(Request::Delete { done }).await.is_ok() {
            let _ = closed.await;
        }
    }

    /// Closes the connections that came with the board's old participant link.
    pub async fn links_replaced(&self, board: &BoardId) {
        if let Some(inbox) = self.running(board) {
            let _ = inbox.send(Request::LinksReplaced).await;
        }
    }

    /// Whether the board has a room on this node now (someone has it open, or had it a
    /// moment ago).
    pub fn is_open(&self, board: &BoardId) -> bool {
        self.running(board).is_some()
    }

    /// The inbox of the board's room, if one is taking requests (never starts one).
    fn running(&self, board: &BoardId) -> Option<mpsc::Sender<Request>> {
        let registry = self.shared.registry();
        let room = registry.open.get(board)?;
        (!room.inbox.is_closed()).then(|| room.inbox.clone())
    }

    /// Number of boards in memory.
    pub fn open_count(&self) -> usize {
        self.shared.registry().open.len()
    }

    /// Closes every connection (code 1001), compacts every board and stops all rooms.
    pub async fn shutdown(&self) {
        let rooms: Vec<OpenRoom> = {
            let mut registry = self.shared.registry();
            registry.shutting_down = true;
            registry.open.drain().map(|(_, room)| room).collect()
        };
        for room in &rooms {
            let _ = room.inbox.send(Request::Shutdown).await;
        }
        for room in rooms {
            let _ = room.task.await;
        }
    }
}

/// One room's whole life: waits for the board's previous room (if it is still writing),
/// loads the board, serves it, stores what is left, and only then leaves the registry.
async fn run_room(
    shared: Arc<Shared>,
    board_id: BoardId,
    generation: u64,
    requests: mpsc::Receiver<Request>,
    previous: Option<JoinHandle<()>>,
) {
    if let Some(previous) = previous {
        // Its outcome does not matter here, only that it no longer touches the files.
        let _ = previous.await;
    }
    load_and_serve(&shared, board_id.clone(), requests).await;
    shared.forget(&board_id, generation);
}

/// Loads the board and serves it until the room stops taking requests; refuses the
/// waiting joins if the board cannot be loaded.
async fn load_and_serve(
    shared: &Arc<Shared>,
    board_id: BoardId,
    mut requests: mpsc::Receiver<Request>,
) {
    let (history, log, marker) = match open_board(shared, &board_id).await {
        Ok(opened) => opened,
        Err(error) => {
            tracing::error!(board = %board_id, %error, "could not load board");
            refuse_waiting_joins(shared, &mut requests);
            return;
        }
    };
    let remote = match shared.broadcast.subscribe(&board_id).await {
        Ok(remote) => Some(remote),
        Err(error) => {
            tracing::warn!(board = %board_id, %error, "not receiving other nodes' updates");
            None
        }
    };
    let mut room = Room::open(Arc::clone(shared), board_id, history, log, marker);
    room.serve(requests, remote).await;
    room.finish().await;
}

/// Opens the board's history and, before it is replayed, sets aside a record that killed
/// the previous process ([`crate::storage::quarantine`]).
async fn open_board(
    shared: &Shared,
    board: &BoardId,
) -> Result<(StoredHistory, Box<dyn BoardLog>, ApplyMarker), StoreError> {
    let (mut history, mut log) = shared.store.open(board).await?;
    let quarantine = shared.quarantine.clone();
    let id = board.clone();
    let (history, marker, set_aside) = tokio::task::spawn_blocking(move || {
        let (marker, set_aside) = quarantine.prepare(&id, &mut history)?;
        Ok::<_, std::io::Error>((history, marker, set_aside))
    })
    .await
    .map_err(|join_error| StoreError::Io(std::io::Error::other(join_error)))??;
    if !set_aside.is_empty() {
        if let Err(error) = log.drop_set_aside(&set_aside).await {
            // This node skips them anyway; the next load tries again.
            tracing::warn!(board = %board, %error, "could not drop set-aside records from the store");
        }
    }
    Ok((history, log, marker))
}

fn refuse_waiting_joins(shared: &Shared, requests: &mut mpsc::Receiver<Request>) {
    shared.stop_taking(requests);
    while let Ok(request) = requests.try_recv() {
        if let Request::Join { reply, .. } = request {
            let _ = reply.send(Err(JoinError::Unavailable));
        }
    }
}
