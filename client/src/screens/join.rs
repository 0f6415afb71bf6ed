//! Joining: the name a person shows to others, and the stable id of this device's person.
//! Both are remembered on the device, so a reload or a second meeting needs no new entry.

use leptos::prelude::*;

use crate::browser;
use crate::i18n::use_language;

const NAME_KEY: &str = "leerkring.name";
const PARTICIPANT_KEY: &str = "leerkring.participant";
const MEMBER_KEY: &str = "leerkring.member_key";
/// Longest display name, in characters.
const MAX_NAME_CHARS: usize = 60;

/// The name this device remembered, if any.
pub fn remembered_name() -> Option<String> {
    browser::load(NAME_KEY).filter(|name| !name.trim().is_empty())
}

fn remembered_random(key: &str) -> String {
    browser::load(key).unwrap_or_else(|| {
        let id = browser::random_hex(16);
        browser::save(key, &id);
        id
    })
}

/// This device's public participant id (in presence, for colour and de-duplication),
/// created on first use.
pub fn participant_id() -> String {
    remembered_random(PARTICIPANT_KEY)
}

/// This device's secret member key: proves to the server who this person is (for votes
/// and roles). Never shown to others; the server only publishes a digest of it.
pub fn member_key() -> String {
    remembered_random(MEMBER_KEY)
}

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
        browser::save(NAME_KEY, &chosen);
        name.set(Some(chosen));
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
