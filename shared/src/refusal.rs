//! The shared vocabulary of refusals: [`Refusal`] (an HTTP-style status and why, in
//! English and in Dutch), [`Subject`] (what a refusal talks about) and the one check of
//! short texts people type ([`TextRule`]), used by the meeting, the card game, the team
//! and the HTTP API alike.

use serde::{Deserialize, Serialize};

/// Longest name, question, vote option or card name, in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// A refused command: an HTTP status (401, 403, 404, 409 or 422) and why, in English (the
/// stable reason of the API) and in Dutch (what the interface shows people).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{status}: {reason}")]
pub struct Refusal {
    pub status: u16,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_nl: Option<String>,
}

impl Refusal {
    fn new(status: u16, reason: impl Into<String>, reason_nl: impl Into<String>) -> Self {
        Self {
            status,
            reason: reason.into(),
            reason_nl: Some(reason_nl.into()),
        }
    }

    pub fn forbidden(reason: impl Into<String>, reason_nl: impl Into<String>) -> Self {
        Self::new(403, reason, reason_nl)
    }

    pub fn conflict(reason: impl Into<String>, reason_nl: impl Into<String>) -> Self {
        Self::new(409, reason, reason_nl)
    }

    pub fn invalid(reason: impl Into<String>, reason_nl: impl Into<String>) -> Self {
        Self::new(422, reason, reason_nl)
    }

    pub fn not_found(reason: impl Into<String>, reason_nl: impl Into<String>) -> Self {
        Self::new(404, reason, reason_nl)
    }

    /// `410`: the meeting was deleted.
    pub fn gone() -> Self {
        Self::new(
            410,
            "this meeting was deleted",
            "Deze bijeenkomst is verwijderd.",
        )
    }

    /// `410`: the team was deleted.
    pub fn team_gone() -> Self {
        Self::new(410, "this team was deleted", "Dit team is verwijderd.")
    }
}

/// What a refusal talks about, in English and in Dutch (the Dutch starting a sentence):
/// `("the question", "De vraag")`.
pub type Subject<'a> = (&'a str, &'a str);

/// What a text field accepts. Every text is trimmed first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextRule {
    /// The most characters (not bytes) after trimming.
    pub max_chars: usize,
    /// Whether an empty text is refused.
    pub required: bool,
    /// Whether line breaks are allowed (every other control character is refused).
    pub multiline: bool,
}

/// Why a text did not pass its [`TextRule`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextFault {
    Empty,
    TooLong { max_chars: usize },
    ControlCharacter,
}

impl TextRule {
    /// One line of at most `max_chars`, not empty: names, titles, questions.
    pub const fn line(max_chars: usize) -> Self {
        Self {
            max_chars,
            required: true,
            multiline: false,
        }
    }

    /// A text of at most `max_chars` with line breaks, which may be empty.
    pub const fn paragraphs(max_chars: usize) -> Self {
        Self {
            max_chars,
            required: false,
            multiline: true,
        }
    }

    /// The same rule, but an empty text is refused.
    pub const fn required(self) -> Self {
        Self {
            required: true,
            ..self
        }
    }

    /// `text` trimmed, if it passes.
    pub fn check(self, text: &str) -> Result<String, TextFault> {
        let text = text.trim();
        if self.required && text.is_empty() {
            return Err(TextFault::Empty);
        }
        if text.chars().count() > self.max_chars {
            return Err(TextFault::TooLong {
                max_chars: self.max_chars,
            });
        }
        if text
            .chars()
            .any(|c| c.is_control() && !(self.multiline && c == '\n'))
        {
            return Err(TextFault::ControlCharacter);
        }
        Ok(text.to_owned())
    }

    /// `text` trimmed, or a refusal (422) saying what is wrong with `subject`.
    pub fn clean(self, text: &str, subject: Subject) -> Result<String, Refusal> {
        self.check(text).map_err(|fault| fault.refusal(subject))
    }
}

impl TextFault {
    /// The refusal, in the words every text field uses.
    pub fn refusal(self, (what, wat): Subject) -> Refusal {
        match self {
            TextFault::Empty => Refusal::invalid(
                format!("{what} must not be empty"),
                format!("{wat} mag niet leeg zijn."),
            ),
            TextFault::TooLong { max_chars } => Refusal::invalid(
                format!("{what} must be at most {max_chars} characters"),
                format!("{wat} mag hoogstens {max_chars} tekens lang zijn."),
            ),
            TextFault::ControlCharacter => Refusal::invalid(
                format!("{what} must not contain control characters"),
                format!("{wat} mag geen stuurtekens bevatten."),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_trimmed_bounded_in_characters_and_one_line() {
        let rule = TextRule::line(3);
        assert_eq!(rule.check("  éé "), Ok("éé".to_owned()));
        assert_eq!(rule.check("   "), Err(TextFault::Empty));
        assert_eq!(rule.check("abcd"), Err(TextFault::TooLong { max_chars: 3 }));
        assert_eq!(rule.check("a\nb"), Err(TextFault::ControlCharacter));
    }

    #[test]
    fn paragraphs_may_be_empty_and_keep_line_breaks_only() {
        let rule = TextRule::paragraphs(10);
        assert_eq!(rule.check(" "), Ok(String::new()));
        assert_eq!(rule.check("a\nb"), Ok("a\nb".to_owned()));
        assert_eq!(rule.check("a\tb"), Err(TextFault::ControlCharacter));
        assert_eq!(rule.required().check(""), Err(TextFault::Empty));
    }

    #[test]
    fn the_refusal_names_the_subject_and_the_limit() {
        let refusal = TextRule::line(3)
            .clean("abcd", ("the question", "De vraag"))
            .expect_err("too long");
        assert_eq!(refusal.status, 422);
        assert_eq!(refusal.reason, "the question must be at most 3 characters");
        assert_eq!(
            refusal.reason_nl.as_deref(),
            Some("De vraag mag hoogstens 3 tekens lang zijn.")
        );
    }
}
