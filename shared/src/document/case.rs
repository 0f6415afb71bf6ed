//! A case's record ([`model::case_part`]): each part a root of its own, named by the
//! case's id ([`model::case_root`]), so two cases in one meeting keep apart. Texts are
//! `Y.Text` roots; the virtues at stake are lists of plain names; observations,
//! interpretations, options and lessons are note lists ([`super::notes`]).

use yrs::{Doc, ReadTxn, TextRef, TransactionMut};

use super::list::ItemList;
use super::notes::NoteList;
use crate::model::{self, case_part, stake};

/// The parts of case `id`'s record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRecord {
    id: String,
}

/// What a case's record says about what the consultation taught.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseOutcome {
    pub title: String,
    pub learning_question: String,
    /// According to the contributor, then according to the others, as written (a name
    /// can come twice).
    pub virtues_at_stake: Vec<String>,
    pub decision: String,
    pub lessons: Vec<String>,
    pub deviation: String,
    pub justification: String,
}

impl CaseRecord {
    /// The record of the case with id `case_id` (`case::Case::id`).
    pub fn new(case_id: &str) -> Self {
        Self {
            id: case_id.to_owned(),
        }
    }

    /// The root of part `part` (one of [`case_part`]).
    pub fn root(&self, part: &str) -> String {
        model::case_root(&self.id, part)
    }

    /// The shared text of part `part`, made if `doc` has none yet.
    pub fn text(&self, doc: &Doc, part: &str) -> TextRef {
        doc.get_or_insert_text(self.root(part).as_str())
    }

    /// What the text of part `part` says; empty if the document has none.
    pub fn read_text<T: ReadTxn>(&self, txn: &T, part: &str) -> String {
        super::root_text(txn, &self.root(part))
    }

    /// The virtues at stake of part `part` ([`case_part::VIRTUES_CONTRIBUTOR`] or
    /// [`case_part::VIRTUES_OTHERS`]), made if `doc` has none yet.
    pub fn stakes(&self, doc: &Doc, part: &str) -> Stakes {
        Stakes(ItemList::of(doc, &self.root(part)))
    }

    /// The note list of part `part`, if the document has one.
    pub fn read_notes<T: ReadTxn>(&self, txn: &T, part: &str) -> Option<NoteList> {
        NoteList::read(txn, &self.root(part))
    }

    /// What the consultation taught, read from the document.
    pub fn outcome<T: ReadTxn>(&self, txn: &T) -> CaseOutcome {
        let virtues_at_stake = [case_part::VIRTUES_CONTRIBUTOR, case_part::VIRTUES_OTHERS]
            .into_iter()
            .filter_map(|part| ItemList::read(txn, &self.root(part)))
            .flat_map(|list| Stakes(list).names(txn))
            .collect();
        CaseOutcome {
            title: self.read_text(txn, case_part::TITLE),
            learning_question: self.read_text(txn, case_part::QUESTION),
            virtues_at_stake,
            decision: self.read_text(txn, case_part::DECISION),
            lessons: self
                .read_notes(txn, case_part::LESSONS)
                .map(|notes| notes.texts(txn))
                .unwrap_or_default(),
            deviation: self.read_text(txn, case_part::DEVIATION),
            justification: self.read_text(txn, case_part::JUSTIFICATION),
        }
    }
}

/// A list of virtues at stake in a case: plain names ([`stake::VIRTUE`]).
#[derive(Clone, Debug)]
pub struct Stakes(ItemList);

impl Stakes {
    /// The virtues as a list (their ids and names, to observe).
    pub fn list(&self) -> &ItemList {
        &self.0
    }

    /// Each virtue's id and name, in order.
    pub fn virtues<T: ReadTxn>(&self, txn: &T) -> Vec<(String, String)> {
        self.0.strings(txn, stake::VIRTUE)
    }

    /// The names, in order, whether they have an id or not.
    pub fn names<T: ReadTxn>(&self, txn: &T) -> Vec<String> {
        self.0
            .items(txn)
            .iter()
            .map(|item| item.string(txn, stake::VIRTUE).unwrap_or_default())
            .collect()
    }

    /// Adds `virtue` with id `id`.
    pub fn push(&self, txn: &mut TransactionMut, id: &str, virtue: &str) {
        self.0.push(txn, id, &[], &[(stake::VIRTUE, virtue)]);
    }

    /// Removes virtue `id`, if it is still there.
    pub fn remove(&self, txn: &mut TransactionMut, id: &str) {
        self.0.remove(txn, id);
    }
}
