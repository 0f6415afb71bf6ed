//! Teams (*leerkringen*): their meetings, team commands, and the visitation pack put
//! together from the meetings' rooms.
//!
//! A team is one stored record (`storage::StoredTeam`). Every change loads it, runs the
//! command through `Team::apply` and stores it back with a compare-and-set on its
//! revision. On one node, changes to a team wait for each other (a lock per team); the
//! compare-and-set catches another node's change, and the change is tried again. The pack is
//! never stored as a draft: it is put together from the meetings each time it is shown,
//! and frozen only when the facilitator approves it.
//!
//! A meeting whose stored state cannot be read does not take the team down: it is listed
//! as unreadable (named by its date in the pack, with nothing of its content), logged,
//! and the page, approval and export work with the other meetings.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use leerkring_shared::ids::{BoardId, Role, TeamId};
use leerkring_shared::meeting::Meeting;
use leerkring_shared::pack::{self, MeetingContent, MeetingSource, Pack};
use leerkring_shared::refusal::Refusal;
use leerkring_shared::team::{Team, TeamCommand, TeamContext};
use yrs::updates::decoder::Decode;
use yrs::{Doc, Transact, Update};

use crate::clock::now_ms;
use crate::rooms::{JoinError, Rooms};
use crate::storage::{BoardMeta, Store, StoreError, StoredTeam, Tombstone, TookPlace};

/// How often a change is tried again when other nodes keep changing the team meanwhile.
const ATTEMPTS: u64 = 8;

/// Why a team request did not go through.
#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error("{0}")]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The server is shutting down, so the meetings' rooms cannot be asked.
    #[error("the server is restarting; try again")]
    Unavailable,
}

/// One of the team's meetings, read from its room.
pub struct LoadedMeeting {
    pub board: BoardId,
    /// `None` if the meeting's metadata could not be read.
    pub meta: Option<BoardMeta>,
    /// The document and the meeting's state; `None` if they could not be read.
    pub content: Option<(Doc, Meeting)>,
    /// The meeting expired after the retention period: that it took place is all that is left.
    pub expired: Option<TookPlace>,
}

impl LoadedMeeting {
    /// The meeting's date, `YYYY-MM-DD`, or empty if its metadata could not be read.
    pub fn date(&self) -> String {
        self.meta
            .as_ref()
            .map(|meta| meta.created_at)
            .or(self
                .expired
                .as_ref()
                .map(|took_place| took_place.created_at))
            .map(dutch_calendar_date)
            .unwrap_or_default()
    }
}

/// Teams, over the store and the rooms their meetings live in.
#[derive(Clone)]
pub struct Teams {
    store: Arc<dyn Store>,
    rooms: Rooms,
    /// Most meetings one team holds (`--max-meetings-per-team`).
    max_meetings: usize,
    /// One lock per team changed on this node since it started (a few bytes each).
    changing: Arc<Mutex<HashMap<TeamId, Arc<tokio::sync::Mutex<()>>>>>,
}

/// The calendar date in the Netherlands (`YYYY-MM-DD`) at `seconds` since the epoch.
pub fn dutch_calendar_date(seconds: u64) -> String {
    let Ok(instant) = jiff::Timestamp::from_second(seconds.min(i64::MAX as u64) as i64) else {
        return String::new();
    };
    let zone = jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap_or(jiff::tz::TimeZone::UTC);
    instant.to_zoned(zone).date().to_string()
}

impl Teams {
    pub fn new(store: Arc<dyn Store>, rooms: Rooms, max_meetings: usize) -> Self {
        Self {
            store,
            rooms,
            max_meetings,
            changing: Arc::default(),
        }
    }

    /// The team, if there is one with an id shaped like `id`.
    pub async fn find(&self, id: &str) -> Result<Option<StoredTeam>, StoreError> {
        let Ok(id) = TeamId::parse(id) else {
            return Ok(None);
        };
        self.store.team(&id).await
    }

    /// The tombstone of the team with an id shaped like `id`, if it was deleted.
    pub async fn tombstone(&self, id: &str) -> Result<Option<Tombstone>, StoreError> {
        let Ok(id) = TeamId::parse(id) else {
            return Ok(None);
        };
        self.store.team_tombstone(&id).await
    }

    /// Changes the team's state with `change` (which may refuse); see [`Teams::change_stored`].
    async fn change(
        &self,
        id: &TeamId,
        mut change: impl FnMut(&mut Team) -> Result<(), Refusal>,
    ) -> Result<StoredTeam, TeamError> {
        self.change_stored(id, |stored| change(&mut stored.team))
            .await
    }

    /// Changes the stored team with `change` (which may refuse), storing it with a
    /// compare-and-set; tries again with the newest team if someone changed it meanwhile.
    async fn change_stored(
        &self,
        id: &TeamId,
        mut change: impl FnMut(&mut StoredTeam) -> Result<(), Refusal>,
    ) -> Result<StoredTeam, TeamError> {
        let lock = Arc::clone(
            self.changing
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(id.clone())
                .or_default(),
        );
        let _changing = lock.lock().await;
        for attempt in 0..ATTEMPTS {
            let mut stored = self.store.team(id).await?.ok_or(StoreError::NotFound)?;
            change(&mut stored).map_err(TeamError::Refused)?;
            stored.revision += 1;
            match self.store.replace_team(&stored).await {
                Ok(()) => return Ok(stored),
                Err(StoreError::Conflict) => {
                    // Another node changed it: let it finish, then start from its version.
                    let pause = 5 * (attempt + 1) + rand::random::<u64>() % 10;
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
                Err(error) => return Err(error.into()),
            }
        }
        Err(StoreError::Conflict.into())
    }

    /// Gives the team link a new token: the old one stops working.
    pub async fn replace_member_token(
        &self,
        id: &TeamId,
        token: String,
    ) -> Result<StoredTeam, TeamError> {
        self.change_stored(id, |stored| {
            stored.meta.member_token.clone_from(&token);
            Ok(())
        })
        .await
    }

    /// Takes a deleted meeting off the team's list.
    pub async fn remove_meeting(&self, id: &TeamId, board: &BoardId) -> Result<(), TeamError> {
        self.change(id, |team| {
            team.meetings.retain(|meeting| meeting != board);
            Ok(())
        })
        .await
        .map(drop)
    }

    /// Refuses a new meeting if the team holds as many as it may.
    pub fn check_room_for_meeting(&self, team: &Team) -> Result<(), Refusal> {
        let max = self.max_meetings;
        if team.meetings.len() >= max {
            return Err(Refusal::conflict(
                format!("a team holds at most {max} meetings"),
                format!("Een team heeft hoogstens {max} bijeenkomsten."),
            ));
        }
        Ok(())
    }

    /// Adds a newly created meeting to the team.
    pub async fn add_meeting(&self, id: &TeamId, board: &BoardId) -> Result<StoredTeam, TeamError> {
        self.change(id, |team| {
            self.check_room_for_meeting(team)?;
            team.meetings.push(board.clone());
            Ok(())
        })
        .await
    }

    /// Runs a team command for the holder of a team link with `role`.
    pub async fn run(
        &self,
        id: &TeamId,
        role: Role,
        command: TeamCommand,
    ) -> Result<StoredTeam, TeamError> {
        // Approval freezes the pack as it stands now: put it together first (refusing a
        // participant before doing that work).
        let draft = match &command {
            TeamCommand::Approve if role == Role::Facilitator => {
                let stored = self.store.team(id).await?.ok_or(StoreError::NotFound)?;
                let mut draft = self.draft(&stored).await?;
                draft.approved_on = Some(dutch_calendar_date(now_ms() / 1000));
                Some(draft)
            }
            _ => None,
        };
        self.change(id, |team| {
            let context = TeamContext {
                now_ms: now_ms(),
                random: rand::random(),
                draft: draft.clone(),
            };
            team.apply(role, command.clone(), context)
        })
        .await
    }

    /// Reads each of the team's meetings from its room, oldest first. A meeting that
    /// cannot be read is in the list as unreadable; only a server that is shutting down
    /// fails the whole list.
    pub async fn meetings(&self, stored: &StoredTeam) -> Result<Vec<LoadedMeeting>, TeamError> {
        let team = &stored.meta.id;
        let mut loaded = Vec::with_capacity(stored.team.meetings.len());
        for board in &stored.team.meetings {
            let meta = match self.store.board_meta(board).await {
                Ok(Some(meta)) => Some(meta),
                Ok(None) => {
                    // Expired: the team keeps that it took place. Deleted: nothing.
                    if let Some(took_place) = self.took_place(board).await? {
                        loaded.push(LoadedMeeting {
                            board: board.clone(),
                            meta: None,
                            content: None,
                            expired: Some(took_place),
                        });
                    }
                    continue;
                }
                Err(error) => {
                    tracing::error!(%team, %board, %error, "a meeting's metadata cannot be read; shown as unreadable");
                    None
                }
            };
            let content = match meta {
                Some(_) => self.content(board).await?,
                None => None,
            };
            if meta.is_some() && content.is_none() {
                tracing::error!(%team, %board, "a meeting's state cannot be read; shown as unreadable");
            }
            loaded.push(LoadedMeeting {
                board: board.clone(),
                meta,
                content,
                expired: None,
            });
        }
        Ok(loaded)
    }

    /// What is left of a meeting that expired, if it did.
    async fn took_place(&self, board: &BoardId) -> Result<Option<TookPlace>, StoreError> {
        Ok(self
            .store
            .board_tombstone(board)
            .await?
            .and_then(|tombstone| tombstone.took_place))
    }

    /// The meeting's document and state as its room holds them, or `None` if the room
    /// cannot load the board or its document does not read back.
    async fn content(&self, board: &BoardId) -> Result<Option<(Doc, Meeting)>, TeamError> {
        let (document, meeting) = match self.rooms.record(board).await {
            Ok(record) => record,
            Err(JoinError::ShuttingDown) => return Err(TeamError::Unavailable),
            Err(_) => return Ok(None),
        };
        let Some(update) = document.and_then(|bytes| Update::decode_v1(&bytes).ok()) else {
            return Ok(None);
        };
        let doc = Doc::new();
        let applied = doc.transact_mut().apply_update(update);
        Ok(applied.ok().map(|()| (doc, meeting)))
    }

    /// The pack as it stands now.
    pub async fn draft(&self, stored: &StoredTeam) -> Result<Pack, TeamError> {
        let meetings = self.meetings(stored).await?;
        Ok(pack_of(stored, &meetings))
    }
}

/// The pack from meetings already read. An expired meeting has nothing left to report:
/// the pack approved before it expired keeps what it said.
pub fn pack_of(stored: &StoredTeam, meetings: &[LoadedMeeting]) -> Pack {
    let sources: Vec<MeetingSource> = meetings
        .iter()
        .filter(|loaded| loaded.expired.is_none())
        .map(|loaded| MeetingSource {
            board: &loaded.board,
            title: loaded.meta.as_ref().map_or("", |meta| meta.title.as_str()),
            date: loaded.date(),
            content: loaded
                .content
                .as_ref()
                .map(|(doc, meeting)| MeetingContent { doc, meeting }),
        })
        .collect();
    pack::build(&stored.meta.name, &sources, &stored.team.points)
}
