//! One board's live state, without any I/O: the document, the presence states, the
//! facilitated meeting, and who is connected. The room ([`crate::rooms`]) feeds it
//! messages and does the storing and sending; keeping this part transport-free lets the
//! fuzzer drive it directly.

use std::collections::HashMap;

use leerkring_shared::meeting::{
    Caller, Command, Context, Meeting, MeetingView, MemberId, ReadOnlyBecause, ReadOnlyRoot,
    Refusal,
};
use leerkring_shared::protocol::{
    awareness_frame, meeting_frame, sync_step1_frame, sync_step2_frame,
};
use yrs::sync::{Awareness, AwarenessUpdate};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{ClientID, Doc, ReadTxn, StateVector, Transact, Update};

use crate::placement::{Batch, Landing, Placement};
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
}

/// A board's document, presence and meeting.
pub struct Board {
    awareness: Awareness,
    members: HashMap<ConnectionId, Member>,
    meeting: Meeting,
    /// Which root each item of the document is in, for [`Board::write_filter`].
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

/// Why [`Board::write_filter`] refuses an update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteRefusal {
    /// It changes a part of the document that is read-only for its sender.
    ReadOnly(ReadOnlyBecause),
    /// It builds on clocks the document does not have, so yrs would hold (part of) it
    /// back and place it later, when nobody judges it any more.
    Incomplete,
}

impl WriteRefusal {
    /// What the sender is told.
    pub fn refusal(self) -> Refusal {
        match self {
            WriteRefusal::ReadOnly(why) => why.refusal(),
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
    /// step 1 and, if anyone is present, their presence states.
    pub fn join(&mut self, connection: ConnectionId, caller: Caller) -> Vec<Vec<u8>> {
        self.members.insert(
            connection,
            Member {
                caller,
                presence_id: None,
            },
        );
        let state_vector = self.doc().transact().state_vector();
        let mut frames = vec![sync_step1_frame(&state_vector)];
        frames.extend(self.presence_frame());
        frames
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

    /// Which of `updates` may be applied. Each comes with the parts of the document its
    /// sender may not change now ([`Meeting::read_only_roots`]); the verdict is `None` for
    /// an update that may be applied, or why it is refused.
    ///
    /// An update is judged by the item ids it inserts and deletes, against the document's
    /// [`Placement`] map (no copy of the document): every block it inserts (text, formatting
    /// marks, embeds, nested types and what goes inside them) lands in the root its parent
    /// or origins are in, and every id it deletes is in some root. Touching a read-only
    /// root refuses the whole update. An update that would leave blocks or deletes pending
    /// is refused from everyone: yrs would place them later, when the missing clocks arrive
    /// (perhaps from the facilitator, or after a lock), and nobody would judge them then.
    ///
    /// Each update is judged on top of the updates allowed before it in the batch, so an
    /// edit split over several updates is judged as a whole.
    pub fn write_filter(
        &self,
        updates: &[(Vec<ReadOnlyRoot>, &[u8])],
    ) -> Vec<Option<WriteRefusal>> {
        let mut batch = Batch::default();
        updates
            .iter()
            .map(|(roots, update)| {
                let verdict = match batch.effect(&self.placement, update) {
                    None => Some(WriteRefusal::Incomplete),
                    Some(effect) if effect.leaves_pending => Some(WriteRefusal::Incomplete),
                    Some(effect) => roots
                        .iter()
                        .find(|root| {
                            effect.touched.contains(&Landing::Unknown)
                                || effect
                                    .touched
                                    .contains(&Landing::Root(root.name.as_str().into()))
                        })
                        .map(|root| WriteRefusal::ReadOnly(root.why)),
                };
                if verdict.is_none() {
                    batch.allow(&self.placement, update);
                }
                verdict
            })
            .collect()
    }

    /// The parts of the document `connection`'s sender may not change now.
    pub fn read_only_roots(&self, connection: ConnectionId) -> Vec<ReadOnlyRoot> {
        let nobody = Caller {
            facilitator_token: false,
            member: None,
        };
        let caller = self.caller(connection).unwrap_or(&nobody);
        self.meeting.read_only_roots(caller)
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
        let Some(member) = self.members.get(&connection) else {
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
mod tests {
    use super::*;
    use leerkring_shared::protocol::{decode_frame, ClientMessage};
    use yrs::sync::awareness::AwarenessUpdateEntry;
    use yrs::{GetString, Text, WriteTxn};

    fn caller(facilitator_token: bool, member: Option<&str>) -> Caller {
        Caller {
            facilitator_token,
            member: member.map(str::to_owned),
        }
    }

    #[test]
    fn the_locked_table_refuses_participants_but_not_the_facilitator() {
        use leerkring_shared::model::{FLIPOVER, VIRTUE_TABLE};
        use yrs::{Array, Text};
        let mut board = Board::from_history(StoredHistory::default());
        let facilitator = caller(true, Some("f"));
        // Content before the lock, as in a real meeting; edits build on it.
        let writer = Doc::new();
        let flipover = writer.get_or_insert_text(FLIPOVER);
        let table = writer.get_or_insert_array(VIRTUE_TABLE);
        let edit = |change: &dyn Fn(&mut yrs::TransactionMut)| {
            let mut txn = writer.transact_mut();
            change(&mut txn);
            txn.encode_update_v1()
        };
        let setup = edit(&|txn| {
            flipover.insert(txn, 0, "Welkom");
            table.push_back(txn, "Geduld");
        });
        board
            .apply_update(Update::decode_v1(&setup).expect("decodes"))
            .expect("applies");
        let text_edit = edit(&|txn| flipover.insert(txn, 0, "VALS "));
        let table_edit = edit(&|txn| {
            table.push_back(txn, "Moed");
        });
        let notes = writer.get_or_insert_text("group_notes_0");
        let notes_edit = edit(&|txn| notes.insert(txn, 0, "vrij"));

        let participant = caller(false, Some("p"));
        board
            .run_command(
                &participant,
                Command::Hello {
                    name: "Piet".into(),
                },
                0,
                0,
            )
            .expect("hello");
        let roots = |board: &Board, who: &Caller| board.meeting().read_only_roots(who);
        let unlocked = board.write_filter(&[
            (roots(&board, &participant), &text_edit),
            (roots(&board, &participant), &table_edit),
        ]);
        assert_eq!(unlocked, vec![None, None]);
        board
            .run_command(&facilitator, Command::LockTable, 0, 0)
            .expect("lock");
        let locked = Some(WriteRefusal::ReadOnly(ReadOnlyBecause::TableLocked));
        let verdicts = board.write_filter(&[
            (roots(&board, &participant), &text_edit),
            (roots(&board, &participant), &table_edit),
            (roots(&board, &participant), &notes_edit),
            (roots(&board, &facilitator), &table_edit),
        ]);
        assert_eq!(verdicts, vec![locked, locked, None, None]);
    }

    /// A board where `facilitator` and `others` said hello, on the case consultation (the
    /// default agenda's second activity) with member `a` named its contributor; and the
    /// case's id.
    fn board_with_a_case(facilitator: &Caller, others: &[&Caller]) -> (Board, String) {
        let mut board = Board::from_history(StoredHistory::default());
        for who in std::iter::once(facilitator).chain(others.iter().copied()) {
            let name = format!("Lid {}", who.member.as_deref().unwrap_or("?"));
            board
                .run_command(who, Command::Hello { name }, 0, 0)
                .expect("hello");
        }
        let to_case = Command::GoToStep {
            activity: 1,
            step: 0,
        };
        board.run_command(facilitator, to_case, 0, 0).expect("go");
        let name = Command::NameContributor {
            activity: None,
            member: "a".into(),
        };
        board.run_command(facilitator, name, 0, 5).expect("named");
        let case_id = board.meeting().cases[&1].id.clone();
        (board, case_id)
    }

    #[test]
    fn only_the_contributor_and_the_facilitator_write_a_case_intake() {
        use leerkring_shared::model::{case_part, case_root};
        use yrs::Text;
        let facilitator = caller(true, Some("f"));
        let contributor = caller(false, Some("a"));
        let other = caller(false, Some("b"));
        let (board, case_id) = board_with_a_case(&facilitator, &[&contributor, &other]);
        let writer = Doc::new();
        let title = writer.get_or_insert_text(case_root(&case_id, case_part::TITLE).as_str());
        let relation =
            writer.get_or_insert_text(case_root(&case_id, case_part::RELATIONSHIP).as_str());
        let type_in = |text: &yrs::TextRef, words: &str| {
            let mut txn = writer.transact_mut();
            text.insert(&mut txn, 0, words);
            txn.encode_update_v1()
        };
        let title_edit = type_in(&title, "Meneer wil geen hulp");
        let relation_edit = type_in(&relation, "Hij houdt de deur dicht");
        let roots = |who: &Caller| board.meeting().read_only_roots(who);
        let verdicts = board.write_filter(&[
            (roots(&other), &title_edit),
            (roots(&other), &relation_edit),
            (roots(&contributor), &title_edit),
            (roots(&facilitator), &title_edit),
        ]);
        let intake = Some(WriteRefusal::ReadOnly(ReadOnlyBecause::CaseIntake));
        assert_eq!(verdicts, vec![intake, None, None, None]);
    }

    /// A board with a filled flip-over, a table with one row (a map with a text cell), a
    /// case whose contributor is `a`, and the table locked; with the facilitator's writer.
    struct Scene {
        board: Board,
        facilitator: Caller,
        participant: Caller,
        writer: Doc,
        case_id: String,
    }

    impl Scene {
        fn locked() -> Self {
            use leerkring_shared::model::{case_part, case_root, FLIPOVER, VIRTUE_TABLE};
            use yrs::{Array, Map, MapPrelim, TextPrelim};
            let facilitator = caller(true, Some("f"));
            let participant = caller(false, Some("p"));
            let contributor = caller(false, Some("a"));
            let (mut board, case_id) =
                board_with_a_case(&facilitator, &[&participant, &contributor]);
            let writer = Doc::new();
            let setup = {
                let flipover = writer.get_or_insert_text(FLIPOVER);
                let table = writer.get_or_insert_array(VIRTUE_TABLE);
                let title = writer.get_or_insert_text(case_root(&case_id, case_part::TITLE));
                let mut txn = writer.transact_mut();
                flipover.insert(&mut txn, 0, "Welkom");
                title.insert(&mut txn, 0, "Meneer wil geen hulp");
                let row = table.push_back(&mut txn, MapPrelim::default());
                row.insert(&mut txn, "deugd", TextPrelim::new("Geduld"));
                txn.encode_update_v1()
            };
            board
                .apply_update(Update::decode_v1(&setup).expect("decodes"))
                .expect("applies");
            board
                .run_command(&facilitator, Command::LockTable, 0, 0)
                .expect("lock");
            Self {
                board,
                facilitator,
                participant,
                writer,
                case_id,
            }
        }

        /// A copy of the board's document, as a client that synced has it.
        fn synced_doc(&self) -> Doc {
            let doc = Doc::new();
            let state = self.board.encode_state().expect("encodes");
            doc.transact_mut()
                .apply_update(Update::decode_v1(&state).expect("decodes"))
                .expect("applies");
            doc
        }

        fn verdict(&self, who: &Caller, update: &[u8]) -> Option<WriteRefusal> {
            let roots = self.board.meeting().read_only_roots(who);
            self.board.write_filter(&[(roots, update)])[0]
        }

        fn title(&self) -> String {
            use leerkring_shared::model::{case_part, case_root};
            case_root(&self.case_id, case_part::TITLE)
        }
    }

    /// The change `edit` makes to `doc`, as the update it sends.
    fn change(doc: &Doc, edit: impl FnOnce(&Doc, &mut yrs::TransactionMut)) -> Vec<u8> {
        let mut txn = doc.transact_mut();
        edit(doc, &mut txn);
        txn.encode_update_v1()
    }

    const LOCKED: Option<WriteRefusal> = Some(WriteRefusal::ReadOnly(ReadOnlyBecause::TableLocked));
    const INTAKE: Option<WriteRefusal> = Some(WriteRefusal::ReadOnly(ReadOnlyBecause::CaseIntake));

    fn bold() -> yrs::types::Attrs {
        yrs::types::Attrs::from([("bold".into(), yrs::Any::Bool(true))])
    }

    #[test]
    fn formatting_embeds_and_nested_types_in_a_locked_text_are_refused() {
        use leerkring_shared::model::FLIPOVER;
        let scene = Scene::locked();
        let cheat = scene.synced_doc();
        let formatted = change(&cheat, |_, txn| {
            txn.get_or_insert_text(FLIPOVER).format(txn, 0, 3, bold())
        });
        let embedded = change(&scene.synced_doc(), |_, txn| {
            txn.get_or_insert_text(FLIPOVER)
                .insert_embed(txn, 2, yrs::Any::from("plaatje"));
        });
        let nested = change(&scene.synced_doc(), |_, txn| {
            txn.get_or_insert_text(FLIPOVER)
                .insert_embed(txn, 2, yrs::MapPrelim::default());
        });
        for update in [&formatted, &embedded, &nested] {
            assert_eq!(scene.verdict(&scene.participant, update), LOCKED);
            assert_eq!(scene.verdict(&scene.facilitator, update), None);
        }
        // The text itself is unchanged by a format: a text comparison would let it pass.
        let intake_formatted = change(&scene.synced_doc(), |_, txn| {
            txn.get_or_insert_text(scene.title())
                .format(txn, 0, 6, bold())
        });
        assert_eq!(scene.verdict(&scene.participant, &intake_formatted), INTAKE);
        assert_eq!(
            scene.verdict(&caller(false, Some("a")), &intake_formatted),
            None,
            "the contributor formats her own intake"
        );
    }

    #[test]
    fn nested_types_and_what_is_inside_them_in_the_locked_table_are_refused() {
        use leerkring_shared::model::VIRTUE_TABLE;
        use yrs::{Array, ArrayPrelim, Map, MapPrelim, Out};
        let scene = Scene::locked();
        let new_map = change(&scene.synced_doc(), |_, txn| {
            txn.get_or_insert_array(VIRTUE_TABLE)
                .push_back(txn, MapPrelim::default());
        });
        let new_array = change(&scene.synced_doc(), |_, txn| {
            txn.get_or_insert_array(VIRTUE_TABLE)
                .insert(txn, 0, ArrayPrelim::default());
        });
        let row_of = |txn: &yrs::TransactionMut| match txn
            .get_array(VIRTUE_TABLE)
            .and_then(|table| table.get(txn, 0))
        {
            Some(Out::YMap(row)) => row,
            other => panic!("the row is a map: {other:?}"),
        };
        let into_row = change(&scene.synced_doc(), |_, txn| {
            let row = row_of(txn);
            row.insert(txn, "te_veel", "Koppigheid");
        });
        let into_cell = change(&scene.synced_doc(), |_, txn| {
            let row = row_of(txn);
            match row.get(txn, "deugd") {
                Some(Out::YText(cell)) => cell.insert(txn, 0, "Veel "),
                other => panic!("the cell is a text: {other:?}"),
            }
        });
        for update in [&new_map, &new_array, &into_row, &into_cell] {
            assert_eq!(scene.verdict(&scene.participant, update), LOCKED);
            assert_eq!(scene.verdict(&scene.facilitator, update), None);
        }
    }

    #[test]
    fn deletes_in_a_read_only_part_are_refused_and_old_deletes_are_not() {
        use leerkring_shared::model::{FLIPOVER, VIRTUE_TABLE};
        use yrs::Array;
        let mut scene = Scene::locked();
        let row_removed = change(&scene.synced_doc(), |_, txn| {
            txn.get_or_insert_array(VIRTUE_TABLE).remove(txn, 0)
        });
        let letter_removed = change(&scene.synced_doc(), |_, txn| {
            txn.get_or_insert_text(FLIPOVER).remove_range(txn, 0, 1)
        });
        let intake_removed = change(&scene.synced_doc(), |_, txn| {
            txn.get_or_insert_text(scene.title())
                .remove_range(txn, 0, 6)
        });
        assert_eq!(scene.verdict(&scene.participant, &row_removed), LOCKED);
        assert_eq!(scene.verdict(&scene.participant, &letter_removed), LOCKED);
        assert_eq!(scene.verdict(&scene.participant, &intake_removed), INTAKE);
        // The facilitator removes the row (and with it its cells); a participant's full
        // state, sent on reconnecting, carries that delete again: it changes nothing.
        assert_eq!(scene.verdict(&scene.facilitator, &row_removed), None);
        scene
            .board
            .apply_update(Update::decode_v1(&row_removed).expect("decodes"))
            .expect("applies");
        let participant = scene.synced_doc();
        let notes = participant.get_or_insert_text("group_notes_0_0");
        notes.insert(&mut participant.transact_mut(), 0, "offline");
        let full_state = participant
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        assert_eq!(scene.verdict(&scene.participant, &full_state), None);
    }

    #[test]
    fn updates_that_would_be_left_pending_are_refused_from_everyone() {
        use leerkring_shared::model::FLIPOVER;
        let scene = Scene::locked();
        // The facilitator's writer types on, but the server has not seen it yet.
        let ahead = change(&scene.writer, |_, txn| {
            txn.get_or_insert_text(FLIPOVER).insert(txn, 6, " allemaal")
        });
        // A cheat who got hold of it types right after it (its origin is a clock the
        // server does not have), and deletes in it (a delete aimed at future clocks).
        let cheat = scene.synced_doc();
        cheat
            .transact_mut_with("elders")
            .apply_update(Update::decode_v1(&ahead).expect("decodes"))
            .expect("applies");
        let pending_insert = change(&cheat, |_, txn| {
            txn.get_or_insert_text(FLIPOVER).insert(txn, 15, "!")
        });
        let pending_delete = change(&cheat, |_, txn| {
            txn.get_or_insert_text(FLIPOVER).remove_range(txn, 7, 3)
        });
        let incomplete = Some(WriteRefusal::Incomplete);
        for update in [&pending_insert, &pending_delete] {
            assert_eq!(scene.verdict(&scene.participant, update), incomplete);
            assert_eq!(
                scene.verdict(&scene.facilitator, update),
                incomplete,
                "nobody leaves pending blocks behind"
            );
            assert_eq!(
                scene.verdict(&caller(false, Some("a")), update),
                incomplete,
                "also not someone the lock does not restrict now"
            );
        }
        // With the missing part first in the same batch, the cheat's edit is judged as
        // what it is: an edit of the locked flip-over.
        let roots = scene.board.meeting().read_only_roots(&scene.participant);
        let verdicts = scene.board.write_filter(&[
            (Vec::new(), &ahead),
            (roots.clone(), &pending_insert),
            (roots, &pending_delete),
        ]);
        assert_eq!(verdicts, vec![None, LOCKED, LOCKED]);
    }

    #[test]
    fn an_update_touching_an_open_and_a_locked_part_is_refused_whole() {
        use leerkring_shared::model::{group_notes, FLIPOVER};
        let scene = Scene::locked();
        let doc = scene.synced_doc();
        let open_only = change(&doc, |_, txn| {
            txn.get_or_insert_text(group_notes(0, 0))
                .insert(txn, 0, "vrij")
        });
        let both = change(&doc, |_, txn| {
            txn.get_or_insert_text(group_notes(0, 0))
                .insert(txn, 0, "ook ");
            txn.get_or_insert_text(FLIPOVER).insert(txn, 0, "VALS ");
        });
        let roots = scene.board.meeting().read_only_roots(&scene.participant);
        let verdicts = scene
            .board
            .write_filter(&[(roots.clone(), &open_only), (roots, &both)]);
        assert_eq!(verdicts, vec![None, LOCKED]);
    }

    fn typed(text: &str) -> Vec<u8> {
        let doc = Doc::new();
        let field = doc.get_or_insert_text("cel");
        let mut txn = doc.transact_mut();
        field.insert(&mut txn, 0, text);
        txn.encode_update_v1()
    }

    fn read_text(board: &Board) -> String {
        let field = board.doc().get_or_insert_text("cel");
        let txn = board.doc().transact();
        field.get_string(&txn)
    }

    #[test]
    fn rebuilds_from_snapshot_and_updates_skipping_junk() {
        let history = StoredHistory {
            snapshot: Some(typed("Geduld")),
            updates: vec![b"junk".to_vec(), typed("Moed")],
            meeting: None,
        };
        let board = Board::from_history(history);
        let text = read_text(&board);
        assert!(text.contains("Geduld") && text.contains("Moed"), "{text}");
    }

    /// Records what it is told, as the crash-loop breaker's marker would.
    #[derive(Default)]
    struct Journal(Vec<String>);

    impl ApplyWatch for Journal {
        fn applying(&mut self, record: &[u8]) {
            self.0.push(format!("applying {} bytes", record.len()));
        }
        fn applied(&mut self) {
            self.0.push("applied".into());
        }
    }

    #[test]
    fn replaying_names_every_stored_record_before_applying_it_even_junk() {
        let (snapshot, update) = (typed("Geduld"), typed("Moed"));
        let history = StoredHistory {
            snapshot: Some(snapshot.clone()),
            updates: vec![b"junk".to_vec(), update.clone()],
            meeting: None,
        };
        let mut journal = Journal::default();
        let mut board = Board::replay(history, &mut journal);
        let expected = |lengths: &[usize]| -> Vec<String> {
            lengths
                .iter()
                .flat_map(|n| [format!("applying {n} bytes"), "applied".to_owned()])
                .collect()
        };
        assert_eq!(journal.0, expected(&[snapshot.len(), 4, update.len()]));

        let live = typed("Hoop");
        let decoded = Update::decode_v1(&live).expect("decodes");
        let mut journal = Journal::default();
        board
            .apply_record(&mut journal, &live, decoded)
            .expect("applies");
        assert_eq!(journal.0, expected(&[live.len()]));
        assert!(read_text(&board).contains("Hoop"));
    }

    #[test]
    fn a_new_member_is_asked_for_its_state_and_told_who_is_here() {
        let mut board = Board::from_history(StoredHistory::default());
        let frames = board.join(1, caller(true, None));
        assert_eq!(frames.len(), 1, "nobody present yet");
        assert!(matches!(
            decode_frame(&frames[0]).expect("valid")[0],
            ClientMessage::SyncStep1(_)
        ));

        let mut presence = Awareness::new(Doc::new());
        presence.set_local_state_raw(r#"{"name":"Anna"}"#);
        board
            .apply_presence(1, presence.update().expect("update"), 4096)
            .expect("applies");
        let frames = board.join(2, caller(false, None));
        assert_eq!(frames.len(), 2);
        assert!(matches!(
            decode_frame(&frames[1]).expect("valid")[0],
            ClientMessage::Awareness(_)
        ));
    }

    #[test]
    fn leaving_clears_the_members_presence() {
        let mut board = Board::from_history(StoredHistory::default());
        board.join(1, caller(false, None));
        let mut presence = Awareness::new(Doc::new());
        presence.set_local_state_raw(r#"{"name":"Bram"}"#);
        let client = presence.client_id();
        board
            .apply_presence(1, presence.update().expect("update"), 4096)
            .expect("applies");
        let removal = board.leave(1).expect("a removal frame");
        let ClientMessage::Awareness(update) = decode_frame(&removal).expect("valid").remove(0)
        else {
            panic!("expected awareness");
        };
        assert_eq!(update.clients[&client].json.as_ref(), "null");
        assert!(board.presence_frame().is_none());
        assert!(board.leave(1).is_none(), "second leave is a no-op");
    }

    /// A presence update from a client of its own, with `state` as its JSON.
    fn presence_of(state: &str) -> (ClientID, AwarenessUpdate) {
        let mut presence = Awareness::new(Doc::new());
        presence.set_local_state_raw(state);
        (presence.client_id(), presence.update().expect("update"))
    }

    #[test]
    fn a_connection_holds_one_presence_state_and_cannot_change_anyone_elses() {
        let mut board = Board::from_history(StoredHistory::default());
        board.join(1, caller(false, None));
        board.join(2, caller(false, None));
        let (anna, anna_here) = presence_of(r#"{"name":"Anna"}"#);
        let forwarded = board
            .apply_presence(1, anna_here.clone(), 4096)
            .expect("applies");
        assert!(forwarded.is_some(), "a first state is passed on");

        // Connection 2 echoes Anna's state (stock clients do), then tries a second id.
        assert_eq!(board.apply_presence(2, anna_here, 4096), Ok(None));
        let (bram, bram_here) = presence_of(r#"{"name":"Bram"}"#);
        assert!(board
            .apply_presence(2, bram_here, 4096)
            .expect("applies")
            .is_some());
        let (_, impostor) = presence_of(r#"{"name":"Nep"}"#);
        assert_eq!(
            board.apply_presence(2, impostor, 4096),
            Ok(None),
            "a second id of the same connection is dropped"
        );
        // One message that removes Anna and changes Bram: only Bram's part is taken.
        let entry = |json: &str| AwarenessUpdateEntry {
            clock: 99,
            json: json.into(),
        };
        let gone = AwarenessUpdate {
            clients: HashMap::from([(anna, entry(NO_PRESENCE)), (bram, entry("{}"))]),
        };
        board.apply_presence(2, gone, 4096).expect("applies");

        let states = board.awareness.update().expect("states").clients;
        assert_eq!(states.len(), 2, "Anna and Bram, no impostor");
        assert_eq!(
            states[&anna].json.as_ref(),
            r#"{"name":"Anna"}"#,
            "Anna is still here"
        );
        assert_eq!(states[&bram].json.as_ref(), "{}");
    }

    #[test]
    fn the_same_person_reconnecting_takes_its_presence_over_from_the_old_connection() {
        let mut board = Board::from_history(StoredHistory::default());
        board.join(1, caller(false, Some("anna")));
        board.join(2, caller(false, Some("bram")));
        let (anna, here) = presence_of(r#"{"name":"Anna"}"#);
        board
            .apply_presence(1, here.clone(), 4096)
            .expect("applies");
        assert_eq!(
            board.apply_presence(2, here.clone(), 4096),
            Ok(None),
            "someone else cannot take Anna's id"
        );
        // Anna's new tab after a network switch, before the old connection timed out.
        board.join(3, caller(false, Some("anna")));
        let again = AwarenessUpdate {
            clients: HashMap::from([(
                anna,
                AwarenessUpdateEntry {
                    clock: 5,
                    json: r#"{"name":"Anna"}"#.into(),
                },
            )]),
        };
        assert!(board
            .apply_presence(3, again, 4096)
            .expect("applies")
            .is_some());
        assert!(
            board.leave(1).is_none(),
            "the old connection no longer holds it"
        );
        let states = board.awareness.update().expect("states").clients;
        assert_eq!(states[&anna].json.as_ref(), r#"{"name":"Anna"}"#);
        assert!(
            board.leave(3).is_some(),
            "the new one removes it when it goes"
        );
    }

    #[test]
    fn a_presence_state_over_the_limit_is_refused() {
        let mut board = Board::from_history(StoredHistory::default());
        board.join(1, caller(false, None));
        let (_, big) = presence_of(&format!(r#"{{"name":"{}"}}"#, "a".repeat(100)));
        assert_eq!(
            board.apply_presence(1, big, 64),
            Err(PresenceRefused::TooLarge { size: 111, max: 64 })
        );
        assert!(board.presence_frame().is_none(), "nothing of it was kept");
    }

    #[test]
    fn a_snapshot_is_only_offered_when_it_reads_back() {
        let board = Board::from_history(StoredHistory {
            snapshot: None,
            updates: vec![typed("Moed")],
            meeting: None,
        });
        let snapshot = board
            .verified_snapshot()
            .expect("a sound document verifies");
        let reloaded = Board::from_history(StoredHistory {
            snapshot: Some(snapshot),
            updates: Vec::new(),
            meeting: None,
        });
        assert_eq!(read_text(&reloaded), "Moed");
    }

    #[test]
    fn sync_reply_carries_what_the_peer_lacks() {
        let board = Board::from_history(StoredHistory {
            snapshot: None,
            updates: vec![typed("Respect")],
            meeting: None,
        });
        let reply = board.sync_reply(&StateVector::default()).expect("encodes");
        let ClientMessage::Update(update) = decode_frame(&reply).expect("valid").remove(0) else {
            panic!("expected step 2");
        };
        let mut fresh = Board::from_history(StoredHistory::default());
        fresh.apply_update(update.update).expect("applies");
        assert_eq!(read_text(&fresh), "Respect");
    }
}
