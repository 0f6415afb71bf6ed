//! Where the meeting is: the current activity and step with its instruction, the whole
//! agenda, and for the facilitator the buttons to move on or back.

use leerkring_shared::meeting::{ActivityKind, Command, MeetingView, Step};
use leptos::prelude::*;

use crate::i18n::use_language;
use crate::steps::{activity_name, step_text};
use crate::sync::Provider;

/// The current step, its number within the activity and the activity's length.
fn current(view: &MeetingView) -> Option<(Step, usize, usize)> {
    let activity = view.agenda.get(view.position.activity)?;
    let step = activity.steps.get(view.position.step)?;
    Some((step.key, view.position.step + 1, activity.steps.len()))
}

#[component]
pub fn AgendaPanel(provider: Provider) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let leads = provider.leads();
    let activity = move || {
        meeting.with(|m| {
            m.as_ref()
                .and_then(|m| m.agenda.get(m.position.activity))
                .map(|a| activity_name(language.0.get(), a.kind))
                .unwrap_or_default()
        })
    };
    let step = move || meeting.with(|m| m.as_ref().and_then(current));
    let title = move || {
        step()
            .map(|(key, _, _)| step_text(language.0.get(), key).0)
            .unwrap_or_default()
    };
    let instruction = move || {
        step()
            .map(|(key, _, _)| step_text(language.0.get(), key).1)
            .unwrap_or_default()
    };
    let counter = move || {
        step()
            .map(|(_, n, m)| (language.texts().step_counter)(n, m))
            .unwrap_or_default()
    };
    // At the very last step (where the server has no next one) the meeting ends rather
    // than moves on.
    let at_the_end = move || {
        meeting.with(|m| {
            m.as_ref().is_some_and(|m| {
                let kinds: Vec<ActivityKind> = m.agenda.iter().map(|a| a.kind).collect();
                m.position.next(&kinds).is_err()
            })
        })
    };
    let command = provider.sender();
    view! {
        <section class="card agenda" aria-labelledby="step-title">
            <p class="activity-name">{activity} " · " {counter}</p>
            <h2 id="step-title">{title}</h2>
            <p class="instruction">{instruction}</p>
            <Show when=move || leads.get()>
                <div class="button-row">
                    <button type="button" on:click=move |_| command(Command::PreviousStep)>
                        {move || language.texts().previous_step}
                    </button>
                    {move || if at_the_end() {
                        view! {
                            <button type="button" class="primary" on:click=move |_| command(Command::FinishMeeting)>
                                {move || language.texts().closing.finish_button}
                            </button>
                        }.into_any()
                    } else {
                        view! {
                            <button type="button" class="primary" on:click=move |_| command(Command::NextStep)>
                                {move || language.texts().next_step}
                            </button>
                        }.into_any()
                    }}
                </div>
            </Show>
            <details class="whole-agenda">
                <summary>{move || language.texts().whole_agenda}</summary>
                <ol>
                    {move || {
                        meeting.with(|m| {
                            let Some(m) = m.as_ref() else { return Vec::new() };
                            let leads = m.you.facilitator;
                            m.agenda.iter().enumerate().map(|(a, activity)| {
                                let steps = activity.steps.iter().enumerate().map(|(s, step)| {
                                    let here = m.position.activity == a && m.position.step == s;
                                    let (label, _) = step_text(language.0.get(), step.key);
                                    let item = if leads {
                                        view! {
                                            <button type="button" class="link-button"
                                                on:click=move |_| command(Command::GoToStep { activity: a, step: s })>
                                                {label}
                                            </button>
                                        }.into_any()
                                    } else {
                                        view! { <span>{label}</span> }.into_any()
                                    };
                                    view! {
                                        <li aria-current=here.then_some("step") class:current=here>
                                            {item} " (" {step.minutes} " min)"
                                        </li>
                                    }
                                }).collect::<Vec<_>>();
                                view! {
                                    <li>
                                        <strong>{activity_name(language.0.get(), activity.kind)}</strong>
                                        <ol>{steps}</ol>
                                    </li>
                                }
                            }).collect::<Vec<_>>()
                        })
                    }}
                </ol>
                <Show when=move || leads.get()>
                    <AgendaEditor command=command meeting=meeting/>
                </Show>
            </details>
        </section>
    }
}

/// The facilitator chooses which of the method's activities this meeting holds, and how
/// many cases it discusses (two fit in 90 minutes); they run in the method's order.
#[component]
fn AgendaEditor(
    command: impl Fn(Command) + Copy + Send + Sync + 'static,
    meeting: ReadSignal<Option<MeetingView>>,
) -> impl IntoView {
    let language = use_language();
    const VIRTUE_ACTIVITIES: [ActivityKind; 2] =
        [ActivityKind::VirtueExercise, ActivityKind::VirtueCards];
    const MOST_CASES: usize = 3;
    let kinds = meeting.with_untracked(|m| {
        m.as_ref()
            .map(|m| m.agenda.iter().map(|a| a.kind).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let cases = RwSignal::new(
        kinds
            .iter()
            .filter(|k| **k == ActivityKind::CaseConsultation)
            .count(),
    );
    let chosen = RwSignal::new(kinds);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let chosen = chosen.get_untracked();
        let mut activities: Vec<ActivityKind> = VIRTUE_ACTIVITIES
            .into_iter()
            .filter(|kind| chosen.contains(kind))
            .collect();
        activities.extend(std::iter::repeat_n(
            ActivityKind::CaseConsultation,
            cases.get_untracked(),
        ));
        if chosen.contains(&ActivityKind::Evaluation) {
            activities.push(ActivityKind::Evaluation);
        }
        command(Command::SetAgenda { activities });
    };
    let checkbox = move |kind: ActivityKind| {
        view! {
            <label class="inline">
                <input type="checkbox"
                    prop:checked=move || chosen.with(|c| c.contains(&kind))
                    on:change=move |_| chosen.update(|c| if c.contains(&kind) { c.retain(|k| *k != kind) } else { c.push(kind) })/>
                {move || activity_name(language.0.get(), kind)}
            </label>
        }
    };
    view! {
        <form class="agenda-editor" on:submit=submit>
            <fieldset>
                <legend>{move || language.texts().agenda_choose}</legend>
                {VIRTUE_ACTIVITIES.into_iter().map(checkbox).collect::<Vec<_>>()}
                <label for="case-count">{move || language.texts().case.cases_count}</label>
                <select id="case-count" on:change=move |event| {
                    cases.set(event_target_value(&event).parse().unwrap_or(0));
                }>
                    {(0..=MOST_CASES).map(|n| view! {
                        <option value=n.to_string() selected=move || cases.get() == n>{n}</option>
                    }).collect::<Vec<_>>()}
                </select>
                {checkbox(ActivityKind::Evaluation)}
            </fieldset>
            <button type="submit">{move || language.texts().set_agenda}</button>
        </form>
    }
}
