//! The end of a board's or a team's life: deleting a meeting (its facilitator, or the
//! retention period), and a team with all its meetings.
//!
//! A board is deleted in three steps, so that no one can open it again while it closes
//! and nothing of it is left behind: the store leaves a tombstone and drops its metadata
//! (from then on every request for it answers `410 Gone` and no room can load it); the
//! room on this node closes its connections and stops (rooms on other nodes hear of it
//! from the store); then the store removes the rest.

use std::sync::Arc;

use crate::clock;
use crate::rooms::Rooms;
use crate::storage::{BoardMeta, Removal, Store, StoreError, StoredTeam, Tombstone};
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
    bury_and_erase(store, rooms, meta, why).await?;
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
            bury_and_erase(store, rooms, &meta, Removal::Deleted).await?;
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
    meta: &BoardMeta,
    why: Removal,
) -> Result<(), StoreError> {
    store.bury_board(&meta.id, &tombstone(why)).await?;
    rooms.delete(&meta.id).await;
    store.erase_board(&meta.id).await
}

fn tombstone(why: Removal) -> Tombstone {
    Tombstone {
        deleted_at: clock::now_seconds(),
        why,
    }
}
