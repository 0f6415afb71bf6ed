//! The data dir's lock: one server process per data dir.
//!
//! Two processes appending to the same logs, or one compacting what the other just
//! acknowledged, would lose updates; so the process takes an exclusive lock on
//! `<data dir>/LOCK` before it touches anything there, whatever the store (the Redis
//! node's spool and the crash-loop breaker's markers live in the data dir too), and holds
//! it until it exits. The operating system lets go of it when the process dies, however
//! it dies, so a crash never leaves a stale lock behind.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// The lock file's name inside the data dir.
pub const LOCK_FILE: &str = "LOCK";

/// The data dir, locked for this process as long as this value lives.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "{} is locked: another Leerkring process is using this data dir; stop it or choose another --data-dir",
        path.display()
    )]
    Held { path: PathBuf },
    #[error("cannot lock {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

impl DataDirLock {
    /// Creates `data_dir` if needed and locks it, or says who holds it.
    pub fn acquire(data_dir: &Path) -> Result<Self, LockError> {
        let path = data_dir.join(LOCK_FILE);
        let io_error = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(data_dir).map_err(io_error)?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_error)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(fs::TryLockError::WouldBlock) => Err(LockError::Held { path }),
            Err(fs::TryLockError::Error(source)) => Err(io_error(source)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_data_dir_cannot_be_locked_again_until_it_is_let_go() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = DataDirLock::acquire(dir.path()).expect("first lock");
        match DataDirLock::acquire(dir.path()) {
            Err(LockError::Held { path }) => assert_eq!(path, dir.path().join(LOCK_FILE)),
            other => panic!("expected the lock to be held, got {other:?}"),
        }
        drop(first);
        DataDirLock::acquire(dir.path()).expect("free again once the first lets go");
    }
}
