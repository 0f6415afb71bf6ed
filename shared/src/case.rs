//! The case consultation (*omgangsoverleg*, `METHOD.md`): who brings each case and when
//! the team comes back to it. What the group writes about a case (intake, the four
//! phases, the closing reflection) lives in the board's document under the case's id
//! (`model::case_root`); this module holds what the server decides.
//!
//! The rules run on the server through [`crate::meeting::Meeting::apply`]: only the
//! facilitator names the contributor (*inbrenger*); only the contributor and the
//! facilitator write the intake (enforced on document updates, see
//! [`crate::meeting::Meeting::read_only_roots`]) and set the follow-up.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::MemberId;
use crate::refusal::Refusal;

/// One case: the case consultation at one place on the agenda.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// Names the case's parts of the board's document; stays when the contributor changes.
    pub id: String,
    /// The *inbrenger*.
    pub contributor: MemberId,
    /// When the team comes back to the case (*terugkomen op*).
    #[serde(default)]
    pub follow_up: Option<FollowUp>,
}

/// When the team comes back to a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "when", rename_all = "snake_case")]
pub enum FollowUp {
    /// On a calendar date, `YYYY-MM-DD`.
    Date { date: String },
    /// In the team's next meeting.
    NextMeeting,
}

/// The meeting's cases, by the agenda position of their case consultation.
pub type Cases = BTreeMap<usize, Case>;

/// Names `contributor` for the case at `activity`; a new case gets an id made from
/// `random`.
pub fn name_contributor(cases: &mut Cases, activity: usize, contributor: MemberId, random: u64) {
    let id = format!("{random:016x}");
    cases
        .entry(activity)
        .and_modify(|case| case.contributor.clone_from(&contributor))
        .or_insert(Case {
            id,
            contributor,
            follow_up: None,
        });
}

/// Checks a follow-up before it is kept: a date must be a real calendar date.
pub fn check_follow_up(follow_up: &FollowUp) -> Result<(), Refusal> {
    match follow_up {
        FollowUp::NextMeeting => Ok(()),
        FollowUp::Date { date } if is_calendar_date(date) => Ok(()),
        FollowUp::Date { .. } => Err(Refusal::invalid(
            "the follow-up date must be a date written YYYY-MM-DD",
            "De datum om op terug te komen moet een echte datum zijn (JJJJ-MM-DD).",
        )),
    }
}

/// Whether `text` is a date `YYYY-MM-DD` that exists (years 2000 to 2199).
fn is_calendar_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return false;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    (2000..2200).contains(&year) && (1..=days_in_month).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_dates_are_follow_up_dates() {
        for good in ["2027-01-12", "2028-02-29", "2026-12-31"] {
            assert!(is_calendar_date(good), "{good}");
        }
        for bad in [
            "2027-02-29",
            "2027-13-01",
            "2027-00-10",
            "2027-04-31",
            "12-01-2027",
            "2027-1-12",
            "2027-01-12x",
            "",
            "１２３４-01-01",
        ] {
            assert!(!is_calendar_date(bad), "{bad}");
        }
    }

    #[test]
    fn renaming_the_contributor_keeps_the_case() {
        let mut cases = Cases::new();
        name_contributor(&mut cases, 1, "a".into(), 7);
        name_contributor(&mut cases, 1, "b".into(), 8);
        assert_eq!(cases[&1].contributor, "b");
        assert_eq!(cases[&1].id, format!("{:016x}", 7));
    }
}
