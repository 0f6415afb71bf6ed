//! Activity A's practice stories ([`model::practice_stories`]): per group, a list of
//! stories, each a virtue and a story (shared texts) with where the teller acted from
//! (a plain string, one of [`story::STANCES`]).

use yrs::{Doc, MapRef, ReadTxn, TextRef, TransactionMut};

use super::list::{Item, ItemList};
use crate::model::{self, story};

/// What one practice story says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Story {
    pub id: String,
    pub virtue: String,
    /// One of [`story::STANCES`], or empty if the story has none.
    pub stance: String,
    pub text: String,
}

/// A story's shared parts, to edit.
#[derive(Clone, Debug)]
pub struct StoryFields {
    /// The story's map, to observe its stance.
    pub map: MapRef,
    pub virtue: TextRef,
    pub text: TextRef,
    pub stance: String,
}

/// One group's practice stories.
#[derive(Clone, Debug)]
pub struct PracticeStories(ItemList);

impl PracticeStories {
    /// The stories of group `index` of grouping `formation` in `doc`, made if it has none.
    pub fn of(doc: &Doc, formation: u32, index: usize) -> Self {
        Self(ItemList::of(
            doc,
            &model::practice_stories(formation, index),
        ))
    }

    /// Every group's stories in the document, of every grouping.
    pub fn all<T: ReadTxn>(txn: &T) -> Vec<Self> {
        let roots: Vec<String> = txn
            .root_refs()
            .map(|(name, _)| name.to_owned())
            .filter(|name| model::is_practice_stories(name))
            .collect();
        roots
            .iter()
            .filter_map(|root| ItemList::read(txn, root).map(Self))
            .collect()
    }

    /// The stories as a list (their ids, to observe).
    pub fn list(&self) -> &ItemList {
        &self.0
    }

    /// Every story, in order; a story without an id has an empty one.
    pub fn stories<T: ReadTxn>(&self, txn: &T) -> Vec<Story> {
        self.0
            .items(txn)
            .iter()
            .map(|item| Story {
                id: item.id(txn).unwrap_or_default(),
                virtue: item.text_string(txn, story::VIRTUE),
                stance: stance_of(item.map(), txn).unwrap_or_default(),
                text: item.text_string(txn, story::TEXT),
            })
            .collect()
    }

    /// Adds an empty story with id `id`, told from the middle until its teller says
    /// otherwise.
    pub fn push(&self, txn: &mut TransactionMut, id: &str) {
        self.0.push(
            txn,
            id,
            &[(story::VIRTUE, ""), (story::TEXT, "")],
            &[(story::STANCE, story::STANCES[0])],
        );
    }

    /// Story `id`'s parts; `None` if it is gone or lacks a text.
    pub fn fields<T: ReadTxn>(&self, txn: &T, id: &str) -> Option<StoryFields> {
        let (_, item) = self.0.find(txn, id)?;
        Some(StoryFields {
            virtue: item.text(txn, story::VIRTUE)?,
            text: item.text(txn, story::TEXT)?,
            stance: stance_of(item.map(), txn).unwrap_or_default(),
            map: item.map().clone(),
        })
    }

    /// Sets where the teller of story `id` acted from.
    pub fn set_stance(&self, txn: &mut TransactionMut, id: &str, stance: &str) {
        self.0.set_string(txn, id, story::STANCE, stance);
    }

    /// Removes story `id`, if it is still there.
    pub fn remove(&self, txn: &mut TransactionMut, id: &str) {
        self.0.remove(txn, id);
    }
}

/// The stance of the story held by `map` (such as an observer's target).
pub fn stance_of<T: ReadTxn>(map: &MapRef, txn: &T) -> Option<String> {
    Item::new(map.clone()).string(txn, story::STANCE)
}
