//! [`Command`]: everything a client may ask of the meeting, as the JSON the API and the
//! WebSocket carry, and which commands only the facilitator may send.

use serde::{Deserialize, Serialize};

use super::{ActivityKind, GroupPlan};
use crate::case::FollowUp;
use crate::ids::MemberId;

/// Everything a client may ask of the meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Introduce yourself (or change your name). Anyone.
    Hello {
        name: String,
    },
    /// Replace the agenda; the meeting goes to its first step. Facilitator.
    SetAgenda {
        activities: Vec<ActivityKind>,
    },
    /// Facilitator.
    NextStep,
    /// Facilitator.
    PreviousStep,
    /// Facilitator.
    GoToStep {
        activity: usize,
        step: usize,
    },
    /// Start the countdown; `seconds` defaults to the step's suggested length. Facilitator.
    StartTimer {
        seconds: Option<u32>,
    },
    /// Facilitator.
    PauseTimer,
    /// Facilitator.
    ResumeTimer,
    /// Facilitator.
    StopTimer,
    /// Split the people present into groups. Facilitator.
    FormGroups {
        plan: GroupPlan,
    },
    /// Back to plenary; the groups' work stays visible. Facilitator.
    EndGroups,
    /// Open a vote. Facilitator.
    OpenVote {
        question: String,
        options: Vec<String>,
        votes_per_person: Option<u32>,
        max_per_option: Option<u32>,
        facilitator_votes: Option<bool>,
    },
    /// Your whole ballot: the option indices you vote for (replaces an earlier ballot).
    CastVote {
        options: Vec<usize>,
    },
    /// No more ballots. Facilitator.
    CloseVote,
    /// Show the results (closes the vote if still open). Facilitator.
    RevealVote,
    /// Make the shared table read-only for participants. Facilitator.
    LockTable,
    /// Facilitator.
    UnlockTable,
    /// Hand the facilitator role to a member. Facilitator.
    HandOver {
        member: MemberId,
    },
    /// Take the role back. Only a holder of the board's facilitator token.
    Reclaim,
    /// Facilitator.
    RenameMember {
        member: MemberId,
        name: String,
    },
    /// Remove a member from the meeting, or refuse one in the waiting room ("Weigeren"):
    /// that device may not come back. Facilitator.
    RemoveMember {
        member: MemberId,
    },
    /// Let a member in from the waiting room ("Toelaten"). Facilitator.
    AdmitMember {
        member: MemberId,
    },
    /// Switch the waiting room on or off; off lets in everyone waiting. Facilitator.
    SetWaitingRoom {
        on: bool,
    },
    /// Add a card of the team's own to the deck. Anyone.
    AddCard {
        name: String,
        text: String,
    },
    /// Round 1 of the card activity: your card and why (replaces an earlier pick). Anyone,
    /// during round 1 only.
    PickCard {
        card: String,
        motivation: String,
    },
    /// Put your card back. During round 1 only.
    UnpickCard,
    /// Show a picked card large to everyone while it is read out (`None`: stop showing).
    /// The facilitator, or the card's holder for their own card.
    ReadOut {
        card: Option<String>,
    },
    /// Round 2: put a card in play at `place` (0, 1 or 2) of a group's top three, or
    /// empty the place (`card` empty). A member of the group for their own group (`group`
    /// empty), the facilitator for any group.
    SetGroupTop {
        group: Option<usize>,
        place: usize,
        card: Option<String>,
    },
    /// Round 3: settle the team's top three of the cards in play. Facilitator.
    SetTeamTop {
        cards: Vec<String>,
    },
    /// Round 3's check round: "Ik kan me hierin vinden" (`agree`) or "Nog niet" and why.
    AnswerTeamTop {
        agree: bool,
        #[serde(default)]
        reason: String,
    },
    /// The facilitator records why the team goes on to adopting without everyone agreeing.
    MoveOnWithoutAgreement {
        reason: String,
    },
    /// Adopt a virtue of the team's top three: yourself (`member` empty), or anyone when
    /// the facilitator does it.
    Adopt {
        virtue: String,
        member: Option<MemberId>,
    },
    /// Undo an adoption; same rights as [`Command::Adopt`].
    Unadopt {
        virtue: String,
        member: Option<MemberId>,
    },
    /// Name the contributor (*inbrenger*) of the case consultation at `activity` (the
    /// current activity when empty). Facilitator.
    NameContributor {
        activity: Option<usize>,
        member: MemberId,
    },
    /// When the team comes back to the case at `activity` (the current activity when
    /// empty); `None` clears it. The facilitator or the case's contributor.
    SetFollowUp {
        activity: Option<usize>,
        follow_up: Option<FollowUp>,
    },
    /// "Geen persoonsgegeven": the flagged `text` is not personal data, for the whole
    /// meeting and its export. Any member; recorded with who and when.
    ClearFlag {
        text: String,
    },
    /// "Bijeenkomst afronden".
    FinishMeeting,
    ReopenMeeting,
}

impl Command {
    /// Whether only the facilitator may send this command.
    pub fn needs_facilitator(&self) -> bool {
        !matches!(
            self,
            Command::Hello { .. }
                | Command::CastVote { .. }
                | Command::Reclaim
                | Command::AddCard { .. }
                | Command::PickCard { .. }
                | Command::UnpickCard
                | Command::ReadOut { .. }
                | Command::SetGroupTop { .. }
                | Command::AnswerTeamTop { .. }
                | Command::Adopt { .. }
                | Command::Unadopt { .. }
                | Command::SetFollowUp { .. }
                | Command::ClearFlag { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_round_trip_as_tagged_json() {
        let json = r#"{"type":"cast_vote","options":[0,2]}"#;
        let command: Command = serde_json::from_str(json).expect("parse");
        assert_eq!(
            command,
            Command::CastVote {
                options: vec![0, 2]
            }
        );
        let form: Command =
            serde_json::from_str(r#"{"type":"form_groups","plan":{"mode":"count","groups":3}}"#)
                .expect("parse");
        assert_eq!(
            form,
            Command::FormGroups {
                plan: GroupPlan::Count { groups: 3 }
            }
        );
    }
}
