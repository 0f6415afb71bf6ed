//! The end of a meeting's and a team's life (docs/PROTOCOL.md, "Deleting and replacing
//! links"): only the facilitator deletes; afterwards every route answers `410 Gone`,
//! connected clients are closed with code 4003, and nothing of it stays in the data dir
//! but a tombstone that says when. Replacing the participant link stops the old one at
//! once (`401`) and closes the connections that came with it (4004), and only those.

use std::path::Path;

use leerkring_shared::api::{BoardCreated, TeamCreated};
use leerkring_tests::{handshake_status, request, text_update, ServerProcess, YClient};
use reqwest::Method;
use serde_json::{json, Value};

/// Every route of a board, as (method, path), with the body a command needs.
fn board_routes(board: &str) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::GET, format!("/api/boards/{board}"), None),
        (Method::GET, format!("/api/boards/{board}/state"), None),
        (Method::GET, format!("/api/boards/{board}/document"), None),
        (
            Method::POST,
            format!("/api/boards/{board}/commands"),
            Some(json!({"type": "hello", "name": "Anna"})),
        ),
        (
            Method::POST,
            format!("/api/boards/{board}/participant-link"),
            None,
        ),
        (Method::DELETE, format!("/api/boards/{board}"), None),
    ]
}

/// Every file under `dir`, as paths relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                found.push(relative.display().to_string());
            }
        }
    }
    found
}

#[tokio::test]
async fn a_deleted_meeting_answers_410_everywhere_closes_its_clients_and_leaves_only_a_tombstone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(dir.path(), &[]);
    let board = server.create_board("Casusoverleg mevrouw").await;
    let id = board.board_id.as_str();
    let facilitator = YClient::connect(&server.ws_url(id, &board.facilitator_token)).await;
    let participant = YClient::connect(&server.ws_url(id, &board.participant_token)).await;
    participant.append("notes", "Een casus over een cliënt");
    participant.send_raw(text_update("notes", "!"));
    // Stored before the deletion: there is something to delete.
    let (status, _) = request(
        &server,
        Method::GET,
        &format!("/api/boards/{id}/document"),
        Some(&board.participant_token),
        None,
    )
    .await;
    assert_eq!(status, 200);

    let (status, body) = request(
        &server,
        Method::DELETE,
        &format!("/api/boards/{id}"),
        Some(&board.participant_token),
        None,
    )
    .await;
    assert_eq!(status, 403, "a participant cannot delete: {body}");
    assert!(participant.closed().is_none(), "nothing changed");

    let (status, body) = request(
        &server,
        Method::DELETE,
        &format!("/api/boards/{id}"),
        Some(&board.facilitator_token),
        None,
    )
    .await;
    assert_eq!(status, 204, "{body}");

    for client in [&facilitator, &participant] {
        let closed = client.wait_closed().await;
        assert_eq!(closed.code, 4003, "{closed:?}");
    }
    for token in [&board.facilitator_token, &board.participant_token] {
        for (method, path, body) in board_routes(id) {
            let (status, answer) = request(&server, method.clone(), &path, Some(token), body).await;
            assert_eq!(status, 410, "{method} {path}: {answer}");
            assert!(answer["error"].is_string(), "{answer}");
            assert_eq!(answer["error_nl"], "Deze bijeenkomst is verwijderd.");
        }
        assert_eq!(handshake_status(&server.ws_url(id, token)).await, 410);
    }

    let left = files_under(dir.path());
    assert!(
        left.iter()
            .all(|path| !path.contains(&format!("boards/{id}/"))),
        "the board's folder is gone: {left:?}"
    );
    let grave = dir.path().join(format!("deleted/boards/{id}.json"));
    let tombstone: Value =
        serde_json::from_slice(&std::fs::read(&grave).expect("tombstone")).expect("json");
    assert_eq!(tombstone["why"], "deleted");
    assert!(tombstone["deleted_at"].as_u64().is_some());
    let text = tombstone.to_string();
    assert!(
        !text.contains("Casusoverleg") && !text.contains(&board.participant_token),
        "the tombstone holds no content and no token: {text}"
    );

    // Still true after a restart.
    server.stop();
    let server = ServerProcess::start(dir.path(), &[]);
    let (status, _) = request(
        &server,
        Method::GET,
        &format!("/api/boards/{id}"),
        Some(&board.facilitator_token),
        None,
    )
    .await;
    assert_eq!(status, 410);
}

#[tokio::test]
async fn deleting_a_team_deletes_its_meetings_and_only_its_facilitator_may() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(dir.path(), &[]);
    let (status, body) = request(
        &server,
        Method::POST,
        "/api/teams",
        None,
        Some(json!({"name": "Wijkteam Zuid"})),
    )
    .await;
    assert_eq!(status, 201);
    let team: TeamCreated = serde_json::from_value(body).expect("team");
    let team_id = team.team_id.as_str();
    let (status, body) = request(
        &server,
        Method::POST,
        &format!("/api/teams/{team_id}/meetings"),
        Some(&team.facilitator_token),
        Some(json!({"title": "Eerste bijeenkomst", "waiting_room": false})),
    )
    .await;
    assert_eq!(status, 201);
    let meeting: BoardCreated = serde_json::from_value(body).expect("meeting");
    let member =
        YClient::connect(&server.ws_url(meeting.board_id.as_str(), &meeting.participant_token))
            .await;

    let (status, _) = request(
        &server,
        Method::DELETE,
        &format!("/api/teams/{team_id}"),
        Some(&team.member_token),
        None,
    )
    .await;
    assert_eq!(status, 403, "a member cannot delete the team");
    let (status, _) = request(
        &server,
        Method::DELETE,
        &format!("/api/teams/{team_id}"),
        Some(&meeting.facilitator_token),
        None,
    )
    .await;
    assert_eq!(status, 401, "a meeting's token is no team token");

    let (status, body) = request(
        &server,
        Method::DELETE,
        &format!("/api/teams/{team_id}"),
        Some(&team.facilitator_token),
        None,
    )
    .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(member.wait_closed().await.code, 4003);
    for path in [
        format!("/api/teams/{team_id}"),
        format!("/api/teams/{team_id}/export?format=md"),
    ] {
        let (status, body) =
            request(&server, Method::GET, &path, Some(&team.member_token), None).await;
        assert_eq!(status, 410, "{path}: {body}");
        assert_eq!(body["error_nl"], "Dit team is verwijderd.");
    }
    let (status, _) = request(
        &server,
        Method::GET,
        &format!("/api/boards/{}", meeting.board_id),
        Some(&meeting.participant_token),
        None,
    )
    .await;
    assert_eq!(status, 410, "the team's meeting is deleted with it");
    let left = files_under(dir.path());
    let mut expected = vec![
        format!("deleted/boards/{}.json", meeting.board_id),
        format!("deleted/teams/{team_id}.json"),
    ];
    let mut kept: Vec<String> = left
        .into_iter()
        .filter(|path| path != "LOCK" && !path.starts_with("quarantine"))
        .collect();
    kept.sort();
    expected.sort();
    assert_eq!(kept, expected, "nothing but the tombstones is left");
}

#[tokio::test]
async fn a_replaced_participant_link_stops_at_once_and_closes_only_its_connections() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(dir.path(), &[]);
    let board = server.create_board("Leerkring").await;
    let id = board.board_id.as_str();
    let facilitator = YClient::connect(&server.ws_url(id, &board.facilitator_token)).await;
    let participant = YClient::connect(&server.ws_url(id, &board.participant_token)).await;
    let path = format!("/api/boards/{id}/participant-link");

    let (status, _) = request(
        &server,
        Method::POST,
        &path,
        Some(&board.participant_token),
        None,
    )
    .await;
    assert_eq!(status, 403, "a participant cannot replace the link");

    let (status, info) = request(
        &server,
        Method::POST,
        &path,
        Some(&board.facilitator_token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{info}");
    let join_url = info["join_url"].as_str().expect("the new link");
    let new_token = join_url
        .split_once("#token=")
        .map(|(_, token)| token.to_owned())
        .expect("token in the fragment");
    assert_ne!(new_token, board.participant_token);
    assert!(info["join_qr_svg"]
        .as_str()
        .is_some_and(|svg| svg.contains("<svg")));

    assert_eq!(participant.wait_closed().await.code, 4004);
    let (status, _) = request(
        &server,
        Method::GET,
        &format!("/api/boards/{id}"),
        Some(&board.participant_token),
        None,
    )
    .await;
    assert_eq!(status, 401, "the old link stopped working");
    assert_eq!(
        handshake_status(&server.ws_url(id, &board.participant_token)).await,
        401
    );

    // The facilitator stays; the new link works and sees what was written before.
    facilitator.append("notes", "na de nieuwe link");
    let newcomer = YClient::connect(&server.ws_url(id, &new_token)).await;
    leerkring_tests::eventually(
        "the newcomer has the board",
        std::time::Duration::from_secs(10),
        || newcomer.read("notes") == "na de nieuwe link",
    )
    .await;
    assert!(
        facilitator.closed().is_none(),
        "the facilitator stays connected"
    );
}

#[tokio::test]
async fn a_replaced_team_link_stops_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(dir.path(), &[]);
    let (_, body) = request(
        &server,
        Method::POST,
        "/api/teams",
        None,
        Some(json!({"name": "Wijkteam West"})),
    )
    .await;
    let team: TeamCreated = serde_json::from_value(body).expect("team");
    let path = format!("/api/teams/{}/member-link", team.team_id);
    let (status, _) = request(&server, Method::POST, &path, Some(&team.member_token), None).await;
    assert_eq!(status, 403);
    let (status, view) = request(
        &server,
        Method::POST,
        &path,
        Some(&team.facilitator_token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{view}");
    let new_token = view["member_url"]
        .as_str()
        .and_then(|url| url.split_once("#token="))
        .map(|(_, token)| token.to_owned())
        .expect("the new team link");
    let page = format!("/api/teams/{}", team.team_id);
    let (status, _) = request(&server, Method::GET, &page, Some(&team.member_token), None).await;
    assert_eq!(status, 401, "the old team link stopped working");
    let (status, view) = request(&server, Method::GET, &page, Some(&new_token), None).await;
    assert_eq!(status, 200);
    assert_eq!(view["role"], "participant");
}

/// A server whose meetings expire after about two seconds without activity, looked for
/// every second, with rooms unloading a second after their last connection.
fn short_retention(dir: &Path) -> ServerProcess {
    ServerProcess::start(
        dir,
        &[
            "--retention-days",
            "0.00002",
            "--retention-check-secs",
            "1",
            "--unload-after-secs",
            "1",
        ],
    )
}

#[tokio::test]
async fn an_inactive_meeting_expires_its_team_keeps_that_it_took_place_and_the_approved_pack() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = short_retention(dir.path());
    let (_, body) = request(
        &server,
        Method::POST,
        "/api/teams",
        None,
        Some(json!({"name": "Wijkteam Bewaartermijn"})),
    )
    .await;
    let team: TeamCreated = serde_json::from_value(body).expect("team");
    let team_id = team.team_id.as_str();
    let (status, body) = request(
        &server,
        Method::POST,
        &format!("/api/teams/{team_id}/meetings"),
        Some(&team.facilitator_token),
        Some(json!({"title": "Oude bijeenkomst", "waiting_room": false})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let meeting: BoardCreated = serde_json::from_value(body).expect("meeting");
    let id = meeting.board_id.as_str();
    // Active while someone is in it, however long: the client writes for longer than
    // the retention period.
    let client = YClient::connect(&server.ws_url(id, &meeting.participant_token)).await;
    for n in 0..8 {
        client.append("flipover", &format!("regel {n} "));
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let (status, _) = request(
        &server,
        Method::GET,
        &format!("/api/boards/{id}"),
        Some(&meeting.participant_token),
        None,
    )
    .await;
    assert_eq!(status, 200, "an open meeting does not expire");
    let (status, body) = request(
        &server,
        Method::POST,
        &format!("/api/teams/{team_id}/commands"),
        Some(&team.facilitator_token),
        Some(json!({"type": "approve"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    drop(client);

    leerkring_tests::eventually(
        "the meeting expires",
        std::time::Duration::from_secs(20),
        || {
            dir.path()
                .join(format!("deleted/boards/{id}.json"))
                .exists()
        },
    )
    .await;
    let (status, _) = request(
        &server,
        Method::GET,
        &format!("/api/boards/{id}/document"),
        Some(&meeting.participant_token),
        None,
    )
    .await;
    assert_eq!(status, 410);
    assert!(
        !dir.path().join(format!("boards/{id}")).exists(),
        "the content is gone"
    );
    let tombstone: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join(format!("deleted/boards/{id}.json"))).expect("tombstone"),
    )
    .expect("json");
    assert_eq!(tombstone["why"], "expired");
    assert_eq!(tombstone["took_place"]["title"], "Oude bijeenkomst");
    assert!(!tombstone.to_string().contains("regel"), "no content kept");

    let (status, page) = request(
        &server,
        Method::GET,
        &format!("/api/teams/{team_id}"),
        Some(&team.member_token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let listed = &page["meetings"][0];
    assert_eq!(listed["title"], "Oude bijeenkomst");
    assert_eq!(listed["expired"], true);
    assert!(listed["date"].as_str().is_some_and(|date| date.len() == 10));
    assert!(listed["url"].is_null(), "no link into an expired meeting");
    assert!(listed["agenda"].as_array().is_some_and(|a| !a.is_empty()));
    let (status, body) = request(
        &server,
        Method::GET,
        &format!("/api/teams/{team_id}/export?format=md"),
        Some(&team.member_token),
        None,
    )
    .await;
    assert_eq!(
        status, 200,
        "the approved pack is the team's record: {body}"
    );
    assert!(body
        .as_str()
        .is_some_and(|md| md.contains("Oude bijeenkomst")));
}

#[tokio::test]
async fn a_meeting_inactive_across_a_restart_expires_after_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(dir.path(), &[]);
    let board = server.create_board("Voor de herstart").await;
    server.stop();
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let server = short_retention(dir.path());
    let id = board.board_id.as_str();
    leerkring_tests::eventually(
        "the meeting expires after the restart",
        std::time::Duration::from_secs(20),
        || {
            dir.path()
                .join(format!("deleted/boards/{id}.json"))
                .exists()
        },
    )
    .await;
    let (status, _) = request(
        &server,
        Method::GET,
        &format!("/api/boards/{id}"),
        Some(&board.facilitator_token),
        None,
    )
    .await;
    assert_eq!(status, 410);
}
