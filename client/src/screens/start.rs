//! The start page: a facilitator opens a new meeting, or starts a team (*leerkring*)
//! whose meetings, development points and visitation pack live on its team page.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::browser;
use crate::components::name_form::NameForm;
use crate::components::waiting_room::WaitingRoomChoice;
use crate::i18n::use_language;
use crate::screens::privacy::PRIVACY_PATH;

/// A form's submit handler: creates something named by `text` on the server with
/// `create` (which answers with the facilitator's link) and goes there.
fn create_and_go<Created>(
    text: RwSignal<String>,
    busy: RwSignal<bool>,
    failed: RwSignal<bool>,
    create: impl Fn(String) -> Created + Copy + 'static,
) -> impl Fn(leptos::ev::SubmitEvent) + Copy + 'static
where
    Created: Future<Output = Result<String, api::ApiFailure>> + 'static,
{
    move |event| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failed.set(false);
        let chosen = text.get_untracked().trim().to_owned();
        spawn_local(async move {
            match create(chosen).await {
                Ok(link) => browser::navigate(&link),
                Err(_) => {
                    failed.set(true);
                    busy.set(false);
                }
            }
        });
    }
}

#[component]
pub fn StartPage() -> impl IntoView {
    let language = use_language();
    let title = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let waiting_room = RwSignal::new(true);
    Effect::new(move |_| browser::set_title(language.texts().app_name));

    let submit = create_and_go(title, busy, failed, move |title| async move {
        api::create_board(&title, waiting_room.get_untracked())
            .await
            .map(|created| created.facilitator_url)
    });

    view! {
        <section class="card narrow" aria-labelledby="start-heading">
            <h1 id="start-heading">{move || language.texts().start_heading}</h1>
            <p>{move || language.texts().start_intro}</p>
            <NameForm
                input_id="meeting-title"
                label=Signal::derive(move || language.texts().meeting_title_label)
                hint=Signal::derive(move || language.texts().meeting_title_hint)
                button=Signal::derive(move || language.texts().start_button)
                value=title
                busy=busy
                on_submit=submit
            >
                <WaitingRoomChoice on=waiting_room/>
                <p role="alert" class="error">
                    {move || failed.get().then(|| language.texts().start_failed)}
                </p>
            </NameForm>
            <p class="privacy-note">
                {move || language.texts().privacy_note} " "
                <a href=PRIVACY_PATH>{move || language.texts().privacy_page.read_more}</a>
            </p>
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
    let submit = create_and_go(name, busy, failed, |name| async move {
        api::create_team(&name)
            .await
            .map(|created| created.facilitator_url)
    });
    view! {
        <section class="card narrow" aria-labelledby="team-start-heading">
            <h2 id="team-start-heading">{move || language.texts().team.start_heading}</h2>
            <p>{move || language.texts().team.start_intro}</p>
            <NameForm
                input_id="team-name"
                label=Signal::derive(move || language.texts().team.name_label)
                hint=Signal::derive(move || language.texts().team.name_hint)
                button=Signal::derive(move || language.texts().team.start_button)
                value=name
                busy=busy
                on_submit=submit
            >
                <p role="alert" class="error">
                    {move || failed.get().then(|| language.texts().team.start_failed)}
                </p>
            </NameForm>
        </section>
    }
}
