//! The workspace of each step of the method: the activity screens. [`StepWorkspace`]
//! shows, for the step the facilitator has the meeting in, the shared workspace that step
//! needs (the card deck in round 1, groups in round 2, the table while filling columns,
//! ...). Each activity has its own module.

pub mod case_consultation;
pub mod debrief;
pub mod virtue_cards;
pub mod virtue_exercise;

use leerkring_shared::meeting::MeetingView;
use leptos::prelude::*;

use crate::components::flipover::Flipover;
use crate::components::groups::GroupsPanel;
use crate::components::virtue_table::VirtueTable;
use crate::components::vote::VotePanel;
use crate::i18n::use_language;
use crate::sync::Provider;
use case_consultation::CaseConsultation;
use debrief::Debrief;
use virtue_cards::{AdoptPanel, CardRound1, CardVote, ChosenCards, TeamTop};

/// The display name of `member`, or "?" for someone the meeting does not know.
pub fn member_name(view: &MeetingView, member: &str) -> String {
    view.participants
        .iter()
        .find(|p| p.member == member)
        .map_or_else(|| "?".to_owned(), |p| p.name.clone())
}

/// This person's display name in the meeting (put on what they write).
pub fn my_name(meeting: ReadSignal<Option<MeetingView>>) -> Signal<String> {
    Signal::derive(move || {
        meeting.with(|m| {
            m.as_ref()
                .and_then(|m| m.you.member.as_deref().map(|me| member_name(m, me)))
                .unwrap_or_default()
        })
    })
}

/// The current step: the activity's place on the agenda and the step's key.
fn current_step(view: &MeetingView) -> Option<(usize, String)> {
    let activity = view.position.activity;
    let step = view.agenda.get(activity)?.steps.get(view.position.step)?;
    Some((activity, step.key.clone()))
}

#[component]
pub fn StepWorkspace(provider: Provider) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let step = Memo::new(move |_| meeting.with(|m| m.as_ref().and_then(current_step)));
    let leads = provider.leads();
    let vote_open = move || meeting.with(|m| m.as_ref().is_some_and(|m| m.vote.is_some()));
    let groups_working = move || {
        meeting.with(|m| {
            m.as_ref()
                .and_then(|m| m.groups.as_ref())
                .is_some_and(|g| g.working)
        })
    };
    move || {
        let Some((activity, key)) = step.get() else {
            return ().into_any();
        };
        let p = provider.clone();
        match key.as_str() {
            "cards.round1" => view! { <CardRound1 provider=p/> }.into_any(),
            "cards.round2_groups" | "cards.round2_plenary" => view! {
                <ChosenCards provider=p.clone() compact=true/>
                <GroupsPanel provider=p extra=virtue_cards::group_top_three/>
            }
            .into_any(),
            "cards.round3_vote" => view! { <CardVote provider=p/> }.into_any(),
            "cards.round3_columns" => view! {
                <TeamTop provider=p.clone() to_table=true/>
                <VirtueTable provider=p/>
            }
            .into_any(),
            "cards.adopt" => view! {
                <AdoptPanel provider=p.clone()/>
                <VirtueTable provider=p/>
            }
            .into_any(),
            "exercise.name_in_pairs" | "exercise.collect" => view! {
                <GroupsPanel provider=p.clone()/>
                <VirtueTable provider=p/>
            }
            .into_any(),
            "exercise.fill_columns" | "exercise.review" => {
                view! { <VirtueTable provider=p/> }.into_any()
            }
            "exercise.practice_in_pairs" | "exercise.share_stories" => view! {
                <GroupsPanel provider=p.clone() extra=virtue_exercise::group_stories/>
                <VirtueTable provider=p/>
            }
            .into_any(),
            "case.intake" | "case.explore" | "case.investigate" | "case.decide" | "case.learn"
            | "case.reflect" => {
                view! { <CaseConsultation provider=p activity=activity step=key/> }.into_any()
            }
            "exercise.debrief" | "cards.debrief" | "evaluation.debrief" => {
                view! { <Debrief provider=p activity=activity/> }.into_any()
            }
            _ => {
                let tools = StoredValue::new(p.clone());
                view! {
                    <Flipover provider=p/>
                    // Groups and votes stay at hand in steps without their own.
                    <Show when=move || leads.get() || groups_working()>
                        <details class="card tools" open=groups_working()>
                            <summary>{move || language.texts().groups_heading}</summary>
                            <GroupsPanel provider=tools.get_value()/>
                        </details>
                    </Show>
                    <Show when=move || leads.get() || vote_open()>
                        <VotePanel provider=tools.get_value()/>
                    </Show>
                }
                .into_any()
            }
        }
    }
}
