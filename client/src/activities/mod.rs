//! The workspace of each step of the method: the activity screens. [`StepWorkspace`]
//! shows, for the step the facilitator has the meeting in, the shared workspace that step
//! needs (the card deck in round 1, groups in round 2, the table while filling columns,
//! ...). Each activity has its own module.

pub mod case_consultation;
pub mod check_round;
pub mod debrief;
pub mod virtue_cards;
pub mod virtue_exercise;

use leerkring_shared::meeting::{ActivityKind, MeetingView, Step};
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};

use crate::components::flipover::Flipover;
use crate::components::groups::GroupsPanel;
use crate::components::split_module::{show_module, ModuleLoad};
use crate::components::virtue_table::VirtueTable;
use crate::components::vote::VotePanel;
use crate::i18n::use_language;
use crate::sync::Provider;
use case_consultation::CaseConsultation;
use check_round::CheckRound;
use debrief::Debrief;
use virtue_cards::{AdoptPanel, CardRound1, CardVote, ChosenCards, TeamTop};

/// The current step: the activity's place on the agenda, its kind, and the step.
fn current_step(view: &MeetingView) -> Option<(usize, ActivityKind, Step)> {
    let activity = view.position.activity;
    let kind = view.agenda.get(activity)?;
    let step = kind.steps.get(view.position.step)?;
    Some((activity, kind.kind, step.key))
}

#[component]
pub fn StepWorkspace(provider: Provider) -> impl IntoView {
    let meeting = provider.meeting();
    let step = Memo::new(move |_| meeting.with(|m| m.as_ref().and_then(current_step)));
    let modules = Modules::default();
    move || {
        let Some((activity, kind, step)) = step.get() else {
            return ().into_any();
        };
        let p = provider.clone();
        match (kind, step) {
            (_, Step::ExerciseDebrief | Step::CardsDebrief | Step::EvaluationDebrief) => {
                view! { <Debrief provider=p activity=activity/> }.into_any()
            }
            (ActivityKind::VirtueCards, _) => modules.show(Module::Cards, p, activity, step),
            (ActivityKind::VirtueExercise, _) => modules.show(Module::Exercise, p, activity, step),
            // The case consultation keeps the free flip-over, groups and votes at hand.
            (ActivityKind::CaseConsultation, _) => view! {
                {modules.show(Module::Case, p.clone(), activity, step)}
                <GeneralTools provider=p/>
            }
            .into_any(),
            (ActivityKind::Evaluation, _) => view! { <GeneralTools provider=p/> }.into_any(),
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

/// Builds the workspace of one step: `(provider, agenda position, step)`.
type StepScreens = fn(Provider, usize, Step) -> AnyView;

/// The activities whose screens are a module of their own.
#[derive(Clone, Copy)]
enum Module {
    Cards,
    Exercise,
    Case,
}

/// Each module's load.
#[derive(Clone, Copy, Default)]
struct Modules([RwSignal<ModuleLoad<StepScreens>>; 3]);

impl Modules {
    /// The step's screen, or a word while its module loads or why it did not.
    fn show(self, module: Module, provider: Provider, activity: usize, step: Step) -> AnyView {
        let language = use_language();
        show_module(
            self.0[module as usize],
            move || async move {
                match module {
                    Module::Cards => card_screens().await,
                    Module::Exercise => exercise_screens().await,
                    Module::Case => case_screens().await,
                }
            },
            |build| build(provider, activity, step),
            move || {
                view! { <p class="card muted" role="status">{move || language.texts().loading}</p> }
                    .into_any()
            },
            "card",
        )
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
fn card_step(p: Provider, _activity: usize, step: Step) -> AnyView {
    match step {
        Step::CardsRound1 => view! { <CardRound1 provider=p/> }.into_any(),
        // The group's task first; the cards in play below, to choose from.
        Step::CardsRound2Groups | Step::CardsRound2Plenary => view! {
            <GroupsPanel provider=p.clone() extra=virtue_cards::group_top_three groups_first=3/>
            <ChosenCards provider=p compact=true/>
        }
        .into_any(),
        Step::CardsRound3Vote => view! { <CardVote provider=p/> }.into_any(),
        Step::CardsRound3Columns => view! {
            <TeamTop provider=p.clone() to_table=true/>
            <CheckRound provider=p.clone()/>
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
fn exercise_step(p: Provider, _activity: usize, step: Step) -> AnyView {
    match step {
        Step::ExerciseNameInPairs | Step::ExerciseCollect => view! {
            <GroupsPanel provider=p.clone()/>
            <VirtueTable provider=p/>
        }
        .into_any(),
        Step::ExercisePracticeInPairs | Step::ExerciseShareStories => view! {
            <GroupsPanel provider=p.clone() extra=virtue_exercise::group_stories/>
            <VirtueTable provider=p/>
        }
        .into_any(),
        _ => view! { <VirtueTable provider=p/> }.into_any(),
    }
}

/// The case consultation's steps.
fn case_step(provider: Provider, activity: usize, step: Step) -> AnyView {
    view! { <CaseConsultation provider=provider activity=activity step=step/> }.into_any()
}
