//! The client side of the y-websocket protocol: keeps this browser's copy of a board's
//! document in sync with the server, announces who is here (awareness), reconnects on
//! its own, and stores every change locally first so that nothing typed is lost. Frames
//! are built and read with `leerkring_shared::protocol`, the server's own wire code.

mod local_store;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leerkring_shared::meeting::{Command, MeetingView};
use leerkring_shared::model::Presence;
use leerkring_shared::protocol::{
    awareness_frame, command_frame, decode_server_frame, sync_step1_frame, sync_step2_frame,
    update_frame, CommandEnvelope, CommandReply, ServerMessage, ServerNotice,
};
use leerkring_shared::refusal::Refusal;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};
use yrs::sync::Awareness;
use yrs::updates::decoder::Decode;
use yrs::{Doc, OffsetKind, Options, ReadTxn, Transact, Update as DocUpdate};

use crate::browser;
use crate::device;
use local_store::LocalStore;

/// Origin of changes that came from the server (not sent back).
const FROM_SERVER: &str = "server";
/// Origin of changes restored from the device's copy (sent by the sync handshake instead).
const FROM_DEVICE: &str = "device";
/// Longest wait between reconnection attempts, in milliseconds.
const MAX_BACKOFF_MS: u64 = 10_000;
/// How often the own presence is re-announced, so peers do not time it out.
const PRESENCE_RENEW_MS: u64 = 15_000;

/// The state of the connection, as shown to the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Connecting,
    Connected,
    Reconnecting,
    Offline,
    /// The server closed the connection for good: this device stops reconnecting.
    Ended(Ending),
}

/// Why the server will not take this device back (close codes in docs/PROTOCOL.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// `4001`: the facilitator removed this person from the meeting.
    Removed,
    /// `4002`: the board's document is at its size limit; the last edit was not saved.
    BoardFull,
    /// `4003`: the board was deleted.
    Deleted,
    /// `4004`: the link this device came with was replaced.
    LinkReplaced,
}

impl Ending {
    fn from_close_code(code: u16) -> Option<Self> {
        match code {
            4001 => Some(Ending::Removed),
            4002 => Some(Ending::BoardFull),
            4003 => Some(Ending::Deleted),
            4004 => Some(Ending::LinkReplaced),
            _ => None,
        }
    }
}

/// Someone present on the board.
#[derive(Clone, Debug, PartialEq)]
pub struct Peer {
    pub client_id: u64,
    pub presence: Presence,
    pub is_me: bool,
}

/// A board's live document and its connection. Cheap to clone.
///
/// Lives on the browser's one thread; the wrapper lets views capture it like any value.
#[derive(Clone)]
pub struct Provider {
    inner: SendWrapper<Rc<Inner>>,
}

struct Inner {
    doc: Doc,
    awareness: RefCell<Awareness>,
    url: String,
    socket: RefCell<Option<WebSocket>>,
    attempts: Cell<u32>,
    status: RwSignal<Status>,
    peers: RwSignal<Vec<Peer>>,
    /// The meeting as the server lets this person see it: the last view received, kept on
    /// the device so the current step's workspace also shows offline.
    meeting: RwSignal<Option<MeetingView>>,
    /// Where this device keeps the last meeting view.
    meeting_key: String,
    /// The board, so that this device can forget it.
    board: String,
    /// Set once this device forgot the board: nothing is stored for it any more.
    forgotten: Cell<bool>,
    /// The server's clock minus this device's, from the latest meeting view.
    clock_offset_ms: RwSignal<f64>,
    /// The latest command the server refused, to show the person why.
    refusal: RwSignal<Option<Refusal>>,
    /// The person's name, introduced to the meeting on every connect.
    name: String,
    next_command_id: Cell<u64>,
}

/// Where this device keeps `board`'s last meeting view.
fn meeting_key(board: &str) -> String {
    format!("leerkring.meeting.{board}")
}

/// Removes everything this device keeps of `board`: the document and meeting copies,
/// and (through `device`) its token and info; done once the document copy is gone.
pub async fn forget_board(board: &str) {
    browser::remove(&meeting_key(board));
    device::forget_board(board);
    LocalStore::remove(board).await;
}

/// Removes what this device keeps of the boards it has not opened for
/// [`device::KEEP_UNOPENED_MS`] (30 days): a phone should not carry a client's case
/// around for longer than the meeting needs it.
pub fn forget_stale_boards() {
    for board in device::boards_not_opened_within(device::KEEP_UNOPENED_MS) {
        wasm_bindgen_futures::spawn_local(async move { forget_board(&board).await });
    }
}

impl Provider {
    /// Opens `board` with `token` as the person holding `member_key`, restoring the copy
    /// this device kept.
    pub fn start(board: &str, token: &str, member_key: &str, me: Presence) -> Self {
        let doc = Doc::with_options(Options {
            // Positions count UTF-16 units, like the browser's text fields and Yjs.
            offset_kind: OffsetKind::Utf16,
            ..Options::default()
        });
        let meeting_key = meeting_key(board);
        let last_meeting = browser::load(&meeting_key)
            .and_then(|json| serde_json::from_str::<MeetingView>(&json).ok());
        let name = me.name.clone();
        let mut awareness = Awareness::with_clock(doc.clone(), || browser::now_ms() as u64);
        if let Ok(json) = serde_json::to_string(&me) {
            awareness.set_local_state_raw(json);
        }
        let provider = Provider {
            inner: SendWrapper::new(Rc::new(Inner {
                doc: doc.clone(),
                awareness: RefCell::new(awareness),
                url: format!(
                    "{}/ws/{board}?token={token}&member={member_key}",
                    browser::websocket_origin()
                ),
                socket: RefCell::new(None),
                attempts: Cell::new(0),
                status: RwSignal::new(Status::Connecting),
                peers: RwSignal::new(Vec::new()),
                meeting: RwSignal::new(last_meeting),
                meeting_key,
                board: board.to_owned(),
                forgotten: Cell::new(false),
                clock_offset_ms: RwSignal::new(0.0),
                refusal: RwSignal::new(None),
                name,
                next_command_id: Cell::new(1),
            })),
        };
        provider.refresh_peers();

        // Connect once the device's copy is back in the document, so that the sync
        // handshake sends the server what was typed here while offline.
        let restoring = provider.clone();
        let store = SendWrapper::new(LocalStore::open(board, move |saved| {
            {
                let mut txn = restoring.inner.doc.transact_mut_with(FROM_DEVICE);
                for update in saved {
                    if let Ok(update) = DocUpdate::decode_v1(&update) {
                        let _ = txn.apply_update(update);
                    }
                }
            }
            restoring.connect();
            restoring.watch_network();
        }));
        let observer = provider.clone();
        let _ = doc.observe_update_v1("leerkring-provider", move |txn, event| {
            let origin = txn.origin();
            let is = |name: &str| origin.is_some_and(|o| *o == name.into());
            // Store first: the local copy must hold every change before anything else
            // (unless the person had this device forget the board). What came from
            // the copy is in it already.
            if !observer.inner.forgotten.get() && !is(FROM_DEVICE) {
                store.append(&event.update);
            }
            if !is(FROM_SERVER) && !is(FROM_DEVICE) {
                observer.send_frame(&update_frame(&event.update));
            }
        });

        provider.renew_presence();
        provider
    }

    pub fn doc(&self) -> &Doc {
        &self.inner.doc
    }

    pub fn status(&self) -> ReadSignal<Status> {
        self.inner.status.read_only()
    }

    pub fn peers(&self) -> ReadSignal<Vec<Peer>> {
        self.inner.peers.read_only()
    }

    pub fn meeting(&self) -> ReadSignal<Option<MeetingView>> {
        self.inner.meeting.read_only()
    }

    /// Whether this person holds the facilitator role now (it can be handed over and
    /// taken back during the meeting).
    pub fn leads(&self) -> Signal<bool> {
        let meeting = self.meeting();
        Signal::derive(move || meeting.with(|m| m.as_ref().is_some_and(|m| m.you.facilitator)))
    }

    /// Removes this board's copy, token and info from this device and stores nothing of
    /// it from now on ("Vergeet deze bijeenkomst op dit apparaat"); done once all is gone.
    pub async fn forget_on_this_device(&self) {
        self.inner.forgotten.set(true);
        forget_board(&self.inner.board).await;
    }

    /// The server's clock now, as best this device can tell (milliseconds since the epoch).
    pub fn server_now_ms(&self) -> f64 {
        browser::now_ms() + self.inner.clock_offset_ms.get_untracked()
    }

    pub fn refusal(&self) -> RwSignal<Option<Refusal>> {
        self.inner.refusal
    }

    /// A copyable handle that sends commands, for use in many event handlers of a view.
    pub fn sender(&self) -> impl Fn(Command) + Copy + Send + Sync + 'static {
        let provider = StoredValue::new(self.clone());
        move |command| provider.with_value(|p| p.command(command))
    }

    /// Sends a meeting command; the server answers with a new meeting view, or a refusal
    /// that [`Provider::refusal`] shows.
    pub fn command(&self, command: Command) {
        let id = self.inner.next_command_id.get();
        self.inner.next_command_id.set(id + 1);
        self.inner.refusal.set(None);
        if let Ok(json) = serde_json::to_vec(&CommandEnvelope { id, command }) {
            self.send_frame(&command_frame(&json));
        }
    }

    /// Announces which field this person is typing in (or none).
    pub fn set_editing(&self, field: Option<&str>) {
        let updated = {
            let mut awareness = self.inner.awareness.borrow_mut();
            let mut me: Option<Presence> = awareness.local_state();
            if let Some(me) = me.as_mut() {
                me.editing = field.map(str::to_owned);
                if let Ok(json) = serde_json::to_string(me) {
                    awareness.set_local_state_raw(json);
                }
            }
            me.is_some()
        };
        if updated {
            self.send_own_presence();
            self.refresh_peers();
        }
    }

    fn connect(&self) {
        let socket = match WebSocket::new(&self.inner.url) {
            Ok(socket) => socket,
            Err(_) => {
                self.schedule_reconnect();
                return;
            }
        };
        socket.set_binary_type(BinaryType::Arraybuffer);

        let on_open = {
            let provider = self.clone();
            Closure::<dyn FnMut()>::new(move || {
                provider.inner.attempts.set(0);
                provider.inner.status.set(Status::Connected);
                let state = provider.inner.doc.transact().state_vector();
                provider.send_frame(&sync_step1_frame(&state));
                provider.send_own_presence();
                provider.command(Command::Hello {
                    name: provider.inner.name.clone(),
                });
            })
        };
        let on_message = {
            let provider = self.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                if let Ok(buffer) = event.data().dyn_into::<js_sys::ArrayBuffer>() {
                    provider.receive(&js_sys::Uint8Array::new(&buffer).to_vec());
                }
            })
        };
        let on_close = {
            let provider = self.clone();
            Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
                provider.inner.socket.borrow_mut().take();
                provider.show_disconnected();
                // Reconnecting would only resend what was refused, again and again.
                match Ending::from_close_code(event.code()) {
                    Some(ending) => {
                        // Someone removed from the meeting keeps nothing of it here, nor
                        // does anyone of a deleted meeting.
                        if matches!(ending, Ending::Removed | Ending::Deleted) {
                            let forgetting = provider.clone();
                            wasm_bindgen_futures::spawn_local(async move {
                                forgetting.forget_on_this_device().await;
                            });
                        }
                        provider.inner.status.set(Status::Ended(ending));
                    }
                    None => provider.schedule_reconnect(),
                }
            })
        };
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        // The socket holds its handlers from here on; they live as long as the page.
        on_open.forget();
        on_message.forget();
        on_close.forget();
        *self.inner.socket.borrow_mut() = Some(socket);
    }

    fn show_disconnected(&self) {
        self.inner.status.set(if browser::is_online() {
            Status::Reconnecting
        } else {
            Status::Offline
        });
        // Others' presence is unknown while disconnected; keep only our own. The server
        // sends everyone's again on reconnect.
        {
            let mut awareness = self.inner.awareness.borrow_mut();
            let me = awareness.client_id();
            let others: Vec<_> = awareness
                .iter()
                .map(|(client, _)| client)
                .filter(|client| *client != me)
                .collect();
            for client in others {
                awareness.remove_state(client);
            }
        }
        self.refresh_peers();
    }

    fn schedule_reconnect(&self) {
        let attempts = self.inner.attempts.get();
        self.inner.attempts.set(attempts.saturating_add(1));
        let delay = (250u64 << attempts.min(6)).min(MAX_BACKOFF_MS);
        let provider = self.clone();
        set_timeout(
            move || {
                if provider.inner.socket.borrow().is_none() {
                    provider.connect();
                }
            },
            std::time::Duration::from_millis(delay),
        );
    }

    fn has_ended(&self) -> bool {
        matches!(self.inner.status.get_untracked(), Status::Ended(_))
    }

    /// Follows the browser's online/offline events: reconnects at once when it is back.
    fn watch_network(&self) {
        let provider = self.clone();
        browser::on_window_event("online", move |_| {
            provider.inner.attempts.set(0);
            if provider.inner.socket.borrow().is_none() && !provider.has_ended() {
                provider.connect();
            }
        });
        // The browser knows before the socket does: without a network the connection is
        // gone, so close it and show that edits are being kept on the device.
        let provider = self.clone();
        browser::on_window_event("offline", move |_| {
            if !provider.has_ended() {
                provider.inner.status.set(Status::Offline);
            }
            if let Some(socket) = provider.inner.socket.borrow().as_ref() {
                let _ = socket.close();
            }
        });
    }

    fn renew_presence(&self) {
        let provider = self.clone();
        let _ = set_interval_with_handle(
            move || provider.send_own_presence(),
            std::time::Duration::from_millis(PRESENCE_RENEW_MS),
        );
    }

    fn send_frame(&self, frame: &[u8]) {
        let socket = self.inner.socket.borrow();
        if let Some(socket) = socket
            .as_ref()
            .filter(|s| s.ready_state() == WebSocket::OPEN)
        {
            let _ = socket.send_with_u8_array(frame);
        }
    }

    fn receive_notice(&self, notice: ServerNotice) {
        match notice {
            ServerNotice::Meeting(json) => {
                if let Ok(view) = serde_json::from_slice::<MeetingView>(&json) {
                    self.inner
                        .clock_offset_ms
                        .set(view.now_ms as f64 - browser::now_ms());
                    if let Ok(text) = std::str::from_utf8(&json) {
                        browser::save(&self.inner.meeting_key, text);
                    }
                    self.inner.meeting.set(Some(view));
                }
            }
            ServerNotice::CommandReply(json) => {
                if let Ok(reply) = serde_json::from_slice::<CommandReply>(&json) {
                    if reply.refusal.is_some() {
                        self.inner.refusal.set(reply.refusal);
                    }
                }
            }
        }
    }

    fn send_own_presence(&self) {
        let update = {
            let awareness = self.inner.awareness.borrow();
            awareness.update_with_clients([awareness.client_id()])
        };
        if let Ok(update) = update {
            self.send_frame(&awareness_frame(&update));
        }
    }

    fn receive(&self, frame: &[u8]) {
        for message in decode_server_frame(frame) {
            match message {
                ServerMessage::SyncStep1(state) => {
                    let diff = self.inner.doc.transact().encode_diff_v1(&state);
                    self.send_frame(&sync_step2_frame(&diff));
                }
                ServerMessage::Update(update) => {
                    if let Ok(update) = DocUpdate::decode_v1(&update) {
                        let _ = self
                            .inner
                            .doc
                            .transact_mut_with(FROM_SERVER)
                            .apply_update(update);
                    }
                }
                ServerMessage::Awareness(update) => {
                    let _ = self.inner.awareness.borrow_mut().apply_update(update);
                    self.refresh_peers();
                }
                ServerMessage::QueryAwareness => self.send_own_presence(),
                ServerMessage::Notice(notice) => self.receive_notice(notice),
            }
        }
    }

    fn refresh_peers(&self) {
        let awareness = self.inner.awareness.borrow();
        let me = awareness.client_id();
        let mut peers: Vec<Peer> = awareness
            .iter()
            .filter_map(|(client, state)| {
                let presence = serde_json::from_str::<Presence>(state.data.as_deref()?).ok()?;
                Some(Peer {
                    client_id: client.get(),
                    presence,
                    is_me: client == me,
                })
            })
            .collect();
        peers.sort_by(|a, b| {
            (b.is_me, &a.presence.name, &a.presence.participant).cmp(&(
                a.is_me,
                &b.presence.name,
                &b.presence.participant,
            ))
        });
        self.inner.peers.set(peers);
    }
}
