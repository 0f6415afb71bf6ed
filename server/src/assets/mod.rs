//! The browser client's files.
//!
//! At startup [`Assets::load`] reads the folder `scripts/build-client` writes
//! (`--assets-dir`, default `target/client-dist`): every file but `index.html` and `sw.js`
//! is served at `/assets/<stem>-<hash>.<ext>` (first 10 hex digits of its SHA-256) and cached
//! by browsers for a year; references between the files are rewritten to those URLs; a
//! `boot.js` that starts the WebAssembly client is generated (`manifest.rs`); everything is
//! compressed once with brotli and gzip and answered in the encoding the request prefers,
//! with an ETag per encoding (`negotiation.rs`). [`router`] serves them, `index.html` (the
//! app shell) for every page the client routes (`/`, `/b/…`, …), and `/sw.js` with the
//! list of files to precache (`routes.rs`).
//!
//! Not `tower_http::services::ServeDir`: the hashed names, the rewritten references,
//! `boot.js` and the precache list are made here, in memory, so there is no folder of
//! served files for it to read, and it sends no ETag (the shell's revalidation), no
//! `Vary`, no charset in the content type, and ignores `*` in `Accept-Encoding`.
//! See "Asset serving" in docs/ARCHITECTURE.md and "Static assets" in docs/PROTOCOL.md.

mod manifest;
mod negotiation;
mod routes;

use std::collections::HashMap;
use std::io;
use std::path::Path;

pub use routes::router;

use manifest::{content_type, ClientBuild, Manifest, SERVICE_WORKER, SHELL};
use negotiation::{serve_all, Served, IMMUTABLE, NO_CACHE};

/// What `sw.js` holds where the server puts the JSON list of URLs to precache.
pub const PRECACHE_PLACEHOLDER: &str = "self.__LEERKRING_ASSETS__";

/// The client's files, ready to serve.
pub struct Assets {
    /// By URL path: `/assets/…` and `/sw.js`.
    files: HashMap<String, Served>,
    /// `index.html`, with hashed references; `None` when the client has not been built.
    shell: Option<Served>,
}

/// Where a prepared file goes in [`Assets`].
enum Place {
    Shell,
    Url(String),
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
        let Some(build) = ClientBuild::read(dir, &shown)? else {
            return Ok(Self::not_built());
        };
        let manifest = Manifest::of(build)?;
        let starts_client = manifest.starts_client;
        let hashed_urls = manifest.urls();
        let assets = Self::compressed(manifest)?;
        assets.log_loaded(&shown, starts_client, &hashed_urls);
        Ok(assets)
    }

    /// Every file of `manifest`, compressed, with its headers.
    fn compressed(manifest: Manifest) -> io::Result<Self> {
        let mut jobs: Vec<_> = manifest
            .hashed
            .into_iter()
            .map(|(name, (url, bytes))| (Place::Url(url), content_type(&name), IMMUTABLE, bytes))
            .collect();
        if let Some(worker) = manifest.service_worker {
            let url = Place::Url(format!("/{SERVICE_WORKER}"));
            jobs.push((url, content_type(SERVICE_WORKER), NO_CACHE, worker));
        }
        jobs.push((Place::Shell, content_type(SHELL), NO_CACHE, manifest.shell));
        let mut assets = Self::not_built();
        for (place, served) in serve_all(jobs)? {
            match place {
                Place::Shell => assets.shell = Some(served),
                Place::Url(url) => {
                    assets.files.insert(url, served);
                }
            }
        }
        Ok(assets)
    }

    fn log_loaded(&self, shown: &Path, starts_client: bool, hashed_urls: &[String]) {
        let identity_bytes: usize = self.files.values().map(Served::identity_bytes).sum();
        let brotli_bytes: usize = self.files.values().map(Served::brotli_bytes).sum();
        tracing::info!(
            assets_dir = %shown.display(),
            files = self.files.len(),
            identity_bytes,
            brotli_bytes,
            boot = starts_client,
            "client assets loaded"
        );
        for url in hashed_urls {
            tracing::debug!(%url, "asset");
        }
    }

    /// Whether `index.html` was found, i.e. the client is served.
    pub fn is_built(&self) -> bool {
        self.shell.is_some()
    }
}
