//! The HTTP surface: the router, the refusals every route answers with (a JSON
//! `{"error": "..."}` with a fitting status, docs/PROTOCOL.md) and what the routes share.
//! `boards.rs`: a meeting's routes and its WebSocket upgrade; `teams.rs`: a team's
//! routes and its visitation pack.

mod boards;
mod teams;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use leerkring_shared::api::ApiError;
use leerkring_shared::refusal::Refusal as CommandRefusal;
use rand::RngCore;

use crate::config::Limits;
use crate::quotas::{too_many_requests, HttpQuotas, Throttled};
use crate::rooms::Rooms;
use crate::storage::{Store, StoreError};
use crate::teams::{TeamError, Teams};

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
        .route(
            "/api/boards",
            post(boards::create_board).layer(creating.clone()),
        )
        .route(
            "/api/boards/{board_id}",
            get(boards::board_info).delete(boards::delete_board),
        )
        .route("/api/boards/{board_id}/commands", post(boards::run_command))
        .route("/api/boards/{board_id}/state", get(boards::meeting_state))
        .route(
            "/api/boards/{board_id}/document",
            get(boards::board_document),
        )
        .route(
            "/api/boards/{board_id}/participant-link",
            post(boards::new_participant_link),
        )
        .route(
            "/api/teams",
            post(teams::create_team).layer(creating.clone()),
        )
        .route(
            "/api/teams/{team_id}",
            get(teams::team_page).delete(teams::delete_team),
        )
        .route(
            "/api/teams/{team_id}/commands",
            post(teams::run_team_command),
        )
        .route(
            "/api/teams/{team_id}/meetings",
            post(teams::create_team_meeting).layer(creating),
        )
        .route(
            "/api/teams/{team_id}/member-link",
            post(teams::new_member_link),
        )
        .route("/api/teams/{team_id}/export", get(teams::export_pack))
        .route("/ws/{board_id}", get(boards::open_socket))
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
            TeamError::Store(StoreError::NotFound) => teams::no_such_team(),
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

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
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

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}
