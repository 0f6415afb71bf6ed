//! The y-websocket protocol as each benchmarked server speaks it: the frames a load
//! client sends and what it makes of the frames it receives.
//!
//! Leerkring and the y-websocket reference server speak plain y-websocket (the message
//! builders are `leerkring_shared::protocol`'s, the same the server and the tests use).
//! Hocuspocus prefixes every message, both ways, with the document's name (a var-string)
//! and wants an auth message (type 2, token) before it syncs; it also acknowledges each
//! update to its sender (type 8) and answers a sync step 1 with a sync step 2 plus its
//! own step 1 as type 4. Anything a load client does not need (Leerkring's own messages
//! 100–102, acknowledgements, auth replies) is reported as [`Incoming::Other`].

use std::sync::Arc;

use leerkring_shared::protocol::{
    awareness_frame, sync_step1_frame, update_frame, AUTH_MESSAGE_TAG, MSG_SYNC, SYNC_STEP_1,
    SYNC_STEP_2, SYNC_UPDATE,
};
use yrs::encoding::read::{Cursor, Read};
use yrs::encoding::write::Write;
use yrs::sync::awareness::AwarenessUpdateEntry;
use yrs::sync::AwarenessUpdate;
use yrs::{ClientID, StateVector};

/// The servers the load generator can talk to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Flavour {
    Leerkring,
    Hocuspocus,
    YWebsocket,
}

impl Flavour {
    pub fn name(self) -> &'static str {
        match self {
            Flavour::Leerkring => "Leerkring",
            Flavour::Hocuspocus => "Hocuspocus",
            Flavour::YWebsocket => "y-websocket",
        }
    }
}

/// Hocuspocus's auth sub-message carrying a token.
const HOCUSPOCUS_AUTH_TOKEN: u8 = 0;

/// One board (document) on one server, and how to address it.
#[derive(Clone, Debug)]
pub struct BoardAddress {
    pub flavour: Flavour,
    /// The WebSocket URL to connect to.
    pub url: String,
    /// The document's name (Hocuspocus puts it in every message).
    pub doc_name: String,
}

/// What a load client makes of a frame from the server.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming<'a> {
    /// The server's state vector (it wants what we have).
    SyncStep1,
    /// The answer to our sync step 1: the document as an update.
    SyncStep2(&'a [u8]),
    /// Somebody's edit.
    Update(&'a [u8]),
    /// Presence, acknowledgements, auth replies, Leerkring's meeting messages.
    Other,
}

impl BoardAddress {
    /// Wraps one y-websocket message as this server wants it on the wire.
    fn frame(&self, message: Vec<u8>) -> Vec<u8> {
        match self.flavour {
            Flavour::Hocuspocus => {
                let mut frame = Vec::with_capacity(self.doc_name.len() + message.len() + 2);
                frame.write_string(&self.doc_name);
                frame.extend_from_slice(&message);
                frame
            }
            Flavour::Leerkring | Flavour::YWebsocket => message,
        }
    }

    /// What a client must send before anything else, if anything.
    pub fn greeting(&self) -> Option<Vec<u8>> {
        (self.flavour == Flavour::Hocuspocus).then(|| {
            let mut auth = Vec::new();
            auth.write_var(AUTH_MESSAGE_TAG);
            auth.write_var(HOCUSPOCUS_AUTH_TOKEN);
            auth.write_string("");
            self.frame(auth)
        })
    }

    /// "Here is my state vector; send me what I lack."
    pub fn sync_step1(&self, state: &StateVector) -> Vec<u8> {
        self.frame(sync_step1_frame(state))
    }

    /// One document update.
    pub fn update(&self, update: &[u8]) -> Vec<u8> {
        self.frame(update_frame(update))
    }

    /// A presence state (`json`) of `client`, the `clock`-th time it is announced.
    pub fn awareness(&self, client: u64, clock: u32, json: &str) -> Vec<u8> {
        let entry = AwarenessUpdateEntry {
            clock,
            json: Arc::from(json),
        };
        let update = AwarenessUpdate {
            clients: [(ClientID::new(client), entry)].into_iter().collect(),
        };
        self.frame(awareness_frame(&update))
    }

    /// Reads a frame from the server. Frames that do not parse count as
    /// [`Incoming::Other`]: a load client reports what arrived, it does not police it.
    pub fn read<'a>(&self, frame: &'a [u8]) -> Incoming<'a> {
        let mut cursor = Cursor::new(frame);
        if self.flavour == Flavour::Hocuspocus && cursor.read_string().is_err() {
            return Incoming::Other;
        }
        read_sync(&mut cursor).unwrap_or(Incoming::Other)
    }
}

fn read_sync<'a>(cursor: &mut Cursor<'a>) -> Option<Incoming<'a>> {
    let tag: u64 = cursor.read_var().ok()?;
    if tag != u64::from(MSG_SYNC) {
        return None;
    }
    let step: u64 = cursor.read_var().ok()?;
    match u8::try_from(step).ok()? {
        SYNC_STEP_1 => Some(Incoming::SyncStep1),
        SYNC_STEP_2 => read_payload(cursor).map(Incoming::SyncStep2),
        SYNC_UPDATE => read_payload(cursor).map(Incoming::Update),
        _ => None,
    }
}

/// A length-prefixed payload, borrowed from the frame itself (yrs's `read_buf` borrows
/// it from the cursor).
fn read_payload<'a>(cursor: &mut Cursor<'a>) -> Option<&'a [u8]> {
    let length: usize = cursor.read_var().ok()?;
    let end = cursor.next.checked_add(length)?;
    let payload = cursor.buf.get(cursor.next..end)?;
    cursor.next = end;
    Some(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board(flavour: Flavour) -> BoardAddress {
        BoardAddress {
            flavour,
            url: "ws://127.0.0.1:1/".into(),
            doc_name: "bord".into(),
        }
    }

    #[test]
    fn plain_servers_get_plain_y_websocket_and_hocuspocus_gets_the_name_first() {
        let plain = board(Flavour::Leerkring);
        assert_eq!(plain.update(&[7, 7]), vec![0, 2, 2, 7, 7]);
        assert_eq!(plain.greeting(), None);
        assert_eq!(plain.read(&[0, 2, 2, 7, 7]), Incoming::Update(&[7, 7]));
        assert_eq!(plain.read(&[0, 1, 1, 9]), Incoming::SyncStep2(&[9]));
        assert_eq!(plain.read(&[102, 2, b'{', b'}']), Incoming::Other);

        let hocuspocus = board(Flavour::Hocuspocus);
        let named = |rest: &[u8]| [&[4, b'b', b'o', b'r', b'd'][..], rest].concat();
        assert_eq!(hocuspocus.update(&[7]), named(&[0, 2, 1, 7]));
        assert_eq!(hocuspocus.greeting(), Some(named(&[2, 0, 0])));
        assert_eq!(
            hocuspocus.read(&named(&[0, 2, 1, 7])),
            Incoming::Update(&[7])
        );
        assert_eq!(hocuspocus.read(&named(&[4, 0, 0])), Incoming::Other);
        assert_eq!(hocuspocus.read(&named(&[8, 1])), Incoming::Other);
        assert_eq!(hocuspocus.read(&[200]), Incoming::Other);
    }
}
