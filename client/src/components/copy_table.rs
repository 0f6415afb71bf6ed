//! Building on what the team has: the facilitator copies the virtue table of an earlier
//! meeting (one this device has opened) into this one. Rows whose virtue the table already
//! has are skipped, so copying twice adds nothing.

use leptos::prelude::*;
use leptos::task::spawn_local;
use yrs::updates::decoder::Decode;
use yrs::{Doc, Transact, Update};

use crate::api;
use crate::browser;
use crate::device::remembered_boards;
use crate::doc_list::add_missing_rows;
use crate::i18n::use_language;
use leerkring_shared::document::{Row, VirtueTable};

/// The rows of the virtue table in a document sent as one update.
fn rows_of(update: &[u8]) -> Option<Vec<Row>> {
    let doc = Doc::new();
    let table = VirtueTable::of(&doc);
    doc.transact_mut()
        .apply_update(Update::decode_v1(update).ok()?)
        .ok()?;
    let rows = table.rows(&doc.transact());
    Some(rows)
}

/// What happened to the last copy.
#[derive(Clone, PartialEq)]
enum Outcome {
    Idle,
    Busy,
    Copied(usize),
    Failed,
}

#[component]
pub fn CopyTable(doc: Doc) -> impl IntoView {
    let language = use_language();
    let current = browser::path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let boards = remembered_boards(&current);
    let chosen = RwSignal::new(boards.first().map(|b| b.0.clone()).unwrap_or_default());
    let outcome = RwSignal::new(Outcome::Idle);
    let sources = StoredValue::new(boards.clone());
    let target = StoredValue::new(doc);
    let copy = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some((board, _, token)) =
            sources.with_value(|b| b.iter().find(|b| b.0 == chosen.get_untracked()).cloned())
        else {
            return;
        };
        outcome.set(Outcome::Busy);
        spawn_local(async move {
            let rows = api::board_document(&board, &token)
                .await
                .ok()
                .and_then(|update| rows_of(&update));
            outcome.set(match rows {
                Some(rows) => Outcome::Copied(target.with_value(|doc| add_missing_rows(doc, rows))),
                None => Outcome::Failed,
            });
        });
    };
    let status = move || match outcome.get() {
        Outcome::Idle => String::new(),
        Outcome::Busy => language.texts().copying.to_owned(),
        Outcome::Copied(count) => (language.texts().copied_rows)(count),
        Outcome::Failed => language.texts().copy_table_failed.to_owned(),
    };
    (!boards.is_empty()).then(|| {
        view! {
            <details class="copy-table">
                <summary>{move || language.texts().copy_table_heading}</summary>
                <form on:submit=copy>
                    <label for="copy-table-source">{move || language.texts().copy_table_source}</label>
                    <select id="copy-table-source" on:change=move |e| chosen.set(event_target_value(&e))>
                        {boards.into_iter().map(|(board, title, _)| view! {
                            <option value=board.clone() selected=board == chosen.get_untracked()>{title}</option>
                        }).collect::<Vec<_>>()}
                    </select>
                    <button type="submit" disabled=move || outcome.get() == Outcome::Busy>
                        {move || language.texts().copy_table_button}
                    </button>
                </form>
                <p role="status">{status}</p>
            </details>
        }
    })
}
