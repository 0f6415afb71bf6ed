//! Test harness: runs the real server binary, creates boards over HTTP and talks to them
//! with y-websocket clients built on tokio-tungstenite and yrs.
//!
//! - [`ServerProcess`]: a `leerkring-server` child process on a random port, with its log.
//! - [`YClient`]: a Yjs peer that keeps its own document in sync with a board.
//! - [`RawSocket`]: a bare WebSocket for sending what no well-behaved client would.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use leerkring_shared::api::BoardCreated;
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

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Builds `leerkring-server` once per test binary and returns its path.
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
        let mut child = Command::new(server_binary())
            .args(["--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .args(extra_args)
            .env("RUST_LOG", "info,leerkring_server=debug")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start leerkring-server");
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

    /// Creates a board and returns what the server answered.
    pub async fn create_board(&self, title: &str) -> BoardCreated {
        let response = reqwest::Client::new()
            .post(self.http_url("/api/boards"))
            .json(&serde_json::json!({ "title": title }))
            .send()
            .await
            .expect("POST /api/boards");
        assert_eq!(response.status(), 201);
        response.json().await.expect("board created body")
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

/// A Yjs peer: its own document, kept in sync with a board over y-websocket.
pub struct YClient {
    pub doc: Doc,
    outgoing: mpsc::UnboundedSender<Message>,
    closed: Arc<Mutex<Option<Closed>>>,
    synced: Arc<Mutex<bool>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for YClient {
    /// Dropping a client drops its socket, as closing a browser tab would.
    fn drop(&mut self) {
        for task in &self.tasks {
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
        let closed = Arc::new(Mutex::new(None));
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
            closed: Arc::clone(&closed),
            synced: Arc::clone(&synced),
            tasks: vec![writer],
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
                        *closed.lock().expect("lock") = Some(match frame {
                            Some(frame) => Closed {
                                code: u16::from(frame.code),
                                reason: frame.reason.to_string(),
                            },
                            None => Closed {
                                code: u16::from(CloseCode::Status),
                                reason: String::new(),
                            },
                        });
                        break;
                    }
                    _ => {}
                }
            }
            closed.lock().expect("lock").get_or_insert(Closed {
                code: u16::from(CloseCode::Abnormal),
                reason: "stream ended".into(),
            });
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
        self.closed.lock().expect("lock").clone()
    }

    /// Waits for the server to close this connection.
    pub async fn wait_closed(&self) -> Closed {
        let closed = Arc::clone(&self.closed);
        eventually(
            "server closes the connection",
            Duration::from_secs(10),
            || closed.lock().expect("lock").is_some(),
        )
        .await;
        self.closed().expect("closed")
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
                    Ok(Message::Close(Some(frame))) => {
                        return Closed {
                            code: u16::from(frame.code),
                            reason: frame.reason.to_string(),
                        }
                    }
                    Ok(Message::Close(None)) => {
                        return Closed {
                            code: u16::from(CloseCode::Status),
                            reason: String::new(),
                        }
                    }
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

/// The HTTP status the server gives a WebSocket handshake to `url`.
pub async fn handshake_status(url: &str) -> u16 {
    match tokio_tungstenite::connect_async(url).await {
        Ok((_, response)) => response.status().as_u16(),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("handshake failed without an HTTP answer: {other}"),
    }
}
