//! The start page: a facilitator opens a new meeting, or starts a team (*leerkring*)
//! whose meetings, development points and visitation pack live on its team page.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::browser;
use crate::i18n::use_language;

#[component]
pub fn StartPage() -> impl IntoView {
    let language = use_language();
    let title = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(false);
    Effect::new(move |_| browser::set_title(language.texts().app_name));

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failed.set(false);
        let chosen = title.get_untracked();
        spawn_local(async move {
            match api::create_board(chosen.trim()).await {
                Ok(created) => browser::navigate(&created.facilitator_url),
                Err(_) => {
                    failed.set(true);
                    busy.set(false);
                }
            }
        });
    };

    view! {
        <section class="card narrow" aria-labelledby="start-heading">
            <h1 id="start-heading">{move || language.texts().start_heading}</h1>
            <p>{move || language.texts().start_intro}</p>
            <form on:submit=submit>
                <label for="meeting-title">{move || language.texts().meeting_title_label}</label>
                <p id="meeting-title-hint" class="hint">
                    {move || language.texts().meeting_title_hint}
                </p>
                <input
                    id="meeting-title"
                    type="text"
                    required
                    maxlength="200"
                    autocomplete="off"
                    aria-describedby="meeting-title-hint"
                    prop:value=move || title.get()
                    on:input=move |event| title.set(event_target_value(&event))
                />
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || {
                        if busy.get() {
                            language.texts().starting
                        } else {
                            language.texts().start_button
                        }
                    }}
                </button>
                <p role="alert" class="error">
                    {move || failed.get().then(|| language.texts().start_failed)}
                </p>
            </form>
            <p class="privacy-note">{move || language.texts().privacy_note}</p>
        </section>
        <StartTeam/>
    }
}

/// The second form: start a team; goes to the facilitator's team page.
#[component]
fn StartTeam() -> impl IntoView {
    let language = use_language();
    let name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failed.set(false);
        let chosen = name.get_untracked();
        spawn_local(async move {
            match api::create_team(chosen.trim()).await {
                Ok(created) => browser::navigate(&created.facilitator_url),
                Err(_) => {
                    failed.set(true);
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <section class="card narrow" aria-labelledby="team-start-heading">
            <h2 id="team-start-heading">{move || language.texts().team.start_heading}</h2>
            <p>{move || language.texts().team.start_intro}</p>
            <form on:submit=submit>
                <label for="team-name">{move || language.texts().team.name_label}</label>
                <p id="team-name-hint" class="hint">{move || language.texts().team.name_hint}</p>
                <input
                    id="team-name"
                    type="text"
                    required
                    maxlength="200"
                    autocomplete="off"
                    aria-describedby="team-name-hint"
                    prop:value=move || name.get()
                    on:input=move |event| name.set(event_target_value(&event))
                />
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || {
                        if busy.get() {
                            language.texts().starting
                        } else {
                            language.texts().team.start_button
                        }
                    }}
                </button>
                <p role="alert" class="error">
                    {move || failed.get().then(|| language.texts().team.start_failed)}
                </p>
            </form>
        </section>
    }
}
