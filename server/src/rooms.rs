//! Rooms: the boards that are in memory, one task per board.
//!
//! A room owns its board's [`Board`] state and its open [`BoardLog`], and handles every
//! message for that board in order. Messages that arrive together are handled as a
//! batch: their updates are stored in one group commit, and only once that has returned
//! are they applied and sent on, so nothing is broadcast that could still be lost.
//!
//! A room is started by the first connection to its board and stops a grace period after
//! the last one leaves, compacting its log on the way out. It stays in the registry until
//! that last write is done: a connection that comes meanwhile starts the board's next room,
//! which waits for the previous one to finish before it opens the board's files, so two
//! rooms never write the same board at once.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use leerkring_shared::ids::BoardId;
use leerkring_shared::meeting::{Caller, Command, Meeting, MeetingView, Refusal};
use leerkring_shared::protocol::{
    command_reply_frame, update_frame, ClientMessage, CommandEnvelope, CommandReply, DocUpdate,
};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use yrs::updates::decoder::Decode;
use yrs::Update;

use crate::board::{Board, ConnectionId, PresenceRefused};
use crate::broadcast::{Broadcast, Remote};
use crate::config::RoomSettings;
use crate::limits::DocumentBudget;
use crate::storage::quarantine::{ApplyMarker, Quarantine};
use crate::storage::{BoardLog, Store, StoreError, StoredHistory};

/// How many requests a room takes from its inbox in one batch: a throughput knob, not a
/// limit. (How many may wait in the inbox is `--room-inbox-requests`.)
const BATCH_LIMIT: usize = 256;

/// Something a room sends to one connection.
#[derive(Debug)]
pub enum Outgoing {
    Frame(Bytes),
    /// Close the connection with this WebSocket close code and reason.
    Close(u16, &'static str),
}

/// WebSocket close codes used by the server (RFC 6455 §7.4.1).
pub mod close_code {
    pub const GOING_AWAY: u16 = 1001;
    pub const PROTOCOL_ERROR: u16 = 1002;
    pub const UNSUPPORTED_DATA: u16 = 1003;
    pub const POLICY_VIOLATION: u16 = 1008;
    pub const MESSAGE_TOO_BIG: u16 = 1009;
    pub const INTERNAL_ERROR: u16 = 1011;
    pub const TRY_AGAIN_LATER: u16 = 1013;
    /// Application code: the facilitator removed this person from the meeting.
    pub const REMOVED: u16 = 4001;
    /// Application code: the board's document reached its size limit.
    pub const DOCUMENT_FULL: u16 = 4002;
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

impl JoinError {
    pub fn close_frame(&self) -> (u16, &'static str) {
        match self {
            JoinError::Full => (close_code::TRY_AGAIN_LATER, "board is full"),
            JoinError::Unavailable => (close_code::INTERNAL_ERROR, "board could not be loaded"),
            JoinError::ShuttingDown => (close_code::GOING_AWAY, "server is restarting"),
            JoinError::Removed => (
                close_code::REMOVED,
                "removed from the meeting by the facilitator",
            ),
            JoinError::TooManyConnections => (
                close_code::TRY_AGAIN_LATER,
                "too many connections with this member key; close another tab",
            ),
        }
    }
}

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
    /// The whole document as one Yjs update (v1), over HTTP; `None` if it cannot be
    /// encoded.
    Document {
        reply: oneshot::Sender<Option<Vec<u8>>>,
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

struct Registry {
    open: HashMap<BoardId, OpenRoom>,
    shutting_down: bool,
}

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

    /// The board's document as one Yjs update (v1).
    pub async fn document(&self, board: &BoardId) -> Result<Option<Vec<u8>>, JoinError> {
        self.ask(board, |reply| Request::Document { reply }).await
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

async fn load_and_serve(
    shared: &Arc<Shared>,
    board_id: BoardId,
    mut requests: mpsc::Receiver<Request>,
) {
    let (history, log, mut marker) = match open_board(shared, &board_id).await {
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
    let stored_bytes = history
        .snapshot
        .iter()
        .chain(&history.updates)
        .map(|bytes| bytes.len() as u64)
        .sum();
    let mut room = Room {
        id: board_id,
        size: DocumentBudget::new(shared.settings.max_document_bytes, stored_bytes),
        board: Board::replay(history, &mut marker),
        log,
        marker,
        outboxes: HashMap::new(),
        shared: Arc::clone(shared),
    };
    tracing::debug!(board = %room.id, "room opened");
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

struct Room {
    id: BoardId,
    board: Board,
    /// The document's size against `--max-document-bytes`.
    size: DocumentBudget,
    log: Box<dyn BoardLog>,
    /// Names the stored record being applied, in case it kills the process.
    marker: ApplyMarker,
    outboxes: HashMap<ConnectionId, mpsc::Sender<Outgoing>>,
    shared: Arc<Shared>,
}

impl Room {
    async fn serve(
        &mut self,
        mut requests: mpsc::Receiver<Request>,
        mut remote: Option<mpsc::Receiver<Remote>>,
    ) {
        let grace = self.shared.settings.unload_after();
        let mut batch = Vec::with_capacity(BATCH_LIMIT);
        let mut idle_since: Option<Instant> = None;
        loop {
            let unload_at = idle_since.map(|since| since + grace);
            tokio::select! {
                received = requests.recv_many(&mut batch, BATCH_LIMIT) => {
                    if received == 0 {
                        return;
                    }
                    if self.handle_batch(&mut batch).await.is_break() {
                        return;
                    }
                    if self.board.is_poisoned() {
                        self.reload_after_poison(&mut requests);
                        return;
                    }
                }
                update = next_remote(&mut remote) => match update {
                    Some(Remote::Update(bytes)) => self.apply_remote(bytes),
                    Some(Remote::Meeting(json)) => self.adopt_remote_meeting(&json),
                    None => remote = None,
                },
                () = sleep_until(unload_at), if unload_at.is_some() => {
                    if self.shared.stop_taking_if_idle(&mut requests) {
                        return;
                    }
                }
            }
            idle_since = match (self.board.member_count(), idle_since) {
                (0, None) => Some(Instant::now()),
                (0, since) => since,
                _ => None,
            };
        }
    }

    /// Handles a batch in segments that each end with a meeting command, so an update is
    /// judged by who may write what when it arrived: one sent just after the lock (or a
    /// hand-over) is judged with it in force, one sent just before without.
    async fn handle_batch(&mut self, batch: &mut Vec<Request>) -> std::ops::ControlFlow<()> {
        while !batch.is_empty() {
            let mut segment = take_segment(batch);
            if self.handle_segment(&mut segment).await.is_break() {
                return std::ops::ControlFlow::Break(());
            }
        }
        std::ops::ControlFlow::Continue(())
    }

    async fn handle_segment(&mut self, batch: &mut Vec<Request>) -> std::ops::ControlFlow<()> {
        let mut updates: Vec<(ConnectionId, DocUpdate)> = Vec::new();
        let mut others: Vec<Request> = Vec::new();
        for request in batch.drain(..) {
            match request {
                Request::Messages {
                    connection,
                    messages,
                } if self.board.is_member(connection) => {
                    let mut rest = Vec::new();
                    for message in messages {
                        match message {
                            // Sync replies from a client with nothing new are empty: nothing to store.
                            ClientMessage::Update(update) if update.update.is_empty() => {}
                            ClientMessage::Update(update) => updates.push((connection, update)),
                            other => rest.push(other),
                        }
                    }
                    if !rest.is_empty() {
                        others.push(Request::Messages {
                            connection,
                            messages: rest,
                        });
                    }
                }
                // Messages from a connection the room has already closed are dropped.
                Request::Messages { .. } => {}
                other => others.push(other),
            }
        }
        if !updates.is_empty() {
            self.store_and_apply(updates).await;
        }
        for request in others {
            match request {
                Request::Join {
                    connection,
                    caller,
                    outbox,
                    reply,
                } => self.join(connection, caller, outbox, reply),
                Request::Command {
                    caller,
                    command,
                    reply,
                } => {
                    let answer = self
                        .run_command(&caller, command)
                        .await
                        .map(|()| self.board.view_for(&caller, now_ms()));
                    let _ = reply.send(answer);
                }
                Request::View { caller, reply } => {
                    let _ = reply.send(self.board.view_for(&caller, now_ms()));
                }
                Request::Document { reply } => {
                    let _ = reply.send(self.board.encode_state());
                }
                Request::Record { reply } => {
                    let _ = reply.send((self.board.encode_state(), self.board.meeting().clone()));
                }
                Request::Messages {
                    connection,
                    messages,
                } => {
                    for message in messages {
                        self.handle_message(connection, message).await;
                    }
                }
                Request::Leave { connection } => self.remove(connection),
                Request::Shutdown => {
                    for outbox in self.outboxes.values() {
                        let _ = outbox.try_send(Outgoing::Close(
                            close_code::GOING_AWAY,
                            "server is restarting",
                        ));
                    }
                    return std::ops::ControlFlow::Break(());
                }
            }
        }
        std::ops::ControlFlow::Continue(())
    }

    /// Stores updates (one group commit), then applies them and passes them on.
    async fn store_and_apply(&mut self, updates: Vec<(ConnectionId, DocUpdate)>) {
        let updates = self.refuse_read_only_edits(updates);
        let updates = self.refuse_past_the_size_limit(updates);
        if updates.is_empty() {
            return;
        }
        let stored: Vec<Bytes> = updates
            .iter()
            .map(|(_, update)| Bytes::copy_from_slice(&update.bytes))
            .collect();
        if let Err(error) = self.log.append(&stored).await {
            tracing::error!(board = %self.id, %error, updates = stored.len(), "could not store updates; refusing them");
            for (connection, _) in &updates {
                // The client keeps the edit and sends it again when it reconnects.
                self.close(
                    *connection,
                    close_code::INTERNAL_ERROR,
                    "could not store your change; it is kept on your device",
                );
            }
            return;
        }
        for ((connection, update), bytes) in updates.into_iter().zip(&stored) {
            match self
                .board
                .apply_record(&mut self.marker, bytes, update.update)
            {
                Ok(()) => {
                    let frame = Bytes::from(update_frame(bytes));
                    self.send_to_all_but(Some(connection), &frame);
                }
                Err(error) => {
                    tracing::warn!(board = %self.id, %error, "refused an update");
                    self.close(
                        connection,
                        close_code::PROTOCOL_ERROR,
                        "update could not be applied",
                    );
                }
            }
        }
        if let Err(error) = self.shared.broadcast.publish(&self.id, &stored).await {
            tracing::warn!(board = %self.id, %error, "could not relay updates to other nodes");
        }
        self.compact_if_due().await;
    }

    /// Drops edits of parts of the document their senders may not change (the locked
    /// table, someone else's case intake), telling each sender why.
    fn refuse_read_only_edits(
        &mut self,
        updates: Vec<(ConnectionId, DocUpdate)>,
    ) -> Vec<(ConnectionId, DocUpdate)> {
        let checks: Vec<_> = updates
            .iter()
            .map(|(connection, update)| {
                let roots = self.board.read_only_roots(*connection);
                (roots, update.bytes.as_slice())
            })
            .collect();
        let verdicts = self.board.write_filter(&checks);
        let mut allowed = Vec::with_capacity(updates.len());
        for ((connection, update), refused) in updates.into_iter().zip(verdicts) {
            match refused {
                None => allowed.push((connection, update)),
                Some(why) => self.reply(connection, None, Some(why.refusal())),
            }
        }
        allowed
    }

    /// Drops the updates that would take the document past its size limit, and closes
    /// their senders (with the reason in their language first). A sender's later updates
    /// in the same batch go too: they may build on the one refused.
    fn refuse_past_the_size_limit(
        &mut self,
        updates: Vec<(ConnectionId, DocUpdate)>,
    ) -> Vec<(ConnectionId, DocUpdate)> {
        let mut allowed = Vec::with_capacity(updates.len());
        let mut allowed_bytes = 0;
        let mut refused = HashSet::new();
        for (connection, update) in updates {
            if refused.contains(&connection) {
                continue;
            }
            let len = update.bytes.len() as u64;
            if self.size.worth_measuring(len) {
                if let Some(state) = self.board.encode_state() {
                    // The document as applied, plus what this batch already let in.
                    self.size.measured(state.len() as u64 + allowed_bytes);
                }
            }
            if self.size.fits(len) {
                self.size.add(len);
                allowed_bytes += len;
                allowed.push((connection, update));
            } else {
                tracing::warn!(board = %self.id, connection, "refused an update: the document is at its size limit");
                refused.insert(connection);
                self.reply(connection, None, Some(document_full()));
                self.close(
                    connection,
                    close_code::DOCUMENT_FULL,
                    "the board reached its size limit; your edit was not saved",
                );
            }
        }
        allowed
    }

    fn apply_remote(&mut self, bytes: Bytes) {
        let applied = Update::decode_v1(&bytes)
            .map_err(|error| error.to_string())
            .and_then(|update| {
                self.board
                    .apply_record(&mut self.marker, &bytes, update)
                    .map_err(|error| error.to_string())
            });
        match applied {
            Ok(()) => {
                // Stored by another node already: counted, never refused here.
                self.size.add(bytes.len() as u64);
                self.send_to_all_but(None, &Bytes::from(update_frame(&bytes)));
            }
            Err(error) => {
                tracing::warn!(board = %self.id, %error, "refused an update from another node")
            }
        }
    }

    /// Takes the meeting another node stored (a command run there) and shows it.
    fn adopt_remote_meeting(&mut self, json: &[u8]) {
        match serde_json::from_slice(json) {
            Ok(meeting) => {
                self.board.restore_meeting(meeting);
                self.send_meeting_views();
            }
            Err(error) => {
                tracing::warn!(board = %self.id, %error, "ignored a meeting from another node")
            }
        }
    }

    fn join(
        &mut self,
        connection: ConnectionId,
        caller: Caller,
        outbox: mpsc::Sender<Outgoing>,
        reply: oneshot::Sender<Result<(), JoinError>>,
    ) {
        let settings = &self.shared.settings;
        if self.board.member_count() >= settings.max_connections_per_board {
            let _ = reply.send(Err(JoinError::Full));
            return;
        }
        if caller.member.as_deref().is_some_and(|member| {
            self.board.connections_of(member).len() >= settings.max_connections_per_member
        }) {
            let _ = reply.send(Err(JoinError::TooManyConnections));
            return;
        }
        if caller
            .member
            .as_deref()
            .is_some_and(|m| self.board.is_removed(m))
        {
            let _ = reply.send(Err(JoinError::Removed));
            return;
        }
        let identified = caller.member.is_some();
        for frame in self.board.join(connection, caller) {
            let _ = outbox.try_send(Outgoing::Frame(Bytes::from(frame)));
        }
        self.outboxes.insert(connection, outbox);
        if reply.send(Ok(())).is_err() {
            // The connection gave up while waiting; its membership was never handed out.
            self.remove(connection);
        } else if identified {
            // Everyone's list of who is connected changed, and the newcomer needs the meeting.
            self.send_meeting_views();
        }
    }

    /// Runs a meeting command and, if it was accepted, stores the meeting and sends
    /// everyone their view. A command whose result cannot be stored is undone.
    async fn run_command(&mut self, caller: &Caller, command: Command) -> Result<(), Refusal> {
        let latest = match self.log.begin_meeting_change().await {
            Ok(latest) => latest,
            Err(error) => {
                tracing::error!(board = %self.id, %error, "cannot start a meeting change");
                return Err(cannot_store());
            }
        };
        if let Some(meeting) = latest.and_then(|json| serde_json::from_slice(&json).ok()) {
            if *self.board.meeting() != meeting {
                self.board.restore_meeting(meeting);
            }
        }
        let result = self.change_meeting(caller, command).await;
        self.log.end_meeting_change().await;
        result
    }

    async fn change_meeting(&mut self, caller: &Caller, command: Command) -> Result<(), Refusal> {
        let before = self.board.meeting().clone();
        let removes = match &command {
            Command::RemoveMember { member } => Some(member.clone()),
            _ => None,
        };
        self.check_room_for_newcomer(caller, &command)?;
        self.board
            .run_command(caller, command, now_ms(), rand::random())?;
        if let Err(error) = self.log.save_meeting(self.board.meeting_json()).await {
            tracing::error!(board = %self.id, %error, "could not store the meeting; command undone");
            self.board.restore_meeting(before);
            return Err(cannot_store());
        }
        if let Some(member) = removes {
            for connection in self.board.connections_of(&member) {
                self.close(
                    connection,
                    close_code::REMOVED,
                    "removed from the meeting by the facilitator",
                );
            }
        }
        self.send_meeting_views();
        Ok(())
    }

    /// Refuses a newcomer's introduction once the meeting has `--max-members-per-board`
    /// people: each one stays in the stored meeting, so their number must stay bounded.
    fn check_room_for_newcomer(&self, caller: &Caller, command: &Command) -> Result<(), Refusal> {
        let (Command::Hello { .. }, Some(member)) = (command, caller.member.as_deref()) else {
            return Ok(());
        };
        let members = &self.board.meeting().members;
        let max = self.shared.settings.max_members_per_board;
        if members.contains_key(member) || members.len() < max {
            return Ok(());
        }
        Err(Refusal::conflict(
            format!("the meeting is full: at most {max} people can take part"),
            format!("De bijeenkomst zit vol: er kunnen hoogstens {max} mensen meedoen."),
        ))
    }

    /// Sends each connection that speaks Leerkring's messages the meeting as it may see it.
    fn send_meeting_views(&mut self) {
        for (connection, frame) in self.board.meeting_frames(now_ms()) {
            self.send_to(connection, Bytes::from(frame));
        }
    }

    fn reply(&mut self, connection: ConnectionId, id: Option<u64>, refusal: Option<Refusal>) {
        let reply = CommandReply { id, refusal };
        if let Ok(json) = serde_json::to_vec(&reply) {
            self.send_to(connection, Bytes::from(command_reply_frame(&json)));
        }
    }

    async fn handle_message(&mut self, connection: ConnectionId, message: ClientMessage) {
        match message {
            ClientMessage::SyncStep1(peer_state) => match self.board.sync_reply(&peer_state) {
                Some(reply) => self.send_to(connection, Bytes::from(reply)),
                None => self.close(
                    connection,
                    close_code::INTERNAL_ERROR,
                    "the board could not be read; try again",
                ),
            },
            ClientMessage::Awareness(update) => {
                let max = self.shared.settings.max_presence_bytes;
                match self.board.apply_presence(connection, update, max) {
                    Ok(Some(frame)) => self.send_to_all_but(Some(connection), &Bytes::from(frame)),
                    Ok(None) => {}
                    Err(error) => {
                        tracing::debug!(board = %self.id, %error, "refused a presence update");
                        let (code, reason) = match error {
                            PresenceRefused::TooLarge { .. } => {
                                (close_code::MESSAGE_TOO_BIG, "presence state too large")
                            }
                            PresenceRefused::Unapplicable(_) => (
                                close_code::PROTOCOL_ERROR,
                                "presence update could not be applied",
                            ),
                        };
                        self.close(connection, code, reason);
                    }
                }
            }
            ClientMessage::QueryAwareness => {
                if let Some(frame) = self.board.presence_frame() {
                    self.send_to(connection, Bytes::from(frame));
                }
            }
            ClientMessage::Command(json) => {
                let Some(caller) = self.board.caller(connection).cloned() else {
                    return;
                };
                match serde_json::from_slice::<CommandEnvelope>(&json) {
                    Ok(envelope) => {
                        let refusal = self.run_command(&caller, envelope.command).await.err();
                        self.reply(connection, Some(envelope.id), refusal);
                    }
                    Err(error) => {
                        // Answer under the command's id when at least that much is readable.
                        let id = serde_json::from_slice::<serde_json::Value>(&json)
                            .ok()
                            .and_then(|value| value.get("id")?.as_u64());
                        let refusal = Refusal::invalid(
                            format!("not a command: {error}"),
                            format!("Geen geldige opdracht: {error}"),
                        );
                        self.reply(connection, id, Some(refusal));
                    }
                }
            }
            // Updates are normally split off for the batch's group commit.
            ClientMessage::Update(update) => self.store_and_apply(vec![(connection, update)]).await,
        }
    }

    fn send_to(&mut self, connection: ConnectionId, frame: Bytes) {
        let Some(outbox) = self.outboxes.get(&connection) else {
            return;
        };
        if let Err(mpsc::error::TrySendError::Full(_)) = outbox.try_send(Outgoing::Frame(frame)) {
            self.drop_lagging(vec![connection]);
        }
    }

    /// Sends one frame to every member but `except`. The frame's bytes are shared, not
    /// copied, between the members.
    fn send_to_all_but(&mut self, except: Option<ConnectionId>, frame: &Bytes) {
        let mut lagging = Vec::new();
        for (&connection, outbox) in &self.outboxes {
            if Some(connection) == except {
                continue;
            }
            if let Err(mpsc::error::TrySendError::Full(_)) =
                outbox.try_send(Outgoing::Frame(frame.clone()))
            {
                lagging.push(connection);
            }
        }
        self.drop_lagging(lagging);
    }

    /// A member whose outbox is full is dropped rather than slowing everyone down: its
    /// connection notices the closed outbox, closes, and the client resyncs on reconnect.
    fn drop_lagging(&mut self, lagging: Vec<ConnectionId>) {
        for connection in lagging {
            tracing::info!(board = %self.id, connection, "dropping a connection that fell behind");
            self.outboxes.remove(&connection);
            self.remove(connection);
        }
    }

    fn close(&mut self, connection: ConnectionId, code: u16, reason: &'static str) {
        if let Some(outbox) = self.outboxes.remove(&connection) {
            let _ = outbox.try_send(Outgoing::Close(code, reason));
        }
        self.remove(connection);
    }

    fn remove(&mut self, connection: ConnectionId) {
        self.outboxes.remove(&connection);
        let identified = self
            .board
            .caller(connection)
            .is_some_and(|caller| caller.member.is_some());
        if let Some(removal) = self.board.leave(connection) {
            self.send_to_all_but(None, &Bytes::from(removal));
        }
        if identified {
            self.send_meeting_views();
        }
    }

    async fn compact_if_due(&mut self) {
        let backlog = self.log.backlog();
        let settings = &self.shared.settings;
        if backlog.updates >= settings.compact_after_updates
            || backlog.bytes >= settings.compact_after_bytes
        {
            self.compact().await;
        }
    }

    /// The document in memory can no longer be trusted: close every connection (their
    /// clients keep their edits and reconnect) and stop without compacting, so the next
    /// connection loads the board afresh from storage, which skips what broke it.
    fn reload_after_poison(&mut self, requests: &mut mpsc::Receiver<Request>) {
        tracing::error!(board = %self.id, "board reloads from storage after a CRDT failure");
        let connections: Vec<ConnectionId> = self.outboxes.keys().copied().collect();
        for connection in connections {
            self.close(
                connection,
                close_code::TRY_AGAIN_LATER,
                "the board is reloading; reconnect",
            );
        }
        self.shared.stop_taking(requests);
    }

    async fn compact(&mut self) {
        if self.board.is_poisoned() {
            return;
        }
        let state = if self.log.compacts_from_document() {
            self.board.verified_snapshot()
        } else {
            Some(Vec::new())
        };
        let Some(state) = state else {
            tracing::error!(
                board = %self.id,
                "compaction skipped: the document's state does not read back; the log keeps everything"
            );
            return;
        };
        let backlog = self.log.backlog();
        // A log that compacts from its own store was handed no state to measure.
        let snapshot_bytes = (!state.is_empty()).then_some(state.len() as u64);
        match self.log.compact(state).await {
            Ok(()) => {
                if let Some(bytes) = snapshot_bytes {
                    self.size.measured(bytes);
                }
                tracing::debug!(board = %self.id, updates = backlog.updates, "compacted");
            }
            // Not fatal: the log still holds every update.
            Err(error) => tracing::warn!(board = %self.id, %error, "compaction failed"),
        }
    }

    /// Called once the room has stopped taking requests.
    async fn finish(mut self) {
        if self.log.backlog().updates > 0 {
            self.compact().await;
        }
        self.marker.remove();
        tracing::debug!(board = %self.id, "room closed");
    }
}

/// Takes the requests from the front of `batch` up to and including the first meeting
/// command (over HTTP, or in a connection's messages, which are split after it).
fn take_segment(batch: &mut Vec<Request>) -> Vec<Request> {
    let is_command = |message: &ClientMessage| matches!(message, ClientMessage::Command(_));
    let end = batch.iter().position(|request| match request {
        Request::Command { .. } => true,
        Request::Messages { messages, .. } => messages.iter().any(is_command),
        _ => false,
    });
    let Some(end) = end else {
        return std::mem::take(batch);
    };
    let mut rest = batch.split_off(end + 1);
    if let Some(Request::Messages {
        connection,
        messages,
    }) = batch.last_mut()
    {
        let after = messages
            .iter()
            .position(is_command)
            .map_or(messages.len(), |i| i + 1);
        let later = messages.split_off(after);
        if !later.is_empty() {
            rest.insert(
                0,
                Request::Messages {
                    connection: *connection,
                    messages: later,
                },
            );
        }
    }
    std::mem::replace(batch, rest)
}

/// The refusal of a meeting change that could not be stored.
fn cannot_store() -> Refusal {
    Refusal {
        status: 503,
        reason: "could not store the change; try again".into(),
        reason_nl: Some("De wijziging kon niet worden bewaard; probeer het opnieuw.".into()),
    }
}

/// What the sender of an update refused for the document size limit is told, before its
/// connection closes.
fn document_full() -> Refusal {
    Refusal {
        status: 413,
        reason: "the board is full: its document reached the size limit; your edit was not saved"
            .into(),
        reason_nl: Some(
            "Het bord is vol: er kan niets meer bij. Je wijziging is niet bewaard.".into(),
        ),
    }
}

/// Milliseconds since the Unix epoch: the meeting's clock.
fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

async fn next_remote(remote: &mut Option<mpsc::Receiver<Remote>>) -> Option<Remote> {
    match remote {
        Some(receiver) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
