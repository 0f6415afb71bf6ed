//! One file as served: its bytes in each encoding worth having, their ETags and the cache
//! policy, and the response to a request for it (content negotiation by
//! `Accept-Encoding`, `If-None-Match`). Everything is compressed once, at startup.

use std::io::{self, Write};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use sha2::{Digest, Sha256};

/// Hashed files never change under their URL.
pub(super) const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The shell and the service worker: always ask the server (cheap with the ETag).
pub(super) const NO_CACHE: &str = "no-cache";

/// One file as served: its bytes in every encoding worth having, and its headers.
pub(super) struct Served {
    content_type: HeaderValue,
    cache_control: HeaderValue,
    identity: Bytes,
    identity_etag: HeaderValue,
    /// Each compressed form, kept only when smaller than the original.
    brotli: Option<(Bytes, HeaderValue)>,
    gzip: Option<(Bytes, HeaderValue)>,
}

/// A file to prepare: where it goes (`K`), its content type, cache policy and bytes.
pub(super) type Job<K> = (K, &'static str, &'static str, Vec<u8>);

/// Prepares every file of `jobs`. Compressing (brotli 11 above all) is the slow part: one
/// thread per file.
pub(super) fn serve_all<K: Send>(jobs: Vec<Job<K>>) -> io::Result<Vec<(K, Served)>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .into_iter()
            .map(|(key, content_type, cache, bytes)| {
                scope.spawn(move || served(content_type, cache, bytes).map(|served| (key, served)))
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .map_err(|_| io::Error::other("compressing an asset panicked"))?
            })
            .collect()
    })
}

impl Served {
    /// Bytes sent without compression.
    pub(super) fn identity_bytes(&self) -> usize {
        self.identity.len()
    }

    /// Bytes sent to a client accepting brotli.
    pub(super) fn brotli_bytes(&self) -> usize {
        self.brotli
            .as_ref()
            .map_or(self.identity.len(), |b| b.0.len())
    }
}

/// `bytes` ready to serve: compressed, with an ETag per encoding (a prefix of the SHA-256 of
/// `bytes`, `-br` or `-gz` after it for the compressed forms).
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

/// The response to a GET or HEAD of `file`.
pub(super) fn respond(file: &Served, request: &HeaderMap) -> Response {
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
}
