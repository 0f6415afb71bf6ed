//! Serving the browser client (server/src/assets/) from a fake client build: hashed URLs
//! and their caching, content types, brotli and gzip as the request accepts, the security
//! headers on every kind of response, the app shell for the client's pages, the service
//! worker's precache list, and the 503 page when no client has been built.

use std::io::Read;
use std::path::Path;

use leerkring_server::assets::PRECACHE_PLACEHOLDER;
use leerkring_server::security_headers::CONTENT_SECURITY_POLICY;
use leerkring_tests::ServerProcess;
use reqwest::header::{self, HeaderMap};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

const INDEX: &str = r#"<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Leerkring</title>
<link rel="stylesheet" href="style.css">
<script type="module" src="boot.js"></script>
</head>
<body></body>
</html>
"#;

const SERVICE_WORKER: &str =
    "const LISTED = self.__LEERKRING_ASSETS__;\nself.addEventListener('install', () => {});\n";

fn glue() -> String {
    let mut js = String::from("export default async function init(options) {}\n");
    for n in 0..200 {
        js.push_str(&format!(
            "export function helper_{n}(value) {{ return value + {n}; }}\n"
        ));
    }
    js.push_str("const fallback = new URL('leerkring_client_bg.wasm', import.meta.url);\n");
    js
}

fn wasm_bytes() -> Vec<u8> {
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    bytes.extend((0..20_000u32).map(|n| (n % 7) as u8));
    bytes
}

fn style() -> String {
    "body { font-family: system-ui, sans-serif; }\n".repeat(40)
}

/// A folder shaped like what `scripts/build-client` writes.
fn fake_client_build(dir: &Path) {
    let files: [(&str, Vec<u8>); 5] = [
        ("index.html", INDEX.into()),
        ("leerkring_client.js", glue().into_bytes()),
        ("leerkring_client_bg.wasm", wasm_bytes()),
        ("style.css", style().into_bytes()),
        ("sw.js", SERVICE_WORKER.into()),
    ];
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).expect("write a fake asset");
    }
}

struct Served {
    _data: tempfile::TempDir,
    _assets: tempfile::TempDir,
    server: ServerProcess,
}

fn start_with_client() -> Served {
    let data = tempfile::tempdir().expect("temp dir");
    let assets = tempfile::tempdir().expect("temp dir");
    fake_client_build(assets.path());
    let dir = assets.path().to_str().expect("UTF-8 temp path").to_owned();
    let server = ServerProcess::start(data.path(), &["--assets-dir", &dir]);
    Served {
        _data: data,
        _assets: assets,
        server,
    }
}

struct Fetched {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Fetched {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A GET without automatic decompression: the body as it came over the wire.
async fn get(url: &str, accept_encoding: Option<&str>) -> Fetched {
    let mut request = reqwest::Client::new().get(url);
    if let Some(accept) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, accept);
    }
    let response = request.send().await.expect("GET");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body").to_vec();
    Fetched {
        status,
        headers,
        body,
    }
}

/// Every `/assets/…` URL quoted in `text`.
fn asset_urls(text: &str) -> Vec<String> {
    text.split(['"', '\''])
        .filter(|part| part.starts_with("/assets/"))
        .map(str::to_owned)
        .collect()
}

/// The hashed URL in `text` for `stem`.`ext`, checking its shape.
fn hashed(text: &str, stem: &str, ext: &str) -> String {
    let prefix = format!("/assets/{stem}-");
    let suffix = format!(".{ext}");
    let url = asset_urls(text)
        .into_iter()
        .find(|url| url.starts_with(&prefix) && url.ends_with(&suffix))
        .unwrap_or_else(|| panic!("no hashed URL for {stem}.{ext} in {text}"));
    let hash = &url[prefix.len()..url.len() - suffix.len()];
    assert_eq!(hash.len(), 10, "{url}");
    assert!(
        hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{url} has a hex hash"
    );
    url
}

fn sha256_prefix(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect::<String>()[..10]
        .to_owned()
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .expect("valid brotli");
    out
}

fn ungzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

fn assert_security_headers(fetched: &Fetched, what: &str) {
    assert_eq!(
        fetched.header(header::CONTENT_SECURITY_POLICY),
        CONTENT_SECURITY_POLICY,
        "CSP on {what}"
    );
    assert!(
        CONTENT_SECURITY_POLICY.contains("default-src 'self'")
            && CONTENT_SECURITY_POLICY.contains("script-src 'self' 'wasm-unsafe-eval';")
            && CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'")
    );
    assert_eq!(
        fetched.header(header::X_CONTENT_TYPE_OPTIONS),
        "nosniff",
        "{what}"
    );
    assert_eq!(
        fetched.header(header::REFERRER_POLICY),
        "no-referrer",
        "{what}"
    );
    let permissions = fetched
        .headers
        .get("permissions-policy")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    assert!(
        permissions.contains("camera=()") && permissions.contains("microphone=()"),
        "Permissions-Policy on {what}: {permissions:?}"
    );
}

#[tokio::test]
async fn the_page_refers_to_hashed_immutable_assets() {
    let served = start_with_client();
    let server = &served.server;
    let page = get(&server.http_url("/"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header(header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    assert_eq!(page.header(header::CACHE_CONTROL), "no-cache");
    let html = page.text();
    let css = hashed(&html, "style", "css");
    let boot = hashed(&html, "boot", "js");
    assert!(html.contains(&format!(r#"href="{css}""#)), "{html}");
    assert!(html.contains(&format!(r#"src="{boot}""#)), "{html}");
    assert!(!html.contains(r#""style.css""#) && !html.contains(r#""boot.js""#));
    assert!(css.contains(&sha256_prefix(style().as_bytes())), "{css}");

    let boot_js = get(&server.http_url(&boot), None).await;
    assert_eq!(boot_js.status, StatusCode::OK);
    let boot_text = boot_js.text();
    let glue = hashed(&boot_text, "leerkring_client", "js");
    let wasm = hashed(&boot_text, "leerkring_client_bg", "wasm");
    assert!(
        boot_text.contains(&format!("import init from '{glue}';"))
            && boot_text.contains(&format!("init({{ module_or_path: '{wasm}' }});")),
        "{boot_text}"
    );
    // The page asks for the glue and the wasm at once rather than after boot.js.
    assert!(html.contains(&format!(r#"<link rel="modulepreload" href="{glue}">"#)));
    assert!(html.contains(&format!(r#"href="{wasm}" as="fetch""#)));

    let expected = [
        (&boot, "text/javascript; charset=utf-8"),
        (&glue, "text/javascript; charset=utf-8"),
        (&wasm, "application/wasm"),
        (&css, "text/css; charset=utf-8"),
    ];
    for (url, content_type) in expected {
        let asset = get(&server.http_url(url), None).await;
        assert_eq!(asset.status, StatusCode::OK, "{url}");
        assert_eq!(asset.header(header::CONTENT_TYPE), content_type, "{url}");
        assert_eq!(
            asset.header(header::CACHE_CONTROL),
            "public, max-age=31536000, immutable",
            "{url}"
        );
        assert_eq!(asset.header(header::VARY), "Accept-Encoding", "{url}");
    }
    // The wasm is served byte for byte; the glue's own reference to it is hashed too.
    assert_eq!(get(&server.http_url(&wasm), None).await.body, wasm_bytes());
    let glue_text = get(&server.http_url(&glue), None).await.text();
    assert!(glue_text.contains(&format!("new URL('{wasm}', import.meta.url)")));
}

#[tokio::test]
async fn assets_come_in_the_best_encoding_the_request_accepts() {
    let served = start_with_client();
    let server = &served.server;
    let html = get(&server.http_url("/"), None).await.text();
    let boot = get(&server.http_url(&hashed(&html, "boot", "js")), None)
        .await
        .text();
    let urls = [
        hashed(&boot, "leerkring_client_bg", "wasm"),
        hashed(&boot, "leerkring_client", "js"),
        hashed(&html, "style", "css"),
        "/".to_owned(),
    ];
    for url in urls {
        let url = server.http_url(&url);
        let plain = get(&url, None).await;
        assert_eq!(plain.header(header::CONTENT_ENCODING), "", "{url}");
        let identity = get(&url, Some("identity")).await;
        assert_eq!(identity.header(header::CONTENT_ENCODING), "", "{url}");
        assert_eq!(identity.body, plain.body);

        for accept in ["br", "gzip, deflate, br, zstd", "*"] {
            let br = get(&url, Some(accept)).await;
            assert_eq!(br.header(header::CONTENT_ENCODING), "br", "{url} {accept}");
            assert_eq!(br.header(header::VARY), "Accept-Encoding");
            assert!(br.body.len() < plain.body.len(), "{url}: brotli is smaller");
            assert_eq!(unbrotli(&br.body), plain.body, "{url}: brotli decodes");
            assert_ne!(br.header(header::ETAG), plain.header(header::ETAG));
        }
        for accept in ["gzip", "br;q=0, gzip", "gzip;q=1, br;q=0.5"] {
            let gz = get(&url, Some(accept)).await;
            assert_eq!(
                gz.header(header::CONTENT_ENCODING),
                "gzip",
                "{url} {accept}"
            );
            assert!(gz.body.len() < plain.body.len(), "{url}: gzip is smaller");
            assert_eq!(ungzip(&gz.body), plain.body, "{url}: gzip decodes");
        }
        let none = get(&url, Some("br;q=0, gzip;q=0")).await;
        assert_eq!(none.header(header::CONTENT_ENCODING), "");
        assert_eq!(none.body, plain.body);
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let served = start_with_client();
    let server = &served.server;
    let page = get(&server.http_url("/"), None).await;
    assert_security_headers(&page, "/");
    let css = hashed(&page.text(), "style", "css");
    assert_security_headers(&get(&server.http_url(&css), Some("br")).await, "an asset");
    assert_security_headers(&get(&server.http_url("/healthz"), None).await, "/healthz");
    assert_security_headers(
        &get(&server.http_url("/assets/nope-0123456789.js"), None).await,
        "a 404",
    );
    let created = reqwest::Client::new()
        .post(server.http_url("/api/boards"))
        .json(&serde_json::json!({ "title": "Casusoverleg" }))
        .send()
        .await
        .expect("POST /api/boards");
    assert_eq!(created.status(), StatusCode::CREATED);
    let fetched = Fetched {
        status: created.status(),
        headers: created.headers().clone(),
        body: Vec::new(),
    };
    assert_security_headers(&fetched, "POST /api/boards");
}

#[tokio::test]
async fn client_routes_get_the_shell_and_unknown_files_a_404() {
    let served = start_with_client();
    let server = &served.server;
    let board = server.create_board("Intervisie").await;
    let shell = get(&server.http_url("/"), None).await;

    for path in [
        format!("/b/{}", board.board_id.as_str()),
        "/b/unknown-board".to_owned(),
        "/t/wijkteam-noord/planning".to_owned(),
        "/privacy".to_owned(),
    ] {
        let page = get(&server.http_url(&path), None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(page.header(header::CACHE_CONTROL), "no-cache", "{path}");
        assert_eq!(
            page.header(header::CONTENT_TYPE),
            "text/html; charset=utf-8"
        );
        assert_eq!(page.body, shell.body, "{path} is the app shell");
    }
    let head = reqwest::Client::new()
        .head(server.http_url("/b/anything"))
        .send()
        .await
        .expect("HEAD");
    assert_eq!(head.status(), StatusCode::OK);

    for path in [
        "/assets/nope-0123456789.js",
        "/assets/style.css",
        "/style.css",
        "/favicon.ico",
        "/index.html",
    ] {
        let missing = get(&server.http_url(path), None).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{path}");
    }
    let api = get(&server.http_url("/api/nope"), None).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(api.text().contains("\"error\""), "{}", api.text());

    // The shell revalidates cheaply.
    let etag = shell.header(header::ETAG).to_owned();
    assert!(!etag.is_empty());
    let again = reqwest::Client::new()
        .get(server.http_url("/"))
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .expect("conditional GET");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn the_service_worker_lists_what_to_precache() {
    let served = start_with_client();
    let server = &served.server;
    let html = get(&server.http_url("/"), None).await.text();
    let boot = hashed(&html, "boot", "js");
    let boot_text = get(&server.http_url(&boot), None).await.text();

    let worker = get(&server.http_url("/sw.js"), None).await;
    assert_eq!(worker.status, StatusCode::OK);
    assert_eq!(
        worker.header(header::CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(worker.header(header::CACHE_CONTROL), "no-cache");
    let text = worker.text();
    assert!(!text.contains(PRECACHE_PLACEHOLDER), "{text}");
    let list = text
        .strip_prefix("const LISTED = ")
        .and_then(|rest| rest.split_once(";\n"))
        .map(|(json, _)| json)
        .unwrap_or_else(|| panic!("a JSON list in {text}"));
    let list: Vec<String> = serde_json::from_str(list).expect("a JSON list of URLs");
    let expected = [
        "/".to_owned(),
        boot,
        hashed(&html, "style", "css"),
        hashed(&boot_text, "leerkring_client", "js"),
        hashed(&boot_text, "leerkring_client_bg", "wasm"),
    ];
    for url in &expected {
        assert!(list.contains(url), "{url} in {list:?}");
    }
    assert_eq!(list.len(), expected.len(), "{list:?}");
}

#[tokio::test]
async fn without_a_client_build_the_page_says_how_to_build_it() {
    let data = tempfile::tempdir().expect("temp dir");
    let missing = data.path().join("no-client-here");
    let dir = missing.to_str().expect("UTF-8 temp path");
    let server = ServerProcess::start(data.path(), &["--assets-dir", dir]);

    let page = get(&server.http_url("/"), None).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.text().contains("scripts/build-client"),
        "{}",
        page.text()
    );
    assert_security_headers(&page, "the 503 page");
    let board_page = get(&server.http_url("/b/some-board"), None).await;
    assert_eq!(board_page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        get(&server.http_url("/sw.js"), None).await.status,
        StatusCode::NOT_FOUND
    );

    // The API and WebSockets do not need the client.
    assert_eq!(
        get(&server.http_url("/healthz"), None).await.status,
        StatusCode::OK
    );
    let board = server.create_board("Zonder client").await;
    let url = server.ws_url(board.board_id.as_str(), &board.participant_token);
    let _client = leerkring_tests::YClient::connect(&url).await;
    assert!(
        server
            .log()
            .iter()
            .any(|line| line.contains("WARN") && line.contains("has not been built")),
        "a warning at startup: {:?}",
        server.log()
    );
}
