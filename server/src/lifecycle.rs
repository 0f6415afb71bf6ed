//! The end of a board's or a team's life: deleting a meeting (its facilitator), a team
//! with all its meetings, and expiring the meetings nothing happened in for longer than
//! the retention period (`--retention-days`), from a task that looks now and then.
//!
//! A board is deleted in three steps, so that no one can open it again while it closes
//! and nothing of it is left behind: the store leaves a tombstone and drops its metadata
//! (from then on every request for it answers `410 Gone` and no room can load it); the
//! room on this node closes its connections and stops (rooms on other nodes hear of it
//! from the store); then the store removes the rest.

use std::sync::Arc;

use std::time::Duration;

use leerkring_shared::ids::BoardId;
use leerkring_shared::meeting::{ActivityKind, Meeting};

use crate::clock;
use crate::config::Retention;
use crate::rooms::Rooms;
use crate::storage::{BoardMeta, Removal, Store, StoreError, StoredTeam, Tombstone, TookPlace};
use crate::teams::{TeamError, Teams};

/// Deletes the board `meta` describes, for the reason `why`. A meeting its facilitator
/// deleted also leaves its team's list; an expired one stays on it (the team page shows
/// that it took place).
pub async fn delete_board(
    store: &Arc<dyn Store>,
    rooms: &Rooms,
    teams: &Teams,
    meta: &BoardMeta,
    why: Removal,
) -> Result<(), TeamError> {
    bury_and_erase(store, rooms, &meta.id, tombstone(why)).await?;
    if let (Some(team), Removal::Deleted) = (&meta.team, why) {
        match teams.remove_meeting(team, &meta.id).await {
            // The team itself is being deleted, or was.
            Err(TeamError::Store(StoreError::NotFound)) => {}
            result => result?,
        }
    }
    Ok(())
}

/// Deletes the team and every meeting of it.
pub async fn delete_team(
    store: &Arc<dyn Store>,
    rooms: &Rooms,
    stored: &StoredTeam,
) -> Result<(), TeamError> {
    for board in &stored.team.meetings {
        if let Some(meta) = store.board_meta(board).await? {
            bury_and_erase(store, rooms, &meta.id, tombstone(Removal::Deleted)).await?;
        }
    }
    store
        .delete_team(&stored.meta.id, &tombstone(Removal::Deleted))
        .await?;
    Ok(())
}

async fn bury_and_erase(
    store: &Arc<dyn Store>,
    rooms: &Rooms,
    board: &BoardId,
    tombstone: Tombstone,
) -> Result<(), StoreError> {
    store.bury_board(board, &tombstone).await?;
    rooms.delete(board).await;
    store.erase_board(board).await
}

fn tombstone(why: Removal) -> Tombstone {
    Tombstone {
        deleted_at: clock::now_seconds(),
        why,
        took_place: None,
    }
}

/// Looks for expired meetings at start and then every `--retention-check-secs`, for as
/// long as the server runs. The last activity is read from the store, so a restart
/// loses nothing of the count.
pub async fn keep_expiring(store: Arc<dyn Store>, rooms: Rooms, retention: Retention) {
    let mut every = tokio::time::interval(Duration::from_secs(retention.retention_check_secs));
    loop {
        every.tick().await;
        match expire_inactive(&store, &rooms, retention.seconds()).await {
            Ok(0) => {}
            Ok(expired) => tracing::info!(expired, "meetings expired after the retention period"),
            Err(error) => {
                tracing::warn!(%error, "could not look for expired meetings; trying later")
            }
        }
    }
}

/// Deletes the content of every meeting nothing happened in for `retention_seconds`,
/// leaving a tombstone that says it took place (title, date, agenda) for its team's
/// page. A meeting someone has open is active. Answers how many expired.
pub async fn expire_inactive(
    store: &Arc<dyn Store>,
    rooms: &Rooms,
    retention_seconds: u64,
) -> Result<usize, StoreError> {
    let now = clock::now_seconds();
    let mut expired = 0;
    for board in store.boards().await? {
        if rooms.is_open(&board) {
            continue;
        }
        let Some(last) = store.last_activity(&board).await? else {
            continue;
        };
        if now.saturating_sub(last) < retention_seconds {
            continue;
        }
        let Some(meta) = store.board_meta(&board).await? else {
            continue;
        };
        let took_place = TookPlace {
            agenda: agenda_of(store, &board).await,
            title: meta.title,
            created_at: meta.created_at,
            team: meta.team,
        };
        let tombstone = Tombstone {
            deleted_at: now,
            why: Removal::Expired,
            took_place: Some(took_place),
        };
        bury_and_erase(store, rooms, &board, tombstone).await?;
        tracing::info!(%board, "meeting expired: its content is deleted");
        expired += 1;
    }
    Ok(expired)
}

/// The activities on the board's agenda, as stored (empty if they cannot be read).
async fn agenda_of(store: &Arc<dyn Store>, board: &BoardId) -> Vec<ActivityKind> {
    let Ok((history, _log)) = store.open(board).await else {
        return Vec::new();
    };
    match history.meeting {
        // Never changed: the agenda a new meeting starts with.
        None => Meeting::default().agenda,
        Some(json) => serde_json::from_slice::<Meeting>(&json)
            .map(|meeting| meeting.agenda)
            .unwrap_or_default(),
    }
}
