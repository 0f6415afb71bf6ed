//! The sync core over real sockets: convergence, late joiners, presence, the HTTP
//! contract, and bad input that must close only the offending connection.

use std::time::Duration;

use leerkring_shared::protocol::{query_awareness_frame, update_frame};
use leerkring_tests::{eventually, handshake_status, RawSocket, ServerProcess, YClient};
use tokio_tungstenite::tungstenite::Message;

const SECOND: Duration = Duration::from_secs(1);
const PATIENCE: Duration = Duration::from_secs(10);

fn start(args: &[&str]) -> (tempfile::TempDir, ServerProcess) {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(dir.path(), args);
    (dir, server)
}

#[tokio::test]
async fn two_clients_converge_on_concurrent_edits() {
    let (_dir, server) = start(&[]);
    let board = server.create_board("Teamoverleg Noord").await;
    let url = server.ws_url(board.board_id.as_str(), &board.participant_token);
    let anna = YClient::connect(&url).await;
    let bram = YClient::connect(&url).await;

    for round in 0..20 {
        anna.append("cel", &format!("a{round} "));
        bram.append("cel", &format!("b{round} "));
    }
    eventually("both see all 40 edits", PATIENCE, || {
        let text = anna.read("cel");
        text == bram.read("cel")
            && (0..20).all(|r| text.contains(&format!("a{r} ")) && text.contains(&format!("b{r} ")))
    })
    .await;
}

#[tokio::test]
async fn an_edit_reaches_the_other_client_within_a_second() {
    let (_dir, server) = start(&[]);
    let board = server.create_board("Snelheid").await;
    let url = server.ws_url(board.board_id.as_str(), &board.participant_token);
    let anna = YClient::connect(&url).await;
    let bram = YClient::connect(&url).await;
    anna.append("cel", "Vasthoudendheid");
    eventually("bram sees anna's edit", SECOND, || {
        bram.read("cel") == "Vasthoudendheid"
    })
    .await;
}

#[tokio::test]
async fn a_late_joiner_receives_the_full_state() {
    let (_dir, server) = start(&["--compact-after-updates", "10"]);
    let board = server.create_board("Deugdenoefening").await;
    let url = server.ws_url(board.board_id.as_str(), &board.facilitator_token);
    let early = YClient::connect(&url).await;
    for n in 0..35 {
        early.push_item("deugden", &format!("deugd-{n}"));
    }
    early.append("cel", "Geduld");
    let expected: Vec<String> = (0..35).map(|n| format!("deugd-{n}")).collect();
    // A second client proves the server has applied everything before the late joiner comes.
    let witness = YClient::connect(&url).await;
    eventually("witness has everything", PATIENCE, || {
        witness.read_items("deugden") == expected
    })
    .await;

    let late = YClient::connect(&url).await;
    assert_eq!(
        late.read_items("deugden"),
        expected,
        "state arrives in the first sync"
    );
    assert_eq!(late.read("cel"), "Geduld");
    let snapshot = server
        .data_dir
        .join("boards")
        .join(board.board_id.as_str())
        .join("snapshot.bin");
    assert!(
        snapshot.exists(),
        "36 updates with --compact-after-updates 10 must have compacted"
    );
}

#[tokio::test]
async fn a_disconnected_clients_presence_is_removed_for_everyone() {
    let (_dir, server) = start(&[]);
    let board = server.create_board("Aanwezigheid").await;
    let url = server.ws_url(board.board_id.as_str(), &board.participant_token);
    let mut anna = RawSocket::connect(&url).await;
    // Anna announces presence for client 7 with a name.
    let awareness = presence_frame(7, 1, r#"{"name":"Anna"}"#);
    anna.send(Message::Binary(awareness.into())).await;

    let mut bram = RawSocket::connect(&url).await;
    let seen = bram
        .read_presence_until(|states| {
            states
                .iter()
                .any(|(id, json)| *id == 7 && json.contains("Anna"))
        })
        .await;
    assert!(seen, "bram is told anna is here");
    drop(anna);
    let removed = bram
        .read_presence_until(|states| states.iter().any(|(id, json)| *id == 7 && json == "null"))
        .await;
    assert!(removed, "bram is told anna left");
}

/// A y-websocket awareness frame for one client.
fn presence_frame(client: u64, clock: u32, json: &str) -> Vec<u8> {
    use yrs::sync::awareness::{AwarenessUpdate, AwarenessUpdateEntry};
    let mut clients = std::collections::HashMap::new();
    clients.insert(
        yrs::ClientID::new(client),
        AwarenessUpdateEntry {
            clock,
            json: json.into(),
        },
    );
    leerkring_shared::protocol::awareness_frame(&AwarenessUpdate { clients })
}

#[tokio::test]
async fn unknown_boards_give_404_and_bad_tokens_401_before_the_upgrade() {
    let (_dir, server) = start(&[]);
    let board = server.create_board("Toegang").await;
    let id = board.board_id.as_str();
    let unknown = "AAAAAAAAAAAAAAAAAAAAAA";
    assert_eq!(
        handshake_status(&server.ws_url(unknown, &board.participant_token)).await,
        404
    );
    assert_eq!(
        handshake_status(&format!("ws://{}/ws/not-an-id?token=x", server.addr)).await,
        404
    );
    assert_eq!(
        handshake_status(&format!("ws://{}/ws/{id}", server.addr)).await,
        401,
        "no token"
    );
    assert_eq!(handshake_status(&server.ws_url(id, "wrong")).await, 401);
    let other = server.create_board("Ander bord").await;
    assert_eq!(
        handshake_status(&server.ws_url(id, &other.facilitator_token)).await,
        401,
        "another board's token"
    );
    assert_eq!(
        handshake_status(&server.ws_url(id, &board.participant_token)).await,
        101
    );
    assert_eq!(
        handshake_status(&server.ws_url(id, &board.facilitator_token)).await,
        101
    );
}

#[tokio::test]
async fn board_creation_answers_ids_tokens_and_links_and_refuses_bad_titles() {
    let (_dir, server) = start(&[]);
    let board = server.create_board("  Leerkring Oost  ").await;
    assert_eq!(board.board_id.as_str().len(), 22);
    assert_eq!(board.facilitator_token.len(), 43);
    assert_ne!(board.facilitator_token, board.participant_token);
    let id = board.board_id.as_str();
    assert_eq!(
        board.join_url,
        format!(
            "http://{}/b/{id}#token={}",
            server.addr, board.participant_token
        )
    );
    assert_eq!(
        board.facilitator_url,
        format!(
            "http://{}/b/{id}#token={}",
            server.addr, board.facilitator_token
        )
    );
    let meta = std::fs::read_to_string(server.data_dir.join("boards").join(id).join("meta.json"))
        .expect("meta stored");
    assert!(meta.contains("\"title\": \"Leerkring Oost\""), "{meta}");

    let client = reqwest::Client::new();
    let post = |body: &'static str| {
        client
            .post(server.http_url("/api/boards"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let empty = post(r#"{"title":"   "}"#).await.expect("answer");
    assert_eq!(empty.status(), 422);
    assert!(empty
        .text()
        .await
        .expect("body")
        .contains("title must not be empty"));
    assert_eq!(post("{not json").await.expect("answer").status(), 400);
    assert_eq!(post(r#"{"name":"x"}"#).await.expect("answer").status(), 422);
    let huge = format!(r#"{{"title":"{}"}}"#, "x".repeat(100_000));
    let too_big = client
        .post(server.http_url("/api/boards"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("answer");
    assert_eq!(too_big.status(), 413);
    assert!(too_big
        .text()
        .await
        .expect("body")
        .starts_with(r#"{"error":"#));
    let not_json = client
        .post(server.http_url("/api/boards"))
        .body(r#"{"title":"x"}"#)
        .send()
        .await
        .expect("answer");
    assert_eq!(not_json.status(), 415);
    let health = client
        .get(server.http_url("/healthz"))
        .send()
        .await
        .expect("answer");
    assert_eq!(health.status(), 200);

    let logged = server.log().join("\n");
    assert!(
        !logged.contains(&board.facilitator_token) && !logged.contains(&board.participant_token),
        "tokens never logged"
    );
}

#[tokio::test]
async fn tokens_in_websocket_urls_are_not_logged() {
    let (_dir, server) = start(&[]);
    let board = server.create_board("Geheim").await;
    let url = server.ws_url(board.board_id.as_str(), &board.participant_token);
    let client = YClient::connect(&url).await;
    client.append("cel", "x");
    assert_eq!(
        handshake_status(&server.ws_url(board.board_id.as_str(), "wrong-token-value")).await,
        401
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let logged = server.log().join("\n");
    assert!(logged.contains("/ws/"), "requests are logged: {logged}");
    assert!(!logged.contains(&board.participant_token) && !logged.contains("wrong-token-value"));
}

/// Sends `bad` from one connection and checks it alone is closed with `code`, while a
/// second connection on the same board keeps syncing.
async fn only_the_offender_is_closed(
    server: &ServerProcess,
    bad: Vec<Message>,
    code: u16,
    reason_part: &str,
) {
    let board = server.create_board("Misbruik").await;
    let url = server.ws_url(board.board_id.as_str(), &board.participant_token);
    let bystander = YClient::connect(&url).await;
    let witness = YClient::connect(&url).await;
    let mut offender = RawSocket::connect(&url).await;
    for message in bad {
        offender.send(message).await;
    }
    let closed = offender.read_until_closed().await;
    assert_eq!(closed.code, code, "close code (reason: {})", closed.reason);
    assert!(
        closed.reason.contains(reason_part),
        "reason {:?} mentions {reason_part:?}",
        closed.reason
    );
    bystander.append("cel", "nog steeds verbonden");
    eventually("bystanders still sync", PATIENCE, || {
        witness.read("cel") == "nog steeds verbonden"
    })
    .await;
    assert!(bystander.closed().is_none() && witness.closed().is_none());
}

#[tokio::test]
async fn an_oversized_frame_closes_only_its_connection() {
    let (_dir, server) = start(&["--max-frame-bytes", "4096"]);
    let big = update_frame(&vec![0u8; 8000]);
    only_the_offender_is_closed(
        &server,
        vec![Message::Binary(big.into())],
        1009,
        "larger than 4096",
    )
    .await;
}

#[tokio::test]
async fn malformed_frames_close_only_their_connection() {
    let (_dir, server) = start(&[]);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (vec![0, 2, 3, 0xff, 0xff, 0xff], "malformed"),
        (vec![0, 7, 0], "malformed"),
        (vec![42], "unsupported message type 42"),
        (vec![0, 2, 200, 1], "malformed"),
        (vec![], "empty frame"),
    ];
    for (frame, reason) in cases {
        only_the_offender_is_closed(&server, vec![Message::Binary(frame.into())], 1002, reason)
            .await;
    }
    only_the_offender_is_closed(
        &server,
        vec![Message::Text("hallo".into())],
        1003,
        "text frames",
    )
    .await;
}

#[tokio::test]
async fn a_flooding_connection_is_closed() {
    let (_dir, server) = start(&["--messages-per-second", "5", "--message-burst", "20"]);
    let flood = (0..200)
        .map(|_| Message::Binary(query_awareness_frame().into()))
        .collect();
    only_the_offender_is_closed(&server, flood, 1008, "too many messages").await;
}

#[tokio::test]
async fn a_full_board_refuses_one_more_connection() {
    let (_dir, server) = start(&["--max-connections-per-board", "2"]);
    let board = server.create_board("Vol").await;
    let url = server.ws_url(board.board_id.as_str(), &board.participant_token);
    let _first = YClient::connect(&url).await;
    let _second = YClient::connect(&url).await;
    let mut third = RawSocket::connect(&url).await;
    let closed = third.read_until_closed().await;
    assert_eq!(
        (closed.code, closed.reason.as_str()),
        (1013, "board is full")
    );
}

#[tokio::test]
async fn an_idle_board_is_unloaded_compacted_and_loads_again() {
    let (_dir, server) = start(&["--unload-after-secs", "1"]);
    let board = server.create_board("Uitladen").await;
    let url = server.ws_url(board.board_id.as_str(), &board.participant_token);
    let folder = server.data_dir.join("boards").join(board.board_id.as_str());
    {
        let client = YClient::connect(&url).await;
        client.append("cel", "Eerlijkheid");
        let witness = YClient::connect(&url).await;
        eventually("stored", PATIENCE, || witness.read("cel") == "Eerlijkheid").await;
        assert!(
            !folder.join("snapshot.bin").exists(),
            "not compacted while in use"
        );
    }
    eventually("room unloaded and compacted", PATIENCE, || {
        folder.join("snapshot.bin").exists()
            && std::fs::metadata(folder.join("updates.log")).is_ok_and(|m| m.len() == 0)
    })
    .await;
    eventually("unload logged", PATIENCE, || {
        server.log().iter().any(|line| line.contains("room closed"))
    })
    .await;
    let again = YClient::connect(&url).await;
    assert_eq!(again.read("cel"), "Eerlijkheid");
}

#[tokio::test]
async fn board_info_tells_each_token_its_role_and_only_the_facilitator_the_join_link() {
    let (_dir, server) = start(&[]);
    let board = server.create_board("Rollen").await;
    let id = board.board_id.as_str();
    let client = reqwest::Client::new();
    let info = |token: String| {
        client
            .get(server.http_url(&format!("/api/boards/{id}")))
            .bearer_auth(token)
            .send()
    };

    let facilitator: serde_json::Value = info(board.facilitator_token.clone())
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert_eq!(facilitator["role"], "facilitator");
    assert_eq!(facilitator["title"], "Rollen");
    assert_eq!(facilitator["join_url"], board.join_url.as_str());
    let qr = facilitator["join_qr_svg"]
        .as_str()
        .expect("a QR code for the facilitator");
    assert!(
        qr.contains("<svg") && qr.contains("#000000"),
        "an SVG QR code: {qr}"
    );

    let participant: serde_json::Value = info(board.participant_token.clone())
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert_eq!(participant["role"], "participant");
    assert!(
        participant.get("join_url").is_none() && participant.get("join_qr_svg").is_none(),
        "participants are not handed the link: {participant}"
    );

    assert_eq!(info("x".repeat(43)).await.expect("answer").status(), 401);
    let no_token = client
        .get(server.http_url(&format!("/api/boards/{id}")))
        .send()
        .await
        .expect("answer");
    assert_eq!(no_token.status(), 401);
    let unknown = client
        .get(server.http_url("/api/boards/AAAAAAAAAAAAAAAAAAAAAA"))
        .bearer_auth(&board.facilitator_token)
        .send()
        .await
        .expect("answer");
    assert_eq!(unknown.status(), 404);
}
