//! The shared flip-over: one text everybody writes in at the same time.

use leerkring_shared::model::FLIPOVER;
use leptos::prelude::*;
use yrs::{GetString, Transact};

use crate::i18n::use_language;
use crate::sync::Provider;
use crate::text_binding::{follow_remote_edits, push_local_edit};

#[component]
pub fn Flipover(provider: Provider) -> impl IntoView {
    let language = use_language();
    let area = NodeRef::<leptos::html::Textarea>::new();
    let text = provider.doc().get_or_insert_text(FLIPOVER);
    {
        let provider = provider.clone();
        let text = text.clone();
        Effect::new(move |_| {
            if let Some(element) = area.get() {
                element.set_value(&text.get_string(&provider.doc().transact()));
                follow_remote_edits("flipover-textarea", &text, element);
            }
        });
    }
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
        <section class="card flipover" aria-labelledby="flipover-heading">
            <h2 id="flipover-heading">{move || language.texts().flipover_heading}</h2>
            <label for="flipover-text">{move || language.texts().flipover_label}</label>
            <p id="flipover-hint" class="hint">{move || language.texts().flipover_hint}</p>
            <textarea
                id="flipover-text"
                node_ref=area
                rows="12"
                spellcheck="true"
                aria-describedby="flipover-hint"
                on:input=on_input
                on:focus=move |_| focus.set_editing(Some(FLIPOVER))
                on:blur=move |_| blur.set_editing(None)
            ></textarea>
        </section>
    }
}
