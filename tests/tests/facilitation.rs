//! The facilitated meeting against a cheating participant (docs/PROTOCOL.md, "The
//! facilitated meeting"): someone holding the participant link who sends, over the
//! WebSocket and over HTTP, everything the contract says only the facilitator may do, votes
//! it may not cast, reads it may not make and edits of the locked table. Each attempt must
//! be refused with the documented status, and the meeting must be unchanged afterwards.

use std::time::Duration;

use leerkring_shared::api::BoardCreated;
use leerkring_shared::model::{case_part, case_root, group_notes, FLIPOVER, VIRTUE_TABLE};
use leerkring_shared::protocol::{command_frame, update_frame};
use leerkring_tests::{
    eventually, handshake_status, random_member_key, text_update, MeetingClient, Refused,
    ServerProcess,
};
use serde_json::{json, Value};
use yrs::{ReadTxn, Text, Transact};

const PATIENCE: Duration = Duration::from_secs(10);
/// The reason every facilitator command sent by someone else is refused with.
const ONLY_FACILITATOR: &str = "only the facilitator (begeleider) may do this";
const LOCKED: &str = "the table is locked by the facilitator; your edit was not saved";

/// A meeting in progress: the facilitator, two honest participants and a cheat, all
/// connected over the WebSocket with their own member keys and introduced.
struct Meeting {
    _dir: tempfile::TempDir,
    server: ServerProcess,
    board: BoardCreated,
    facilitator: MeetingClient,
    anna: MeetingClient,
    bram: MeetingClient,
    cheat: MeetingClient,
}

impl Meeting {
    async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = ServerProcess::start(dir.path(), &[]);
        let board = server.create_board("Leerkring wijkteam Noord").await;
        let id = board.board_id.as_str();
        let mut facilitator =
            MeetingClient::connect(&server.ws_url(id, &board.facilitator_token)).await;
        facilitator
            .hello("Fenna")
            .await
            .expect("the facilitator introduces herself");
        let participant_url = server.ws_url(id, &board.participant_token);
        let mut anna = MeetingClient::connect(&participant_url).await;
        anna.hello("Anna").await.expect("anna introduces herself");
        let mut bram = MeetingClient::connect(&participant_url).await;
        bram.hello("Bram").await.expect("bram introduces himself");
        let mut cheat = MeetingClient::connect(&participant_url).await;
        cheat
            .hello("Cas")
            .await
            .expect("the cheat introduces himself");
        let meeting = Self {
            _dir: dir,
            server,
            board,
            facilitator,
            anna,
            bram,
            cheat,
        };
        for client in meeting.clients() {
            client
                .wait_view("everyone sees all four people connected", |view| {
                    connected_count(view) == 4
                })
                .await;
        }
        meeting
    }

    fn id(&self) -> &str {
        self.board.board_id.as_str()
    }

    fn clients(&self) -> [&MeetingClient; 4] {
        [&self.facilitator, &self.anna, &self.bram, &self.cheat]
    }

    fn participant_url(&self) -> String {
        self.server.ws_url(self.id(), &self.board.participant_token)
    }

    /// Runs a command as the facilitator (over the WebSocket); it must succeed.
    async fn lead(&mut self, command: Value) {
        self.facilitator.must(command).await;
    }

    /// The facilitator locks the table; returns once the cheat knows it is locked.
    async fn lock_table(&mut self) {
        self.lead(json!({"type": "lock_table"})).await;
        self.cheat.wait_table_locked(true).await;
    }

    /// A command over HTTP with the participant token (the cheat's), with or without a
    /// member key.
    async fn participant_http(&self, key: Option<&str>, command: &Value) -> (u16, Value) {
        self.server
            .command_http(self.id(), &self.board.participant_token, key, command)
            .await
    }

    /// The meeting as the facilitator sees it over HTTP, without the clock: what must not
    /// change when a command is refused.
    async fn facilitator_state(&self) -> String {
        let (status, view) = self
            .server
            .state_http(
                self.id(),
                &self.board.facilitator_token,
                Some(&self.facilitator.key),
            )
            .await;
        assert_eq!(status, 200, "facilitator's state: {view}");
        without_clock(view)
    }
}

/// The view serialized without `now_ms`, the only field that changes by itself.
fn without_clock(mut view: Value) -> String {
    let removed = view
        .as_object_mut()
        .and_then(|object| object.remove("now_ms"));
    assert!(removed.is_some(), "a view has now_ms: {view}");
    view.to_string()
}

fn connected_count(view: &Value) -> usize {
    view["participants"].as_array().map_or(0, |people| {
        people.iter().filter(|p| p["connected"] == true).count()
    })
}

/// An HTTP answer as a refusal: the status and the `error` of the JSON body.
fn refusal((status, body): (u16, Value)) -> Refused {
    let reason = body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("a refusal ({status}) has a JSON error body: {body}"))
        .to_owned();
    (status, reason)
}

fn forbidden() -> Refused {
    (403, ONLY_FACILITATOR.to_owned())
}

/// Every facilitator-only command of the contract, each with arguments that would be valid
/// for the facilitator, aimed at the people of `meeting`.
fn facilitator_commands(meeting: &Meeting) -> Vec<Value> {
    let fenna = meeting.facilitator.member_id();
    let anna = meeting.anna.member_id();
    let bram = meeting.bram.member_id();
    let cheat = meeting.cheat.member_id();
    vec![
        json!({"type": "set_agenda", "activities": ["evaluation"]}),
        json!({"type": "set_agenda", "activities": ["virtue_exercise", "virtue_cards", "case_consultation", "evaluation"]}),
        json!({"type": "next_step"}),
        json!({"type": "previous_step"}),
        json!({"type": "go_to_step", "activity": 1, "step": 2}),
        json!({"type": "start_timer"}),
        json!({"type": "start_timer", "seconds": 60}),
        json!({"type": "pause_timer"}),
        json!({"type": "resume_timer"}),
        json!({"type": "stop_timer"}),
        json!({"type": "form_groups", "plan": {"mode": "pairs"}}),
        json!({"type": "form_groups", "plan": {"mode": "count", "groups": 2}}),
        json!({"type": "form_groups", "plan": {"mode": "manual", "groups": [[anna, cheat], [bram]]}}),
        json!({"type": "end_groups"}),
        json!({"type": "open_vote", "question": "Wie is de beste?", "options": ["Cas", "Cas ook"]}),
        json!({"type": "open_vote", "question": "Nog een", "options": ["a", "b"], "votes_per_person": 10, "max_per_option": 10, "facilitator_votes": true}),
        json!({"type": "close_vote"}),
        json!({"type": "reveal_vote"}),
        json!({"type": "lock_table"}),
        json!({"type": "unlock_table"}),
        json!({"type": "hand_over", "member": cheat}),
        json!({"type": "hand_over", "member": anna}),
        json!({"type": "rename_member", "member": fenna, "name": "Cas"}),
        json!({"type": "rename_member", "member": cheat, "name": "Begeleider"}),
        json!({"type": "remove_member", "member": fenna}),
        json!({"type": "remove_member", "member": bram}),
        json!({"type": "set_team_top", "cards": ["Geduld"]}),
        json!({"type": "move_on_without_agreement", "reason": "Cas wil door"}),
        json!({"type": "name_contributor", "activity": 1, "member": cheat}),
        json!({"type": "admit_member", "member": cheat}),
        json!({"type": "set_waiting_room", "on": false}),
        json!({"type": "finish_meeting"}),
        json!({"type": "reopen_meeting"}),
    ]
}

/// The cheat sends every facilitator command over the WebSocket, over HTTP with its member
/// key and over HTTP without one; each must be refused with 403, and nobody's meeting may
/// change (the facilitator's state is compared, and no one is sent a new view).
async fn assert_every_facilitator_command_refused(meeting: &mut Meeting, when: &str) {
    let before = meeting.facilitator_state().await;
    let views_before: Vec<usize> = meeting
        .clients()
        .iter()
        .map(|c| c.views_received())
        .collect();
    let cheat_key = meeting.cheat.key.clone();
    let mut commands = facilitator_commands(meeting);
    // Taking the role back is for facilitator-token holders only, with its own reason.
    commands.push(json!({"type": "reclaim"}));
    for command in commands {
        let expected = if command["type"] == "reclaim" {
            (
                403,
                "only the holder of the facilitator link may take the role back".to_owned(),
            )
        } else {
            forbidden()
        };
        let over_ws = meeting.cheat.command(command.clone()).await;
        assert_eq!(over_ws, Err(expected.clone()), "{when}: {command} over WS");
        let with_key = meeting.participant_http(Some(&cheat_key), &command).await;
        assert_eq!(
            refusal(with_key),
            expected,
            "{when}: {command} over HTTP with a member key"
        );
        let without_key = meeting.participant_http(None, &command).await;
        assert_eq!(
            refusal(without_key),
            expected,
            "{when}: {command} over HTTP without a member key"
        );
        assert_eq!(
            meeting.facilitator_state().await,
            before,
            "{when}: {command} changed the meeting"
        );
    }
    let views_after: Vec<usize> = meeting
        .clients()
        .iter()
        .map(|c| c.views_received())
        .collect();
    assert_eq!(
        views_after, views_before,
        "{when}: refused commands sent nobody a new view"
    );
}

#[tokio::test]
async fn a_participant_can_run_no_facilitator_command_over_websocket_or_http() {
    let mut meeting = Meeting::start().await;
    // First with everything under way, so that each command would do something for the
    // facilitator: a later step, a running timer, groups at work, an open vote.
    meeting.lead(json!({"type": "next_step"})).await;
    meeting
        .lead(json!({"type": "start_timer", "seconds": 600}))
        .await;
    meeting
        .lead(json!({"type": "form_groups", "plan": {"mode": "count", "groups": 2}}))
        .await;
    meeting
        .lead(
            json!({"type": "open_vote", "question": "Welke deugd?", "options": ["Geduld", "Moed"]}),
        )
        .await;
    assert_every_facilitator_command_refused(&mut meeting, "all under way").await;

    // Then with the opposite states: a paused timer, a closed vote, a locked table,
    // groups back in plenary.
    meeting.lead(json!({"type": "pause_timer"})).await;
    meeting.lead(json!({"type": "close_vote"})).await;
    meeting.lead(json!({"type": "lock_table"})).await;
    meeting.lead(json!({"type": "end_groups"})).await;
    assert_every_facilitator_command_refused(&mut meeting, "paused and locked").await;

    // The facilitator's own commands still work afterwards: nothing was wedged.
    meeting.lead(json!({"type": "resume_timer"})).await;
    meeting.lead(json!({"type": "reveal_vote"})).await;
    meeting.lead(json!({"type": "unlock_table"})).await;
    let view = meeting
        .cheat
        .wait_view("the cheat sees the facilitator's changes", |view| {
            view["table_locked"] == false && view["vote"]["phase"] == "revealed"
        })
        .await;
    assert_eq!(view["you"]["facilitator"], false);
    assert_eq!(view["timer"]["state"], "running");
}

const OPTIONS: [&str; 4] = ["Geduld", "Respect", "Moed", "Eerlijkheid"];

/// The keys a vote view may have (docs/PROTOCOL.md): no ballots.
const VOTE_KEYS: [&str; 9] = [
    "facilitator_votes",
    "max_per_option",
    "options",
    "phase",
    "question",
    "results",
    "voters",
    "votes_per_person",
    "your_ballot",
];

/// Checks that the view `raw` (JSON as sent) shows the vote without anyone else's ballot and
/// without results, and with `own` as the viewer's ballot.
fn assert_secret(raw: &str, own: &[usize], members: &[String], whose: &str) {
    assert!(
        !raw.contains("ballots"),
        "{whose}: no ballots in a view: {raw}"
    );
    let view: Value = serde_json::from_str(raw).expect("a view is JSON");
    let vote = view["vote"]
        .as_object()
        .unwrap_or_else(|| panic!("{whose}: a vote: {raw}"));
    let mut keys: Vec<&str> = vote.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, VOTE_KEYS, "{whose}: only the documented vote fields");
    assert_eq!(vote["results"], Value::Null, "{whose}: no results yet");
    assert_eq!(
        vote["your_ballot"],
        json!(own),
        "{whose}: only their own ballot"
    );
    let vote_json = Value::Object(vote.clone()).to_string();
    for member in members {
        assert!(
            !vote_json.contains(member.as_str()),
            "{whose}: the vote names no member: {vote_json}"
        );
    }
}

#[tokio::test]
async fn votes_are_limited_secret_until_revealed_and_closed_for_good() {
    let mut meeting = Meeting::start().await;
    let id = meeting.id().to_owned();
    let cheat_key = meeting.cheat.key.clone();
    let cast = |options: Value| json!({"type": "cast_vote", "options": options});

    // No vote yet.
    let early = meeting.cheat.command(cast(json!([0]))).await;
    assert_eq!(early.map_err(|r| r.0), Err(409), "no vote open yet");
    let early = meeting
        .participant_http(Some(&cheat_key), &cast(json!([0])))
        .await;
    assert_eq!(early.0, 409, "no vote open yet over HTTP: {}", early.1);

    meeting
        .lead(json!({"type": "open_vote", "question": "Welke deugden nemen we mee?", "options": OPTIONS}))
        .await;
    for client in meeting.clients() {
        client
            .wait_view("the vote is open for everyone", |view| {
                view["vote"]["phase"] == "open"
            })
            .await;
    }
    let view = meeting.cheat.view();
    assert_eq!(view["vote"]["votes_per_person"], 3, "default: 3 votes");
    assert_eq!(view["vote"]["max_per_option"], 1, "default: 1 per option");
    assert_eq!(view["vote"]["facilitator_votes"], false);

    // Ballots the rules forbid, over both transports; none of them counts.
    let before = meeting.facilitator_state().await;
    let cheats: [(Value, &str); 4] = [
        (json!([0, 1, 2, 3]), "you have 3 votes"),
        (json!([0, 0]), "at most 1 vote(s) per option"),
        (json!([1, 2, 1]), "at most 1 vote(s) per option"),
        (json!([7]), "there is no option 7"),
    ];
    for (ballot, reason) in cheats {
        let expected = (422, reason.to_owned());
        let over_ws = meeting.cheat.command(cast(ballot.clone())).await;
        assert_eq!(over_ws, Err(expected.clone()), "{ballot} over WS");
        let over_http = meeting
            .participant_http(Some(&cheat_key), &cast(ballot.clone()))
            .await;
        assert_eq!(refusal(over_http), expected, "{ballot} over HTTP");
    }
    let keyless = meeting.participant_http(None, &cast(json!([0]))).await;
    assert_eq!(
        refusal(keyless),
        (422, "a member key is needed to vote".to_owned()),
        "a ballot without a member key"
    );
    // A ballot that is not even a list of indices is not a command: refused under its id.
    let negative = meeting
        .cheat
        .command(json!({"type": "cast_vote", "options": [-1]}))
        .await;
    assert_eq!(
        negative.map_err(|(status, _)| status),
        Err(422),
        "a negative option over WS"
    );
    let junk = meeting
        .participant_http(Some(&cheat_key), &cast(json!([-1])))
        .await;
    assert_eq!(junk.0, 422, "a negative option over HTTP: {}", junk.1);
    let facilitator_ballot = meeting.facilitator.command(cast(json!([3]))).await;
    assert_eq!(
        facilitator_ballot,
        Err((
            403,
            "the facilitator does not take part in this vote".to_owned()
        ))
    );
    assert_eq!(
        meeting.facilitator_state().await,
        before,
        "refused ballots change nothing"
    );

    // Honest ballots, and the cheat's own (which it may change while the vote is open).
    meeting
        .anna
        .command(cast(json!([0, 1])))
        .await
        .expect("anna votes");
    let (status, bram_view) = meeting
        .server
        .command_http(
            &id,
            &meeting.board.participant_token,
            Some(&meeting.bram.key),
            &cast(json!([1, 0])),
        )
        .await;
    assert_eq!(status, 200, "bram votes over HTTP: {bram_view}");
    assert_eq!(bram_view["vote"]["your_ballot"], json!([1, 0]));
    meeting
        .cheat
        .command(cast(json!([2, 3])))
        .await
        .expect("the cheat votes");
    meeting
        .cheat
        .command(cast(json!([2])))
        .await
        .expect("the cheat changes its ballot");

    // Before the reveal nobody, the facilitator included, sees results or another's ballot.
    let members: Vec<String> = meeting.clients().iter().map(|c| c.member_id()).collect();
    let own: [(&MeetingClient, &[usize], &str); 4] = [
        (&meeting.facilitator, &[], "facilitator"),
        (&meeting.anna, &[0, 1], "anna"),
        (&meeting.bram, &[1, 0], "bram"),
        (&meeting.cheat, &[2], "cheat"),
    ];
    for (client, ballot, whose) in own {
        client
            .wait_view("three people voted", |view| view["vote"]["voters"] == 3)
            .await;
        assert_secret(
            &client.view_json(),
            ballot,
            &members,
            &format!("{whose} (WS)"),
        );
        let token = if whose == "facilitator" {
            &meeting.board.facilitator_token
        } else {
            &meeting.board.participant_token
        };
        let (status, state) = meeting
            .server
            .state_http(&id, token, Some(&client.key))
            .await;
        assert_eq!(status, 200);
        assert_secret(
            &state.to_string(),
            ballot,
            &members,
            &format!("{whose} (HTTP)"),
        );
    }
    let (status, keyless) = meeting
        .server
        .state_http(&id, &meeting.board.participant_token, None)
        .await;
    assert_eq!(status, 200);
    assert_secret(&keyless.to_string(), &[], &members, "no key (HTTP)");

    // After the close no ballot is taken, from anyone, over either transport.
    meeting.lead(json!({"type": "close_vote"})).await;
    for client in meeting.clients() {
        client
            .wait_view("the vote is closed for everyone", |view| {
                view["vote"]["phase"] == "closed"
            })
            .await;
    }
    let before = meeting.facilitator_state().await;
    let closed = (409, "the vote is closed".to_owned());
    assert_eq!(
        meeting.cheat.command(cast(json!([3]))).await,
        Err(closed.clone()),
        "voting after the close over WS"
    );
    assert_eq!(
        refusal(
            meeting
                .participant_http(Some(&cheat_key), &cast(json!([3])))
                .await
        ),
        closed,
        "voting after the close over HTTP"
    );
    assert_eq!(
        meeting.cheat.command(cast(json!([]))).await,
        Err(closed.clone()),
        "withdrawing after the close"
    );
    assert_eq!(
        meeting.anna.command(cast(json!([3]))).await,
        Err(closed.clone()),
        "honest voters are closed out too"
    );
    assert_eq!(meeting.facilitator_state().await, before);
    assert_secret(&meeting.cheat.view_json(), &[2], &members, "cheat, closed");

    // The reveal: everyone sees the same ranking, equal votes sharing a rank.
    meeting.lead(json!({"type": "reveal_vote"})).await;
    let expected = json!([
        {"option": 0, "label": "Geduld", "votes": 2, "rank": 1},
        {"option": 1, "label": "Respect", "votes": 2, "rank": 1},
        {"option": 2, "label": "Moed", "votes": 1, "rank": 3},
        {"option": 3, "label": "Eerlijkheid", "votes": 0, "rank": 4},
    ]);
    for client in meeting.clients() {
        let view = client
            .wait_view("the results are revealed", |view| {
                view["vote"]["phase"] == "revealed"
            })
            .await;
        assert_eq!(view["vote"]["results"], expected);
        assert!(!client.view_json().contains("ballots"));
    }
    let (status, state) = meeting
        .server
        .state_http(&id, &meeting.board.participant_token, Some(&cheat_key))
        .await;
    assert_eq!(status, 200);
    assert_eq!(state["vote"]["results"], expected, "the same over HTTP");
    assert_eq!(
        refusal(
            meeting
                .participant_http(Some(&cheat_key), &cast(json!([3])))
                .await
        ),
        closed,
        "voting after the reveal"
    );
}

#[tokio::test]
async fn the_locked_table_refuses_a_participants_edit_and_keeps_it_from_everyone() {
    let mut meeting = Meeting::start().await;
    meeting.lock_table().await;

    // The cheat edits the locked parts anyway, with hand-made updates.
    meeting
        .cheat
        .send_update(&text_update(VIRTUE_TABLE, "VALSSPEL-TABEL"));
    assert_eq!(
        meeting.cheat.next_stray_reply().await,
        (403, LOCKED.to_owned()),
        "an edit of the virtue table"
    );
    meeting
        .cheat
        .send_update(&text_update(FLIPOVER, "VALSSPEL-FLIP"));
    assert_eq!(
        meeting.cheat.next_stray_reply().await,
        (403, LOCKED.to_owned()),
        "an edit of the flip-over"
    );
    // Group notes stay open while the table is locked.
    let notes = group_notes(0, 0);
    meeting
        .cheat
        .send_update(&text_update(&notes, "onze notities"));

    // The facilitator may edit the locked table.
    meeting.facilitator.append(VIRTUE_TABLE, "Geduld");
    eventually(
        "anna sees the facilitator's edit and the notes",
        PATIENCE,
        || {
            meeting.anna.read(VIRTUE_TABLE) == "Geduld"
                && meeting.anna.read(&notes) == "onze notities"
        },
    )
    .await;
    assert_eq!(
        meeting.bram.read(FLIPOVER),
        "",
        "the flip-over edit never arrived"
    );
    assert_eq!(
        meeting.cheat.stray_replies().len(),
        2,
        "the notes and nothing else went through unrefused"
    );

    // A late joiner gets the document without the refused edits.
    let late = MeetingClient::connect(&meeting.participant_url()).await;
    assert_eq!(late.read(VIRTUE_TABLE), "Geduld");
    assert_eq!(late.read(FLIPOVER), "");
    assert_eq!(late.read(&notes), "onze notities");

    // There is no HTTP endpoint that edits the document, so over HTTP the cheat can only
    // try to lift the lock, which is refused like every facilitator command.
    let cheat_key = meeting.cheat.key.clone();
    for key in [Some(cheat_key.as_str()), None] {
        for command in [
            json!({"type": "unlock_table"}),
            json!({"type": "lock_table"}),
        ] {
            let answer = meeting.participant_http(key, &command).await;
            assert_eq!(
                refusal(answer),
                forbidden(),
                "{command} over HTTP, key {key:?}"
            );
        }
    }
    let (_, state) = meeting
        .server
        .state_http(
            meeting.id(),
            &meeting.board.participant_token,
            Some(&cheat_key),
        )
        .await;
    assert_eq!(state["table_locked"], true, "still locked");

    // Once unlocked, the cheat's edits are ordinary edits again.
    meeting.lead(json!({"type": "unlock_table"})).await;
    meeting
        .cheat
        .wait_view("the cheat sees the table unlocked", |view| {
            view["table_locked"] == false
        })
        .await;
    meeting
        .cheat
        .send_update(&text_update(VIRTUE_TABLE, "Moed "));
    eventually("anna sees the edit after the unlock", PATIENCE, || {
        // A concurrent insert at the start: yrs orders the two by client id.
        let table = meeting.anna.read(VIRTUE_TABLE);
        table == "Moed Geduld" || table == "GeduldMoed "
    })
    .await;
    meeting.cheat.append(FLIPOVER, "Respect");
    eventually("late sees the flip-over edit", PATIENCE, || {
        late.read(FLIPOVER) == "Respect"
    })
    .await;
    assert_eq!(
        meeting.cheat.stray_replies().len(),
        2,
        "no further refusals"
    );
    assert!(
        !meeting.anna.read(VIRTUE_TABLE).contains("VALSSPEL")
            && !late.read(VIRTUE_TABLE).contains("VALSSPEL"),
        "the refused edit stays refused"
    );
}

#[tokio::test]
async fn the_lock_holds_for_a_table_that_already_has_content() {
    // The usual case: the group fills the table, then the facilitator locks it to review.
    let mut meeting = Meeting::start().await;
    meeting.anna.append(VIRTUE_TABLE, "Geduld");
    meeting.anna.append(FLIPOVER, "Welkom");
    eventually("everyone has the table and the flip-over", PATIENCE, || {
        meeting
            .clients()
            .iter()
            .all(|c| c.read(VIRTUE_TABLE) == "Geduld" && c.read(FLIPOVER) == "Welkom")
    })
    .await;
    meeting.lock_table().await;

    meeting
        .cheat
        .send_update(&text_update(VIRTUE_TABLE, "VALSSPEL "));
    meeting
        .cheat
        .send_update(&text_update(FLIPOVER, "VALSSPEL "));
    // A round trip: the server has handled both edits before it answers this.
    let _ = meeting.cheat.command(json!({"type": "next_step"})).await;
    meeting.facilitator.append(VIRTUE_TABLE, " en Moed");
    eventually("anna sees the facilitator's edit", PATIENCE, || {
        meeting.anna.read(VIRTUE_TABLE).contains("Moed")
    })
    .await;
    let late = MeetingClient::connect(&meeting.participant_url()).await;
    let seen = [
        (
            "anna",
            meeting.anna.read(VIRTUE_TABLE),
            meeting.anna.read(FLIPOVER),
        ),
        ("late joiner", late.read(VIRTUE_TABLE), late.read(FLIPOVER)),
    ];
    for (who, table, flipover) in seen {
        assert_eq!(
            (table.as_str(), flipover.as_str()),
            ("Geduld en Moed", "Welkom"),
            "{who}: the cheat's edits of the locked table were stored and passed on \
             (refusals the cheat got: {:?})",
            meeting.cheat.stray_replies()
        );
    }
    assert_eq!(
        meeting.cheat.stray_replies(),
        vec![(403, LOCKED.to_owned()), (403, LOCKED.to_owned())],
        "both edits refused"
    );
}

/// Two updates from one yrs client, the second depending on the first: one that only
/// touches the (open) group notes, then one that writes into the locked table.
fn split_edit() -> (Vec<u8>, Vec<u8>) {
    let doc = yrs::Doc::new();
    let notes = doc.get_or_insert_text(group_notes(0, 0).as_str());
    let table = doc.get_or_insert_text(VIRTUE_TABLE);
    let first = {
        let mut txn = doc.transact_mut();
        notes.insert(&mut txn, 0, "notitie ");
        txn.encode_update_v1()
    };
    let after_first = doc.transact().state_vector();
    let second = {
        let mut txn = doc.transact_mut();
        table.insert(&mut txn, 0, "VALSSPEL");
        drop(txn);
        doc.transact().encode_diff_v1(&after_first)
    };
    (first, second)
}

// The next two tests send a table edit the server cannot place on its own (it depends on
// another edit of the same yrs client), together with or after the edit it depends on.
// They start from an empty table: the server must judge such an edit by what it does once
// it is placed, not by how it looks alone or against the state before its batch.

#[tokio::test]
async fn the_lock_cannot_be_dodged_by_sending_the_edit_in_one_frame_with_an_open_one() {
    let mut meeting = Meeting::start().await;
    meeting.lock_table().await;
    // Both updates in one frame, so the server checks them in the same batch.
    let (first, second) = split_edit();
    let mut frame = update_frame(&first);
    frame.extend(update_frame(&second));
    meeting.cheat.send_raw(frame);
    assert_eq!(
        meeting.cheat.next_stray_reply().await,
        (403, LOCKED.to_owned()),
        "the table edit is refused"
    );
    meeting.facilitator.append(VIRTUE_TABLE, "Geduld");
    eventually("anna sees the facilitator's edit", PATIENCE, || {
        meeting.anna.read(VIRTUE_TABLE).contains("Geduld")
    })
    .await;
    assert_eq!(
        meeting.anna.read(VIRTUE_TABLE),
        "Geduld",
        "no cheat at anna's"
    );
    let late = MeetingClient::connect(&meeting.participant_url()).await;
    assert_eq!(
        late.read(VIRTUE_TABLE),
        "Geduld",
        "no cheat for a late joiner"
    );
}

#[tokio::test]
async fn the_lock_cannot_be_dodged_by_sending_the_table_edit_before_what_it_depends_on() {
    let mut meeting = Meeting::start().await;
    meeting.lock_table().await;
    // The table edit first, while the server cannot place it yet; then the notes edit it
    // depends on, which on its own changes nothing locked.
    let (first, second) = split_edit();
    meeting.cheat.send_update(&second);
    meeting
        .cheat
        .hello("Cas")
        .await
        .expect("a round trip, so the first frame is handled on its own");
    meeting.cheat.send_update(&first);
    meeting
        .cheat
        .hello("Cas")
        .await
        .expect("a round trip after the second frame");
    meeting.facilitator.append(VIRTUE_TABLE, "Geduld");
    eventually("anna sees the facilitator's edit", PATIENCE, || {
        meeting.anna.read(VIRTUE_TABLE).contains("Geduld")
    })
    .await;
    let late = MeetingClient::connect(&meeting.participant_url()).await;
    assert_eq!(
        (meeting.anna.read(VIRTUE_TABLE), late.read(VIRTUE_TABLE)),
        ("Geduld".to_owned(), "Geduld".to_owned()),
        "the table edit must not reach anyone while the table is locked (refusals: {:?})",
        meeting.cheat.stray_replies()
    );
}

#[tokio::test]
async fn bad_input_is_refused_with_the_documented_status() {
    let mut meeting = Meeting::start().await;
    let id = meeting.id().to_owned();
    let before = meeting.facilitator_state().await;
    let cheat_key = meeting.cheat.key.clone();
    let facilitator_key = meeting.facilitator.key.clone();
    let unknown = json!({"type": "make_me_facilitator"});

    // An unknown command type.
    let (status, body) = meeting.participant_http(Some(&cheat_key), &unknown).await;
    assert_eq!(status, 422, "unknown command over HTTP: {body}");
    assert!(body["error"].is_string(), "a JSON error: {body}");
    let (status, body) = meeting
        .server
        .command_http(
            &id,
            &meeting.board.facilitator_token,
            Some(&facilitator_key),
            &unknown,
        )
        .await;
    assert_eq!(status, 422, "unknown command from the facilitator: {body}");
    let unknown_over_ws = meeting
        .cheat
        .command(json!({"type": "make_me_facilitator"}))
        .await;
    assert_eq!(
        unknown_over_ws.map_err(|(status, _)| status),
        Err(422),
        "unknown command over WS"
    );
    meeting.cheat.send_raw(command_frame(b"not json at all"));
    let (status, reason) = meeting.cheat.next_stray_reply().await;
    assert_eq!(status, 422, "not JSON over WS: {reason}");
    // A command without its fields: refused under its id.
    let fieldless = meeting.cheat.command(json!({"type": "go_to_step"})).await;
    assert_eq!(fieldless.map_err(|(status, _)| status), Err(422));
    let (status, _) = meeting
        .participant_http(Some(&cheat_key), &json!({"type": "go_to_step"}))
        .await;
    assert_eq!(status, 422, "a command without its fields over HTTP");

    // A member key that is not one.
    let next = json!({"type": "next_step"});
    for bad_key in [
        "short",
        "has spaces in it but is long enough",
        &"x".repeat(129),
    ] {
        let (status, body) = meeting
            .server
            .command_http(&id, &meeting.board.facilitator_token, Some(bad_key), &next)
            .await;
        assert_eq!(status, 422, "command with key {bad_key:?}: {body}");
        let (status, body) = meeting
            .server
            .state_http(&id, &meeting.board.participant_token, Some(bad_key))
            .await;
        assert_eq!(status, 422, "state with key {bad_key:?}: {body}");
    }
    let bad_socket = format!("{}&member=short", meeting.participant_url());
    assert_eq!(
        handshake_status(&bad_socket).await,
        422,
        "WS with a bad key"
    );

    // A wrong or missing token, on both endpoints.
    let other = meeting.server.create_board("Een ander bord").await;
    for token in [other.facilitator_token.as_str(), "", "niet-een-token"] {
        let (status, body) = meeting
            .server
            .command_http(&id, token, Some(&cheat_key), &next)
            .await;
        assert_eq!(status, 401, "command with token {token:?}: {body}");
        let (status, body) = meeting
            .server
            .state_http(&id, token, Some(&cheat_key))
            .await;
        assert_eq!(status, 401, "state with token {token:?}: {body}");
    }
    let (status, _) = meeting.server.command_http(&id, "", None, &unknown).await;
    assert_eq!(status, 401, "the token is checked before the body");

    // An unknown board, well-formed or not.
    for board in ["AAAAAAAAAAAAAAAAAAAAAA", "geen-bord"] {
        let (status, body) = meeting
            .server
            .command_http(board, &meeting.board.facilitator_token, None, &next)
            .await;
        assert_eq!(status, 404, "command on board {board}: {body}");
        let (status, body) = meeting
            .server
            .state_http(board, &meeting.board.facilitator_token, None)
            .await;
        assert_eq!(status, 404, "state of board {board}: {body}");
    }

    assert_eq!(meeting.facilitator_state().await, before, "nothing changed");
    assert!(
        meeting.cheat.closed().is_none(),
        "bad commands do not end the connection"
    );
}

#[tokio::test]
async fn the_role_can_be_handed_over_and_only_the_token_holder_takes_it_back() {
    let mut meeting = Meeting::start().await;
    let id = meeting.id().to_owned();
    let anna = meeting.anna.member_id();
    meeting
        .lead(json!({"type": "hand_over", "member": anna}))
        .await;
    let view = meeting
        .anna
        .wait_view("anna holds the role", |view| {
            view["you"]["facilitator"] == true
        })
        .await;
    assert_eq!(view["you"]["facilitator_token"], false);
    let view = meeting
        .facilitator
        .wait_view("fenna no longer does", |view| {
            view["you"]["facilitator"] == false
        })
        .await;
    assert_eq!(view["you"]["facilitator_token"], true, "but keeps the link");

    // Anna leads now; Fenna, token and all, does not.
    meeting
        .anna
        .command(json!({"type": "next_step"}))
        .await
        .expect("anna moves the meeting on");
    assert_eq!(
        meeting
            .facilitator
            .command(json!({"type": "next_step"}))
            .await,
        Err(forbidden()),
        "fenna over WS"
    );
    let fenna_http = meeting
        .server
        .command_http(
            &id,
            &meeting.board.facilitator_token,
            Some(&meeting.facilitator.key),
            &json!({"type": "next_step"}),
        )
        .await;
    assert_eq!(refusal(fenna_http), forbidden(), "fenna over HTTP");
    let keyless = meeting
        .server
        .command_http(
            &id,
            &meeting.board.facilitator_token,
            None,
            &json!({"type": "next_step"}),
        )
        .await;
    assert_eq!(
        refusal(keyless),
        forbidden(),
        "the facilitator link without a key"
    );
    // The cheat can neither lead nor take the role.
    assert_eq!(
        meeting.cheat.command(json!({"type": "next_step"})).await,
        Err(forbidden())
    );
    let take = meeting.cheat.command(json!({"type": "reclaim"})).await;
    assert_eq!(take.map_err(|r| r.0), Err(403), "the cheat cannot reclaim");
    let take = meeting
        .participant_http(Some(&meeting.cheat.key), &json!({"type": "reclaim"}))
        .await;
    assert_eq!(take.0, 403, "nor over HTTP");
    let hand = meeting
        .cheat
        .command(json!({"type": "hand_over", "member": meeting.cheat.member_id()}))
        .await;
    assert_eq!(hand, Err(forbidden()));
    let (_, state) = meeting
        .server
        .state_http(
            &id,
            &meeting.board.facilitator_token,
            Some(&meeting.facilitator.key),
        )
        .await;
    assert_eq!(
        state["position"],
        json!({"activity": 0, "step": 1}),
        "one step, anna's"
    );
    let holders: Vec<&Value> = state["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .filter(|p| p["facilitator"] == true)
        .map(|p| &p["member"])
        .collect();
    assert_eq!(holders, [&json!(anna)], "only anna holds the role");

    // Fenna takes it back; Anna is a participant again.
    meeting
        .facilitator
        .command(json!({"type": "reclaim"}))
        .await
        .expect("the facilitator link takes the role back");
    meeting
        .anna
        .wait_view("anna no longer holds the role", |view| {
            view["you"]["facilitator"] == false
        })
        .await;
    assert_eq!(
        meeting.anna.command(json!({"type": "next_step"})).await,
        Err(forbidden()),
        "anna after the reclaim"
    );
    let anna_http = meeting
        .participant_http(Some(&meeting.anna.key), &json!({"type": "next_step"}))
        .await;
    assert_eq!(
        refusal(anna_http),
        forbidden(),
        "anna over HTTP after the reclaim"
    );
    meeting.lead(json!({"type": "next_step"})).await;
}

#[tokio::test]
async fn a_removed_member_is_closed_out_and_stays_out() {
    let mut meeting = Meeting::start().await;
    let id = meeting.id().to_owned();
    meeting
        .lead(json!({"type": "open_vote", "question": "Welke deugd?", "options": OPTIONS}))
        .await;
    meeting
        .cheat
        .wait_view("the vote is open", |view| view["vote"]["phase"] == "open")
        .await;
    meeting
        .cheat
        .command(json!({"type": "cast_vote", "options": [3]}))
        .await
        .expect("the cheat votes");
    let cheat = meeting.cheat.member_id();
    let cheat_key = meeting.cheat.key.clone();
    // A second tab of the same person.
    let second_tab = MeetingClient::connect_as(&meeting.participant_url(), &cheat_key).await;

    meeting
        .lead(json!({"type": "remove_member", "member": cheat}))
        .await;
    for connection in [&meeting.cheat, &second_tab] {
        let closed = connection.wait_closed().await;
        assert_eq!(closed.code, 4001, "closed as removed: {closed:?}");
    }
    let view = meeting
        .facilitator
        .wait_view("the cheat is gone from the list", |view| {
            view["participants"]
                .as_array()
                .is_some_and(|people| people.iter().all(|p| p["member"] != json!(cheat)))
        })
        .await;
    assert_eq!(view["vote"]["voters"], 0, "the open ballot is dropped");
    let before = meeting.facilitator_state().await;

    // Coming back with the same key is refused at once.
    let again = MeetingClient::open_as(&meeting.participant_url(), &cheat_key).await;
    let closed = again.wait_closed().await;
    assert_eq!(closed.code, 4001, "reconnecting: {closed:?}");
    let again = MeetingClient::open_as(
        &meeting.server.ws_url(&id, &meeting.board.facilitator_token),
        &cheat_key,
    )
    .await;
    assert_eq!(
        again.wait_closed().await.code,
        4001,
        "even with the facilitator link"
    );

    // Over HTTP every command with that key is refused.
    let removed = (403, "you were removed from this meeting".to_owned());
    for command in [
        json!({"type": "hello", "name": "Cas weer"}),
        json!({"type": "cast_vote", "options": [3]}),
    ] {
        let answer = meeting.participant_http(Some(&cheat_key), &command).await;
        assert_eq!(refusal(answer), removed, "{command} after removal");
    }
    for command in [json!({"type": "next_step"}), json!({"type": "reclaim"})] {
        let answer = meeting.participant_http(Some(&cheat_key), &command).await;
        assert_eq!(answer.0, 403, "{command} after removal: {}", answer.1);
    }
    assert_eq!(meeting.facilitator_state().await, before, "nothing changed");

    // Others carry on.
    let fresh = random_member_key();
    let mut newcomer = MeetingClient::connect_as(&meeting.participant_url(), &fresh).await;
    newcomer.hello("Dirk").await.expect("a new person may join");
    meeting
        .anna
        .command(json!({"type": "cast_vote", "options": [0]}))
        .await
        .expect("anna still votes");
}

#[tokio::test]
async fn the_card_rounds_refuse_a_cheat_over_websocket_and_http() {
    let mut meeting = Meeting::start().await;
    let cheat_key = meeting.cheat.key.clone();
    let pick =
        |card: &str| json!({"type": "pick_card", "card": card, "motivation": "Omdat het telt"});
    // Round 1 (the default agenda's first step): one card per person, one holder per card.
    meeting
        .anna
        .command(pick("Geduld"))
        .await
        .expect("anna picks Geduld");
    let before = meeting.facilitator_state().await;
    assert_eq!(
        meeting.cheat.command(pick("geduld")).await,
        Err((409, "someone else already picked this card".into())),
        "a card anna holds"
    );
    let (status, body) = meeting
        .participant_http(Some(&cheat_key), &pick("Bestaat niet"))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("there is no such card"))
    );
    assert_eq!(
        body["error_nl"], "Deze kaart bestaat niet.",
        "the refusal in Dutch too"
    );
    assert_eq!(
        refusal(meeting.participant_http(None, &pick("Respect")).await),
        (422, "a member key is needed to pick a card".into()),
        "no member, no pick"
    );
    let read_annas = json!({"type": "read_out", "card": "Geduld"});
    assert_eq!(
        meeting.cheat.command(read_annas.clone()).await,
        Err((
            403,
            "only the facilitator or the card's holder may show it".into()
        ))
    );
    assert_eq!(
        meeting.facilitator_state().await,
        before,
        "refusals change nothing"
    );
    meeting
        .cheat
        .command(pick("Respect"))
        .await
        .expect("the cheat's own pick");
    meeting
        .bram
        .command(pick("Lef/moed"))
        .await
        .expect("bram's pick");

    // Round 2: no more picks; top threes only for your own group and of cards in play.
    meeting.lead(json!({"type": "next_step"})).await;
    assert_eq!(
        meeting.cheat.command(pick("Eerlijkheid")).await,
        Err((409, "cards are picked only in step cards.round1".into()))
    );
    let (anna, bram, cheat) = (
        meeting.anna.member_id(),
        meeting.bram.member_id(),
        meeting.cheat.member_id(),
    );
    meeting
        .lead(json!({"type": "form_groups", "plan": {"mode": "manual", "groups": [[anna, bram], [cheat]]}}))
        .await;
    let place = |group: Option<usize>, place: usize, card: &str| json!({"type": "set_group_top", "group": group, "place": place, "card": card});
    assert_eq!(
        meeting.cheat.command(place(Some(0), 0, "Respect")).await,
        Err((403, "you may only set your own group's top three".into()))
    );
    assert_eq!(
        refusal(
            meeting
                .participant_http(Some(&cheat_key), &place(None, 0, "Eerlijkheid"))
                .await
        ),
        (422, "Eerlijkheid is not in play".into()),
        "nobody picked it: it left the game"
    );
    assert_eq!(
        meeting.cheat.command(place(None, 3, "Respect")).await,
        Err((422, "a top three has places 0 to 2".into()))
    );
    meeting
        .cheat
        .command(place(None, 0, "Respect"))
        .await
        .expect("own group");
    meeting
        .anna
        .command(place(None, 0, "Geduld"))
        .await
        .expect("anna's group");

    // Round 3: only the facilitator settles the top three; adopting is for yourself.
    let adopt = |virtue: &str, member: Option<&str>| json!({"type": "adopt", "virtue": virtue, "member": member});
    assert_eq!(
        meeting.cheat.command(adopt("Respect", None)).await,
        Err((
            422,
            "only a virtue of the team's top three can be adopted".into()
        ))
    );
    meeting
        .lead(json!({"type": "set_team_top", "cards": ["Geduld", "Respect", "Lef/moed"]}))
        .await;
    assert_eq!(
        meeting.cheat.command(adopt("Geduld", Some(&anna))).await,
        Err((
            403,
            "only the facilitator may adopt a virtue for someone else".into()
        ))
    );
    meeting
        .cheat
        .command(adopt("Respect", None))
        .await
        .expect("adopt for yourself");
    meeting.lead(adopt("Geduld", Some(&anna))).await;
    let view = meeting
        .anna
        .wait_view("everyone sees the adoptions", |view| {
            view["cards"]["adoptions"]["Geduld"] == json!([anna])
        })
        .await;
    assert_eq!(view["cards"]["adoptions"]["Respect"], json!([cheat]));
    assert_eq!(view["cards"]["group_tops"]["0"], json!(["Geduld", "", ""]));
    assert_eq!(view["cards"]["group_tops"]["1"], json!(["Respect", "", ""]));
    assert_eq!(
        view["cards"]["team_top"],
        json!(["Geduld", "Respect", "Lef/moed"])
    );

    // The check round: in round 3 only; the cheat's "not yet" holds the team back from
    // adopting, however the facilitator moves, until the cheat, too, can agree.
    let yes = json!({"type": "answer_team_top", "agree": true});
    let not_yet =
        json!({"type": "answer_team_top", "agree": false, "reason": "Cas is het er niet mee eens"});
    assert_eq!(
        meeting.cheat.command(yes.clone()).await,
        Err((409, "the check round is held in round 3".into()))
    );
    meeting.lead(json!({"type": "next_step"})).await;
    meeting.lead(json!({"type": "next_step"})).await;
    assert_eq!(
        refusal(meeting.participant_http(None, &yes).await),
        (
            422,
            "a member key is needed to answer the check round".into()
        ),
        "no member, no answer"
    );
    assert_eq!(
        meeting
            .cheat
            .command(json!({"type": "answer_team_top", "agree": false}))
            .await,
        Err((422, "the reason must not be empty".into()))
    );
    meeting
        .anna
        .command(yes.clone())
        .await
        .expect("anna agrees");
    meeting
        .bram
        .command(yes.clone())
        .await
        .expect("bram agrees");
    meeting
        .cheat
        .command(not_yet)
        .await
        .expect("the cheat: not yet");
    let view = meeting
        .anna
        .wait_view("the cheat's answer is seen", |view| {
            view["cards"]["agreement"][&cheat]["answer"] == "not_yet"
        })
        .await;
    let asked: Vec<&str> = view["asked_to_agree"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        asked.len(),
        3,
        "the three participants, not the facilitator: {asked:?}"
    );
    let not_together = "not everyone agrees with the team's top three yet; ask again, or record why the team goes on";
    let to_adopt = json!({"type": "go_to_step", "activity": 0, "step": 5});
    assert_eq!(
        meeting.facilitator.command(to_adopt.clone()).await,
        Err((409, not_together.into()))
    );
    meeting.lead(json!({"type": "next_step"})).await;
    assert_eq!(
        meeting
            .facilitator
            .command(json!({"type": "next_step"}))
            .await,
        Err((409, not_together.into())),
        "from the columns step neither"
    );
    meeting
        .cheat
        .command(yes)
        .await
        .expect("the cheat agrees after all");
    meeting.lead(json!({"type": "next_step"})).await;
    meeting
        .anna
        .wait_view("on to adopting", |view| view["position"]["step"] == 5)
        .await;
}

#[tokio::test]
async fn the_case_intake_belongs_to_the_contributor_whatever_a_cheat_sends() {
    let mut meeting = Meeting::start().await;
    let cheat_key = meeting.cheat.key.clone();
    let (anna, cheat) = (meeting.anna.member_id(), meeting.cheat.member_id());
    let name = |member: &str| json!({"type": "name_contributor", "member": member});
    let follow_up =
        |date: &str| json!({"type": "set_follow_up", "follow_up": {"when": "date", "date": date}});

    // The default agenda starts with the cards: no case to name a contributor for.
    assert_eq!(
        meeting.facilitator.command(name(&anna)).await,
        Err((
            409,
            "that place on the agenda is not a case consultation".into()
        ))
    );
    meeting
        .lead(json!({"type": "go_to_step", "activity": 1, "step": 0}))
        .await;
    let before = meeting.facilitator_state().await;
    assert_eq!(
        meeting.cheat.command(name(&cheat)).await,
        Err(forbidden()),
        "naming yourself the contributor"
    );
    assert_eq!(
        refusal(
            meeting
                .participant_http(Some(&cheat_key), &follow_up("2027-01-12"))
                .await
        ),
        (409, "name the contributor of this case first".into())
    );
    assert_eq!(meeting.facilitator_state().await, before, "nothing changed");
    meeting.lead(name(&anna)).await;
    let view = meeting
        .cheat
        .wait_view("the cheat sees anna named", |view| {
            view["cases"]["1"]["contributor"] == json!(anna)
        })
        .await;
    let case_id = view["cases"]["1"]["id"]
        .as_str()
        .expect("a case id")
        .to_owned();
    let title = case_root(&case_id, case_part::TITLE);
    let question = case_root(&case_id, case_part::QUESTION);
    let relationship = case_root(&case_id, case_part::RELATIONSHIP);

    // The cheat writes the intake anyway, with hand-made updates: refused, kept from all.
    let intake_only = "only the contributor writes the case's intake; your edit was not saved";
    for root in [&title, &question] {
        meeting.cheat.send_update(&text_update(root, "VALSSPEL"));
        assert_eq!(
            meeting.cheat.next_stray_reply().await,
            (403, intake_only.to_owned()),
            "an edit of {root}"
        );
    }
    // The phases are everyone's; the contributor and the facilitator write the intake.
    meeting
        .cheat
        .send_update(&text_update(&relationship, "Hij houdt de deur dicht. "));
    meeting.anna.append(&title, "De voordeur");
    meeting.facilitator.append(&question, "Hoe sluiten we aan?");
    eventually("bram sees the intake and the phase", PATIENCE, || {
        meeting.bram.read(&title) == "De voordeur"
            && meeting.bram.read(&question) == "Hoe sluiten we aan?"
            && meeting.bram.read(&relationship) == "Hij houdt de deur dicht. "
    })
    .await;
    let late = MeetingClient::connect(&meeting.participant_url()).await;
    assert_eq!(late.read(&title), "De voordeur", "no trace of the cheat");
    assert_eq!(
        meeting.cheat.stray_replies().len(),
        2,
        "the phase edit went through unrefused"
    );

    // The follow-up: the contributor or the facilitator, and a real date.
    assert_eq!(
        meeting.cheat.command(follow_up("2027-01-12")).await,
        Err((
            403,
            "only the contributor or the facilitator sets the follow-up".into()
        ))
    );
    assert_eq!(
        meeting.anna.command(follow_up("2027-02-30")).await,
        Err((
            422,
            "the follow-up date must be a date written YYYY-MM-DD".into()
        ))
    );
    meeting
        .anna
        .command(follow_up("2027-01-12"))
        .await
        .expect("the contributor sets the follow-up");
    meeting
        .cheat
        .wait_view("everyone sees the follow-up", |view| {
            view["cases"]["1"]["follow_up"] == json!({"when": "date", "date": "2027-01-12"})
        })
        .await;
}

#[tokio::test]
async fn the_document_can_be_read_with_a_board_token_only() {
    let meeting = Meeting::start().await;
    meeting
        .anna
        .send_update(&text_update(FLIPOVER, "Wat we leerden"));
    let id = meeting.id().to_owned();
    let url = meeting
        .server
        .http_url(&format!("/api/boards/{id}/document"));
    let client = reqwest::Client::new();
    let wrong = client
        .get(&url)
        .bearer_auth("x".repeat(43))
        .send()
        .await
        .expect("request");
    assert_eq!(wrong.status(), 401);
    // The edit went over the WebSocket; read until it has been stored.
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        let response = client
            .get(&url)
            .bearer_auth(&meeting.board.participant_token)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "no-store");
        let bytes = response.bytes().await.expect("body");
        let doc = yrs::Doc::new();
        let flipover = doc.get_or_insert_text(FLIPOVER);
        let update = <yrs::Update as yrs::updates::decoder::Decode>::decode_v1(&bytes)
            .expect("a Yjs update");
        doc.transact_mut().apply_update(update).expect("applies");
        if yrs::GetString::get_string(&flipover, &doc.transact()) == "Wat we leerden" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the document never held the edit"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
