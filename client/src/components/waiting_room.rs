//! The waiting room (*wachtkamer*): what someone sees while they wait to be let in, the
//! facilitator's list of who waits ("Toelaten" / "Weigeren") with the switch to do
//! without, and the choice when a meeting is started.

use leerkring_shared::meeting::{Command, ParticipantView};
use leptos::prelude::*;

use crate::browser;
use crate::i18n::use_language;
use crate::sync::{Ending, Provider, Status};

/// For someone the meeting has not let in yet: they wait, and see nothing of the board;
/// or they were refused (`status` ended with [`Ending::Removed`]).
#[component]
pub fn WaitingScreen(status: ReadSignal<Status>) -> impl IntoView {
    let language = use_language();
    browser::focus_soon("waiting-heading".to_owned());
    let refused = move || status.get() == Status::Ended(Ending::Removed);
    let texts = move || {
        let waiting = &language.texts().waiting;
        if refused() {
            (waiting.refused_heading, waiting.refused_text)
        } else {
            (waiting.heading, waiting.text)
        }
    };
    view! {
        <section class="card narrow waiting-screen" aria-labelledby="waiting-heading">
            <h1 id="waiting-heading" tabindex="-1">{move || texts().0}</h1>
            <p role="status">{move || texts().1}</p>
        </section>
    }
}

/// The facilitator's side: who waits, and whether new devices wait at all. Shown only to
/// whoever leads.
#[component]
pub fn WaitingRoomPanel(provider: Provider) -> impl IntoView {
    let language = use_language();
    let leads = provider.leads();
    let meeting = provider.meeting();
    let command = provider.sender();
    let on = move || meeting.with(|m| m.as_ref().is_some_and(|m| m.waiting_room));
    let waiting =
        move || meeting.with(|m| m.as_ref().map(|m| m.waiting.clone()).unwrap_or_default());
    view! {
        <section class="card waiting-room" aria-labelledby="waiting-room-heading" hidden=move || !leads.get()>
            <h2 id="waiting-room-heading">{move || language.texts().waiting.panel_heading}</h2>
            <label class="inline">
                <input type="checkbox" prop:checked=on
                    on:change=move |_| command(Command::SetWaitingRoom { on: !on() })/>
                {move || language.texts().waiting.switch_label}
            </label>
            <div aria-live="polite">
                <Show
                    when=move || !waiting().is_empty()
                    fallback=move || on().then(|| view! { <p class="muted">{move || language.texts().waiting.nobody}</p> })
                >
                    <ul class="participant-list">
                        {move || waiting().into_iter().map(|person| view! { <WaitingRow person=person command=command/> }).collect::<Vec<_>>()}
                    </ul>
                </Show>
            </div>
        </section>
    }
}

#[component]
fn WaitingRow(
    person: ParticipantView,
    command: impl Fn(Command) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let language = use_language();
    let (admit, refuse) = (person.member.clone(), person.member.clone());
    let name = person.name.clone();
    view! {
        <li class="participant-row">
            <span class="participant-name">{move || (language.texts().waiting.waits)(&person.name)}</span>
            <div class="button-row small">
                <button type="button" class="primary" aria-label=format!("{}: {}", language.texts().waiting.admit, name)
                    on:click=move |_| command(Command::AdmitMember { member: admit.clone() })>
                    {move || language.texts().waiting.admit}
                </button>
                <button type="button" class="danger" aria-label=format!("{}: {}", language.texts().waiting.refuse, name)
                    on:click=move |_| command(Command::RemoveMember { member: refuse.clone() })>
                    {move || language.texts().waiting.refuse}
                </button>
            </div>
        </li>
    }
}

/// The choice when starting a meeting: with a waiting room (the default) or without.
#[component]
pub fn WaitingRoomChoice(on: RwSignal<bool>) -> impl IntoView {
    let language = use_language();
    view! {
        <label class="inline">
            <input type="checkbox" prop:checked=move || on.get()
                on:change=move |_| on.update(|on| *on = !*on)/>
            {move || language.texts().waiting.choice_label}
        </label>
    }
}
