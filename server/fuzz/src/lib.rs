//! The harness behind the `client_frames` fuzz target, kept in a library so that the
//! seed generator (`examples/make_seeds.rs`) and the replay test (`tests/replay.rs`,
//! which runs on stable without a fuzzer) use exactly the same input format and the
//! same driving code as the fuzzer.
//!
//! # Input format
//!
//! The input is a sequence of chunks. Each chunk starts with a selector byte `s`:
//!
//! - `s < 0xF0`: a binary WebSocket frame from connection slot `s % 3`, followed by its
//!   length as a little-endian `u16` and that many bytes (cut short at the end of the
//!   input).
//! - `s >= 0xF0`: a control event, `(s - 0xF0) % 4`:
//!   `0` slot `s % 3` disconnects (and later reconnects under a fresh id),
//!   `1` slot `s % 3` reconnects now (if disconnected),
//!   `2` the room unloads (every member leaves, the log is compacted into a snapshot)
//!   and is loaded again from the store,
//!   `3` the process restarts without compacting (the board is rebuilt from the
//!   snapshot and the log, as after a crash).
//!
//! # What is driven
//!
//! One shared [`Board`], exactly as `server/src/rooms/room.rs` and `connection.rs` drive it:
//!
//! - Slot 0 holds the facilitator token (member `m-anna`), slot 1 is a participant
//!   (member `m-bram`), slot 2 a stock Yjs client that never identified (no member id).
//!   Joining goes through `Board::join`; a removed member's join is refused, as
//!   `Room::join` does, and that slot's frames are then dropped.
//! - Every frame goes through [`decode_frame`]; a malformed frame closes its connection.
//! - A decoded frame's non-empty updates are split off for the group commit, filtered
//!   by `Board::admit` (which judges them by the sender's rights), appended to the
//!   (simulated) log and then applied in order; an update that fails to apply closes
//!   its connection. Then the frame's other messages are handled in order: sync step 1
//!   -> `answer_sync`, awareness -> `apply_presence` (a refusal closes the connection),
//!   query-awareness -> `presence_frame`, command -> JSON `CommandEnvelope` ->
//!   `run_command` (stored as the meeting JSON; `RemoveMember` closes the member's
//!   connections), `let_in_newly_admitted` and `meeting_frames`.
//! - The meeting starts without a waiting room (as a board stored before it existed), so
//!   every slot writes at once; commands in the input can switch it on and let people in.
//! - A slot that sends while disconnected first reconnects under a fresh connection id,
//!   as a client would. Compaction happens at the server's default thresholds and when
//!   the room unloads, as `Room::compact` does it: the log is replaced only by a
//!   `verified_snapshot` (one that reads back as the same document), otherwise it keeps
//!   everything. The clock moves 1 s per frame.
//!
//! # Properties checked
//!
//! - Nothing panics and nothing hangs (the fuzzer's timeout catches the latter).
//! - Every Yjs frame the server would send (sync, update, awareness) decodes again with
//!   [`decode_frame`].
//! - The state round-trips: whenever the board is rebuilt from the store (unload,
//!   restart, and once more at the end), its state vector (clients at clock 0 aside)
//!   equals the one before.
//! - The state can be stored: at the end, `encode_state` gives a snapshot that decodes
//!   and applies. If the doc reloaded from it differs (yrs integrates an update it held
//!   as pending differently when it comes back inside a snapshot: `reload-diverges` in
//!   `regressions/`), the room refuses that snapshot and keeps the log, which the
//!   reload checks cover; otherwise the snapshot must reload as the same board.

use std::collections::BTreeMap;

use leerkring_server::board::{Board, ConnectionId, SyncAnswer};
use leerkring_server::storage::StoredHistory;
use leerkring_shared::meeting::{Caller, Command};
use leerkring_shared::protocol::{
    decode_frame, update_frame, ClientMessage, CommandEnvelope, DocUpdate,
};
use yrs::updates::decoder::Decode;
use yrs::{ClientID, StateVector, Update};

/// Connection slots, i.e. clients that may be connected at the same time.
pub const SLOTS: usize = 3;
/// Selector bytes from here up are control events.
pub const CONTROL: u8 = 0xF0;
/// The server's default `--compact-after-updates`.
const COMPACT_AFTER_UPDATES: usize = 1000;
/// The server's default `--compact-after-bytes`.
const COMPACT_AFTER_BYTES: usize = 4 * 1024 * 1024;

/// A control event (see the module docs).
#[derive(Clone, Copy, Debug)]
pub enum Control {
    Disconnect = 0,
    Reconnect = 1,
    Unload = 2,
    Restart = 3,
}

/// Encodes one frame chunk from `slot`.
pub fn frame_chunk(slot: u8, frame: &[u8]) -> Vec<u8> {
    assert!(usize::from(slot) < SLOTS);
    let len = u16::try_from(frame.len()).expect("frame fits a u16 length");
    let mut chunk = vec![slot];
    chunk.extend_from_slice(&len.to_le_bytes());
    chunk.extend_from_slice(frame);
    chunk
}

/// Encodes one control chunk.
pub fn control_chunk(slot: u8, control: Control) -> Vec<u8> {
    assert!(usize::from(slot) < SLOTS);
    // CONTROL + control + 4k has (s - CONTROL) % 4 == control; pick k so s % 3 == slot.
    (0..4u8)
        .map(|k| CONTROL + control as u8 + 4 * k)
        .find(|s| s % 3 == slot)
        .map(|s| vec![s])
        .expect("one of four consecutive candidates hits every residue mod 3")
}

/// The store as the room sees it: a snapshot plus the updates appended since, and the
/// meeting's JSON.
#[derive(Default)]
struct Log {
    snapshot: Option<Vec<u8>>,
    updates: Vec<Vec<u8>>,
    bytes: usize,
    meeting: Option<Vec<u8>>,
}

impl Log {
    fn history(&self) -> StoredHistory {
        StoredHistory {
            snapshot: self.snapshot.clone(),
            updates: self.updates.clone(),
            meeting: self.meeting.clone(),
        }
    }

    fn compact(&mut self, state: Vec<u8>) {
        self.snapshot = Some(state);
        self.updates.clear();
        self.bytes = 0;
    }
}

struct Harness {
    board: Board,
    log: Log,
    /// The connection id each slot has, or `None` while it is disconnected.
    slots: [Option<ConnectionId>; SLOTS],
    next_id: ConnectionId,
    now_ms: u64,
}

/// Who is on the other end of each slot (see the module docs).
fn caller_of(slot: usize) -> Caller {
    match slot {
        0 => Caller {
            facilitator_token: true,
            member: Some("m-anna".into()),
        },
        1 => Caller {
            facilitator_token: false,
            member: Some("m-bram".into()),
        },
        _ => Caller {
            facilitator_token: false,
            member: None,
        },
    }
}

/// Checks that a Yjs frame the server would send is one a client can read.
fn check_outgoing(frame: &[u8]) {
    if let Err(error) = decode_frame(frame) {
        panic!("server built a frame it cannot decode itself: {error}; frame {frame:02x?}");
    }
}

/// The board's state vector, read the way a client learns it: from the sync step 1
/// the server sends on join (joining and leaving a throwaway connection id). Clients
/// at clock 0 are left out: "known at 0" and "unknown" mean the same.
fn state_vector(board: &mut Board) -> BTreeMap<ClientID, u32> {
    const PROBE: ConnectionId = ConnectionId::MAX;
    let frames = board.join(PROBE, caller_of(2));
    board.leave(PROBE);
    let sv: StateVector = match decode_frame(&frames[0]).map(|mut messages| messages.remove(0)) {
        Ok(ClientMessage::SyncStep1(sv)) => sv,
        other => panic!("join did not start with sync step 1: {other:?}"),
    };
    sv.iter()
        .filter(|(_, &clock)| clock > 0)
        .map(|(&client, &clock)| (client, clock))
        .collect()
}

impl Harness {
    fn new() -> Self {
        let mut harness = Self {
            board: Board::from_history(StoredHistory::default()),
            log: Log::default(),
            slots: [None; SLOTS],
            next_id: 1,
            now_ms: 1_700_000_000_000,
        };
        for slot in 0..SLOTS {
            harness.connect(slot);
        }
        harness
    }

    /// `Room::join`; `None` if the slot's member was removed from the meeting.
    fn connect(&mut self, slot: usize) -> Option<ConnectionId> {
        if let Some(id) = self.slots[slot] {
            return Some(id);
        }
        let caller = caller_of(slot);
        if caller
            .member
            .as_deref()
            .is_some_and(|m| self.board.is_removed(m))
        {
            return None;
        }
        let identified = caller.member.is_some();
        let id = self.next_id;
        self.next_id += 1;
        for frame in self.board.join(id, caller) {
            check_outgoing(&frame);
        }
        self.slots[slot] = Some(id);
        if identified {
            self.send_meeting_views();
        }
        Some(id)
    }

    /// `Room::close` / `Room::remove`: the board forgets the connection.
    fn close(&mut self, connection: ConnectionId) {
        if let Some(slot) = self.slots.iter_mut().find(|s| **s == Some(connection)) {
            *slot = None;
        }
        let identified = self
            .board
            .caller(connection)
            .is_some_and(|caller| caller.member.is_some());
        if let Some(removal) = self.board.leave(connection) {
            check_outgoing(&removal);
        }
        if identified {
            self.send_meeting_views();
        }
    }

    /// Rebuilds the board from the store and checks nothing was lost.
    fn reload(&mut self) {
        let before = state_vector(&mut self.board);
        self.board = Board::from_history(self.log.history());
        let after = state_vector(&mut self.board);
        assert_eq!(
            before, after,
            "state vector changed when reloading from the store"
        );
    }

    fn control(&mut self, slot: usize, control: u8) {
        match control % 4 {
            0 => {
                if let Some(id) = self.slots[slot] {
                    self.close(id);
                }
            }
            1 => {
                self.connect(slot);
            }
            2 => {
                // The room unloads once everyone has left, compacting on the way out
                // (`Room::finish`), and the next connection loads it again.
                for slot in 0..SLOTS {
                    if let Some(id) = self.slots[slot] {
                        self.close(id);
                    }
                }
                if !self.log.updates.is_empty() {
                    self.compact();
                }
                self.reload();
            }
            _ => {
                // A crash: connections are gone, the log is replayed as it is.
                self.slots = [None; SLOTS];
                self.reload();
            }
        }
    }

    /// One binary frame from `slot`, as `connection::serve` and `Room` handle it.
    fn frame(&mut self, slot: usize, frame: &[u8]) {
        self.now_ms += 1000;
        let Some(connection) = self.connect(slot) else {
            return;
        };
        let messages = match decode_frame(frame) {
            Ok(messages) => messages,
            // `connection::serve` closes the connection with a protocol error.
            Err(_) => return self.close(connection),
        };
        // `Room::handle_batch`: non-empty updates are split off for the group commit...
        let mut updates: Vec<DocUpdate> = Vec::new();
        let mut rest = Vec::new();
        for message in messages {
            match message {
                ClientMessage::Update(update) if update.update.is_empty() => {}
                ClientMessage::Update(update) => updates.push(update),
                other => rest.push(other),
            }
        }
        if !updates.is_empty() {
            self.store_and_apply(connection, updates);
        }
        // ...and the rest is handled in order afterwards (even if the connection was
        // closed meanwhile, as in `Room::handle_batch`).
        for message in rest {
            self.handle_message(connection, message);
        }
    }

    /// `Room::refuse_read_only_edits`.
    fn refuse_read_only_edits(
        &mut self,
        connection: ConnectionId,
        updates: Vec<DocUpdate>,
    ) -> Vec<DocUpdate> {
        let batch = updates.into_iter().map(|update| (connection, update));
        let admission = self.board.admit(batch.collect());
        admission
            .accepted
            .into_iter()
            .map(|(_, update)| update)
            .collect()
    }

    /// `Room::store_and_apply`, with a log that always accepts.
    fn store_and_apply(&mut self, connection: ConnectionId, updates: Vec<DocUpdate>) {
        let updates = self.refuse_read_only_edits(connection, updates);
        if updates.is_empty() {
            return;
        }
        for update in &updates {
            self.log.bytes += update.bytes.len();
            self.log.updates.push(update.bytes.clone());
        }
        for update in updates {
            match self.board.apply_update(update.update) {
                Ok(()) => check_outgoing(&update_frame(&update.bytes)),
                Err(_) => self.close(connection),
            }
        }
        // `Room::compact_if_due`.
        if self.log.updates.len() >= COMPACT_AFTER_UPDATES || self.log.bytes >= COMPACT_AFTER_BYTES
        {
            self.compact();
        }
    }

    /// `Room::compact`: the log is replaced only by a snapshot that reads back as the same
    /// document.
    fn compact(&mut self) {
        if let Some(snapshot) = self.board.verified_snapshot() {
            self.log.compact(snapshot);
        }
    }

    /// `Room::send_meeting_views`: the document for whoever was let in just now, then
    /// everyone's view.
    fn send_meeting_views(&mut self) {
        for (_, frames) in self.board.let_in_newly_admitted() {
            frames.iter().for_each(|frame| check_outgoing(frame));
        }
        self.board.meeting_frames(self.now_ms);
    }

    /// `Room::run_command`, with a store that always accepts.
    fn run_command(&mut self, caller: &Caller, command: Command) {
        let removes = match &command {
            Command::RemoveMember { member } => Some(member.clone()),
            _ => None,
        };
        let random = self.now_ms.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        if self
            .board
            .run_command(caller, command, self.now_ms, random)
            .is_err()
        {
            return;
        }
        self.log.meeting = Some(self.board.meeting_json());
        if let Some(member) = removes {
            for connection in self.board.connections_of(&member) {
                self.close(connection);
            }
        }
        self.send_meeting_views();
    }

    /// The board's state for compaction; the CRDT library panicking here is a finding.
    fn encode_state(&self) -> Vec<u8> {
        self.board
            .encode_state()
            .expect("encode_state: the CRDT library panicked")
    }

    /// `Room::handle_message` for everything but updates.
    fn handle_message(&mut self, connection: ConnectionId, message: ClientMessage) {
        match message {
            ClientMessage::SyncStep1(peer_state) => {
                if let SyncAnswer::Reply(reply) = self.board.answer_sync(connection, peer_state) {
                    check_outgoing(&reply);
                }
            }
            ClientMessage::Awareness(update) => {
                // The server's default presence limit (--max-presence-bytes).
                match self.board.apply_presence(connection, update, 4096) {
                    Ok(Some(frame)) => check_outgoing(&frame),
                    Ok(None) => {}
                    Err(_) => self.close(connection),
                }
            }
            ClientMessage::QueryAwareness => {
                if let Some(frame) = self.board.presence_frame() {
                    check_outgoing(&frame);
                }
            }
            ClientMessage::Command(json) => {
                let Some(caller) = self.board.caller(connection).cloned() else {
                    return;
                };
                if let Ok(envelope) = serde_json::from_slice::<CommandEnvelope>(&json) {
                    self.run_command(&caller, envelope.command);
                }
            }
            ClientMessage::Update(update) => self.store_and_apply(connection, vec![update]),
        }
    }

    /// The end of the run: the state must be storable (see the module docs).
    fn finish(mut self) {
        let state = self.encode_state();
        let snapshot = match Update::decode_v1(&state) {
            Ok(update) => update,
            Err(error) => panic!("encode_state produced a snapshot that does not decode: {error}"),
        };
        let mut fresh = Board::from_history(StoredHistory::default());
        if let Err(error) = fresh.apply_update(snapshot) {
            panic!("encode_state produced a snapshot that does not apply: {error}");
        }
        if self.board.verified_snapshot().is_none() {
            // It reloads differently: the room keeps the log instead, and the log must
            // replay as the same board.
            self.reload();
            return;
        }
        let before = state_vector(&mut self.board);
        let mut reloaded = Board::from_history(StoredHistory {
            snapshot: Some(state),
            updates: Vec::new(),
            meeting: self.log.meeting.clone(),
        });
        let after = state_vector(&mut reloaded);
        assert_eq!(
            before, after,
            "state vector changed across encode_state/from_history"
        );
    }
}

/// Runs one fuzz input.
pub fn run(data: &[u8]) {
    let mut harness = Harness::new();
    let mut rest = data;
    while let Some((&selector, tail)) = rest.split_first() {
        rest = tail;
        let slot = usize::from(selector) % SLOTS;
        if selector >= CONTROL {
            harness.control(slot, selector - CONTROL);
            continue;
        }
        // A length cut off by the end of the input means "the rest is the frame".
        let len = match rest {
            [lo, hi, tail @ ..] => {
                rest = tail;
                usize::from(u16::from_le_bytes([*lo, *hi]))
            }
            _ => rest.len(),
        };
        let (frame, tail) = rest.split_at(len.min(rest.len()));
        rest = tail;
        harness.frame(slot, frame);
    }
    harness.finish();
}
