//! Lists in the board's document: a `Y.Array` of `Y.Map` items, each with a stable id
//! ([`model::ITEM_ID`]), such as the rows of the virtue table, practice stories and notes.
//! Items are found by id, never by position: positions shift while others edit.

use yrs::types::ToJson;
use yrs::{
    Any, Array, ArrayRef, Doc, GetString, Map, MapPrelim, MapRef, Out, ReadTxn, TextPrelim,
    TextRef, TransactionMut,
};

use crate::model::{self, ITEM_ID};

/// A list at a root of the document.
#[derive(Clone, Debug)]
pub struct ItemList(ArrayRef);

impl ItemList {
    /// The list at `root`, made if the document has none yet.
    pub fn of(doc: &Doc, root: &str) -> Self {
        Self(doc.get_or_insert_array(root))
    }

    /// The list at `root`, if the document has one.
    pub fn read<T: ReadTxn>(txn: &T, root: &str) -> Option<Self> {
        txn.get_array(root).map(Self)
    }

    /// The shared array itself, to observe.
    pub fn array(&self) -> &ArrayRef {
        &self.0
    }

    /// The list's items, in order; entries that are not maps are skipped.
    pub fn items<T: ReadTxn>(&self, txn: &T) -> Vec<Item> {
        self.0
            .iter(txn)
            .filter_map(|value| match value {
                Out::YMap(map) => Some(Item(map)),
                _ => None,
            })
            .collect()
    }

    /// The ids of the list's items, in order.
    pub fn ids<T: ReadTxn>(&self, txn: &T) -> Vec<String> {
        self.items(txn)
            .iter()
            .filter_map(|item| item.id(txn))
            .collect()
    }

    /// Each item's id and plain string field `field` (empty if it has none), in order.
    pub fn strings<T: ReadTxn>(&self, txn: &T, field: &str) -> Vec<(String, String)> {
        self.items(txn)
            .iter()
            .filter_map(|item| Some((item.id(txn)?, item.string(txn, field).unwrap_or_default())))
            .collect()
    }

    /// The item with `id`: its position and the item.
    pub fn find<T: ReadTxn>(&self, txn: &T, id: &str) -> Option<(u32, Item)> {
        self.0
            .iter(txn)
            .enumerate()
            .find_map(|(index, value)| match value {
                Out::YMap(map) => {
                    let item = Item(map);
                    (item.id(txn).as_deref() == Some(id)).then_some((index as u32, item))
                }
                _ => None,
            })
    }

    /// Inserts an item at `index` with id `id`, shared texts and plain strings.
    pub fn insert(
        &self,
        txn: &mut TransactionMut,
        index: u32,
        id: &str,
        texts: &[(&str, &str)],
        strings: &[(&str, &str)],
    ) -> Item {
        let map = self
            .0
            .insert(txn, index, MapPrelim::from([(ITEM_ID, Any::from(id))]));
        for (key, text) in texts {
            map.insert(txn, *key, TextPrelim::new(*text));
        }
        for (key, value) in strings {
            map.insert(txn, *key, Any::from(*value));
        }
        Item(map)
    }

    /// Adds an item at the end of the list, like [`ItemList::insert`].
    pub fn push(
        &self,
        txn: &mut TransactionMut,
        id: &str,
        texts: &[(&str, &str)],
        strings: &[(&str, &str)],
    ) -> Item {
        let end = self.0.len(txn);
        self.insert(txn, end, id, texts, strings)
    }

    /// Removes the item with `id`, if it is still there.
    pub fn remove(&self, txn: &mut TransactionMut, id: &str) {
        if let Some((index, _)) = self.find(txn, id) {
            self.0.remove(txn, index);
        }
    }

    /// Sets a plain string field of the item with `id`, if it is still there.
    pub fn set_string(&self, txn: &mut TransactionMut, id: &str, key: &str, value: &str) {
        if let Some((_, item)) = self.find(txn, id) {
            item.0.insert(txn, key, Any::from(value));
        }
    }
}

/// One item of a list: a `Y.Map` of shared texts and plain strings.
#[derive(Clone, Debug)]
pub struct Item(MapRef);

impl Item {
    /// The item held by `map` (an observer's target, for instance).
    pub fn new(map: MapRef) -> Self {
        Self(map)
    }

    /// The shared map itself, to observe.
    pub fn map(&self) -> &MapRef {
        &self.0
    }

    /// The item's stable id.
    pub fn id<T: ReadTxn>(&self, txn: &T) -> Option<String> {
        self.string(txn, model::ITEM_ID)
    }

    /// A plain string field.
    pub fn string<T: ReadTxn>(&self, txn: &T, key: &str) -> Option<String> {
        match self.0.get(txn, key)?.to_json(txn) {
            Any::String(value) => Some(value.to_string()),
            _ => None,
        }
    }

    /// A shared-text field.
    pub fn text<T: ReadTxn>(&self, txn: &T, key: &str) -> Option<TextRef> {
        match self.0.get(txn, key)? {
            Out::YText(text) => Some(text),
            _ => None,
        }
    }

    /// What a shared-text field says; empty if the item has no such text.
    pub fn text_string<T: ReadTxn>(&self, txn: &T, key: &str) -> String {
        self.text(txn, key)
            .map(|text| text.get_string(txn))
            .unwrap_or_default()
    }
}
