//! Typing into cells: the edits a participant makes, when each was sent, and which edits
//! an arriving update carries.
//!
//! Every participant types into a cell of its own (a shared text named `cell-<client id>`),
//! one character per edit, with a client id the run chose. So edit *n* of a participant is
//! the item with clock *n* of its client id, whichever server relayed it and however it
//! merged updates on the way (Hocuspocus merges the updates of one event-loop turn into
//! one): the receiver reads the clock ranges an update holds and looks up their send times.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use yrs::updates::decoder::Decode;
use yrs::{Doc, GetString, ReadTxn, Text, TextRef, Transact, Update};

/// What a participant types, over and over.
const TYPED: &[char] = &['d', 'e', 'u', 'g', 'd', ' '];

/// The name of the cell `client` types into.
pub fn cell_name(client: u64) -> String {
    format!("cell-{client}")
}

/// One participant's own copy of its cell, making one update per character typed.
pub struct Typist {
    doc: Doc,
    cell: TextRef,
    typed: u32,
}

impl Typist {
    pub fn new(client: u64) -> Self {
        let doc = Doc::with_client_id(client);
        let cell = doc.get_or_insert_text(cell_name(client).as_str());
        Self {
            doc,
            cell,
            typed: 0,
        }
    }

    /// How many characters this participant has typed: the number of its next edit.
    pub fn typed(&self) -> u32 {
        self.typed
    }

    /// Types one character at the end of the cell; returns the update (v1).
    pub fn type_one(&mut self) -> Vec<u8> {
        let character = TYPED[self.typed as usize % TYPED.len()];
        let mut txn = self.doc.transact_mut();
        self.cell
            .insert(&mut txn, self.typed, &character.to_string());
        self.typed += 1;
        txn.encode_update_v1()
    }
}

/// The edits an update carries: per client id, ranges of edit numbers (clocks).
/// Nothing for an update that does not decode.
pub fn edits_in(update: &[u8]) -> Vec<(u64, Range<u32>)> {
    let Ok(update) = Update::decode_v1(update) else {
        return Vec::new();
    };
    let insertions = update.insertions(true);
    insertions
        .iter()
        .flat_map(|(client, ranges)| {
            ranges
                .iter()
                .map(move |range| (client.get(), range.clone()))
        })
        .filter(|(_, range)| !range.is_empty())
        .collect()
}

/// How many characters a document holds in the cells of `clients`.
pub fn typed_in(doc: &Doc, clients: impl IntoIterator<Item = u64>) -> usize {
    let txn = doc.transact();
    clients
        .into_iter()
        .filter_map(|client| txn.get_text(cell_name(client).as_str()))
        .map(|cell| cell.get_string(&txn).chars().count())
        .sum()
}

/// When each edit of a run was sent, for participants with client ids
/// `first_client..first_client + participants`. Written by the sender, read by every
/// receiver, without locks.
pub struct SendLog {
    start: Instant,
    first_client: u64,
    /// Per participant, per edit: nanoseconds since `start` plus one (zero: not sent).
    sent_at: Vec<Box<[AtomicU64]>>,
}

impl SendLog {
    /// Room for `edits_each` edits of each of `participants` participants.
    pub fn new(first_client: u64, participants: usize, edits_each: usize) -> Self {
        let sent_at = (0..participants)
            .map(|_| (0..edits_each).map(|_| AtomicU64::new(0)).collect())
            .collect();
        Self {
            start: Instant::now(),
            first_client,
            sent_at,
        }
    }

    fn slot(&self, client: u64, edit: u32) -> Option<&AtomicU64> {
        let participant = usize::try_from(client.checked_sub(self.first_client)?).ok()?;
        self.sent_at.get(participant)?.get(edit as usize)
    }

    /// Whether the log has room for edit `edit` of `client`.
    pub fn has_room(&self, client: u64, edit: u32) -> bool {
        self.slot(client, edit).is_some()
    }

    /// Notes that `client` sends edit `edit` now.
    pub fn sent(&self, client: u64, edit: u32) {
        if let Some(slot) = self.slot(client, edit) {
            let nanos = self.start.elapsed().as_nanos() as u64;
            slot.store(nanos + 1, Ordering::Relaxed);
        }
    }

    /// When edit `edit` of `client` was sent, if this run sent it.
    pub fn sent_at(&self, client: u64, edit: u32) -> Option<Instant> {
        let stored = self.slot(client, edit)?.load(Ordering::Relaxed);
        Some(self.start + Duration::from_nanos(stored.checked_sub(1)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_edit_is_one_clock_of_its_typist_even_in_a_merged_update() {
        let mut anna = Typist::new(41);
        let mut bram = Typist::new(42);
        let first = anna.type_one();
        assert_eq!(edits_in(&first), vec![(41, 0..1)]);
        let second = anna.type_one();
        assert_eq!(edits_in(&second), vec![(41, 1..2)]);
        let merged =
            yrs::merge_updates_v1([second.as_slice(), &bram.type_one()]).expect("updates merge");
        let mut edits = edits_in(&merged);
        edits.sort_by_key(|(client, _)| *client);
        assert_eq!(edits, vec![(41, 1..2), (42, 0..1)]);
        assert!(edits_in(b"\xff\xff").is_empty());

        let reader = Doc::new();
        for update in [first, second] {
            let update = Update::decode_v1(&update).expect("decodes");
            reader.transact_mut().apply_update(update).expect("applies");
        }
        assert_eq!(typed_in(&reader, [41, 42]), 2);
    }

    #[test]
    fn send_times_are_kept_per_participant_and_edit() {
        let log = SendLog::new(100, 2, 3);
        assert!(log.has_room(101, 2) && !log.has_room(101, 3) && !log.has_room(99, 0));
        assert_eq!(log.sent_at(100, 0), None, "not sent yet");
        let before = Instant::now();
        log.sent(100, 0);
        let sent = log.sent_at(100, 0).expect("sent");
        assert!(sent + Duration::from_millis(1) >= before && sent <= Instant::now());
        assert_eq!(log.sent_at(101, 0), None);
    }
}
