//! Data stored by an earlier version loads and reads the same. `tests/fixtures/stored-v1/`
//! was written by the server at commit 9c0f36c (before the restructuring of issue #16): a
//! team with two meetings and an approved pack, a meeting with a revealed vote, groups, a
//! locked table and a paused timer, a case consultation with a follow-up date, and a board
//! without a team whose last edit is still in `updates.log` after the snapshot (the server
//! was killed). `expected.json` is what that same version answered over this data: the team
//! page, the meeting as each person sees it, every document's content and the approved pack.
//! Neither file is to be regenerated: they are the old version's record.

use std::path::Path;

use leerkring_tests::{workspace_root, ServerProcess, YClient};
use serde_json::{json, Value};
use yrs::types::ToJson;
use yrs::{GetString, ReadTxn, Transact};

fn fixture() -> std::path::PathBuf {
    workspace_root().join("tests/fixtures/stored-v1")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy fixture file");
        }
    }
}

async fn get(server: &ServerProcess, path: &str, token: &str) -> Value {
    let response = reqwest::Client::new()
        .get(server.http_url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.expect("a JSON body")
}

/// Everything the server tells about the stored data, with what changes from run to run
/// left out: the server's address (replaced by `HOST`) and its clock (`now_ms`).
async fn observe(server: &ServerProcess, ids: &Value) -> Value {
    let team = &ids["team"];
    let team_path = format!("/api/teams/{}", team["team_id"].as_str().expect("team id"));
    let board = |index: usize| &ids["meetings"][index];
    let id = |board: &Value| board["board_id"].as_str().expect("board id").to_owned();
    let token = |value: &Value, role: &str| value[role].as_str().expect("token").to_owned();
    let key = |name: &str| ids["keys"][name].as_str().expect("member key").to_owned();
    let state = |board: &Value, role: &str, who: Option<String>| {
        let (board, token) = (id(board), token(board, role));
        async move {
            let (status, view) = server.state_http(&board, &token, who.as_deref()).await;
            assert_eq!(status, 200, "{view}");
            view
        }
    };
    let mut documents = serde_json::Map::new();
    for board in [board(0), board(1), &ids["loose"]] {
        let client =
            YClient::connect(&server.ws_url(&id(board), &token(board, "participant_token"))).await;
        let names: Vec<String> = {
            let txn = client.doc.transact();
            txn.root_refs().map(|(name, _)| name.to_owned()).collect()
        };
        let mut roots = serde_json::Map::new();
        for name in names {
            // A root's type is not in the update; the client knows it by its name, as
            // the app does: the flip-over and a case's title are texts, the rest lists.
            let content = if name == "flipover" || name.ends_with("_titel") {
                let text = client.doc.get_or_insert_text(name.as_str());
                Value::String(text.get_string(&client.doc.transact()))
            } else {
                let list = client.doc.get_or_insert_array(name.as_str());
                let mut json = String::new();
                list.to_json(&client.doc.transact()).to_json(&mut json);
                serde_json::from_str(&json).expect("JSON")
            };
            roots.insert(name, content);
        }
        documents.insert(id(board), Value::Object(roots));
    }
    let observed = json!({
        "team_page_facilitator": get(server, &team_path, &token(team, "facilitator_token")).await,
        "team_page_member": get(server, &team_path, &token(team, "member_token")).await,
        "pack_json": get(server, &format!("{team_path}/export?format=json"), &token(team, "member_token")).await,
        "meeting_1_fenna": state(board(0), "facilitator_token", Some(key("fenna"))).await,
        "meeting_1_anna": state(board(0), "participant_token", Some(key("anna"))).await,
        "meeting_2_bram": state(board(1), "participant_token", Some(key("bram"))).await,
        "loose_newcomer": state(&ids["loose"], "participant_token", None).await,
        "documents": documents,
    });
    let text = observed.to_string().replace(&server.addr, "HOST");
    without_clock(serde_json::from_str(&text).expect("JSON"))
}

fn without_clock(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(key, _)| key != "now_ms")
                .map(|(key, value)| (key, without_clock(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_clock).collect()),
        other => other,
    }
}

#[tokio::test]
async fn meetings_teams_and_boards_stored_by_the_previous_version_load_and_read_the_same() {
    let read = |name: &str| -> Value {
        let text = std::fs::read_to_string(fixture().join(name)).expect("fixture file");
        serde_json::from_str(&text).expect("fixture JSON")
    };
    let ids = read("ids.json");
    let expected = read("expected.json");
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture().join("data"), dir.path());

    let server = ServerProcess::start(dir.path(), &[]);
    let observed = observe(&server, &ids).await;
    if observed != expected {
        let path = workspace_root().join("target/stored-v1-observed.json");
        let pretty = serde_json::to_string_pretty(&observed).expect("JSON");
        std::fs::write(&path, pretty).expect("observed written");
        panic!(
            "the stored data reads differently from the previous version: compare {} with {}",
            path.display(),
            fixture().join("expected.json").display()
        );
    }
    // Loaded a second time, after this server compacted what it opened, it still reads
    // the same.
    server.stop();
    let server = ServerProcess::start(dir.path(), &[]);
    assert_eq!(observe(&server, &ids).await, expected, "after a compaction");
}
