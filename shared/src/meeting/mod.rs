//! The meeting as the facilitator leads it: agenda and current step, timer, groups,
//! votes, the table lock and who holds the facilitator role.
//!
//! This state is decided by the server alone. Clients send [`Command`]s; the server runs
//! them through [`Meeting::apply`], which checks who may do what and refuses anything
//! else with a [`Refusal`] (an HTTP-style status and a readable reason) without changing
//! the state. Each person then gets a [`MeetingView`]: the state as *they* may see it
//! (no one sees a secret vote before the reveal). It does no I/O and knows no clock of
//! its own: the server passes the time and the randomness in.
//!
//! This file holds the state and hands each command to the rules of its area: the
//! agenda and its steps (`agenda.rs`), the timer, groups, votes, members and roles, the
//! card and case activities' side (`activities.rs`), the texts cleared of a privacy warning
//! (`cleared.rs`), the read-only parts of the document (`read_only.rs`) and the views
//! (`view.rs`).

mod activities;
mod agenda;
mod cleared;
mod command;
mod groups;
mod members;
mod read_only;
mod timer;
mod view;
mod vote;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use agenda::{default_agenda, ActivityKind, Position, Step, MAX_ACTIVITIES};
pub use cleared::{ClearedText, MAX_CLEARED_CHARS, MAX_CLEARED_TEXTS};
pub use command::Command;
pub use groups::{GroupPlan, Groups};
pub use members::{not_let_in_yet, Caller, Member};
pub use read_only::{ReadOnlyBecause, ReadOnlyRoot};
pub use timer::{Timer, MAX_TIMER_SECONDS};
pub use view::{ActivityView, MeetingView, ParticipantView, StepView, VoteView, YouView};
pub use vote::{
    RankedOption, Vote, VotePhase, VoteSettings, MAX_VOTES_PER_PERSON, MAX_VOTE_OPTIONS,
};

use crate::card_game::CardGame;
use crate::case::Cases;
use crate::ids::MemberId;
use crate::refusal::Refusal;
use groups::Candidates;

/// The whole meeting state, as the server stores it (`meeting.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub agenda: Vec<ActivityKind>,
    pub position: Position,
    pub timer: Timer,
    pub groups: Option<Groups>,
    pub vote: Option<Vote>,
    pub table_locked: bool,
    pub members: BTreeMap<MemberId, Member>,
    /// The member the facilitator role was handed to, if it was.
    pub delegate: Option<MemberId>,
    /// Activity B: cards, picks, top threes and adoptions.
    #[serde(default)]
    pub cards: CardGame,
    /// The case consultations' contributors and follow-ups.
    #[serde(default)]
    pub cases: Cases,
    /// Flagged texts someone said are not personal data, as the server recorded them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cleared: Vec<ClearedText>,
    /// New devices wait until the facilitator lets them in. Set when the board is created
    /// (on unless asked otherwise); off for boards stored before the waiting room existed,
    /// as they were then, and so off by default.
    #[serde(default)]
    pub waiting_room: bool,
    /// When the facilitator closed the meeting ("Bijeenkomst afronden"), on the server's
    /// clock; `None` while it runs (or again after it was reopened).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at_ms: Option<u64>,
}

impl Default for Meeting {
    fn default() -> Self {
        Self {
            agenda: default_agenda(),
            position: Position::default(),
            timer: Timer::Stopped,
            groups: None,
            vote: None,
            table_locked: false,
            members: BTreeMap::new(),
            delegate: None,
            cards: CardGame::default(),
            cases: Cases::new(),
            cleared: Vec::new(),
            waiting_room: false,
            finished_at_ms: None,
        }
    }
}

/// What the server supplies for one command: the time, some randomness, who is present.
#[derive(Clone, Debug, Default)]
pub struct Context {
    pub now_ms: u64,
    pub random: u64,
    /// Members with an open connection, in any order.
    pub present: Vec<MemberId>,
    /// Present members who hold the facilitator token: they lead rather than join a group
    /// (unless the role was handed to someone else).
    pub token_holders: Vec<MemberId>,
}

impl Meeting {
    /// Runs `command` for `caller`. On refusal the meeting is unchanged.
    pub fn apply(
        &mut self,
        caller: &Caller,
        command: Command,
        context: &Context,
    ) -> Result<(), Refusal> {
        if command.needs_facilitator() && !self.is_facilitator(caller) {
            return Err(Refusal::forbidden(
                "only the facilitator (begeleider) may do this",
                "Alleen de begeleider kan dit doen.",
            ));
        }
        if let Some(member) = &caller.member {
            if self.members.get(member).is_some_and(|m| m.removed) {
                return Err(Refusal::forbidden(
                    "you were removed from this meeting",
                    "Je bent uit deze bijeenkomst verwijderd.",
                ));
            }
        }
        if !self.lets_in(caller) && !matches!(command, Command::Hello { .. }) {
            return Err(not_let_in_yet());
        }
        let mut next = self.clone();
        next.run(caller, command, context)?;
        *self = next;
        Ok(())
    }

    /// Hands `command` to the rules of its area. Who may send it was checked by
    /// [`Meeting::apply`] (the facilitator's commands) or is checked by those rules.
    fn run(&mut self, caller: &Caller, command: Command, context: &Context) -> Result<(), Refusal> {
        let now_ms = context.now_ms;
        match command {
            Command::Hello { name } => self.hello(caller, &name),
            Command::SetAgenda { activities } => self.set_agenda(activities),
            Command::NextStep => self.go_to(self.position.next(&self.agenda)?, context),
            Command::PreviousStep => self.go_to(self.position.previous(&self.agenda)?, context),
            Command::GoToStep { activity, step } => {
                self.go_to(Position::on_agenda(&self.agenda, activity, step)?, context)
            }
            Command::StartTimer { seconds } => self.start_timer(seconds, now_ms),
            Command::PauseTimer => self.timer.pause(now_ms),
            Command::ResumeTimer => self.timer.resume(now_ms),
            Command::StopTimer => self.timer.stop(),
            Command::FormGroups { plan } => self.form_groups(plan, context),
            Command::EndGroups => Groups::end(self.groups.as_mut()),
            Command::OpenVote {
                question,
                options,
                votes_per_person,
                max_per_option,
                facilitator_votes,
            } => self.open_vote(
                &question,
                &options,
                votes_per_person,
                max_per_option,
                facilitator_votes,
            ),
            Command::CastVote { options } => self.cast_vote(caller, options),
            Command::CloseVote => Vote::close(self.vote.as_mut()),
            Command::RevealVote => Vote::reveal(self.vote.as_mut()),
            Command::LockTable => self.lock_table(true),
            Command::UnlockTable => self.lock_table(false),
            Command::HandOver { member } => self.hand_over(member),
            Command::Reclaim => self.reclaim(caller),
            Command::RenameMember { member, name } => self.rename_member(&member, &name),
            Command::RemoveMember { member } => self.remove_member(&member),
            Command::AdmitMember { member } => self.admit(&member),
            Command::SetWaitingRoom { on } => self.set_waiting_room(on),
            Command::AddCard { name, text } => self.add_card(caller, &name, &text),
            Command::PickCard { card, motivation } => self.pick_card(caller, &card, &motivation),
            Command::UnpickCard => self.unpick_card(caller),
            Command::ReadOut { card } => self.read_out(caller, card),
            Command::SetGroupTop { group, place, card } => {
                self.set_group_top(caller, group, place, card.as_deref())
            }
            Command::SetTeamTop { cards } => self.cards.set_team_top(&cards),
            Command::AnswerTeamTop { agree, reason } => {
                self.answer_team_top(caller, agree, &reason)
            }
            Command::MoveOnWithoutAgreement { reason } => {
                self.cards.move_on_without_agreement(&reason)
            }
            Command::Adopt { virtue, member } => self.adopt(caller, &virtue, member),
            Command::Unadopt { virtue, member } => self.unadopt(caller, &virtue, member),
            Command::NameContributor { activity, member } => {
                self.name_contributor(activity, member, context.random)
            }
            Command::SetFollowUp {
                activity,
                follow_up,
            } => self.set_follow_up(caller, activity, follow_up),
            Command::ClearFlag { text } => self.clear_flag(caller, &text, now_ms),
            Command::FinishMeeting => self.finish(now_ms),
            Command::ReopenMeeting => self.reopen(),
        }
    }

    /// The current step (e.g. [`Step::CardsRound1`]).
    pub fn current_step(&self) -> Option<Step> {
        self.position.step_on(&self.agenda).map(|(step, _)| step)
    }

    /// The suggested length of the current step, in minutes.
    pub fn suggested_minutes(&self) -> u32 {
        self.position
            .step_on(&self.agenda)
            .map_or(10, |(_, minutes)| minutes)
    }

    /// A new agenda starts at its first step and keeps only the cases still on it.
    fn set_agenda(&mut self, activities: Vec<ActivityKind>) -> Result<(), Refusal> {
        agenda::check_agenda(&activities)?;
        self.agenda = activities;
        let agenda = &self.agenda;
        self.cases
            .retain(|activity, _| agenda.get(*activity) == Some(&ActivityKind::CaseConsultation));
        self.position = Position::default();
        self.timer = Timer::Stopped;
        Ok(())
    }

    /// Moves to `position`; a new step starts without a timer.
    fn go_to(&mut self, position: Position, context: &Context) -> Result<(), Refusal> {
        if position != self.position {
            self.may_enter(position, context)?;
            self.position = position;
            self.timer = Timer::Stopped;
        }
        Ok(())
    }

    /// Starts the timer; `seconds` defaults to the step's suggested length.
    fn start_timer(&mut self, seconds: Option<u32>, now_ms: u64) -> Result<(), Refusal> {
        let seconds = seconds.unwrap_or(self.suggested_minutes() * 60);
        self.timer.start(seconds, now_ms)
    }

    /// Splits the people present into groups; a new grouping starts its top threes afresh.
    fn form_groups(&mut self, plan: GroupPlan, context: &Context) -> Result<(), Refusal> {
        // Everyone present but whoever leads: the facilitator moves between groups.
        let leads = |member: &MemberId| self.leads(member, context);
        let members = plan.draw(&Candidates {
            live: self.live_members().collect(),
            present: &context.present,
            leads: &leads,
            random: context.random,
        })?;
        self.groups = Some(Groups::formed(self.groups.as_ref(), members));
        self.cards.group_tops.clear();
        Ok(())
    }

    fn open_vote(
        &mut self,
        question: &str,
        options: &[String],
        votes_per_person: Option<u32>,
        max_per_option: Option<u32>,
        facilitator_votes: Option<bool>,
    ) -> Result<(), Refusal> {
        let vote = Vote::open(
            self.vote.as_ref(),
            question,
            options,
            votes_per_person,
            max_per_option,
            facilitator_votes,
        )?;
        self.vote = Some(Vote {
            opened_in: Some(self.position.activity),
            ..vote
        });
        Ok(())
    }

    fn cast_vote(&mut self, caller: &Caller, options: Vec<usize>) -> Result<(), Refusal> {
        let facilitator = self.is_facilitator(caller);
        let member = self.known_member(caller, ("vote", "te stemmen"))?;
        Vote::existing(self.vote.as_mut())?.cast(member, options, facilitator)
    }

    /// "Bijeenkomst afronden": the meeting ends, its timer stops and groups come back.
    fn finish(&mut self, now_ms: u64) -> Result<(), Refusal> {
        if self.finished_at_ms.is_some() {
            return Err(Refusal::conflict(
                "the meeting is already finished",
                "De bijeenkomst is al afgerond.",
            ));
        }
        self.finished_at_ms = Some(now_ms);
        self.timer = Timer::Stopped;
        if let Some(groups) = self.groups.as_mut() {
            groups.working = false;
        }
        Ok(())
    }

    /// Reopens a finished meeting, where it was.
    fn reopen(&mut self) -> Result<(), Refusal> {
        if self.finished_at_ms.take().is_none() {
            return Err(Refusal::conflict(
                "the meeting is not finished",
                "De bijeenkomst is niet afgerond.",
            ));
        }
        Ok(())
    }

    /// Makes the shared table read-only for participants (`locked`), or writable again.
    fn lock_table(&mut self, locked: bool) -> Result<(), Refusal> {
        if self.table_locked == locked {
            return Err(if locked {
                Refusal::conflict("the table is already locked", "De tabel is al vergrendeld.")
            } else {
                Refusal::conflict("the table is not locked", "De tabel is niet vergrendeld.")
            });
        }
        self.table_locked = locked;
        Ok(())
    }
}
