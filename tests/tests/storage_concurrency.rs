//! Storage under concurrency: one process per data dir, and a board unloading while
//! people come back to it never loses what was acknowledged.

use std::time::Duration;

use leerkring_tests::{eventually, ServerProcess, YClient};
use yrs::{Array, Transact};

const PATIENCE: Duration = Duration::from_secs(10);

#[tokio::test]
async fn a_second_server_on_the_same_data_dir_refuses_to_start_and_the_first_keeps_working() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = ServerProcess::start(dir.path(), &[]);
    let board = first.create_board("Eén proces").await;
    let id = board.board_id.as_str().to_owned();
    let writer = YClient::connect(&first.ws_url(&id, &board.participant_token)).await;
    writer.append("cel", "voor");

    let (code, log) = ServerProcess::run_to_exit(dir.path(), &[]);
    assert_eq!(
        code,
        Some(1),
        "the second server exits non-zero; log: {log}"
    );
    let lock_file = dir.path().join("LOCK");
    assert!(
        log.contains(&format!("{} is locked", lock_file.display())),
        "the refusal names the lock file: {log}"
    );
    assert!(
        !log.contains("Leerkring is listening"),
        "it refuses before listening: {log}"
    );

    writer.append("cel", " en na");
    let reader = YClient::connect(&first.ws_url(&id, &board.participant_token)).await;
    eventually("the first server still syncs", PATIENCE, || {
        reader.read("cel") == "voor en na"
    })
    .await;
    drop((writer, reader));
    first.stop();
    // Once the first has stopped, the data dir is free again.
    let again = ServerProcess::start(dir.path(), &[]);
    let reader = YClient::connect(&again.ws_url(&id, &board.participant_token)).await;
    assert_eq!(reader.read("cel"), "voor en na");
}

/// Fills the board with many small blocks (one update), so that each unload's compaction
/// takes a while: long enough for the next round's connection to arrive during it.
fn fill(client: &YClient, blocks: u32) {
    let array = client.items("vulling");
    let mut txn = client.doc.transact_mut();
    for n in 0..blocks {
        // Inserted at the front, so no two neighbours merge into one block.
        array.insert(&mut txn, 0, format!("v{n}"));
    }
}

/// With no grace period, every round's leaving unloads the board (compacting its log) just
/// as the next round's connection arrives. Each round's update is acknowledged (a second
/// connection sees it); none may be lost to a room that was still compacting. Every few
/// rounds the server is killed right after the acknowledgement, while the round's room
/// is still open, and must still have it after the restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rejoining_while_a_board_unloads_loses_no_acknowledged_update() {
    const ROUNDS: usize = 60;
    const KILL_EVERY: usize = 6;
    let dir = tempfile::tempdir().expect("temp dir");
    let args = ["--unload-after-secs", "0"];
    let mut server = ServerProcess::start(dir.path(), &args);
    let board = server.create_board("Komen en gaan").await;
    let id = board.board_id.as_str().to_owned();
    let mut url = server.ws_url(&id, &board.participant_token);
    let filler = YClient::connect(&url).await;
    fill(&filler, 20_000);
    let witness = YClient::connect(&url).await;
    eventually("the filler is stored", PATIENCE, || {
        witness.items("vulling").len(&witness.doc.transact()) == 20_000
    })
    .await;
    drop((filler, witness));

    let missing = |acknowledged: &[String], items: Vec<String>| -> Vec<String> {
        acknowledged
            .iter()
            .filter(|item| !items.contains(item))
            .cloned()
            .collect()
    };
    let mut acknowledged = Vec::new();
    let mut unloads = 0;
    for round in 1..=ROUNDS {
        let item = format!("ronde-{round}");
        let writer = YClient::connect(&url).await;
        writer.push_item("items", &item);
        let witness = YClient::connect(&url).await;
        eventually(&format!("{item} acknowledged"), PATIENCE, || {
            witness.read_items("items").contains(&item)
        })
        .await;
        acknowledged.push(item);
        if round % KILL_EVERY == 0 {
            unloads += server
                .log()
                .iter()
                .filter(|line| line.contains("room closed"))
                .count();
            drop((writer, witness));
            server.kill();
            server = ServerProcess::start(dir.path(), &args);
            url = server.ws_url(&id, &board.participant_token);
            let reader = YClient::connect(&url).await;
            assert_eq!(
                missing(&acknowledged, reader.read_items("items")),
                Vec::<String>::new(),
                "after the kill in round {round}"
            );
        } else {
            // Both leave at once: the room unloads as the next round connects.
            drop((writer, witness));
        }
    }
    assert!(
        unloads > ROUNDS / 2,
        "the test only means something if the board unloaded often ({unloads} times)"
    );
    let reader = YClient::connect(&url).await;
    assert_eq!(
        missing(&acknowledged, reader.read_items("items")),
        Vec::<String>::new()
    );
    drop(reader);
    server.stop();
    let restarted = ServerProcess::start(dir.path(), &[]);
    let reader = YClient::connect(&restarted.ws_url(&id, &board.participant_token)).await;
    assert_eq!(
        missing(&acknowledged, reader.read_items("items")),
        Vec::<String>::new()
    );
}
