//! The spool: updates this node accepted while Redis could not be reached, kept in a local
//! file (fsynced, mode 0600, the embedded store's record format) until they are in the
//! board's stream.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use bytes::Bytes;

use crate::storage::embedded::{private_file_options, sync_dir, write_atomically};
use crate::storage::record_log::{read_records, write_records};
use crate::storage::StoreError;

/// Updates accepted while Redis could not be reached, kept in a local file until they are
/// in the stream.
pub(super) struct Spool {
    path: PathBuf,
    pending: Vec<Bytes>,
}

impl Spool {
    /// Reads what waits in the spool at `path`. A spool whose last write was torn (a crash
    /// or power cut mid-append, before that append was acknowledged) is cut back to its
    /// intact records, as the embedded store's log is.
    pub(super) fn open(path: PathBuf) -> Result<Self, StoreError> {
        let mut file = match private_file_options().read(true).write(true).open(&path) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Ok(Self {
                    path,
                    pending: Vec::new(),
                })
            }
            Err(error) => return Err(error.into()),
        };
        let read = read_records(&mut file)?;
        if read.damaged_bytes > 0 {
            tracing::warn!(
                spool = %path.display(),
                intact_updates = read.records.len(),
                damaged_bytes = read.damaged_bytes,
                "the spool ended in a torn or corrupt record; kept the intact prefix"
            );
            file.set_len(read.intact_bytes)?;
            file.sync_all()?;
        }
        let pending = read.records.into_iter().map(Bytes::from).collect();
        Ok(Self { path, pending })
    }

    /// What waits, in the order it was accepted.
    pub(super) fn pending(&self) -> &[Bytes] {
        &self.pending
    }

    /// Adds updates durably.
    pub(super) fn push(&mut self, updates: &[Bytes]) -> io::Result<()> {
        let created = !self.path.exists();
        let mut file = private_file_options()
            .create(true)
            .append(true)
            .open(&self.path)?;
        write_records(&mut file, updates.iter().map(|u| u.as_ref()))?;
        file.flush()?;
        file.sync_all()?;
        if created {
            // A new file is only there after a crash once its folder entry is on disk.
            sync_dir(self.path.parent().unwrap_or(Path::new(".")))?;
        }
        self.pending.extend_from_slice(updates);
        Ok(())
    }

    /// Takes `records` out of the spool (the crash-loop breaker set them aside), so they
    /// never reach the stream.
    pub(super) fn drop_records(&mut self, records: &[Vec<u8>]) -> io::Result<()> {
        let before = self.pending.len();
        self.pending
            .retain(|pending| !records.iter().any(|record| record[..] == pending[..]));
        if self.pending.len() == before {
            return Ok(());
        }
        if self.pending.is_empty() {
            return self.clear();
        }
        let mut contents = Vec::new();
        write_records(&mut contents, self.pending.iter().map(|u| u.as_ref()))?;
        write_atomically(&self.path, &contents)
    }

    /// Empties the spool: everything in it reached the stream.
    pub(super) fn clear(&mut self) -> io::Result<()> {
        self.pending.clear();
        match fs::remove_file(&self.path) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }
}
