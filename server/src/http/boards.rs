//! A meeting's routes: creating it, what a link may see of it (its info, meeting state and
//! document), its commands, deleting it, replacing its participant link, and the checks
//! before its WebSocket upgrade (404, 401, 410, 422).

use axum::extract::rejection::JsonRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::WebSocketUpgrade;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use leerkring_shared::api::{BoardCreated, BoardInfo, CreateBoard};
use leerkring_shared::ids::TeamId;
use leerkring_shared::ids::{is_token_shaped, BoardId, Role, BOARD_ID_BYTES, TOKEN_BYTES};
use leerkring_shared::meeting::{Caller, Command, MeetingView};
use leerkring_shared::refusal::Refusal as CommandRefusal;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{base_url, bearer_token, qr_svg, random_id, unprocessable, AppState, Refusal};
use crate::clock;
use crate::lifecycle;
use crate::rooms::JoinError;
use crate::storage::{BoardMeta, Removal, StoreError};

/// A WebSocket's read buffer. tungstenite's default (128 KiB) is zero-filled before every
/// read, so each connection, however idle, kept 128 KiB resident; y-websocket messages
/// are small, and a larger frame still gets room for its whole length when its header
/// arrives (docs/BENCHMARKS.md, scenario C).
const SOCKET_READ_BUFFER_BYTES: usize = 4 * 1024;

/// Stores a new board (of `team`, if given) and answers with its links.
pub(super) async fn new_board(
    state: &AppState,
    headers: &HeaderMap,
    request: &CreateBoard,
    team: Option<TeamId>,
) -> Result<BoardCreated, Refusal> {
    let title = request.clean_title().map_err(unprocessable)?;
    let meta = BoardMeta {
        id: BoardId::parse(&random_id(BOARD_ID_BYTES))
            .map_err(|error| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?,
        title,
        created_at: clock::now_seconds(),
        facilitator_token: random_id(TOKEN_BYTES),
        participant_token: random_id(TOKEN_BYTES),
        team,
    };
    state.store.create_board(&meta).await?;
    tracing::info!(board = %meta.id, "board created");
    // Stored with the board's first meeting state: a board without one is from before the
    // waiting room, and has none.
    let creator = Caller {
        facilitator_token: true,
        member: None,
    };
    let waiting_room = Command::SetWaitingRoom {
        on: request.waiting_room,
    };
    match state.rooms.command(&meta.id, creator, waiting_room).await {
        Ok(Ok(_)) => {}
        Ok(Err(refused)) => return Err(refused.into()),
        Err(error) => return Err(room_unavailable(error)),
    }
    let base = base_url(state, headers);
    Ok(BoardCreated {
        facilitator_url: board_link(&base, &meta.id, &meta.facilitator_token),
        join_url: board_link(&base, &meta.id, &meta.participant_token),
        board_id: meta.id,
        facilitator_token: meta.facilitator_token,
        participant_token: meta.participant_token,
    })
}

pub(super) async fn create_board(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<CreateBoard>, JsonRejection>,
) -> Result<(StatusCode, Json<BoardCreated>), Refusal> {
    let Json(request) =
        body.map_err(|rejection| Refusal::new(rejection.status(), rejection.body_text()))?;
    let created = new_board(&state, &headers, &request, None).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The link to a board; the token goes in the fragment, which browsers never send.
pub(super) fn board_link(base: &str, board: &BoardId, token: &str) -> String {
    format!("{base}/b/{board}#token={token}")
}

/// Looks up a board and the role a token grants on it: 404 for an unknown board, 410 for
/// a deleted one, 401 for a missing or wrong token.
async fn authorize(
    state: &AppState,
    board_id: &str,
    token: Option<&str>,
) -> Result<(BoardMeta, Role), Refusal> {
    let unknown = || Refusal::new(StatusCode::NOT_FOUND, "no such board");
    let board = BoardId::parse(board_id).map_err(|_| unknown())?;
    let Some(meta) = state.store.board_meta(&board).await? else {
        return Err(match state.store.board_tombstone(&board).await? {
            Some(_) => CommandRefusal::gone().into(),
            None => unknown(),
        });
    };
    let role = token
        .filter(|token| is_token_shaped(token))
        .and_then(|token| meta.role_of(token))
        .ok_or_else(|| Refusal::new(StatusCode::UNAUTHORIZED, "missing or wrong token"))?;
    Ok((meta, role))
}

pub(super) async fn board_info(
    State(state): State<AppState>,
    Path(board_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<BoardInfo>, Refusal> {
    let (meta, role) = authorize(&state, &board_id, bearer_token(&headers)).await?;
    Ok(Json(info_for(&state, &headers, meta, role)))
}

/// What the holder of `role` sees of the board: the facilitator also its participant
/// link, with its QR code.
fn info_for(state: &AppState, headers: &HeaderMap, meta: BoardMeta, role: Role) -> BoardInfo {
    let join_url = (role == Role::Facilitator)
        .then(|| board_link(&base_url(state, headers), &meta.id, &meta.participant_token));
    let join_qr_svg = join_url.as_deref().and_then(qr_svg);
    BoardInfo {
        board_id: meta.id,
        title: meta.title,
        role,
        join_url,
        join_qr_svg,
        team_id: meta.team,
    }
}

#[derive(Deserialize)]
pub(super) struct TokenQuery {
    token: Option<String>,
    /// The person's own key (see [`member_id`]).
    member: Option<String>,
}

/// Header carrying the person's key on HTTP requests.
const MEMBER_HEADER: &str = "x-leerkring-member";

/// The public id of the person holding `key` on `board`. The key is a secret the person's
/// device made up (at least 128 random bits); others only ever see this digest of it, so
/// nobody can vote or act as someone else.
fn member_id(board: &BoardId, key: Option<&str>) -> Result<Option<String>, Refusal> {
    let Some(key) = key else { return Ok(None) };
    let well_formed = (22..=128).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !well_formed {
        return Err(Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "member key must be 22 to 128 URL-safe characters",
        ));
    }
    let digest = Sha256::digest(format!("{board}:{key}").as_bytes());
    Ok(Some(
        digest[..12].iter().map(|b| format!("{b:02x}")).collect(),
    ))
}

fn caller_for(board: &BoardId, role: Role, key: Option<&str>) -> Result<Caller, Refusal> {
    Ok(Caller {
        facilitator_token: role == Role::Facilitator,
        member: member_id(board, key)?,
    })
}

fn member_key(headers: &HeaderMap) -> Option<&str> {
    headers.get(MEMBER_HEADER)?.to_str().ok()
}

fn room_unavailable(error: JoinError) -> Refusal {
    Refusal::new(StatusCode::SERVICE_UNAVAILABLE, error.to_string())
}

pub(super) async fn run_command(
    State(state): State<AppState>,
    Path(board_id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<Command>, JsonRejection>,
) -> Result<Json<MeetingView>, Refusal> {
    let (meta, role) = authorize(&state, &board_id, bearer_token(&headers)).await?;
    let caller = caller_for(&meta.id, role, member_key(&headers))?;
    let member = caller.member.as_deref().unwrap_or("-");
    state
        .quotas
        .check_command(&format!("board {} {role:?} {member}", meta.id))?;
    let Json(command) =
        body.map_err(|rejection| Refusal::new(rejection.status(), rejection.body_text()))?;
    match state.rooms.command(&meta.id, caller, command).await {
        Ok(Ok(view)) => Ok(Json(view)),
        Ok(Err(refused)) => Err(refused.into()),
        Err(error) => Err(room_unavailable(error)),
    }
}

pub(super) async fn meeting_state(
    State(state): State<AppState>,
    Path(board_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<MeetingView>, Refusal> {
    let (meta, role) = authorize(&state, &board_id, bearer_token(&headers)).await?;
    let caller = caller_for(&meta.id, role, member_key(&headers))?;
    let view = state
        .rooms
        .view(&meta.id, caller)
        .await
        .map_err(room_unavailable)?;
    Ok(Json(view))
}

/// The board's shared document as one Yjs update (v1), for instance to copy an earlier
/// meeting's virtue table into a new one. Anyone with a link to the board may read it, as
/// they may over the WebSocket.
pub(super) async fn board_document(
    State(state): State<AppState>,
    Path(board_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let (meta, role) = authorize(&state, &board_id, bearer_token(&headers)).await?;
    let caller = caller_for(&meta.id, role, member_key(&headers))?;
    let update = state
        .rooms
        .document(&meta.id, caller)
        .await
        .map_err(room_unavailable)??
        .ok_or_else(|| {
            Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the document cannot be read now; try again",
            )
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        update,
    )
        .into_response())
}

pub(super) async fn open_socket(
    State(state): State<AppState>,
    Path(board_id): Path<String>,
    Query(query): Query<TokenQuery>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, Refusal> {
    let (meta, role) = authorize(&state, &board_id, query.token.as_deref()).await?;
    let caller = caller_for(&meta.id, role, query.member.as_deref())?;
    let board = meta.id;
    let upgrade =
        upgrade.map_err(|rejection| Refusal::new(rejection.status(), rejection.body_text()))?;
    let max = state.limits.max_frame_bytes;
    let limits = state.limits.clone();
    let rooms = state.rooms.clone();
    Ok(upgrade
        .max_message_size(max)
        .max_frame_size(max)
        .read_buffer_size(SOCKET_READ_BUFFER_BYTES)
        .on_upgrade(move |socket| crate::connection::serve(socket, rooms, board, caller, limits)))
}

/// Deletes the meeting, for good. Its facilitator only.
pub(super) async fn delete_board(
    State(state): State<AppState>,
    Path(board_id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, Refusal> {
    let (meta, role) = authorize(&state, &board_id, bearer_token(&headers)).await?;
    if role != Role::Facilitator {
        return Err(CommandRefusal::forbidden(
            "only the facilitator may delete the meeting",
            "Alleen de begeleider kan de bijeenkomst verwijderen.",
        )
        .into());
    }
    lifecycle::delete_board(
        &state.store,
        &state.rooms,
        &state.teams,
        &meta,
        Removal::Deleted,
    )
    .await?;
    tracing::info!(board = %meta.id, "board deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the participant link: the old one stops working at once, and the
/// connections that came with it are closed. Its facilitator only; answers as
/// `GET /api/boards/{id}` with the new link.
pub(super) async fn new_participant_link(
    State(state): State<AppState>,
    Path(board_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<BoardInfo>, Refusal> {
    let (mut meta, role) = authorize(&state, &board_id, bearer_token(&headers)).await?;
    if role != Role::Facilitator {
        return Err(CommandRefusal::forbidden(
            "only the facilitator may replace the participant link",
            "Alleen de begeleider kan een nieuwe deelnemerslink maken.",
        )
        .into());
    }
    meta.participant_token = random_id(TOKEN_BYTES);
    match state.store.replace_board_meta(&meta).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Err(CommandRefusal::gone().into()),
        Err(error) => return Err(error.into()),
    }
    state.rooms.links_replaced(&meta.id).await;
    tracing::info!(board = %meta.id, "participant link replaced");
    Ok(Json(info_for(&state, &headers, meta, Role::Facilitator)))
}
