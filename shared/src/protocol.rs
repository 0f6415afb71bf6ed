//! The y-websocket wire protocol, as spoken between Leerkring's server and any Yjs client.
//!
//! A WebSocket binary frame holds one or more messages. Each message starts with a
//! var-uint tag: `0` sync (then `0` step 1, `1` step 2 or `2` update), `1` awareness,
//! `3` query-awareness, and Leerkring's own `100` command, `101` command reply and `102`
//! meeting state (JSON payloads; stock Yjs clients never see them). This module turns client frames into [`ClientMessage`]s, checking
//! every payload fully so that nothing malformed gets past the connection, and builds the
//! frames both sides send; a client reads the server's frames with [`decode_server_frame`].
//! It does no I/O.

use yrs::encoding::read::{Cursor, Read};
use yrs::encoding::write::Write;
use yrs::sync::AwarenessUpdate;
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{StateVector, Update};

/// The sync message type and its steps; public for the load generator, which reads the
/// frames of other servers too.
pub const MSG_SYNC: u8 = 0;
const MSG_AWARENESS: u8 = 1;
const MSG_AUTH: u8 = 2;
const MSG_QUERY_AWARENESS: u8 = 3;
/// Leerkring's own messages, beside the y-websocket ones: a meeting command (client to
/// server, JSON), the answer to one, and the meeting as the receiver may see it.
const MSG_COMMAND: u8 = 100;
const MSG_COMMAND_REPLY: u8 = 101;
const MSG_MEETING: u8 = 102;

pub const SYNC_STEP_1: u8 = 0;
pub const SYNC_STEP_2: u8 = 1;
pub const SYNC_UPDATE: u8 = 2;

/// One message from a client, decoded and checked.
#[derive(Debug)]
pub enum ClientMessage {
    /// "Here is my state vector; send me what I lack."
    SyncStep1(StateVector),
    /// A document update (sync step 2 or an incremental update; both mean the same here).
    Update(DocUpdate),
    /// A change of presence states (cursor, name, colour, ...).
    Awareness(AwarenessUpdate),
    /// "Send me every presence state you know."
    QueryAwareness,
    /// A meeting command (JSON of [`crate::meeting::Command`] inside [`CommandEnvelope`]).
    Command(Vec<u8>),
}

/// A command sent over the WebSocket, with an id the reply repeats.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct CommandEnvelope {
    pub id: u64,
    pub command: crate::meeting::Command,
}

/// The server's answer to a command (`id` is `None` for a refusal not tied to a command,
/// such as an edit of the locked table).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct CommandReply {
    pub id: Option<u64>,
    pub refusal: Option<crate::refusal::Refusal>,
}

/// A document update as it arrived (the bytes to store and forward) and decoded.
#[derive(Debug)]
pub struct DocUpdate {
    pub bytes: Vec<u8>,
    pub update: Update,
}

/// Why a frame was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProtocolError {
    #[error("empty frame")]
    Empty,
    #[error("malformed {part}: {detail}")]
    Malformed { part: &'static str, detail: String },
    #[error("unsupported message type {0}")]
    Unsupported(u64),
}

/// Decodes with yrs, turning a panic inside the library (some crafted inputs trigger
/// overflow checks in debug builds, found by fuzzing) into a refusal.
fn decode_guarded<T>(
    part: &'static str,
    decode: impl FnOnce() -> Result<T, yrs::encoding::read::Error>,
) -> Result<T, ProtocolError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode)) {
        Ok(decoded) => decoded.map_err(malformed(part)),
        Err(_) => Err(ProtocolError::Malformed {
            part,
            detail: "the decoder failed on it".into(),
        }),
    }
}

fn malformed(part: &'static str) -> impl FnOnce(yrs::encoding::read::Error) -> ProtocolError {
    move |error| ProtocolError::Malformed {
        part,
        detail: error.to_string(),
    }
}

/// Decodes every message in one binary frame. The frame is refused whole if any part
/// of it is malformed, so a connection never acts on half a frame.
pub fn decode_frame(frame: &[u8]) -> Result<Vec<ClientMessage>, ProtocolError> {
    if frame.is_empty() {
        return Err(ProtocolError::Empty);
    }
    let mut cursor = Cursor::new(frame);
    let mut messages = Vec::new();
    while cursor.has_content() {
        messages.push(decode_message(&mut cursor)?);
    }
    Ok(messages)
}

/// Refuses a payload whose leading count claims more entries than its bytes can hold.
/// yrs reserves memory for the claimed count before reading the entries, so without this
/// an 8-byte frame could make the server reserve gigabytes (found by fuzzing). Only the
/// leading count is checked; deeper counts are bounded by the frame size limit.
fn check_leading_count(
    payload: &[u8],
    min_bytes_per_entry: u64,
    part: &'static str,
) -> Result<(), ProtocolError> {
    let mut cursor = Cursor::new(payload);
    let count: u64 = cursor.read_var().map_err(malformed(part))?;
    let remaining = (payload.len() - cursor.next) as u64;
    if count.saturating_mul(min_bytes_per_entry) > remaining {
        return Err(ProtocolError::Malformed {
            part,
            detail: format!("claims {count} entries in {remaining} bytes"),
        });
    }
    Ok(())
}

fn decode_message(cursor: &mut Cursor<'_>) -> Result<ClientMessage, ProtocolError> {
    let tag: u64 = cursor.read_var().map_err(malformed("message type"))?;
    match tag {
        t if t == u64::from(MSG_SYNC) => decode_sync(cursor),
        t if t == u64::from(MSG_AWARENESS) => {
            let payload = cursor.read_buf().map_err(malformed("awareness message"))?;
            // Each entry: client id, clock and a length-prefixed JSON string.
            check_leading_count(payload, 3, "awareness update")?;
            let update =
                decode_guarded("awareness update", || AwarenessUpdate::decode_v1(payload))?;
            Ok(ClientMessage::Awareness(update))
        }
        t if t == u64::from(MSG_QUERY_AWARENESS) => Ok(ClientMessage::QueryAwareness),
        t if t == u64::from(MSG_COMMAND) => {
            let payload = cursor.read_buf().map_err(malformed("command message"))?;
            Ok(ClientMessage::Command(payload.to_vec()))
        }
        // Auth messages flow from server to client only; tokens travel in the URL.
        other => Err(ProtocolError::Unsupported(other)),
    }
}

fn decode_sync(cursor: &mut Cursor<'_>) -> Result<ClientMessage, ProtocolError> {
    let step: u64 = cursor.read_var().map_err(malformed("sync message"))?;
    let payload = cursor.read_buf().map_err(malformed("sync message"))?;
    match step {
        s if s == u64::from(SYNC_STEP_1) => {
            // Each entry: client id and clock.
            check_leading_count(payload, 2, "state vector")?;
            let sv = decode_guarded("state vector", || StateVector::decode_v1(payload))?;
            Ok(ClientMessage::SyncStep1(sv))
        }
        s if s == u64::from(SYNC_STEP_2) || s == u64::from(SYNC_UPDATE) => {
            // Each client entry: struct count, client id, clock, and at least one struct.
            check_leading_count(payload, 4, "document update")?;
            let update = decode_guarded("document update", || Update::decode_v1(payload))?;
            Ok(ClientMessage::Update(DocUpdate {
                bytes: payload.to_vec(),
                update,
            }))
        }
        other => Err(ProtocolError::Malformed {
            part: "sync message",
            detail: format!("unknown sync step {other}"),
        }),
    }
}

fn sync_frame(step: u8, payload: &[u8]) -> Vec<u8> {
    let mut frame = Vec::with_capacity(payload.len() + 8);
    frame.write_var(MSG_SYNC);
    frame.write_var(step);
    frame.write_buf(payload);
    frame
}

/// Frame asking the peer for what it has that `sv` lacks.
pub fn sync_step1_frame(sv: &StateVector) -> Vec<u8> {
    sync_frame(SYNC_STEP_1, &sv.encode_v1())
}

/// Frame answering a sync step 1 with the missing part of the document.
pub fn sync_step2_frame(update: &[u8]) -> Vec<u8> {
    sync_frame(SYNC_STEP_2, update)
}

/// Frame carrying one document update to peers.
pub fn update_frame(update: &[u8]) -> Vec<u8> {
    sync_frame(SYNC_UPDATE, update)
}

/// Frame carrying presence states to peers.
pub fn awareness_frame(update: &AwarenessUpdate) -> Vec<u8> {
    let payload = update.encode_v1();
    let mut frame = Vec::with_capacity(payload.len() + 8);
    frame.write_var(MSG_AWARENESS);
    frame.write_buf(&payload);
    frame
}

fn tagged_frame(tag: u8, payload: &[u8]) -> Vec<u8> {
    let mut frame = Vec::with_capacity(payload.len() + 8);
    frame.write_var(tag);
    frame.write_buf(payload);
    frame
}

/// Frame carrying a meeting command (JSON) to the server.
pub fn command_frame(json: &[u8]) -> Vec<u8> {
    tagged_frame(MSG_COMMAND, json)
}

/// Frame carrying the answer to a command (JSON of [`CommandReply`]).
pub fn command_reply_frame(json: &[u8]) -> Vec<u8> {
    tagged_frame(MSG_COMMAND_REPLY, json)
}

/// Frame carrying the meeting as its receiver may see it (JSON of
/// [`crate::meeting::MeetingView`]).
pub fn meeting_frame(json: &[u8]) -> Vec<u8> {
    tagged_frame(MSG_MEETING, json)
}

/// A Leerkring message the server sent: a command reply or a meeting view (JSON).
#[derive(Debug, PartialEq, Eq)]
pub enum ServerNotice {
    CommandReply(Vec<u8>),
    Meeting(Vec<u8>),
}

/// Reads a server frame that carries a Leerkring message, if it is one.
pub fn decode_server_notice(frame: &[u8]) -> Option<ServerNotice> {
    match decode_server_frame(frame).into_iter().next()? {
        ServerMessage::Notice(notice) => Some(notice),
        _ => None,
    }
}

/// One message from the server, as a client reads it.
#[derive(Debug, PartialEq, Eq)]
pub enum ServerMessage {
    /// "Here is my state vector; send me what I lack."
    SyncStep1(StateVector),
    /// A document update (sync step 2 or an incremental update), as sent (v1 encoding).
    Update(Vec<u8>),
    /// A change of presence states.
    Awareness(AwarenessUpdate),
    /// "Send me your presence state."
    QueryAwareness,
    /// A Leerkring message.
    Notice(ServerNotice),
}

/// Decodes the messages of one server frame, for a client. A client trusts its server,
/// so none of [`decode_frame`]'s limits apply and nothing is refused whole: a message
/// whose payload does not decode is skipped, one a client has no use for (auth, unknown
/// types) too, and a frame that breaks off keeps the messages before the break.
pub fn decode_server_frame(frame: &[u8]) -> Vec<ServerMessage> {
    let mut cursor = Cursor::new(frame);
    let mut messages = Vec::new();
    while cursor.has_content() {
        match decode_server_message(&mut cursor) {
            Ok(Some(message)) => messages.push(message),
            Ok(None) => {}
            Err(_) => break,
        }
    }
    messages
}

/// The next message of a server frame: `Ok(None)` for one to skip, an error when the
/// frame breaks off (its framing is wrong, so nothing after it can be read).
fn decode_server_message(
    cursor: &mut Cursor<'_>,
) -> Result<Option<ServerMessage>, yrs::encoding::read::Error> {
    let tag: u64 = cursor.read_var()?;
    let message = match tag {
        t if t == u64::from(MSG_SYNC) => {
            let step: u64 = cursor.read_var()?;
            let payload = cursor.read_buf()?;
            match step {
                s if s == u64::from(SYNC_STEP_1) => StateVector::decode_v1(payload)
                    .ok()
                    .map(ServerMessage::SyncStep1),
                s if s == u64::from(SYNC_STEP_2) || s == u64::from(SYNC_UPDATE) => {
                    Some(ServerMessage::Update(payload.to_vec()))
                }
                _ => None,
            }
        }
        t if t == u64::from(MSG_AWARENESS) => AwarenessUpdate::decode_v1(cursor.read_buf()?)
            .ok()
            .map(ServerMessage::Awareness),
        t if t == u64::from(MSG_QUERY_AWARENESS) => Some(ServerMessage::QueryAwareness),
        t if t == u64::from(MSG_AUTH) => {
            // A permission answer, with the reason when denied (y-websocket's format).
            const PERMISSION_DENIED: u8 = 0;
            if cursor.read_var::<u8>()? == PERMISSION_DENIED {
                cursor.read_string()?;
            }
            None
        }
        t if t == u64::from(MSG_COMMAND_REPLY) => Some(ServerMessage::Notice(
            ServerNotice::CommandReply(cursor.read_buf()?.to_vec()),
        )),
        t if t == u64::from(MSG_MEETING) => Some(ServerMessage::Notice(ServerNotice::Meeting(
            cursor.read_buf()?.to_vec(),
        ))),
        _ => {
            cursor.read_buf()?;
            None
        }
    };
    Ok(message)
}

/// Frame asking peers for their presence states.
pub fn query_awareness_frame() -> Vec<u8> {
    vec![MSG_QUERY_AWARENESS]
}

/// The auth message tag, exposed so tests can check that clients may not send it (and for
/// the load generator, which sends it to Hocuspocus).
pub const AUTH_MESSAGE_TAG: u8 = MSG_AUTH;

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{Doc, GetString, ReadTxn, Text, Transact};

    fn some_update() -> Vec<u8> {
        let doc = Doc::new();
        let text = doc.get_or_insert_text("t");
        let mut txn = doc.transact_mut();
        text.insert(&mut txn, 0, "Betrokkenheid");
        txn.encode_update_v1()
    }

    #[test]
    fn round_trips_every_client_message_kind() {
        let update = some_update();
        let mut frame = sync_step1_frame(&StateVector::default());
        frame.extend(update_frame(&update));
        frame.extend(sync_step2_frame(&update));
        frame.extend(query_awareness_frame());
        let messages = decode_frame(&frame).expect("valid frame");
        assert_eq!(messages.len(), 4);
        assert!(matches!(messages[0], ClientMessage::SyncStep1(_)));
        match &messages[1] {
            ClientMessage::Update(u) => assert_eq!(u.bytes, update),
            other => panic!("expected update, got {other:?}"),
        }
        assert!(matches!(messages[2], ClientMessage::Update(_)));
        assert!(matches!(messages[3], ClientMessage::QueryAwareness));
    }

    #[test]
    fn decoded_update_applies_to_a_doc() {
        let messages = decode_frame(&update_frame(&some_update())).expect("valid frame");
        let ClientMessage::Update(update) = messages.into_iter().next().expect("one message")
        else {
            panic!("expected update");
        };
        let doc = Doc::new();
        let text = doc.get_or_insert_text("t");
        doc.transact_mut()
            .apply_update(update.update)
            .expect("applies");
        assert_eq!(text.get_string(&doc.transact()), "Betrokkenheid");
        assert!(doc.transact().state_vector().len() == 1);
    }

    #[test]
    fn refuses_truncated_and_garbage_frames() {
        let frame = update_frame(&some_update());
        assert!(decode_frame(&frame[..frame.len() - 1]).is_err());
        assert_eq!(decode_frame(&[]).err(), Some(ProtocolError::Empty));
        assert!(decode_frame(&[0, 9, 0]).is_err(), "unknown sync step");
        assert!(
            decode_frame(&[0, 2, 3, 1, 2, 3]).is_err(),
            "update body is junk"
        );
        assert_eq!(
            decode_frame(&[AUTH_MESSAGE_TAG, 0]).err(),
            Some(ProtocolError::Unsupported(2))
        );
        assert_eq!(
            decode_frame(&[42]).err(),
            Some(ProtocolError::Unsupported(42))
        );
        assert!(
            decode_frame(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
                .is_err()
        );
    }

    #[test]
    fn leerkring_messages_round_trip() {
        let json = br#"{"id":1,"command":{"type":"next_step"}}"#;
        match decode_frame(&command_frame(json)).expect("valid").remove(0) {
            ClientMessage::Command(payload) => assert_eq!(payload, json),
            other => panic!("expected a command, got {other:?}"),
        }
        assert_eq!(
            decode_server_notice(&meeting_frame(b"{}")),
            Some(ServerNotice::Meeting(b"{}".to_vec()))
        );
        assert_eq!(
            decode_server_notice(&command_reply_frame(b"{}")),
            Some(ServerNotice::CommandReply(b"{}".to_vec()))
        );
        assert_eq!(decode_server_notice(&update_frame(b"x")), None);
    }

    #[test]
    fn counts_larger_than_the_payload_are_refused_before_decoding() {
        // Found by fuzzing: each claims 2^28 entries in a few bytes.
        let huge_update = [
            0x01, 0x08, 0x00, 0x00, 0x02, 0x05, 0x80, 0x80, 0x80, 0x80, 0x01,
        ];
        let huge_state_vector = [0x00, 0x00, 0x05, 0x80, 0x80, 0x80, 0x80, 0x01];
        let huge_awareness = [0x01, 0x05, 0x80, 0x80, 0x80, 0x80, 0x01];
        for frame in [
            &huge_update[3..],
            &huge_state_vector[..],
            &huge_awareness[..],
        ] {
            let refused = decode_frame(frame);
            assert!(
                matches!(&refused, Err(ProtocolError::Malformed { detail, .. }) if detail.contains("claims")),
                "{frame:?}: {refused:?}"
            );
        }
    }

    #[test]
    fn frames_are_the_bytes_yrs_encodes() {
        use yrs::sync::{Awareness, Message, SyncMessage};
        let update = some_update();
        let doc = Doc::new();
        let mut awareness = Awareness::new(doc.clone());
        awareness.set_local_state_raw(r#"{"name":"Anna"}"#);
        let presence = awareness.update().expect("own state");
        let sv = doc.transact().state_vector();
        assert_eq!(
            sync_step1_frame(&sv),
            Message::Sync(SyncMessage::SyncStep1(sv)).encode_v1()
        );
        assert_eq!(
            sync_step2_frame(&update),
            Message::Sync(SyncMessage::SyncStep2(update.clone())).encode_v1()
        );
        assert_eq!(
            update_frame(&update),
            Message::Sync(SyncMessage::Update(update.clone())).encode_v1()
        );
        assert_eq!(
            awareness_frame(&presence),
            Message::Awareness(presence).encode_v1()
        );
        assert_eq!(query_awareness_frame(), Message::AwarenessQuery.encode_v1());
        assert_eq!(
            meeting_frame(b"{}"),
            Message::Custom(MSG_MEETING, b"{}".to_vec()).encode_v1()
        );
    }

    #[test]
    fn a_client_reads_every_server_message_kind() {
        use yrs::sync::{Awareness, Message};
        let update = some_update();
        let mut awareness = Awareness::new(Doc::new());
        awareness.set_local_state_raw(r#"{"name":"Anna"}"#);
        let presence = awareness.update().expect("own state");
        let mut frame = sync_step1_frame(&StateVector::default());
        frame.extend(sync_step2_frame(&update));
        frame.extend(update_frame(&update));
        frame.extend(awareness_frame(&presence));
        frame.extend(Message::Auth(Some("no".into())).encode_v1());
        frame.extend(Message::Auth(None).encode_v1());
        frame.extend(query_awareness_frame());
        frame.extend(tagged_frame(42, b"unknown"));
        frame.extend(meeting_frame(b"{}"));
        frame.extend(command_reply_frame(b"[]"));
        assert_eq!(
            decode_server_frame(&frame),
            vec![
                ServerMessage::SyncStep1(StateVector::default()),
                ServerMessage::Update(update.clone()),
                ServerMessage::Update(update),
                ServerMessage::Awareness(presence),
                ServerMessage::QueryAwareness,
                ServerMessage::Notice(ServerNotice::Meeting(b"{}".to_vec())),
                ServerMessage::Notice(ServerNotice::CommandReply(b"[]".to_vec())),
            ]
        );
    }

    #[test]
    fn a_client_keeps_what_came_before_a_broken_message() {
        let mut frame = meeting_frame(b"{}");
        // An awareness payload that is not one is skipped; the frame reads on.
        frame.extend(tagged_frame(MSG_AWARENESS, &[0x05]));
        frame.extend(query_awareness_frame());
        // A length past the end breaks the frame off.
        frame.extend([MSG_MEETING, 0x09, b'{']);
        assert_eq!(
            decode_server_frame(&frame),
            vec![
                ServerMessage::Notice(ServerNotice::Meeting(b"{}".to_vec())),
                ServerMessage::QueryAwareness,
            ]
        );
        assert!(decode_server_frame(&[]).is_empty());
    }

    #[test]
    fn a_bad_message_after_good_ones_refuses_the_whole_frame() {
        let mut frame = query_awareness_frame();
        frame.push(77);
        assert!(decode_frame(&frame).is_err());
    }
}
