//! The cases' lessons: each case consultation's question, decision and lessons.

use leerkring_shared::development::{PointSource, SourceKind};
use leerkring_shared::pack::CaseLesson;
use leptos::prelude::*;

use super::make_point::MakePoint;
use super::state::{draft_part, Team};
use crate::i18n::use_language;

#[component]
pub(super) fn CasesSection(team: Team) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    let cases = draft_part(team, |pack| pack.cases.clone());
    view! {
        <section class="card" aria-labelledby="cases-heading">
            <h2 id="cases-heading">{move || t().cases_heading}</h2>
            {move || {
                let cases = cases.get().unwrap_or_default();
                if cases.is_empty() {
                    return view! { <p class="muted">{move || t().cases_empty}</p> }.into_any();
                }
                cases
                    .into_iter()
                    .map(|lesson| view! { <CaseView team=team lesson=lesson/> })
                    .collect_view()
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn CaseView(team: Team, lesson: CaseLesson) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    let title = lesson.title.clone();
    let meeting = lesson.meeting.clone();
    let question = lesson.learning_question.clone();
    let decision = lesson.decision.clone();
    let lessons = lesson.lessons.clone();
    let follow_up = lesson.follow_up.clone();
    let meeting_board = team.meeting_of(&lesson);
    let source = move |kind| {
        meeting_board
            .clone()
            .map(|meeting| PointSource { meeting, kind })
    };
    view! {
        <article class="case-lesson">
            <h3>
                {move || {
                    if title.is_empty() {
                        language.texts().case.no_title.to_owned()
                    } else {
                        title.clone()
                    }
                }}
            </h3>
            <p class="muted">{meeting}</p>
            <dl>
                {(!question.is_empty())
                    .then(|| {
                        view! {
                            <dt>{move || t().learning_question}</dt>
                            <dd>{question.clone()}</dd>
                        }
                    })}
                {(!decision.is_empty())
                    .then(|| {
                        view! {
                            <dt>{move || t().decision}</dt>
                            <dd>
                                <p>{decision.clone()}</p>
                                <MakePoint
                                    team=team
                                    text=decision.clone()
                                    source=source(SourceKind::Decision)
                                />
                            </dd>
                        }
                    })}
                {(!lessons.is_empty())
                    .then(|| {
                        view! {
                            <dt>{move || t().lessons}</dt>
                            <dd>
                                <ul class="lessons">
                                    {lessons
                                        .iter()
                                        .map(|text| {
                                            view! {
                                                <li>
                                                    <p>{text.clone()}</p>
                                                    <MakePoint
                                                        team=team
                                                        text=text.clone()
                                                        source=source(SourceKind::Lesson)
                                                    />
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </dd>
                        }
                    })}
            </dl>
            {follow_up.map(|when| view! { <p>{move || (t().follow_up)(&when)}</p> })}
        </article>
    }
}
