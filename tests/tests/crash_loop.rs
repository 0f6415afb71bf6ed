//! The crash-loop breaker: a stored update that kills the process while it is applied is
//! set aside at the next start, and the board loads without it.
//!
//! Two poisons: a genuine one (a delete that overflows yrs 0.28.1's stack), and one that
//! stays a crash whatever yrs fixes: the server under test is built with the
//! `fault-injection` feature (tests/src/lib.rs), which aborts while applying a record
//! holding `ABORT_MARKER`, after the record has been stored, as a crash inside the CRDT
//! library would. When yrs no longer overflows on the deep delete, its test fails here
//! and belongs with the other fixed findings instead.

use std::path::Path;
use std::time::Duration;

use leerkring_server::fault_injection::ABORT_MARKER;
use leerkring_shared::protocol::update_frame;
use leerkring_tests::{eventually, text_update, RedisProcess, ServerProcess, YClient};
use yrs::encoding::write::Write;
use yrs::{Doc, Map, MapPrelim, MapRef, Transact};

const PATIENCE: Duration = Duration::from_secs(10);

/// The quarantined records' contents.
fn quarantined(data_dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(data_dir.join("quarantine")) else {
        return Vec::new();
    };
    entries
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "bin"))
        .map(|path| std::fs::read(path).expect("read a quarantined record"))
        .collect()
}

/// Updates that kill the process once stored: `prelude` is stored and applied without
/// harm, then applying `poison` kills the process.
struct Poison {
    prelude: Option<Vec<u8>>,
    poison: Vec<u8>,
    /// Whether the poison's effect shows in a client's copy of the board.
    applied: fn(&YClient) -> bool,
}

/// A chain of `depth` maps, each the only value of the one before, under the root map
/// `nest`, made by a fresh client; with that client's id (its first map has clock 0).
fn nested_maps(depth: u32) -> (Vec<u8>, u64) {
    let doc = Doc::new();
    let root = doc.get_or_insert_map("nest");
    let mut txn = doc.transact_mut();
    let mut current: MapRef = root.insert(&mut txn, "k", MapPrelim::default());
    for _ in 1..depth {
        current = current.insert(&mut txn, "k", MapPrelim::default());
    }
    (txn.encode_update_v1(), doc.client_id().get())
}

/// An update with no new items and a delete set removing `client`'s item at clock 0.
fn delete_first_item_of(client: u64) -> Vec<u8> {
    let mut update = Vec::new();
    update.write_var(0u32); // no clients with new items
    update.write_var(1u32); // the delete set: one client,
    update.write_var(client);
    update.write_var(1u32); // one range:
    update.write_var(0u32); // from clock 0,
    update.write_var(1u32); // one item long
    update
}

impl Poison {
    /// A genuine crash in yrs 0.28.1: deleting the outermost of 50,000 nested maps
    /// recurses once per level (`TransactionMut::delete`) and overflows the room's stack
    /// ("thread 'tokio-rt-worker' has overflowed its stack", SIGABRT).
    fn deep_delete() -> Self {
        let (nest, client) = nested_maps(50_000);
        Self {
            prelude: Some(nest),
            poison: delete_first_item_of(client),
            applied: |client| {
                let nest = client.doc.get_or_insert_map("nest");
                nest.get(&client.doc.transact(), "k").is_none()
            },
        }
    }

    /// The fault-injection hook (see the file's doc): stays a crash whatever yrs fixes.
    fn marked_text() -> Self {
        Self {
            prelude: None,
            poison: text_update("aanval", &format!("boem {ABORT_MARKER}")),
            applied: |client| !client.read("aanval").is_empty(),
        }
    }
}

/// Honest content, then the poison: the process dies; the next start sets the poison
/// aside (quarantine file, an error naming the board) and loads everything else; the
/// board keeps working; a start after a SIGKILL (no compaction, so the poison is still
/// in the log) loads again.
async fn the_board_survives(poison: Poison) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = ServerProcess::start(dir.path(), &[]);
    let board = server.create_board("Gifpil").await;
    let id = board.board_id.as_str().to_owned();
    let url = server.ws_url(&id, &board.participant_token);
    let honest = YClient::connect(&url).await;
    honest.append("cel", "Eerlijk werk");
    for n in 0..5 {
        honest.push_item("deugden", &format!("deugd-{n}"));
    }
    let attacker = YClient::connect(&url).await;
    if let Some(prelude) = &poison.prelude {
        attacker.send_raw(update_frame(prelude));
    }
    let witness = YClient::connect(&url).await;
    eventually("the honest content is stored", PATIENCE, || {
        witness.read("cel") == "Eerlijk werk" && witness.read_items("deugden").len() == 5
    })
    .await;
    if poison.prelude.is_some() {
        let nest = witness.doc.get_or_insert_map("nest");
        eventually("the prelude is stored", PATIENCE, || {
            nest.get(&witness.doc.transact(), "k").is_some()
        })
        .await;
    }

    // Stored by the room, then applying it kills the process.
    attacker.send_raw(update_frame(&poison.poison));
    let Some(status) = server.exited_within(PATIENCE).await else {
        panic!(
            "the server did not die applying the poison; log: {:#?}",
            server.log()
        );
    };
    assert!(!status.success(), "it died abnormally: {status:?}");
    drop((honest, witness, attacker, server));
    assert!(quarantined(dir.path()).is_empty(), "nothing set aside yet");

    // The next start loads the board without the poison, and sets it aside.
    let restarted = ServerProcess::start(dir.path(), &[]);
    let reader = YClient::connect(&restarted.ws_url(&id, &board.participant_token)).await;
    assert_eq!(reader.read("cel"), "Eerlijk werk");
    let expected: Vec<String> = (0..5).map(|n| format!("deugd-{n}")).collect();
    assert_eq!(reader.read_items("deugden"), expected);
    assert!(!(poison.applied)(&reader), "the poison is not on the board");
    assert_eq!(
        quarantined(dir.path()),
        vec![poison.poison.clone()],
        "the poison is kept, byte for byte"
    );
    let logged = restarted
        .log()
        .into_iter()
        .find(|line| line.contains("set aside"))
        .expect("setting the record aside is logged");
    assert!(
        logged.contains("ERROR") && logged.contains(&format!("board={id}")),
        "an error naming the board: {logged}"
    );

    // The board keeps working, and a second restart loads it again without a crash.
    reader.append("cel", ", daarna verder");
    let witness = YClient::connect(&restarted.ws_url(&id, &board.participant_token)).await;
    eventually("edits after the restart sync", PATIENCE, || {
        witness.read("cel") == "Eerlijk werk, daarna verder"
    })
    .await;
    drop((reader, witness));
    // Killed, so no compaction drops the poison from the log: the set-aside list does.
    restarted.kill();

    let mut again = ServerProcess::start(dir.path(), &[]);
    let reader = YClient::connect(&again.ws_url(&id, &board.participant_token)).await;
    assert_eq!(reader.read("cel"), "Eerlijk werk, daarna verder");
    assert_eq!(reader.read_items("deugden"), expected);
    assert!(!(poison.applied)(&reader));
    assert!(
        again
            .exited_within(Duration::from_millis(500))
            .await
            .is_none(),
        "no crash loop: the server is still running"
    );
    assert_eq!(
        quarantined(dir.path()),
        vec![poison.poison],
        "still the one quarantine file"
    );
}

#[tokio::test]
async fn an_update_that_overflows_the_stack_is_quarantined_and_the_board_loads_on_the_next_start() {
    the_board_survives(Poison::deep_delete()).await;
}

#[tokio::test]
async fn an_update_that_aborts_the_process_is_quarantined_and_the_board_loads_on_the_next_start() {
    the_board_survives(Poison::marked_text()).await;
}

/// In Redis mode the poison is in the board's stream, shared by every node: the node that
/// died sets it aside from its own data dir and deletes it from the stream, so another
/// node (with no memory of the crash) loads the board without it too.
#[tokio::test]
async fn in_redis_mode_the_poison_is_set_aside_and_deleted_from_the_stream() {
    let redis_dir = tempfile::tempdir().expect("temp dir");
    let node_dir = tempfile::tempdir().expect("temp dir");
    let other_dir = tempfile::tempdir().expect("temp dir");
    let redis = RedisProcess::start(redis_dir.path());
    let redis_url = redis.url();
    let args = ["--redis-url", redis_url.as_str(), "--node-name", "a"];
    let mut node = ServerProcess::start(node_dir.path(), &args);
    let board = node.create_board("Gifpil in Redis").await;
    let id = board.board_id.as_str().to_owned();
    let url = node.ws_url(&id, &board.participant_token);
    let honest = YClient::connect(&url).await;
    honest.append("cel", "Eerlijk werk");
    let witness = YClient::connect(&url).await;
    eventually("the honest content is stored", PATIENCE, || {
        witness.read("cel") == "Eerlijk werk"
    })
    .await;

    let poison = text_update("aanval", &format!("boem {ABORT_MARKER}"));
    let attacker = YClient::connect(&url).await;
    attacker.send_raw(update_frame(&poison));
    let status = node
        .exited_within(PATIENCE)
        .await
        .expect("the node died applying the poison");
    assert!(!status.success(), "it died abnormally: {status:?}");
    drop((honest, witness, attacker, node));
    let stream = format!("leerkring:board:{id}:stream");
    let in_stream = |redis: &RedisProcess| -> bool {
        let entries: redis::streams::StreamRangeReply =
            redis.query(redis::cmd("XRANGE").arg(&stream).arg("-").arg("+"));
        entries
            .ids
            .iter()
            .any(|entry| entry.get::<Vec<u8>>("data").as_deref() == Some(&poison[..]))
    };
    assert!(in_stream(&redis), "the poison was stored before the crash");

    let restarted = ServerProcess::start(node_dir.path(), &args);
    let reader = YClient::connect(&restarted.ws_url(&id, &board.participant_token)).await;
    assert_eq!(reader.read("cel"), "Eerlijk werk");
    assert_eq!(reader.read("aanval"), "");
    assert_eq!(quarantined(node_dir.path()), vec![poison.clone()]);
    eventually("the poison is deleted from the stream", PATIENCE, || {
        !in_stream(&redis)
    })
    .await;

    let other = ServerProcess::start(
        other_dir.path(),
        &["--redis-url", redis_url.as_str(), "--node-name", "b"],
    );
    let reader = YClient::connect(&other.ws_url(&id, &board.participant_token)).await;
    assert_eq!(reader.read("cel"), "Eerlijk werk");
    assert_eq!(reader.read("aanval"), "");
}
