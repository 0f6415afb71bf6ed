//! Lists of notes ([`crate::model::note`]): debrief answers, a case's observations,
//! options and lessons. Each note is a shared text with its author's name, and may carry a
//! second text (such as an option's client perspective, [`crate::model::option`]).

use yrs::{Doc, ReadTxn, TextRef, TransactionMut};

use super::list::ItemList;
use crate::model::note;

/// A note's shared texts, to edit.
#[derive(Clone, Debug)]
pub struct NoteFields {
    pub text: TextRef,
    /// The second text asked for, if the note has it.
    pub second: Option<TextRef>,
    pub author: String,
}

/// A list of notes at a root of the document.
#[derive(Clone, Debug)]
pub struct NoteList(ItemList);

impl NoteList {
    /// The list at `root` of `doc`, made if it has none yet.
    pub fn of(doc: &Doc, root: &str) -> Self {
        Self(ItemList::of(doc, root))
    }

    /// The list at `root`, if the document has one.
    pub fn read<T: ReadTxn>(txn: &T, root: &str) -> Option<Self> {
        ItemList::read(txn, root).map(Self)
    }

    /// The notes as a list (their ids, to observe).
    pub fn list(&self) -> &ItemList {
        &self.0
    }

    /// What every note says, in order, whether it has an id or not.
    pub fn texts<T: ReadTxn>(&self, txn: &T) -> Vec<String> {
        self.0
            .items(txn)
            .iter()
            .map(|item| item.text_string(txn, note::TEXT))
            .collect()
    }

    /// Adds an empty note by `author` with id `id`, with an empty second text at `second`
    /// if given.
    pub fn push(&self, txn: &mut TransactionMut, id: &str, author: &str, second: Option<&str>) {
        let texts: Vec<(&str, &str)> = std::iter::once(note::TEXT)
            .chain(second)
            .map(|key| (key, ""))
            .collect();
        self.0.push(txn, id, &texts, &[(note::AUTHOR, author)]);
    }

    /// Note `id`'s texts, with the second text at `second` if asked for; `None` if the
    /// note is gone or has no text.
    pub fn fields<T: ReadTxn>(
        &self,
        txn: &T,
        id: &str,
        second: Option<&str>,
    ) -> Option<NoteFields> {
        let (_, item) = self.0.find(txn, id)?;
        Some(NoteFields {
            text: item.text(txn, note::TEXT)?,
            second: second.and_then(|key| item.text(txn, key)),
            author: item.string(txn, note::AUTHOR).unwrap_or_default(),
        })
    }

    /// Removes note `id`, if it is still there.
    pub fn remove(&self, txn: &mut TransactionMut, id: &str) {
        self.0.remove(txn, id);
    }
}
