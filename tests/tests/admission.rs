//! The waiting room (*wachtkamer*) over the network: one person, one member, one vote. A
//! cheat with the participant link makes as many member keys as it likes, over HTTP and
//! over WebSockets; none of them may vote, write or read the board until the facilitator
//! lets that device in, and a device let in once is let in again when it reconnects.

use std::time::Duration;

use leerkring_shared::model::FLIPOVER;
use leerkring_tests::{
    eventually, random_member_key, request, text_update, MeetingClient, ServerProcess,
};
use serde_json::{json, Value};

const PATIENCE: Duration = Duration::from_secs(10);
const WAIT: &str = "wait until the facilitator lets you in";
const WAIT_NL: &str = "Wacht tot de begeleider je binnenlaat.";

/// A meeting with a waiting room: the facilitator (Fenna) and Anna, whom she let in.
struct Meeting {
    _dir: tempfile::TempDir,
    server: ServerProcess,
    board: leerkring_shared::api::BoardCreated,
    facilitator: MeetingClient,
    anna: MeetingClient,
}

impl Meeting {
    async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = ServerProcess::start(dir.path(), &[]);
        let board = server
            .create_board_with_waiting_room("Leerkring wijkteam Noord")
            .await;
        let mut facilitator = MeetingClient::connect(
            &server.ws_url(board.board_id.as_str(), &board.facilitator_token),
        )
        .await;
        facilitator.hello("Fenna").await.expect("hello");
        let participants = server.ws_url(board.board_id.as_str(), &board.participant_token);
        let anna = waiting_device(&participants, &random_member_key(), "Anna").await;
        let_in(&mut facilitator, &anna).await;
        anna.wait_synced().await;
        anna.append(FLIPOVER, "Welkom");
        eventually("the facilitator has anna's flip-over", PATIENCE, || {
            facilitator.read(FLIPOVER) == "Welkom"
        })
        .await;
        Self {
            _dir: dir,
            server,
            board,
            facilitator,
            anna,
        }
    }

    fn participant_url(&self) -> String {
        self.server
            .ws_url(self.board.board_id.as_str(), &self.board.participant_token)
    }

    async fn waiting_device(&self, key: &str, name: &str) -> MeetingClient {
        waiting_device(&self.participant_url(), key, name).await
    }

    async fn let_in(&mut self, device: &MeetingClient) {
        let_in(&mut self.facilitator, device).await;
    }

    async fn command_over_http(&self, key: &str, command: Value) -> (u16, Value) {
        self.server
            .command_http(
                self.board.board_id.as_str(),
                &self.board.participant_token,
                Some(key),
                &command,
            )
            .await
    }
}

/// A new device with the participant link `url` that says hello as `name` and waits.
async fn waiting_device(url: &str, key: &str, name: &str) -> MeetingClient {
    let mut device = MeetingClient::connect_to_wait(url, key).await;
    device.hello(name).await.expect("anyone may say hello");
    device
        .wait_view("the device waits", |view| view["you"]["waiting"] == true)
        .await;
    device
}

/// "Toelaten": the facilitator lets `device` in once she sees it waiting.
async fn let_in(facilitator: &mut MeetingClient, device: &MeetingClient) {
    let member = device.member_id();
    facilitator
        .wait_view("the facilitator sees the device waiting", |view| {
            waiting_ids(view).contains(&member)
        })
        .await;
    facilitator
        .must(json!({"type": "admit_member", "member": member}))
        .await;
}

fn waiting_ids(view: &Value) -> Vec<String> {
    view["waiting"]
        .as_array()
        .map(|people| {
            people
                .iter()
                .filter_map(|p| p["member"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn voters(view: &Value) -> u64 {
    view["vote"]["voters"].as_u64().expect("an open vote")
}

#[tokio::test]
async fn a_cheat_with_many_member_keys_gets_one_vote_at_most() {
    let mut meeting = Meeting::start().await;
    meeting
        .facilitator
        .must(json!({
            "type": "open_vote",
            "question": "Welke deugd?",
            "options": ["Geduld", "Moed", "Respect"],
        }))
        .await;

    // Twenty fresh keys over HTTP: each may say hello, none may vote.
    let http_keys: Vec<String> = (0..20).map(|_| random_member_key()).collect();
    for (n, key) in http_keys.iter().enumerate() {
        let hello = json!({"type": "hello", "name": format!("Cas {n}")});
        assert_eq!(meeting.command_over_http(key, hello).await.0, 200);
        let (status, body) = meeting
            .command_over_http(key, json!({"type": "cast_vote", "options": [0]}))
            .await;
        assert_eq!(status, 403, "key {n} voted: {body}");
        assert_eq!(body["error"], WAIT);
        assert_eq!(body["error_nl"], WAIT_NL);
    }
    // And five devices over WebSockets, all waiting.
    let mut devices = Vec::new();
    for n in 0..5 {
        let key = random_member_key();
        devices.push(
            meeting
                .waiting_device(&key, &format!("Cas-apparaat {n}"))
                .await,
        );
    }
    for device in &mut devices {
        assert_eq!(
            device
                .command(json!({"type": "cast_vote", "options": [1]}))
                .await,
            Err((403, WAIT.to_owned()))
        );
    }
    let view = meeting
        .facilitator
        .wait_view("five devices wait", |view| waiting_ids(view).len() == 5)
        .await;
    assert_eq!(voters(&view), 0, "nobody waiting has voted");
    assert!(
        view["participants"]
            .as_array()
            .expect("participants")
            .iter()
            .all(|p| !p["name"].as_str().unwrap_or("").starts_with("Cas")),
        "nobody waiting is listed as taking part: {view}"
    );

    // The facilitator lets one device in and refuses the others ("Weigeren").
    meeting.let_in(&devices[0]).await;
    for device in &devices[1..] {
        meeting
            .facilitator
            .must(json!({"type": "remove_member", "member": device.member_id()}))
            .await;
    }
    // Now every key votes again: only the one let in counts.
    devices[0]
        .wait_view("let in", |view| view["you"]["waiting"] == false)
        .await;
    devices[0]
        .must(json!({"type": "cast_vote", "options": [2]}))
        .await;
    for key in &http_keys {
        let (status, _) = meeting
            .command_over_http(key, json!({"type": "cast_vote", "options": [0]}))
            .await;
        assert_eq!(status, 403);
    }
    let fresh = random_member_key();
    let (status, _) = meeting
        .command_over_http(&fresh, json!({"type": "cast_vote", "options": [0]}))
        .await;
    assert_eq!(status, 403, "a fresh key that has not even said hello");
    meeting
        .facilitator
        .must(json!({"type": "reveal_vote"}))
        .await;
    let view = meeting
        .facilitator
        .wait_view("the vote is revealed", |view| {
            view["vote"]["results"].is_array()
        })
        .await;
    assert_eq!(
        voters(&view),
        1,
        "one vote from all the cheat's keys: {view}"
    );
    assert_eq!(
        meeting.anna.view()["participants"]
            .as_array()
            .expect("participants")
            .len(),
        3,
        "Fenna, Anna and the one device let in"
    );
}

#[tokio::test]
async fn a_waiting_device_reads_and_writes_nothing_until_let_in_and_is_let_in_again_on_return() {
    let mut meeting = Meeting::start().await;
    let key = random_member_key();
    let mut waiter = meeting.waiting_device(&key, "Wim").await;

    // It gets nothing of the board: not the document, not over HTTP either.
    assert!(!waiter.is_synced(), "the document was held back");
    assert_eq!(waiter.read(FLIPOVER), "");
    let board = meeting.board.board_id.as_str();
    let (status, _) = request(
        &meeting.server,
        reqwest::Method::GET,
        &format!("/api/boards/{board}/document"),
        Some(&meeting.board.participant_token),
        None,
    )
    .await;
    assert_eq!(status, 403, "the document over HTTP without a key");
    let (status, body) = meeting
        .server
        .state_http(board, &meeting.board.participant_token, Some(&key))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["you"]["waiting"], true);
    assert_eq!(body["participants"], json!([]), "nobody's name: {body}");

    // What it writes is refused and reaches nobody.
    waiter.send_update(&text_update(FLIPOVER, "Stiekem "));
    assert_eq!(waiter.next_stray_reply().await, (403, WAIT.to_owned()));
    meeting.anna.append(FLIPOVER, ", allemaal");
    eventually("the facilitator has anna's edit", PATIENCE, || {
        meeting.facilitator.read(FLIPOVER) == "Welkom, allemaal"
    })
    .await;
    assert_eq!(
        waiter.read(FLIPOVER),
        "",
        "no edit reached the waiting device"
    );

    // Let in: the board arrives, and its edits go through.
    meeting.let_in(&waiter).await;
    waiter.wait_synced().await;
    eventually("the waiter gets the board", PATIENCE, || {
        waiter.read(FLIPOVER) == "Welkom, allemaal"
    })
    .await;
    waiter.append(FLIPOVER, "!");
    eventually("anna gets the waiter's edit", PATIENCE, || {
        meeting.anna.read(FLIPOVER) == "Welkom, allemaal!"
    })
    .await;
    drop(waiter);

    // The same device comes back: let in again without asking.
    let back = MeetingClient::connect_as(&meeting.participant_url(), &key).await;
    assert_eq!(back.view()["you"]["waiting"], false);
    assert_eq!(back.read(FLIPOVER), "Welkom, allemaal!");
}
