//! Identifiers: board and team ids and access tokens (which appear in URLs), and the
//! public id of a person on a board.
//!
//! Both are random strings in URL-safe base64 without padding. A board id carries 128
//! random bits, a token 256; this module only checks their *shape*, so that anything
//! else is refused before it reaches storage (no path tricks, no unbounded input).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Number of random bytes behind a board id (128 bits).
pub const BOARD_ID_BYTES: usize = 16;
/// Number of random bytes behind an access token (256 bits).
pub const TOKEN_BYTES: usize = 32;

/// Length of the base64url (unpadded) text of `bytes` random bytes.
pub const fn encoded_len(bytes: usize) -> usize {
    (bytes * 4).div_ceil(3)
}

/// Defines an id type: a string of [`BOARD_ID_BYTES`] random bytes in URL-safe base64,
/// checked on parsing and on deserialising.
macro_rules! random_id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Accepts `text` if it has the shape of this id.
            pub fn parse(text: &str) -> Result<Self, MalformedId> {
                check_shape(text, BOARD_ID_BYTES)?;
                Ok(Self(text.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = MalformedId;
            fn try_from(text: String) -> Result<Self, Self::Error> {
                check_shape(&text, BOARD_ID_BYTES)?;
                Ok(Self(text))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// Why a string is not a valid id or token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected} URL-safe base64 characters")]
pub struct MalformedId {
    expected: usize,
}

fn check_shape(text: &str, bytes: usize) -> Result<(), MalformedId> {
    let expected = encoded_len(bytes);
    let well_formed = text.len() == expected
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if well_formed {
        Ok(())
    } else {
        Err(MalformedId { expected })
    }
}

random_id_type!(
    /// The id of one board (one meeting's shared document).
    BoardId
);

random_id_type!(
    /// The id of one team (a *leerkring*): the meetings it holds, its development points
    /// and its visitation pack.
    TeamId
);

/// Public id of a person on a board (the server derives it from the person's secret key).
pub type MemberId = String;

/// True if `text` has the shape of an access token. Used to refuse junk early; whether a
/// token is *right* is decided by comparing it with the board's tokens.
pub fn is_token_shaped(text: &str) -> bool {
    check_shape(text, TOKEN_BYTES).is_ok()
}

/// What a token allows its holder to do on a board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Leads the meeting (*begeleider*).
    Facilitator,
    /// Takes part (*deelnemer*).
    Participant,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_ids_have_a_fixed_url_safe_shape() {
        assert_eq!(encoded_len(BOARD_ID_BYTES), 22);
        assert!(BoardId::parse("AAAAAAAAAAAAAAAAAAAAAA").is_ok());
        assert!(BoardId::parse("abc-_0123456789ABCDEFG").is_ok());
        assert!(BoardId::parse("AAAAAAAAAAAAAAAAAAAAA").is_err());
        assert!(BoardId::parse("../../../../etc/passwd").is_err());
        assert!(BoardId::parse("AAAAAAAAAAAAAAAAAAAA/A").is_err());
        assert!(BoardId::parse("").is_err());
    }

    #[test]
    fn tokens_have_a_fixed_url_safe_shape() {
        assert_eq!(encoded_len(TOKEN_BYTES), 43);
        assert!(is_token_shaped(&"x".repeat(43)));
        assert!(!is_token_shaped(&"x".repeat(42)));
        assert!(!is_token_shaped(&format!("{}=", "x".repeat(42))));
    }
}
