//! The layout of a board's shared document and of each person's presence state.
//!
//! Every client reads and writes the document through these names, so they are the
//! schema of a board; [`crate::document`] reads and writes its parts by them. The server
//! stores and relays updates, and reads them only for the write filter's read-only parts
//! and the visitation pack.

use serde::{Deserialize, Serialize};

/// The shared flip-over (*flip-over*): free text the whole group writes on together.
pub const FLIPOVER: &str = "flipover";

/// The shared virtue table (*te weinig / deugd / te veel*): a `Y.Array` of rows, each a
/// `Y.Map`.
pub const VIRTUE_TABLE: &str = "virtue_table";

/// The key of every list item's stable id (a string): virtue table rows, practice
/// stories, notes.
pub const ITEM_ID: &str = "id";

/// Keys of a virtue table row (a `Y.Map`): besides its id, one `Y.Text` per column.
pub mod row {
    pub const TOO_LITTLE: &str = "te_weinig";
    pub const VIRTUE: &str = "deugd";
    pub const TOO_MUCH: &str = "te_veel";
    /// The three text columns, in the order the table shows them.
    pub const COLUMNS: [&str; 3] = [TOO_LITTLE, VIRTUE, TOO_MUCH];
}

/// The kind of shared type at a root of the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootKind {
    Text,
    Array,
}

/// The parts of the document that become read-only for participants while the
/// facilitator has locked the table (for instance while reviewing it together).
pub const LOCKABLE: [(&str, RootKind); 2] =
    [(VIRTUE_TABLE, RootKind::Array), (FLIPOVER, RootKind::Text)];

/// The shared notes of group `index` (0-based) of the `formation`-th grouping of the
/// meeting: each group's own workspace, fresh each time groups are formed.
pub fn group_notes(formation: u32, index: usize) -> String {
    format!("group_notes_{formation}_{index}")
}

/// Activity A's practice stories of group `index` of grouping `formation`: a `Y.Array` of
/// `Y.Map`s with [`story`] keys.
pub fn practice_stories(formation: u32, index: usize) -> String {
    format!("{PRACTICE_STORIES_PREFIX}{formation}_{index}")
}

const PRACTICE_STORIES_PREFIX: &str = "practice_stories_";

/// Whether `root` is one of [`practice_stories`]' roots.
pub fn is_practice_stories(root: &str) -> bool {
    root.starts_with(PRACTICE_STORIES_PREFIX)
}

/// Keys of a practice story (a `Y.Map`).
pub mod story {
    /// The virtue the story is about (`Y.Text`).
    pub const VIRTUE: &str = "deugd";
    /// Where the teller acted from: one of [`STANCES`] (a string).
    pub const STANCE: &str = "houding";
    /// The story itself (`Y.Text`).
    pub const TEXT: &str = "verhaal";
    /// From the middle, too little, too much.
    pub const STANCES: [&str; 3] = ["midden", "te_weinig", "te_veel"];
}

/// The answers to one debrief question of the activity at agenda position `activity`: a
/// `Y.Array` of `Y.Map`s with [`note`] keys. `question` is [`DEBRIEF_YIELD`] or
/// [`DEBRIEF_USABLE`].
pub fn debrief_answers(activity: usize, question: &str) -> String {
    format!("debrief_{activity}_{question}")
}

/// *Wat heeft deze oefening opgeleverd?*
pub const DEBRIEF_YIELD: &str = "opgeleverd";
/// *Wat is bruikbaar in je praktijk?*
pub const DEBRIEF_USABLE: &str = "bruikbaar";

/// Keys of a note on a list (a `Y.Map`), such as a debrief answer.
pub mod note {
    /// Who wrote it (their display name when they added it).
    pub const AUTHOR: &str = "auteur";
    /// The note itself (`Y.Text`).
    pub const TEXT: &str = "tekst";
}

/// A part of case `case_id`'s record (`case::Case::id`): `field` is one of [`case_part`].
pub fn case_root(case_id: &str, field: &str) -> String {
    format!("case_{case_id}_{field}")
}

/// The parts of a case's record in the document, each a root of its own.
pub mod case_part {
    use super::RootKind;

    /// Intake (`Y.Text`s), written by the contributor (and the facilitator): an anonymous
    /// title, a short description, the learning question.
    pub const TITLE: &str = "titel";
    pub const DESCRIPTION: &str = "beschrijving";
    pub const QUESTION: &str = "leervraag";
    /// The intake, which only the contributor and the facilitator may change.
    pub const INTAKE: [(&str, RootKind); 3] = [
        (TITLE, RootKind::Text),
        (DESCRIPTION, RootKind::Text),
        (QUESTION, RootKind::Text),
    ];
    /// Virtues at stake according to the contributor, and according to the others: each a
    /// `Y.Array` of `Y.Map`s with a plain string [`super::stake::VIRTUE`].
    pub const VIRTUES_CONTRIBUTOR: &str = "deugden_inbrenger";
    pub const VIRTUES_OTHERS: &str = "deugden_anderen";
    /// Phase 1, *verkennen*: observations and interpretations (note lists) and what goes on
    /// in the relationship between worker and client (`Y.Text`).
    pub const OBSERVATIONS: &str = "waarneming";
    pub const INTERPRETATIONS: &str = "interpretatie";
    pub const RELATIONSHIP: &str = "relatie";
    /// Phase 2, *onderzoeken*: the options, each with the client's perspective on it
    /// (`Y.Array` of `Y.Map`s with [`super::note`] and [`super::option`] keys).
    pub const OPTIONS: &str = "opties";
    /// Phase 3, *besluiten* (`Y.Text`s).
    pub const FIRST_IMPULSE: &str = "eerste_impuls";
    pub const DECISION: &str = "besluit";
    pub const DIFFERENCE: &str = "verschil";
    /// Phase 4, *leren*: lessons at meta level (note list), a deviation from agreements or
    /// protocols and how it is justified (`Y.Text`s).
    pub const LESSONS: &str = "lessen";
    pub const DEVIATION: &str = "afwijking";
    pub const JUSTIFICATION: &str = "verantwoording";
    /// The closing reflection along Baart's frame (`Y.Text`s).
    pub const REFLECTION: [&str; 4] =
        ["waarnemen", "begrijpen_beoordelen", "doen", "verantwoorden"];
    /// Coming back to the case later (`Y.Text`s): what worked, why not, what it needs.
    pub const REVISIT: [&str; 3] = ["gelukt", "waarom_niet", "nodig"];
}

/// Keys of a virtue at stake in a case (a `Y.Map`).
pub mod stake {
    /// The virtue's name (a plain string).
    pub const VIRTUE: &str = "deugd";
}

/// Keys of an option in phase 2 of a case (a `Y.Map`): a [`note`] (the option itself in
/// its text) with one more text.
pub mod option {
    /// How the option looks from the client's perspective (`Y.Text`).
    pub const CLIENT_VIEW: &str = "clientperspectief";
}

/// What one person's client announces about them over awareness.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Presence {
    /// Display name chosen on joining.
    pub name: String,
    /// Colour (CSS hex) marking this person in the presence list and on what they edit.
    pub color: String,
    /// Stable id of this person on this device, so a reload is not a new person.
    pub participant: String,
    /// The field this person is typing in, if any (e.g. [`FLIPOVER`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editing: Option<String>,
}

/// Colours for presence, each with at least 4.5:1 contrast against white so a name in
/// that colour stays readable (WCAG 2.1 AA).
pub const PRESENCE_COLORS: [&str; 8] = [
    "#b4006e", "#0b6b3a", "#1f4fb8", "#a33b00", "#6a3dad", "#00677f", "#8a5300", "#b3261e",
];

/// The colour for a participant id: stable, and spread over the palette.
pub fn color_for(participant: &str) -> &'static str {
    let hash = participant.bytes().fold(0u32, |hash, byte| {
        hash.wrapping_mul(31).wrapping_add(u32::from(byte))
    });
    PRESENCE_COLORS[hash as usize % PRESENCE_COLORS.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative luminance per WCAG 2.1.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let value = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")) / 255.0;
            if value <= 0.03928 {
                value / 12.92
            } else {
                ((value + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    #[test]
    fn presence_colours_are_readable_on_white() {
        for color in PRESENCE_COLORS {
            let contrast = 1.05 / (luminance(color) + 0.05);
            assert!(contrast >= 4.5, "{color} has contrast {contrast:.2}");
        }
    }

    #[test]
    fn a_participant_keeps_their_colour() {
        assert_eq!(color_for("abc"), color_for("abc"));
        let spread: std::collections::HashSet<_> =
            (0..64).map(|n| color_for(&format!("p{n}"))).collect();
        assert!(spread.len() >= 6, "colours are spread: {spread:?}");
    }

    #[test]
    fn presence_round_trips_as_json() {
        let presence = Presence {
            name: "Anna".into(),
            color: color_for("x").into(),
            participant: "x".into(),
            editing: None,
        };
        let json = serde_json::to_string(&presence).expect("json");
        assert!(!json.contains("editing"));
        assert_eq!(
            serde_json::from_str::<Presence>(&json).expect("parse"),
            presence
        );
    }
}
