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
use leptos::wasm_split::{wasm_split, SplitLoaderError};

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
    let meeting = provider.meeting();
    let step = Memo::new(move |_| meeting.with(|m| m.as_ref().and_then(current_step)));
    let modules = Modules::default();
    move || {
        let Some((activity, key)) = step.get() else {
            return ().into_any();
        };
        let p = provider.clone();
        match key.as_str() {
            "exercise.debrief" | "cards.debrief" | "evaluation.debrief" => {
                view! { <Debrief provider=p activity=activity/> }.into_any()
            }
            k if k.starts_with("cards.") => modules.show(Module::Cards, p, activity, key),
            k if k.starts_with("exercise.") => modules.show(Module::Exercise, p, activity, key),
            // The case consultation keeps the free flip-over, groups and votes at hand.
            k if k.starts_with("case.") => view! {
                {modules.show(Module::Case, p.clone(), activity, key)}
                <GeneralTools provider=p/>
            }
            .into_any(),
            _ => view! { <GeneralTools provider=p/> }.into_any(),
        }
    }
}

/// What steps without a workspace of their own show: the free flip-over, and for the
/// facilitator (or while in use) the groups and the vote.
#[component]
fn GeneralTools(provider: Provider) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let leads = provider.leads();
    let vote_open = move || meeting.with(|m| m.as_ref().is_some_and(|m| m.vote.is_some()));
    let groups_working = move || {
        meeting.with(|m| {
            m.as_ref()
                .and_then(|m| m.groups.as_ref())
                .is_some_and(|g| g.working)
        })
    };
    let tools = StoredValue::new(provider.clone());
    view! {
        <Flipover provider=provider/>
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
}

// Each activity's screens are a WebAssembly module of their own, loaded the first time a
// meeting reaches that activity, so the first load of the app stays small (Leptos's
// `wasm_split`, which `#[lazy]` is made of; see
// "Code splitting" in docs/ARCHITECTURE.md). A module hands back the function that builds
// its screens, which then runs like any other view code here, under the step's owner. A
// module that cannot be fetched is an error to show, not a panic (`fallible`).

/// Builds the workspace of one step: `(provider, agenda position, step key)`.
type StepScreens = fn(Provider, usize, String) -> AnyView;

/// The activities whose screens are a module of their own.
#[derive(Clone, Copy)]
enum Module {
    Cards,
    Exercise,
    Case,
}

/// Where loading a module stands.
#[derive(Clone, Copy, Default)]
enum Load {
    #[default]
    NotYet,
    Loading,
    Ready(StepScreens),
    /// The fetch failed (offline before the module was ever cached): say so, offer a retry.
    Failed,
}

/// Each module's load.
#[derive(Clone, Copy, Default)]
struct Modules([RwSignal<Load>; 3]);

impl Modules {
    /// The step's screen, or a word while its module loads or why it did not.
    fn show(self, module: Module, provider: Provider, activity: usize, key: String) -> AnyView {
        let load = self.0[module as usize];
        let language = use_language();
        match load.get() {
            Load::Ready(build) => build(provider, activity, key),
            Load::Failed => view! {
                <div class="card" role="alert">
                    <p>{move || language.texts().module_failed}</p>
                    <button type="button" on:click=move |_| load.set(Load::NotYet)>
                        {move || language.texts().retry}
                    </button>
                </div>
            }
            .into_any(),
            Load::NotYet | Load::Loading => {
                if matches!(load.get_untracked(), Load::NotYet) {
                    load.set(Load::Loading);
                    leptos::task::spawn_local(async move {
                        let loaded = match module {
                            Module::Cards => card_screens().await,
                            Module::Exercise => exercise_screens().await,
                            Module::Case => case_screens().await,
                        };
                        load.set(loaded.map_or(Load::Failed, Load::Ready));
                    });
                }
                view! { <p class="card muted" role="status">{move || language.texts().loading}</p> }
                    .into_any()
            }
        }
    }
}

#[wasm_split(cards, wasm_split_path = ::leptos::wasm_split, fallible)]
fn card_screens() -> Result<StepScreens, SplitLoaderError> {
    Ok(card_step)
}

#[wasm_split(exercise, wasm_split_path = ::leptos::wasm_split, fallible)]
fn exercise_screens() -> Result<StepScreens, SplitLoaderError> {
    Ok(exercise_step)
}

#[wasm_split(case, wasm_split_path = ::leptos::wasm_split, fallible)]
fn case_screens() -> Result<StepScreens, SplitLoaderError> {
    Ok(case_step)
}

/// Activity B's steps (but the debrief).
fn card_step(p: Provider, _activity: usize, key: String) -> AnyView {
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
        _ => view! {
            <AdoptPanel provider=p.clone()/>
            <VirtueTable provider=p/>
        }
        .into_any(),
    }
}

/// Activity A's steps (but the debrief).
fn exercise_step(p: Provider, _activity: usize, key: String) -> AnyView {
    match key.as_str() {
        "exercise.name_in_pairs" | "exercise.collect" => view! {
            <GroupsPanel provider=p.clone()/>
            <VirtueTable provider=p/>
        }
        .into_any(),
        "exercise.practice_in_pairs" | "exercise.share_stories" => view! {
            <GroupsPanel provider=p.clone() extra=virtue_exercise::group_stories/>
            <VirtueTable provider=p/>
        }
        .into_any(),
        _ => view! { <VirtueTable provider=p/> }.into_any(),
    }
}

/// The case consultation's steps.
fn case_step(provider: Provider, activity: usize, key: String) -> AnyView {
    view! { <CaseConsultation provider=provider activity=activity step=key/> }.into_any()
}
