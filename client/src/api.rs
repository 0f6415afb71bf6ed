//! Calls to the server's HTTP API (docs/PROTOCOL.md).

use gloo_net::http::{Request, Response};
use leerkring_shared::api::{
    ApiError, BoardCreated, BoardInfo, CreateBoard, CreateTeam, TeamCreated, TeamView,
};
use leerkring_shared::team::TeamCommand;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Why a call did not give an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiFailure {
    /// The server answered with this status and reason (in English, and in Dutch when
    /// the server gave one).
    Refused {
        status: u16,
        reason: String,
        reason_nl: Option<String>,
    },
    /// The server could not be reached (offline, server down).
    Unreachable,
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiFailure> {
    if response.ok() {
        return response.json().await.map_err(|_| ApiFailure::Unreachable);
    }
    Err(refusal(response).await)
}

/// Why the server refused, from the body of a refused request.
async fn refusal(response: Response) -> ApiFailure {
    let status = response.status();
    let (reason, reason_nl) = response
        .json::<ApiError>()
        .await
        .map(|body| (body.error, body.error_nl))
        .unwrap_or_default();
    ApiFailure::Refused {
        status,
        reason,
        reason_nl,
    }
}

/// Sends `body` as JSON to `path` (with `token` as the bearer, if given) and reads the
/// JSON answer.
async fn post_json<T: DeserializeOwned>(
    path: &str,
    token: Option<&str>,
    body: &impl Serialize,
) -> Result<T, ApiFailure> {
    let mut request = Request::post(path);
    if let Some(token) = token {
        request = request.header("Authorization", &bearer(token));
    }
    let request = request.json(body).map_err(|_| ApiFailure::Unreachable)?;
    let response = request.send().await.map_err(|_| ApiFailure::Unreachable)?;
    read(response).await
}

/// Reads the JSON at `path` with `token` as the bearer.
async fn get_json<T: DeserializeOwned>(path: &str, token: &str) -> Result<T, ApiFailure> {
    let response = Request::get(path)
        .header("Authorization", &bearer(token))
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    read(response).await
}

/// Creates a board (with a waiting room, or without); the answer holds the
/// facilitator's link.
pub async fn create_board(title: &str, waiting_room: bool) -> Result<BoardCreated, ApiFailure> {
    let body = CreateBoard {
        title: title.to_owned(),
        waiting_room,
    };
    post_json("/api/boards", None, &body).await
}

/// What `token` may know of `board`.
pub async fn board_info(board: &str, token: &str) -> Result<BoardInfo, ApiFailure> {
    get_json(&format!("/api/boards/{board}"), token).await
}

/// The whole shared document of `board` as one Yjs update (v1).
pub async fn board_document(board: &str, token: &str) -> Result<Vec<u8>, ApiFailure> {
    let response = Request::get(&format!("/api/boards/{board}/document"))
        .header("Authorization", &bearer(token))
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    if !response.ok() {
        return Err(ApiFailure::Refused {
            status: response.status(),
            reason: String::new(),
            reason_nl: None,
        });
    }
    response.binary().await.map_err(|_| ApiFailure::Unreachable)
}

/// Deletes the board (facilitator).
pub async fn delete_board(board: &str, token: &str) -> Result<(), ApiFailure> {
    delete(&format!("/api/boards/{board}"), token).await
}

/// Replaces the board's participant link (facilitator); the answer holds the new one.
pub async fn new_participant_link(board: &str, token: &str) -> Result<BoardInfo, ApiFailure> {
    post_json(
        &format!("/api/boards/{board}/participant-link"),
        Some(token),
        &(),
    )
    .await
}

/// Deletes the team and its meetings (the team's facilitator).
pub async fn delete_team(team: &str, token: &str) -> Result<(), ApiFailure> {
    delete(&format!("/api/teams/{team}"), token).await
}

/// Replaces the team link (the team's facilitator); the answer holds the new one.
pub async fn new_member_link(team: &str, token: &str) -> Result<TeamView, ApiFailure> {
    post_json(&format!("/api/teams/{team}/member-link"), Some(token), &()).await
}

/// Sends `DELETE path` with `token` as the bearer.
async fn delete(path: &str, token: &str) -> Result<(), ApiFailure> {
    let response = Request::delete(path)
        .header("Authorization", &bearer(token))
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    if response.ok() {
        Ok(())
    } else {
        Err(refusal(response).await)
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Creates a team (*leerkring*); the answer holds the facilitator's team link.
pub async fn create_team(name: &str) -> Result<TeamCreated, ApiFailure> {
    let body = CreateTeam {
        name: name.to_owned(),
    };
    post_json("/api/teams", None, &body).await
}

/// The team page as the holder of `token` may see it.
pub async fn team_view(team: &str, token: &str) -> Result<TeamView, ApiFailure> {
    get_json(&format!("/api/teams/{team}"), token).await
}

/// Sends a command about the team's development points or pack; answers the new page.
pub async fn team_command(
    team: &str,
    token: &str,
    command: &TeamCommand,
) -> Result<TeamView, ApiFailure> {
    post_json(&format!("/api/teams/{team}/commands"), Some(token), command).await
}

/// Starts a meeting of the team (facilitator); the answer holds the meeting's links.
pub async fn create_team_meeting(
    team: &str,
    token: &str,
    title: &str,
    waiting_room: bool,
) -> Result<BoardCreated, ApiFailure> {
    let body = CreateBoard {
        title: title.to_owned(),
        waiting_room,
    };
    post_json(&format!("/api/teams/{team}/meetings"), Some(token), &body).await
}

/// A downloaded file: its name (from `Content-Disposition`), type and bytes.
pub struct Download {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The `filename` of a `Content-Disposition` header, without any path.
fn attachment_name(header: &str) -> Option<String> {
    let value = header
        .split(';')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("filename="))?;
    let name = value.trim_matches('"');
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    (!name.is_empty()).then(|| name.to_owned())
}

/// The team's approved visitation pack in `format` (`pdf`, `docx`, `md`, `csv`, `json`
/// or `zip`). The token goes in the header, never in the address.
pub async fn team_export(team: &str, token: &str, format: &str) -> Result<Download, ApiFailure> {
    let response = Request::get(&format!("/api/teams/{team}/export"))
        .query([("format", format)])
        .header("Authorization", &bearer(token))
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    if !response.ok() {
        return Err(refusal(response).await);
    }
    let headers = response.headers();
    let filename = headers
        .get("content-disposition")
        .as_deref()
        .and_then(attachment_name)
        .unwrap_or_else(|| format!("bezoekpakket.{format}"));
    let content_type = headers
        .get("content-type")
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let bytes = response
        .binary()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    Ok(Download {
        filename,
        content_type,
        bytes,
    })
}
