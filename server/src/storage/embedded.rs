//! The embedded store: every board is a folder of plain files under the data dir.
//!
//! ```text
//! <data dir>/boards/<board id>/meta.json     title and tokens, written once
//!                             /snapshot.bin  the compacted document (one record)
//!                             /updates.log   updates since the snapshot (records)
//!                             /meeting.json  the facilitated meeting, replaced whole
//! <data dir>/teams/<team id>.json            a team, replaced whole (atomically)
//! <data dir>/deleted/boards/<board id>.json  a deleted board's tombstone (when, why)
//! <data dir>/deleted/teams/<team id>.json    a deleted team's tombstone
//! ```
//!
//! Deleting a board writes its tombstone and removes `meta.json` first (both fsynced),
//! so the board cannot be opened again, and only then its folder; a crash in between is
//! finished when the store opens next.
//!
//! Appends are fsynced before [`BoardLog::append`] returns; a room batches the updates
//! that arrive together into one append (group commit). Compaction writes the new
//! snapshot beside the old one, fsyncs, renames it into place and only then empties the
//! log, so a crash at any point leaves a loadable board (replaying updates the snapshot
//! already holds is harmless: CRDT updates are idempotent).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use leerkring_shared::ids::{BoardId, TeamId};

use super::record_log::{read_records, write_records};
use super::{
    Backlog, BoardLog, BoardMeta, Store, StoreError, StoredHistory, StoredTeam, Tombstone,
};

const META_FILE: &str = "meta.json";
const SNAPSHOT_FILE: &str = "snapshot.bin";
const LOG_FILE: &str = "updates.log";
const MEETING_FILE: &str = "meeting.json";

/// Boards and teams stored as files under one data dir.
pub struct FileStore {
    boards_dir: PathBuf,
    teams_dir: PathBuf,
    buried_boards_dir: PathBuf,
    buried_teams_dir: PathBuf,
    /// Held while a file is checked and replaced (teams, a board's metadata, tombstones):
    /// this process owns the data dir.
    replacing: Arc<Mutex<()>>,
}

impl FileStore {
    /// Opens (creating if needed) the store under `data_dir`, and finishes deleting
    /// boards whose deletion a crash interrupted.
    pub fn open(data_dir: &Path) -> io::Result<Self> {
        let store = Self {
            boards_dir: data_dir.join("boards"),
            teams_dir: data_dir.join("teams"),
            buried_boards_dir: data_dir.join("deleted").join("boards"),
            buried_teams_dir: data_dir.join("deleted").join("teams"),
            replacing: Arc::default(),
        };
        for dir in [
            &store.boards_dir,
            &store.teams_dir,
            &store.buried_boards_dir,
            &store.buried_teams_dir,
        ] {
            fs::create_dir_all(dir)?;
        }
        for entry in fs::read_dir(&store.buried_boards_dir)? {
            let name = entry?.file_name();
            let Some(id) = name
                .to_str()
                .and_then(|name| name.strip_suffix(".json"))
                .and_then(|id| BoardId::parse(id).ok())
            else {
                continue;
            };
            let dir = store.board_dir(&id);
            if dir.exists() {
                tracing::info!(board = %id, "finishing the deletion of a board");
                fs::remove_dir_all(&dir)?;
            }
        }
        sync_dir(&store.boards_dir)?;
        Ok(store)
    }

    /// Writes `tombstone` at `grave`, then removes `file` (what made the thing exist),
    /// both durably and in that order.
    async fn bury(
        &self,
        grave: PathBuf,
        tombstone: &Tombstone,
        file: PathBuf,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_vec(tombstone)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let replacing = Arc::clone(&self.replacing);
        blocking(move || {
            let _held = hold(&replacing);
            write_atomically(&grave, &json)?;
            remove_file_durably(&file)?;
            Ok(())
        })
        .await
    }

    fn board_tombstone_file(&self, id: &BoardId) -> PathBuf {
        self.buried_boards_dir.join(format!("{id}.json"))
    }

    fn team_tombstone_file(&self, id: &TeamId) -> PathBuf {
        self.buried_teams_dir.join(format!("{id}.json"))
    }

    fn team_file(&self, id: &TeamId) -> PathBuf {
        // `TeamId` only admits URL-safe base64, so this cannot leave `teams_dir`.
        self.teams_dir.join(format!("{id}.json"))
    }

    fn board_dir(&self, id: &BoardId) -> PathBuf {
        // `BoardId` only admits URL-safe base64, so this cannot leave `boards_dir`.
        self.boards_dir.join(id.as_str())
    }
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|join_error| StoreError::Io(io::Error::other(join_error)))?
}

pub(super) fn private_file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

pub(super) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Replaces `path` with `contents` so that a reader (or a crash) sees either the old
/// file or the new one, never a mix.
pub(super) fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let temporary = path.with_extension("tmp");
    let mut file = private_file_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&temporary)?;
    file.write_all(contents)?;
    file.sync_all()?;
    fs::rename(&temporary, path)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

fn read_team(path: &Path) -> Result<Option<StoredTeam>, StoreError> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|error| StoreError::Corrupt(format!("{}: {error}", path.display()))),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error.into()),
    }
}

fn read_tombstone(path: &Path) -> Result<Option<Tombstone>, StoreError> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|error| StoreError::Corrupt(format!("{}: {error}", path.display()))),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Takes the lock that file replacements hold. A poisoned lock only means an earlier
/// write panicked; the files are whole (each is replaced atomically).
fn hold(lock: &Mutex<()>) -> std::sync::MutexGuard<'_, ()> {
    lock.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes `path` (a file) if it is there, and makes that last.
fn remove_file_durably(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Ok(()) => sync_dir(path.parent().unwrap_or(Path::new("."))),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    }
}

fn team_json(team: &StoredTeam) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(team).map_err(|error| StoreError::Corrupt(error.to_string()))
}

fn read_snapshot(dir: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    let mut file = match File::open(dir.join(SNAPSHOT_FILE)) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error.into()),
    };
    let mut read = read_records(&mut file)?;
    match (
        read.records.pop(),
        read.records.is_empty(),
        read.damaged_bytes,
    ) {
        (Some(snapshot), true, 0) => Ok(Some(snapshot)),
        _ => Err(StoreError::Corrupt(format!(
            "{} does not hold exactly one intact record",
            dir.join(SNAPSHOT_FILE).display()
        ))),
    }
}

#[async_trait]
impl Store for FileStore {
    async fn create_board(&self, meta: &BoardMeta) -> Result<(), StoreError> {
        let dir = self.board_dir(&meta.id);
        let boards_dir = self.boards_dir.clone();
        let json = serde_json::to_vec_pretty(meta)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        blocking(move || {
            fs::create_dir(&dir).map_err(|error| match error.kind() {
                io::ErrorKind::AlreadyExists => StoreError::AlreadyExists,
                _ => StoreError::Io(error),
            })?;
            write_atomically(&dir.join(META_FILE), &json)?;
            sync_dir(&boards_dir)?;
            Ok(())
        })
        .await
    }

    async fn board_meta(&self, id: &BoardId) -> Result<Option<BoardMeta>, StoreError> {
        let path = self.board_dir(id).join(META_FILE);
        blocking(move || match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|error| StoreError::Corrupt(format!("{}: {error}", path.display()))),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error.into()),
        })
        .await
    }

    async fn replace_board_meta(&self, meta: &BoardMeta) -> Result<(), StoreError> {
        let path = self.board_dir(&meta.id).join(META_FILE);
        let json = serde_json::to_vec_pretty(meta)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let writes = Arc::clone(&self.replacing);
        blocking(move || {
            // The same lock as team writes: a replacement never revives a buried board.
            let _held = hold(&writes);
            if !path.exists() {
                return Err(StoreError::NotFound);
            }
            write_atomically(&path, &json)?;
            Ok(())
        })
        .await
    }

    async fn bury_board(&self, id: &BoardId, tombstone: &Tombstone) -> Result<(), StoreError> {
        let meta = self.board_dir(id).join(META_FILE);
        self.bury(self.board_tombstone_file(id), tombstone, meta)
            .await
    }

    async fn erase_board(&self, id: &BoardId) -> Result<(), StoreError> {
        let dir = self.board_dir(id);
        let boards_dir = self.boards_dir.clone();
        blocking(move || {
            match fs::remove_dir_all(&dir) {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => return Err(error.into()),
            }
            sync_dir(&boards_dir)?;
            Ok(())
        })
        .await
    }

    async fn boards(&self) -> Result<Vec<BoardId>, StoreError> {
        let dir = self.boards_dir.clone();
        blocking(move || {
            let mut boards = Vec::new();
            for entry in fs::read_dir(&dir)? {
                let entry = entry?;
                let id = entry
                    .file_name()
                    .to_str()
                    .and_then(|n| BoardId::parse(n).ok());
                if let Some(id) = id.filter(|_| entry.path().join(META_FILE).exists()) {
                    boards.push(id);
                }
            }
            Ok(boards)
        })
        .await
    }

    /// The newest modification time of the board's files: every append, compaction and
    /// meeting change writes one of them.
    async fn last_activity(&self, id: &BoardId) -> Result<Option<u64>, StoreError> {
        let dir = self.board_dir(id);
        blocking(move || {
            let mut newest = None;
            for file in [META_FILE, SNAPSHOT_FILE, LOG_FILE, MEETING_FILE] {
                let modified = match fs::metadata(dir.join(file)) {
                    Ok(metadata) => metadata.modified()?,
                    Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                    Err(error) => return Err(error.into()),
                };
                let seconds = modified
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |since| since.as_secs());
                newest = newest.max(Some(seconds));
            }
            Ok(newest)
        })
        .await
    }

    async fn board_tombstone(&self, id: &BoardId) -> Result<Option<Tombstone>, StoreError> {
        let path = self.board_tombstone_file(id);
        blocking(move || read_tombstone(&path)).await
    }

    async fn delete_team(&self, id: &TeamId, tombstone: &Tombstone) -> Result<(), StoreError> {
        self.bury(self.team_tombstone_file(id), tombstone, self.team_file(id))
            .await
    }

    async fn team_tombstone(&self, id: &TeamId) -> Result<Option<Tombstone>, StoreError> {
        let path = self.team_tombstone_file(id);
        blocking(move || read_tombstone(&path)).await
    }

    async fn create_team(&self, team: &StoredTeam) -> Result<(), StoreError> {
        let path = self.team_file(&team.meta.id);
        let json = team_json(team)?;
        let writes = Arc::clone(&self.replacing);
        blocking(move || {
            let _held = hold(&writes);
            if path.exists() {
                return Err(StoreError::AlreadyExists);
            }
            write_atomically(&path, &json)?;
            Ok(())
        })
        .await
    }

    async fn team(&self, id: &TeamId) -> Result<Option<StoredTeam>, StoreError> {
        let path = self.team_file(id);
        blocking(move || read_team(&path)).await
    }

    async fn replace_team(&self, team: &StoredTeam) -> Result<(), StoreError> {
        let path = self.team_file(&team.meta.id);
        let json = team_json(team)?;
        let revision = team.revision;
        let writes = Arc::clone(&self.replacing);
        blocking(move || {
            let _held = hold(&writes);
            let stored = read_team(&path)?.ok_or(StoreError::NotFound)?;
            if stored.revision + 1 != revision {
                return Err(StoreError::Conflict);
            }
            write_atomically(&path, &json)?;
            Ok(())
        })
        .await
    }

    async fn open(&self, id: &BoardId) -> Result<(StoredHistory, Box<dyn BoardLog>), StoreError> {
        let dir = self.board_dir(id);
        let board = id.clone();
        blocking(move || {
            if !dir.join(META_FILE).exists() {
                return Err(StoreError::NotFound);
            }
            let snapshot = read_snapshot(&dir)?;
            let mut file = private_file_options()
                .read(true)
                .append(true)
                .create(true)
                .open(dir.join(LOG_FILE))?;
            let read = read_records(&mut file)?;
            if read.damaged_bytes > 0 {
                tracing::warn!(
                    board = %board,
                    intact_updates = read.records.len(),
                    intact_bytes = read.intact_bytes,
                    damaged_bytes = read.damaged_bytes,
                    "update log ended in a torn or corrupt record; recovered the intact prefix"
                );
                file.set_len(read.intact_bytes)?;
                file.sync_all()?;
            }
            let meeting = match fs::read(dir.join(MEETING_FILE)) {
                Ok(bytes) => Some(bytes),
                Err(error) if error.kind() == io::ErrorKind::NotFound => None,
                Err(error) => return Err(error.into()),
            };
            let backlog = Backlog {
                updates: read.records.len() as u64,
                bytes: read.intact_bytes,
            };
            let log = FileLog {
                dir,
                file: Arc::new(Mutex::new(file)),
                backlog,
            };
            let history = StoredHistory {
                snapshot,
                updates: read.records,
                meeting,
            };
            Ok((history, Box::new(log) as Box<dyn BoardLog>))
        })
        .await
    }
}

/// An open `updates.log`.
struct FileLog {
    dir: PathBuf,
    /// Shared with the blocking thread doing the write; only one write runs at a time
    /// because the room awaits each one.
    file: Arc<Mutex<File>>,
    backlog: Backlog,
}

fn lock(file: &Mutex<File>) -> std::sync::MutexGuard<'_, File> {
    // A poisoned lock only means an earlier write panicked; the file handle is still usable
    // and the next write's fsync tells the truth about durability.
    file.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[async_trait]
impl BoardLog for FileLog {
    async fn append(&mut self, updates: &[Bytes]) -> Result<(), StoreError> {
        let file = Arc::clone(&self.file);
        let owned: Vec<Bytes> = updates.to_vec();
        let appended_bytes: u64 = owned.iter().map(|u| u.len() as u64 + 8).sum();
        blocking(move || {
            let mut file = lock(&file);
            let length_before = file.metadata()?.len();
            let written = write_records(&mut *file, owned.iter().map(|u| u.as_ref()))
                .and_then(|()| file.sync_data());
            if let Err(error) = written {
                // Leave no partial group behind: a later append must not follow garbage.
                // If even this fails, the next load still recovers the intact prefix.
                let _ = file.set_len(length_before);
                return Err(error.into());
            }
            Ok(())
        })
        .await?;
        self.backlog.updates += updates.len() as u64;
        self.backlog.bytes += appended_bytes;
        Ok(())
    }

    async fn compact(&mut self, snapshot: Vec<u8>) -> Result<(), StoreError> {
        let file = Arc::clone(&self.file);
        let path = self.dir.join(SNAPSHOT_FILE);
        blocking(move || {
            let mut record = Vec::with_capacity(snapshot.len() + 8);
            write_records(&mut record, [snapshot.as_slice()])?;
            write_atomically(&path, &record)?;
            let file = lock(&file);
            file.set_len(0)?;
            file.sync_all()?;
            Ok(())
        })
        .await?;
        self.backlog = Backlog::default();
        Ok(())
    }

    async fn save_meeting(&mut self, meeting: Vec<u8>) -> Result<(), StoreError> {
        let path = self.dir.join(MEETING_FILE);
        blocking(move || Ok(write_atomically(&path, &meeting)?)).await
    }

    fn backlog(&self) -> Backlog {
        self.backlog
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(id: &str) -> BoardMeta {
        BoardMeta {
            id: BoardId::parse(id).expect("valid id"),
            title: "Leerkring".into(),
            created_at: 0,
            facilitator_token: "f".repeat(43),
            participant_token: "p".repeat(43),
            team: None,
        }
    }

    #[tokio::test]
    async fn appends_survive_reopening_and_compaction_replaces_them() {
        let dir = tempfile_dir();
        let store = FileStore::open(dir.path()).expect("open store");
        let board = meta("AAAAAAAAAAAAAAAAAAAAAA");
        store.create_board(&board).await.expect("create");
        assert!(matches!(
            store.create_board(&board).await,
            Err(StoreError::AlreadyExists)
        ));

        let (history, mut log) = store.open(&board.id).await.expect("open");
        assert!(history.snapshot.is_none() && history.updates.is_empty());
        log.append(&[Bytes::from_static(b"u1"), Bytes::from_static(b"u2")])
            .await
            .expect("append");
        assert_eq!(log.backlog().updates, 2);
        drop(log);

        let (history, mut log) = store.open(&board.id).await.expect("reopen");
        assert_eq!(history.updates, vec![b"u1".to_vec(), b"u2".to_vec()]);
        log.compact(b"state".to_vec()).await.expect("compact");
        assert_eq!(log.backlog(), Backlog::default());
        log.append(&[Bytes::from_static(b"u3")])
            .await
            .expect("append after compaction");
        drop(log);

        let (history, mut log) = store.open(&board.id).await.expect("reopen");
        assert_eq!(history.snapshot.as_deref(), Some(&b"state"[..]));
        assert_eq!(history.updates, vec![b"u3".to_vec()]);
        assert!(history.meeting.is_none());
        log.save_meeting(b"{\"v\":1}".to_vec())
            .await
            .expect("save meeting");
        log.save_meeting(b"{\"v\":2}".to_vec())
            .await
            .expect("replace meeting");
        drop(log);
        let (history, _log) = store.open(&board.id).await.expect("reopen");
        assert_eq!(history.meeting.as_deref(), Some(&b"{\"v\":2}"[..]));
    }

    #[tokio::test]
    async fn unknown_boards_have_no_meta_and_cannot_be_opened() {
        let dir = tempfile_dir();
        let store = FileStore::open(dir.path()).expect("open store");
        let id = BoardId::parse("BBBBBBBBBBBBBBBBBBBBBB").expect("valid id");
        assert!(store.board_meta(&id).await.expect("lookup").is_none());
        assert!(matches!(store.open(&id).await, Err(StoreError::NotFound)));
    }

    #[tokio::test]
    async fn a_torn_log_is_cut_back_to_its_intact_prefix() {
        let dir = tempfile_dir();
        let store = FileStore::open(dir.path()).expect("open store");
        let board = meta("CCCCCCCCCCCCCCCCCCCCCC");
        store.create_board(&board).await.expect("create");
        let (_, mut log) = store.open(&board.id).await.expect("open");
        log.append(&[Bytes::from_static(b"heel")])
            .await
            .expect("append");
        drop(log);
        let log_path = dir
            .path()
            .join("boards")
            .join(board.id.as_str())
            .join(LOG_FILE);
        let mut file = OpenOptions::new()
            .append(true)
            .open(&log_path)
            .expect("log file");
        file.write_all(&[9, 0, 0, 0, 1, 2, 3]).expect("tear");
        drop(file);

        let (history, mut log) = store.open(&board.id).await.expect("recovering open");
        assert_eq!(history.updates, vec![b"heel".to_vec()]);
        log.append(&[Bytes::from_static(b"daarna")])
            .await
            .expect("append after recovery");
        drop(log);
        let (history, _) = store.open(&board.id).await.expect("reopen");
        assert_eq!(history.updates, vec![b"heel".to_vec(), b"daarna".to_vec()]);
    }

    #[tokio::test]
    async fn a_buried_board_cannot_be_opened_and_an_interrupted_erasure_is_finished() {
        let dir = tempfile_dir();
        let store = FileStore::open(dir.path()).expect("open store");
        let board = meta("DDDDDDDDDDDDDDDDDDDDDD");
        store.create_board(&board).await.expect("create");
        let (_, mut log) = store.open(&board.id).await.expect("open");
        log.append(&[Bytes::from_static(b"geheim")])
            .await
            .expect("append");
        drop(log);
        let tombstone = Tombstone {
            deleted_at: 7,
            why: super::super::Removal::Deleted,
            took_place: None,
        };
        store.bury_board(&board.id, &tombstone).await.expect("bury");
        assert!(store.board_meta(&board.id).await.expect("lookup").is_none());
        assert!(matches!(
            store.open(&board.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.replace_board_meta(&board).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            store.board_tombstone(&board.id).await.expect("tombstone"),
            Some(tombstone)
        );
        // A crash before the erasure: the next start finishes it.
        let folder = dir.path().join("boards").join(board.id.as_str());
        assert!(folder.join(LOG_FILE).exists());
        drop(store);
        let store = FileStore::open(dir.path()).expect("reopen store");
        assert!(!folder.exists(), "the board's folder is gone");
        store
            .erase_board(&board.id)
            .await
            .expect("erasing twice is fine");
        assert!(store
            .board_tombstone(&board.id)
            .await
            .expect("tombstone")
            .is_some());
    }

    fn tempfile_dir() -> tempfile::TempDir {
        tempfile::tempdir().expect("temp dir")
    }
}
