//! Calls to the server's HTTP API (docs/PROTOCOL.md).

use gloo_net::http::{Request, Response};
use leerkring_shared::api::{ApiError, BoardCreated, BoardInfo, CreateBoard};
use serde::de::DeserializeOwned;

/// Why a call did not give an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiFailure {
    /// The server answered with this status and reason.
    Refused { status: u16, reason: String },
    /// The server could not be reached (offline, server down).
    Unreachable,
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiFailure> {
    if response.ok() {
        return response.json().await.map_err(|_| ApiFailure::Unreachable);
    }
    let status = response.status();
    let reason = response
        .json::<ApiError>()
        .await
        .map(|body| body.error)
        .unwrap_or_default();
    Err(ApiFailure::Refused { status, reason })
}

/// Creates a board; the answer holds the facilitator's link.
pub async fn create_board(title: &str) -> Result<BoardCreated, ApiFailure> {
    let body = CreateBoard {
        title: title.to_owned(),
    };
    let request = Request::post("/api/boards")
        .json(&body)
        .map_err(|_| ApiFailure::Unreachable)?;
    let response = request.send().await.map_err(|_| ApiFailure::Unreachable)?;
    read(response).await
}

/// What `token` may know of `board`.
pub async fn board_info(board: &str, token: &str) -> Result<BoardInfo, ApiFailure> {
    let response = Request::get(&format!("/api/boards/{board}"))
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    read(response).await
}

/// The whole shared document of `board` as one Yjs update (v1).
pub async fn board_document(board: &str, token: &str) -> Result<Vec<u8>, ApiFailure> {
    let response = Request::get(&format!("/api/boards/{board}/document"))
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|_| ApiFailure::Unreachable)?;
    if !response.ok() {
        return Err(ApiFailure::Refused {
            status: response.status(),
            reason: String::new(),
        });
    }
    response.binary().await.map_err(|_| ApiFailure::Unreachable)
}
