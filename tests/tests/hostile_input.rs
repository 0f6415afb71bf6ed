//! The inputs the fuzzer found (server/fuzz/regressions), sent to a real server over real
//! sockets. Some of them make the CRDT library (yrs 0.28) panic or ask for gigabytes; the
//! server must refuse or survive each one: other boards keep working, the attacked board
//! can be opened again, and the process stays up.

use std::path::PathBuf;
use std::time::Duration;

use leerkring_tests::{
    eventually, random_member_key, workspace_root, RawSocket, ServerProcess, YClient,
};
use tokio_tungstenite::tungstenite::Message;

/// One regression input: frames, each for connection slot 0 (facilitator), 1
/// (participant) or 2 (plain Yjs client). Format: `[slot][length u16 LE][frame]...`.
fn frames(path: &PathBuf) -> Vec<(u8, Vec<u8>)> {
    let bytes = std::fs::read(path).expect("read regression");
    let mut frames = Vec::new();
    let mut rest = bytes.as_slice();
    while rest.len() >= 3 {
        let slot = rest[0] % 3;
        let length = usize::from(u16::from_le_bytes([rest[1], rest[2]]));
        let end = (3 + length).min(rest.len());
        frames.push((slot, rest[3..end].to_vec()));
        rest = &rest[end..];
    }
    frames
}

fn regressions() -> Vec<PathBuf> {
    let folder = workspace_root().join("server/fuzz/regressions");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("regressions folder")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_none())
        .collect();
    found.sort();
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzzer_findings_neither_crash_the_server_nor_break_other_boards() {
    let inputs = regressions();
    assert!(
        inputs.len() >= 10,
        "the fuzzer's regressions are there: {inputs:?}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(dir.path(), &["--unload-after-secs", "1"]);
    let bystander_board = server.create_board("Omstander").await;
    let bystander_url = server.ws_url(
        bystander_board.board_id.as_str(),
        &bystander_board.participant_token,
    );
    let writer = YClient::connect(&bystander_url).await;
    let reader = YClient::connect(&bystander_url).await;

    for (round, input) in inputs.iter().enumerate() {
        let board = server.create_board("Aanval").await;
        let id = board.board_id.as_str();
        let urls = [
            format!(
                "{}&member={}",
                server.ws_url(id, &board.facilitator_token),
                random_member_key()
            ),
            format!(
                "{}&member={}",
                server.ws_url(id, &board.participant_token),
                random_member_key()
            ),
            server.ws_url(id, &board.participant_token),
        ];
        let mut sockets = Vec::new();
        for url in &urls {
            sockets.push(RawSocket::connect(url).await);
        }
        for (slot, frame) in frames(input) {
            sockets[usize::from(slot)]
                .send(Message::Binary(frame.into()))
                .await;
        }
        drop(sockets);

        // Other boards carry on.
        let line = format!("ronde {round} ");
        writer.append("cel", &line);
        eventually(
            &format!("the bystander board still syncs after {}", input.display()),
            Duration::from_secs(10),
            || reader.read("cel").contains(&line),
        )
        .await;
        // The attacked board opens again (after an unload or a reload) and syncs.
        let again = tokio::time::timeout(
            Duration::from_secs(20),
            YClient::connect(&server.ws_url(id, &board.participant_token)),
        )
        .await;
        assert!(
            again.is_ok(),
            "the attacked board opens again after {}",
            input.display()
        );
    }
    // Panics inside yrs are caught (and logged); none may come from our own code. The
    // log is read as it is written, so give the last lines a moment to arrive.
    let caught_all = || {
        let log = server.log();
        let panics = log
            .iter()
            .filter(|line| line.contains("panicked at"))
            .count();
        let caught = log
            .iter()
            .filter(|line| {
                line.contains("the CRDT library panicked")
                    || line.contains("the decoder failed on it")
            })
            .count();
        caught >= panics
    };
    eventually(
        "every panic inside yrs is caught and logged",
        Duration::from_secs(10),
        caught_all,
    )
    .await;
    let log = server.log();
    let panics: Vec<&String> = log
        .iter()
        .filter(|line| line.contains("panicked at"))
        .collect();
    assert!(
        panics.iter().all(|line| line.contains("/yrs-")),
        "only the CRDT library panicked: {panics:#?}"
    );
}
