//! Nothing lost: restarts, torn writes and a SIGKILL in the middle of heavy editing.

use std::collections::BTreeSet;
use std::io::Write;
use std::time::Duration;

use leerkring_tests::{eventually, ServerProcess, YClient};

const PATIENCE: Duration = Duration::from_secs(10);

#[tokio::test]
async fn a_restarted_server_keeps_every_update() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(dir.path(), &[]);
    let board = server.create_board("Herstart").await;
    let id = board.board_id.as_str().to_owned();
    let writer = YClient::connect(&server.ws_url(&id, &board.participant_token)).await;
    for n in 0..50 {
        writer.push_item("deugden", &format!("deugd-{n}"));
    }
    let witness = YClient::connect(&server.ws_url(&id, &board.participant_token)).await;
    eventually("witness has all 50", PATIENCE, || {
        witness.read_items("deugden").len() == 50
    })
    .await;
    drop((writer, witness));
    server.stop();

    let restarted = ServerProcess::start(dir.path(), &[]);
    let reader = YClient::connect(&restarted.ws_url(&id, &board.facilitator_token)).await;
    let expected: Vec<String> = (0..50).map(|n| format!("deugd-{n}")).collect();
    assert_eq!(reader.read_items("deugden"), expected);
}

#[tokio::test]
async fn a_torn_final_record_is_cut_off_and_the_intact_prefix_recovered() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(dir.path(), &[]);
    let board = server.create_board("Stroomstoring").await;
    let id = board.board_id.as_str().to_owned();
    let url = server.ws_url(&id, &board.participant_token);
    let writer = YClient::connect(&url).await;
    writer.append("cel", "Betrokkenheid");
    let witness = YClient::connect(&url).await;
    eventually("stored", PATIENCE, || {
        witness.read("cel") == "Betrokkenheid"
    })
    .await;
    server.kill();

    // Power fails while the next record is half written: a header promising more bytes
    // than follow, and some of them.
    let log_path = dir.path().join("boards").join(&id).join("updates.log");
    let intact_len = std::fs::metadata(&log_path).expect("log exists").len();
    assert!(intact_len > 0, "the edit is in the log");
    let mut log = std::fs::OpenOptions::new()
        .append(true)
        .open(&log_path)
        .expect("open log");
    log.write_all(&[200, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3])
        .expect("tear the log");
    drop(log);

    let restarted = ServerProcess::start(dir.path(), &[]);
    let reader = YClient::connect(&restarted.ws_url(&id, &board.participant_token)).await;
    assert_eq!(reader.read("cel"), "Betrokkenheid");
    let warning = restarted
        .log()
        .into_iter()
        .find(|line| line.contains("torn or corrupt record"))
        .expect("a warning about the torn record");
    assert!(
        warning.contains("WARN") && warning.contains("damaged_bytes=11"),
        "{warning}"
    );
    assert_eq!(
        std::fs::metadata(&log_path).expect("log").len(),
        intact_len,
        "the torn tail is cut off"
    );

    // The board keeps working after recovery.
    reader.append("cel", " blijft");
    let second = YClient::connect(&restarted.ws_url(&id, &board.participant_token)).await;
    eventually("edits after recovery sync", PATIENCE, || {
        second.read("cel") == "Betrokkenheid blijft"
    })
    .await;
}

/// Several writers edit as fast as they can; the server is killed with SIGKILL mid-stream.
/// Every item that any client had *received from the server* must be there after restart:
/// the server only forwards what it has already stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_during_heavy_editing_loses_nothing_that_was_broadcast() {
    const WRITERS: usize = 4;
    let dir = tempfile::tempdir().expect("temp dir");
    // Frequent compaction, so the kill can also land during a snapshot write.
    let server = ServerProcess::start(
        dir.path(),
        &[
            "--compact-after-updates",
            "50",
            "--message-burst",
            "100000",
            "--messages-per-second",
            "100000",
        ],
    );
    let board = server.create_board("Crash").await;
    let id = board.board_id.as_str().to_owned();
    let url = server.ws_url(&id, &board.participant_token);
    let mut writers = Vec::new();
    for _ in 0..WRITERS {
        writers.push(YClient::connect(&url).await);
    }

    let typing = async {
        for n in 0.. {
            for (w, writer) in writers.iter().enumerate() {
                writer.push_item("items", &format!("w{w}-{n}"));
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    };
    // Let the edits flow for a while, then pull the plug mid-stream.
    let _ = tokio::time::timeout(Duration::from_millis(1500), typing).await;
    server.kill();

    // What each writer received from the server: items authored by the *other* writers.
    let mut received: BTreeSet<String> = BTreeSet::new();
    for (w, writer) in writers.iter().enumerate() {
        let own = format!("w{w}-");
        received.extend(
            writer
                .read_items("items")
                .into_iter()
                .filter(|item| !item.starts_with(&own)),
        );
    }
    assert!(
        received.len() > 100,
        "the test only means something if many updates were broadcast ({})",
        received.len()
    );

    let restarted = ServerProcess::start(dir.path(), &[]);
    let reader = YClient::connect(&restarted.ws_url(&id, &board.participant_token)).await;
    let stored: BTreeSet<String> = reader.read_items("items").into_iter().collect();
    let lost: Vec<&String> = received.difference(&stored).collect();
    assert!(
        lost.is_empty(),
        "{} broadcast items lost after SIGKILL, e.g. {:?}",
        lost.len(),
        lost.iter().take(5).collect::<Vec<_>>()
    );

    // The writers reconnect with their documents (offline edits included) and everything merges.
    let mut reconnected = Vec::new();
    for writer in &writers {
        reconnected.push(
            YClient::connect_with(
                &restarted.ws_url(&id, &board.participant_token),
                writer.doc.clone(),
            )
            .await,
        );
    }
    let everything: BTreeSet<String> = writers.iter().flat_map(|w| w.read_items("items")).collect();
    let check = YClient::connect(&restarted.ws_url(&id, &board.participant_token)).await;
    eventually("unsent edits merge after reconnecting", PATIENCE, || {
        check
            .read_items("items")
            .into_iter()
            .collect::<BTreeSet<_>>()
            .is_superset(&everything)
    })
    .await;
}
