//! The meetings the team held, each with what it did and its debrief answers.

use leerkring_shared::development::{PointSource, SourceKind};
use leerkring_shared::ids::BoardId;
use leerkring_shared::meeting::ActivityKind;
use leerkring_shared::pack::{dutch_date, DebriefAnswer};
use leptos::prelude::*;

use super::make_point::MakePoint;
use super::state::Team;
use crate::i18n::use_language;
use crate::steps::activity_name;

#[component]
pub(super) fn MeetingsSection(team: Team) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    // Each meeting with its summary in the draft.
    let meetings = Memo::new(move |_| {
        team.page.with(|page| {
            page.as_ref().map_or_else(Vec::new, |p| {
                // The server lists both from the same meetings, in the same order (the
                // draft may name a meeting otherwise: see `pack::build`), but an expired
                // meeting has no place in the draft.
                let mut summaries = p.draft.meetings.iter();
                p.meetings
                    .iter()
                    .map(|meeting| {
                        let summary = if meeting.expired {
                            None
                        } else {
                            summaries.next().cloned()
                        };
                        (
                            meeting.board_id.clone(),
                            meeting.title.clone(),
                            meeting.date.clone(),
                            meeting.url.clone(),
                            meeting.unreadable,
                            summary,
                            meeting.expired.then(|| meeting.agenda.clone()),
                        )
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    view! {
        <section class="card" aria-labelledby="meetings-heading">
            <h2 id="meetings-heading">{move || t().meetings_heading}</h2>
            {move || {
                let meetings = meetings.get();
                if meetings.is_empty() {
                    return view! { <p class="muted">{move || t().meetings_empty}</p> }.into_any();
                }
                view! {
                    <ol class="meeting-history">
                        {meetings
                            .into_iter()
                            .map(|(board, title, date, url, unreadable, summary, expired)| {
                                let present = summary
                                    .as_ref()
                                    .filter(|_| !unreadable)
                                    .map(|s| s.present);
                                let debrief = summary
                                    .as_ref()
                                    .map(|s| s.debrief.clone())
                                    .unwrap_or_default();
                                let finished = summary.as_ref().is_some_and(|s| s.finished);
                                let activities = summary.map(|s| s.activities).unwrap_or_default();
                                view! {
                                    <li>
                                        <p class="meeting-line">
                                            {(!date.is_empty())
                                                .then(|| {
                                                    view! {
                                                        <time datetime=date.clone()>{dutch_date(&date)}</time>
                                                        " · "
                                                    }
                                                })}
                                            {match url {
                                                Some(url) => view! { <a href=url>{title}</a> }.into_any(),
                                                None => view! { <span>{title}</span> }.into_any(),
                                            }}
                                            {present
                                                .map(|n| {
                                                    view! {
                                                        " · "
                                                        <span>{move || (t().present)(n)}</span>
                                                    }
                                                })}
                                            {finished.then(|| view! {
                                                " · "
                                                <span class="finished">{move || language.texts().closing.finished_marker}</span>
                                            })}
                                        </p>
                                        {if let Some(agenda) = expired {
                                            view! { <Expired agenda=agenda/> }.into_any()
                                        } else if unreadable {
                                            view! {
                                                <p class="notice">{move || t().meeting_unreadable}</p>
                                            }
                                                .into_any()
                                        } else if activities.is_empty() {
                                            view! {
                                                <p class="muted">{move || t().no_activities}</p>
                                            }
                                                .into_any()
                                        } else {
                                            view! {
                                                <p>
                                                    {move || t().activities_done}
                                                    " "
                                                    {activities
                                                        .iter()
                                                        .enumerate()
                                                        .map(|(i, a)| {
                                                            let done = a.completed;
                                                            view! {
                                                                {(i > 0).then_some(", ")}
                                                                {a.name.clone()}
                                                                {(!done)
                                                                    .then(|| {
                                                                        view! {
                                                                            " ("
                                                                            {move || t().not_finished}
                                                                            ")"
                                                                        }
                                                                    })}
                                                            }
                                                        })
                                                        .collect_view()}
                                                </p>
                                            }
                                                .into_any()
                                        }}
                                        <DebriefAnswers team=team board=board answers=debrief/>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                    .into_any()
            }}
        </section>
    }
}

/// An expired meeting: its content was deleted after the retention period; what it had
/// on its agenda is left.
#[component]
fn Expired(agenda: Vec<ActivityKind>) -> impl IntoView {
    let language = use_language();
    let names = move || {
        agenda
            .iter()
            .map(|kind| activity_name(language.0.get(), *kind))
            .collect::<Vec<_>>()
            .join(", ")
    };
    view! {
        <p class="muted">
            {move || language.texts().lifecycle.expired_notice}
            {move || (!names().is_empty()).then(|| format!(" {} {}", language.texts().lifecycle.expired_agenda, names()))}
        </p>
    }
}

/// A meeting's debrief answers, each of which can become a development point.
#[component]
fn DebriefAnswers(team: Team, board: BoardId, answers: Vec<DebriefAnswer>) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    (!answers.is_empty()).then(|| {
        let items = answers
            .into_iter()
            .map(|answer| {
                let source = Some(PointSource {
                    meeting: board.clone(),
                    kind: SourceKind::Debrief,
                });
                view! {
                    <li>
                        <p>
                            <span class="muted">{answer.question}</span>
                            " "
                            {answer.text.clone()}
                        </p>
                        <MakePoint team=team text=answer.text source=source/>
                    </li>
                }
            })
            .collect_view();
        view! {
            <p class="debrief-heading">{move || t().from_the_debrief}</p>
            <ul class="lessons">{items}</ul>
        }
    })
}
