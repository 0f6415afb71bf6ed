//! Starting a meeting of the team (facilitator).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::{Said, Team};
use crate::api;
use crate::browser;
use crate::components::name_form::NameForm;
use crate::components::waiting_room::WaitingRoomChoice;
use crate::i18n::use_language;

/// Starts a meeting of the team and goes into it (facilitator).
#[component]
pub(super) fn NewMeeting(team: Team) -> impl IntoView {
    let language = use_language();
    let title = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let waiting_room = RwSignal::new(true);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        team.say(None);
        let chosen = title.get_untracked().trim().to_owned();
        let (id, token) = (team.id.get_value(), team.token.get_value());
        spawn_local(async move {
            let with_waiting_room = waiting_room.get_untracked();
            match api::create_team_meeting(&id, &token, &chosen, with_waiting_room).await {
                Ok(created) => browser::navigate(&created.facilitator_url),
                Err(failure) => {
                    team.say(Some(Said::Refused(failure)));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="new-meeting-heading">
            <h2 id="new-meeting-heading">{move || language.texts().team.new_meeting_heading}</h2>
            <NameForm
                input_id="new-meeting-title"
                label=Signal::derive(move || language.texts().team.new_meeting_label)
                hint=Signal::derive(move || language.texts().meeting_title_hint)
                button=Signal::derive(move || language.texts().team.new_meeting_button)
                value=title
                busy=busy
                on_submit=submit
            >
                <WaitingRoomChoice on=waiting_room/>
            </NameForm>
        </section>
    }
}
