//! Joining: asks for the name a person shows to others. The device remembers it
//! (`device::remember_name`), so a reload or a second meeting needs no new entry.

use leptos::prelude::*;

use crate::browser;
use crate::device;
use crate::i18n::use_language;

/// Longest display name, in characters.
const MAX_NAME_CHARS: usize = 60;

/// Asks for a display name; `name` is set once one is given.
#[component]
pub fn JoinForm(name: RwSignal<Option<String>>, title: String) -> impl IntoView {
    let language = use_language();
    let entered = RwSignal::new(String::new());
    let missing = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let chosen: String = entered
            .get_untracked()
            .trim()
            .chars()
            .take(MAX_NAME_CHARS)
            .collect();
        if chosen.is_empty() {
            missing.set(true);
            return;
        }
        device::remember_name(&chosen);
        name.set(Some(chosen));
        // The person's next step is the board itself: its heading gets the focus.
        browser::focus_soon("board-title".to_owned());
    };
    view! {
        <section class="card narrow" aria-labelledby="join-heading">
            <h1 id="join-heading">{move || language.texts().join_heading}</h1>
            <p class="meeting-name">{title}</p>
            <p>{move || language.texts().join_intro}</p>
            <form on:submit=submit novalidate>
                <label for="display-name">{move || language.texts().your_name_label}</label>
                <p id="display-name-hint" class="hint">{move || language.texts().your_name_hint}</p>
                <input
                    id="display-name"
                    type="text"
                    autocomplete="given-name"
                    maxlength="60"
                    aria-describedby="display-name-hint display-name-error"
                    aria-invalid=move || missing.get().to_string()
                    prop:value=move || entered.get()
                    on:input=move |event| entered.set(event_target_value(&event))
                />
                <p id="display-name-error" role="alert" class="error">
                    {move || missing.get().then(|| language.texts().name_required)}
                </p>
                <button type="submit" class="primary">{move || language.texts().join_button}</button>
            </form>
        </section>
    }
}
