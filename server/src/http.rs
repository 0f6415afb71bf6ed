//! The HTTP surface: boards, teams and their visitation pack, the health check and the
//! WebSocket upgrade.
//! Every refusal is a JSON `{"error": "..."}` with a fitting status (docs/PROTOCOL.md).

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use leerkring_shared::api::{
    ApiError, ApprovalView, BoardCreated, BoardInfo, CreateBoard, CreateTeam, TeamCreated,
    TeamMeeting, TeamView,
};
use leerkring_shared::ids::{is_token_shaped, BoardId, Role, TeamId, BOARD_ID_BYTES, TOKEN_BYTES};
use leerkring_shared::meeting::{Caller, Command, MeetingView};
use leerkring_shared::refusal::Refusal as CommandRefusal;
use leerkring_shared::team::{self, Team, TeamCommand};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::clock;
use crate::config::Limits;
use crate::export::{self, Format};
use crate::quotas::{too_many_requests, HttpQuotas, Throttled};
use crate::rooms::{JoinError, Rooms};
use crate::storage::{BoardMeta, Store, StoreError, StoredTeam, TeamMeta};
use crate::teams::{pack_of, TeamError, Teams};

/// A WebSocket's read buffer. tungstenite's default (128 KiB) is zero-filled before every
/// read, so each connection, however idle, kept 128 KiB resident; y-websocket messages
/// are small, and a larger frame still gets room for its whole length when its header
/// arrives (docs/BENCHMARKS.md, scenario C).
const SOCKET_READ_BUFFER_BYTES: usize = 4 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub rooms: Rooms,
    pub teams: Teams,
    pub limits: Limits,
    pub quotas: Arc<HttpQuotas>,
    pub public_url: Option<String>,
}

pub fn router(state: AppState) -> Router {
    // One allowance per client address across everything that creates something.
    let creating = state.quotas.creation_layer();
    let max_body_bytes = state.limits.max_body_bytes;
    Router::new()
        .route("/api/boards", post(create_board).layer(creating.clone()))
        .route("/api/boards/{board_id}", get(board_info))
        .route("/api/boards/{board_id}/commands", post(run_command))
        .route("/api/boards/{board_id}/state", get(meeting_state))
        .route("/api/boards/{board_id}/document", get(board_document))
        .route("/api/teams", post(create_team).layer(creating.clone()))
        .route("/api/teams/{team_id}", get(team_page))
        .route("/api/teams/{team_id}/commands", post(run_team_command))
        .route(
            "/api/teams/{team_id}/meetings",
            post(create_team_meeting).layer(creating),
        )
        .route("/api/teams/{team_id}/export", get(export_pack))
        .route("/ws/{board_id}", get(open_socket))
        .route("/healthz", get(health))
        // Through the extractor, so an oversized body is refused with our JSON error.
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state)
}

/// A refused request.
pub enum Refusal {
    /// A status and the reason, in Dutch too where there is one.
    Refused(StatusCode, String, Option<String>),
    /// Over a rate limit: `429` with `Retry-After`.
    Throttled(Throttled),
}

impl Refusal {
    fn new(status: StatusCode, error: impl Into<String>) -> Self {
        Self::Refused(status, error.into(), None)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Refused(status, error, error_nl) => {
                (status, Json(ApiError { error, error_nl })).into_response()
            }
            Refusal::Throttled(throttled) => too_many_requests(
                throttled,
                "too many commands; slow down",
                "Te veel opdrachten achter elkaar; wacht even.",
            ),
        }
    }
}

impl From<Throttled> for Refusal {
    fn from(throttled: Throttled) -> Self {
        Refusal::Throttled(throttled)
    }
}

impl From<CommandRefusal> for Refusal {
    fn from(refused: CommandRefusal) -> Self {
        Refusal::Refused(
            StatusCode::from_u16(refused.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
            refused.reason,
            refused.reason_nl,
        )
    }
}

impl From<TeamError> for Refusal {
    fn from(error: TeamError) -> Self {
        match error {
            TeamError::Refused(refused) => refused.into(),
            TeamError::Store(StoreError::NotFound) => no_such_team(),
            TeamError::Store(StoreError::Conflict) => Refusal::new(
                StatusCode::CONFLICT,
                "the team was changed by many others at once; try again",
            ),
            TeamError::Store(error) => error.into(),
            TeamError::Unavailable => {
                Refusal::new(StatusCode::SERVICE_UNAVAILABLE, error.to_string())
            }
        }
    }
}

impl From<StoreError> for Refusal {
    fn from(error: StoreError) -> Self {
        tracing::error!(%error, "storage error while serving a request");
        Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage is unavailable; try again shortly",
        )
    }
}

fn random_id(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}

fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| {
            host.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// A refused title or name: `422` with the English reason only.
fn unprocessable(refused: CommandRefusal) -> Refusal {
    Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, refused.reason)
}

/// Stores a new board (of `team`, if given) and answers with its links.
async fn new_board(
    state: &AppState,
    headers: &HeaderMap,
    title: String,
    team: Option<TeamId>,
) -> Result<BoardCreated, Refusal> {
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
    let base = base_url(state, headers);
    Ok(BoardCreated {
        facilitator_url: board_link(&base, &meta.id, &meta.facilitator_token),
        join_url: board_link(&base, &meta.id, &meta.participant_token),
        board_id: meta.id,
        facilitator_token: meta.facilitator_token,
        participant_token: meta.participant_token,
    })
}

async fn create_board(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<CreateBoard>, JsonRejection>,
) -> Result<(StatusCode, Json<BoardCreated>), Refusal> {
    let Json(request) =
        body.map_err(|rejection| Refusal::new(rejection.status(), rejection.body_text()))?;
    let title = request.clean_title().map_err(unprocessable)?;
    let created = new_board(&state, &headers, title, None).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The link to a board; the token goes in the fragment, which browsers never send.
fn board_link(base: &str, board: &BoardId, token: &str) -> String {
    format!("{base}/b/{board}#token={token}")
}

/// Looks up a board and the role a token grants on it: 404 for an unknown board, 401 for
/// a missing or wrong token.
async fn authorize(
    state: &AppState,
    board_id: &str,
    token: Option<&str>,
) -> Result<(BoardMeta, Role), Refusal> {
    let unknown = || Refusal::new(StatusCode::NOT_FOUND, "no such board");
    let board = BoardId::parse(board_id).map_err(|_| unknown())?;
    let meta = state.store.board_meta(&board).await?.ok_or_else(unknown)?;
    let role = token
        .filter(|token| is_token_shaped(token))
        .and_then(|token| meta.role_of(token))
        .ok_or_else(|| Refusal::new(StatusCode::UNAUTHORIZED, "missing or wrong token"))?;
    Ok((meta, role))
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

async fn board_info(
    State(state): State<AppState>,
    Path(board_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<BoardInfo>, Refusal> {
    let (meta, role) = authorize(&state, &board_id, bearer_token(&headers)).await?;
    let join_url = (role == Role::Facilitator).then(|| {
        board_link(
            &base_url(&state, &headers),
            &meta.id,
            &meta.participant_token,
        )
    });
    let join_qr_svg = join_url.as_deref().and_then(qr_svg);
    Ok(Json(BoardInfo {
        board_id: meta.id,
        title: meta.title,
        role,
        join_url,
        join_qr_svg,
        team_id: meta.team,
    }))
}

/// The QR code for `url` as an SVG document (black on white, at least 200 px).
fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
    )
}

#[derive(Deserialize)]
struct TokenQuery {
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

async fn run_command(
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

async fn meeting_state(
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
async fn board_document(
    State(state): State<AppState>,
    Path(board_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let (meta, _) = authorize(&state, &board_id, bearer_token(&headers)).await?;
    let update = state
        .rooms
        .document(&meta.id)
        .await
        .map_err(room_unavailable)?
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

async fn open_socket(
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

fn no_such_team() -> Refusal {
    Refusal::new(StatusCode::NOT_FOUND, "no such team")
}

/// The team page's link; the token goes in the fragment, which browsers never send.
fn team_link(base: &str, team: &TeamId, token: &str) -> String {
    format!("{base}/t/{team}#token={token}")
}

/// Looks up a team and the role a token grants on it: 404 for an unknown team, 401 for a
/// missing or wrong token.
async fn authorize_team(
    state: &AppState,
    team_id: &str,
    token: Option<&str>,
) -> Result<(StoredTeam, Role), Refusal> {
    let stored = state.teams.find(team_id).await?.ok_or_else(no_such_team)?;
    let role = token
        .filter(|token| is_token_shaped(token))
        .and_then(|token| stored.meta.role_of(token))
        .ok_or_else(|| Refusal::new(StatusCode::UNAUTHORIZED, "missing or wrong token"))?;
    Ok((stored, role))
}

async fn create_team(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<CreateTeam>, JsonRejection>,
) -> Result<(StatusCode, Json<TeamCreated>), Refusal> {
    let Json(request) =
        body.map_err(|rejection| Refusal::new(rejection.status(), rejection.body_text()))?;
    let name = team::clean_name(&request.name).map_err(unprocessable)?;
    let meta = TeamMeta {
        id: TeamId::parse(&random_id(BOARD_ID_BYTES))
            .map_err(|error| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?,
        name,
        created_at: clock::now_seconds(),
        facilitator_token: random_id(TOKEN_BYTES),
        member_token: random_id(TOKEN_BYTES),
    };
    state
        .store
        .create_team(&StoredTeam {
            meta: meta.clone(),
            revision: 0,
            team: Team::default(),
        })
        .await?;
    tracing::info!(team = %meta.id, "team created");
    let base = base_url(&state, &headers);
    Ok((
        StatusCode::CREATED,
        Json(TeamCreated {
            facilitator_url: team_link(&base, &meta.id, &meta.facilitator_token),
            member_url: team_link(&base, &meta.id, &meta.member_token),
            team_id: meta.id,
            facilitator_token: meta.facilitator_token,
            member_token: meta.member_token,
        }),
    ))
}

/// The team page as the holder of `role` sees it.
async fn team_view(
    state: &AppState,
    headers: &HeaderMap,
    stored: StoredTeam,
    role: Role,
) -> Result<TeamView, Refusal> {
    let meetings = state.teams.meetings(&stored).await?;
    let draft = pack_of(&stored, &meetings);
    let base = base_url(state, headers);
    let approval = stored.team.approval.as_ref().map(|approval| {
        let mut approved = approval.pack.clone();
        let approved_on = approved.approved_on.take().unwrap_or_default();
        ApprovalView {
            approved_on,
            up_to_date: approved == draft,
        }
    });
    Ok(TeamView {
        member_url: (role == Role::Facilitator)
            .then(|| team_link(&base, &stored.meta.id, &stored.meta.member_token)),
        meetings: meetings
            .iter()
            .map(|loaded| {
                let unreadable = loaded.content.is_none();
                // No link into a meeting that cannot be loaded.
                let url = loaded.meta.as_ref().filter(|_| !unreadable).map(|meta| {
                    board_link(
                        &base,
                        &meta.id,
                        match role {
                            Role::Facilitator => &meta.facilitator_token,
                            Role::Participant => &meta.participant_token,
                        },
                    )
                });
                TeamMeeting {
                    board_id: loaded.board.clone(),
                    title: loaded
                        .meta
                        .as_ref()
                        .map(|meta| meta.title.clone())
                        .unwrap_or_default(),
                    date: loaded.date(),
                    url,
                    unreadable,
                }
            })
            .collect(),
        team_id: stored.meta.id,
        name: stored.meta.name,
        role,
        points: stored.team.points,
        draft,
        approval,
    })
}

async fn team_page(
    State(state): State<AppState>,
    Path(team_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<TeamView>, Refusal> {
    let (stored, role) = authorize_team(&state, &team_id, bearer_token(&headers)).await?;
    Ok(Json(team_view(&state, &headers, stored, role).await?))
}

async fn run_team_command(
    State(state): State<AppState>,
    Path(team_id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<TeamCommand>, JsonRejection>,
) -> Result<Json<TeamView>, Refusal> {
    let (stored, role) = authorize_team(&state, &team_id, bearer_token(&headers)).await?;
    state
        .quotas
        .check_command(&format!("team {} {role:?}", stored.meta.id))?;
    let Json(command) =
        body.map_err(|rejection| Refusal::new(rejection.status(), rejection.body_text()))?;
    let changed = state.teams.run(&stored.meta.id, role, command).await?;
    Ok(Json(team_view(&state, &headers, changed, role).await?))
}

/// Starts a meeting of the team. Facilitator.
async fn create_team_meeting(
    State(state): State<AppState>,
    Path(team_id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<CreateBoard>, JsonRejection>,
) -> Result<(StatusCode, Json<BoardCreated>), Refusal> {
    let (stored, role) = authorize_team(&state, &team_id, bearer_token(&headers)).await?;
    if role != Role::Facilitator {
        return Err(CommandRefusal::forbidden(
            "only the facilitator may start a meeting of the team",
            "Alleen de begeleider kan een bijeenkomst starten.",
        )
        .into());
    }
    let Json(request) =
        body.map_err(|rejection| Refusal::new(rejection.status(), rejection.body_text()))?;
    let title = request.clean_title().map_err(unprocessable)?;
    state.teams.check_room_for_meeting(&stored.team)?;
    let created = new_board(&state, &headers, title, Some(stored.meta.id.clone())).await?;
    state
        .teams
        .add_meeting(&stored.meta.id, &created.board_id)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Deserialize)]
struct ExportQuery {
    format: Option<String>,
}

/// The approved visitation pack as a file. Either team token.
async fn export_pack(
    State(state): State<AppState>,
    Path(team_id): Path<String>,
    Query(query): Query<ExportQuery>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let (stored, _) = authorize_team(&state, &team_id, bearer_token(&headers)).await?;
    let format = query
        .format
        .as_deref()
        .and_then(Format::parse)
        .ok_or_else(|| {
            Refusal::new(
                StatusCode::BAD_REQUEST,
                "format must be one of pdf, docx, md, csv, json, zip",
            )
        })?;
    let approval = stored.team.approval.ok_or_else(|| {
        Refusal::Refused(
            StatusCode::CONFLICT,
            "the pack has not been approved yet".into(),
            Some("Het pakket is nog niet goedgekeurd door de begeleider.".into()),
        )
    })?;
    let rendered = tokio::task::spawn_blocking(move || export::render(&approval.pack, format))
        .await
        .map_err(|error| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?
        .map_err(|error| {
            tracing::error!(%error, "rendering the visitation pack failed");
            Refusal::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the pack could not be put into this format",
            )
        })?;
    let disposition = format!("attachment; filename=\"{}\"", rendered.file_name);
    Ok((
        [
            (header::CONTENT_TYPE, rendered.content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        rendered.bytes,
    )
        .into_response())
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}
