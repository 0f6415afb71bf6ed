//! The virtue table (*deugdentabel*): three columns, te weinig / deugd / te veel. Every
//! cell is its own shared text, so two people typing in the same cell merge character by
//! character. Rows can be added, moved and removed; while the facilitator has locked the
//! table, participants can only read it.

use leerkring_shared::model::{row, VIRTUE_TABLE};
use leptos::prelude::*;
use yrs::types::ToJson;
use yrs::{
    Any, Array, ArrayRef, Doc, GetString, Map, MapPrelim, MapRef, Observable, Out, TextPrelim,
    TextRef, Transact, TransactionMut,
};

use crate::browser;
use crate::components::shared_text::TextField;
use crate::i18n::use_language;
use crate::sync::Provider;

/// The ids of the table's rows, in order.
fn row_ids<T: yrs::ReadTxn>(table: &ArrayRef, txn: &T) -> Vec<String> {
    table
        .iter(txn)
        .filter_map(|value| match value {
            Out::YMap(map) => match map.get(txn, row::ID)?.to_json(txn) {
                Any::String(id) => Some(id.to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The row with `id`: its position and its map.
fn find_row<T: yrs::ReadTxn>(table: &ArrayRef, txn: &T, id: &str) -> Option<(u32, MapRef)> {
    table.iter(txn).enumerate().find_map(|(index, value)| match value {
        Out::YMap(map) => {
            let matches = matches!(map.get(txn, row::ID)?.to_json(txn), Any::String(found) if &*found == id);
            matches.then_some((index as u32, map))
        }
        _ => None,
    })
}

/// Inserts a row at `index` with the given column texts; returns its new id.
fn insert_row(
    table: &ArrayRef,
    txn: &mut TransactionMut,
    index: u32,
    texts: [String; 3],
) -> String {
    let id = browser::random_hex(8);
    let map = table.insert(
        txn,
        index,
        MapPrelim::from([(row::ID, Any::from(id.clone()))]),
    );
    for (column, text) in row::COLUMNS.into_iter().zip(texts) {
        map.insert(txn, column, TextPrelim::new(text));
    }
    id
}

fn cell_text(map: &MapRef, txn: &impl yrs::ReadTxn, column: &str) -> Option<TextRef> {
    match map.get(txn, column)? {
        Out::YText(text) => Some(text),
        _ => None,
    }
}

/// Moves a row by `offset` (-1 up, +1 down). A row is moved by copying its texts into a
/// new row at the new place: yrs has no move for arrays.
fn move_row(doc: &Doc, table: &ArrayRef, id: &str, offset: i64) {
    let mut txn = doc.transact_mut();
    let Some((index, map)) = find_row(table, &txn, id) else {
        return;
    };
    let target = i64::from(index) + offset;
    if target < 0 || target >= i64::from(table.len(&txn)) {
        return;
    }
    let texts = row::COLUMNS.map(|column| {
        cell_text(&map, &txn, column)
            .map(|t| t.get_string(&txn))
            .unwrap_or_default()
    });
    table.remove(&mut txn, index);
    insert_row(table, &mut txn, target as u32, texts);
}

#[component]
pub fn VirtueTable(provider: Provider) -> impl IntoView {
    let language = use_language();
    let doc = provider.doc().clone();
    let table = doc.get_or_insert_array(VIRTUE_TABLE);
    let rows = RwSignal::new(row_ids(&table, &doc.transact()));
    table.observe("virtue-table-rows", move |txn, event| {
        rows.set(row_ids(event.target(), txn));
    });
    let meeting = provider.meeting();
    let leads =
        Signal::derive(move || meeting.with(|m| m.as_ref().is_some_and(|m| m.you.facilitator)));
    let locked =
        Signal::derive(move || meeting.with(|m| m.as_ref().is_some_and(|m| m.table_locked)));
    let readonly = Signal::derive(move || locked.get() && !leads.get());
    let actions = StoredValue::new((doc.clone(), table.clone()));
    let add = move |_| {
        actions.with_value(|(doc, table)| {
            let mut txn = doc.transact_mut();
            let end = table.len(&txn);
            insert_row(table, &mut txn, end, Default::default());
        });
    };
    let cells = StoredValue::new(provider);
    view! {
        <section class="card virtue-table" aria-labelledby="virtue-table-heading">
            <h2 id="virtue-table-heading">{move || language.texts().table_heading}</h2>
            <p class="hint">{move || language.texts().table_intro}</p>
            <Show when=move || readonly.get()>
                <p class="notice" role="status">{move || language.texts().table_locked}</p>
            </Show>
            <table>
                <caption class="visually-hidden">{move || language.texts().table_heading}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || language.texts().column_too_little}</th>
                        <th scope="col">{move || language.texts().column_virtue}</th>
                        <th scope="col">{move || language.texts().column_too_much}</th>
                        <th scope="col"><span class="visually-hidden">{move || language.texts().move_up}</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|id| id.clone() let:id>
                        <VirtueRow provider=cells.get_value() id=id rows=rows readonly=readonly/>
                    </For>
                </tbody>
            </table>
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="muted">{move || language.texts().table_empty}</p>
            </Show>
            <button type="button" class="primary" disabled=move || readonly.get() on:click=add>
                {move || language.texts().add_virtue}
            </button>
        </section>
    }
}

#[component]
fn VirtueRow(
    provider: Provider,
    id: String,
    rows: RwSignal<Vec<String>>,
    readonly: Signal<bool>,
) -> impl IntoView {
    let language = use_language();
    let doc = provider.doc().clone();
    let table = doc.get_or_insert_array(VIRTUE_TABLE);
    let texts: Option<[TextRef; 3]> = {
        let txn = doc.transact();
        find_row(&table, &txn, &id).and_then(|(_, map)| {
            let [a, b, c] = row::COLUMNS.map(|column| cell_text(&map, &txn, column));
            Some([a?, b?, c?])
        })
    };
    let position = {
        let id = id.clone();
        Memo::new(move |_| {
            rows.with(|r| r.iter().position(|other| *other == id).map_or(0, |p| p + 1))
        })
    };
    let column_names = move |column: usize| {
        let texts = language.texts();
        [
            texts.column_too_little,
            texts.column_virtue,
            texts.column_too_much,
        ][column]
    };
    let actions = StoredValue::new((doc, table, id.clone()));
    let shift =
        move |offset: i64| actions.with_value(|(doc, table, id)| move_row(doc, table, id, offset));
    let remove = move |_| {
        actions.with_value(|(doc, table, id)| {
            let mut txn = doc.transact_mut();
            if let Some((index, _)) = find_row(table, &txn, id) {
                table.remove(&mut txn, index);
            }
        });
    };
    let Some(texts) = texts else {
        return ().into_any();
    };
    // The virtue's name labels the row's buttons ("Omhoog: Geduld"), kept current.
    let typed_name = RwSignal::new(texts[1].get_string(&provider.doc().transact()));
    texts[1].observe(format!("row-name-{id}"), move |txn, event| {
        typed_name.set(event.target().get_string(txn));
    });
    let virtue_name = move || {
        let name = typed_name.get();
        if name.trim().is_empty() {
            format!("{} {}", language.texts().row_label, position.get())
        } else {
            name
        }
    };
    view! {
        <tr>
            {texts.into_iter().enumerate().map(|(column, text)| {
                let label = Signal::derive(move || format!("{}, {} {}", column_names(column), language.texts().row_label, position.get()));
                view! {
                    <td>
                        <span class="cell-label" aria-hidden="true">{move || column_names(column)}</span>
                        <TextField
                            provider=provider.clone()
                            text=text
                            editing=format!("{VIRTUE_TABLE}:{id}:{}", row::COLUMNS[column])
                            id=format!("cell-{id}-{column}")
                            aria_label=label
                            readonly=readonly
                            rows=2
                        />
                    </td>
                }
            }).collect::<Vec<_>>()}
            <td class="row-actions">
                <button type="button" class="small" disabled=move || readonly.get()
                    aria-label=move || format!("{}: {}", language.texts().move_up, virtue_name())
                    on:click=move |_| shift(-1)>"↑"</button>
                <button type="button" class="small" disabled=move || readonly.get()
                    aria-label=move || format!("{}: {}", language.texts().move_down, virtue_name())
                    on:click=move |_| shift(1)>"↓"</button>
                <button type="button" class="small danger" disabled=move || readonly.get()
                    aria-label=move || format!("{}: {}", language.texts().remove_virtue, virtue_name())
                    on:click=remove>"✕"</button>
            </td>
        </tr>
    }
    .into_any()
}
