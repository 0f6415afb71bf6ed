//! Several server nodes on one Redis (docs/ARCHITECTURE.md, "Several nodes"): each test
//! starts its own `redis-server` and two `leerkring-server` processes on other ports.
//! Clients on either node converge; a node killed with SIGKILL loses nothing its clients
//! saw; compaction trims the stream while people edit; Redis going away for a while
//! leaves the node's own clients working and everything reaches the other node after.

use std::time::Duration;

use leerkring_shared::api::BoardCreated;
use leerkring_tests::{eventually, MeetingClient, RedisProcess, ServerProcess, YClient};
use serde_json::json;

const PATIENCE: Duration = Duration::from_secs(15);

/// Redis and two nodes, each with its own data dir (for its spool).
struct Cluster {
    _dirs: Vec<tempfile::TempDir>,
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
            _dirs: dirs,
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
