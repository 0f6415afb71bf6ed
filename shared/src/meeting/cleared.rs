//! Texts the privacy guard flagged that someone in the meeting said are not personal data
//! (*Geen persoonsgegeven*). The server records each one with who said so and when, after
//! checking that the guard really flags exactly that text; the visitation pack trusts only
//! these records. Anything written into the shared document counts for nothing: every
//! participant can write there.

use serde::{Deserialize, Serialize};

use super::{Caller, Meeting};
use crate::ids::MemberId;
use crate::privacy;
use crate::refusal::Refusal;

/// The longest flagged text that can be cleared. What the guard flags is short (a number,
/// an address, a name); the limit keeps the meeting's record small.
pub const MAX_CLEARED_CHARS: usize = 200;

/// How many texts one meeting can clear: far more than a meeting writes, few enough that
/// every view stays small.
pub const MAX_CLEARED_TEXTS: usize = 500;

/// One flagged text someone said is not personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClearedText {
    pub text: String,
    /// Who said so.
    pub by: MemberId,
    /// When, in milliseconds since the Unix epoch (server clock).
    pub at_ms: u64,
}

impl Meeting {
    /// Records that `caller` says the flagged `text` is not personal data, for the whole
    /// meeting. Clearing a text again changes nothing.
    pub(super) fn clear_flag(
        &mut self,
        caller: &Caller,
        text: &str,
        now_ms: u64,
    ) -> Result<(), Refusal> {
        let by = self.known_member(
            caller,
            (
                "clear a privacy warning",
                "een privacywaarschuwing weg te halen",
            ),
        )?;
        if text.chars().count() > MAX_CLEARED_CHARS {
            return Err(Refusal::invalid(
                format!("a cleared text is at most {MAX_CLEARED_CHARS} characters"),
                format!("Een vrijgegeven tekst is hoogstens {MAX_CLEARED_CHARS} tekens."),
            ));
        }
        let flagged_whole = privacy::scan(text)
            .iter()
            .any(|finding| finding.range == (0..text.len()));
        if !flagged_whole {
            return Err(Refusal::invalid(
                "the privacy guard does not flag this text, so there is nothing to clear",
                "De privacycontrole ziet in deze tekst niets, dus er is niets vrij te geven.",
            ));
        }
        if self.is_cleared(text) {
            return Ok(());
        }
        if self.cleared.len() >= MAX_CLEARED_TEXTS {
            return Err(Refusal::conflict(
                format!("this meeting cannot clear more than {MAX_CLEARED_TEXTS} texts"),
                format!("In deze bijeenkomst kun je niet meer dan {MAX_CLEARED_TEXTS} teksten vrijgeven."),
            ));
        }
        self.cleared.push(ClearedText {
            text: text.to_owned(),
            by,
            at_ms: now_ms,
        });
        Ok(())
    }

    /// Whether someone in the meeting cleared `flagged`.
    pub fn is_cleared(&self, flagged: &str) -> bool {
        self.cleared.iter().any(|cleared| cleared.text == flagged)
    }
}
