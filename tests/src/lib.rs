//! Test harness: runs the real server binary, creates boards over HTTP and talks to them
//! with y-websocket clients built on tokio-tungstenite and yrs.
//!
//! - [`ServerProcess`]: a `leerkring-server` child process on a random port, with its log.
//! - [`YClient`]: a Yjs peer that keeps its own document in sync with a board.
//! - [`RawSocket`]: a bare WebSocket for sending what no well-behaved client would.
//! - [`MeetingClient`]: a peer that also speaks Leerkring's meeting messages (commands,
//!   replies, views) with a member key, honest or cheating alike; with
//!   [`ServerProcess::command_http`] and [`ServerProcess::state_http`] for the HTTP side.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use leerkring_shared::api::BoardCreated;
use leerkring_shared::protocol::{
    command_frame, decode_server_notice, update_frame, CommandReply, ServerNotice,
};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use yrs::encoding::read::Cursor;
use yrs::sync::{Message as YMessage, MessageReader, SyncMessage};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::Encode;
use yrs::{
    Array, ArrayRef, Doc, GetString, ReadTxn, Text, TextRef, Transact, TransactionMut, Update,
    UpdateEvent,
};

/// Every `.rs` file under `dir`, into `found` (for the tests that read the sources).
pub fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read source dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Builds `leerkring-server` once per test binary and returns its path. It is built with
/// the `fault-injection` feature, so that the crash-loop test can make it abort
/// (server/src/fault_injection.rs); every test binary builds it the same way, so they
/// share one build.
pub fn server_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "-p",
                "leerkring-server",
                "--bin",
                "leerkring-server",
                "--features",
                "fault-injection",
            ])
            .current_dir(workspace_root())
            .status()
            .expect("run cargo build");
        assert!(status.success(), "building leerkring-server failed");
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace_root().join("target"));
        target.join("debug").join("leerkring-server")
    })
}

/// The server binary started on a random port over `data_dir`, its log on a pipe.
fn spawn_server(data_dir: &Path, extra_args: &[&str]) -> Child {
    Command::new(server_binary())
        .args(["--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(extra_args)
        .env("RUST_LOG", "info,leerkring_server=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start leerkring-server")
}

/// A running `leerkring-server` process. Killed (SIGKILL) when dropped.
pub struct ServerProcess {
    child: Child,
    pub addr: String,
    pub data_dir: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// Starts the server on a random port over `data_dir`, with extra flags.
    pub fn start(data_dir: &Path, extra_args: &[&str]) -> Self {
        let mut child = spawn_server(data_dir, extra_args);
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("Leerkring is listening") {
                    if let Some(addr) = line
                        .split("addr=")
                        .nth(1)
                        .and_then(|rest| rest.split_whitespace().next())
                    {
                        let _ = addr_tx.send(addr.to_owned());
                    }
                }
                lines.lock().expect("log lock").push(line);
            }
        });
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| {
                panic!(
                    "server did not start; log: {:?}",
                    log.lock().map(|l| l.clone())
                )
            });
        Self {
            child,
            addr,
            data_dir: data_dir.to_path_buf(),
            log,
        }
    }

    pub fn http_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn ws_url(&self, board: &str, token: &str) -> String {
        format!("ws://{}/ws/{board}?token={token}", self.addr)
    }

    /// Creates a board without a waiting room (everyone with the link takes part at
    /// once, as the tests that are not about admission need) and returns what the server
    /// answered.
    pub async fn create_board(&self, title: &str) -> BoardCreated {
        self.create_board_with(title, false).await
    }

    /// Creates a board with a waiting room, as the app does: new devices wait until the
    /// facilitator lets them in.
    pub async fn create_board_with_waiting_room(&self, title: &str) -> BoardCreated {
        self.create_board_with(title, true).await
    }

    async fn create_board_with(&self, title: &str, waiting_room: bool) -> BoardCreated {
        let response = reqwest::Client::new()
            .post(self.http_url("/api/boards"))
            .json(&serde_json::json!({ "title": title, "waiting_room": waiting_room }))
            .send()
            .await
            .expect("POST /api/boards");
        assert_eq!(response.status(), 201);
        response.json().await.expect("board created body")
    }

    /// Runs one meeting command over HTTP (`POST /api/boards/{board}/commands`) with
    /// `token` as the bearer and, if given, `key` as the member key. Returns the status
    /// and the body (JSON; a body that is not JSON comes back as a JSON string).
    pub async fn command_http(
        &self,
        board: &str,
        token: &str,
        key: Option<&str>,
        command: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let request = http_client()
            .post(self.http_url(&format!("/api/boards/{board}/commands")))
            .bearer_auth(token)
            .json(command);
        send_http(with_member_key(request, key)).await
    }

    /// The meeting as the caller may see it over HTTP (`GET /api/boards/{board}/state`):
    /// the status and the body, as for [`ServerProcess::command_http`].
    pub async fn state_http(
        &self,
        board: &str,
        token: &str,
        key: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let request = http_client()
            .get(self.http_url(&format!("/api/boards/{board}/state")))
            .bearer_auth(token);
        send_http(with_member_key(request, key)).await
    }

    /// Runs the server over `data_dir` for a start that is expected to fail: waits up to
    /// 60 s for the process to exit and returns its exit code (`None` if a signal ended it)
    /// and everything it logged. Panics if it is still running then.
    pub fn run_to_exit(data_dir: &Path, extra_args: &[&str]) -> (Option<i32>, String) {
        let mut child = spawn_server(data_dir, extra_args);
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().expect("poll the child").is_none() {
            if Instant::now() >= deadline {
                let _ = child.kill();
                panic!("the server kept running; it was expected to exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let output = child.wait_with_output().expect("collect the output");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Waits up to `timeout` for the process to end by itself; its exit status if it did.
    /// Polls asynchronously, so the test's own clients keep sending meanwhile.
    pub async fn exited_within(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Lines the server has logged so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log lock").clone()
    }

    /// Kills the process without warning, as a power cut would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Asks the process to stop (SIGTERM) and waits for it to finish flushing.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("server did not stop within 20 s after SIGTERM");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `redis-server` of its own for a test: a free port on loopback, its data in `dir`,
/// every write fsynced before it is acknowledged (`appendfsync always`), as Leerkring
/// needs it. Killed when dropped.
pub struct RedisProcess {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
    /// Flags after the defaults, which they override (`--appendfsync everysec`).
    extra_args: Vec<String>,
}

impl RedisProcess {
    pub fn start(dir: &Path) -> Self {
        Self::start_with(dir, &[])
    }

    /// Starts Redis with `extra_args` after the default flags.
    pub fn start_with(dir: &Path, extra_args: &[&str]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let mut redis = Self {
            child: None,
            port,
            dir: dir.to_path_buf(),
            extra_args: extra_args.iter().map(|arg| (*arg).to_owned()).collect(),
        };
        redis.spawn();
        redis
    }

    fn spawn(&mut self) {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .arg("--dir")
            .arg(&self.dir)
            .args([
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ])
            .args(&self.extra_args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server (the README's test command installs it)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.ping().is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn ping(&self) -> redis::RedisResult<String> {
        redis::cmd("PING").query(&mut self.connection()?)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub fn connection(&self) -> redis::RedisResult<redis::Connection> {
        redis::Client::open(self.url())?.get_connection()
    }

    /// Runs a command and returns its answer.
    pub fn query<T: redis::FromRedisValue>(&self, command: &mut redis::Cmd) -> T {
        command
            .query(&mut self.connection().expect("connect to redis"))
            .expect("redis answers")
    }

    /// Kills Redis without warning.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts Redis again on the same port and data.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }
}

impl Drop for RedisProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Waits until `check` holds, polling, or panics after `timeout` with `what`.
pub async fn eventually(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How a connection ended, as the server said in its close frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closed {
    pub code: u16,
    pub reason: String,
}

impl Closed {
    /// From a received close frame (none means "no status", 1005).
    pub fn from_frame(frame: Option<tokio_tungstenite::tungstenite::protocol::CloseFrame>) -> Self {
        match frame {
            Some(frame) => Closed {
                code: u16::from(frame.code),
                reason: frame.reason.to_string(),
            },
            None => Closed {
                code: u16::from(CloseCode::Status),
                reason: String::new(),
            },
        }
    }
}

/// How a client's connection ended, once it has: set by the client's reader task.
#[derive(Clone, Default)]
struct CloseWatch(Arc<Mutex<Option<Closed>>>);

impl CloseWatch {
    /// The server sent a close frame.
    fn closed_by_server(
        &self,
        frame: Option<tokio_tungstenite::tungstenite::protocol::CloseFrame>,
    ) {
        *self.0.lock().expect("lock") = Some(Closed::from_frame(frame));
    }

    /// The stream ended; without a close frame that is an abnormal end.
    fn ended(&self) {
        self.0.lock().expect("lock").get_or_insert(Closed {
            code: u16::from(CloseCode::Abnormal),
            reason: "stream ended".into(),
        });
    }

    fn get(&self) -> Option<Closed> {
        self.0.lock().expect("lock").clone()
    }

    /// Waits up to 10 s for the connection to close.
    async fn wait(&self) -> Closed {
        eventually(
            "server closes the connection",
            Duration::from_secs(10),
            || self.get().is_some(),
        )
        .await;
        self.get().expect("closed")
    }
}

/// A Yjs peer: its own document, kept in sync with a board over y-websocket.
pub struct YClient {
    pub doc: Doc,
    outgoing: mpsc::UnboundedSender<Message>,
    closed: CloseWatch,
    synced: Arc<Mutex<bool>>,
    tasks: Tasks,
}

/// A client's reader and writer tasks. Dropping a client drops its socket, as closing a
/// browser tab would.
#[derive(Default)]
struct Tasks(Vec<tokio::task::JoinHandle<()>>);

impl Tasks {
    fn push(&mut self, task: tokio::task::JoinHandle<()>) {
        self.0.push(task);
    }
}

impl Drop for Tasks {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

impl YClient {
    /// Connects and starts syncing; returns once the first sync round is done.
    pub async fn connect(url: &str) -> Self {
        Self::connect_with(url, Doc::new()).await
    }

    /// Connects with an existing document (e.g. one that kept offline edits).
    pub async fn connect_with(url: &str, doc: Doc) -> Self {
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("WebSocket connects");
        let (mut sink, mut stream) = socket.split();
        let (outgoing, mut queue) = mpsc::unbounded_channel::<Message>();
        let closed = CloseWatch::default();
        let synced = Arc::new(Mutex::new(false));
        let writer = tokio::spawn(async move {
            while let Some(message) = queue.recv().await {
                if sink.send(message).await.is_err() {
                    break;
                }
            }
        });
        let mut client = Self {
            doc: doc.clone(),
            outgoing: outgoing.clone(),
            closed: closed.clone(),
            synced: Arc::clone(&synced),
            tasks: Tasks(vec![writer]),
        };
        // Send our state vector, as y-websocket does on connect.
        let sv = doc.transact().state_vector();
        client.send_message(YMessage::Sync(SyncMessage::SyncStep1(sv)));
        // Push local edits to the server as they happen.
        let push = outgoing.clone();
        doc.observe_update_v1(
            "push-to-server",
            move |txn: &TransactionMut, event: &UpdateEvent| {
                if txn.origin().is_none() {
                    let frame =
                        YMessage::Sync(SyncMessage::Update(event.update.clone())).encode_v1();
                    let _ = push.send(Message::Binary(frame.into()));
                }
            },
        )
        .expect("observe updates");
        let reader = tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                match message {
                    Message::Binary(frame) => handle_server_frame(&doc, &frame, &outgoing, &synced),
                    Message::Close(frame) => {
                        closed.closed_by_server(frame);
                        break;
                    }
                    _ => {}
                }
            }
            closed.ended();
        });
        client.tasks.push(reader);
        let flag = Arc::clone(&client.synced);
        eventually("initial sync", Duration::from_secs(10), || {
            *flag.lock().expect("lock")
        })
        .await;
        client
    }

    fn send_message(&self, message: YMessage) {
        let _ = self
            .outgoing
            .send(Message::Binary(message.encode_v1().into()));
    }

    /// Sends raw bytes as one binary frame.
    pub fn send_raw(&self, frame: Vec<u8>) {
        let _ = self.outgoing.send(Message::Binary(frame.into()));
    }

    pub fn text(&self, name: &str) -> TextRef {
        self.doc.get_or_insert_text(name)
    }

    /// Appends `text` to the shared text `name` (sent to the server at once).
    pub fn append(&self, name: &str, text: &str) {
        let field = self.text(name);
        let mut txn = self.doc.transact_mut();
        let end = field.len(&txn);
        field.insert(&mut txn, end, text);
    }

    pub fn read(&self, name: &str) -> String {
        let field = self.text(name);
        let txn = self.doc.transact();
        field.get_string(&txn)
    }

    pub fn items(&self, name: &str) -> ArrayRef {
        self.doc.get_or_insert_array(name)
    }

    /// Pushes one string onto the shared array `name`.
    pub fn push_item(&self, name: &str, item: &str) {
        let array = self.items(name);
        let mut txn = self.doc.transact_mut();
        array.push_back(&mut txn, item);
    }

    pub fn read_items(&self, name: &str) -> Vec<String> {
        let array = self.items(name);
        let txn = self.doc.transact();
        array
            .iter(&txn)
            .map(|value| value.to_string(&txn))
            .collect()
    }

    /// How the server closed this connection, if it has.
    pub fn closed(&self) -> Option<Closed> {
        self.closed.get()
    }

    /// Waits up to 10 s for the server to close this connection.
    pub async fn wait_closed(&self) -> Closed {
        self.closed.wait().await
    }
}

/// Origin tag for changes that came from the server, so they are not echoed back.
const FROM_SERVER: &str = "server";

fn handle_server_frame(
    doc: &Doc,
    frame: &[u8],
    outgoing: &mpsc::UnboundedSender<Message>,
    synced: &Mutex<bool>,
) {
    let mut decoder = DecoderV1::new(Cursor::new(frame));
    for message in MessageReader::new(&mut decoder) {
        let Ok(message) = message else { return };
        match message {
            YMessage::Sync(SyncMessage::SyncStep1(sv)) => {
                let diff = doc.transact().encode_diff_v1(&sv);
                let reply = YMessage::Sync(SyncMessage::SyncStep2(diff)).encode_v1();
                let _ = outgoing.send(Message::Binary(reply.into()));
            }
            YMessage::Sync(SyncMessage::SyncStep2(update)) => {
                apply_from_server(doc, &update);
                *synced.lock().expect("lock") = true;
            }
            YMessage::Sync(SyncMessage::Update(update)) => apply_from_server(doc, &update),
            _ => {}
        }
    }
}

fn apply_from_server(doc: &Doc, update: &[u8]) {
    if let Ok(update) = Update::decode_v1(update) {
        let mut txn = doc.transact_mut_with(FROM_SERVER);
        let _ = txn.apply_update(update);
    }
}

/// A bare WebSocket to the server.
pub struct RawSocket(Socket);

impl RawSocket {
    pub async fn connect(url: &str) -> Self {
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("WebSocket connects");
        Self(socket)
    }

    pub async fn send(&mut self, message: Message) {
        let _ = self.0.send(message).await;
    }

    /// Reads frames until a presence (awareness) message satisfies `found`, with each
    /// state as `(client id, JSON)`; false if the connection ends first.
    pub async fn read_presence_until(
        &mut self,
        mut found: impl FnMut(&[(u64, String)]) -> bool,
    ) -> bool {
        let read = async {
            while let Some(Ok(message)) = self.0.next().await {
                let Message::Binary(frame) = message else {
                    continue;
                };
                let mut decoder = DecoderV1::new(Cursor::new(&frame));
                for message in MessageReader::new(&mut decoder).flatten() {
                    if let YMessage::Awareness(update) = message {
                        let states: Vec<(u64, String)> = update
                            .clients
                            .iter()
                            .map(|(id, entry)| (id.get(), entry.json.to_string()))
                            .collect();
                        if found(&states) {
                            return true;
                        }
                    }
                }
            }
            false
        };
        tokio::time::timeout(Duration::from_secs(10), read)
            .await
            .unwrap_or(false)
    }

    /// Reads until the server's close frame (or the end of the stream).
    pub async fn read_until_closed(&mut self) -> Closed {
        let read = async {
            while let Some(message) = self.0.next().await {
                match message {
                    Ok(Message::Close(frame)) => return Closed::from_frame(frame),
                    Ok(_) => continue,
                    Err(_) => break,
                }
            }
            Closed {
                code: u16::from(CloseCode::Abnormal),
                reason: "stream ended without a close frame".into(),
            }
        };
        tokio::time::timeout(Duration::from_secs(10), read)
            .await
            .expect("server closes within 10 s")
    }
}

/// Sends `method path` to `server` (with the bearer `token` and the JSON `body`, if
/// given) and reads the status and the body (as JSON when it is JSON).
pub async fn request(
    server: &ServerProcess,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut request = http_client().request(method, server.http_url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    send_http(request).await
}

/// The HTTP status the server gives a WebSocket handshake to `url`.
pub async fn handshake_status(url: &str) -> u16 {
    match tokio_tungstenite::connect_async(url).await {
        Ok((_, response)) => response.status().as_u16(),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("handshake failed without an HTTP answer: {other}"),
    }
}

/// A reqwest client for the meeting's HTTP endpoints; a hung request fails the test.
fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("build an HTTP client")
}

/// Adds the `X-Leerkring-Member` header when a member key is given.
fn with_member_key(request: reqwest::RequestBuilder, key: Option<&str>) -> reqwest::RequestBuilder {
    match key {
        Some(key) => request.header("X-Leerkring-Member", key),
        None => request,
    }
}

/// Sends a request and reads the status and the body (as JSON when it is JSON).
async fn send_http(request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let response = request
        .send()
        .await
        .expect("the server answers within 10 s");
    let status = response.status().as_u16();
    let text = response.text().await.expect("read the response body");
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    (status, body)
}

/// A fresh member key: 32 URL-safe characters, different for every call. Drawn from the
/// standard library's randomly keyed hasher (plenty for tests; not for real secrets).
pub fn random_member_key() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let state = std::collections::hash_map::RandomState::new();
    let mut key = String::with_capacity(32);
    for round in 0..4u64 {
        let mut hasher = state.build_hasher();
        hasher.write_u64(count);
        hasher.write_u64(round);
        hasher.write_u128(nanos);
        hasher.write_u32(std::process::id());
        let bits = hasher.finish();
        for six in 0..8 {
            key.push(char::from(ALPHABET[((bits >> (6 * six)) & 63) as usize]));
        }
    }
    key
}

/// A text update made on a scratch document of its own (a fresh client id): inserts
/// `text` at the start of the shared text `root`. For crafting edits a client sends
/// without keeping them (see [`MeetingClient::send_update`]).
pub fn text_update(root: &str, text: &str) -> Vec<u8> {
    let doc = Doc::new();
    let field = doc.get_or_insert_text(root);
    let mut txn = doc.transact_mut();
    field.insert(&mut txn, 0, text);
    txn.encode_update_v1()
}

/// A refusal as the server reported it: the status and the reason.
pub type Refused = (u16, String);

/// What a [`MeetingClient`]'s reader has received of Leerkring's own messages.
#[derive(Default)]
struct MeetingInbox {
    /// The latest meeting view (message `102`), parsed and as sent.
    view: Option<(serde_json::Value, String)>,
    /// How many views have arrived.
    views: usize,
    /// Replies (message `101`) to this client's commands, by id.
    replies: HashMap<u64, Option<Refused>>,
    /// Replies not tied to a command (`id` null), in order.
    stray: Vec<Refused>,
    /// Document frames and meeting views, in the order they arrived.
    timeline: Vec<Arrival>,
}

/// One message a [`MeetingClient`] received, kept in arrival order: the server sends a
/// connection its document changes and meeting views in the order it handled them, so a
/// test can tell which change came after which view.
#[derive(Clone, Debug)]
pub enum Arrival {
    /// A y-websocket frame (sync or awareness), as sent.
    Document(Vec<u8>),
    /// A meeting view.
    Meeting(serde_json::Value),
}

/// A board peer that speaks the meeting protocol over the WebSocket: it identifies with a
/// member key, sends commands (message `100`) and waits for their replies (`101`), keeps
/// the latest meeting view (`102`), and keeps a yrs document in sync like [`YClient`].
/// It sends whatever it is told to, so it serves as an honest peer and as a cheat alike.
pub struct MeetingClient {
    /// The client's copy of the board's document.
    pub doc: Doc,
    /// The secret member key this client connected with.
    pub key: String,
    outgoing: mpsc::UnboundedSender<Message>,
    closed: CloseWatch,
    synced: Arc<Mutex<bool>>,
    inbox: Arc<Mutex<MeetingInbox>>,
    next_id: u64,
    strays_taken: usize,
    tasks: Tasks,
}

impl MeetingClient {
    /// Connects to `url` (a [`ServerProcess::ws_url`]) with a fresh member key; returns
    /// once the first sync round is done and the first meeting view has arrived.
    pub async fn connect(url: &str) -> Self {
        Self::connect_as(url, &random_member_key()).await
    }

    /// As [`MeetingClient::connect`], with the member key `key` (e.g. to come back as the
    /// same person).
    pub async fn connect_as(url: &str, key: &str) -> Self {
        let client = Self::connect_to_wait(url, key).await;
        client.wait_synced().await;
        client
    }

    /// As [`MeetingClient::connect_as`] for a device the meeting does not let in yet:
    /// returns once the first meeting view has arrived, without the document (the server
    /// holds it back until the facilitator lets this device in).
    pub async fn connect_to_wait(url: &str, key: &str) -> Self {
        let client = Self::open_as(url, key).await;
        let inbox = Arc::clone(&client.inbox);
        eventually("the first meeting view", Duration::from_secs(10), || {
            inbox.lock().expect("lock").view.is_some()
        })
        .await;
        client
    }

    /// Waits up to 10 s for the first sync round (the server's answer to this client's
    /// sync step 1).
    pub async fn wait_synced(&self) {
        let synced = Arc::clone(&self.synced);
        eventually("initial sync", Duration::from_secs(10), || {
            *synced.lock().expect("lock")
        })
        .await;
    }

    /// Whether the first sync round is done.
    pub fn is_synced(&self) -> bool {
        *self.synced.lock().expect("lock")
    }

    /// Opens the WebSocket with member key `key` and starts reading, without waiting for
    /// anything (for connections the server is expected to close at once).
    pub async fn open_as(url: &str, key: &str) -> Self {
        let (socket, _) = tokio_tungstenite::connect_async(format!("{url}&member={key}"))
            .await
            .expect("WebSocket connects");
        let (mut sink, mut stream) = socket.split();
        let (outgoing, mut queue) = mpsc::unbounded_channel::<Message>();
        let writer = tokio::spawn(async move {
            while let Some(message) = queue.recv().await {
                if sink.send(message).await.is_err() {
                    break;
                }
            }
        });
        let doc = Doc::new();
        let closed = CloseWatch::default();
        let synced = Arc::new(Mutex::new(false));
        let inbox = Arc::new(Mutex::new(MeetingInbox::default()));
        let mut client = Self {
            doc: doc.clone(),
            key: key.to_owned(),
            outgoing: outgoing.clone(),
            closed: closed.clone(),
            synced: Arc::clone(&synced),
            inbox: Arc::clone(&inbox),
            next_id: 0,
            strays_taken: 0,
            tasks: Tasks(vec![writer]),
        };
        let sv = doc.transact().state_vector();
        client.send_raw(YMessage::Sync(SyncMessage::SyncStep1(sv)).encode_v1());
        let push = outgoing.clone();
        doc.observe_update_v1(
            "push-to-server",
            move |txn: &TransactionMut, event: &UpdateEvent| {
                if txn.origin().is_none() {
                    let _ = push.send(Message::Binary(update_frame(&event.update).into()));
                }
            },
        )
        .expect("observe updates");
        let reader = tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                match message {
                    Message::Binary(frame) => match decode_server_notice(&frame) {
                        Some(notice) => inbox.lock().expect("lock").take(notice),
                        None => {
                            let arrival = Arrival::Document(frame.to_vec());
                            inbox.lock().expect("lock").timeline.push(arrival);
                            handle_server_frame(&doc, &frame, &outgoing, &synced)
                        }
                    },
                    Message::Close(frame) => {
                        closed.closed_by_server(frame);
                        break;
                    }
                    _ => {}
                }
            }
            closed.ended();
        });
        client.tasks.push(reader);
        client
    }

    /// Sends one meeting command (`{"id": n, "command": command}`) and waits up to 10 s
    /// for its reply: `Ok` if it was carried out, else the refusal's status and reason.
    /// Panics if no reply comes (a hang is a failure in itself).
    pub async fn command(&mut self, command: serde_json::Value) -> Result<(), Refused> {
        self.next_id += 1;
        let id = self.next_id;
        let envelope = serde_json::json!({ "id": id, "command": command });
        let json = serde_json::to_vec(&envelope).expect("a JSON value serializes");
        self.send_raw(command_frame(&json));
        let inbox = Arc::clone(&self.inbox);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(reply) = inbox.lock().expect("lock").replies.remove(&id) {
                return reply.map_or(Ok(()), Err);
            }
            assert!(
                Instant::now() < deadline,
                "no reply within 10 s to command {id} ({command}); connection closed: {:?}",
                self.closed.get()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Sends a command that must be carried out; panics with the refusal otherwise.
    pub async fn must(&mut self, command: serde_json::Value) {
        let text = command.to_string();
        if let Err(refused) = self.command(command).await {
            panic!("{text} refused: {refused:?}");
        }
    }

    /// Waits until this client's view shows the table locked (or unlocked).
    pub async fn wait_table_locked(&self, locked: bool) {
        self.wait_view("the table's lock as expected", |view| {
            view["table_locked"] == locked
        })
        .await;
    }

    /// Introduces this member by `name` (the `hello` command).
    pub async fn hello(&mut self, name: &str) -> Result<(), Refused> {
        self.command(serde_json::json!({ "type": "hello", "name": name }))
            .await
    }

    /// Sends raw bytes as one binary frame.
    pub fn send_raw(&self, frame: Vec<u8>) {
        let _ = self.outgoing.send(Message::Binary(frame.into()));
    }

    /// Sends a document update (a y-websocket update message) without applying it to
    /// this client's own document.
    pub fn send_update(&self, update: &[u8]) {
        self.send_raw(update_frame(update));
    }

    /// The latest meeting view. Panics if none has arrived.
    pub fn view(&self) -> serde_json::Value {
        self.view_json_pair().0
    }

    /// The latest meeting view exactly as the server sent it.
    pub fn view_json(&self) -> String {
        self.view_json_pair().1
    }

    fn view_json_pair(&self) -> (serde_json::Value, String) {
        self.inbox
            .lock()
            .expect("lock")
            .view
            .clone()
            .expect("a meeting view has arrived")
    }

    /// How many meeting views this connection has received.
    pub fn views_received(&self) -> usize {
        self.inbox.lock().expect("lock").views
    }

    /// Waits up to 10 s until the latest view satisfies `check`, and returns it.
    pub async fn wait_view(
        &self,
        what: &str,
        check: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let inbox = Arc::clone(&self.inbox);
        eventually(what, Duration::from_secs(10), || {
            inbox
                .lock()
                .expect("lock")
                .view
                .as_ref()
                .is_some_and(|(view, _)| check(view))
        })
        .await;
        self.view()
    }

    /// This client's public member id, from its view.
    pub fn member_id(&self) -> String {
        self.view()["you"]["member"]
            .as_str()
            .expect("the view names its member")
            .to_owned()
    }

    /// Every document frame and meeting view received so far, in arrival order.
    pub fn timeline(&self) -> Vec<Arrival> {
        self.inbox.lock().expect("lock").timeline.clone()
    }

    /// Every reply received that was not tied to a command (`id` null), in order.
    pub fn stray_replies(&self) -> Vec<Refused> {
        self.inbox.lock().expect("lock").stray.clone()
    }

    /// Waits up to 10 s for the next reply not tied to a command (one not returned by an
    /// earlier call) and returns it.
    pub async fn next_stray_reply(&mut self) -> Refused {
        let inbox = Arc::clone(&self.inbox);
        let taken = self.strays_taken;
        eventually(
            "a reply not tied to a command",
            Duration::from_secs(10),
            || inbox.lock().expect("lock").stray.len() > taken,
        )
        .await;
        self.strays_taken += 1;
        self.stray_replies()[taken].clone()
    }

    /// Appends `text` to the shared text `root` of this client's document; the change is
    /// sent to the server at once.
    pub fn append(&self, root: &str, text: &str) {
        let field = self.doc.get_or_insert_text(root);
        let mut txn = self.doc.transact_mut();
        let end = field.len(&txn);
        field.insert(&mut txn, end, text);
    }

    /// The shared text `root` of this client's document.
    pub fn read(&self, root: &str) -> String {
        let field = self.doc.get_or_insert_text(root);
        let txn = self.doc.transact();
        field.get_string(&txn)
    }

    /// How the server closed this connection, if it has.
    pub fn closed(&self) -> Option<Closed> {
        self.closed.get()
    }

    /// Waits up to 10 s for the server to close this connection.
    pub async fn wait_closed(&self) -> Closed {
        self.closed.wait().await
    }
}

impl MeetingInbox {
    /// Records one of Leerkring's messages from the server.
    fn take(&mut self, notice: ServerNotice) {
        match notice {
            ServerNotice::Meeting(json) => {
                let text = String::from_utf8_lossy(&json).into_owned();
                let view: serde_json::Value =
                    serde_json::from_str(&text).expect("a meeting view is JSON");
                self.timeline.push(Arrival::Meeting(view.clone()));
                self.view = Some((view, text));
                self.views += 1;
            }
            ServerNotice::CommandReply(json) => {
                let reply: CommandReply =
                    serde_json::from_slice(&json).expect("a command reply is JSON");
                let refusal = reply.refusal.map(|r| (r.status, r.reason));
                match reply.id {
                    Some(id) => {
                        self.replies.insert(id, refusal);
                    }
                    None => self.stray.push(refusal.unwrap_or((0, "no refusal".into()))),
                }
            }
        }
    }
}
