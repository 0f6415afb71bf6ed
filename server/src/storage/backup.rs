//! `leerkring-server backup` and `restore`: a consistent copy of the embedded store, taken
//! while the server runs, and putting one back into a data dir.
//!
//! A running server holds the data dir's [`lock`](super::lock), so a backup cannot take
//! it; it relies on the order in which the embedded store writes instead. Compaction
//! renames a new `snapshot.bin` into place (it holds everything before it) and only then
//! empties `updates.log`; so each board is copied as `meta.json`, `updates.log`,
//! `snapshot.bin`, `meeting.json`, in that order. The log copied before the snapshot
//! means every pairing is complete: the old log with the old or a newer snapshot, or an
//! emptied log with the new snapshot. A torn last record in the copied log (an append
//! under way) is cut off before it is written. Teams, board metadata, meetings and
//! tombstones are replaced atomically, so plain copies of them are whole. A board or team
//! whose tombstone is copied (deleted meanwhile) is left out, and so is a board whose
//! folder or metadata vanished during the copy.
//!
//! ```text
//! <backup>/boards/<board id>/{meta.json,updates.log,snapshot.bin,meeting.json}
//! <backup>/teams/<team id>.json
//! <backup>/deleted/{boards,teams}/<id>.json
//! <backup>/MANIFEST.json   written last: format, time, counts, every file's SHA-256
//! ```
//!
//! Every file is fsynced; a backup without `MANIFEST.json` was interrupted and restore
//! refuses it. Restore checks every file against the manifest, takes the target data
//! dir's lock (so a running server is refused), stages the files beside the store and
//! then renames them into place. The crash-loop breaker's `applying/` and `quarantine/`
//! folders and `LOCK` stay out: they belong to the process, not to the boards.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use leerkring_shared::ids::{BoardId, TeamId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::embedded::{private_file_options, sync_dir};
use super::lock::DataDirLock;
use super::record_log::read_records;

/// The file written last into a complete backup.
pub const MANIFEST_FILE: &str = "MANIFEST.json";
/// The backup layout this code writes and reads.
const FORMAT_VERSION: u32 = 1;
/// Board files in the order they are copied (see the module comment for why).
const BOARD_FILES: [&str; 4] = ["meta.json", "updates.log", "snapshot.bin", "meeting.json"];
const LOG_FILE: &str = "updates.log";
/// The store's top-level folders, which a restore replaces.
const STORE_FOLDERS: [&str; 3] = ["boards", "teams", "deleted"];
/// Where a restore gathers the files before renaming them into the data dir.
const STAGING_DIR: &str = "restoring";

const REDIS_BACKUP_ADVICE: &str =
    "with --redis-url the boards live in Redis, not in the data dir: \
back up Redis's own files (the RDB snapshot after BGSAVE, or the AOF with appendonly yes) \
and each node's spool/ folder in its --data-dir";

/// Why a backup or restore did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Refused(String),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

/// What a backup holds, or a restore put back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub boards: usize,
    pub teams: usize,
    pub tombstones: usize,
}

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format_version: u32,
    /// Seconds since the Unix epoch, when the backup started.
    created_at: u64,
    counts: Counts,
    files: Vec<ManifestFile>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ManifestFile {
    /// Relative to the backup's root, `/`-separated.
    path: String,
    bytes: u64,
    sha256: String,
    /// The original's modification time (seconds since the Unix epoch), given back to
    /// the copies: expiry reads a board's last activity from its files' times.
    modified: u64,
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A file as read: its bytes and when it was last modified (seconds since the epoch).
struct Read {
    bytes: Vec<u8>,
    modified: u64,
}

/// Reads `path`, or `None` if it is not there (deleted meanwhile).
fn read_if_there(path: &Path) -> Result<Option<Read>, BackupError> {
    let mut file = match fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io_error(path)(error)),
    };
    let modified = file
        .metadata()
        .and_then(|metadata| metadata.modified())
        .map_err(io_error(path))?;
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut file, &mut bytes).map_err(io_error(path))?;
    Ok(Some(Read {
        bytes,
        modified: modified
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs()),
    }))
}

/// The names in `dir`, or none if it is not there.
fn names_in(dir: &Path) -> Result<Vec<String>, BackupError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(io_error(dir)(error)),
    };
    let mut names = Vec::new();
    for entry in entries {
        if let Some(name) = entry.map_err(io_error(dir))?.file_name().to_str() {
            names.push(name.to_owned());
        }
    }
    names.sort();
    Ok(names)
}

fn board_ids_in(dir: &Path) -> Result<Vec<String>, BackupError> {
    Ok(names_in(dir)?
        .into_iter()
        .filter(|name| BoardId::parse(name).is_ok())
        .collect())
}

/// The ids of `<id>.json` files in `dir` that `valid` accepts.
fn json_ids_in(dir: &Path, valid: fn(&str) -> bool) -> Result<Vec<String>, BackupError> {
    Ok(names_in(dir)?
        .into_iter()
        .filter_map(|name| name.strip_suffix(".json").map(str::to_owned))
        .filter(|id| valid(id))
        .collect())
}

fn is_board_id(id: &str) -> bool {
    BoardId::parse(id).is_ok()
}

fn is_team_id(id: &str) -> bool {
    TeamId::parse(id).is_ok()
}

fn create_private_dir(dir: &Path) -> Result<(), BackupError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(io_error(dir))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Writes files under one root, each fsynced, and keeps the manifest's list of them.
struct Writer {
    root: PathBuf,
    files: Vec<ManifestFile>,
    dirs: BTreeSet<PathBuf>,
}

impl Writer {
    fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            files: Vec::new(),
            dirs: BTreeSet::new(),
        }
    }

    fn write(&mut self, relative: &str, contents: &[u8], modified: u64) -> Result<(), BackupError> {
        let path = self.root.join(relative);
        if let Some(parent) = path.parent() {
            if self.dirs.insert(parent.to_path_buf()) {
                create_private_dir(parent)?;
            }
        }
        let mut file = private_file_options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io_error(&path))?;
        file.write_all(contents).map_err(io_error(&path))?;
        file.set_modified(UNIX_EPOCH + Duration::from_secs(modified))
            .map_err(io_error(&path))?;
        file.sync_all().map_err(io_error(&path))?;
        self.files.push(ManifestFile {
            path: relative.to_owned(),
            bytes: contents.len() as u64,
            sha256: sha256_hex(contents),
            modified,
        });
        Ok(())
    }

    /// Takes out everything under `prefix` (a thing deleted while it was copied).
    fn forget(&mut self, prefix: &str) -> Result<(), BackupError> {
        let mut kept = Vec::with_capacity(self.files.len());
        for file in self.files.drain(..) {
            if file.path == prefix || file.path.starts_with(&format!("{prefix}/")) {
                let path = self.root.join(&file.path);
                fs::remove_file(&path).map_err(io_error(&path))?;
            } else {
                kept.push(file);
            }
        }
        self.files = kept;
        let dir = self.root.join(prefix);
        if dir.is_dir() {
            fs::remove_dir(&dir).map_err(io_error(&dir))?;
            self.dirs.remove(&dir);
        }
        Ok(())
    }

    /// Makes the files' names durable, deepest folders first.
    fn sync_dirs(&self) -> Result<(), BackupError> {
        for dir in self.dirs.iter().rev() {
            sync_dir(dir).map_err(io_error(dir))?;
        }
        let mut parents: BTreeSet<PathBuf> = BTreeSet::new();
        for dir in &self.dirs {
            let mut parent = dir.parent();
            while let Some(up) = parent.filter(|up| up.starts_with(&self.root)) {
                parents.insert(up.to_path_buf());
                parent = up.parent();
            }
        }
        for dir in parents.iter().rev() {
            sync_dir(dir).map_err(io_error(dir))?;
        }
        Ok(())
    }
}

/// Copies the embedded store under `data_dir` into `to` (new or empty) while a server may
/// be running on it. Refused in Redis mode (`redis_url`), where the boards are elsewhere.
pub fn back_up(data_dir: &Path, redis_url: Option<&str>, to: &Path) -> Result<Counts, BackupError> {
    if redis_url.is_some() {
        return Err(BackupError::Refused(format!(
            "backup copies the embedded store only; {REDIS_BACKUP_ADVICE}"
        )));
    }
    let boards_dir = data_dir.join("boards");
    if !boards_dir.is_dir() {
        return Err(BackupError::Refused(format!(
            "{} holds no Leerkring store (no boards/ folder); check --data-dir",
            data_dir.display()
        )));
    }
    if !names_in(to)?.is_empty() {
        return Err(BackupError::Refused(format!(
            "{} is not empty; back up into a new or empty folder",
            to.display()
        )));
    }
    create_private_dir(to)?;
    let created_at = now_secs();
    let mut writer = Writer::new(to);
    let mut counts = Counts::default();

    let mut boards = Vec::new();
    for id in board_ids_in(&boards_dir)? {
        if copy_board(&boards_dir.join(&id), &id, &mut writer, &mut |_| {})? {
            boards.push(id);
        }
    }
    let mut teams = Vec::new();
    for id in json_ids_in(&data_dir.join("teams"), is_team_id)? {
        let relative = format!("teams/{id}.json");
        if let Some(read) = read_if_there(&data_dir.join(&relative))? {
            writer.write(&relative, &read.bytes, read.modified)?;
            teams.push(id);
        }
    }
    // Tombstones after what they bury: a thing deleted during the copy is left out.
    for (kind, valid, copied) in [
        ("boards", is_board_id as fn(&str) -> bool, &mut boards),
        ("teams", is_team_id, &mut teams),
    ] {
        for id in json_ids_in(&data_dir.join("deleted").join(kind), valid)? {
            let relative = format!("deleted/{kind}/{id}.json");
            let Some(read) = read_if_there(&data_dir.join(&relative))? else {
                continue;
            };
            writer.write(&relative, &read.bytes, read.modified)?;
            counts.tombstones += 1;
            if let Some(at) = copied.iter().position(|copied| *copied == id) {
                copied.remove(at);
                match kind {
                    "boards" => writer.forget(&format!("boards/{id}"))?,
                    _ => writer.forget(&format!("teams/{id}.json"))?,
                }
            }
        }
    }
    counts.boards = boards.len();
    counts.teams = teams.len();
    writer.sync_dirs()?;

    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        created_at,
        counts,
        files: writer.files,
    };
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|error| BackupError::Refused(format!("cannot write the manifest: {error}")))?;
    let temporary = to.join(format!("{MANIFEST_FILE}.tmp"));
    let mut file = private_file_options()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .map_err(io_error(&temporary))?;
    file.write_all(&json).map_err(io_error(&temporary))?;
    file.sync_all().map_err(io_error(&temporary))?;
    let manifest_path = to.join(MANIFEST_FILE);
    fs::rename(&temporary, &manifest_path).map_err(io_error(&manifest_path))?;
    sync_dir(to).map_err(io_error(to))?;
    Ok(counts)
}

/// Copies one board's files in the order that keeps them consistent. `false` if the
/// board is not (any more) there to copy: its metadata is missing or vanished meanwhile.
/// `after_copying` is told each file's name once it is copied (or found missing), so a
/// test can make the server's writes land between two copies.
fn copy_board(
    dir: &Path,
    id: &str,
    writer: &mut Writer,
    after_copying: &mut dyn FnMut(&str),
) -> Result<bool, BackupError> {
    let mut copied_any = false;
    for name in BOARD_FILES {
        let Some(Read {
            mut bytes,
            modified,
        }) = read_if_there(&dir.join(name))?
        else {
            if name == BOARD_FILES[0] {
                return Ok(false);
            }
            after_copying(name);
            continue;
        };
        if name == LOG_FILE {
            // An append under way leaves a torn last record: keep the intact prefix.
            let intact = read_records(&mut bytes.as_slice())
                .map_err(io_error(&dir.join(name)))?
                .intact_bytes;
            bytes.truncate(usize::try_from(intact).unwrap_or(bytes.len()));
        }
        writer.write(&format!("boards/{id}/{name}"), &bytes, modified)?;
        copied_any = true;
        after_copying(name);
    }
    if copied_any && !dir.join(BOARD_FILES[0]).exists() {
        // Buried while it was copied (the metadata goes first when a board is deleted).
        writer.forget(&format!("boards/{id}"))?;
        return Ok(false);
    }
    Ok(copied_any)
}

/// Whether `relative` (from a manifest) names a file the store keeps, so a restore
/// writes nothing anywhere else.
fn is_store_file(relative: &str) -> bool {
    if Path::new(relative)
        .components()
        .any(|part| !matches!(part, Component::Normal(_)))
    {
        return false;
    }
    let parts: Vec<&str> = relative.split('/').collect();
    let json_id =
        |name: &str, valid: fn(&str) -> bool| name.strip_suffix(".json").is_some_and(valid);
    match parts.as_slice() {
        ["boards", id, name] => is_board_id(id) && BOARD_FILES.contains(name),
        ["teams", name] => json_id(name, is_team_id),
        ["deleted", "boards", name] => json_id(name, is_board_id),
        ["deleted", "teams", name] => json_id(name, is_team_id),
        _ => false,
    }
}

/// What the store under `data_dir` holds now.
fn counts_in(data_dir: &Path) -> Result<Counts, BackupError> {
    let deleted = data_dir.join("deleted");
    Ok(Counts {
        boards: board_ids_in(&data_dir.join("boards"))?.len(),
        teams: json_ids_in(&data_dir.join("teams"), is_team_id)?.len(),
        tombstones: json_ids_in(&deleted.join("boards"), is_board_id)?.len()
            + json_ids_in(&deleted.join("teams"), is_team_id)?.len(),
    })
}

/// Puts the backup in `from` into `data_dir`, which must hold no boards, teams or
/// tombstones unless `force` (then they are replaced). Takes the data dir's lock, so it
/// is refused while a server runs there. Refused in Redis mode (`redis_url`).
pub fn restore(
    from: &Path,
    data_dir: &Path,
    redis_url: Option<&str>,
    force: bool,
) -> Result<Counts, BackupError> {
    if redis_url.is_some() {
        return Err(BackupError::Refused(format!(
            "restore puts back the embedded store only; {REDIS_BACKUP_ADVICE}; restore those instead"
        )));
    }
    let manifest_path = from.join(MANIFEST_FILE);
    let Some(Read {
        bytes: manifest_json,
        ..
    }) = read_if_there(&manifest_path)?
    else {
        return Err(BackupError::Refused(format!(
            "{} has no {MANIFEST_FILE}: it is not a Leerkring backup, or its backup was interrupted",
            from.display()
        )));
    };
    let manifest: Manifest = serde_json::from_slice(&manifest_json).map_err(|error| {
        BackupError::Refused(format!("{} is damaged: {error}", manifest_path.display()))
    })?;
    if manifest.format_version != FORMAT_VERSION {
        return Err(BackupError::Refused(format!(
            "{} is backup format {}; this server reads format {FORMAT_VERSION}",
            manifest_path.display(),
            manifest.format_version
        )));
    }
    let _lock =
        DataDirLock::acquire(data_dir).map_err(|error| BackupError::Refused(error.to_string()))?;
    let present = counts_in(data_dir)?;
    if present != Counts::default() && !force {
        return Err(BackupError::Refused(format!(
            "{} already holds {} boards, {} teams and {} tombstones; restore into an empty data dir, or add --force to replace them",
            data_dir.display(),
            present.boards,
            present.teams,
            present.tombstones
        )));
    }

    let staging = data_dir.join(STAGING_DIR);
    match fs::remove_dir_all(&staging) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(io_error(&staging)(error)),
    }
    let mut writer = Writer::new(&staging);
    for folder in STORE_FOLDERS {
        writer.dirs.insert(staging.join(folder));
        create_private_dir(&staging.join(folder))?;
    }
    for file in &manifest.files {
        if !is_store_file(&file.path) {
            return Err(BackupError::Refused(format!(
                "{} names {:?}, which is no file of a Leerkring store",
                manifest_path.display(),
                file.path
            )));
        }
        let path = from.join(&file.path);
        let bytes = fs::read(&path).map_err(io_error(&path))?;
        if bytes.len() as u64 != file.bytes || sha256_hex(&bytes) != file.sha256 {
            return Err(BackupError::Refused(format!(
                "{} differs from what {MANIFEST_FILE} says was backed up: the backup is damaged",
                path.display()
            )));
        }
        writer.write(&file.path, &bytes, file.modified)?;
    }
    writer.sync_dirs()?;
    for folder in STORE_FOLDERS {
        let target = data_dir.join(folder);
        match fs::remove_dir_all(&target) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(io_error(&target)(error)),
        }
        fs::rename(staging.join(folder), &target).map_err(io_error(&target))?;
    }
    sync_dir(data_dir).map_err(io_error(data_dir))?;
    fs::remove_dir_all(&staging).map_err(io_error(&staging))?;
    sync_dir(data_dir).map_err(io_error(data_dir))?;
    Ok(manifest.counts)
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::super::embedded::FileStore;
    use super::super::{BoardMeta, Store};
    use super::*;

    /// A compaction (and an append after it) lands between the copies of the log and the
    /// snapshot: whichever of the two is copied first, nothing stored before is lost.
    /// Copying the snapshot first would lose `u1` and `u2` here.
    #[test]
    fn a_compaction_between_the_copies_loses_nothing_stored_before_it() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let data = tempfile::tempdir().expect("temp dir");
        let store = FileStore::open(data.path()).expect("store");
        let id = "EEEEEEEEEEEEEEEEEEEEEE";
        let meta = BoardMeta {
            id: BoardId::parse(id).expect("valid id"),
            title: "Kopie".into(),
            created_at: 0,
            facilitator_token: "f".repeat(43),
            participant_token: "p".repeat(43),
            team: None,
        };
        runtime.block_on(store.create_board(&meta)).expect("create");
        let (_, mut log) = runtime.block_on(store.open(&meta.id)).expect("open");
        runtime
            .block_on(log.append(&[Bytes::from_static(b"u1"), Bytes::from_static(b"u2")]))
            .expect("append");

        let backup = tempfile::tempdir().expect("temp dir");
        let mut writer = Writer::new(backup.path());
        let mut compacted = false;
        let board_dir = data.path().join("boards").join(id);
        let copied = copy_board(&board_dir, id, &mut writer, &mut |name| {
            if !compacted && (name == LOG_FILE || name == "snapshot.bin") {
                compacted = true;
                runtime
                    .block_on(log.compact(b"u1,u2".to_vec()))
                    .expect("compact");
                runtime
                    .block_on(log.append(&[Bytes::from_static(b"u3")]))
                    .expect("append after compacting");
            }
        })
        .expect("copy");
        assert!(copied && compacted);

        let copy = FileStore::open(backup.path()).expect("the copy opens as a store");
        let (history, _) = runtime.block_on(copy.open(&meta.id)).expect("board opens");
        let mut held: BTreeSet<Vec<u8>> = history.updates.into_iter().collect();
        for part in history
            .snapshot
            .unwrap_or_default()
            .split(|&byte| byte == b',')
        {
            held.insert(part.to_vec());
        }
        for update in [&b"u1"[..], b"u2"] {
            assert!(held.contains(update), "{update:?} lost; held {held:?}");
        }
    }

    /// A board buried before or during the copy is left out (its tombstone kept); a team
    /// is copied as it is.
    #[test]
    fn a_buried_board_is_left_out_and_teams_and_tombstones_are_kept() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let data = tempfile::tempdir().expect("temp dir");
        let store = FileStore::open(data.path()).expect("store");
        let board = |id: &str| BoardMeta {
            id: BoardId::parse(id).expect("valid id"),
            title: "Bord".into(),
            created_at: 0,
            facilitator_token: "f".repeat(43),
            participant_token: "p".repeat(43),
            team: None,
        };
        let kept = board("GGGGGGGGGGGGGGGGGGGGGG");
        let buried = board("HHHHHHHHHHHHHHHHHHHHHH");
        for meta in [&kept, &buried] {
            runtime.block_on(store.create_board(meta)).expect("create");
        }
        let tombstone = super::super::Tombstone {
            deleted_at: 1,
            why: super::super::Removal::Deleted,
            took_place: None,
        };
        // Buried but not yet erased, as between the two steps of a deletion.
        runtime
            .block_on(store.bury_board(&buried.id, &tombstone))
            .expect("bury");
        let team = "TTTTTTTTTTTTTTTTTTTTTT";
        fs::write(data.path().join(format!("teams/{team}.json")), b"{}").expect("team");

        let backup = tempfile::tempdir().expect("temp dir");
        let to = backup.path().join("b");
        let counts = back_up(data.path(), None, &to).expect("backup");
        assert_eq!(
            counts,
            Counts {
                boards: 1,
                teams: 1,
                tombstones: 1
            }
        );
        assert!(to.join(format!("boards/{}/meta.json", kept.id)).is_file());
        assert!(!to.join(format!("boards/{}", buried.id)).exists());
        assert!(to
            .join(format!("deleted/boards/{}.json", buried.id))
            .is_file());
        assert!(to.join(format!("teams/{team}.json")).is_file());
    }

    #[test]
    fn only_the_stores_own_files_may_be_restored() {
        let board = "AAAAAAAAAAAAAAAAAAAAAA";
        assert!(is_store_file(&format!("boards/{board}/updates.log")));
        assert!(is_store_file(&format!("deleted/boards/{board}.json")));
        assert!(!is_store_file(&format!("boards/{board}/../../LOCK")));
        assert!(!is_store_file("/etc/passwd"));
        assert!(!is_store_file(&format!("boards/{board}/other.bin")));
        assert!(!is_store_file("quarantine/x.bin"));
    }

    #[test]
    fn a_backup_restores_into_an_empty_dir_and_not_over_a_full_one() {
        let data = tempfile::tempdir().expect("temp dir");
        let board = data.path().join("boards").join("AAAAAAAAAAAAAAAAAAAAAA");
        fs::create_dir_all(&board).expect("board dir");
        fs::write(board.join("meta.json"), b"{}").expect("meta");
        // A log whose last record is torn: only the intact record is backed up.
        let mut log = Vec::new();
        super::super::record_log::write_records(&mut log, [&b"update"[..]]).expect("record");
        let intact = log.len();
        log.extend_from_slice(&[50, 0, 0, 0, 1, 2]);
        fs::write(board.join(LOG_FILE), &log).expect("log");
        fs::create_dir_all(data.path().join("quarantine")).expect("quarantine");

        let backup = tempfile::tempdir().expect("temp dir");
        let to = backup.path().join("b");
        let counts = back_up(data.path(), None, &to).expect("backup");
        assert_eq!(counts.boards, 1);
        assert!(!to.join("quarantine").exists());
        let copied = fs::read(to.join("boards/AAAAAAAAAAAAAAAAAAAAAA/updates.log")).expect("log");
        assert_eq!(copied.len(), intact);
        assert!(to.join(MANIFEST_FILE).is_file());

        let target = tempfile::tempdir().expect("temp dir");
        let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
        fs::File::options()
            .append(true)
            .open(board.join("meta.json"))
            .and_then(|file| file.set_modified(an_hour_ago))
            .expect("age the original");
        let to = backup.path().join("aged");
        back_up(data.path(), None, &to).expect("backup");
        restore(&to, target.path(), None, false).expect("restore");
        let restored_time = fs::metadata(
            target
                .path()
                .join("boards/AAAAAAAAAAAAAAAAAAAAAA/meta.json"),
        )
        .and_then(|metadata| metadata.modified())
        .expect("restored meta's time");
        let age = SystemTime::now()
            .duration_since(restored_time)
            .unwrap_or_default();
        assert!(
            age >= Duration::from_secs(3500),
            "the file's time is kept: {age:?}"
        );
        assert!(target
            .path()
            .join("boards/AAAAAAAAAAAAAAAAAAAAAA/meta.json")
            .exists());
        assert!(matches!(
            restore(&to, target.path(), None, false),
            Err(BackupError::Refused(_))
        ));
        restore(&to, target.path(), None, true).expect("forced restore");
    }
}
