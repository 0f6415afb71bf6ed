//! Rooms: the boards that are in memory, one task per board.
//!
//! A room owns its board's [`Board`] state and its open [`BoardLog`], and handles every
//! message for that board in order. Messages that arrive together are handled as a
//! batch: their updates are stored in one group commit, and only once that has returned
//! are they applied and sent on, so nothing is broadcast that could still be lost.
//!
//! A room is started by the first connection to its board and stops a grace period after
//! the last one leaves, compacting its log on the way out.

use std::collections::HashMap;
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

use crate::board::{Board, ConnectionId};
use crate::broadcast::{Broadcast, Remote};
use crate::config::RoomSettings;
use crate::storage::{BoardLog, Store};

/// How many requests a room takes from its inbox in one batch.
const BATCH_LIMIT: usize = 256;
/// Requests that may wait in a room's inbox before connections have to wait.
const INBOX_CAPACITY: usize = 4096;

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
}

/// The boards in memory on this node.
#[derive(Clone)]
pub struct Rooms {
    shared: Arc<Shared>,
}

impl Rooms {
    pub fn new(
        store: Arc<dyn Store>,
        broadcast: Arc<dyn Broadcast>,
        settings: RoomSettings,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                store,
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
        // A room that is unloading at this very moment drops our request; the next
        // attempt starts a fresh room. Two retries are plenty: a new room cannot
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
        if let Some(room) = registry.open.get(board) {
            if !room.task.is_finished() {
                return Ok(room.inbox.clone());
            }
        }
        let (inbox, requests) = mpsc::channel(INBOX_CAPACITY);
        let generation = self.shared.fresh_id();
        let task = tokio::spawn(run_room(
            Arc::clone(&self.shared),
            board.clone(),
            generation,
            requests,
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

/// Removes the room from the registry if nothing is waiting for it. Holding the registry
/// lock while checking the inbox means no new request can be routed to it meanwhile.
fn unregister_if_idle(
    shared: &Shared,
    board: &BoardId,
    generation: u64,
    requests: &mpsc::Receiver<Request>,
) -> bool {
    let mut registry = shared.registry();
    if !requests.is_empty() {
        return false;
    }
    if registry
        .open
        .get(board)
        .is_some_and(|room| room.generation == generation)
    {
        registry.open.remove(board);
    }
    true
}

async fn run_room(
    shared: Arc<Shared>,
    board_id: BoardId,
    generation: u64,
    mut requests: mpsc::Receiver<Request>,
) {
    let opened = shared.store.open(&board_id).await;
    let (history, log) = match opened {
        Ok(opened) => opened,
        Err(error) => {
            tracing::error!(board = %board_id, %error, "could not load board");
            refuse_waiting_joins(&shared, &board_id, generation, &mut requests);
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
    let mut room = Room {
        id: board_id,
        board: Board::from_history(history),
        log,
        outboxes: HashMap::new(),
        shared: Arc::clone(&shared),
    };
    tracing::debug!(board = %room.id, "room opened");
    room.serve(generation, requests, remote).await;
    room.finish().await;
}

fn refuse_waiting_joins(
    shared: &Shared,
    board: &BoardId,
    generation: u64,
    requests: &mut mpsc::Receiver<Request>,
) {
    {
        let mut registry = shared.registry();
        if registry
            .open
            .get(board)
            .is_some_and(|room| room.generation == generation)
        {
            registry.open.remove(board);
        }
    }
    requests.close();
    while let Ok(request) = requests.try_recv() {
        if let Request::Join { reply, .. } = request {
            let _ = reply.send(Err(JoinError::Unavailable));
        }
    }
}

struct Room {
    id: BoardId,
    board: Board,
    log: Box<dyn BoardLog>,
    outboxes: HashMap<ConnectionId, mpsc::Sender<Outgoing>>,
    shared: Arc<Shared>,
}

impl Room {
    async fn serve(
        &mut self,
        generation: u64,
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
                        self.reload_after_poison(generation);
                        return;
                    }
                }
                update = next_remote(&mut remote) => match update {
                    Some(Remote::Update(bytes)) => self.apply_remote(bytes),
                    Some(Remote::Meeting(json)) => self.adopt_remote_meeting(&json),
                    None => remote = None,
                },
                () = sleep_until(unload_at), if unload_at.is_some() => {
                    if unregister_if_idle(&self.shared, &self.id, generation, &requests) {
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
            match self.board.apply_update(update.update) {
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

    fn apply_remote(&mut self, bytes: Bytes) {
        let applied = Update::decode_v1(&bytes)
            .map_err(|error| error.to_string())
            .and_then(|update| {
                self.board
                    .apply_update(update)
                    .map_err(|error| error.to_string())
            });
        match applied {
            Ok(()) => self.send_to_all_but(None, &Bytes::from(update_frame(&bytes))),
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
        if self.board.member_count() >= self.shared.settings.max_connections_per_board {
            let _ = reply.send(Err(JoinError::Full));
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
            ClientMessage::Awareness(update) => match self.board.apply_presence(connection, update)
            {
                Ok(frame) => self.send_to_all_but(Some(connection), &Bytes::from(frame)),
                Err(error) => {
                    tracing::debug!(board = %self.id, %error, "refused a presence update");
                    self.close(
                        connection,
                        close_code::PROTOCOL_ERROR,
                        "presence update could not be applied",
                    );
                }
            },
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
    fn reload_after_poison(&mut self, generation: u64) {
        tracing::error!(board = %self.id, "board reloads from storage after a CRDT failure");
        let connections: Vec<ConnectionId> = self.outboxes.keys().copied().collect();
        for connection in connections {
            self.close(
                connection,
                close_code::TRY_AGAIN_LATER,
                "the board is reloading; reconnect",
            );
        }
        let mut registry = self.shared.registry();
        if registry
            .open
            .get(&self.id)
            .is_some_and(|room| room.generation == generation)
        {
            registry.open.remove(&self.id);
        }
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
        match self.log.compact(state).await {
            Ok(()) => tracing::debug!(board = %self.id, updates = backlog.updates, "compacted"),
            // Not fatal: the log still holds every update.
            Err(error) => tracing::warn!(board = %self.id, %error, "compaction failed"),
        }
    }

    /// Called once the room has stopped taking requests.
    async fn finish(&mut self) {
        if self.log.backlog().updates > 0 {
            self.compact().await;
        }
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
