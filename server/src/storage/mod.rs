//! Durable storage of boards, behind the [`Store`] and [`BoardLog`] traits.
//!
//! A team (*leerkring*) is one record: its metadata and its state, replaced whole with a
//! compare-and-set on its revision so two changes never overwrite each other.
//!
//! A board is stored as its metadata (title, tokens) plus a document history: a snapshot
//! and a log of the updates applied since. The one rule every implementation keeps:
//! when [`BoardLog::append`] returns `Ok`, the updates survive a crash. The room only
//! broadcasts an update after that, so nothing a client has seen can be lost.
//!
//! [`embedded`] keeps it all in files under the data dir (the default); [`redis`] keeps it
//! in Redis, so several server nodes can serve the same boards (docs/ARCHITECTURE.md);
//! [`memory`] keeps it in memory only, for benchmarks. Whatever the store, [`lock`] keeps
//! a second process off the data dir, and [`quarantine`] sets aside a stored record that
//! killed the process instead of replaying it at every start. [`backup`] copies the
//! embedded store while the server runs, and puts such a copy back.

pub mod backup;
pub mod embedded;
pub mod lock;
pub mod memory;
pub mod quarantine;
mod record_log;
pub mod redis;

use async_trait::async_trait;
use bytes::Bytes;
use leerkring_shared::ids::{BoardId, Role, TeamId};
use leerkring_shared::meeting::ActivityKind;
use leerkring_shared::team::Team;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What is known about a board apart from its document.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BoardMeta {
    pub id: BoardId,
    pub title: String,
    /// Seconds since the Unix epoch.
    pub created_at: u64,
    pub facilitator_token: String,
    pub participant_token: String,
    /// The team the meeting belongs to, if it was started from a team page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamId>,
}

impl BoardMeta {
    /// The role `token` grants on this board, if any.
    pub fn role_of(&self, token: &str) -> Option<Role> {
        role_granted(token, &self.facilitator_token, &self.participant_token)
    }
}

/// The role `token` grants given a place's two tokens. Compares digests so the time taken
/// does not reveal how much of a token was right.
fn role_granted(token: &str, facilitator: &str, participant: &str) -> Option<Role> {
    let digest = |text: &str| Sha256::digest(text.as_bytes());
    let given = digest(token);
    if given == digest(facilitator) {
        Some(Role::Facilitator)
    } else if given == digest(participant) {
        Some(Role::Participant)
    } else {
        None
    }
}

/// What is known about a team apart from its state.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TeamMeta {
    pub id: TeamId,
    pub name: String,
    /// Seconds since the Unix epoch.
    pub created_at: u64,
    pub facilitator_token: String,
    /// The team link's token, for the team's members.
    pub member_token: String,
}

impl TeamMeta {
    /// The role `token` grants on this team, if any (members are participants).
    pub fn role_of(&self, token: &str) -> Option<Role> {
        role_granted(token, &self.facilitator_token, &self.member_token)
    }
}

/// A team as stored: replaced whole on every change.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredTeam {
    pub meta: TeamMeta,
    /// Goes up by one with every change; see [`Store::replace_team`].
    pub revision: u64,
    pub team: Team,
}

/// A board's document history as loaded from storage.
#[derive(Debug, Default)]
pub struct StoredHistory {
    /// The compacted state, if the board was ever compacted.
    pub snapshot: Option<Vec<u8>>,
    /// Updates stored since the snapshot, oldest first.
    pub updates: Vec<Vec<u8>>,
    /// The facilitated meeting's state (JSON of `leerkring_shared::meeting::Meeting`), if
    /// it was ever saved.
    pub meeting: Option<Vec<u8>>,
}

/// What stays of a deleted board or team: enough to answer `410 Gone` and say why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    /// Seconds since the Unix epoch.
    pub deleted_at: u64,
    pub why: Removal,
    /// What a team keeps of a meeting that expired: that it took place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub took_place: Option<TookPlace>,
}

/// That an expired meeting took place, for its team's page: no content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TookPlace {
    pub title: String,
    /// Seconds since the Unix epoch.
    pub created_at: u64,
    pub team: Option<TeamId>,
    /// The activities on its agenda.
    pub agenda: Vec<ActivityKind>,
}

/// Why something was deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Removal {
    /// Its facilitator (or the team's) deleted it.
    Deleted,
    /// Nothing happened in it for longer than `--retention-days`.
    Expired,
}

/// How much history has piled up since the last compaction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backlog {
    pub updates: u64,
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("board already exists")]
    AlreadyExists,
    #[error("board not found")]
    NotFound,
    #[error("deleted")]
    Deleted,
    #[error("changed by someone else meanwhile")]
    Conflict,
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("storage I/O failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Where boards live.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Stores a new board's metadata durably.
    async fn create_board(&self, meta: &BoardMeta) -> Result<(), StoreError>;
    /// The board's metadata, or `None` if there is no such board.
    async fn board_meta(&self, id: &BoardId) -> Result<Option<BoardMeta>, StoreError>;
    /// Replaces a board's metadata (a new participant token); [`StoreError::NotFound`]
    /// if the board is not there (any more).
    async fn replace_board_meta(&self, meta: &BoardMeta) -> Result<(), StoreError>;
    /// Deletes a board in two steps, so that nothing opens it again while its rooms
    /// close: this first one durably leaves `tombstone` and removes the metadata (after
    /// it, [`Store::board_meta`] is `None` and [`Store::open`] fails); then
    /// [`Store::erase_board`] removes the rest.
    async fn bury_board(&self, id: &BoardId, tombstone: &Tombstone) -> Result<(), StoreError>;
    /// Removes everything of a buried board but its tombstone. Safe to repeat.
    async fn erase_board(&self, id: &BoardId) -> Result<(), StoreError>;
    /// Every board stored (not the deleted ones), for the retention sweep.
    async fn boards(&self) -> Result<Vec<BoardId>, StoreError>;
    /// When something last happened on the board (seconds since the epoch): its last
    /// stored update or meeting change, or its creation.
    async fn last_activity(&self, id: &BoardId) -> Result<Option<u64>, StoreError>;
    /// The tombstone of a deleted board, if it was deleted.
    async fn board_tombstone(&self, id: &BoardId) -> Result<Option<Tombstone>, StoreError>;
    /// Opens a board's history for the one room that serves it, recovering from a
    /// torn final write if there is one.
    async fn open(&self, id: &BoardId) -> Result<(StoredHistory, Box<dyn BoardLog>), StoreError>;
    /// Stores a new team durably.
    async fn create_team(&self, team: &StoredTeam) -> Result<(), StoreError>;
    /// The team, or `None` if there is no such team.
    async fn team(&self, id: &TeamId) -> Result<Option<StoredTeam>, StoreError>;
    /// Stores `team` durably in place of the stored one, if that is still the revision
    /// before `team.revision`; [`StoreError::Conflict`] if someone changed it meanwhile.
    async fn replace_team(&self, team: &StoredTeam) -> Result<(), StoreError>;
    /// Durably leaves `tombstone` and removes the team (its meetings are deleted
    /// before, one by one).
    async fn delete_team(&self, id: &TeamId, tombstone: &Tombstone) -> Result<(), StoreError>;
    /// The tombstone of a deleted team, if it was deleted.
    async fn team_tombstone(&self, id: &TeamId) -> Result<Option<Tombstone>, StoreError>;
}

/// One board's history, held open by its room.
#[async_trait]
pub trait BoardLog: Send {
    /// Stores `updates` durably, in order, as one group commit.
    async fn append(&mut self, updates: &[Bytes]) -> Result<(), StoreError>;
    /// Replaces the whole history by `snapshot` (the document's full state).
    async fn compact(&mut self, snapshot: Vec<u8>) -> Result<(), StoreError>;
    /// Whether [`BoardLog::compact`] needs the room's document state. A log shared by
    /// several nodes compacts from what its store holds instead, and the room then skips
    /// encoding and verifying a snapshot it would not use (and passes an empty one).
    fn compacts_from_document(&self) -> bool {
        true
    }
    /// Called before a meeting command runs, and followed by [`BoardLog::end_meeting_change`]
    /// whatever happens. Where several nodes serve a board this takes the board's command
    /// lock and returns the meeting as last stored by any node, which the room adopts
    /// before running the command: commands are then applied one at a time across nodes.
    /// A single node has its room's copy already (the default: `None`).
    async fn begin_meeting_change(&mut self) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(None)
    }
    /// Lets go of what [`BoardLog::begin_meeting_change`] took.
    async fn end_meeting_change(&mut self) {}
    /// Stores the meeting state durably, replacing the previous one.
    async fn save_meeting(&mut self, meeting: Vec<u8>) -> Result<(), StoreError>;
    /// History stored since the last compaction.
    fn backlog(&self) -> Backlog;
    /// Removes records the crash-loop breaker set aside ([`quarantine`]; byte for byte as
    /// loaded) where other nodes could still fold or replay them. A store of this node's
    /// own needs nothing (the default): the breaker skips them at every load and the next
    /// compaction leaves them out.
    async fn drop_set_aside(&mut self, _records: &[Vec<u8>]) -> Result<(), StoreError> {
        Ok(())
    }
}
