//! One board's live state, without any I/O: the document, the presence states, the
//! facilitated meeting, and who is connected. The room ([`crate::rooms`]) feeds it
//! messages and does the storing and sending; keeping this part transport-free lets the
//! fuzzer drive it directly.

use std::collections::HashMap;

use leerkring_shared::ids::MemberId;
use leerkring_shared::meeting::{
    not_let_in_yet, Caller, Command, Context, Meeting, MeetingView, ReadOnlyBecause,
};
use leerkring_shared::protocol::{
    awareness_frame, meeting_frame, sync_step1_frame, sync_step2_frame, DocUpdate,
};
use leerkring_shared::refusal::Refusal;
use yrs::sync::{Awareness, AwarenessUpdate};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{ClientID, Doc, ReadTxn, StateVector, Transact, Update};

use crate::placement::{Batch, Placement};
use crate::storage::StoredHistory;

/// Identifies one WebSocket connection for as long as the process runs.
pub type ConnectionId = u64;

/// What the board remembers about a connection.
#[derive(Debug)]
pub struct Member {
    /// Who is on the other end: token role and member id.
    pub caller: Caller,
    /// The presence client id this connection announced (one per connection; see
    /// [`Board::apply_presence`]), removed for all when it leaves.
    presence_id: Option<ClientID>,
    /// The meeting lets this connection in ([`Meeting::lets_in`]); one that waits gets
    /// nothing of the document or of anyone's presence.
    let_in: bool,
    /// The sync step 1 of a connection that waits, answered once it is let in.
    held_sync: Option<StateVector>,
}

/// A board's document, presence and meeting.
pub struct Board {
    awareness: Awareness,
    members: HashMap<ConnectionId, Member>,
    meeting: Meeting,
    /// Which root each item of the document is in, for [`Board::admit`].
    placement: Placement,
    /// The CRDT library panicked while changing the document, so its state in memory can
    /// no longer be trusted: the room closes and the board reloads from storage.
    poisoned: bool,
}

/// Runs CRDT work that crafted input can make the library panic on (found by fuzzing
/// yrs 0.28): the panic becomes an error instead of taking the room down with it.
pub(crate) fn guarded<T>(what: &'static str, work: impl FnOnce() -> T) -> Option<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(value) => Some(value),
        Err(_) => {
            tracing::error!(what, "the CRDT library panicked");
            None
        }
    }
}

/// Whether `snapshot`, loaded on its own, is a document holding exactly the edits in
/// `expected`. Every store checks this before a snapshot replaces a board's history: one
/// that cannot be loaded again would lose the board (fuzzing found states yrs encodes but
/// cannot decode).
pub fn reads_back_as(snapshot: &[u8], expected: &StateVector) -> bool {
    let reloaded = guarded("verify snapshot", || {
        let copy = Doc::new();
        let update = Update::decode_v1(snapshot).ok()?;
        copy.transact_mut().apply_update(update).ok()?;
        let state = copy.transact().state_vector();
        Some(state)
    });
    reloaded.flatten().as_ref() == Some(expected)
}

/// Told before and after each stored record is applied to the document, so that a record
/// that kills the process can be named at the next load (see
/// [`crate::storage::quarantine`]). `()` watches nothing.
pub trait ApplyWatch {
    fn applying(&mut self, record: &[u8]);
    fn applied(&mut self);
}

impl ApplyWatch for () {
    fn applying(&mut self, _record: &[u8]) {}
    fn applied(&mut self) {}
}

/// Runs `work` on `record` between `watch`'s two calls.
fn watched<T>(watch: &mut dyn ApplyWatch, record: &[u8], work: impl FnOnce() -> T) -> T {
    watch.applying(record);
    #[cfg(feature = "fault-injection")]
    crate::fault_injection::abort_if_marked(record);
    let outcome = work();
    watch.applied();
    outcome
}

/// What [`Board::admit`] made of a batch of updates.
#[derive(Debug, Default)]
pub struct Admission {
    /// The updates that may be stored and applied, with their senders, in the batch's order.
    pub accepted: Vec<(ConnectionId, DocUpdate)>,
    /// The senders of the updates refused, and why, in the batch's order.
    pub refused: Vec<(ConnectionId, WriteRefusal)>,
}

/// Why [`Board::admit`] refuses an update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteRefusal {
    /// It changes a part of the document that is read-only for its sender.
    ReadOnly(ReadOnlyBecause),
    /// It builds on clocks the document does not have, so yrs would hold (part of) it
    /// back and place it later, when nobody judges it any more.
    Incomplete,
    /// Its sender waits in the waiting room.
    Waiting,
}

/// What [`Board::answer_sync`] makes of a sync step 1.
pub enum SyncAnswer {
    /// The sync step 2 to send.
    Reply(Vec<u8>),
    /// The connection waits; it is answered when it is let in.
    Held,
    /// The document could not be encoded.
    Unreadable,
}

impl WriteRefusal {
    /// What the sender is told.
    pub fn refusal(self) -> Refusal {
        match self {
            WriteRefusal::ReadOnly(why) => why.refusal(),
            WriteRefusal::Waiting => not_let_in_yet(),
            WriteRefusal::Incomplete => Refusal {
                status: 409,
                reason: "your edit builds on changes the server does not have; it was not saved"
                    .into(),
                reason_nl: Some(
                    "Je wijziging bouwt voort op wijzigingen die de server niet heeft; ze is niet bewaard."
                        .into(),
                ),
            },
        }
    }
}

/// Why an update could not be applied.
#[derive(Debug, thiserror::Error)]
#[error("update could not be applied: {0}")]
pub struct RejectedUpdate(String);

/// Why a presence update was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PresenceRefused {
    #[error("a presence state of {size} bytes; at most {max} are accepted")]
    TooLarge { size: usize, max: usize },
    #[error("presence update could not be applied: {0}")]
    Unapplicable(String),
}

/// How an awareness entry says that a client has gone.
const NO_PRESENCE: &str = "null";

impl Board {
    /// Rebuilds a board from its stored history. A stored update that no longer decodes
    /// or applies is skipped with a warning rather than making the whole board unloadable.
    pub fn from_history(history: StoredHistory) -> Self {
        Self::replay(history, &mut ())
    }

    /// As [`Board::from_history`], telling `watch` about each record as it is applied.
    pub fn replay(history: StoredHistory, watch: &mut dyn ApplyWatch) -> Self {
        let meeting = match history.meeting.as_deref().map(serde_json::from_slice) {
            Some(Ok(meeting)) => meeting,
            Some(Err(error)) => {
                tracing::warn!(%error, "stored meeting state is unreadable; starting afresh");
                Meeting::default()
            }
            None => Meeting::default(),
        };
        let mut board = Self {
            awareness: Awareness::new(Doc::new()),
            members: HashMap::new(),
            meeting,
            placement: Placement::default(),
            poisoned: false,
        };
        let stored = history.snapshot.iter().chain(history.updates.iter());
        for (position, bytes) in stored.enumerate() {
            let applied = watched(watch, bytes, || {
                Update::decode_v1(bytes)
                    .map_err(|error| RejectedUpdate(error.to_string()))
                    .and_then(|update| board.apply_update(update))
            });
            if let Err(error) = applied {
                tracing::warn!(position, %error, "skipped a stored update");
            }
        }
        // Loading skips what cannot be applied; what loaded is sound.
        board.poisoned = false;
        board
    }

    fn doc(&self) -> &Doc {
        self.awareness.doc()
    }

    /// Integrates a stored update (`record` is its bytes as stored), telling `watch`.
    pub fn apply_record(
        &mut self,
        watch: &mut dyn ApplyWatch,
        record: &[u8],
        update: Update,
    ) -> Result<(), RejectedUpdate> {
        watched(watch, record, || self.apply_update(update))
    }

    /// Integrates a document update.
    pub fn apply_update(&mut self, update: Update) -> Result<(), RejectedUpdate> {
        let doc = self.doc().clone();
        // The placement map reads the blocks itself; yrs keeps them private once decoded.
        let bytes = guarded("encode update", || update.encode_v1()).unwrap_or_default();
        match guarded("apply_update", || doc.transact_mut().apply_update(update)) {
            Some(applied) => {
                applied.map_err(|error| RejectedUpdate(error.to_string()))?;
                self.placement.record(&bytes);
                Ok(())
            }
            None => {
                self.poisoned = true;
                Err(RejectedUpdate("the update broke the CRDT library".into()))
            }
        }
    }

    /// The document's full state for a snapshot, but only if it reads back as the same
    /// document (see [`reads_back_as`]).
    pub fn verified_snapshot(&self) -> Option<Vec<u8>> {
        let snapshot = self.encode_state()?;
        reads_back_as(&snapshot, &self.state_vector()).then_some(snapshot)
    }

    /// Which edits of each client the document holds.
    pub fn state_vector(&self) -> StateVector {
        self.doc().transact().state_vector()
    }

    /// Whether the document in memory can no longer be trusted (see [`Board::apply_update`]).
    pub fn is_poisoned(&self) -> bool {
        self.poisoned
    }

    /// The document's full state, for a snapshot; `None` if it cannot be encoded.
    pub fn encode_state(&self) -> Option<Vec<u8>> {
        guarded("encode_state", || {
            self.doc()
                .transact()
                .encode_state_as_update_v1(&StateVector::default())
        })
    }

    /// Adds a connection; returns the frames that start its sync: the server's sync
    /// step 1 and, if anyone is present and the connection is let in, their presence
    /// states.
    pub fn join(&mut self, connection: ConnectionId, caller: Caller) -> Vec<Vec<u8>> {
        let let_in = self.meeting.lets_in(&caller);
        self.members.insert(
            connection,
            Member {
                caller,
                presence_id: None,
                let_in,
                held_sync: None,
            },
        );
        let state_vector = self.doc().transact().state_vector();
        let mut frames = vec![sync_step1_frame(&state_vector)];
        if let_in {
            frames.extend(self.presence_frame());
        }
        frames
    }

    /// Whether the meeting lets `connection` in (see [`Member`]).
    pub fn lets_in(&self, connection: ConnectionId) -> bool {
        self.members.get(&connection).is_some_and(|m| m.let_in)
    }

    /// Answers a connection's sync step 1, or holds it while the connection waits.
    pub fn answer_sync(&mut self, connection: ConnectionId, peer_state: StateVector) -> SyncAnswer {
        match self.members.get_mut(&connection) {
            Some(member) if !member.let_in => {
                member.held_sync = Some(peer_state);
                SyncAnswer::Held
            }
            _ => self
                .sync_reply(&peer_state)
                .map_or(SyncAnswer::Unreadable, SyncAnswer::Reply),
        }
    }

    /// Brings every connection's [`Member::let_in`] up to date with the meeting, and
    /// returns the frames for those let in just now: the answer to their held sync step 1
    /// and everyone's presence.
    pub fn let_in_newly_admitted(&mut self) -> Vec<(ConnectionId, Vec<Vec<u8>>)> {
        let mut newly_let_in = Vec::new();
        for (&connection, member) in self.members.iter_mut() {
            let let_in = self.meeting.lets_in(&member.caller);
            if let_in && !member.let_in {
                newly_let_in.push((connection, member.held_sync.take()));
            }
            member.let_in = let_in;
        }
        newly_let_in
            .into_iter()
            .map(|(connection, held)| {
                let mut frames: Vec<Vec<u8>> = held
                    .and_then(|state| self.sync_reply(&state))
                    .into_iter()
                    .collect();
                frames.extend(self.presence_frame());
                (connection, frames)
            })
            .collect()
    }

    /// Removes a connection; returns the frame that clears its presence for everyone else.
    pub fn leave(&mut self, connection: ConnectionId) -> Option<Vec<u8>> {
        let client = self.members.remove(&connection)?.presence_id?;
        self.awareness.remove_state(client);
        let removal = self.awareness.update_with_clients([client]).ok()?;
        Some(awareness_frame(&removal))
    }

    pub fn is_member(&self, connection: ConnectionId) -> bool {
        self.members.contains_key(&connection)
    }

    pub fn members(&self) -> impl Iterator<Item = (ConnectionId, &Member)> {
        self.members.iter().map(|(&id, member)| (id, member))
    }

    pub fn member_count(&self) -> usize {
        self.members.len()
    }

    pub fn caller(&self, connection: ConnectionId) -> Option<&Caller> {
        self.members.get(&connection).map(|m| &m.caller)
    }

    /// Whether `member` was removed from the meeting by the facilitator.
    pub fn is_removed(&self, member: &str) -> bool {
        self.meeting.members.get(member).is_some_and(|m| m.removed)
    }

    /// Member ids with an open connection.
    fn present(&self) -> Vec<MemberId> {
        let mut present: Vec<MemberId> = self
            .members
            .values()
            .filter_map(|m| m.caller.member.clone())
            .collect();
        present.sort();
        present.dedup();
        present
    }

    fn context(&self, now_ms: u64, random: u64) -> Context {
        let mut token_holders: Vec<MemberId> = self
            .members
            .values()
            .filter(|m| m.caller.facilitator_token)
            .filter_map(|m| m.caller.member.clone())
            .collect();
        token_holders.sort();
        token_holders.dedup();
        Context {
            now_ms,
            random,
            present: self.present(),
            token_holders,
        }
    }

    /// Runs a meeting command; on refusal nothing changes.
    pub fn run_command(
        &mut self,
        caller: &Caller,
        command: Command,
        now_ms: u64,
        random: u64,
    ) -> Result<(), Refusal> {
        let context = self.context(now_ms, random);
        self.meeting.apply(caller, command, &context)
    }

    pub fn meeting(&self) -> &Meeting {
        &self.meeting
    }

    /// Puts back an earlier meeting state (when storing the new one failed).
    pub fn restore_meeting(&mut self, meeting: Meeting) {
        self.meeting = meeting;
    }

    /// The meeting state to store.
    pub fn meeting_json(&self) -> Vec<u8> {
        serde_json::to_vec(&self.meeting).unwrap_or_default()
    }

    /// The meeting as `caller` may see it.
    pub fn view_for(&self, caller: &Caller, now_ms: u64) -> MeetingView {
        self.meeting.view_for(caller, &self.context(now_ms, 0))
    }

    /// The meeting frame for each connection that speaks Leerkring's messages (those
    /// that identified as a member; stock Yjs clients are left alone).
    pub fn meeting_frames(&self, now_ms: u64) -> Vec<(ConnectionId, Vec<u8>)> {
        let context = self.context(now_ms, 0);
        self.members
            .iter()
            .filter(|(_, m)| m.caller.member.is_some())
            .filter_map(|(&connection, m)| {
                let view = self.meeting.view_for(&m.caller, &context);
                let json = serde_json::to_vec(&view).ok()?;
                Some((connection, meeting_frame(&json)))
            })
            .collect()
    }

    /// Connections of `member`.
    pub fn connections_of(&self, member: &str) -> Vec<ConnectionId> {
        self.members
            .iter()
            .filter(|(_, m)| m.caller.member.as_deref() == Some(member))
            .map(|(&connection, _)| connection)
            .collect()
    }

    /// Which of a batch of updates may be stored and applied, and why the others may not;
    /// each update comes with the connection that sent it. The answer keeps the batch's
    /// order in both lists.
    ///
    /// An update is refused whole when it touches a part of the document its sender may
    /// not change now ([`Meeting::read_only_roots`]: the locked table, someone else's case
    /// intake). It is judged by the item ids it inserts and deletes, against the document's
    /// [`Placement`] map (no copy of the document): every block it inserts (text, formatting
    /// marks, embeds, nested types and what goes inside them) lands in the root its parent
    /// or origins are in, and every id it deletes is in some root. An update that would
    /// leave blocks or deletes pending is refused from everyone: yrs would place them later,
    /// when the missing clocks arrive (perhaps from the facilitator, or after a lock), and
    /// nobody would judge them then.
    ///
    /// Each update is judged on top of the updates accepted before it in the batch, so an
    /// edit split over several updates is judged as a whole.
    pub fn admit(&self, batch: Vec<(ConnectionId, DocUpdate)>) -> Admission {
        let nobody = Caller {
            facilitator_token: false,
            member: None,
        };
        let verdicts = self.judge(batch.iter().map(|(connection, update)| {
            let sender = self.caller(*connection).unwrap_or(&nobody);
            (sender, update.bytes.as_slice())
        }));
        let mut admission = Admission::default();
        for ((connection, update), verdict) in batch.into_iter().zip(verdicts) {
            match verdict {
                None => admission.accepted.push((connection, update)),
                Some(why) => admission.refused.push((connection, why)),
            }
        }
        admission
    }

    /// [`Board::admit`]'s verdict on each update, by who sent it: `None` for one that may
    /// be applied.
    fn judge<'a>(
        &self,
        updates: impl IntoIterator<Item = (&'a Caller, &'a [u8])>,
    ) -> Vec<Option<WriteRefusal>> {
        let mut batch = Batch::default();
        updates
            .into_iter()
            .map(|(sender, update)| {
                let verdict = match batch.effect(&self.placement, update) {
                    _ if !self.meeting.lets_in(sender) => Some(WriteRefusal::Waiting),
                    None => Some(WriteRefusal::Incomplete),
                    Some(effect) if effect.leaves_pending => Some(WriteRefusal::Incomplete),
                    Some(effect) => self
                        .meeting
                        .read_only_roots(sender)
                        .into_iter()
                        .find(|root| effect.touched.contains(root.name.as_str()))
                        .map(|root| WriteRefusal::ReadOnly(root.why)),
                };
                if verdict.is_none() {
                    batch.allow(&self.placement, update);
                }
                verdict
            })
            .collect()
    }

    /// Answers a sync step 1: the part of the document the peer lacks; `None` if it
    /// cannot be encoded.
    pub fn sync_reply(&self, peer_state: &StateVector) -> Option<Vec<u8>> {
        let diff = guarded("encode_diff", || {
            self.doc().transact().encode_diff_v1(peer_state)
        })?;
        Some(sync_step2_frame(&diff))
    }

    /// Applies a presence change from `connection`; returns the frame to pass on, if the
    /// update held anything of this connection's.
    ///
    /// A connection has one presence state: the first client id it announces with a state,
    /// and that no other connection holds, is its own until it leaves. Entries for other
    /// ids are dropped without a fuss: stock y-websocket clients echo everyone's presence
    /// back and announce the removal of peers they stopped hearing from, but those states
    /// are not theirs to change. The one exception is the same person (member key)
    /// reconnecting with the same id while the old connection has not been noticed gone
    /// yet: the new connection takes the id over. A state over `max_state_bytes` of JSON is
    /// refused.
    pub fn apply_presence(
        &mut self,
        connection: ConnectionId,
        update: AwarenessUpdate,
        max_state_bytes: usize,
    ) -> Result<Option<Vec<u8>>, PresenceRefused> {
        let Some(member) = self.members.get(&connection).filter(|m| m.let_in) else {
            return Ok(None);
        };
        let own = member.presence_id;
        let person = member.caller.member.as_deref();
        let holder = |client: &ClientID| {
            self.members.iter().find(|(other, member)| {
                **other != connection && member.presence_id == Some(*client)
            })
        };
        let mine = update
            .clients
            .into_iter()
            .find(|(client, entry)| match own {
                Some(own) => *client == own,
                None => {
                    entry.json.as_ref() != NO_PRESENCE
                        && holder(client).is_none_or(|(_, held_by)| {
                            person.is_some() && held_by.caller.member.as_deref() == person
                        })
                }
            });
        let Some((client, entry)) = mine else {
            return Ok(None);
        };
        if entry.json.len() > max_state_bytes {
            return Err(PresenceRefused::TooLarge {
                size: entry.json.len(),
                max: max_state_bytes,
            });
        }
        let update = AwarenessUpdate {
            clients: HashMap::from([(client, entry)]),
        };
        let frame = awareness_frame(&update);
        self.awareness
            .apply_update(update)
            .map_err(|error| PresenceRefused::Unapplicable(error.to_string()))?;
        for (&other, member) in self.members.iter_mut() {
            if other == connection {
                member.presence_id = Some(client);
            } else if member.presence_id == Some(client) {
                // The same person's older connection: its leaving must not remove the state.
                member.presence_id = None;
            }
        }
        Ok(Some(frame))
    }

    /// Every known presence state, or `None` if nobody is present.
    pub fn presence_frame(&self) -> Option<Vec<u8>> {
        let states = self.awareness.update().ok()?;
        (!states.clients.is_empty()).then(|| awareness_frame(&states))
    }
}

#[cfg(test)]
mod tests;
