//! Interoperability with the real JavaScript stack: npm `yjs` and the npm `y-websocket`
//! provider (run by `tests/js/interop.mjs` under Node) edit the same board as a Rust
//! client, and everyone converges.
//!
//! Needs Node and the packages of `tests/js`: `npm ci --prefix tests/js`.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use leerkring_tests::{eventually, workspace_root, ServerProcess, YClient};
use serde_json::Value;
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

/// Edits each side makes.
const EDITS: usize = 20;

/// What `interop.mjs` printed: the document as that stock client saw it.
#[derive(Debug)]
struct JsView {
    text: String,
    items: Vec<String>,
    awareness: Vec<String>,
}

/// `tests/js/interop.mjs`, after checking that its packages are installed.
fn interop_script() -> PathBuf {
    let js = workspace_root().join("tests").join("js");
    for package in ["yjs", "y-websocket", "ws"] {
        assert!(
            js.join("node_modules")
                .join(package)
                .join("package.json")
                .is_file(),
            "tests/js/node_modules/{package} is missing: run `npm ci --prefix tests/js` \
             (from the workspace root) before this test"
        );
    }
    js.join("interop.mjs")
}

/// Starts `node interop.mjs WS_BASE BOARD TOKEN LABEL ARGS...` and collects its output.
fn spawn_js(
    server: &ServerProcess,
    board: &str,
    token: &str,
    label: &str,
    args: &[String],
) -> JoinHandle<JsView> {
    let ws_base = format!("ws://{}/ws", server.addr);
    let child: Child = Command::new("node")
        .arg(interop_script())
        .args([ws_base.as_str(), board, token, label])
        .args(args)
        .current_dir(workspace_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|error| {
            panic!("could not start `node` (is Node.js 20+ on PATH?): {error}")
        });
    let label = label.to_owned();
    tokio::spawn(async move {
        let output = tokio::time::timeout(Duration::from_secs(40), child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("node [{label}] did not finish within 40 s"))
            .expect("wait for node");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "node [{label}] failed ({}):\n--- stderr ---\n{stderr}\n--- stdout ---\n{stdout}",
            output.status
        );
        let line = stdout
            .lines()
            .last()
            .unwrap_or_else(|| panic!("node [{label}] printed nothing; stderr:\n{stderr}"));
        let json: Value = serde_json::from_str(line)
            .unwrap_or_else(|error| panic!("node [{label}] printed no JSON ({error}): {line}"));
        let strings = |key: &str| -> Vec<String> {
            json[key]
                .as_array()
                .unwrap_or_else(|| panic!("node [{label}]: `{key}` is not an array in {line}"))
                .iter()
                .map(|value| value.as_str().expect("string").to_owned())
                .collect()
        };
        JsView {
            text: json["text"]
                .as_str()
                .expect("`text` is a string")
                .to_owned(),
            items: strings("items"),
            awareness: strings("awareness"),
        }
    })
}

/// Runs the node peer to completion, with the server log on failure.
async fn finish_js(server: &ServerProcess, task: JoinHandle<JsView>) -> JsView {
    match task.await {
        Ok(view) => view,
        Err(error) => panic!(
            "{}\n--- server log ---\n{}",
            match error.try_into_panic() {
                Ok(payload) => payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "node task panicked".into()),
                Err(error) => format!("node task failed: {error}"),
            },
            server.log().join("\n")
        ),
    }
}

/// `--edits N` plus, for every peer in `others`, what its edits will look like.
fn js_args(others: &[&str]) -> Vec<String> {
    let mut args = vec!["--edits".to_owned(), EDITS.to_string()];
    for other in others {
        for i in 1..=EDITS {
            args.extend(["--expect-item".to_owned(), format!("{other}-{i}")]);
            args.extend(["--expect-text".to_owned(), format!("[{other}-{i}]")]);
        }
    }
    args
}

/// Makes the Rust client's edits: `[rust-i]` appended to `cel`, `rust-i` pushed onto `items`.
async fn rust_edits(client: &YClient) {
    for i in 1..=EDITS {
        client.append("cel", &format!("[rust-{i}]"));
        client.push_item("items", &format!("rust-{i}"));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn expected_items(labels: &[&str]) -> BTreeSet<String> {
    labels
        .iter()
        .flat_map(|label| (1..=EDITS).map(move |i| format!("{label}-{i}")))
        .collect()
}

fn assert_text_has_all(text: &str, labels: &[&str]) {
    let mut expected_len = 0;
    for label in labels {
        for i in 1..=EDITS {
            let fragment = format!("[{label}-{i}]");
            assert!(text.contains(&fragment), "text lacks {fragment}: {text:?}");
            expected_len += fragment.len();
        }
    }
    assert_eq!(
        text.len(),
        expected_len,
        "text has more than the edits made: {text:?}"
    );
}

#[tokio::test]
async fn stock_yjs_client_and_rust_client_converge() {
    let script = interop_script();
    assert!(script.is_file(), "{} is missing", script.display());
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(dir.path(), &[]);
    let board = server.create_board("Interop").await;
    let rust =
        YClient::connect(&server.ws_url(board.board_id.as_str(), &board.facilitator_token)).await;

    // The stock client joins with the participant link, the Rust client as facilitator.
    let js = spawn_js(
        &server,
        board.board_id.as_str(),
        &board.participant_token,
        "js",
        &js_args(&["rust"]),
    );

    // Edit while the stock client edits: start once its first edit has arrived.
    eventually(
        "the first edit of the stock client reaches the Rust client",
        Duration::from_secs(20),
        || js.is_finished() || rust.read_items("items").iter().any(|item| item == "js-1"),
    )
    .await;
    rust_edits(&rust).await;

    let view = finish_js(&server, js).await;

    let all = expected_items(&["rust", "js"]);
    eventually(
        "every js-* edit reaches the Rust client",
        Duration::from_secs(10),
        || {
            let items = rust.read_items("items");
            items.len() == 2 * EDITS && items.iter().cloned().collect::<BTreeSet<_>>() == all
        },
    )
    .await;

    // Both sides see the same document, with every edit of both sides in it.
    let rust_text = rust.read("cel");
    let rust_items = rust.read_items("items");
    assert_eq!(
        view.items, rust_items,
        "items differ between the stock client and the Rust client"
    );
    assert_eq!(
        view.text, rust_text,
        "text differs between the stock client and the Rust client"
    );
    assert_eq!(view.items.len(), 2 * EDITS);
    assert_eq!(view.items.iter().cloned().collect::<BTreeSet<_>>(), all);
    assert_text_has_all(&view.text, &["rust", "js"]);
    assert!(
        view.awareness.contains(&"js".to_owned()),
        "awareness seen: {:?}",
        view.awareness
    );

    // A stock client that connects afterwards gets the whole board in its first sync.
    let late = spawn_js(
        &server,
        board.board_id.as_str(),
        &board.participant_token,
        "late",
        &[],
    );
    let late = finish_js(&server, late).await;
    assert_eq!(late.items, rust_items, "late joiner's items");
    assert_eq!(late.text, rust_text, "late joiner's text");

    assert!(
        rust.closed().is_none(),
        "the Rust client was disconnected: {:?}",
        rust.closed()
    );
}

/// Two stock clients and a Rust client edit at once; the stock clients also see each other's
/// presence (awareness) through the server.
#[tokio::test]
async fn two_stock_clients_share_edits_and_presence() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(dir.path(), &[]);
    let board = server.create_board("Interop, three peers").await;
    let rust =
        YClient::connect(&server.ws_url(board.board_id.as_str(), &board.participant_token)).await;

    let mut args_a = js_args(&["rust", "js-b"]);
    args_a.extend(["--expect-awareness".to_owned(), "js-b".to_owned()]);
    let mut args_b = js_args(&["rust", "js-a"]);
    args_b.extend(["--expect-awareness".to_owned(), "js-a".to_owned()]);
    let a = spawn_js(
        &server,
        board.board_id.as_str(),
        &board.participant_token,
        "js-a",
        &args_a,
    );
    let b = spawn_js(
        &server,
        board.board_id.as_str(),
        &board.facilitator_token,
        "js-b",
        &args_b,
    );

    eventually(
        "the stock clients' first edits reach the Rust client",
        Duration::from_secs(20),
        || {
            let items = rust.read_items("items");
            (a.is_finished() || items.iter().any(|item| item == "js-a-1"))
                && (b.is_finished() || items.iter().any(|item| item == "js-b-1"))
        },
    )
    .await;
    rust_edits(&rust).await;

    let a = finish_js(&server, a).await;
    let b = finish_js(&server, b).await;

    let all = expected_items(&["rust", "js-a", "js-b"]);
    eventually(
        "every stock client's edit reaches the Rust client",
        Duration::from_secs(10),
        || {
            rust.read_items("items")
                .into_iter()
                .collect::<BTreeSet<_>>()
                == all
        },
    )
    .await;
    let rust_items = rust.read_items("items");
    let rust_text = rust.read("cel");
    assert_eq!(rust_items.len(), 3 * EDITS);
    for view in [&a, &b] {
        assert_eq!(view.items, rust_items);
        assert_eq!(view.text, rust_text);
    }
    assert_text_has_all(&rust_text, &["rust", "js-a", "js-b"]);
    assert_eq!(a.awareness, ["js-a", "js-b"], "presence seen by js-a");
    assert_eq!(b.awareness, ["js-a", "js-b"], "presence seen by js-b");
}
