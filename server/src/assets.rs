//! The browser client's files and the headers every response carries.
//!
//! At startup [`Assets::load`] reads the folder `scripts/build-client` writes
//! (`--assets-dir`, default `target/client-dist`): every file but `index.html` and `sw.js`
//! is served at `/assets/<stem>-<hash>.<ext>` (first 10 hex digits of its SHA-256) and cached
//! by browsers for a year; references between the files are rewritten to those URLs; a
//! `boot.js` that starts the WebAssembly client is generated; everything is compressed once
//! with brotli and gzip. [`router`] serves them, `index.html` (the app shell) for every page
//! the client routes (`/`, `/b/…`, …), and `/sw.js` with the list of files to precache.
//! [`with_security_headers`] adds the Content-Security-Policy and friends to every response.
//! See "Asset serving" in docs/ARCHITECTURE.md and "Static assets" in docs/PROTOCOL.md.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use bytes::Bytes;
use leerkring_shared::api::ApiError;
use sha2::{Digest, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;

/// Only our own origin, for everything; WebAssembly may be compiled, nothing else evaluated.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
    script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; \
    font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// No device access; fullscreen (presenting a board) and writing the clipboard (copying a
/// link) for our own pages only.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), \
    clipboard-read=(), clipboard-write=(self), display-capture=(), encrypted-media=(), \
    fullscreen=(self), geolocation=(), gyroscope=(), hid=(), idle-detection=(), \
    magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), \
    publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), \
    xr-spatial-tracking=()";

/// Hashed files never change under their URL.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The shell and the service worker: always ask the server (cheap with the ETag).
const NO_CACHE: &str = "no-cache";
/// What `sw.js` holds where the server puts the JSON list of URLs to precache.
pub const PRECACHE_PLACEHOLDER: &str = "self.__LEERKRING_ASSETS__";
/// Hex digits of the SHA-256 in a hashed file name.
const HASH_CHARS: usize = 10;
/// Folders deeper than this under the assets dir are not read (guards against link loops).
const MAX_DEPTH: usize = 8;
const SHELL: &str = "index.html";
const SERVICE_WORKER: &str = "sw.js";
const BOOT: &str = "boot.js";
/// The wasm-bindgen output the boot script starts, when several are present.
const CLIENT_STEM: &str = "leerkring_client";

const NOT_BUILT: &str = "The Leerkring client has not been built.\n\n\
    Run scripts/build-client (or scripts/run, which builds it) and restart the server.\n\
    The API and WebSockets work without it.\n";

/// One file as served: its bytes in every encoding worth having, and its headers.
struct Served {
    content_type: HeaderValue,
    cache_control: HeaderValue,
    identity: Bytes,
    identity_etag: HeaderValue,
    /// Each compressed form, kept only when smaller than the original.
    brotli: Option<(Bytes, HeaderValue)>,
    gzip: Option<(Bytes, HeaderValue)>,
}

/// The client's files, ready to serve.
pub struct Assets {
    /// By URL path: `/assets/…` and `/sw.js`.
    files: HashMap<String, Served>,
    /// `index.html`, with hashed references; `None` when the client has not been built.
    shell: Option<Served>,
}

impl Assets {
    /// Assets of a server without a client build: `/` answers 503.
    pub fn not_built() -> Self {
        Self {
            files: HashMap::new(),
            shell: None,
        }
    }

    /// Reads, hashes and compresses every file of `dir`. A missing folder, or one without
    /// `index.html`, is not an error: the server runs without a client (and warns). An
    /// unreadable folder or file is an error.
    pub fn load(dir: &Path) -> io::Result<Self> {
        let shown = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut files = match read_tree(dir) {
            Ok(files) => files,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                tracing::warn!(
                    assets_dir = %shown.display(),
                    "the client has not been built (no assets dir): `/` answers 503; \
                     run scripts/build-client"
                );
                return Ok(Self::not_built());
            }
            Err(error) => {
                return Err(io::Error::new(
                    error.kind(),
                    format!("reading assets dir {}: {error}", shown.display()),
                ))
            }
        };
        let Some(shell) = files.remove(SHELL) else {
            tracing::warn!(
                assets_dir = %shown.display(),
                "the client has not been built (no index.html): `/` answers 503; \
                 run scripts/build-client"
            );
            return Ok(Self::not_built());
        };
        let service_worker = files.remove(SERVICE_WORKER);
        if files.remove(BOOT).is_some() {
            tracing::warn!("ignoring boot.js in the assets dir: the server generates its own");
        }

        // Hash every file, rewriting references between them first.
        let mut hashed = hash_all(files);
        // The boot script starts the client: import the JS glue, fetch the wasm.
        let client = client_entry(&hashed);
        let mut preloads = String::new();
        if let Some((glue, wasm)) = &client {
            let boot =
                format!("import init from '{glue}';\ninit({{ module_or_path: '{wasm}' }});\n")
                    .into_bytes();
            let url = hashed_url(BOOT, &boot);
            hashed.insert(BOOT.to_owned(), (url, boot));
            preloads = format!(
                "<link rel=\"modulepreload\" href=\"{glue}\">\n\
                 <link rel=\"preload\" href=\"{wasm}\" as=\"fetch\" type=\"application/wasm\" \
                 crossorigin>\n"
            );
        } else {
            tracing::warn!(
                "no wasm-bindgen output (NAME.js with NAME_bg.wasm) in the assets dir: \
                 no boot.js; the page will not start the client"
            );
        }

        let urls: BTreeMap<&str, &str> = hashed
            .iter()
            .map(|(name, (url, _))| (name.as_str(), url.as_str()))
            .collect();
        let mut shell = rewrite_references(SHELL, &shell, &urls);
        if !preloads.is_empty() {
            shell = insert_before_head_end(shell, &preloads);
        }
        let mut hashed_urls: Vec<String> = hashed.values().map(|(url, _)| url.clone()).collect();
        hashed_urls.sort();

        let mut jobs: Vec<(String, &'static str, Vec<u8>)> = hashed
            .into_iter()
            .map(|(name, (url, bytes))| (url, content_type(&name), bytes))
            .collect();
        if let Some(worker) = service_worker {
            let mut precache: Vec<&str> = vec!["/"];
            precache.extend(hashed_urls.iter().map(String::as_str));
            let list = serde_json::to_string(&precache).map_err(io::Error::other)?;
            let text = String::from_utf8_lossy(&worker);
            if !text.contains(PRECACHE_PLACEHOLDER) {
                tracing::warn!("sw.js lacks {PRECACHE_PLACEHOLDER}: it will precache nothing");
            }
            let text = text.replace(PRECACHE_PLACEHOLDER, &list);
            jobs.push((
                format!("/{SERVICE_WORKER}"),
                content_type(SERVICE_WORKER),
                text.into_bytes(),
            ));
        }
        jobs.push((String::new(), content_type(SHELL), shell));

        // Compressing (brotli 11 above all) is the slow part: one thread per file.
        let compressed: Vec<(String, Served)> = std::thread::scope(|scope| {
            let handles: Vec<_> = jobs
                .into_iter()
                .map(|(url, content_type, bytes)| {
                    scope.spawn(move || {
                        let cache = if url.starts_with("/assets/") {
                            IMMUTABLE
                        } else {
                            NO_CACHE
                        };
                        served(content_type, cache, bytes).map(|served| (url, served))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| {
                    handle
                        .join()
                        .map_err(|_| io::Error::other("compressing an asset panicked"))?
                })
                .collect::<io::Result<_>>()
        })?;

        let mut files = HashMap::new();
        let mut shell = None;
        for (url, served) in compressed {
            if url.is_empty() {
                shell = Some(served);
            } else {
                files.insert(url, served);
            }
        }
        let identity_bytes: usize = files.values().map(|file| file.identity.len()).sum();
        let brotli_bytes: usize = files
            .values()
            .map(|file| {
                file.brotli
                    .as_ref()
                    .map_or(file.identity.len(), |b| b.0.len())
            })
            .sum();
        tracing::info!(
            assets_dir = %shown.display(),
            files = files.len(),
            identity_bytes,
            brotli_bytes,
            boot = client.is_some(),
            "client assets loaded"
        );
        for url in &hashed_urls {
            tracing::debug!(%url, "asset");
        }
        Ok(Self { files, shell })
    }

    /// Whether `index.html` was found, i.e. the client is served.
    pub fn is_built(&self) -> bool {
        self.shell.is_some()
    }
}

/// Every file under `root` by its path relative to it (`/`-separated). Hidden files are
/// skipped, and so are names that are not plain URL-safe ASCII (with a warning).
fn read_tree(root: &Path) -> io::Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![(String::new(), 0usize)];
    while let Some((folder, depth)) = folders.pop() {
        for entry in std::fs::read_dir(root.join(&folder))? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                tracing::warn!(?name, "skipping an asset whose name is not UTF-8");
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            if !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            {
                tracing::warn!(%name, "skipping an asset whose name is not plain URL-safe ASCII");
                continue;
            }
            let relative = if folder.is_empty() {
                name.to_owned()
            } else {
                format!("{folder}/{name}")
            };
            let path = root.join(&relative);
            // Follows symbolic links.
            let metadata = std::fs::metadata(&path)?;
            if metadata.is_dir() {
                if depth < MAX_DEPTH {
                    folders.push((relative, depth + 1));
                } else {
                    tracing::warn!(folder = %relative, "skipping an asset folder nested too deep");
                }
            } else if metadata.is_file() {
                files.insert(relative, std::fs::read(&path)?);
            }
        }
    }
    Ok(files)
}

/// Gives every file its hashed URL, by relative path: `(url, bytes)`. Text files that refer
/// to other files of the folder have those references rewritten to the other files' hashed
/// URLs first, so a file is hashed after everything it refers to.
fn hash_all(mut pending: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, (String, Vec<u8>)> {
    let names: Vec<String> = pending.keys().cloned().collect();
    let mut done: BTreeMap<String, (String, Vec<u8>)> = BTreeMap::new();
    while !pending.is_empty() {
        let ready: Vec<String> = pending
            .iter()
            .filter(|(name, bytes)| {
                references(name, bytes, &names)
                    .iter()
                    .all(|target| done.contains_key(*target))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if ready.is_empty() {
            // Files referring to each other in a cycle (the client's JavaScript glue and the
            // loader of its split modules import each other): hash them as one group.
            hash_cycle(std::mem::take(&mut pending), &mut done);
            break;
        }
        for name in ready {
            let Some(bytes) = pending.remove(&name) else {
                continue;
            };
            let bytes = rewrite_references(&name, &bytes, &url_map(&done));
            let url = hashed_url(&name, &bytes);
            done.insert(name, (url, bytes));
        }
    }
    done
}

/// Relative path → hashed URL of the files hashed so far.
fn url_map(done: &BTreeMap<String, (String, Vec<u8>)>) -> BTreeMap<&str, &str> {
    done.iter()
        .map(|(name, (url, _))| (name.as_str(), url.as_str()))
        .collect()
}

/// Hashes files that refer to each other (and files that refer to those) together: each
/// URL's hash covers the whole group's content, so a change to any of them gives all of
/// them new URLs, and then their references to each other are rewritten.
fn hash_cycle(group: BTreeMap<String, Vec<u8>>, done: &mut BTreeMap<String, (String, Vec<u8>)>) {
    let group: BTreeMap<String, Vec<u8>> = group
        .into_iter()
        .map(|(name, bytes)| {
            let bytes = rewrite_references(&name, &bytes, &url_map(done));
            (name, bytes)
        })
        .collect();
    let mut content = Vec::new();
    for (name, bytes) in &group {
        content.extend_from_slice(name.as_bytes());
        content.push(0);
        content.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        content.extend_from_slice(bytes);
    }
    let urls: BTreeMap<String, String> = group
        .keys()
        .map(|name| {
            let mut seed = content.clone();
            seed.extend_from_slice(name.as_bytes());
            (name.clone(), hashed_url(name, &seed))
        })
        .collect();
    for (name, bytes) in group {
        let mut all = url_map(done);
        all.extend(urls.iter().map(|(n, u)| (n.as_str(), u.as_str())));
        let bytes = rewrite_references(&name, &bytes, &all);
        let url = urls[&name].clone();
        done.insert(name, (url, bytes));
    }
}

/// `/assets/<folder>/<stem>-<hash>.<ext>` for the file at `relative` with these bytes.
fn hashed_url(relative: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hash: String = digest
        .iter()
        .flat_map(|byte| [byte >> 4, byte & 0xf])
        .take(HASH_CHARS)
        .map(|nibble| char::from_digit(u32::from(nibble), 16).unwrap_or('0'))
        .collect();
    let (folder, name) = match relative.rsplit_once('/') {
        Some((folder, name)) => (format!("{folder}/"), name),
        None => (String::new(), relative),
    };
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("/assets/{folder}{stem}-{hash}.{ext}"),
        _ => format!("/assets/{folder}{name}-{hash}"),
    }
}

fn extension(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or("", |(_, ext)| ext)
}

/// Files whose references to other files are rewritten.
fn is_text(path: &str) -> bool {
    matches!(
        extension(path),
        "html" | "js" | "mjs" | "css" | "svg" | "json" | "webmanifest"
    )
}

fn content_type(path: &str) -> &'static str {
    match extension(path) {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        _ => "application/octet-stream",
    }
}

/// How the file at `from` may spell a reference to the file at `to`: `/to` from the root,
/// and, when `to` lies in or under `from`'s folder, `rest` and `./rest` relative to it.
fn spellings(from: &str, to: &str) -> Vec<String> {
    let mut forms = vec![format!("/{to}")];
    let relative = match from.rsplit_once('/') {
        Some((folder, _)) => to
            .strip_prefix(folder)
            .and_then(|rest| rest.strip_prefix('/')),
        None => Some(to),
    };
    if let Some(rest) = relative {
        forms.push(rest.to_owned());
        forms.push(format!("./{rest}"));
    }
    forms
}

/// A reference is a spelling between quotes, or in `url(…)` without them.
const DELIMITERS: [(char, char); 3] = [('"', '"'), ('\'', '\''), ('(', ')')];

/// The files among `names` that the text file `from` refers to.
fn references<'n>(from: &str, bytes: &[u8], names: &'n [String]) -> Vec<&'n str> {
    let Some(text) = is_text(from)
        .then(|| std::str::from_utf8(bytes).ok())
        .flatten()
    else {
        return Vec::new();
    };
    names
        .iter()
        .filter(|to| to.as_str() != from)
        .filter(|to| {
            spellings(from, to).iter().any(|form| {
                DELIMITERS
                    .iter()
                    .any(|(open, close)| text.contains(&format!("{open}{form}{close}")))
            })
        })
        .map(String::as_str)
        .collect()
}

/// `bytes` (the file at `from`) with every reference to a file in `urls` (relative path →
/// hashed URL) replaced by its URL. Files that are not text come back unchanged.
fn rewrite_references(from: &str, bytes: &[u8], urls: &BTreeMap<&str, &str>) -> Vec<u8> {
    let Some(mut text) = is_text(from)
        .then(|| std::str::from_utf8(bytes).ok())
        .flatten()
        .map(str::to_owned)
    else {
        return bytes.to_vec();
    };
    for (to, url) in urls {
        if *to == from {
            continue;
        }
        for form in spellings(from, to) {
            for (open, close) in DELIMITERS {
                let spelled = format!("{open}{form}{close}");
                if text.contains(&spelled) {
                    text = replace_references(&text, &spelled, &format!("{open}{url}{close}"));
                }
            }
        }
    }
    text.into_bytes()
}

/// `text` with `spelled` replaced by `url`, except where it is the key of a JavaScript
/// object (followed by a colon): the glue wasm-bindgen writes names the WebAssembly
/// module's imports that way (`"./__wasm_split.js": import1`), and those names must stay.
fn replace_references(text: &str, spelled: &str, url: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(spelled) {
        let after = &rest[at + spelled.len()..];
        out.push_str(&rest[..at]);
        if after.trim_start().starts_with(':') {
            out.push_str(spelled);
        } else {
            out.push_str(url);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The hashed URLs of the wasm-bindgen output to start: `(NAME.js, NAME_bg.wasm)`.
fn client_entry(hashed: &BTreeMap<String, (String, Vec<u8>)>) -> Option<(String, String)> {
    let mut pairs: Vec<(&str, String, String)> = hashed
        .iter()
        .filter_map(|(name, (wasm_url, _))| {
            let stem = name.strip_suffix("_bg.wasm")?;
            let (glue_url, _) = hashed.get(&format!("{stem}.js"))?;
            Some((stem, glue_url.clone(), wasm_url.clone()))
        })
        .collect();
    if pairs.len() > 1 {
        tracing::warn!(
            found = ?pairs.iter().map(|(stem, _, _)| *stem).collect::<Vec<_>>(),
            "several wasm-bindgen outputs in the assets dir; starting {CLIENT_STEM} if present"
        );
    }
    let index = pairs
        .iter()
        .position(|(stem, _, _)| *stem == CLIENT_STEM)
        .unwrap_or(0);
    (!pairs.is_empty()).then(|| {
        let (_, glue, wasm) = pairs.swap_remove(index);
        (glue, wasm)
    })
}

/// `html` with `insert` placed just before `</head>` (unchanged when there is none).
fn insert_before_head_end(html: Vec<u8>, insert: &str) -> Vec<u8> {
    match std::str::from_utf8(&html) {
        Ok(text) => match text.find("</head>") {
            Some(at) => format!("{}{insert}{}", &text[..at], &text[at..]).into_bytes(),
            None => html,
        },
        Err(_) => html,
    }
}

fn served(content_type: &'static str, cache: &'static str, bytes: Vec<u8>) -> io::Result<Served> {
    let digest = Sha256::digest(&bytes);
    let tag: String = digest
        .iter()
        .take(12)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let etag = |suffix: &str| HeaderValue::from_str(&format!("\"{tag}{suffix}\""));
    let smaller = |compressed: Vec<u8>| (compressed.len() < bytes.len()).then_some(compressed);
    let brotli = smaller(compress_brotli(&bytes)?)
        .map(|b| etag("-br").map(|tag| (Bytes::from(b), tag)))
        .transpose()
        .map_err(io::Error::other)?;
    let gzip = smaller(compress_gzip(&bytes)?)
        .map(|g| etag("-gz").map(|tag| (Bytes::from(g), tag)))
        .transpose()
        .map_err(io::Error::other)?;
    Ok(Served {
        content_type: HeaderValue::from_static(content_type),
        cache_control: HeaderValue::from_static(cache),
        identity_etag: etag("").map_err(io::Error::other)?,
        identity: Bytes::from(bytes),
        brotli,
        gzip,
    })
}

fn compress_brotli(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        // Quality 11 (the best), 4 MiB window (brotli's default; every decoder supports it).
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        writer.write_all(bytes)?;
        writer.flush()?;
    }
    Ok(out)
}

fn compress_gzip(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// The encoding to send, from `Accept-Encoding`, among those `served` has: the highest
/// q-value, brotli before gzip on a tie; identity when neither is acceptable.
fn negotiate(accept: Option<&HeaderValue>, has_brotli: bool, has_gzip: bool) -> Encoding {
    let Some(accept) = accept.and_then(|value| value.to_str().ok()) else {
        return Encoding::Identity;
    };
    let (mut brotli, mut gzip, mut any) = (None, None, None);
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|param| {
                let (key, value) = param.split_once('=')?;
                (key.trim().eq_ignore_ascii_case("q")).then(|| value.trim().parse::<f32>().ok())?
            })
            .next()
            .unwrap_or(1.0);
        match coding.as_str() {
            "br" => brotli = Some(q),
            "gzip" | "x-gzip" => gzip = Some(q),
            "*" => any = Some(q),
            _ => {}
        }
    }
    let brotli = if has_brotli {
        brotli.or(any).unwrap_or(0.0)
    } else {
        0.0
    };
    let gzip = if has_gzip {
        gzip.or(any).unwrap_or(0.0)
    } else {
        0.0
    };
    if brotli > 0.0 && brotli >= gzip {
        Encoding::Brotli
    } else if gzip > 0.0 {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// Whether `If-None-Match` names `etag` (or `*`).
fn not_modified(request: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(etag) = etag.to_str() else {
        return false;
    };
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim())
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

fn respond(file: &Served, request: &HeaderMap) -> Response {
    let encoding = negotiate(
        request.get(header::ACCEPT_ENCODING),
        file.brotli.is_some(),
        file.gzip.is_some(),
    );
    let (body, etag, coding) = match (encoding, &file.brotli, &file.gzip) {
        (Encoding::Brotli, Some((body, etag)), _) => (body, etag, Some("br")),
        (Encoding::Gzip, _, Some((body, etag))) => (body, etag, Some("gzip")),
        _ => (&file.identity, &file.identity_etag, None),
    };
    let unchanged = not_modified(request, etag);
    let mut response = if unchanged {
        Response::new(Body::empty())
    } else {
        Response::new(Body::from(body.clone()))
    };
    if unchanged {
        *response.status_mut() = StatusCode::NOT_MODIFIED;
    }
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, file.content_type.clone());
    headers.insert(header::CACHE_CONTROL, file.cache_control.clone());
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    headers.insert(header::ETAG, etag.clone());
    if let Some(coding) = coding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    response
}

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
/// (`/`, `/b/{board_id}`, `/t/…`), 404 for anything that looks like a file.
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

/// `router` with the security headers set on every response (API, WebSocket handshake,
/// pages and assets alike), replacing any a handler set.
pub fn with_security_headers(router: Router) -> Router {
    let headers: [(HeaderName, &'static str); 7] = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            HeaderName::from_static("permissions-policy"),
            PERMISSIONS_POLICY,
        ),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
    ];
    headers.into_iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &'static str) -> HeaderValue {
        HeaderValue::from_static(text)
    }

    #[test]
    fn negotiation_prefers_brotli_then_gzip_by_q_value() {
        assert_eq!(negotiate(None, true, true), Encoding::Identity);
        let cases = [
            ("gzip, deflate, br, zstd", Encoding::Brotli),
            ("gzip", Encoding::Gzip),
            ("br;q=0.5, gzip;q=0.8", Encoding::Gzip),
            ("br;q=0, gzip;q=0", Encoding::Identity),
            ("identity", Encoding::Identity),
            ("*", Encoding::Brotli),
            ("*;q=0.1, br;q=0", Encoding::Gzip),
            ("BR", Encoding::Brotli),
        ];
        for (accept, expected) in cases {
            assert_eq!(
                negotiate(Some(&value(accept)), true, true),
                expected,
                "{accept}"
            );
        }
        assert_eq!(
            negotiate(Some(&value("br, gzip")), false, true),
            Encoding::Gzip
        );
        assert_eq!(
            negotiate(Some(&value("br")), false, true),
            Encoding::Identity
        );
    }

    #[test]
    fn hashed_urls_keep_folder_stem_and_extension() {
        let url = hashed_url("style.css", b"body{}");
        assert!(
            url.starts_with("/assets/style-") && url.ends_with(".css"),
            "{url}"
        );
        assert_eq!(
            url.len(),
            "/assets/style-".len() + HASH_CHARS + ".css".len()
        );
        let nested = hashed_url("snippets/x-1/inline0.js", b"export {}");
        assert!(
            nested.starts_with("/assets/snippets/x-1/inline0-"),
            "{nested}"
        );
        assert!(hashed_url("LICENSE", b"").starts_with("/assets/LICENSE-"));
    }

    #[test]
    fn references_are_rewritten_after_their_targets_are_hashed() {
        let mut files = BTreeMap::new();
        files.insert(
            "app.js".to_owned(),
            b"import { a } from './snippets/s/inline0.js'; new URL('app_bg.wasm', import.meta.url);"
                .to_vec(),
        );
        files.insert(
            "snippets/s/inline0.js".to_owned(),
            b"export const a = 1;".to_vec(),
        );
        files.insert("app_bg.wasm".to_owned(), b"\0asm".to_vec());
        files.insert(
            "style.css".to_owned(),
            b"@font-face { src: url(fonts/inter.woff2) }".to_vec(),
        );
        files.insert("fonts/inter.woff2".to_owned(), b"wOF2".to_vec());
        let hashed = hash_all(files);
        let url = |name: &str| hashed[name].0.clone();
        let text = |name: &str| String::from_utf8(hashed[name].1.clone()).unwrap_or_default();
        assert!(text("app.js").contains(&format!("'{}'", url("snippets/s/inline0.js"))));
        assert!(text("app.js").contains(&format!("'{}'", url("app_bg.wasm"))));
        assert!(text("style.css").contains(&format!("url({})", url("fonts/inter.woff2"))));
        assert_eq!(
            client_entry(&hashed),
            Some((url("app.js"), url("app_bg.wasm")))
        );
    }

    #[test]
    fn the_glue_and_the_split_loader_importing_each_other_are_hashed_as_one_group() {
        let glue = |wasm_split: &str| {
            format!(
                "import * as import1 from \"./__wasm_split.js\"\n\
                 const imports = {{ \"./__wasm_split.js\": import1 }};\n\
                 new URL('app_bg.wasm', import.meta.url); // {wasm_split}"
            )
            .into_bytes()
        };
        let files = |version: &str| {
            let mut files = BTreeMap::new();
            files.insert("app.js".to_owned(), glue(version));
            files.insert(
                "__wasm_split.js".to_owned(),
                b"import { initSync } from \"./app.js\";\n\
                  fetch(new URL(\"./split_case.wasm\", import.meta.url));"
                    .to_vec(),
            );
            files.insert("app_bg.wasm".to_owned(), b"\0asm".to_vec());
            files.insert("split_case.wasm".to_owned(), b"\0asm1".to_vec());
            hash_all(files)
        };
        let hashed = files("one");
        let url = |name: &str| hashed[name].0.clone();
        let text = |name: &str| String::from_utf8(hashed[name].1.clone()).unwrap_or_default();
        let loader = text("__wasm_split.js");
        assert!(
            loader.contains(&format!("from \"{}\"", url("app.js"))),
            "{loader}"
        );
        assert!(loader.contains(&format!("\"{}\"", url("split_case.wasm"))));
        let app = text("app.js");
        assert!(
            app.contains(&format!("from \"{}\"", url("__wasm_split.js"))),
            "{app}"
        );
        assert!(
            app.contains("{ \"./__wasm_split.js\": import1 }"),
            "the import object's key names the wasm import and stays: {app}"
        );
        assert!(app.contains(&format!("'{}'", url("app_bg.wasm"))));
        // A change to either file gives both new URLs.
        let changed = files("two");
        assert_ne!(changed["app.js"].0, url("app.js"));
        assert_ne!(changed["__wasm_split.js"].0, url("__wasm_split.js"));
        assert_eq!(changed["split_case.wasm"].0, url("split_case.wasm"));
    }

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
        for path in ["/", "/b/abc", "/t/team", "/apiary", "/assetsx"] {
            assert!(!is_reserved(path), "{path}");
        }
    }
}
