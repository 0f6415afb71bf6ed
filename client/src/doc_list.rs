//! Lists in the board's document: a `Y.Array` of `Y.Map` items, each with a stable id
//! (`model::ITEM_ID`), such as the rows of the virtue table, practice stories and debrief
//! answers. Items are found by id, never by position: positions shift while others edit.

use leerkring_shared::model::ITEM_ID;
use leptos::prelude::*;
use yrs::types::ToJson;
use yrs::{
    Any, Array, ArrayRef, Doc, Map, MapPrelim, MapRef, Observable, Out, ReadTxn, TextPrelim,
    TextRef, Transact, TransactionMut,
};

use crate::browser;

/// The ids of the list's items, in order.
pub fn item_ids<T: ReadTxn>(list: &ArrayRef, txn: &T) -> Vec<String> {
    list.iter(txn)
        .filter_map(|value| match value {
            Out::YMap(map) => string_of(&map, txn, ITEM_ID),
            _ => None,
        })
        .collect()
}

/// The item with `id`: its position and its map.
pub fn find_item<T: ReadTxn>(list: &ArrayRef, txn: &T, id: &str) -> Option<(u32, MapRef)> {
    list.iter(txn)
        .enumerate()
        .find_map(|(index, value)| match value {
            Out::YMap(map) if string_of(&map, txn, ITEM_ID).as_deref() == Some(id) => {
                Some((index as u32, map))
            }
            _ => None,
        })
}

/// A plain string field of an item.
pub fn string_of<T: ReadTxn>(map: &MapRef, txn: &T, key: &str) -> Option<String> {
    match map.get(txn, key)?.to_json(txn) {
        Any::String(value) => Some(value.to_string()),
        _ => None,
    }
}

/// A shared-text field of an item.
pub fn text_of<T: ReadTxn>(map: &MapRef, txn: &T, key: &str) -> Option<TextRef> {
    match map.get(txn, key)? {
        Out::YText(text) => Some(text),
        _ => None,
    }
}

/// Inserts an item at `index` with a fresh id, shared texts and plain strings; returns
/// the id.
pub fn insert_item(
    list: &ArrayRef,
    txn: &mut TransactionMut,
    index: u32,
    texts: &[(&str, String)],
    strings: &[(&str, String)],
) -> String {
    let id = browser::random_hex(8);
    let map = list.insert(
        txn,
        index,
        MapPrelim::from([(ITEM_ID, Any::from(id.clone()))]),
    );
    for (key, text) in texts {
        map.insert(txn, *key, TextPrelim::new(text.as_str()));
    }
    for (key, value) in strings {
        map.insert(txn, *key, Any::from(value.as_str()));
    }
    id
}

/// Adds an item at the end of the list; returns its id.
pub fn push_item(
    doc: &Doc,
    list: &ArrayRef,
    texts: &[(&str, String)],
    strings: &[(&str, String)],
) -> String {
    let mut txn = doc.transact_mut();
    let end = list.len(&txn);
    insert_item(list, &mut txn, end, texts, strings)
}

/// Removes the item with `id`, if it is still there.
pub fn remove_item(doc: &Doc, list: &ArrayRef, id: &str) {
    let mut txn = doc.transact_mut();
    if let Some((index, _)) = find_item(list, &txn, id) {
        list.remove(&mut txn, index);
    }
}

/// Sets a plain string field of the item with `id`.
pub fn set_string(doc: &Doc, list: &ArrayRef, id: &str, key: &str, value: &str) {
    let mut txn = doc.transact_mut();
    if let Some((_, map)) = find_item(list, &txn, id) {
        map.insert(&mut txn, key, Any::from(value));
    }
}

/// The ids of the list's items as a signal that follows every change, local or remote.
/// `key` names the observer (one per list and component).
pub fn watch_ids(doc: &Doc, list: &ArrayRef, key: String) -> RwSignal<Vec<String>> {
    let ids = RwSignal::new(item_ids(list, &doc.transact()));
    list.observe(key, move |txn, event| {
        ids.set(item_ids(event.target(), txn));
    });
    ids
}

/// Each item's id and plain string field `field`, as a signal like [`watch_ids`].
pub fn watch_strings(
    doc: &Doc,
    list: &ArrayRef,
    field: &'static str,
    key: String,
) -> RwSignal<Vec<(String, String)>> {
    let items = RwSignal::new(item_strings(list, &doc.transact(), field));
    list.observe(key, move |txn, event| {
        items.set(item_strings(event.target(), txn, field));
    });
    items
}

fn item_strings<T: ReadTxn>(list: &ArrayRef, txn: &T, field: &str) -> Vec<(String, String)> {
    list.iter(txn)
        .filter_map(|value| match value {
            Out::YMap(map) => Some((
                string_of(&map, txn, ITEM_ID)?,
                string_of(&map, txn, field).unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}
