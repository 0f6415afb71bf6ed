//! The board screen: finds out who the visitor is (token from the link, name from the
//! device), then shows the live board with presence, connection state and, for the
//! facilitator, the invitation.

use leerkring_shared::api::BoardInfo;
use leerkring_shared::ids::Role;
use leerkring_shared::model::{color_for, Presence};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::activities::StepWorkspace;
use crate::api::{self, ApiFailure};
use crate::browser;
use crate::components::agenda::AgendaPanel;
use crate::components::connection_status::ConnectionStatus;
use crate::components::invite::Invite;
use crate::components::participants::ParticipantsPanel;
use crate::components::presence::PresenceList;
use crate::components::timer::TimerPanel;
use crate::i18n::{use_language, Lang};
use crate::screens::join::{member_key, participant_id, remembered_name, JoinForm};
use crate::sync::Provider;

/// What is known about the board so far.
#[derive(Clone)]
enum Loading {
    Waiting,
    Ready(BoardInfo),
    /// The link is wrong: unknown board or bad token.
    Invalid,
    /// The server could not be reached and this device has not seen the board before.
    Unavailable,
}

fn token_key(board: &str) -> String {
    format!("leerkring.token.{board}")
}

fn info_key(board: &str) -> String {
    format!("leerkring.info.{board}")
}

/// The boards this device has opened before, other than `except`: id, title and token,
/// by title.
pub fn remembered_boards(except: &str) -> Vec<(String, String, String)> {
    let mut boards: Vec<(String, String, String)> = browser::keys_with_prefix(&info_key(""))
        .into_iter()
        .filter_map(|key| {
            let board = key.strip_prefix(&info_key(""))?.to_owned();
            let info: BoardInfo = serde_json::from_str(&browser::load(&key)?).ok()?;
            let token = browser::load(&token_key(&board))?;
            (board != except).then_some((board, info.title, token))
        })
        .collect();
    boards.sort_by(|a, b| a.1.cmp(&b.1));
    boards
}

/// The token from the link, remembered so the board also opens from a bookmark.
fn board_token(board: &str) -> Option<String> {
    match browser::fragment_token() {
        Some(token) => {
            browser::save(&token_key(board), &token);
            Some(token)
        }
        None => browser::load(&token_key(board)),
    }
}

/// Asks the server about the board; falls back to what this device remembered when the
/// server cannot be reached, so a board seen before also opens offline.
async fn load_board(board: String, token: String) -> Loading {
    match api::board_info(&board, &token).await {
        Ok(info) => {
            if let Ok(json) = serde_json::to_string(&info) {
                browser::save(&info_key(&board), &json);
            }
            Loading::Ready(info)
        }
        Err(ApiFailure::Refused {
            status: 401 | 404, ..
        }) => Loading::Invalid,
        Err(_) => browser::load(&info_key(&board))
            .and_then(|json| serde_json::from_str::<BoardInfo>(&json).ok())
            .map_or(Loading::Unavailable, Loading::Ready),
    }
}

#[component]
pub fn BoardPage(board: String) -> impl IntoView {
    let language = use_language();
    let loading = RwSignal::new(Loading::Waiting);
    let token = board_token(&board);
    match token.clone() {
        None => loading.set(Loading::Invalid),
        Some(token) => spawn_local(async move { loading.set(load_board(board, token).await) }),
    }
    let name = RwSignal::new(remembered_name());

    move || match loading.get() {
        Loading::Waiting => view! {
            <p class="card narrow" role="status">{move || language.texts().loading}</p>
        }
        .into_any(),
        Loading::Invalid => view! {
            <section class="card narrow" aria-labelledby="invalid-heading">
                <h1 id="invalid-heading">{move || language.texts().link_invalid_heading}</h1>
                <p>{move || language.texts().link_invalid}</p>
                <a href="/">{move || language.texts().back_to_start}</a>
            </section>
        }
        .into_any(),
        Loading::Unavailable => view! {
            <section class="card narrow">
                <p role="alert">{move || language.texts().board_unavailable}</p>
            </section>
        }
        .into_any(),
        Loading::Ready(info) => {
            browser::set_title(&format!("{} · Leerkring", info.title));
            let token = token.clone().unwrap_or_default();
            (move || match name.get() {
                None => view! { <JoinForm name=name title=info.title.clone()/> }.into_any(),
                Some(chosen) => view! {
                    <BoardView info=info.clone() token=token.clone() name=chosen/>
                }
                .into_any(),
            })
            .into_any()
        }
    }
}

#[component]
fn BoardView(info: BoardInfo, token: String, name: String) -> impl IntoView {
    let language = use_language();
    let participant = participant_id();
    let me = Presence {
        name,
        color: color_for(&participant).to_owned(),
        participant,
        editing: None,
    };
    let provider = Provider::start(info.board_id.as_str(), &token, &member_key(), me);
    let meeting = provider.meeting();
    // The role can change during the meeting (handed over, taken back).
    let leads = move || {
        meeting.with(|m| {
            m.as_ref()
                .map_or(info.role == Role::Facilitator, |m| m.you.facilitator)
        })
    };
    let invite = info
        .join_url
        .clone()
        .zip(info.join_qr_svg.clone())
        .filter(|_| info.role == Role::Facilitator);
    let refusal = provider.refusal();
    // Back to the team page, for whoever opened it on this device (it holds their token).
    let team_page = info
        .team_id
        .as_ref()
        .filter(|team| crate::screens::team::knows_team(team.as_str()))
        .map(|team| format!("/t/{team}"));
    view! {
        <div class="board-layout">
            <div class="board-main">
                {team_page.map(|href| view! {
                    <a class="back-to-team" href=href>{move || language.texts().team.back_to_team}</a>
                })}
                <div class="board-heading">
                    <h1 id="board-title">{info.title.clone()}</h1>
                    <span class="role-badge">
                        {move || if leads() { language.texts().role_facilitator } else { language.texts().role_participant }}
                    </span>
                </div>
                <ConnectionStatus status=provider.status()/>
                <p class="refusal" role="alert">
                    {move || refusal.get().map(|r| {
                        let reason = match (language.0.get(), r.reason_nl) {
                            (Lang::Nl, Some(dutch)) => dutch,
                            _ => r.reason,
                        };
                        format!("{} {reason}", language.texts().refused)
                    })}
                </p>
                <div class="step-row">
                    <AgendaPanel provider=provider.clone()/>
                    <TimerPanel provider=provider.clone()/>
                </div>
                <StepWorkspace provider=provider.clone()/>
            </div>
            <aside class="board-side">
                {invite.map(|(url, qr)| view! { <Invite join_url=url qr_svg=qr/> })}
                <ParticipantsPanel provider=provider.clone()/>
                <PresenceList peers=provider.peers()/>
            </aside>
        </div>
    }
}
