//! Several server nodes on one Redis (docs/ARCHITECTURE.md, "Several nodes"): each test
//! starts its own `redis-server` and two `leerkring-server` processes on other ports.
//! Clients on either node converge; a node killed with SIGKILL loses nothing its clients
//! saw; compaction trims the stream while people edit; Redis going away for a while
//! leaves the node's own clients working and everything reaches the other node after.
//! And the node is as careful with Redis as the embedded store is with files: a stream
//! it cannot fold safely stays whole, a torn spool keeps its intact prefix, and a Redis
//! that does not fsync every write is refused.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use leerkring_shared::api::BoardCreated;
use leerkring_tests::{
    eventually, server_binary, MeetingClient, RedisProcess, ServerProcess, YClient,
};
use serde_json::json;
use yrs::{ReadTxn, Text, Transact};

const PATIENCE: Duration = Duration::from_secs(15);

/// Redis and two nodes, each with its own data dir (for its spool).
struct Cluster {
    dirs: Vec<tempfile::TempDir>,
    redis: RedisProcess,
    a: Option<ServerProcess>,
    b: ServerProcess,
}

impl Cluster {
    fn start(extra: &[&str]) -> Self {
        let dirs: Vec<tempfile::TempDir> = (0..3)
            .map(|_| tempfile::tempdir().expect("temp dir"))
            .collect();
        let redis = RedisProcess::start(dirs[0].path());
        let url = redis.url();
        let node = |dir: &tempfile::TempDir, name: &str| {
            let mut args = vec!["--redis-url", url.as_str(), "--node-name", name];
            args.extend_from_slice(extra);
            ServerProcess::start(dir.path(), &args)
        };
        let a = node(&dirs[1], "a");
        let b = node(&dirs[2], "b");
        Self {
            dirs,
            redis,
            a: Some(a),
            b,
        }
    }

    fn a(&self) -> &ServerProcess {
        self.a.as_ref().expect("node a runs")
    }
}

fn url(node: &ServerProcess, board: &BoardCreated) -> String {
    node.ws_url(board.board_id.as_str(), &board.participant_token)
}

#[tokio::test]
async fn clients_on_two_nodes_share_a_board_and_converge() {
    let cluster = Cluster::start(&[]);
    let board = cluster.a().create_board("Twee knooppunten").await;
    // The board made on node a is known on node b: its metadata is in Redis.
    let on_a = YClient::connect(&url(cluster.a(), &board)).await;
    let on_b = YClient::connect(&url(&cluster.b, &board)).await;
    for n in 0..20 {
        on_a.push_item("deugden", &format!("a-{n}"));
        on_b.push_item("deugden", &format!("b-{n}"));
    }
    on_a.append("flipover", "Geduld ");
    on_b.append("flipover", "Respect ");
    eventually("both nodes' clients hold all 40 items", PATIENCE, || {
        on_a.read_items("deugden").len() == 40 && on_b.read_items("deugden").len() == 40
    })
    .await;
    eventually("the same order and text everywhere", PATIENCE, || {
        on_a.read_items("deugden") == on_b.read_items("deugden")
            && on_a.read("flipover") == on_b.read("flipover")
            && on_a.read("flipover").len() == "Geduld Respect ".len()
    })
    .await;
}

#[tokio::test]
async fn a_killed_node_loses_nothing_its_clients_saw() {
    let mut cluster = Cluster::start(&[]);
    let board = cluster.a().create_board("Stroomuitval").await;
    let writer = YClient::connect(&url(cluster.a(), &board)).await;
    let witness = YClient::connect(&url(cluster.a(), &board)).await;
    for n in 0..200 {
        writer.push_item("deugden", &format!("deugd-{n}"));
    }
    // Kill node a as soon as its other client has seen part of the edits: whatever it
    // saw was broadcast, so it was stored in Redis first.
    eventually("the witness saw some edits", PATIENCE, || {
        witness.read_items("deugden").len() >= 50
    })
    .await;
    cluster.a.take().expect("node a").kill();
    let seen = witness.read_items("deugden");

    // Both clients go on at node b with what they hold (as the browser client does).
    let writer_again = YClient::connect_with(&url(&cluster.b, &board), writer.doc.clone()).await;
    let late = YClient::connect(&url(&cluster.b, &board)).await;
    let expected: Vec<String> = (0..200).map(|n| format!("deugd-{n}")).collect();
    eventually("node b ends with all 200 edits", PATIENCE, || {
        late.read_items("deugden") == expected
    })
    .await;
    assert!(
        seen.iter()
            .all(|item| late.read_items("deugden").contains(item)),
        "everything the witness saw on node a is on node b"
    );
    drop(writer_again);
}

#[tokio::test]
async fn compaction_trims_the_stream_while_people_edit_and_late_joiners_get_everything() {
    let cluster = Cluster::start(&["--compact-after-updates", "25"]);
    let board = cluster.a().create_board("Opruimen").await;
    let stream = format!("leerkring:board:{}:stream", board.board_id.as_str());
    let snapshot = format!("leerkring:board:{}:snapshot", board.board_id.as_str());
    let on_a = YClient::connect(&url(cluster.a(), &board)).await;
    let on_b = YClient::connect(&url(&cluster.b, &board)).await;
    for n in 0..150 {
        on_a.push_item("deugden", &format!("a-{n}"));
        if n % 3 == 0 {
            on_b.append("flipover", "x");
        }
        if n % 10 == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    eventually("both clients hold everything", PATIENCE, || {
        on_b.read_items("deugden").len() == 150 && on_a.read("flipover").len() == 50
    })
    .await;
    eventually("the stream was trimmed into a snapshot", PATIENCE, || {
        let length: i64 = cluster.redis.query(redis::cmd("XLEN").arg(&stream));
        let covered: Option<String> = cluster
            .redis
            .query(redis::cmd("HGET").arg(&snapshot).arg("upto"));
        covered.is_some() && length < 100
    })
    .await;
    for node in [cluster.a(), &cluster.b] {
        let late = YClient::connect(&url(node, &board)).await;
        eventually("a late joiner gets the full state", PATIENCE, || {
            late.read_items("deugden") == on_a.read_items("deugden")
                && late.read("flipover").len() == 50
        })
        .await;
    }
}

#[tokio::test]
async fn while_redis_is_away_a_node_keeps_working_and_catches_up_after() {
    let mut cluster = Cluster::start(&[]);
    let board = cluster.a().create_board("Redis weg").await;
    let on_a = YClient::connect(&url(cluster.a(), &board)).await;
    let mate_on_a = YClient::connect(&url(cluster.a(), &board)).await;
    let on_b = YClient::connect(&url(&cluster.b, &board)).await;
    on_a.push_item("deugden", "voor");
    eventually("node b has the first edit", PATIENCE, || {
        on_b.read_items("deugden") == ["voor"]
    })
    .await;

    cluster.redis.kill();
    for n in 0..10 {
        on_a.push_item("deugden", &format!("tijdens-{n}"));
    }
    eventually("node a's clients keep working together", PATIENCE, || {
        mate_on_a.read_items("deugden").len() == 11
    })
    .await;
    assert!(
        on_a.closed().is_none() && mate_on_a.closed().is_none(),
        "node a's clients stay connected"
    );

    // The spool holds what node a accepted meanwhile, readable by its user only.
    let spool = cluster.dirs[1]
        .path()
        .join("spool")
        .join(format!("{}.log", board.board_id.as_str()));
    let mode = std::fs::metadata(&spool)
        .expect("the spool exists while Redis is away")
        .permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o600,
        "the spool is private"
    );

    cluster.redis.restart();
    let during: Vec<String> = std::iter::once("voor".to_owned())
        .chain((0..10).map(|n| format!("tijdens-{n}")))
        .collect();
    eventually(
        "the spooled edits reach node b without anyone editing",
        PATIENCE,
        || on_b.read_items("deugden") == during,
    )
    .await;
    on_a.push_item("deugden", "na");
    let mut expected = during;
    expected.push("na".to_owned());
    eventually(
        "every update reaches node b once Redis is back",
        PATIENCE,
        || on_b.read_items("deugden") == expected,
    )
    .await;
    let late = YClient::connect(&url(&cluster.b, &board)).await;
    eventually("and a late joiner on node b", PATIENCE, || {
        late.read_items("deugden") == expected
    })
    .await;
}

#[tokio::test]
async fn the_meeting_led_on_one_node_is_the_meeting_on_the_other() {
    let cluster = Cluster::start(&[]);
    let board = cluster
        .a()
        .create_board("Een bijeenkomst, twee knooppunten")
        .await;
    let id = board.board_id.as_str();
    let mut facilitator =
        MeetingClient::connect(&cluster.a().ws_url(id, &board.facilitator_token)).await;
    facilitator.hello("Fenna").await.expect("hello on node a");
    let mut anna = MeetingClient::connect(&cluster.b.ws_url(id, &board.participant_token)).await;
    anna.hello("Anna").await.expect("hello on node b");

    facilitator
        .command(json!({"type": "next_step"}))
        .await
        .expect("the facilitator moves on");
    anna.wait_view("node b shows the step chosen on node a", |view| {
        view["position"]["step"] == 1
    })
    .await;
    // And the other way round: a pick made on node b is part of the meeting on node a.
    facilitator
        .command(json!({"type": "previous_step"}))
        .await
        .expect("back to round 1");
    anna.wait_view("back in round 1 on node b", |view| {
        view["position"]["step"] == 0
    })
    .await;
    anna.command(json!({"type": "pick_card", "card": "Geduld", "motivation": "Rust"}))
        .await
        .expect("anna picks on node b");
    facilitator
        .wait_view("node a shows anna's pick", |view| {
            view["cards"]["picks"]
                .as_object()
                .is_some_and(|picks| picks.values().any(|p| p["card"] == "Geduld"))
        })
        .await;
}

#[tokio::test]
async fn a_reopened_board_keeps_the_latest_meeting_not_an_older_one_from_the_stream() {
    let cluster = Cluster::start(&["--unload-after-secs", "1"]);
    let board = cluster.a().create_board("Heropend").await;
    let id = board.board_id.as_str();
    let facilitator_url = cluster.a().ws_url(id, &board.facilitator_token);
    let mut facilitator = MeetingClient::connect(&facilitator_url).await;
    facilitator.hello("Fenna").await.expect("hello on node a");
    let mut anna = MeetingClient::connect(&cluster.b.ws_url(id, &board.participant_token)).await;
    anna.hello("Anna").await.expect("hello on node b");
    // The stream now holds a meeting from node b (anna's pick) and after it one from node
    // a (the next step).
    anna.command(json!({"type": "pick_card", "card": "Respect", "motivation": ""}))
        .await
        .expect("anna picks on node b");
    facilitator
        .wait_view("node a has the pick", |view| {
            view["cards"]["picks"]
                .as_object()
                .is_some_and(|p| !p.is_empty())
        })
        .await;
    facilitator
        .command(json!({"type": "next_step"}))
        .await
        .expect("next step on node a");
    drop(facilitator);
    // Node a unloads the board, then opens it again for a new connection.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let again = MeetingClient::connect(&facilitator_url).await;
    let view = again
        .wait_view("the reopened board's meeting", |view| {
            view["position"].is_object()
        })
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        again.view()["position"]["step"],
        1,
        "still the latest step: {view}"
    );
}

#[tokio::test]
async fn ballots_cast_at_once_on_two_nodes_all_count() {
    let cluster = Cluster::start(&[]);
    let board = cluster
        .a()
        .create_board("Stemmen op twee knooppunten")
        .await;
    let id = board.board_id.as_str();
    let mut facilitator =
        MeetingClient::connect(&cluster.a().ws_url(id, &board.facilitator_token)).await;
    facilitator.hello("Fenna").await.expect("hello");
    let mut voters = Vec::new();
    for n in 0..8 {
        let node = if n % 2 == 0 { cluster.a() } else { &cluster.b };
        let mut voter = MeetingClient::connect(&node.ws_url(id, &board.participant_token)).await;
        voter.hello(&format!("Deelnemer {n}")).await.expect("hello");
        voters.push(voter);
    }
    facilitator
        .command(json!({"type": "open_vote", "question": "Welke deugd?", "options": ["Geduld", "Moed", "Respect"]}))
        .await
        .expect("open the vote");
    for voter in &voters {
        voter
            .wait_view("the vote is open everywhere", |view| {
                view["vote"]["phase"] == "open"
            })
            .await;
    }
    // Everyone votes at the same moment, half of them on each node.
    let ballots = voters.iter_mut().enumerate().map(|(n, voter)| async move {
        voter
            .command(json!({"type": "cast_vote", "options": [n % 3]}))
            .await
    });
    for result in futures_util::future::join_all(ballots).await {
        result.expect("a ballot");
    }
    facilitator
        .command(json!({"type": "reveal_vote"}))
        .await
        .expect("reveal");
    let view = voters[1]
        .wait_view("the results on node b", |view| {
            view["vote"]["phase"] == "revealed"
        })
        .await;
    assert_eq!(view["vote"]["voters"], 8, "every ballot counted: {view}");
    let counted: u64 = view["vote"]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["votes"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(counted, 8);
}

#[tokio::test]
async fn a_team_changed_on_both_nodes_at_once_keeps_every_change() {
    let cluster = Cluster::start(&[]);
    let client = reqwest::Client::new();
    let created: serde_json::Value = client
        .post(cluster.a().http_url("/api/teams"))
        .json(&json!({"name": "Twee knooppunten"}))
        .send()
        .await
        .expect("POST /api/teams")
        .json()
        .await
        .expect("team created");
    let (team, token) = (
        created["team_id"].as_str().expect("team id"),
        created["member_token"].as_str().expect("member token"),
    );
    let path = format!("/api/teams/{team}/commands");
    // Sixteen changes at once, half through each node: the compare-and-set in Redis
    // makes the losers of each race try again on the newer team.
    let changes = (0..16).map(|n| {
        let node = if n % 2 == 0 { cluster.a() } else { &cluster.b };
        let request = client
            .post(node.http_url(&path))
            .bearer_auth(token)
            .json(&json!({"type": "add_point", "text": format!("Punt {n}"), "criterion": "", "source": null}));
        async move { request.send().await.map(|r| r.status().as_u16()).unwrap_or(0) }
    });
    let statuses = futures_util::future::join_all(changes).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let page: serde_json::Value = client
        .get(cluster.b.http_url(&format!("/api/teams/{team}")))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET team")
        .json()
        .await
        .expect("team page");
    assert_eq!(page["points"].as_array().map(Vec::len), Some(16), "{page}");
}

#[tokio::test]
async fn a_stream_entry_that_cannot_be_folded_keeps_the_stream_whole_and_loses_nothing() {
    let cluster = Cluster::start(&["--compact-after-updates", "10"]);
    let board = cluster.a().create_board("Onleesbaar").await;
    let id = board.board_id.as_str();
    let stream = format!("leerkring:board:{id}:stream");
    let snapshot = format!("leerkring:board:{id}:snapshot");
    // Damage as a broken disk or a bad restore would leave it: an entry in the store's own
    // layout whose data is no update. Merging the stream fails on it.
    let _: String = cluster.redis.query(
        redis::cmd("XADD")
            .arg(&stream)
            .arg("*")
            .arg("node")
            .arg("elders")
            .arg("kind")
            .arg("update")
            .arg("data")
            .arg(b"\xff\xff geen update".as_slice()),
    );
    // The board's first meeting state and the damaged entry.
    let before: u64 = cluster.redis.query(redis::cmd("XLEN").arg(&stream));
    let on_a = YClient::connect(&url(cluster.a(), &board)).await;
    for n in 0..40 {
        on_a.push_item("deugden", &format!("deugd-{n}"));
    }
    eventually(
        "node a tried to fold the stream and refused",
        PATIENCE,
        || {
            cluster
                .a()
                .log()
                .iter()
                .any(|line| line.contains("not folding the stream"))
        },
    )
    .await;
    let length: u64 = cluster.redis.query(redis::cmd("XLEN").arg(&stream));
    let covered: Option<String> = cluster
        .redis
        .query(redis::cmd("HGET").arg(&snapshot).arg("upto"));
    assert_eq!(covered, None, "no snapshot replaced the stream");
    assert_eq!(length, before + 40, "every entry is still in the stream");
    let expected: Vec<String> = (0..40).map(|n| format!("deugd-{n}")).collect();
    for node in [cluster.a(), &cluster.b] {
        let late = YClient::connect(&url(node, &board)).await;
        eventually("a late joiner gets every edit", PATIENCE, || {
            late.read_items("deugden") == expected
        })
        .await;
    }
}

/// `payloads` as the server's record log: `[length u32 LE][CRC-32 u32 LE][payload]`.
fn records(payloads: &[&[u8]]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for payload in payloads {
        bytes.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
        bytes.extend_from_slice(payload);
    }
    bytes
}

#[tokio::test]
async fn a_spool_with_a_torn_last_record_keeps_its_intact_updates_and_sends_them_on() {
    let dirs: Vec<tempfile::TempDir> = (0..3)
        .map(|_| tempfile::tempdir().expect("temp dir"))
        .collect();
    let redis = RedisProcess::start(dirs[0].path());
    let redis_url = redis.url();
    let args = ["--redis-url", redis_url.as_str(), "--node-name", "a"];
    let node = ServerProcess::start(dirs[1].path(), &args);
    let board = node.create_board("Gescheurde spool").await;
    node.stop();

    // What node a had accepted while Redis was away, and then the power failed in the
    // middle of its next append.
    let doc = yrs::Doc::new();
    let flipover = doc.get_or_insert_text("flipover");
    let mut typed = Vec::new();
    for text in ["Geduld ", "Respect"] {
        let before = doc.transact().state_vector();
        flipover.push(&mut doc.transact_mut(), text);
        typed.push(doc.transact().encode_state_as_update_v1(&before));
    }
    let mut spool = records(&[&typed[0], &typed[1]]);
    spool.extend_from_slice(&[60, 0, 0, 0, 1, 2, 3, 4, 5, 6]);
    let spool_dir = dirs[1].path().join("spool");
    let spool_file = spool_dir.join(format!("{}.log", board.board_id.as_str()));
    std::fs::write(&spool_file, &spool).expect("write the spool");

    let node = ServerProcess::start(dirs[1].path(), &args);
    let on_a = YClient::connect(&url(&node, &board)).await;
    eventually("the node's client has the intact updates", PATIENCE, || {
        on_a.read("flipover") == "Geduld Respect"
    })
    .await;
    eventually("the spool reached redis and is gone", PATIENCE, || {
        !spool_file.exists()
    })
    .await;
    assert!(
        node.log()
            .iter()
            .any(|line| line.contains("kept the intact prefix")),
        "the torn tail is reported"
    );
    let other = ServerProcess::start(
        dirs[2].path(),
        &["--redis-url", redis_url.as_str(), "--node-name", "b"],
    );
    let on_b = YClient::connect(&url(&other, &board)).await;
    eventually("another node has the spooled updates", PATIENCE, || {
        on_b.read("flipover") == "Geduld Respect"
    })
    .await;
}

/// Runs the server against `redis` with `extra` flags until it exits by itself (within
/// 30 s): its exit status and what it logged.
fn refused_start(redis: &RedisProcess, data_dir: &Path, extra: &[&str]) -> (bool, String) {
    let mut child = Command::new(server_binary())
        .args([
            "--addr",
            "127.0.0.1:0",
            "--redis-url",
            &redis.url(),
            "--data-dir",
        ])
        .arg(data_dir)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start leerkring-server");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the server") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server kept running on a Redis that does not fsync every write");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut log = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut log)
        .expect("read the log");
    (status.success(), log)
}

#[tokio::test]
async fn a_redis_that_does_not_fsync_every_write_is_refused_unless_allowed() {
    let dirs: Vec<tempfile::TempDir> = (0..4)
        .map(|_| tempfile::tempdir().expect("temp dir"))
        .collect();
    let everysec = RedisProcess::start_with(dirs[0].path(), &["--appendfsync", "everysec"]);
    let (succeeded, log) = refused_start(&everysec, dirs[1].path(), &[]);
    assert!(!succeeded, "exits with an error: {log}");
    assert!(
        log.contains("appendfsync \"everysec\"") && log.contains("--allow-redis-without-fsync"),
        "names the setting and the way out: {log}"
    );

    // A managed Redis that switched CONFIG off cannot be checked: said so, and refused.
    let no_config = RedisProcess::start_with(dirs[2].path(), &["--rename-command", "CONFIG", ""]);
    let (succeeded, log) = refused_start(&no_config, dirs[1].path(), &[]);
    assert!(!succeeded, "exits with an error: {log}");
    assert!(
        log.contains("does not answer CONFIG GET") && log.contains("--allow-redis-without-fsync"),
        "says why it cannot check, and the way out: {log}"
    );

    let everysec_url = everysec.url();
    let allowed = ServerProcess::start(
        dirs[3].path(),
        &[
            "--redis-url",
            everysec_url.as_str(),
            "--allow-redis-without-fsync",
        ],
    );
    let board = allowed.create_board("Op eigen risico").await;
    let writer = YClient::connect(&url(&allowed, &board)).await;
    let reader = YClient::connect(&url(&allowed, &board)).await;
    writer.append("flipover", "Moed");
    eventually("the node serves boards", PATIENCE, || {
        reader.read("flipover") == "Moed"
    })
    .await;
    assert!(
        allowed
            .log()
            .iter()
            .any(|line| line.contains("running anyway")),
        "the risk is logged"
    );
}

#[tokio::test]
async fn a_board_deleted_on_one_node_closes_its_clients_on_the_other_and_leaves_only_its_tombstone()
{
    let cluster = Cluster::start(&[]);
    let board = cluster.a().create_board("Weg ermee").await;
    let id = board.board_id.as_str();
    let on_a = YClient::connect(&url(cluster.a(), &board)).await;
    let on_b = YClient::connect(&url(&cluster.b, &board)).await;
    on_b.append("flipover", "over een cliënt");
    eventually("node a has node b's edit", PATIENCE, || {
        on_a.read("flipover") == "over een cliënt"
    })
    .await;
    let (status, body) = leerkring_tests::request(
        cluster.a(),
        reqwest::Method::DELETE,
        &format!("/api/boards/{id}"),
        Some(&board.facilitator_token),
        None,
    )
    .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(on_a.wait_closed().await.code, 4003);
    assert_eq!(
        on_b.wait_closed().await.code,
        4003,
        "node b hears of the deletion"
    );
    let keys: Vec<String> = cluster
        .redis
        .query(redis::cmd("KEYS").arg(format!("leerkring:board:{id}*")));
    assert_eq!(keys, vec![format!("leerkring:board:{id}:deleted")]);
    for node in [cluster.a(), &cluster.b] {
        assert_eq!(
            leerkring_tests::handshake_status(&url(node, &board)).await,
            410
        );
    }
}

#[tokio::test]
async fn a_participant_link_replaced_on_one_node_closes_its_connections_on_the_other() {
    let cluster = Cluster::start(&[]);
    let board = cluster.a().create_board("Nieuwe link").await;
    let id = board.board_id.as_str();
    let participant_on_b = YClient::connect(&url(&cluster.b, &board)).await;
    let facilitator_on_b = YClient::connect(&cluster.b.ws_url(id, &board.facilitator_token)).await;
    let (status, body) = leerkring_tests::request(
        cluster.a(),
        reqwest::Method::POST,
        &format!("/api/boards/{id}/participant-link"),
        Some(&board.facilitator_token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(participant_on_b.wait_closed().await.code, 4004);
    assert_eq!(
        leerkring_tests::handshake_status(&url(&cluster.b, &board)).await,
        401
    );
    facilitator_on_b.append("flipover", "blijft");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(facilitator_on_b.closed().is_none());
}
