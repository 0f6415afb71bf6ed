//! Teams (*leerkringen*): their meetings, team commands, and the visitation pack put
//! together from the meetings' rooms.
//!
//! A team is one stored record (`storage::StoredTeam`). Every change loads it, runs the
//! command through `Team::apply` and stores it back with a compare-and-set on its
//! revision. On one node, changes to a team wait for each other (a lock per team); the
//! compare-and-set catches another node's change, and the change is tried again. The pack is
//! never stored as a draft: it is put together from the meetings each time it is shown,
//! and frozen only when the facilitator approves it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use leerkring_shared::ids::{BoardId, Role, TeamId};
use leerkring_shared::meeting::{Meeting, Refusal};
use leerkring_shared::pack::{self, MeetingSource, Pack};
use leerkring_shared::team::{Team, TeamCommand, TeamContext, MAX_MEETINGS};
use yrs::updates::decoder::Decode;
use yrs::{Doc, Transact, Update};

use crate::rooms::Rooms;
use crate::storage::{BoardMeta, Store, StoreError, StoredTeam};

/// How often a change is tried again when other nodes keep changing the team meanwhile.
const ATTEMPTS: u64 = 8;

/// Why a team request did not go through.
#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error("{0}")]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A meeting's room could not be reached to read it.
    #[error("a meeting of the team cannot be read now; try again")]
    Unavailable,
}

/// One of the team's meetings, read from its room.
pub struct LoadedMeeting {
    pub meta: BoardMeta,
    pub doc: Doc,
    pub meeting: Meeting,
}

/// Teams, over the store and the rooms their meetings live in.
#[derive(Clone)]
pub struct Teams {
    store: Arc<dyn Store>,
    rooms: Rooms,
    /// One lock per team changed on this node since it started (a few bytes each).
    changing: Arc<Mutex<HashMap<TeamId, Arc<tokio::sync::Mutex<()>>>>>,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as u64)
        .unwrap_or(0)
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
    pub fn new(store: Arc<dyn Store>, rooms: Rooms) -> Self {
        Self {
            store,
            rooms,
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

    /// Changes the team with `change` (which may refuse), storing it with a
    /// compare-and-set; tries again with the newest team if someone changed it meanwhile.
    async fn change(
        &self,
        id: &TeamId,
        mut change: impl FnMut(&mut Team) -> Result<(), Refusal>,
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
            change(&mut stored.team).map_err(TeamError::Refused)?;
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

    /// Refuses a new meeting if the team holds as many as it may.
    pub fn check_room_for_meeting(team: &Team) -> Result<(), Refusal> {
        if team.meetings.len() >= MAX_MEETINGS {
            return Err(Refusal::conflict(
                format!("a team holds at most {MAX_MEETINGS} meetings"),
                format!("Een team heeft hoogstens {MAX_MEETINGS} bijeenkomsten."),
            ));
        }
        Ok(())
    }

    /// Adds a newly created meeting to the team.
    pub async fn add_meeting(&self, id: &TeamId, board: &BoardId) -> Result<StoredTeam, TeamError> {
        self.change(id, |team| {
            Self::check_room_for_meeting(team)?;
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

    /// Reads each of the team's meetings from its room, oldest first.
    pub async fn meetings(&self, stored: &StoredTeam) -> Result<Vec<LoadedMeeting>, TeamError> {
        let mut loaded = Vec::with_capacity(stored.team.meetings.len());
        for board in &stored.team.meetings {
            let Some(meta) = self.store.board_meta(board).await? else {
                continue;
            };
            let (document, meeting) = self
                .rooms
                .record(board)
                .await
                .map_err(|_| TeamError::Unavailable)?;
            let update = document
                .and_then(|bytes| Update::decode_v1(&bytes).ok())
                .ok_or(TeamError::Unavailable)?;
            let doc = Doc::new();
            doc.transact_mut()
                .apply_update(update)
                .map_err(|_| TeamError::Unavailable)?;
            loaded.push(LoadedMeeting { meta, doc, meeting });
        }
        Ok(loaded)
    }

    /// The pack as it stands now.
    pub async fn draft(&self, stored: &StoredTeam) -> Result<Pack, TeamError> {
        let meetings = self.meetings(stored).await?;
        Ok(pack_of(stored, &meetings))
    }
}

/// The pack from meetings already read.
pub fn pack_of(stored: &StoredTeam, meetings: &[LoadedMeeting]) -> Pack {
    let sources: Vec<MeetingSource> = meetings
        .iter()
        .map(|loaded| MeetingSource {
            board: &loaded.meta.id,
            title: &loaded.meta.title,
            date: dutch_calendar_date(loaded.meta.created_at),
            doc: &loaded.doc,
            meeting: &loaded.meeting,
        })
        .collect();
    pack::build(&stored.meta.name, &sources, &stored.team.points)
}
