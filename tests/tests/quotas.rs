//! Quotas and limits over the network (docs/PROTOCOL.md, "Limits"): each one hit on a
//! server started with a small value, answered with its documented refusal, while other
//! connections, people, addresses and boards carry on.

use std::collections::HashMap;
use std::time::Duration;

use leerkring_shared::protocol::query_awareness_frame;
use leerkring_tests::{
    eventually, random_member_key, text_update, MeetingClient, RawSocket, ServerProcess, YClient,
};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;
use yrs::sync::awareness::{AwarenessUpdate, AwarenessUpdateEntry};

fn start(args: &[&str]) -> (tempfile::TempDir, ServerProcess) {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(dir.path(), args);
    (dir, server)
}

/// What a refused request answered: status, `Retry-After` (if any) and the JSON body.
struct Answer {
    status: u16,
    retry_after: Option<u64>,
    body: Value,
}

async fn post(
    server: &ServerProcess,
    path: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> Answer {
    let mut request = reqwest::Client::new()
        .post(server.http_url(path))
        .timeout(Duration::from_secs(10))
        .json(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|value| value.to_str().expect("ASCII").parse().expect("seconds"));
    let body = response.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        retry_after,
        body,
    }
}

fn assert_throttled(answer: &Answer, max_wait: u64, what: &str) {
    assert_eq!(answer.status, 429, "{what}: {}", answer.body);
    let wait = answer.retry_after.expect("a Retry-After header");
    assert!((1..=max_wait).contains(&wait), "{what}: Retry-After {wait}");
    assert!(
        answer.body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{what}: a JSON error: {}",
        answer.body
    );
    assert!(answer.body["error_nl"].is_string(), "{what}: in Dutch too");
}

#[tokio::test]
async fn creating_boards_and_teams_is_limited_per_address_and_spoofed_headers_do_not_help() {
    let (_dir, server) = start(&["--create-burst", "3", "--create-every-secs", "60"]);
    let existing = server.create_board("Al bezig").await;
    let url = server.ws_url(existing.board_id.as_str(), &existing.participant_token);
    let writer = YClient::connect(&url).await;
    let reader = YClient::connect(&url).await;

    let title = json!({"title": "Nog een"});
    assert_eq!(post(&server, "/api/boards", &[], &title).await.status, 201);
    let team = post(&server, "/api/teams", &[], &json!({"name": "Wijkteam"})).await;
    assert_eq!(team.status, 201, "boards and teams share one allowance");
    let refused = post(&server, "/api/boards", &[], &title).await;
    assert_throttled(&refused, 60, "a fourth board");
    let team_refused = post(&server, "/api/teams", &[], &json!({"name": "Nog een team"})).await;
    assert_throttled(&team_refused, 60, "a team after the burst");
    // Without a trusted proxy, a forwarding header is just something the client wrote.
    let spoofed = post(
        &server,
        "/api/boards",
        &[
            ("x-forwarded-for", "198.51.100.77"),
            ("forwarded", "for=198.51.100.78"),
        ],
        &title,
    )
    .await;
    assert_throttled(&spoofed, 60, "a spoofed X-Forwarded-For");

    // The boards that exist carry on.
    writer.append("flipover", "Geduld");
    eventually("the existing board syncs", Duration::from_secs(10), || {
        reader.read("flipover") == "Geduld"
    })
    .await;
    assert_eq!(
        reqwest::get(server.http_url("/healthz"))
            .await
            .expect("health")
            .status(),
        200
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_address_has_its_own_allowance() {
    let (_dir, server) = start(&[
        "--create-burst",
        "3",
        "--create-every-secs",
        "60",
        "--trusted-proxy",
        "127.0.0.0/8,::1",
    ]);
    let anna = [("x-forwarded-for", "6.6.6.6, 198.51.100.1")];
    let team = post(&server, "/api/teams", &anna, &json!({"name": "Team Anna"})).await;
    assert_eq!(team.status, 201);
    let team_id = team.body["team_id"].as_str().expect("team id").to_owned();
    let bearer = format!(
        "Bearer {}",
        team.body["facilitator_token"].as_str().expect("token")
    );
    let meetings = format!("/api/teams/{team_id}/meetings");
    let anna_leads = [anna[0], ("authorization", bearer.as_str())];
    let title = json!({"title": "Bijeenkomst"});
    for n in 1..=2 {
        let meeting = post(&server, &meetings, &anna_leads, &title).await;
        assert_eq!(meeting.status, 201, "meeting {n}: {}", meeting.body);
    }
    let refused = post(&server, &meetings, &anna_leads, &title).await;
    assert_throttled(
        &refused,
        60,
        "a third meeting after a team and two meetings",
    );
    // Rewriting the part the client controls (left of the proxy's entry) changes nothing.
    let rewritten = [("x-forwarded-for", "203.0.113.5, 198.51.100.1")];
    assert_throttled(
        &post(&server, "/api/boards", &rewritten, &title).await,
        60,
        "the same client behind a different claimed origin",
    );

    // Someone else behind the same proxy, and the proxy's own address, are not held back.
    let bram = [("x-forwarded-for", "198.51.100.2")];
    assert_eq!(
        post(&server, "/api/boards", &bram, &title).await.status,
        201
    );
    let cor = [("forwarded", "for=\"[2001:db8::c0]:4711\"")];
    assert_eq!(post(&server, "/api/boards", &cor, &title).await.status, 201);
    assert_eq!(post(&server, "/api/boards", &[], &title).await.status, 201);
}

#[tokio::test]
async fn json_bodies_and_meetings_per_team_are_limited_by_their_flags() {
    let (_dir, server) = start(&["--max-body-bytes", "1024", "--max-meetings-per-team", "2"]);
    // Over the body limit the title is not even read: 413, not the 422 a long title gets.
    let large = post(
        &server,
        "/api/boards",
        &[],
        &json!({"title": "x".repeat(2048)}),
    )
    .await;
    assert_eq!(large.status, 413, "a 2 KiB body: {}", large.body);
    assert!(
        large.body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "a JSON error: {}",
        large.body
    );
    let small = post(&server, "/api/boards", &[], &json!({"title": "Klein"})).await;
    assert_eq!(small.status, 201, "a small body: {}", small.body);

    let team = post(&server, "/api/teams", &[], &json!({"name": "Wijkteam"})).await;
    assert_eq!(team.status, 201, "{}", team.body);
    let team_id = team.body["team_id"].as_str().expect("team id").to_owned();
    let bearer = format!(
        "Bearer {}",
        team.body["facilitator_token"].as_str().expect("token")
    );
    let meetings = format!("/api/teams/{team_id}/meetings");
    let leads = [("authorization", bearer.as_str())];
    let title = json!({"title": "Bijeenkomst"});
    for n in 1..=2 {
        let meeting = post(&server, &meetings, &leads, &title).await;
        assert_eq!(meeting.status, 201, "meeting {n}: {}", meeting.body);
    }
    let refused = post(&server, &meetings, &leads, &title).await;
    assert_eq!(refused.status, 409, "a third meeting: {}", refused.body);
    assert_eq!(
        refused.body["error"],
        json!("a team holds at most 2 meetings")
    );
    assert_eq!(
        refused.body["error_nl"],
        json!("Een team heeft hoogstens 2 bijeenkomsten.")
    );
    let page = reqwest::Client::new()
        .get(server.http_url(&format!("/api/teams/{team_id}")))
        .header("authorization", bearer.as_str())
        .send()
        .await
        .expect("the team page")
        .json::<Value>()
        .await
        .expect("JSON");
    assert_eq!(
        page["meetings"].as_array().map(Vec::len),
        Some(2),
        "the refused meeting was not added: {page}"
    );
}

#[tokio::test]
async fn http_commands_are_limited_per_person_while_others_carry_on() {
    let (_dir, server) = start(&[
        "--http-command-burst",
        "4",
        "--http-commands-per-second",
        "1",
    ]);
    let board = server.create_board("Opdrachten").await;
    let id = board.board_id.as_str();
    let anna = random_member_key();
    let hello = json!({"type": "hello", "name": "Anna"});
    for n in 0..4 {
        let (status, body) = server
            .command_http(id, &board.participant_token, Some(&anna), &hello)
            .await;
        assert_eq!(status, 200, "command {n}: {body}");
    }
    let refused = post(
        &server,
        &format!("/api/boards/{id}/commands"),
        &[
            (
                "authorization",
                &format!("Bearer {}", board.participant_token),
            ),
            ("x-leerkring-member", &anna),
        ],
        &hello,
    )
    .await;
    assert_throttled(&refused, 1, "Anna's fifth command at once");

    // Bram, and the facilitator without a member key, are not held back by Anna.
    let bram = random_member_key();
    let (status, _) = server
        .command_http(
            id,
            &board.participant_token,
            Some(&bram),
            &json!({"type": "hello", "name": "Bram"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = server
        .command_http(
            id,
            &board.facilitator_token,
            None,
            &json!({"type": "next_step"}),
        )
        .await;
    assert_ne!(status, 429, "the facilitator is someone else: {body}");
    // Anna may go on once her allowance has refilled.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, body) = server
        .command_http(id, &board.participant_token, Some(&anna), &hello)
        .await;
    assert_eq!(status, 200, "after a second: {body}");

    // Team commands have the same limit, per team and token.
    let team = post(&server, "/api/teams", &[], &json!({"name": "Wijkteam"})).await;
    let team_id = team.body["team_id"].as_str().expect("team id");
    let bearer = format!(
        "Bearer {}",
        team.body["member_token"].as_str().expect("token")
    );
    let point = json!({"type": "add_point", "text": "Eerst vragen", "criterion": "Iedereen kan het uitleggen", "source": null});
    let path = format!("/api/teams/{team_id}/commands");
    for n in 0..4 {
        let answer = post(&server, &path, &[("authorization", &bearer)], &point).await;
        assert_eq!(answer.status, 200, "team command {n}: {}", answer.body);
    }
    let answer = post(&server, &path, &[("authorization", &bearer)], &point).await;
    assert_throttled(&answer, 1, "a fifth team command at once");
}

#[tokio::test]
async fn a_board_refuses_updates_past_its_size_limit_and_keeps_what_it_had() {
    let dir = tempfile::tempdir().expect("temp dir");
    let limit = ["--max-document-bytes", "20000"];
    let server = ServerProcess::start(dir.path(), &limit);
    let board = server.create_board("Vol bord").await;
    let id = board.board_id.as_str().to_owned();
    let url = server.ws_url(&id, &board.participant_token);
    let other = server.create_board("Ander bord").await;
    let other_url = server.ws_url(other.board_id.as_str(), &other.participant_token);
    let writer = YClient::connect(&url).await;
    let reader = YClient::connect(&url).await;
    writer.append("flipover", "Geduld");
    eventually("the first edit arrives", Duration::from_secs(10), || {
        reader.read("flipover") == "Geduld"
    })
    .await;

    let mut filler = MeetingClient::connect(&url).await;
    filler.send_update(&text_update("flipover", &"x".repeat(30_000)));
    let (status, reason) = filler.next_stray_reply().await;
    assert_eq!(status, 413, "told why first: {reason}");
    assert!(reason.contains("board is full"), "{reason}");
    let closed = filler.wait_closed().await;
    assert_eq!(closed.code, 4002, "{closed:?}");
    assert_eq!(
        closed.reason, "the board reached its size limit; your edit was not saved",
        "the reason, distinct from 1013's `board is full` (about connections)"
    );

    // The others on the board carry on, within the limit; the other board is untouched.
    assert!(writer.closed().is_none() && reader.closed().is_none());
    writer.append("flipover", " en moed");
    eventually(
        "a small edit still arrives",
        Duration::from_secs(10),
        || reader.read("flipover") == "Geduld en moed",
    )
    .await;
    let elsewhere = YClient::connect(&other_url).await;
    let second = YClient::connect(&other_url).await;
    elsewhere.append("flipover", &"y".repeat(15_000));
    eventually(
        "another board has its own budget",
        Duration::from_secs(10),
        || second.read("flipover").len() == 15_000,
    )
    .await;

    // What was stored before is intact, after a restart too, without the refused text.
    server.stop();
    let server = ServerProcess::start(dir.path(), &limit);
    let fresh = YClient::connect(&server.ws_url(&id, &board.participant_token)).await;
    assert_eq!(fresh.read("flipover"), "Geduld en moed");
}

/// A y-websocket awareness frame with one state per `(client id, JSON)`, each at `clock`.
fn presence_frame(clock: u32, states: &[(u64, &str)]) -> Vec<u8> {
    let clients: HashMap<_, _> = states
        .iter()
        .map(|(client, json)| {
            let entry = AwarenessUpdateEntry {
                clock,
                json: (*json).into(),
            };
            (yrs::ClientID::new(*client), entry)
        })
        .collect();
    leerkring_shared::protocol::awareness_frame(&AwarenessUpdate { clients })
}

#[tokio::test]
async fn a_connection_announces_one_presence_state_of_limited_size() {
    let (_dir, server) = start(&["--max-presence-bytes", "200"]);
    let board = server.create_board("Aanwezig").await;
    let url = server.ws_url(board.board_id.as_str(), &board.participant_token);
    let mut anna = RawSocket::connect(&url).await;
    anna.send(Message::Binary(
        presence_frame(1, &[(7, r#"{"name":"Anna"}"#)]).into(),
    ))
    .await;
    let mut watcher = RawSocket::connect(&url).await;
    assert!(
        watcher
            .read_presence_until(|states| states.iter().any(|(id, _)| *id == 7))
            .await,
        "Anna is seen"
    );

    // A crowd of made-up people from one connection: at most one of them gets in.
    let mut flood = RawSocket::connect(&url).await;
    let names: Vec<String> = (0..500)
        .map(|n| format!(r#"{{"name":"nep {n}"}}"#))
        .collect();
    let crowd: Vec<(u64, &str)> = names
        .iter()
        .enumerate()
        .map(|(n, name)| (1000 + n as u64, name.as_str()))
        .collect();
    flood
        .send(Message::Binary(presence_frame(1, &crowd).into()))
        .await;
    let mut admitted = None;
    assert!(
        watcher
            .read_presence_until(|states| {
                admitted = states.iter().map(|(id, _)| *id).find(|id| *id >= 1000);
                admitted.is_some()
            })
            .await,
        "one of the crowd is passed on"
    );
    let admitted = admitted.expect("an admitted id");
    // ...and it may neither wipe out Anna's state nor add another.
    flood
        .send(Message::Binary(presence_frame(2, &[(7, "null")]).into()))
        .await;
    flood
        .send(Message::Binary(
            presence_frame(1, &[(2000, r#"{"name":"nog een"}"#)]).into(),
        ))
        .await;
    // Its own state it may change; once that is seen, the frames before it were handled.
    flood
        .send(Message::Binary(
            presence_frame(2, &[(admitted, r#"{"name":"klaar"}"#)]).into(),
        ))
        .await;
    assert!(
        watcher
            .read_presence_until(|states| states.iter().any(|(_, json)| json.contains("klaar")))
            .await,
        "the flooding connection's own state changes"
    );
    let mut asker = RawSocket::connect(&url).await;
    asker
        .send(Message::Binary(query_awareness_frame().into()))
        .await;
    let mut everyone = Vec::new();
    assert!(
        asker
            .read_presence_until(|states| {
                everyone = states.to_vec();
                states.iter().any(|(id, _)| *id == 7)
            })
            .await,
        "the asker hears who is here"
    );
    let made_up = everyone.iter().filter(|(id, _)| *id >= 1000).count();
    assert_eq!(
        made_up, 1,
        "one state for the flooding connection: {everyone:?}"
    );
    assert!(
        everyone
            .iter()
            .any(|(id, json)| *id == 7 && json.contains("Anna")),
        "Anna's state stands: {everyone:?}"
    );

    // A state over the limit closes that connection only.
    let mut big = RawSocket::connect(&url).await;
    let padding = "a".repeat(300);
    let state = format!(r#"{{"name":"{padding}"}}"#);
    big.send(Message::Binary(presence_frame(1, &[(3000, &state)]).into()))
        .await;
    let closed = big.read_until_closed().await;
    assert_eq!(
        (closed.code, closed.reason.as_str()),
        (1009, "presence state too large")
    );
    anna.send(Message::Binary(
        presence_frame(2, &[(7, r#"{"name":"Anna B."}"#)]).into(),
    ))
    .await;
    assert!(
        watcher
            .read_presence_until(|states| states
                .iter()
                .any(|(id, json)| *id == 7 && json.contains("Anna B.")))
            .await,
        "Anna's change still reaches the others"
    );
}

#[tokio::test]
async fn the_meeting_takes_a_limited_number_of_people_and_connections_per_person() {
    let (_dir, server) = start(&[
        "--max-members-per-board",
        "3",
        "--max-connections-per-member",
        "2",
    ]);
    let board = server.create_board("Kring").await;
    let id = board.board_id.as_str();
    let url = server.ws_url(id, &board.participant_token);
    let mut people = Vec::new();
    for name in ["Anna", "Bram", "Cor"] {
        let mut person = MeetingClient::connect(&url).await;
        person.hello(name).await.expect("welcome");
        people.push(person);
    }
    let mut dirk = MeetingClient::connect(&url).await;
    let (status, reason) = dirk.hello("Dirk").await.expect_err("the meeting is full");
    assert_eq!(status, 409, "{reason}");
    assert!(reason.contains("at most 3 people"), "{reason}");
    let (status, body) = server
        .command_http(
            id,
            &board.participant_token,
            Some(&random_member_key()),
            &json!({"type": "hello", "name": "Eva"}),
        )
        .await;
    assert_eq!(status, 409, "over HTTP too: {body}");
    assert!(
        body["error_nl"]
            .as_str()
            .is_some_and(|nl| nl.contains("zit vol")),
        "{body}"
    );
    // Someone already in may still change their name.
    people[0].hello("Anna K.").await.expect("a known member");

    // A second tab of Anna's is fine; a third is refused, and only that one.
    let anna_key = people[0].key.clone();
    let second_tab = MeetingClient::connect_as(&url, &anna_key).await;
    let third_tab = MeetingClient::open_as(&url, &anna_key).await;
    let closed = third_tab.wait_closed().await;
    assert_eq!(closed.code, 1013, "{closed:?}");
    assert!(closed.reason.contains("too many connections"), "{closed:?}");
    assert!(second_tab.closed().is_none() && people[0].closed().is_none());
    people[1]
        .command(json!({"type": "hello", "name": "Bram de Vries"}))
        .await
        .expect("others carry on");
}

/// Opens a WebSocket by hand on a socket with a small receive buffer, and never reads
/// past the handshake.
async fn connect_and_stop_reading(server: &ServerProcess, path: &str) -> tokio::net::TcpStream {
    let addr: std::net::SocketAddr = server.addr.parse().expect("address");
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("small buffer");
    let mut stream = socket.connect(addr).await.expect("connects");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .await
        .expect("handshake sent");
    let mut response = Vec::new();
    let mut byte = [0u8; 1];
    while !response.ends_with(b"\r\n\r\n") {
        stream
            .read_exact(&mut byte)
            .await
            .expect("handshake answered");
        response.push(byte[0]);
    }
    assert!(
        response.starts_with(b"HTTP/1.1 101"),
        "{}",
        String::from_utf8_lossy(&response)
    );
    stream
}

#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_after_the_write_timeout() {
    let (_dir, server) = start(&[
        "--write-timeout-secs",
        "1",
        "--store",
        "memory",
        "--max-document-bytes",
        "100000000",
    ]);
    let board = server.create_board("Trage lezer").await;
    let id = board.board_id.as_str();
    let url = server.ws_url(id, &board.participant_token);
    let mut stuck = connect_and_stop_reading(
        &server,
        &format!("/ws/{id}?token={}", board.participant_token),
    )
    .await;
    let writer = YClient::connect(&url).await;
    let reader = YClient::connect(&url).await;
    // Far more than the socket buffers between the server and the stuck client hold.
    let chunk = "z".repeat(600_000);
    for _ in 0..20 {
        writer.append("flipover", &chunk);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eventually(
        "the server drops the stuck client",
        Duration::from_secs(30),
        || {
            server
                .log()
                .iter()
                .any(|line| line.contains("dropping a connection that stopped reading"))
        },
    )
    .await;
    eventually(
        "everything reaches the reader",
        Duration::from_secs(30),
        || reader.read("flipover").len() == 20 * chunk.len(),
    )
    .await;
    let latecomer = YClient::connect(&url).await;
    assert_eq!(latecomer.read("flipover").len(), 20 * chunk.len());
    assert!(writer.closed().is_none() && reader.closed().is_none());

    // The stuck client's connection is gone: reading what was queued ends in its end.
    let mut sink = vec![0u8; 1 << 16];
    let drained = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match stuck.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(drained.is_ok(), "the server closed the stuck connection");
}
