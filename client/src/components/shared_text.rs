//! A text field that several people type in at once, bound to one shared `Y.Text` of the
//! board's document (the flip-over, a group's notes, ...).

use leptos::prelude::*;
use yrs::{GetString, TextRef, Transact};

use crate::components::privacy_guard::PrivacyGuard;
use crate::sync::Provider;
use crate::text_binding::{follow_remote_edits, push_local_edit};

/// `root` names the shared text in the document; `id` is the field's HTML id, `label`
/// its accessible name and `hint` the description read after it.
#[component]
pub fn SharedText(
    provider: Provider,
    root: String,
    id: String,
    #[prop(into)] label: Signal<String>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(into)] readonly: Signal<bool>,
    #[prop(default = 8)] rows: u32,
) -> impl IntoView {
    let text = provider.doc().get_or_insert_text(root.as_str());
    let hint_id = hint.map(|_| format!("{id}-hint"));
    view! {
        <label for=id.clone()>{move || label.get()}</label>
        {hint.map(|hint| view! { <p id=hint_id.clone() class="hint">{move || hint.get()}</p> })}
        <TextField provider=provider text=text editing=root id=id described_by=hint_id readonly=readonly rows=rows/>
    }
}

/// A `<textarea>` bound to `text`; `editing` is what presence shows this person working on.
/// Its accessible name comes from a `<label for=id>` or from `aria_label`.
#[component]
pub fn TextField(
    provider: Provider,
    text: TextRef,
    editing: String,
    id: String,
    #[prop(default = None)] described_by: Option<String>,
    #[prop(optional, into)] aria_label: Option<Signal<String>>,
    #[prop(into)] readonly: Signal<bool>,
    #[prop(default = 8)] rows: u32,
) -> impl IntoView {
    let area = NodeRef::<leptos::html::Textarea>::new();
    {
        let provider = provider.clone();
        let text = text.clone();
        let key = format!("textarea-{id}");
        Effect::new(move |_| {
            if let Some(element) = area.get() {
                element.set_value(&text.get_string(&provider.doc().transact()));
                follow_remote_edits(&key, &text, element);
            }
        });
    }
    let guard_id = format!("{id}-privacy");
    let described_by =
        described_by.map_or_else(|| guard_id.clone(), |hint| format!("{hint} {guard_id}"));
    let guard = (provider.clone(), text.clone());
    let on_input = {
        let provider = provider.clone();
        move |_| {
            if let Some(element) = area.get_untracked() {
                push_local_edit(provider.doc(), &text, &element);
            }
        }
    };
    let focus = provider.clone();
    let blur = provider;
    view! {
        <textarea
            id=id
            node_ref=area
            rows=rows
            spellcheck="true"
            aria-describedby=described_by
            aria-label=move || aria_label.map(|label| label.get())
            readonly=move || readonly.get()
            on:input=on_input
            on:focus=move |_| focus.set_editing(Some(&editing))
            on:blur=move |_| blur.set_editing(None)
        ></textarea>
        <PrivacyGuard provider=guard.0 text=guard.1 id=guard_id readonly=readonly/>
    }
}
