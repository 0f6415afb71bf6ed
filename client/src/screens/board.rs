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
use crate::components::closing::ClosingSummary;
use crate::components::connection_status::ConnectionStatus;
use crate::components::delete_board::DeleteBoard;
use crate::components::forget_board::ForgetBoard;
use crate::components::invite::Invite;
use crate::components::participants::ParticipantsPanel;
use crate::components::presence::PresenceList;
use crate::components::timer::TimerPanel;
use crate::components::waiting_room::{WaitingRoomPanel, WaitingScreen};
use crate::device::{self, Link};
use crate::i18n::{use_language, Lang, Texts};
use crate::screens::join::JoinForm;
use crate::screens::loading::{Deleted, Loading};
use crate::sync::{self, Ending, Provider, Status};

/// Asks the server about the board; falls back to what this device remembered when the
/// server cannot be reached, so a board seen before also opens offline.
async fn load_board(board: String, token: String) -> Loading<BoardInfo> {
    match api::board_info(&board, &token).await {
        Ok(info) => {
            device::remember_board_info(&board, &info);
            Loading::Ready(info)
        }
        Err(ApiFailure::Refused {
            status: 401 | 404, ..
        }) => Loading::Invalid,
        Err(ApiFailure::Refused { status: 410, .. }) => {
            // Deleted: nothing of it stays on this device either.
            sync::forget_board(&board).await;
            Loading::Gone
        }
        Err(_) => {
            device::remembered_board_info(&board).map_or(Loading::Unavailable, Loading::Ready)
        }
    }
}

#[component]
pub fn BoardPage(board: String) -> impl IntoView {
    let loading = RwSignal::new(Loading::Waiting);
    let token = device::link_token(Link::Board, &board);
    if token.is_some() {
        device::remember_opened(&board);
    }
    match token.clone() {
        None => loading.set(Loading::Invalid),
        Some(token) => spawn_local(async move { loading.set(load_board(board, token).await) }),
    }
    let name = RwSignal::new(device::remembered_name());

    move || {
        let token = token.clone().unwrap_or_default();
        loading.get().view(
            |texts| texts.board_unavailable,
            meeting_deleted,
            move |info| {
                browser::set_title(&format!("{} · Leerkring", info.title));
                (move || match name.get() {
                    None => view! { <JoinForm name=name title=info.title.clone()/> }.into_any(),
                    Some(chosen) => view! {
                        <BoardView info=info.clone() token=token.clone() name=chosen/>
                    }
                    .into_any(),
                })
                .into_any()
            },
        )
    }
}

fn meeting_deleted(texts: &Texts) -> (&'static str, &'static str) {
    (
        texts.lifecycle.deleted_heading,
        texts.lifecycle.deleted_text,
    )
}

#[component]
fn BoardView(info: BoardInfo, token: String, name: String) -> impl IntoView {
    let language = use_language();
    let participant = device::participant_id();
    let me = Presence {
        name,
        color: color_for(&participant).to_owned(),
        participant,
        editing: None,
    };
    let provider = Provider::start(info.board_id.as_str(), &token, &device::member_key(), me);
    let meeting = provider.meeting();
    // The role can change during the meeting (handed over, taken back).
    let leads = move || {
        meeting.with(|m| {
            m.as_ref()
                .map_or(info.role == Role::Facilitator, |m| m.you.facilitator)
        })
    };
    let holds_facilitator_link = info.role == Role::Facilitator;
    let invite = info
        .join_url
        .clone()
        .zip(info.join_qr_svg.clone())
        .filter(|_| holds_facilitator_link);
    let own_url = device::link_with_token(Link::Board, info.board_id.as_str(), &token);
    let status = provider.status();
    // The server closed every connection: the meeting was deleted (here or elsewhere).
    let deleted = move || status.get() == Status::Ended(Ending::Deleted);
    let waiting = move || meeting.with(|m| m.as_ref().is_some_and(|m| m.you.waiting));
    let in_team = info.team_id.is_some();
    let finished = Memo::new(move |_| meeting.with(|m| m.as_ref().is_some_and(|m| m.finished)));
    let board_id = info.board_id.to_string();
    let refusal = provider.refusal();
    // Back to the team page, for whoever opened it on this device (it holds their token).
    let team_page = info
        .team_id
        .as_ref()
        .filter(|team| device::knows(Link::Team, team.as_str()))
        .map(|team| format!("/t/{team}"));
    view! {
        <Show when=deleted>
            <Deleted texts=meeting_deleted/>
        </Show>
        <Show when=move || waiting() && !deleted()>
            <WaitingScreen status=status/>
        </Show>
        <div class="board-layout" hidden=move || deleted() || waiting()>
            <div class="board-main">
                {team_page.map(|href| view! {
                    <a class="back-to-team" href=href>{move || language.texts().team.back_to_team}</a>
                })}
                <div class="board-heading">
                    <h1 id="board-title" tabindex="-1">{info.title.clone()}</h1>
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
                {
                    let provider = provider.clone();
                    move || if finished.get() {
                        view! { <ClosingSummary provider=provider.clone() in_team=in_team/> }.into_any()
                    } else {
                        view! {
                            <div class="step-row">
                                <AgendaPanel provider=provider.clone()/>
                                <TimerPanel provider=provider.clone()/>
                            </div>
                            <StepWorkspace provider=provider.clone()/>
                        }.into_any()
                    }
                }
            </div>
            <aside class="board-side">
                {invite.map(|(url, qr)| view! {
                    <Invite
                        board=board_id.clone()
                        token=token.clone()
                        join_url=url
                        qr_svg=qr
                        own_url=own_url
                    />
                })}
                <WaitingRoomPanel provider=provider.clone()/>
                <ParticipantsPanel provider=provider.clone()/>
                <PresenceList peers=provider.peers()/>
                <ForgetBoard provider=provider.clone()/>
                {holds_facilitator_link.then(|| view! {
                    <DeleteBoard board=board_id.clone() token=token.clone()/>
                })}
            </aside>
        </div>
    }
}
