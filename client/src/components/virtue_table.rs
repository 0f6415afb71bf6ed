//! The virtue table (*deugdentabel*): three columns, te weinig / deugd / te veel. Every
//! cell is its own shared text, so two people typing in the same cell merge character by
//! character. Rows can be added, moved and removed; while the facilitator has locked the
//! table, participants can only read it.

use leerkring_shared::deck::same_name;
use leerkring_shared::document::{Row, VirtueTable};
use leerkring_shared::meeting::MeetingView;
use leerkring_shared::model::{row, VIRTUE_TABLE};
use leptos::prelude::*;
use yrs::{GetString, Observable, TextRef, Transact};

use crate::components::copy_table::CopyTable;
use crate::components::shared_text::TextField;
use crate::components::table_lock::{locked_for_me, TableLock};
use crate::doc_list::{new_item_id, watch_ids};
use crate::i18n::use_language;
use crate::sync::Provider;

/// The names of the people who adopted `virtue` (matched ignoring case).
fn adopter_names(view: &MeetingView, virtue: &str) -> Vec<String> {
    view.cards
        .adoptions
        .iter()
        .filter(|(adopted, _)| same_name(adopted, virtue))
        .flat_map(|(_, members)| members)
        .filter_map(|member| {
            view.participants
                .iter()
                .find(|p| &p.member == member)
                .map(|p| p.name.clone())
        })
        .collect()
}

#[component]
pub fn VirtueTable(provider: Provider) -> impl IntoView {
    let language = use_language();
    let doc = provider.doc().clone();
    let table = VirtueTable::of(&doc);
    let rows = watch_ids(&doc, table.list(), "virtue-table-rows".to_owned());
    let leads = provider.leads();
    let readonly = locked_for_me(&provider);
    let actions = StoredValue::new((doc.clone(), table.clone()));
    let add = move |_| {
        actions.with_value(|(doc, table)| {
            table.push(&mut doc.transact_mut(), &new_item_id(), &Row::default());
        });
    };
    let lock = view! { <TableLock provider=provider.clone()/> };
    let cells = StoredValue::new(provider);
    view! {
        <section class="card virtue-table" aria-labelledby="virtue-table-heading">
            <h2 id="virtue-table-heading">{move || language.texts().table_heading}</h2>
            <p class="hint">{move || language.texts().table_intro}</p>
            {lock}
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
            <Show when=move || leads.get()>
                <CopyTable doc=actions.with_value(|(doc, _)| doc.clone())/>
            </Show>
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
    let table = VirtueTable::of(&doc);
    let texts: Option<[TextRef; 3]> = table.cells(&doc.transact(), &id);
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
    let shift = move |offset: i64| {
        actions.with_value(|(doc, table, id)| {
            table.move_row(&mut doc.transact_mut(), id, offset, &new_item_id())
        })
    };
    let remove =
        move |_| actions.with_value(|(doc, table, id)| table.remove(&mut doc.transact_mut(), id));
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
    let meeting = provider.meeting();
    let adopters = move || {
        let names = meeting.with(|m| {
            m.as_ref()
                .map(|m| adopter_names(m, &typed_name.get()))
                .unwrap_or_default()
        });
        (!names.is_empty()).then(|| format!("{} {}", language.texts().adopted_by, names.join(", ")))
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
                        <CellPresence provider=provider.clone() field=format!("{VIRTUE_TABLE}:{id}:{}", row::COLUMNS[column])/>
                        {(column == 1).then(|| view! { <p class="adopters">{adopters}</p> })}
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

/// Who else is typing in this cell right now, in their presence colour.
#[component]
fn CellPresence(provider: Provider, field: String) -> impl IntoView {
    let peers = provider.peers();
    let here = move || {
        peers.with(|peers| {
            peers
                .iter()
                .filter(|p| !p.is_me && p.presence.editing.as_deref() == Some(field.as_str()))
                .map(|p| (p.presence.name.clone(), p.presence.color.clone()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <p class="cell-presence">
            {move || here().into_iter().map(|(name, color)| view! {
                <span class="cell-person" style:--person-color=color>{name}</span>
            }).collect::<Vec<_>>()}
        </p>
    }
}
