//! Compaction: folding a board's stream into its snapshot and trimming the stream, under a
//! lease and a compare-and-set so two nodes never trim what the other has not folded in,
//! and only when the merged snapshot loads as the same document.

use std::io;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::streams::StreamRangeReply;
use redis::AsyncCommands;

use super::keys::{entries, Keys, COMPACT_SCRIPT, KIND_UPDATE};
use super::unavailable;
use crate::board::{guarded, reads_back_as, Board};
use crate::storage::{StoreError, StoredHistory};

/// How long a node may hold a board's compaction lease.
const LEASE: Duration = Duration::from_secs(30);

/// Folds the stream into the snapshot if no other node is doing so (the lease).
pub(super) async fn fold_under_lease(
    connection: &mut ConnectionManager,
    keys: &Keys,
    node: &str,
) -> Result<(), StoreError> {
    let leased: Option<String> = redis::cmd("SET")
        .arg(&keys.lease)
        .arg(node)
        .arg("NX")
        .arg("PX")
        .arg(LEASE.as_millis() as u64)
        .query_async(connection)
        .await
        .map_err(unavailable)?;
    if leased.is_none() {
        return Ok(());
    }
    let result = fold(connection, keys).await;
    let _: Result<(), _> = connection.del(&keys.lease).await;
    result
}

/// Merges snapshot and stream as Redis holds them into a new snapshot and trims the
/// stream, unless someone else compacted since the read, or the merge cannot be trusted
/// ([`verified_merge`]): then the stream stays whole and the board loses nothing.
async fn fold(connection: &mut ConnectionManager, keys: &Keys) -> Result<(), StoreError> {
    let (state, upto, range): (Option<Vec<u8>>, Option<String>, StreamRangeReply) = redis::pipe()
        .atomic()
        .hget(&keys.snapshot, "state")
        .hget(&keys.snapshot, "upto")
        .xrange_all(&keys.stream)
        .query_async(connection)
        .await
        .map_err(unavailable)?;
    let Some(last) = range.ids.last().map(|entry| entry.id.clone()) else {
        return Ok(());
    };
    let history = StoredHistory {
        snapshot: state,
        updates: entries(&range)
            .into_iter()
            .filter(|(_, kind, _)| kind == KIND_UPDATE)
            .map(|(_, _, data)| data)
            .collect(),
        meeting: None,
    };
    let merged = tokio::task::spawn_blocking(move || verified_merge(history))
        .await
        .map_err(|join_error| StoreError::Io(io::Error::other(join_error)))?
        .inspect_err(|error| {
            tracing::error!(
                stream = %keys.stream,
                %error,
                "not folding the stream: the merge cannot be trusted, so the stream keeps everything"
            );
        })?;
    let written: i64 = redis::Script::new(COMPACT_SCRIPT)
        .key(&keys.snapshot)
        .key(&keys.stream)
        .key(&keys.tombstone)
        .arg(upto.unwrap_or_default())
        .arg(merged)
        .arg(&last)
        .invoke_async(connection)
        .await
        .map_err(unavailable)?;
    if written == 1 {
        tracing::info!(upto = %last, "compacted the board's stream");
    }
    Ok(())
}

/// The snapshot that may replace `history` (the stored snapshot and the stream's updates):
/// their merge, if merging neither fails nor panics and the merge loads as the same
/// document that `history` loads as.
fn verified_merge(history: StoredHistory) -> Result<Vec<u8>, StoreError> {
    let parts: Vec<&[u8]> = history
        .snapshot
        .iter()
        .chain(history.updates.iter())
        .map(Vec::as_slice)
        .collect();
    let merged = guarded("merge the stream", || yrs::merge_updates_v1(&parts))
        .ok_or_else(|| StoreError::Corrupt("merging the stream panicked".into()))?
        .map_err(|error| StoreError::Corrupt(format!("cannot merge the stream: {error}")))?;
    let expected = Board::from_history(history).state_vector();
    if reads_back_as(&merged, &expected) {
        Ok(merged)
    } else {
        Err(StoreError::Corrupt(
            "the merged snapshot does not load as the stream's document".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use yrs::updates::decoder::Decode;
    use yrs::{Doc, GetString, ReadTxn, StateVector, Text, Transact};

    use super::*;

    fn typed(doc: &Doc, text: &str) -> Vec<u8> {
        let field = doc.get_or_insert_text("flipover");
        let before = doc.transact().state_vector();
        field.push(&mut doc.transact_mut(), text);
        doc.transact().encode_state_as_update_v1(&before)
    }

    #[test]
    fn a_sound_stream_merges_into_a_snapshot_of_the_same_document() {
        let doc = Doc::new();
        let updates = vec![typed(&doc, "Geduld "), typed(&doc, "Respect")];
        let merged = verified_merge(StoredHistory {
            snapshot: None,
            updates,
            meeting: None,
        })
        .expect("a sound stream merges");
        let reloaded = Doc::new();
        let update = yrs::Update::decode_v1(&merged).expect("decodes");
        reloaded
            .transact_mut()
            .apply_update(update)
            .expect("applies");
        let text = reloaded.get_or_insert_text("flipover");
        assert_eq!(text.get_string(&reloaded.transact()), "Geduld Respect");
    }

    #[test]
    fn a_stream_entry_that_is_not_an_update_stops_the_fold() {
        let doc = Doc::new();
        let updates = vec![typed(&doc, "Geduld"), b"\xff\xffgeen update".to_vec()];
        let refused = verified_merge(StoredHistory {
            snapshot: Some(typed(&doc, " en moed")),
            updates,
            meeting: None,
        });
        assert!(
            matches!(refused, Err(StoreError::Corrupt(_))),
            "{refused:?}"
        );
    }

    #[test]
    fn a_snapshot_missing_acknowledged_edits_does_not_read_back() {
        let doc = Doc::new();
        let first = typed(&doc, "Geduld");
        typed(&doc, " en moed");
        let holds_everything: StateVector = doc.transact().state_vector();
        assert!(!reads_back_as(&first, &holds_everything));
        assert!(!reads_back_as(b"\xff\xff", &holds_everything));
        let whole = doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        assert!(reads_back_as(&whole, &holds_everything));
    }
}
