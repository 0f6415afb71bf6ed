//! The meeting's end: "Bijeenkomst afronden" closes it for everyone, and instead of the
//! step's workspace each person sees what the meeting did (its activities, the team's
//! virtues with who adopted them, the cases discussed). The facilitator can reopen it.

use leerkring_shared::meeting::{Command, MeetingView};
use leptos::prelude::*;

use crate::browser;
use crate::i18n::use_language;
use crate::steps::activity_name;
use crate::sync::Provider;

/// The heading of the summary, which gets the focus when the meeting ends.
const HEADING: &str = "closing-heading";

/// The team's virtues with the names of who adopted each.
fn virtues(view: &MeetingView) -> Vec<(String, Vec<String>)> {
    let name_of = |member: &String| {
        view.participants
            .iter()
            .find(|p| p.member == *member)
            .map_or_else(|| "?".to_owned(), |p| p.name.clone())
    };
    view.cards
        .team_top
        .iter()
        .map(|virtue| {
            let adopters = view
                .cards
                .adoptions
                .get(virtue)
                .map(|a| a.iter().map(name_of).collect());
            (virtue.clone(), adopters.unwrap_or_default())
        })
        .collect()
}

#[component]
pub fn ClosingSummary(
    provider: Provider,
    /// The meeting belongs to a team, whose page keeps what it did.
    in_team: bool,
) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let leads = provider.leads();
    let command = provider.sender();
    browser::focus_soon(HEADING.to_owned());
    let texts = move || &language.texts().closing;
    let activities = move || {
        meeting.with(|m| {
            m.as_ref().map_or_else(Vec::new, |m| {
                // What the meeting got to: the activities up to where it ended.
                m.agenda
                    .iter()
                    .take(m.position.activity + 1)
                    .map(|a| activity_name(language.0.get(), a.kind))
                    .collect::<Vec<_>>()
            })
        })
    };
    let team_virtues = move || meeting.with(|m| m.as_ref().map(virtues).unwrap_or_default());
    let cases = move || meeting.with(|m| m.as_ref().map_or(0, |m| m.cases.len()));
    view! {
        <section class="card closing" aria-labelledby=HEADING>
            <h2 id=HEADING tabindex="-1">{move || texts().heading}</h2>
            <p>{move || texts().intro}</p>
            <ul>
                {move || activities().into_iter().map(|name| view! { <li>{name}</li> }).collect::<Vec<_>>()}
                <Show when=move || { cases() > 0 }>
                    <li>{move || (texts().cases)(cases())}</li>
                </Show>
            </ul>
            <Show when=move || !team_virtues().is_empty()>
                <h3>{move || texts().virtues_heading}</h3>
                <ul>
                    {move || team_virtues().into_iter().map(|(virtue, adopters)| view! {
                        <li>
                            <strong>{virtue}</strong>
                            {(!adopters.is_empty()).then(|| format!(" – {}", (language.texts().team.adopted_by)(&adopters.join(", "))))}
                        </li>
                    }).collect::<Vec<_>>()}
                </ul>
            </Show>
            {in_team.then(|| view! { <p class="muted">{move || texts().team_page_note}</p> })}
            <Show when=move || leads.get()>
                <button type="button" on:click=move |_| command(Command::ReopenMeeting)>
                    {move || texts().reopen_button}
                </button>
            </Show>
        </section>
    }
}
