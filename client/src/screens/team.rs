//! The team page (`/t/{team_id}#token=…`): a team (*leerkring*) across its meetings. The
//! facilitator hands out the team link and starts meetings from here; everyone with the
//! link sees the team's virtue compass, the meetings held, the cases' lessons, works on
//! the development points (*ontwikkelpunten*) and reads the visitation pack
//! (*bezoekpakket*) as it will be sent. The facilitator approves the pack, after which it
//! can be downloaded.
//!
//! The page's screens are a WebAssembly module of their own (like the activities', see
//! `activities/mod.rs`), fetched the first time a team page opens, so the first load of
//! the app does not carry them.

use leerkring_shared::api::TeamView;
use leerkring_shared::ids::{BoardId, Role};
use leerkring_shared::pack::{
    dutch_date, CaseLesson, Compass, DebriefAnswer, Pack, UNREADABLE_MEETING,
};
use leerkring_shared::team::{DevelopmentPoint, PointSource, PointStatus, SourceKind, TeamCommand};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::{wasm_split, SplitLoaderError};

use crate::api::{self, ApiFailure};
use crate::browser;
use crate::components::invite::CopyLink;
use crate::components::name_form::NameForm;
use crate::i18n::{use_language, Lang, TeamTexts};

fn token_key(team: &str) -> String {
    format!("leerkring.team-token.{team}")
}

/// Whether this device holds a token for `team` (its team page opens without the link).
pub fn knows_team(team: &str) -> bool {
    browser::load(&token_key(team)).is_some()
}

/// The token from the link, remembered so the team page also opens from a bookmark.
fn team_token(team: &str) -> Option<String> {
    match browser::fragment_token() {
        Some(token) => {
            browser::save(&token_key(team), &token);
            Some(token)
        }
        None => browser::load(&token_key(team)),
    }
}

/// Builds the team page: `(team id, token)`.
type TeamScreen = fn(String, String) -> AnyView;

#[derive(Clone, Copy)]
enum Load {
    Loading,
    Ready(TeamScreen),
    Failed,
}

#[wasm_split(team, wasm_split_path = ::leptos::wasm_split, fallible)]
fn team_screen() -> Result<TeamScreen, SplitLoaderError> {
    Ok(team_page)
}

fn team_page(team: String, token: String) -> AnyView {
    view! { <TeamScreen team=team token=token/> }.into_any()
}

/// The route's screen: loads the team page's module, then shows the page.
#[component]
pub fn TeamPage(team: String) -> impl IntoView {
    let language = use_language();
    let Some(token) = team_token(&team) else {
        return view! { <InvalidLink/> }.into_any();
    };
    let load = RwSignal::new(Load::Loading);
    let fetch = move || {
        load.set(Load::Loading);
        spawn_local(async move {
            load.set(team_screen().await.map_or(Load::Failed, Load::Ready));
        });
    };
    fetch();
    (move || match load.get() {
        Load::Ready(build) => build(team.clone(), token.clone()),
        Load::Failed => view! {
            <div class="card narrow" role="alert">
                <p>{move || language.texts().module_failed}</p>
                <button type="button" on:click=move |_| fetch()>
                    {move || language.texts().retry}
                </button>
            </div>
        }
        .into_any(),
        Load::Loading => view! {
            <p class="card narrow" role="status">{move || language.texts().loading}</p>
        }
        .into_any(),
    })
    .into_any()
}

#[component]
fn InvalidLink() -> impl IntoView {
    let language = use_language();
    view! {
        <section class="card narrow" aria-labelledby="invalid-heading">
            <h1 id="invalid-heading">{move || language.texts().link_invalid_heading}</h1>
            <p>{move || language.texts().link_invalid}</p>
            <a href="/">{move || language.texts().back_to_start}</a>
        </section>
    }
}

/// What the page last said about something the visitor did.
#[derive(Clone)]
enum Said {
    Done(fn(&TeamTexts) -> &'static str),
    Refused(ApiFailure),
}

/// The refusal's reason in the page's language (Dutch when the server gave it).
fn refusal_text(failure: &ApiFailure, lang: Lang) -> String {
    let texts = lang.texts();
    let reason = match failure {
        ApiFailure::Refused {
            reason, reason_nl, ..
        } => match (lang, reason_nl) {
            (Lang::Nl, Some(dutch)) => dutch.clone(),
            _ if reason.is_empty() => texts.team.unreachable.to_owned(),
            _ => reason.clone(),
        },
        ApiFailure::Unreachable => texts.team.unreachable.to_owned(),
    };
    format!("{} {reason}", texts.refused)
}

/// How long a "done" message stays in view (refusals stay until closed or the next action).
const DONE_SHOWN: std::time::Duration = std::time::Duration::from_secs(8);

/// The team, the visitor's token, the page as the server last sent it and what the page
/// last said (with a count of messages, so an old timer does not clear a newer one).
#[derive(Clone, Copy)]
struct Team {
    id: StoredValue<String>,
    token: StoredValue<String>,
    page: RwSignal<Option<TeamView>>,
    said: RwSignal<Option<Said>>,
    said_count: StoredValue<u64>,
}

impl Team {
    /// Shows `said` (after clearing, so the live region announces it again even when the
    /// text is the same); a "done" message goes away by itself after a while.
    fn say(self, said: Option<Said>) {
        self.said.set(None);
        let done = matches!(said, Some(Said::Done(_)));
        self.said.set(said);
        self.said_count.update_value(|count| *count += 1);
        let count = self.said_count.get_value();
        if done {
            set_timeout(
                move || {
                    if self.said_count.try_get_value() == Some(count) {
                        self.said.set(None);
                    }
                },
                DONE_SHOWN,
            );
        }
    }

    /// Sends `command`; on success shows the new page, says `done` and runs `then`.
    fn send(
        self,
        command: TeamCommand,
        done: fn(&TeamTexts) -> &'static str,
        then: impl FnOnce() + 'static,
    ) {
        self.say(None);
        let (id, token) = (self.id.get_value(), self.token.get_value());
        spawn_local(async move {
            match api::team_command(&id, &token, &command).await {
                Ok(view) => {
                    self.page.set(Some(view));
                    self.say(Some(Said::Done(done)));
                    then();
                }
                Err(failure) => self.say(Some(Said::Refused(failure))),
            }
        });
    }

    /// Downloads the approved pack in `format` and hands it to the browser as a file.
    fn download(self, format: &'static str) {
        self.say(Some(Said::Done(|t| t.downloading)));
        let (id, token) = (self.id.get_value(), self.token.get_value());
        spawn_local(async move {
            let said = match api::team_export(&id, &token, format).await {
                Ok(file) => {
                    if browser::save_file(&file.filename, &file.content_type, &file.bytes) {
                        Said::Done(|t| t.downloaded)
                    } else {
                        Said::Done(|t| t.download_failed)
                    }
                }
                Err(failure) => Said::Refused(failure),
            };
            self.say(Some(said));
        });
    }

    /// Whether the pack is approved (and so can be downloaded).
    fn approved(self) -> bool {
        self.page
            .with(|page| page.as_ref().is_some_and(|p| p.approval.is_some()))
    }

    /// The meeting a case lesson comes from, by its title and date.
    fn meeting_of(self, lesson: &CaseLesson) -> Option<BoardId> {
        self.page.with_untracked(|page| {
            page.as_ref()?
                .meetings
                .iter()
                .find(|m| format!("{} ({})", m.title, dutch_date(&m.date)) == lesson.meeting)
                .map(|m| m.board_id.clone())
        })
    }

    /// Adds a development point with `text`, from `source`.
    fn add_from(self, text: String, source: Option<PointSource>) {
        self.send(
            TeamCommand::AddPoint {
                text,
                criterion: String::new(),
                source,
            },
            |t| t.added,
            || (),
        );
    }
}

#[derive(Clone)]
enum Loading {
    Waiting,
    Invalid,
    Unavailable,
    Ready,
}

#[component]
fn TeamScreen(team: String, token: String) -> impl IntoView {
    let language = use_language();
    let loading = RwSignal::new(Loading::Waiting);
    let state = Team {
        id: StoredValue::new(team.clone()),
        token: StoredValue::new(token.clone()),
        page: RwSignal::new(None),
        said: RwSignal::new(None),
        said_count: StoredValue::new(0),
    };
    spawn_local(async move {
        match api::team_view(&team, &token).await {
            Ok(view) => {
                browser::set_title(&format!("{} · Leerkring", view.name));
                state.page.set(Some(view));
                loading.set(Loading::Ready);
            }
            Err(ApiFailure::Refused {
                status: 401 | 403 | 404,
                ..
            }) => loading.set(Loading::Invalid),
            Err(_) => loading.set(Loading::Unavailable),
        }
    });
    move || match loading.get() {
        Loading::Waiting => view! {
            <p class="card narrow" role="status">{move || language.texts().loading}</p>
        }
        .into_any(),
        Loading::Invalid => view! { <InvalidLink/> }.into_any(),
        Loading::Unavailable => view! {
            <section class="card narrow">
                <p role="alert">{move || language.texts().team.unavailable}</p>
            </section>
        }
        .into_any(),
        Loading::Ready => view! { <TeamContent team=state/> }.into_any(),
    }
}

#[component]
fn TeamContent(team: Team) -> impl IntoView {
    let language = use_language();
    let (name, leads, member_url) = team.page.with_untracked(|page| {
        page.as_ref().map_or((String::new(), false, None), |p| {
            (
                p.name.clone(),
                p.role == Role::Facilitator,
                p.member_url.clone(),
            )
        })
    });
    let said = team.said;
    view! {
        <div class="team-page">
            <div class="board-heading">
                <h1 id="team-name-heading">{name}</h1>
                <span class="role-badge">
                    {move || {
                        if leads {
                            language.texts().role_facilitator
                        } else {
                            language.texts().team.role_member
                        }
                    }}
                </span>
            </div>
            {leads
                .then(|| {
                    view! {
                        <div class="team-tools">
                            {member_url.map(|url| view! { <TeamLink url=url/> })}
                            <NewMeeting team=team/>
                        </div>
                    }
                })}
            <CompassSection team=team/>
            <MeetingsSection team=team/>
            <CasesSection team=team/>
            <PointsSection team=team leads=leads/>
            <PackSection team=team leads=leads/>
            <div class="team-messages">
                <p role="status" class="saved">
                    {move || match said.get() {
                        Some(Said::Done(text)) => text(&language.texts().team),
                        _ => "",
                    }}
                </p>
                <p role="alert" class="refusal">
                    {move || match said.get() {
                        Some(Said::Refused(failure)) => refusal_text(&failure, language.0.get()),
                        _ => String::new(),
                    }}
                </p>
                <Show when=move || matches!(said.get(), Some(Said::Refused(_)))>
                    <button type="button" class="close-message" on:click=move |_| team.say(None)>
                        {move || language.texts().team.close_message}
                    </button>
                </Show>
            </div>
        </div>
    }
}

/// The team link for members, with a copy button (facilitator).
#[component]
fn TeamLink(url: String) -> impl IntoView {
    let language = use_language();
    view! {
        <section class="card" aria-labelledby="team-link-heading">
            <h2 id="team-link-heading">{move || language.texts().team.link_heading}</h2>
            <p>{move || language.texts().team.link_intro}</p>
            <CopyLink
                input_id="team-link"
                label=Signal::derive(move || language.texts().team.link_label)
                url=url
            />
        </section>
    }
}

/// Starts a meeting of the team and goes into it (facilitator).
#[component]
fn NewMeeting(team: Team) -> impl IntoView {
    let language = use_language();
    let title = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
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
            match api::create_team_meeting(&id, &token, &chosen).await {
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
            />
        </section>
    }
}

/// A part of the draft pack, as a memo: it only changes when that part changes, so
/// controls elsewhere keep their focus when the page comes back from the server.
fn draft_part<T: Clone + PartialEq + Send + Sync + 'static>(
    team: Team,
    part: fn(&Pack) -> T,
) -> Memo<Option<T>> {
    Memo::new(move |_| team.page.with(|page| page.as_ref().map(|p| part(&p.draft))))
}

#[component]
fn CompassSection(team: Team) -> impl IntoView {
    let language = use_language();
    let compass = draft_part(team, |pack| pack.compass.clone());
    view! {
        <section class="card" aria-labelledby="compass-heading">
            <h2 id="compass-heading">{move || language.texts().team.compass_heading}</h2>
            {move || compass.get().map(|compass| view! { <CompassView compass=compass/> })}
        </section>
    }
}

#[component]
fn CompassView(compass: Compass) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    let table = (!compass.table.is_empty()).then(|| {
        let source = compass.source.clone();
        view! {
            <table class="compass-table">
                <caption>
                    {move || match &source {
                        Some(source) => format!("{} ({source})", t().table_caption),
                        None => t().table_caption.to_owned(),
                    }}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">{move || t().too_little}</th>
                        <th scope="col">{move || t().virtue}</th>
                        <th scope="col">{move || t().too_much}</th>
                    </tr>
                </thead>
                <tbody>
                    {compass
                        .table
                        .iter()
                        .map(|row| {
                            view! {
                                <tr>
                                    <td>{row.too_little.clone()}</td>
                                    <th scope="row">{row.virtue.clone()}</th>
                                    <td>{row.too_much.clone()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
    });
    let top = (!compass.top_three.is_empty()).then(|| {
        view! {
            <h3>{move || t().top_three_heading}</h3>
            <ol class="top-three-adopted">
                {compass
                    .top_three
                    .iter()
                    .map(|top| {
                        let names = top.adopters.join(", ");
                        view! {
                            <li>
                                <strong>{top.virtue.clone()}</strong>
                                " – "
                                {move || {
                                    if names.is_empty() {
                                        t().not_adopted.to_owned()
                                    } else {
                                        (t().adopted_by)(&names)
                                    }
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
    });
    let empty = table.is_none() && top.is_none();
    view! {
        {empty.then(|| view! { <p class="muted">{move || t().compass_empty}</p> })}
        {table}
        {top}
    }
}

#[component]
fn MeetingsSection(team: Team) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    // Each meeting with its summary in the draft.
    let meetings = Memo::new(move |_| {
        team.page.with(|page| {
            page.as_ref().map_or_else(Vec::new, |p| {
                p.meetings
                    .iter()
                    .enumerate()
                    .map(|(index, meeting)| {
                        // The server lists both from the same meetings, in the same order
                        // (the draft may name a meeting otherwise: see `pack::build`).
                        let summary = p.draft.meetings.get(index).cloned();
                        (
                            meeting.board_id.clone(),
                            meeting.title.clone(),
                            meeting.date.clone(),
                            meeting.url.clone(),
                            meeting.unreadable,
                            summary,
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
                            .map(|(board, title, date, url, unreadable, summary)| {
                                let present = summary
                                    .as_ref()
                                    .filter(|_| !unreadable)
                                    .map(|s| s.present);
                                let debrief = summary
                                    .as_ref()
                                    .map(|s| s.debrief.clone())
                                    .unwrap_or_default();
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
                                        </p>
                                        {if unreadable {
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

#[component]
fn CasesSection(team: Team) -> impl IntoView {
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

/// A "make it a development point" button for `text`, which came from `source`.
#[component]
fn MakePoint(team: Team, text: String, source: Option<PointSource>) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    let label = text.clone();
    let made = {
        let text = text.clone();
        Memo::new(move |_| {
            team.page.with(|page| {
                page.as_ref()
                    .is_some_and(|p| p.points.iter().any(|point| point.text == text.trim()))
            })
        })
    };
    view! {
        <button
            type="button"
            class="make-point"
            aria-label=move || (t().make_point_from)(&label)
            on:click=move |_| team.add_from(text.clone(), source.clone())
        >
            {move || t().make_point}
        </button>
        <Show when=move || made.get()>
            <span class="made-point">{move || t().already_a_point}</span>
        </Show>
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

#[component]
fn PointsSection(team: Team, leads: bool) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    let points = Memo::new(move |_| {
        team.page
            .with(|page| page.as_ref().map_or_else(Vec::new, |p| p.points.clone()))
    });
    let text = RwSignal::new(String::new());
    let criterion = RwSignal::new(String::new());
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        team.send(
            TeamCommand::AddPoint {
                text: text.get_untracked(),
                criterion: criterion.get_untracked(),
                source: None,
            },
            |t| t.added,
            move || {
                text.set(String::new());
                criterion.set(String::new());
            },
        );
    };
    view! {
        <section class="card" aria-labelledby="points-heading">
            <h2 id="points-heading" tabindex="-1">{move || t().points_heading}</h2>
            <p>{move || t().points_intro}</p>
            <Show when=move || points.with(Vec::is_empty)>
                <p class="muted">{move || t().points_empty}</p>
            </Show>
            <ul class="points">
                <For
                    each=move || points.get()
                    key=|point| point.id.clone()
                    children=move |point| view! { <PointForm team=team point=point leads=leads/> }
                />
            </ul>
            <form class="new-point" aria-labelledby="new-point-heading" on:submit=add>
                <h3 id="new-point-heading">{move || t().new_point_heading}</h3>
                <label for="new-point-text">{move || t().point_label}</label>
                <textarea
                    id="new-point-text"
                    class="short"
                    rows="2"
                    required
                    maxlength="1000"
                    prop:value=move || text.get()
                    on:input=move |event| text.set(event_target_value(&event))
                ></textarea>
                <label for="new-point-criterion">{move || t().criterion_label}</label>
                <textarea
                    id="new-point-criterion"
                    class="short"
                    rows="2"
                    maxlength="1000"
                    prop:value=move || criterion.get()
                    on:input=move |event| criterion.set(event_target_value(&event))
                ></textarea>
                <button type="submit" class="primary">{move || t().add_point}</button>
            </form>
        </section>
    }
}

fn status_code(status: PointStatus) -> &'static str {
    match status {
        PointStatus::Open => "open",
        PointStatus::InProgress => "in_progress",
        PointStatus::Achieved => "achieved",
        PointStatus::NotAchieved => "not_achieved",
    }
}

fn status_label(status: PointStatus, lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => status.label_nl(),
        Lang::En => status.label_en(),
    }
}

/// One development point, editable by everyone; the facilitator may remove it.
#[component]
fn PointForm(team: Team, point: DevelopmentPoint, leads: bool) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    let id = point.id.clone();
    let field = move |what: &str| format!("point-{}-{what}", id);
    let (text_id, criterion_id, status_id, reason_id, needs_id, hint_id) = (
        field("text"),
        field("criterion"),
        field("status"),
        field("reason"),
        field("needs"),
        field("hint"),
    );
    let saved_text = RwSignal::new(point.text.clone());
    let text = RwSignal::new(point.text.clone());
    let criterion = RwSignal::new(point.criterion.clone());
    let status = RwSignal::new(point.status);
    let reason = RwSignal::new(point.reason.clone());
    let needs = RwSignal::new(point.needs.clone());
    let point_id = StoredValue::new(point.id.clone());
    let source = point.source.clone().map(|source| {
        let meeting = team.page.with_untracked(|page| {
            page.as_ref().and_then(|p| {
                p.meetings
                    .iter()
                    .find(|m| m.board_id == source.meeting)
                    .map(|m| format!("{} ({})", m.title, dutch_date(&m.date)))
            })
        });
        (source.kind, meeting)
    });
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let new_text = text.get_untracked();
        team.send(
            TeamCommand::UpdatePoint {
                id: point_id.get_value(),
                text: new_text.clone(),
                criterion: criterion.get_untracked(),
                status: status.get_untracked(),
                reason: reason.get_untracked(),
                needs: needs.get_untracked(),
            },
            |t| t.saved,
            move || saved_text.set(new_text.trim().to_owned()),
        );
    };
    let remove = move |_| {
        team.send(
            TeamCommand::RemovePoint {
                id: point_id.get_value(),
            },
            |t| t.removed,
            || browser::focus_soon("points-heading".to_owned()),
        );
    };
    let statuses = PointStatus::ALL.map(|choice| {
        view! {
            <option value=status_code(choice) selected=point.status == choice>
                {move || status_label(choice, language.0.get())}
            </option>
        }
    });
    view! {
        <li class="point">
            <form aria-label=move || (t().point_named)(&saved_text.get()) on:submit=save>
                {source
                    .map(|(kind, meeting)| {
                        view! {
                            <p class="muted point-source">
                                {move || match kind {
                                    SourceKind::Lesson => t().source_lesson,
                                    SourceKind::Decision => t().source_decision,
                                    SourceKind::Debrief => t().source_debrief,
                                }}
                                {meeting.map(|m| format!(": {m}"))}
                            </p>
                        }
                    })}
                <label for=text_id.clone()>{move || t().point_label}</label>
                <textarea
                    id=text_id
                    class="short"
                    rows="2"
                    required
                    maxlength="1000"
                    prop:value=move || text.get()
                    on:input=move |event| text.set(event_target_value(&event))
                ></textarea>
                <div class="point-row">
                    <div>
                        <label for=criterion_id.clone()>{move || t().criterion_label}</label>
                        <textarea
                            id=criterion_id
                            class="short"
                            rows="2"
                            maxlength="1000"
                            prop:value=move || criterion.get()
                            on:input=move |event| criterion.set(event_target_value(&event))
                        ></textarea>
                    </div>
                    <div>
                        <label for=status_id.clone()>{move || t().status_label}</label>
                        <select
                            id=status_id
                            on:change=move |event| {
                                let chosen = event_target_value(&event);
                                if let Some(choice) = PointStatus::ALL
                                    .into_iter()
                                    .find(|s| status_code(*s) == chosen)
                                {
                                    status.set(choice);
                                }
                            }
                        >
                            {statuses}
                        </select>
                    </div>
                </div>
                <Show when=move || status.get() == PointStatus::NotAchieved>
                    <p id=hint_id.clone() class="hint not-achieved-hint">
                        {move || t().not_achieved_hint}
                    </p>
                    <label for=reason_id.clone()>{move || t().reason_label}</label>
                    <textarea
                        id=reason_id.clone()
                        class="short"
                        maxlength="1000"
                        aria-describedby=hint_id.clone()
                        prop:value=move || reason.get()
                        on:input=move |event| reason.set(event_target_value(&event))
                    ></textarea>
                    <label for=needs_id.clone()>{move || t().needs_label}</label>
                    <textarea
                        id=needs_id.clone()
                        class="short"
                        maxlength="1000"
                        aria-describedby=hint_id.clone()
                        prop:value=move || needs.get()
                        on:input=move |event| needs.set(event_target_value(&event))
                    ></textarea>
                </Show>
                <div class="button-row">
                    <button type="submit" class="primary">{move || t().save}</button>
                    {leads
                        .then(|| {
                            view! {
                                <button type="button" class="danger" on:click=remove>
                                    {move || t().remove}
                                </button>
                            }
                        })}
                </div>
            </form>
        </li>
    }
}

/// The download formats: the `format` parameter and its button's place in the texts.
const FORMATS: [&str; 6] = ["pdf", "docx", "md", "csv", "json", "zip"];

#[component]
fn PackSection(team: Team, leads: bool) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    let approval = Memo::new(move |_| {
        team.page
            .with(|page| page.as_ref().and_then(|p| p.approval.clone()))
            .map(|a| (a.approved_on, a.up_to_date))
    });
    let approve = move |_| team.send(TeamCommand::Approve, |t| t.approved, || ());
    let withdraw = move |_| {
        team.send(
            TeamCommand::WithdrawApproval,
            |t| t.withdrawn,
            || browser::focus_soon("approve".to_owned()),
        )
    };
    let downloads = FORMATS
        .iter()
        .enumerate()
        .map(|(index, format)| {
            let format = *format;
            view! {
                <button
                    type="button"
                    class:primary=format == "zip"
                    aria-describedby="downloads-explained"
                    disabled=move || !team.approved()
                    on:click=move |_| team.download(format)
                >
                    {move || t().download_buttons[index]}
                </button>
            }
        })
        .collect_view();
    view! {
        <section class="card pack" aria-labelledby="pack-heading">
            <h2 id="pack-heading">{move || t().pack_heading}</h2>
            <p>{move || t().pack_intro}</p>
            <PackDraft team=team/>
            <h3 id="approval-heading">{move || t().approval_heading}</h3>
            <p class="approval-state">
                {move || match approval.get() {
                    None => t().not_approved.to_owned(),
                    Some((on, _)) => (t().approved_on)(&dutch_date(&on)),
                }}
            </p>
            <Show when=move || approval.get().is_some_and(|(_, up_to_date)| !up_to_date)>
                <p class="notice">{move || t().changed_since}</p>
            </Show>
            {if leads {
                view! {
                    <div class="button-row">
                        <button type="button" id="approve" class="primary" on:click=approve>
                            {move || {
                                if approval.get().is_some() { t().approve_again } else { t().approve }
                            }}
                        </button>
                        <Show when=move || approval.get().is_some()>
                            <button type="button" on:click=withdraw>
                                {move || t().withdraw}
                            </button>
                        </Show>
                    </div>
                }
                    .into_any()
            } else {
                view! { <p class="muted">{move || t().only_facilitator_approves}</p> }.into_any()
            }}
            <h3>{move || t().downloads_heading}</h3>
            <p id="downloads-explained">
                {move || {
                    if approval.get().is_some() { t().downloads_open } else { t().downloads_locked }
                }}
            </p>
            <div class="button-row downloads">{downloads}</div>
        </section>
    }
}

/// The draft pack as the team will send it: period, meetings, the three questions and
/// what was left out.
#[component]
fn PackDraft(team: Team) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    let pack = draft_part(team, |pack| {
        (
            pack.period.clone(),
            pack.meetings
                .iter()
                .map(|m| {
                    // The pack's own Dutch words, as the report will have them.
                    if m.unreadable {
                        format!("{} – {UNREADABLE_MEETING}", m.title)
                    } else {
                        format!("{} ({})", m.title, dutch_date(&m.date))
                    }
                })
                .collect::<Vec<_>>(),
            [
                pack.quality.doing_well.clone(),
                pack.quality.can_improve.clone(),
                pack.quality.proud_of.clone(),
            ],
            pack.withheld
                .iter()
                .map(|w| (w.meeting.clone(), w.place.clone(), w.kinds.join(", ")))
                .collect::<Vec<_>>(),
        )
    });
    move || {
        let (period, meetings, quality, withheld) = pack.get()?;
        let list = |items: Vec<String>| {
            if items.is_empty() {
                view! { <p class="muted">{move || t().nothing_yet}</p> }.into_any()
            } else {
                view! {
                    <ul>{items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}</ul>
                }
                .into_any()
            }
        };
        let count = meetings.len();
        Some(view! {
            <div class="pack-draft">
                {match period {
                    Some(period) => {
                        let (from, to) = (dutch_date(&period.from), dutch_date(&period.to));
                        view! { <p>{move || (t().period)(&from, &to)}</p> }.into_any()
                    }
                    None => view! { <p class="muted">{move || t().meetings_empty}</p> }.into_any(),
                }}
                {(count > 0)
                    .then(|| {
                        view! {
                            <p class="covered">{move || (t().meetings_covered)(count)}</p>
                            {list(meetings)}
                        }
                    })}
                {quality
                    .into_iter()
                    .enumerate()
                    .map(|(index, items)| {
                        view! {
                            <h3>{move || t().quality_questions[index]}</h3>
                            {list(items)}
                        }
                    })
                    .collect_view()}
                <h3>{move || t().withheld_heading}</h3>
                {if withheld.is_empty() {
                    view! { <p class="muted">{move || t().nothing_withheld}</p> }.into_any()
                } else {
                    view! {
                        <p>{move || t().withheld_intro}</p>
                        <ul>
                            {withheld
                                .into_iter()
                                .map(|(meeting, place, kinds)| {
                                    view! {
                                        <li>{move || (t().withheld_item)(&meeting, &place, &kinds)}</li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </div>
        })
    }
}
