//! The in-memory store, **for benchmarks only: it loses everything on exit.**
//!
//! It keeps the same history (metadata, snapshot, updates since, meeting) as the embedded
//! store, in a map instead of files, so a room behaves the same apart from the cost of
//! writing to disk. `scripts/bench` compares the two (docs/BENCHMARKS.md, scenario E):
//! that difference is the price of never losing an edit. `--store memory` selects it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use bytes::Bytes;
use leerkring_shared::ids::{BoardId, TeamId};

use super::{
    Backlog, BoardLog, BoardMeta, Store, StoreError, StoredHistory, StoredTeam, Tombstone,
};

/// One board's history, shared between the store and the room holding it open.
#[derive(Default)]
struct History {
    snapshot: Option<Vec<u8>>,
    updates: Vec<Vec<u8>>,
    meeting: Option<Vec<u8>>,
    backlog: Backlog,
}

struct StoredBoard {
    meta: BoardMeta,
    history: Arc<Mutex<History>>,
}

/// Boards kept in this process's memory only.
#[derive(Default)]
pub struct MemoryStore {
    boards: Mutex<HashMap<BoardId, StoredBoard>>,
    teams: Mutex<HashMap<TeamId, StoredTeam>>,
    buried_boards: Mutex<HashMap<BoardId, Tombstone>>,
    buried_teams: Mutex<HashMap<TeamId, Tombstone>>,
}

/// Every critical section leaves the data consistent, so a poisoned lock is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[async_trait]
impl Store for MemoryStore {
    async fn create_board(&self, meta: &BoardMeta) -> Result<(), StoreError> {
        let mut boards = lock(&self.boards);
        if boards.contains_key(&meta.id) {
            return Err(StoreError::AlreadyExists);
        }
        let board = StoredBoard {
            meta: meta.clone(),
            history: Arc::default(),
        };
        boards.insert(meta.id.clone(), board);
        Ok(())
    }

    async fn board_meta(&self, id: &BoardId) -> Result<Option<BoardMeta>, StoreError> {
        Ok(lock(&self.boards).get(id).map(|board| board.meta.clone()))
    }

    async fn replace_board_meta(&self, meta: &BoardMeta) -> Result<(), StoreError> {
        let mut boards = lock(&self.boards);
        let board = boards.get_mut(&meta.id).ok_or(StoreError::NotFound)?;
        board.meta = meta.clone();
        Ok(())
    }

    async fn bury_board(&self, id: &BoardId, tombstone: &Tombstone) -> Result<(), StoreError> {
        lock(&self.buried_boards).insert(id.clone(), tombstone.clone());
        lock(&self.boards).remove(id);
        Ok(())
    }

    async fn erase_board(&self, _id: &BoardId) -> Result<(), StoreError> {
        // `bury_board` removed it all already.
        Ok(())
    }

    async fn boards(&self) -> Result<Vec<BoardId>, StoreError> {
        Ok(lock(&self.boards).keys().cloned().collect())
    }

    /// Benchmarks run for minutes: a board here is as old as its creation.
    async fn last_activity(&self, id: &BoardId) -> Result<Option<u64>, StoreError> {
        Ok(lock(&self.boards)
            .get(id)
            .map(|board| board.meta.created_at))
    }

    async fn board_tombstone(&self, id: &BoardId) -> Result<Option<Tombstone>, StoreError> {
        Ok(lock(&self.buried_boards).get(id).cloned())
    }

    async fn delete_team(&self, id: &TeamId, tombstone: &Tombstone) -> Result<(), StoreError> {
        lock(&self.buried_teams).insert(id.clone(), tombstone.clone());
        lock(&self.teams).remove(id);
        Ok(())
    }

    async fn team_tombstone(&self, id: &TeamId) -> Result<Option<Tombstone>, StoreError> {
        Ok(lock(&self.buried_teams).get(id).cloned())
    }

    async fn create_team(&self, team: &StoredTeam) -> Result<(), StoreError> {
        let mut teams = lock(&self.teams);
        if teams.contains_key(&team.meta.id) {
            return Err(StoreError::AlreadyExists);
        }
        teams.insert(team.meta.id.clone(), team.clone());
        Ok(())
    }

    async fn team(&self, id: &TeamId) -> Result<Option<StoredTeam>, StoreError> {
        Ok(lock(&self.teams).get(id).cloned())
    }

    async fn replace_team(&self, team: &StoredTeam) -> Result<(), StoreError> {
        let mut teams = lock(&self.teams);
        let stored = teams.get_mut(&team.meta.id).ok_or(StoreError::NotFound)?;
        if stored.revision + 1 != team.revision {
            return Err(StoreError::Conflict);
        }
        *stored = team.clone();
        Ok(())
    }

    async fn open(&self, id: &BoardId) -> Result<(StoredHistory, Box<dyn BoardLog>), StoreError> {
        let boards = lock(&self.boards);
        let board = boards.get(id).ok_or(StoreError::NotFound)?;
        let stored = lock(&board.history);
        let history = StoredHistory {
            snapshot: stored.snapshot.clone(),
            updates: stored.updates.clone(),
            meeting: stored.meeting.clone(),
        };
        let log = MemoryLog {
            history: Arc::clone(&board.history),
        };
        Ok((history, Box::new(log)))
    }
}

/// An open board's history in memory.
struct MemoryLog {
    history: Arc<Mutex<History>>,
}

#[async_trait]
impl BoardLog for MemoryLog {
    async fn append(&mut self, updates: &[Bytes]) -> Result<(), StoreError> {
        let mut history = lock(&self.history);
        for update in updates {
            history.updates.push(update.to_vec());
            history.backlog.updates += 1;
            history.backlog.bytes += update.len() as u64;
        }
        Ok(())
    }

    async fn compact(&mut self, snapshot: Vec<u8>) -> Result<(), StoreError> {
        let mut history = lock(&self.history);
        history.snapshot = Some(snapshot);
        history.updates.clear();
        history.backlog = Backlog::default();
        Ok(())
    }

    async fn save_meeting(&mut self, meeting: Vec<u8>) -> Result<(), StoreError> {
        lock(&self.history).meeting = Some(meeting);
        Ok(())
    }

    fn backlog(&self) -> Backlog {
        lock(&self.history).backlog
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn history_outlives_the_room_that_wrote_it() {
        let store = MemoryStore::default();
        let id = BoardId::parse("MMMMMMMMMMMMMMMMMMMMMM").expect("valid id");
        let meta = BoardMeta {
            id: id.clone(),
            title: "Bank".into(),
            created_at: 0,
            facilitator_token: "f".repeat(43),
            participant_token: "p".repeat(43),
            team: None,
        };
        assert!(store.board_meta(&id).await.expect("lookup").is_none());
        assert!(matches!(store.open(&id).await, Err(StoreError::NotFound)));
        store.create_board(&meta).await.expect("create");
        assert!(matches!(
            store.create_board(&meta).await,
            Err(StoreError::AlreadyExists)
        ));

        let (_, mut log) = store.open(&id).await.expect("open");
        log.append(&[Bytes::from_static(b"u1"), Bytes::from_static(b"u2")])
            .await
            .expect("append");
        assert_eq!(log.backlog().updates, 2);
        drop(log);
        let (history, mut log) = store.open(&id).await.expect("reopen");
        assert_eq!(history.updates, vec![b"u1".to_vec(), b"u2".to_vec()]);

        log.compact(b"state".to_vec()).await.expect("compact");
        log.save_meeting(b"{}".to_vec()).await.expect("meeting");
        assert_eq!(log.backlog(), Backlog::default());
        drop(log);
        let (history, _) = store.open(&id).await.expect("reopen");
        assert_eq!(history.snapshot.as_deref(), Some(&b"state"[..]));
        assert!(history.updates.is_empty());
        assert_eq!(history.meeting.as_deref(), Some(&b"{}"[..]));
    }
}
