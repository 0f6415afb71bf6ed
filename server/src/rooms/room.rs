//! One room: the task that owns a board in memory. It takes requests from its inbox in
//! batches, judges and stores a batch's updates in one group commit before applying them
//! and sending them on, runs meeting commands, passes on presence, relays to and from
//! other nodes, drops connections that fall behind, and compacts the board's log.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use bytes::Bytes;
use leerkring_shared::ids::BoardId;
use leerkring_shared::meeting::{not_let_in_yet, Caller};
use leerkring_shared::protocol::{
    command_reply_frame, update_frame, ClientMessage, CommandEnvelope, CommandReply, DocUpdate,
};
use leerkring_shared::refusal::Refusal;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use yrs::updates::decoder::Decode;
use yrs::Update;

use super::{Closing, JoinError, Outgoing, Request, Shared};
use crate::board::{Board, ConnectionId, PresenceRefused, SyncAnswer};
use crate::broadcast::Remote;
use crate::clock::now_ms;
use crate::limits::DocumentBudget;
use crate::storage::quarantine::ApplyMarker;
use crate::storage::{BoardLog, StoreError, StoredHistory};

mod commands;

/// How many requests a room takes from its inbox in one batch: a throughput knob, not a
/// limit. (How many may wait in the inbox is `--room-inbox-requests`.)
const BATCH_LIMIT: usize = 256;

/// One board in memory and who is connected to it.
pub(super) struct Room {
    id: BoardId,
    board: Board,
    /// The document's size against `--max-document-bytes`.
    size: DocumentBudget,
    log: Box<dyn BoardLog>,
    /// Names the stored record being applied, in case it kills the process.
    marker: ApplyMarker,
    outboxes: HashMap<ConnectionId, mpsc::Sender<Outgoing>>,
    shared: Arc<Shared>,
    /// The board was deleted: the room closes, and writes nothing more.
    deleted: bool,
}

impl Room {
    /// The room of a board whose history was just loaded: replays it (telling `marker`).
    pub(super) fn open(
        shared: Arc<Shared>,
        id: BoardId,
        history: StoredHistory,
        log: Box<dyn BoardLog>,
        mut marker: ApplyMarker,
    ) -> Self {
        let stored_bytes = history
            .snapshot
            .iter()
            .chain(&history.updates)
            .map(|bytes| bytes.len() as u64)
            .sum();
        let room = Room {
            id,
            size: DocumentBudget::new(shared.settings.max_document_bytes, stored_bytes),
            board: Board::replay(history, &mut marker),
            log,
            marker,
            outboxes: HashMap::new(),
            shared,
            deleted: false,
        };
        tracing::debug!(board = %room.id, "room opened");
        room
    }

    /// Handles requests and other nodes' updates until the room stops taking requests:
    /// when it has been idle past the grace period, shuts down, or can no longer trust its
    /// document.
    pub(super) async fn serve(
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
                    if self.handle_batch(&mut batch).await.is_break() || self.deleted {
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
                    Some(Remote::LinksReplaced) => self.close_participants(),
                    Some(Remote::Deleted) => {
                        self.end_deleted();
                        return;
                    }
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
                Request::Document { caller, reply } => {
                    let document = if self.board.meeting().lets_in(&caller) {
                        Ok(self.board.encode_state())
                    } else {
                        Err(not_let_in_yet())
                    };
                    let _ = reply.send(document);
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
                        let _ = outbox.try_send(Outgoing::Close(Closing::ShuttingDown));
                    }
                    return std::ops::ControlFlow::Break(());
                }
                Request::Delete { done } => {
                    self.end_deleted();
                    let _ = done.send(());
                    return std::ops::ControlFlow::Break(());
                }
                Request::LinksReplaced => self.close_participants(),
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
        match self.log.append(&stored).await {
            Ok(()) => {}
            // Another node deleted the board, and this room had not heard yet.
            Err(StoreError::Deleted) => return self.end_deleted(),
            Err(error) => {
                tracing::error!(board = %self.id, %error, updates = stored.len(), "could not store updates; refusing them");
                for (connection, _) in &updates {
                    // The client keeps the edit and sends it again when it reconnects.
                    self.close(*connection, Closing::NotStored);
                }
                return;
            }
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
                    self.close(connection, Closing::UpdateUnapplicable);
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
        let admission = self.board.admit(updates);
        for (connection, why) in admission.refused {
            self.reply(connection, None, Some(why.refusal()));
        }
        admission.accepted
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
                self.close(connection, Closing::DocumentFull);
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

    /// Sends each connection that speaks Leerkring's messages the meeting as it may see it,
    /// and the document to those the meeting has let in just now.
    fn send_meeting_views(&mut self) {
        for (connection, frames) in self.board.let_in_newly_admitted() {
            for frame in frames {
                self.send_to(connection, Bytes::from(frame));
            }
        }
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
            ClientMessage::SyncStep1(peer_state) => {
                match self.board.answer_sync(connection, peer_state) {
                    SyncAnswer::Reply(reply) => self.send_to(connection, Bytes::from(reply)),
                    SyncAnswer::Held => {}
                    SyncAnswer::Unreadable => self.close(connection, Closing::Unreadable),
                }
            }
            ClientMessage::Awareness(update) => {
                let max = self.shared.settings.max_presence_bytes;
                match self.board.apply_presence(connection, update, max) {
                    Ok(Some(frame)) => self.send_to_all_but(Some(connection), &Bytes::from(frame)),
                    Ok(None) => {}
                    Err(error) => {
                        tracing::debug!(board = %self.id, %error, "refused a presence update");
                        let why = match error {
                            PresenceRefused::TooLarge { .. } => Closing::PresenceTooLarge,
                            PresenceRefused::Unapplicable(_) => Closing::PresenceUnapplicable,
                        };
                        self.close(connection, why);
                    }
                }
            }
            ClientMessage::QueryAwareness => {
                // Someone who waits sees nobody's presence.
                if let Some(frame) = self
                    .board
                    .presence_frame()
                    .filter(|_| self.board.lets_in(connection))
                {
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

    /// Sends one frame to every member but `except` and those waiting to be let in. The
    /// frame's bytes are shared, not copied, between the members.
    fn send_to_all_but(&mut self, except: Option<ConnectionId>, frame: &Bytes) {
        let mut lagging = Vec::new();
        for (&connection, outbox) in &self.outboxes {
            if Some(connection) == except || !self.board.lets_in(connection) {
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

    /// Closes every connection that came with the participant link: it was replaced.
    fn close_participants(&mut self) {
        let participants: Vec<ConnectionId> = self
            .outboxes
            .keys()
            .copied()
            .filter(|connection| {
                self.board
                    .caller(*connection)
                    .is_some_and(|caller| !caller.facilitator_token)
            })
            .collect();
        for connection in participants {
            self.close(connection, Closing::LinkReplaced);
        }
    }

    /// The board was deleted: closes every connection and stops writing (the room ends
    /// with the batch at hand, and leaves the store alone on its way out).
    fn end_deleted(&mut self) {
        tracing::info!(board = %self.id, "board deleted; closing its connections");
        self.deleted = true;
        self.close_all(Closing::Deleted);
    }

    fn close_all(&mut self, why: Closing) {
        let connections: Vec<ConnectionId> = self.outboxes.keys().copied().collect();
        for connection in connections {
            self.close(connection, why);
        }
    }

    fn close(&mut self, connection: ConnectionId, why: Closing) {
        if let Some(outbox) = self.outboxes.remove(&connection) {
            let _ = outbox.try_send(Outgoing::Close(why));
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
        self.close_all(Closing::Reloading);
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
    pub(super) async fn finish(mut self) {
        if !self.deleted && self.log.backlog().updates > 0 {
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
