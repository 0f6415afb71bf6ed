//! How a connection ends: the WebSocket close codes the server uses and the reason sent
//! with each, for a room's [`Closing`] and for a refused join ([`JoinError`]). The
//! browser client reads the codes (4001 to 4004 stop it reconnecting), so they stay put.

use crate::rooms::{Closing, JoinError};

/// WebSocket close codes used by the server (RFC 6455 §7.4.1).
pub mod close_code {
    pub const GOING_AWAY: u16 = 1001;
    pub const PROTOCOL_ERROR: u16 = 1002;
    pub const UNSUPPORTED_DATA: u16 = 1003;
    pub const POLICY_VIOLATION: u16 = 1008;
    pub const MESSAGE_TOO_BIG: u16 = 1009;
    pub const INTERNAL_ERROR: u16 = 1011;
    pub const TRY_AGAIN_LATER: u16 = 1013;
    /// Application code: the facilitator removed this person from the meeting.
    pub const REMOVED: u16 = 4001;
    /// Application code: the board's document reached its size limit.
    pub const DOCUMENT_FULL: u16 = 4002;
    /// Application code: the board was deleted.
    pub const DELETED: u16 = 4003;
    /// Application code: the link the connection came with was replaced.
    pub const LINK_REPLACED: u16 = 4004;
}

/// The close code and reason for a room closing the connection.
pub fn closing_frame(why: Closing) -> (u16, &'static str) {
    match why {
        Closing::Removed => (
            close_code::REMOVED,
            "removed from the meeting by the facilitator",
        ),
        Closing::Unreadable => (
            close_code::INTERNAL_ERROR,
            "the board could not be read; try again",
        ),
        Closing::PresenceTooLarge => (close_code::MESSAGE_TOO_BIG, "presence state too large"),
        Closing::PresenceUnapplicable => (
            close_code::PROTOCOL_ERROR,
            "presence update could not be applied",
        ),
        Closing::UpdateUnapplicable => (close_code::PROTOCOL_ERROR, "update could not be applied"),
        Closing::NotStored => (
            close_code::INTERNAL_ERROR,
            "could not store your change; it is kept on your device",
        ),
        Closing::DocumentFull => (
            close_code::DOCUMENT_FULL,
            "the board reached its size limit; your edit was not saved",
        ),
        Closing::Reloading => (
            close_code::TRY_AGAIN_LATER,
            "the board is reloading; reconnect",
        ),
        Closing::ShuttingDown => (close_code::GOING_AWAY, "server is restarting"),
        Closing::Deleted => (close_code::DELETED, "the meeting was deleted"),
        Closing::LinkReplaced => (
            close_code::LINK_REPLACED,
            "the link was replaced; ask the facilitator for the new one",
        ),
    }
}

/// The close code and reason for a connection its room would not take.
pub fn refused_join_frame(refused: &JoinError) -> (u16, &'static str) {
    match refused {
        JoinError::Full => (close_code::TRY_AGAIN_LATER, "board is full"),
        JoinError::Unavailable => (close_code::INTERNAL_ERROR, "board could not be loaded"),
        JoinError::ShuttingDown => closing_frame(Closing::ShuttingDown),
        JoinError::Removed => closing_frame(Closing::Removed),
        JoinError::TooManyConnections => (
            close_code::TRY_AGAIN_LATER,
            "too many connections with this member key; close another tab",
        ),
    }
}
