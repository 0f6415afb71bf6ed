//! The board document's parts as signals that follow every change, local or remote, and
//! the ids of new list items. Reading and writing the parts themselves is
//! `leerkring_shared::document`, shared with the server's visitation pack.

use leerkring_shared::document::{ItemList, Row, Stakes, VirtueTable};
use leptos::prelude::*;
use yrs::{DeepObservable, Doc, Observable, Transact};

use crate::browser;

/// A fresh id for a new list item (`model::ITEM_ID`): random, so two people adding at
/// once never collide.
pub fn new_item_id() -> String {
    browser::random_hex(8)
}

/// Appends to the virtue table the rows whose virtue it does not have yet (copied from
/// an earlier meeting, or the team's top three); returns how many were added.
pub fn add_missing_rows(doc: &Doc, rows: Vec<Row>) -> usize {
    let table = VirtueTable::of(doc);
    table.add_missing(&mut doc.transact_mut(), rows, new_item_id)
}

/// The ids of the list's items as a signal. `key` names the observer (one per list and
/// component).
pub fn watch_ids(doc: &Doc, list: &ItemList, key: String) -> RwSignal<Vec<String>> {
    let ids = RwSignal::new(list.ids(&doc.transact()));
    let observed = list.clone();
    list.array()
        .observe(key, move |txn, _| ids.set(observed.ids(txn)));
    ids
}

/// Each virtue at stake's id and name, as a signal like [`watch_ids`].
pub fn watch_stakes(doc: &Doc, stakes: &Stakes, key: String) -> RwSignal<Vec<(String, String)>> {
    let virtues = RwSignal::new(stakes.virtues(&doc.transact()));
    let observed = stakes.clone();
    stakes
        .list()
        .array()
        .observe(key, move |txn, _| virtues.set(observed.virtues(txn)));
    virtues
}

/// The virtues named in the table, in order, as a signal that follows every change (a
/// new row, someone typing a name). `key` names the observer.
pub fn watch_table_virtues(doc: &Doc, key: String) -> RwSignal<Vec<String>> {
    let table = VirtueTable::of(doc);
    let names = RwSignal::new(table.virtues(&doc.transact()));
    let observed = table.clone();
    table
        .list()
        .array()
        .observe_deep(key, move |txn, _| names.set(observed.virtues(txn)));
    names
}
