//! Routing: `/assets/…` and `/sw.js` by exact URL, the app shell for the client's pages,
//! and the 404s, 405s and 503 around them.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leerkring_shared::api::ApiError;

use super::negotiation::respond;
use super::Assets;

const NOT_BUILT: &str = "The Leerkring client has not been built.\n\n\
    Run scripts/build-client (or scripts/run, which builds it) and restart the server.\n\
    The API and WebSockets work without it.\n";

/// Routes for `/assets/…`, `/sw.js`, and the app shell for every other GET that is not part
/// of the API; merge into the API router.
pub fn router(assets: Arc<Assets>) -> Router {
    Router::new()
        .route("/assets/{*path}", get(file))
        .route("/sw.js", get(file))
        .fallback(page)
        .with_state(assets)
}

async fn file(State(assets): State<Arc<Assets>>, uri: Uri, headers: HeaderMap) -> Response {
    match assets.files.get(uri.path()) {
        Some(file) => respond(file, &headers),
        None => not_found(),
    }
}

/// Paths the server owns; the app shell is never served under them.
fn is_reserved(path: &str) -> bool {
    ["/api", "/ws", "/assets", "/healthz", "/sw.js"]
        .iter()
        .any(|prefix| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

/// Everything no route took: JSON 404 under the API, the app shell for pages of the client
/// (`/`, `/b/{board_id}`, `/t/…`, `/privacy`), 404 for anything that looks like a file.
async fn page(
    State(assets): State<Arc<Assets>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path();
    if path.starts_with("/api/") || path.starts_with("/ws/") || path == "/api" || path == "/ws" {
        let error = ApiError {
            error: "no such endpoint".into(),
            error_nl: None,
        };
        return (StatusCode::NOT_FOUND, Json(error)).into_response();
    }
    if is_reserved(path) {
        return not_found();
    }
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "method not allowed\n",
        )
            .into_response();
    }
    // The client's routes have no dots in their last segment; `/favicon.ico` and the like
    // get a 404 rather than a page.
    if path
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
    {
        return not_found();
    }
    match &assets.shell {
        Some(shell) => respond(shell, &headers),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            NOT_BUILT,
        )
            .into_response(),
    }
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        "not found\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_paths_are_not_pages() {
        for path in [
            "/api",
            "/api/boards",
            "/ws/x",
            "/assets/a.js",
            "/healthz",
            "/sw.js",
        ] {
            assert!(is_reserved(path), "{path}");
        }
        for path in ["/", "/b/abc", "/t/team", "/privacy", "/apiary", "/assetsx"] {
            assert!(!is_reserved(path), "{path}");
        }
    }
}
