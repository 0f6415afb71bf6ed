//! A list of notes on the board, such as the answers to a debrief question or the options
//! of a case: anyone adds a note (with their name on it), writes in it, and can remove
//! it. Each note is its own shared text (or two, see [`SecondText`]), so two people never
//! overwrite each other.

use leerkring_shared::document::NoteList as Notes;
use leptos::prelude::*;
use yrs::Transact;

use crate::browser;
use crate::components::shared_text::TextField;
use crate::doc_list::{new_item_id, watch_ids};
use crate::i18n::use_language;
use crate::sync::Provider;

/// A second text on every note of a list, such as the client's perspective on an option.
#[derive(Clone, Copy)]
pub struct SecondText {
    /// Its key in the note's map.
    pub key: &'static str,
    pub label: Signal<String>,
}

/// `root` names the list in the document; `heading` is its question, `id` the HTML id
/// prefix, `author` the name put on new notes. `second` adds a second text to each note;
/// `add_label` names the add button (default: "add an answer").
#[component]
pub fn NoteList(
    provider: Provider,
    root: String,
    id: String,
    #[prop(into)] heading: Signal<String>,
    #[prop(into)] author: Signal<String>,
    #[prop(optional)] second: Option<SecondText>,
    #[prop(optional, into)] add_label: Option<Signal<String>>,
) -> impl IntoView {
    let language = use_language();
    let doc = provider.doc().clone();
    let list = Notes::of(&doc, &root);
    let notes = watch_ids(&doc, list.list(), format!("notes-{root}"));
    let heading_id = format!("{id}-heading");
    let labelled_by = heading_id.clone();
    let actions = StoredValue::new((doc, list));
    let prefix = id.clone();
    let add = move |_| {
        let new_id = new_item_id();
        actions.with_value(|(doc, list)| {
            let mut txn = doc.transact_mut();
            list.push(
                &mut txn,
                &new_id,
                &author.get_untracked(),
                second.map(|s| s.key),
            );
        });
        browser::focus_soon(format!("{prefix}-{new_id}"));
    };
    let cells = StoredValue::new(provider);
    view! {
        <section class="note-list" aria-labelledby=labelled_by>
            <h3 id=heading_id>{move || heading.get()}</h3>
            <ul>
                <For each=move || notes.get() key=|id| id.clone() let:note_id>
                    {
                        let found = actions.with_value(|(doc, list)| {
                            let fields = list.fields(&doc.transact(), &note_id, second.map(|s| s.key))?;
                            Some((fields.text, second.zip(fields.second), fields.author))
                        });
                        found.map(|(text, more, writer)| {
                            let label = {
                                let writer = writer.clone();
                                Signal::derive(move || format!("{} – {}", heading.get(), (language.texts().note_by)(&writer)))
                            };
                            let remove_label = (language.texts().remove_note)(&writer);
                            let target = note_id.clone();
                            view! {
                                <li class="note">
                                    <TextField
                                        provider=cells.get_value()
                                        text=text
                                        editing=format!("{}:{}", id, note_id)
                                        id=format!("{}-{}", id, note_id)
                                        aria_label=label
                                        readonly=Signal::derive(|| false)
                                        rows=2
                                    />
                                    {more.map(|(field, text)| {
                                        let writer = writer.clone();
                                        let label = Signal::derive(move || format!("{} – {}", field.label.get(), (language.texts().note_by)(&writer)));
                                        let field_id = format!("{}-{}-{}", id, note_id, field.key);
                                        view! {
                                            <label class="second-label" for=field_id.clone()>{move || field.label.get()}</label>
                                            <TextField
                                                provider=cells.get_value()
                                                text=text
                                                editing=format!("{}:{}:{}", id, note_id, field.key)
                                                id=field_id
                                                aria_label=label
                                                readonly=Signal::derive(|| false)
                                                rows=2
                                            />
                                        }
                                    })}
                                    <div class="note-footer">
                                        <span class="muted">{writer}</span>
                                        <button type="button" class="small danger" aria-label=remove_label
                                            on:click=move |_| actions.with_value(|(doc, list)| list.remove(&mut doc.transact_mut(), &target))>
                                            "✕"
                                        </button>
                                    </div>
                                </li>
                            }
                        })
                    }
                </For>
            </ul>
            <button type="button" on:click=add>
                {move || add_label.map_or_else(|| language.texts().add_note.to_owned(), |label| label.get())}
            </button>
        </section>
    }
}
