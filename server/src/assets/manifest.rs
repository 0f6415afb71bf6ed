//! The build manifest: which files a client build holds and the URL each is served at.
//!
//! Every file but `index.html` and `sw.js` gets `/assets/<stem>-<hash>.<ext>` (first 10 hex
//! digits of its SHA-256); references between the files are rewritten to those URLs
//! before each is hashed; a `boot.js` that starts the WebAssembly client is generated; the
//! shell gets the hashed references and preloads, the service worker its precache list.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::PRECACHE_PLACEHOLDER;

/// Hex digits of the SHA-256 in a hashed file name.
const HASH_CHARS: usize = 10;
/// Folders deeper than this under the assets dir are not read (guards against link loops).
const MAX_DEPTH: usize = 8;
pub(super) const SHELL: &str = "index.html";
pub(super) const SERVICE_WORKER: &str = "sw.js";
const BOOT: &str = "boot.js";
/// The wasm-bindgen output the boot script starts, when several are present.
const CLIENT_STEM: &str = "leerkring_client";

/// Hashed files by path relative to the assets dir: `(hashed URL, bytes)`.
pub(super) type Hashed = BTreeMap<String, (String, Vec<u8>)>;

/// A client build as read from the assets dir, before hashing.
pub(super) struct ClientBuild {
    shell: Vec<u8>,
    service_worker: Option<Vec<u8>>,
    /// Every other file, by path relative to the assets dir.
    files: BTreeMap<String, Vec<u8>>,
}

impl ClientBuild {
    /// The build in `dir` (`shown` names it in messages). `None`, with a warning, when
    /// there is no such folder or it has no `index.html`; an unreadable folder or file is
    /// an error.
    pub(super) fn read(dir: &Path, shown: &Path) -> io::Result<Option<Self>> {
        let mut files = match read_tree(dir) {
            Ok(files) => files,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                tracing::warn!(
                    assets_dir = %shown.display(),
                    "the client has not been built (no assets dir): `/` answers 503; \
                     run scripts/build-client"
                );
                return Ok(None);
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
            return Ok(None);
        };
        let service_worker = files.remove(SERVICE_WORKER);
        if files.remove(BOOT).is_some() {
            tracing::warn!("ignoring boot.js in the assets dir: the server generates its own");
        }
        Ok(Some(Self {
            shell,
            service_worker,
            files,
        }))
    }
}

/// What the server serves of a client build, before compression.
pub(super) struct Manifest {
    /// Every file under its hashed URL, `boot.js` included.
    pub(super) hashed: Hashed,
    /// `index.html` with hashed references and the client's preloads.
    pub(super) shell: Vec<u8>,
    /// `sw.js` with its precache list, if the build has one.
    pub(super) service_worker: Option<Vec<u8>>,
    /// Whether a `boot.js` starts the client.
    pub(super) starts_client: bool,
}

impl Manifest {
    pub(super) fn of(build: ClientBuild) -> io::Result<Self> {
        let mut hashed = hash_all(build.files);
        let client = add_boot_script(&mut hashed);
        let shell = shell_page(&build.shell, &hashed, client.as_ref());
        let service_worker = build
            .service_worker
            .map(|worker| with_precache_list(&worker, &sorted_urls(&hashed)))
            .transpose()?;
        Ok(Self {
            hashed,
            shell,
            service_worker,
            starts_client: client.is_some(),
        })
    }

    /// The hashed URLs, sorted.
    pub(super) fn urls(&self) -> Vec<String> {
        sorted_urls(&self.hashed)
    }
}

fn sorted_urls(hashed: &Hashed) -> Vec<String> {
    let mut urls: Vec<String> = hashed.values().map(|(url, _)| url.clone()).collect();
    urls.sort();
    urls
}

/// The hashed URLs of the wasm-bindgen output the page starts: the JS glue and the wasm.
struct ClientEntry {
    glue: String,
    wasm: String,
}

/// Adds the generated `boot.js`, which imports the JS glue and has it fetch the wasm, and
/// says what it starts; `None` (with a warning) when the build has no wasm-bindgen output.
fn add_boot_script(hashed: &mut Hashed) -> Option<ClientEntry> {
    let Some((glue, wasm)) = client_entry(hashed) else {
        tracing::warn!(
            "no wasm-bindgen output (NAME.js with NAME_bg.wasm) in the assets dir: \
             no boot.js; the page will not start the client"
        );
        return None;
    };
    let boot =
        format!("import init from '{glue}';\ninit({{ module_or_path: '{wasm}' }});\n").into_bytes();
    let url = hashed_url(BOOT, &boot);
    hashed.insert(BOOT.to_owned(), (url, boot));
    Some(ClientEntry { glue, wasm })
}

/// `index.html` with its references hashed and, when it starts the client, preloads of the
/// glue and the wasm, so the browser asks for them at once rather than after `boot.js`.
fn shell_page(shell: &[u8], hashed: &Hashed, client: Option<&ClientEntry>) -> Vec<u8> {
    let shell = rewrite_references(SHELL, shell, &url_map(hashed));
    match client {
        Some(ClientEntry { glue, wasm }) => {
            let preloads = format!(
                "<link rel=\"modulepreload\" href=\"{glue}\">\n\
                 <link rel=\"preload\" href=\"{wasm}\" as=\"fetch\" type=\"application/wasm\" \
                 crossorigin>\n"
            );
            insert_before_head_end(shell, &preloads)
        }
        None => shell,
    }
}

/// `sw.js` with [`PRECACHE_PLACEHOLDER`] replaced by the JSON list of URLs to precache:
/// the shell (`/`) and every hashed URL.
fn with_precache_list(worker: &[u8], hashed_urls: &[String]) -> io::Result<Vec<u8>> {
    let mut precache: Vec<&str> = vec!["/"];
    precache.extend(hashed_urls.iter().map(String::as_str));
    let list = serde_json::to_string(&precache).map_err(io::Error::other)?;
    let text = String::from_utf8_lossy(worker);
    if !text.contains(PRECACHE_PLACEHOLDER) {
        tracing::warn!("sw.js lacks {PRECACHE_PLACEHOLDER}: it will precache nothing");
    }
    Ok(text.replace(PRECACHE_PLACEHOLDER, &list).into_bytes())
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
fn hash_all(mut pending: BTreeMap<String, Vec<u8>>) -> Hashed {
    let names: Vec<String> = pending.keys().cloned().collect();
    let mut done: Hashed = BTreeMap::new();
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
fn url_map(done: &Hashed) -> BTreeMap<&str, &str> {
    done.iter()
        .map(|(name, (url, _))| (name.as_str(), url.as_str()))
        .collect()
}

/// Hashes files that refer to each other (and files that refer to those) together: each
/// URL's hash covers the whole group's content, so a change to any of them gives all of
/// them new URLs, and then their references to each other are rewritten.
fn hash_cycle(group: BTreeMap<String, Vec<u8>>, done: &mut Hashed) {
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

/// The `Content-Type` of the file at `path`, by its extension.
pub(super) fn content_type(path: &str) -> &'static str {
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
fn client_entry(hashed: &Hashed) -> Option<(String, String)> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
