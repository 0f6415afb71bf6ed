//! Reading and writing the parts of a board's shared document, typed: the virtue table,
//! the lists (notes, practice stories, virtues at stake) and a case's record. (Texts
//! cleared of a privacy warning are not in the document: the meeting records them,
//! `meeting/cleared.rs`.) The layout
//! itself (root names, map keys, which shared type) is [`crate::model`]; this module is
//! the one place that knows how to read and write it with yrs, for the browser client
//! (editing) and the visitation pack (reading a meeting's document).
//!
//! Writers take an open transaction and the ids of new items: ids are random, made by the
//! caller (the client has the browser's random source), so this module stays free of I/O.

pub mod case;
pub mod list;
pub mod notes;
pub mod stories;
#[cfg(test)]
mod tests;
pub mod virtue_table;

use yrs::{GetString, ReadTxn};

pub use case::{CaseOutcome, CaseRecord, Stakes};
pub use list::{Item, ItemList};
pub use notes::{NoteFields, NoteList};
pub use stories::{PracticeStories, Story, StoryFields};
pub use virtue_table::{Row, VirtueTable};

/// What the shared text at `root` says; empty if the document has none.
pub fn root_text<T: ReadTxn>(txn: &T, root: &str) -> String {
    txn.get_text(root)
        .map(|text| text.get_string(txn))
        .unwrap_or_default()
}
