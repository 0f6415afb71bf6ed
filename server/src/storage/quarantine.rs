//! The crash-loop breaker: a stored record that killed the process is set aside, not
//! replayed at every start.
//!
//! Updates are stored before they are applied, so an update that crashes the process in a
//! way no `catch_unwind` can catch (an abort, a segfault, a stack overflow inside the CRDT
//! library) would crash it again every time the board is loaded. So before a room applies
//! a stored record, at load or live, it writes the record's SHA-256 to the board's marker
//! file, and marks it done afterwards: one small `pwrite` each, not fsynced, because the
//! marker has to survive the process dying, not the machine (the page cache outlives the
//! process). When a board is loaded and its marker still names a record, the process died
//! applying it: that record is copied to a quarantine file (never deleted), its digest is
//! added to the board's set-aside list, it is logged with the board id, and the board loads
//! without it, as it does at every later load.
//!
//! ```text
//! <data dir>/applying/<board id>                 marker: b'A' + SHA-256 while applying, b'-' after
//! <data dir>/quarantine/<board id>.skip          digests of the board's set-aside records (hex, one a line)
//! <data dir>/quarantine/<board id>-<ms>.bin      a set-aside record, byte for byte as stored
//! ```
//!
//! The files live in the node's own data dir whatever the store, so the Redis store is
//! covered as well as the embedded one (docs/ARCHITECTURE.md, "The crash-loop breaker").

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use leerkring_shared::ids::BoardId;
use sha2::{Digest, Sha256};

use super::StoredHistory;
use crate::board::ApplyWatch;

const MARKERS_DIR: &str = "applying";
const QUARANTINE_DIR: &str = "quarantine";
const APPLYING: u8 = b'A';
const APPLIED: u8 = b'-';

type RecordDigest = [u8; 32];

fn digest_of(record: &[u8]) -> RecordDigest {
    Sha256::digest(record).into()
}

fn hex(digest: &RecordDigest) -> String {
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Where this node keeps its apply markers and set-aside records.
#[derive(Clone, Debug)]
pub struct Quarantine {
    markers: PathBuf,
    quarantine: PathBuf,
}

impl Quarantine {
    /// Opens (creating if needed) the breaker's folders under `data_dir`.
    pub fn open(data_dir: &Path) -> io::Result<Self> {
        let markers = data_dir.join(MARKERS_DIR);
        let quarantine = data_dir.join(QUARANTINE_DIR);
        fs::create_dir_all(&markers)?;
        fs::create_dir_all(&quarantine)?;
        Ok(Self {
            markers,
            quarantine,
        })
    }

    /// The folder of set-aside records.
    pub fn dir(&self) -> &Path {
        &self.quarantine
    }

    fn skip_list(&self, board: &BoardId) -> PathBuf {
        // `BoardId` only admits URL-safe base64, so these cannot leave their folders.
        self.quarantine.join(format!("{board}.skip"))
    }

    /// Before a board's history is replayed: sets aside the record the previous process
    /// died applying (if it did), drops every record set aside so far from `history`, and
    /// returns the marker the room writes before each apply, with the records dropped.
    pub fn prepare(
        &self,
        board: &BoardId,
        history: &mut StoredHistory,
    ) -> io::Result<(ApplyMarker, Vec<Vec<u8>>)> {
        let marker_path = self.markers.join(board.as_str());
        let mut skipped = read_skip_list(&self.skip_list(board))?;
        if let Some(suspect) = read_marker(&marker_path)? {
            if skipped.insert(suspect) {
                self.set_aside(board, &suspect, history)?;
            }
        }
        let dropped = match skipped.is_empty() {
            true => Vec::new(),
            false => drop_skipped(board, &skipped, history),
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&marker_path)?;
        file.write_all_at(&[APPLIED], 0)?;
        let marker = ApplyMarker {
            file: Some(file),
            path: marker_path,
        };
        Ok((marker, dropped))
    }

    /// Keeps the record(s) with `suspect`'s digest in a quarantine file and adds the
    /// digest to the board's list, both durably, before the marker is reset.
    fn set_aside(
        &self,
        board: &BoardId,
        suspect: &RecordDigest,
        history: &StoredHistory,
    ) -> io::Result<()> {
        let record = history
            .snapshot
            .iter()
            .chain(history.updates.iter())
            .find(|record| digest_of(record) == *suspect);
        let digest = hex(suspect);
        match record {
            Some(record) => {
                let path = self.quarantine_file(board)?;
                let mut file = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)?;
                file.write_all(record)?;
                file.sync_all()?;
                tracing::error!(
                    board = %board,
                    record = %digest,
                    bytes = record.len(),
                    quarantine = %path.display(),
                    "the process died while applying this stored record; it is set aside and the board loads without it"
                );
            }
            None => tracing::error!(
                board = %board,
                record = %digest,
                "the process died while applying a record the store no longer holds; it stays on the set-aside list"
            ),
        }
        let mut list = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.skip_list(board))?;
        writeln!(list, "{digest}")?;
        list.sync_all()?;
        File::open(&self.quarantine)?.sync_all()
    }

    /// A quarantine file name not taken yet: the board and the time in milliseconds.
    fn quarantine_file(&self, board: &BoardId) -> io::Result<PathBuf> {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_millis());
        (0..1000)
            .map(|n| match n {
                0 => self.quarantine.join(format!("{board}-{millis}.bin")),
                n => self.quarantine.join(format!("{board}-{millis}-{n}.bin")),
            })
            .find(|path| !path.exists())
            .ok_or_else(|| io::Error::other("no free quarantine file name"))
    }
}

/// The digest the marker names if the process died while applying, else `None`.
fn read_marker(path: &Path) -> io::Result<Option<RecordDigest>> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    match bytes.split_first() {
        Some((&APPLYING, digest)) => Ok(RecordDigest::try_from(digest).ok()),
        _ => Ok(None),
    }
}

fn read_skip_list(path: &Path) -> io::Result<HashSet<RecordDigest>> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(error) => return Err(error),
    };
    Ok(text.lines().filter_map(parse_hex).collect())
}

fn parse_hex(line: &str) -> Option<RecordDigest> {
    let line = line.trim();
    let mut digest = [0u8; 32];
    if line.len() != 64 || !line.is_ascii() {
        return None;
    }
    for (byte, pair) in digest.iter_mut().zip(line.as_bytes().chunks(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(digest)
}

/// Takes the records on the set-aside list out of `history` and returns them.
fn drop_skipped(
    board: &BoardId,
    skipped: &HashSet<RecordDigest>,
    history: &mut StoredHistory,
) -> Vec<Vec<u8>> {
    let is_skipped = |record: &Vec<u8>| skipped.contains(&digest_of(record));
    let mut dropped = Vec::new();
    if history.snapshot.as_ref().is_some_and(is_skipped) {
        dropped.extend(history.snapshot.take());
    }
    let (skip, keep) = std::mem::take(&mut history.updates)
        .into_iter()
        .partition(is_skipped);
    history.updates = keep;
    dropped.extend::<Vec<_>>(skip);
    if !dropped.is_empty() {
        tracing::warn!(board = %board, records = dropped.len(), "loading without set-aside records");
    }
    dropped
}

/// A room's marker file: names the record being applied while it is applied.
#[derive(Debug)]
pub struct ApplyMarker {
    /// `None` once a write failed: the room goes on without the breaker rather than stop.
    file: Option<File>,
    path: PathBuf,
}

impl ApplyMarker {
    fn write(&mut self, bytes: &[u8]) {
        let Some(file) = &self.file else { return };
        if let Err(error) = file.write_all_at(bytes, 0) {
            tracing::error!(marker = %self.path.display(), %error, "cannot write the apply marker; this board is not protected from a crash loop until it reloads");
            self.file = None;
        }
    }

    /// The room closed cleanly: nothing is being applied, the marker goes.
    pub fn remove(mut self) {
        self.file = None;
        if let Err(error) = fs::remove_file(&self.path) {
            tracing::debug!(marker = %self.path.display(), %error, "could not remove the apply marker");
        }
    }
}

impl ApplyWatch for ApplyMarker {
    fn applying(&mut self, record: &[u8]) {
        let mut marker = [0u8; 33];
        marker[0] = APPLYING;
        marker[1..].copy_from_slice(&digest_of(record));
        self.write(&marker);
    }

    fn applied(&mut self) {
        self.write(&[APPLIED]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board() -> BoardId {
        BoardId::parse("QQQQQQQQQQQQQQQQQQQQQQ").expect("valid id")
    }

    fn history() -> StoredHistory {
        StoredHistory {
            snapshot: Some(b"snapshot".to_vec()),
            updates: vec![b"een".to_vec(), b"gif".to_vec(), b"drie".to_vec()],
            meeting: None,
        }
    }

    fn quarantined(quarantine: &Quarantine) -> Vec<Vec<u8>> {
        let mut files: Vec<Vec<u8>> = fs::read_dir(quarantine.dir())
            .expect("read quarantine")
            .map(|entry| entry.expect("entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "bin"))
            .map(|path| fs::read(path).expect("read quarantined record"))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn a_record_the_process_died_applying_is_set_aside_for_good() {
        let dir = tempfile::tempdir().expect("temp dir");
        let quarantine = Quarantine::open(dir.path()).expect("open");
        let mut loaded = history();
        let (mut marker, _) = quarantine.prepare(&board(), &mut loaded).expect("prepare");
        assert_eq!(loaded.updates.len(), 3, "a clean start sets nothing aside");
        marker.applying(b"een");
        marker.applied();
        marker.applying(b"gif");
        // The process dies here: the marker is left as it is.
        drop(marker);

        let mut loaded = history();
        let (mut marker, _) = quarantine.prepare(&board(), &mut loaded).expect("prepare");
        assert_eq!(loaded.updates, vec![b"een".to_vec(), b"drie".to_vec()]);
        assert_eq!(loaded.snapshot.as_deref(), Some(&b"snapshot"[..]));
        assert_eq!(quarantined(&quarantine), vec![b"gif".to_vec()]);
        marker.applying(b"een");
        marker.applied();
        marker.remove();

        // Later loads skip it too, and keep the one quarantine copy.
        let mut loaded = history();
        let (_marker, dropped) = quarantine.prepare(&board(), &mut loaded).expect("prepare");
        assert_eq!(
            dropped,
            vec![b"gif".to_vec()],
            "handed to the store to drop"
        );
        assert_eq!(loaded.updates, vec![b"een".to_vec(), b"drie".to_vec()]);
        assert_eq!(quarantined(&quarantine), vec![b"gif".to_vec()]);
    }

    #[test]
    fn a_snapshot_the_process_died_applying_is_set_aside_and_the_log_still_loads() {
        let dir = tempfile::tempdir().expect("temp dir");
        let quarantine = Quarantine::open(dir.path()).expect("open");
        let (mut marker, _) = quarantine
            .prepare(&board(), &mut history())
            .expect("prepare");
        marker.applying(b"snapshot");
        drop(marker);
        let mut loaded = history();
        quarantine.prepare(&board(), &mut loaded).expect("prepare");
        assert_eq!(loaded.snapshot, None);
        assert_eq!(loaded.updates.len(), 3);
        assert_eq!(quarantined(&quarantine), vec![b"snapshot".to_vec()]);
    }

    #[test]
    fn a_record_applied_to_the_end_is_not_suspected() {
        let dir = tempfile::tempdir().expect("temp dir");
        let quarantine = Quarantine::open(dir.path()).expect("open");
        let (mut marker, _) = quarantine
            .prepare(&board(), &mut history())
            .expect("prepare");
        marker.applying(b"gif");
        marker.applied();
        // Killed between applies (or after): nothing to set aside.
        drop(marker);
        let mut loaded = history();
        quarantine.prepare(&board(), &mut loaded).expect("prepare");
        assert_eq!(loaded.updates.len(), 3);
        assert!(quarantined(&quarantine).is_empty());
    }
}
