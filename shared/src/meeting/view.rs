//! What each person sees of the meeting ([`MeetingView`]): everything but the ballots,
//! and a vote's counts only once revealed; someone in the waiting room sees only that
//! they wait, and the facilitator sees who waits.

use serde::{Deserialize, Serialize};

use super::members::Caller;
use super::vote::{RankedOption, Vote, VotePhase, VoteSettings};
use super::{ActivityKind, Context, Groups, Meeting, Member, Position, Step, Timer};
use crate::card_game::CardGame;
use crate::case::Cases;
use crate::ids::MemberId;

impl Meeting {
    /// The meeting as `caller` may see it.
    pub fn view_for(&self, caller: &Caller, context: &Context) -> MeetingView {
        if !self.lets_in(caller) {
            return self.waiting_view(caller);
        }
        let facilitator = self.is_facilitator(caller);
        let you = caller.member.clone();
        let people = |wanted: fn(&Member) -> bool| {
            self.members
                .iter()
                .filter(|(_, m)| wanted(m))
                .map(|(id, m)| ParticipantView {
                    member: id.clone(),
                    name: m.name.clone(),
                    connected: context.present.contains(id),
                    facilitator: self.delegate.as_ref() == Some(id),
                })
                .collect::<Vec<_>>()
        };
        let participants = people(Member::takes_part);
        // Only the facilitator sees who waits, and only those here now.
        let waiting = if facilitator {
            people(Member::waits)
                .into_iter()
                .filter(|p| p.connected)
                .collect()
        } else {
            Vec::new()
        };
        let your_group = you
            .as_ref()
            .and_then(|me| self.groups.as_ref()?.group_of(me));
        MeetingView {
            agenda: self
                .agenda
                .iter()
                .map(|kind| ActivityView {
                    kind: *kind,
                    steps: kind
                        .steps()
                        .iter()
                        .map(|&(key, minutes)| StepView { key, minutes })
                        .collect(),
                })
                .collect(),
            position: self.position,
            timer: self.timer,
            now_ms: context.now_ms,
            groups: self.groups.clone(),
            // An open vote is everyone's business; a closed one belongs to its activity
            // (the card vote does not follow the team into the case consultation).
            vote: self
                .vote
                .as_ref()
                .filter(|v| {
                    v.phase == VotePhase::Open
                        || v.opened_in.is_none_or(|at| at == self.position.activity)
                })
                .map(|v| v.view_for(you.as_deref())),
            table_locked: self.table_locked,
            cards: self.cards.clone(),
            cases: self.cases.clone(),
            cleared: self.cleared.iter().map(|c| c.text.clone()).collect(),
            participants,
            asked_to_agree: self.asked_to_agree(context),
            finished: self.finished_at_ms.is_some(),
            waiting_room: self.waiting_room,
            waiting,
            you: YouView {
                member: you,
                facilitator,
                facilitator_token: caller.facilitator_token,
                group: your_group,
                waiting: false,
            },
        }
    }

    /// What someone in the waiting room sees: that they wait, and nothing of the meeting.
    fn waiting_view(&self, caller: &Caller) -> MeetingView {
        MeetingView {
            agenda: Vec::new(),
            position: Position::default(),
            timer: Timer::Stopped,
            now_ms: 0,
            groups: None,
            vote: None,
            table_locked: false,
            cards: CardGame::default(),
            cases: Cases::new(),
            cleared: Vec::new(),
            participants: Vec::new(),
            asked_to_agree: Vec::new(),
            finished: false,
            waiting_room: self.waiting_room,
            waiting: Vec::new(),
            you: YouView {
                member: caller.member.clone(),
                facilitator: false,
                facilitator_token: false,
                group: None,
                waiting: true,
            },
        }
    }
}

impl Vote {
    fn view_for(&self, member: Option<&str>) -> VoteView {
        let results = (self.phase == VotePhase::Revealed).then(|| self.ranking());
        VoteView {
            settings: self.settings.clone(),
            phase: self.phase,
            voters: self.ballots.len(),
            your_ballot: member
                .and_then(|m| self.ballots.get(m))
                .cloned()
                .unwrap_or_default(),
            results,
        }
    }
}

/// One step as shown in the agenda.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    pub key: Step,
    pub minutes: u32,
}

/// One activity as shown in the agenda.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityView {
    pub kind: ActivityKind,
    pub steps: Vec<StepView>,
}

/// A member as everyone sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantView {
    pub member: MemberId,
    pub name: String,
    pub connected: bool,
    /// Holds the handed-over facilitator role.
    pub facilitator: bool,
}

/// A vote as one person may see it: counts only after the reveal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteView {
    #[serde(flatten)]
    pub settings: VoteSettings,
    pub phase: VotePhase,
    /// How many people have voted (not for what).
    pub voters: usize,
    /// The viewer's own ballot.
    pub your_ballot: Vec<usize>,
    /// The ranking, once revealed.
    pub results: Option<Vec<RankedOption>>,
}

/// Who the viewer is in this meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YouView {
    pub member: Option<MemberId>,
    /// The viewer holds the facilitator role now.
    pub facilitator: bool,
    /// The viewer holds the board's facilitator token (and may take the role back).
    pub facilitator_token: bool,
    /// The viewer's group, while there are groups.
    pub group: Option<usize>,
    /// The viewer waits in the waiting room: the rest of the view is empty.
    #[serde(default)]
    pub waiting: bool,
}

/// The meeting as one person may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingView {
    pub agenda: Vec<ActivityView>,
    pub position: Position,
    pub timer: Timer,
    /// The server's clock when this view was made, so clients can correct their own.
    pub now_ms: u64,
    pub groups: Option<Groups>,
    pub vote: Option<VoteView>,
    pub table_locked: bool,
    pub cards: CardGame,
    #[serde(default)]
    pub cases: Cases,
    /// Flagged texts someone in the meeting said are not personal data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cleared: Vec<String>,
    pub participants: Vec<ParticipantView>,
    /// Whom round 3's check round asks now (see [`Meeting::asked_to_agree`]).
    #[serde(default)]
    pub asked_to_agree: Vec<MemberId>,
    /// The facilitator closed the meeting ("Bijeenkomst afronden").
    #[serde(default)]
    pub finished: bool,
    /// New devices wait until the facilitator lets them in.
    #[serde(default)]
    pub waiting_room: bool,
    /// Who waits to be let in (for the facilitator only).
    #[serde(default)]
    pub waiting: Vec<ParticipantView>,
    pub you: YouView,
}

impl MeetingView {
    /// The display name of `member`, or "?" for someone the meeting does not know.
    pub fn member_name(&self, member: &str) -> String {
        self.participants
            .iter()
            .find(|p| p.member == member)
            .map_or_else(|| "?".to_owned(), |p| p.name.clone())
    }
}
