//! The meeting as the facilitator leads it: agenda and current step, timer, groups,
//! votes, the table lock and who holds the facilitator role.
//!
//! This state is decided by the server alone. Clients send [`Command`]s; the server runs
//! them through [`Meeting::apply`], which checks who may do what and refuses anything
//! else with a [`Refusal`] (an HTTP-style status and a readable reason) without changing
//! the state. Each person then gets a [`MeetingView`]: the state as *they* may see it
//! (no one sees a secret vote before the reveal). It does no I/O and knows no clock of
//! its own: the server passes the time and the randomness in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::card_game::CardGame;
use crate::case::{self, Cases, FollowUp};
use crate::model::{case_part, case_root, RootKind, LOCKABLE};

/// Public id of a person on a board (the server derives it from the person's secret key).
pub type MemberId = String;

/// Longest name, question or vote option, in characters.
pub const MAX_TEXT_CHARS: usize = 200;
/// Most options one vote may have.
pub const MAX_VOTE_OPTIONS: usize = 60;

/// The activities of the method (`METHOD.md`), each a template of steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// Activity A: the virtue exercise in seven steps (*deugdenoefening*).
    VirtueExercise,
    /// Activity B: the card variant in three rounds (*deugdenkaarten*).
    VirtueCards,
    /// The case consultation in four phases (*omgangsoverleg*).
    CaseConsultation,
    /// Closing evaluation of the meeting.
    Evaluation,
}

impl ActivityKind {
    /// The steps of this activity: a key (the client shows its title and instruction) and
    /// a suggested length in minutes.
    pub fn steps(self) -> &'static [(&'static str, u32)] {
        match self {
            ActivityKind::VirtueExercise => &[
                ("exercise.name_in_pairs", 10),
                ("exercise.collect", 10),
                ("exercise.fill_columns", 20),
                ("exercise.review", 10),
                ("exercise.practice_in_pairs", 15),
                ("exercise.share_stories", 15),
                ("exercise.debrief", 10),
            ],
            ActivityKind::VirtueCards => &[
                ("cards.round1", 20),
                ("cards.round2_groups", 20),
                ("cards.round2_plenary", 10),
                ("cards.round3_vote", 10),
                ("cards.round3_columns", 20),
                ("cards.adopt", 10),
                ("cards.debrief", 10),
            ],
            ActivityKind::CaseConsultation => &[
                ("case.intake", 5),
                ("case.explore", 10),
                ("case.investigate", 10),
                ("case.decide", 10),
                ("case.learn", 5),
                ("case.reflect", 5),
            ],
            ActivityKind::Evaluation => &[("evaluation.debrief", 10)],
        }
    }
}

/// The agenda a new meeting starts with: the method's order.
pub fn default_agenda() -> Vec<ActivityKind> {
    vec![
        ActivityKind::VirtueCards,
        ActivityKind::CaseConsultation,
        ActivityKind::Evaluation,
    ]
}

/// Where the meeting is: which activity, which of its steps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub activity: usize,
    pub step: usize,
}

/// The countdown for the current step, on the server's clock (milliseconds since the
/// Unix epoch).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Timer {
    #[default]
    Stopped,
    Running {
        duration_ms: u64,
        ends_at_ms: u64,
    },
    Paused {
        duration_ms: u64,
        remaining_ms: u64,
    },
}

/// How the facilitator splits people into groups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum GroupPlan {
    /// Groups of two (one group of three if the number is odd), drawn at random.
    Pairs,
    /// This many groups, drawn at random.
    Count { groups: usize },
    /// Exactly these groups, chosen by hand.
    Manual { groups: Vec<Vec<MemberId>> },
}

/// Groups formed for the current work, kept after they end so their results can be shown
/// side by side in plenary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Groups {
    pub members: Vec<Vec<MemberId>>,
    /// Counts the times groups were formed in this meeting, so each grouping writes in
    /// workspaces of its own (see `model::group_notes`).
    #[serde(default)]
    pub formation: u32,
    /// True while people work in their groups; false back in plenary.
    pub working: bool,
}

/// Where a vote is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VotePhase {
    Open,
    Closed,
    Revealed,
}

/// What a vote asks and how many votes each person has: the same for everyone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteSettings {
    pub question: String,
    pub options: Vec<String>,
    pub votes_per_person: u32,
    pub max_per_option: u32,
    pub facilitator_votes: bool,
}

/// A vote, with every ballot. Never sent to clients as such: see [`VoteView`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    #[serde(flatten)]
    pub settings: VoteSettings,
    pub phase: VotePhase,
    /// Each voter's chosen option indices.
    pub ballots: BTreeMap<MemberId, Vec<usize>>,
}

/// A person known to the meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub name: String,
    /// Removed by the facilitator: may not come back.
    #[serde(default)]
    pub removed: bool,
}

/// The whole meeting state, as the server stores it.
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
        }
    }
}

/// Everything a client may ask of the meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Introduce yourself (or change your name). Anyone.
    Hello { name: String },
    /// Replace the agenda; the meeting goes to its first step. Facilitator.
    SetAgenda { activities: Vec<ActivityKind> },
    /// Facilitator.
    NextStep,
    /// Facilitator.
    PreviousStep,
    /// Facilitator.
    GoToStep { activity: usize, step: usize },
    /// Start the countdown; `seconds` defaults to the step's suggested length. Facilitator.
    StartTimer { seconds: Option<u32> },
    /// Facilitator.
    PauseTimer,
    /// Facilitator.
    ResumeTimer,
    /// Facilitator.
    StopTimer,
    /// Split the people present into groups. Facilitator.
    FormGroups { plan: GroupPlan },
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
    CastVote { options: Vec<usize> },
    /// No more ballots. Facilitator.
    CloseVote,
    /// Show the results (closes the vote if still open). Facilitator.
    RevealVote,
    /// Make the shared table read-only for participants. Facilitator.
    LockTable,
    /// Facilitator.
    UnlockTable,
    /// Hand the facilitator role to a member. Facilitator.
    HandOver { member: MemberId },
    /// Take the role back. Only a holder of the board's facilitator token.
    Reclaim,
    /// Facilitator.
    RenameMember { member: MemberId, name: String },
    /// Remove a member from the meeting. Facilitator.
    RemoveMember { member: MemberId },
    /// Add a card of the team's own to the deck. Anyone.
    AddCard { name: String, text: String },
    /// Round 1 of the card activity: your card and why (replaces an earlier pick). Anyone,
    /// during round 1 only.
    PickCard { card: String, motivation: String },
    /// Put your card back. During round 1 only.
    UnpickCard,
    /// Show a picked card large to everyone while it is read out (`None`: stop showing).
    /// The facilitator, or the card's holder for their own card.
    ReadOut { card: Option<String> },
    /// Round 2: put a card in play at `place` (0, 1 or 2) of a group's top three, or
    /// empty the place (`card` empty). A member of the group for their own group (`group`
    /// empty), the facilitator for any group.
    SetGroupTop {
        group: Option<usize>,
        place: usize,
        card: Option<String>,
    },
    /// Round 3: settle the team's top three of the cards in play. Facilitator.
    SetTeamTop { cards: Vec<String> },
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
                | Command::Adopt { .. }
                | Command::Unadopt { .. }
                | Command::SetFollowUp { .. }
        )
    }
}

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
}

/// What a refusal talks about, in English and in Dutch (the Dutch starting a sentence):
/// `("the question", "De vraag")`.
pub type Subject<'a> = (&'a str, &'a str);

/// A part of the document someone may not change now, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadOnlyRoot {
    pub name: String,
    pub kind: RootKind,
    pub why: ReadOnlyBecause,
}

/// Why a part of the document is read-only for someone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadOnlyBecause {
    /// The facilitator locked the table.
    TableLocked,
    /// Only the contributor (and the facilitator) write a case's intake.
    CaseIntake,
}

impl ReadOnlyBecause {
    /// The refusal for an edit of such a part.
    pub fn refusal(self) -> Refusal {
        match self {
            ReadOnlyBecause::TableLocked => Refusal::forbidden(
                "the table is locked by the facilitator; your edit was not saved",
                "De begeleider heeft de tabel vergrendeld; uw wijziging is niet bewaard.",
            ),
            ReadOnlyBecause::CaseIntake => Refusal::forbidden(
                "only the contributor writes the case's intake; your edit was not saved",
                "Alleen de inbrenger schrijft de inbreng van de casus; uw wijziging is niet bewaard.",
            ),
        }
    }
}

/// Who sends a command, as the server established it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The caller holds the board's facilitator token.
    pub facilitator_token: bool,
    /// The caller's member id, once known (from their key).
    pub member: Option<MemberId>,
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

pub(crate) fn clean_text(text: &str, (what, wat): Subject) -> Result<String, Refusal> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Refusal::invalid(
            format!("{what} must not be empty"),
            format!("{wat} mag niet leeg zijn."),
        ));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Refusal::invalid(
            format!("{what} must be at most {MAX_TEXT_CHARS} characters"),
            format!("{wat} mag hoogstens {MAX_TEXT_CHARS} tekens lang zijn."),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(Refusal::invalid(
            format!("{what} must not contain control characters"),
            format!("{wat} mag geen stuurtekens bevatten."),
        ));
    }
    Ok(text.to_owned())
}

/// A small deterministic generator for shuffling (the server seeds it from the OS).
struct Shuffler(u64);

impl Shuffler {
    fn next(&mut self) -> u64 {
        // xorshift64*: plenty for drawing groups; never used for secrets.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

impl Meeting {
    /// Whether `caller` currently holds the facilitator role.
    pub fn is_facilitator(&self, caller: &Caller) -> bool {
        match &self.delegate {
            Some(delegate) => caller.member.as_ref() == Some(delegate),
            None => caller.facilitator_token,
        }
    }

    fn step_count(&self, activity: usize) -> usize {
        self.agenda.get(activity).map_or(0, |a| a.steps().len())
    }

    /// The suggested length of the current step, in minutes.
    pub fn suggested_minutes(&self) -> u32 {
        self.agenda
            .get(self.position.activity)
            .and_then(|a| a.steps().get(self.position.step))
            .map_or(10, |(_, minutes)| *minutes)
    }

    fn go_to(&mut self, position: Position) {
        if position != self.position {
            self.position = position;
            self.timer = Timer::Stopped;
        }
    }

    fn live_members(&self) -> impl Iterator<Item = &MemberId> {
        self.members
            .iter()
            .filter(|(_, m)| !m.removed)
            .map(|(id, _)| id)
    }

    /// The key of the current step (e.g. `"cards.round1"`).
    pub fn step_key(&self) -> Option<&'static str> {
        self.agenda
            .get(self.position.activity)?
            .steps()
            .get(self.position.step)
            .map(|(key, _)| *key)
    }

    /// `what` says in English what happens only in step `key`; `wat` is the whole Dutch
    /// sentence.
    fn require_step(&self, key: &str, what: &str, wat: &str) -> Result<(), Refusal> {
        if self.step_key() == Some(key) {
            Ok(())
        } else {
            Err(Refusal::conflict(
                format!("{what} only in step {key}"),
                wat.to_owned(),
            ))
        }
    }

    /// The caller's member id, once they have introduced themselves. `what` is what they
    /// want to do, in English ("vote") and as a Dutch infinitive ("te stemmen").
    fn known_member(&self, caller: &Caller, (what, wat): Subject) -> Result<MemberId, Refusal> {
        let member = caller
            .member
            .clone()
            .ok_or_else(|| Refusal::invalid(format!("a member key is needed to {what}"), format!("Om {wat} is een persoonlijke sleutel nodig; open het bord opnieuw via de link.")))?;
        if !self.members.contains_key(&member) {
            return Err(Refusal::conflict(
                format!("introduce yourself (hello) before you {what}"),
                format!("Om {wat} doet u eerst mee met uw naam."),
            ));
        }
        Ok(member)
    }

    /// Whom an adoption is for: the caller, or anyone when the facilitator asks.
    fn adopter(&self, caller: &Caller, member: Option<MemberId>) -> Result<MemberId, Refusal> {
        let me = self.known_member(caller, ("adopt a virtue", "een deugd te adopteren"))?;
        match member {
            None => Ok(me),
            Some(other) if other == me => Ok(me),
            Some(other) => {
                if !self.is_facilitator(caller) {
                    return Err(Refusal::forbidden(
                        "only the facilitator may adopt a virtue for someone else",
                        "Alleen de begeleider kan een deugd voor iemand anders laten adopteren.",
                    ));
                }
                if !self.live_members().any(|m| *m == other) {
                    return Err(Refusal::invalid(
                        "no such member",
                        "Deze deelnemer bestaat niet.",
                    ));
                }
                Ok(other)
            }
        }
    }

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
                    "U bent uit deze bijeenkomst verwijderd.",
                ));
            }
        }
        let mut next = self.clone();
        next.run(caller, command, context)?;
        *self = next;
        Ok(())
    }

    fn run(&mut self, caller: &Caller, command: Command, context: &Context) -> Result<(), Refusal> {
        match command {
            Command::Hello { name } => {
                let member = caller.member.clone().ok_or_else(|| {
                    Refusal::invalid("a member key is needed to introduce yourself", "Om mee te doen is een persoonlijke sleutel nodig; open het bord opnieuw via de link.")
                })?;
                let name = clean_text(&name, ("name", "De naam"))?;
                self.members.insert(
                    member,
                    Member {
                        name,
                        removed: false,
                    },
                );
            }
            Command::SetAgenda { activities } => {
                if activities.is_empty() {
                    return Err(Refusal::invalid(
                        "the agenda needs at least one activity",
                        "Het programma heeft minstens één activiteit nodig.",
                    ));
                }
                if activities.len() > 20 {
                    return Err(Refusal::invalid(
                        "the agenda may have at most 20 activities",
                        "Het programma kan hoogstens 20 activiteiten hebben.",
                    ));
                }
                self.agenda = activities;
                let agenda = &self.agenda;
                self.cases.retain(|activity, _| {
                    agenda.get(*activity) == Some(&ActivityKind::CaseConsultation)
                });
                self.position = Position::default();
                self.timer = Timer::Stopped;
            }
            Command::NextStep => {
                let Position { activity, step } = self.position;
                let next = if step + 1 < self.step_count(activity) {
                    Position {
                        activity,
                        step: step + 1,
                    }
                } else if activity + 1 < self.agenda.len() {
                    Position {
                        activity: activity + 1,
                        step: 0,
                    }
                } else {
                    return Err(Refusal::conflict(
                        "this is the last step of the agenda",
                        "Dit is de laatste stap van het programma.",
                    ));
                };
                self.go_to(next);
            }
            Command::PreviousStep => {
                let Position { activity, step } = self.position;
                let previous = if step > 0 {
                    Position {
                        activity,
                        step: step - 1,
                    }
                } else if activity > 0 {
                    Position {
                        activity: activity - 1,
                        step: self.step_count(activity - 1).saturating_sub(1),
                    }
                } else {
                    return Err(Refusal::conflict(
                        "this is the first step of the agenda",
                        "Dit is de eerste stap van het programma.",
                    ));
                };
                self.go_to(previous);
            }
            Command::GoToStep { activity, step } => {
                if step >= self.step_count(activity) {
                    return Err(Refusal::invalid(
                        "no such step on the agenda",
                        "Deze stap staat niet op het programma.",
                    ));
                }
                self.go_to(Position { activity, step });
            }
            Command::StartTimer { seconds } => {
                let seconds = seconds.unwrap_or(self.suggested_minutes() * 60);
                if seconds == 0 || seconds > 4 * 3600 {
                    return Err(Refusal::invalid(
                        "a timer runs from 1 second to 4 hours",
                        "Een timer loopt van 1 seconde tot 4 uur.",
                    ));
                }
                let duration_ms = u64::from(seconds) * 1000;
                self.timer = Timer::Running {
                    duration_ms,
                    ends_at_ms: context.now_ms + duration_ms,
                };
            }
            Command::PauseTimer => match self.timer {
                Timer::Running {
                    duration_ms,
                    ends_at_ms,
                } => {
                    self.timer = Timer::Paused {
                        duration_ms,
                        remaining_ms: ends_at_ms.saturating_sub(context.now_ms),
                    };
                }
                _ => {
                    return Err(Refusal::conflict(
                        "the timer is not running",
                        "De timer loopt niet.",
                    ))
                }
            },
            Command::ResumeTimer => match self.timer {
                Timer::Paused {
                    duration_ms,
                    remaining_ms,
                } => {
                    self.timer = Timer::Running {
                        duration_ms,
                        ends_at_ms: context.now_ms + remaining_ms,
                    };
                }
                _ => {
                    return Err(Refusal::conflict(
                        "the timer is not paused",
                        "De timer staat niet op pauze.",
                    ))
                }
            },
            Command::StopTimer => {
                if self.timer == Timer::Stopped {
                    return Err(Refusal::conflict(
                        "the timer is not running",
                        "De timer loopt niet.",
                    ));
                }
                self.timer = Timer::Stopped;
            }
            Command::FormGroups { plan } => self.form_groups(plan, context)?,
            Command::EndGroups => match self.groups.as_mut() {
                Some(groups) if groups.working => groups.working = false,
                _ => {
                    return Err(Refusal::conflict(
                        "there are no groups at work",
                        "Er zijn geen groepen aan het werk.",
                    ))
                }
            },
            Command::OpenVote {
                question,
                options,
                votes_per_person,
                max_per_option,
                facilitator_votes,
            } => {
                if self
                    .vote
                    .as_ref()
                    .is_some_and(|v| v.phase == VotePhase::Open)
                {
                    return Err(Refusal::conflict(
                        "a vote is already open; close it first",
                        "Er loopt al een stemming; sluit die eerst.",
                    ));
                }
                let question = clean_text(&question, ("the question", "De vraag"))?;
                if options.len() < 2 || options.len() > MAX_VOTE_OPTIONS {
                    return Err(Refusal::invalid(
                        format!("a vote needs 2 to {MAX_VOTE_OPTIONS} options"),
                        format!("Een stemming heeft 2 tot {MAX_VOTE_OPTIONS} keuzes nodig."),
                    ));
                }
                let options = options
                    .iter()
                    .map(|o| clean_text(o, ("an option", "Een keuze")))
                    .collect::<Result<Vec<_>, _>>()?;
                let votes_per_person = votes_per_person.unwrap_or(3);
                let max_per_option = max_per_option.unwrap_or(1);
                if votes_per_person == 0 || votes_per_person > 10 {
                    return Err(Refusal::invalid(
                        "each person has 1 to 10 votes",
                        "Iedereen heeft 1 tot 10 stemmen.",
                    ));
                }
                if max_per_option == 0 || max_per_option > votes_per_person {
                    return Err(Refusal::invalid(
                        "votes per option must be between 1 and the votes per person", "Het aantal stemmen per keuze ligt tussen 1 en het aantal stemmen per persoon."));
                }
                self.vote = Some(Vote {
                    settings: VoteSettings {
                        question,
                        options,
                        votes_per_person,
                        max_per_option,
                        facilitator_votes: facilitator_votes.unwrap_or(false),
                    },
                    phase: VotePhase::Open,
                    ballots: BTreeMap::new(),
                });
            }
            Command::CastVote { options } => {
                let facilitator = self.is_facilitator(caller);
                let member = self.known_member(caller, ("vote", "te stemmen"))?;
                let vote = self
                    .vote
                    .as_mut()
                    .ok_or_else(|| Refusal::conflict("there is no vote", "Er is geen stemming."))?;
                if vote.phase != VotePhase::Open {
                    return Err(Refusal::conflict(
                        "the vote is closed",
                        "De stemming is gesloten.",
                    ));
                }
                if facilitator && !vote.settings.facilitator_votes {
                    return Err(Refusal::forbidden(
                        "the facilitator does not take part in this vote",
                        "De begeleider stemt bij deze stemming niet mee.",
                    ));
                }
                if options.len() > vote.settings.votes_per_person as usize {
                    return Err(Refusal::invalid(
                        format!("you have {} votes", vote.settings.votes_per_person),
                        format!("U hebt {} stemmen.", vote.settings.votes_per_person),
                    ));
                }
                if let Some(bad) = options.iter().find(|&&o| o >= vote.settings.options.len()) {
                    return Err(Refusal::invalid(
                        format!("there is no option {bad}"),
                        format!("Keuze {bad} bestaat niet."),
                    ));
                }
                let mut per_option: BTreeMap<usize, u32> = BTreeMap::new();
                for &option in &options {
                    *per_option.entry(option).or_default() += 1;
                }
                if per_option
                    .values()
                    .any(|&n| n > vote.settings.max_per_option)
                {
                    return Err(Refusal::invalid(
                        format!(
                            "at most {} vote(s) per option",
                            vote.settings.max_per_option
                        ),
                        format!(
                            "Hoogstens {} stem(men) per keuze.",
                            vote.settings.max_per_option
                        ),
                    ));
                }
                if options.is_empty() {
                    vote.ballots.remove(&member);
                } else {
                    vote.ballots.insert(member, options);
                }
            }
            Command::CloseVote => match self.vote.as_mut() {
                Some(vote) if vote.phase == VotePhase::Open => vote.phase = VotePhase::Closed,
                _ => {
                    return Err(Refusal::conflict(
                        "there is no open vote",
                        "Er is geen open stemming.",
                    ))
                }
            },
            Command::RevealVote => match self.vote.as_mut() {
                Some(vote) if vote.phase != VotePhase::Revealed => vote.phase = VotePhase::Revealed,
                Some(_) => {
                    return Err(Refusal::conflict(
                        "the vote is already revealed",
                        "De uitslag is al getoond.",
                    ))
                }
                None => {
                    return Err(Refusal::conflict(
                        "there is no vote",
                        "Er is geen stemming.",
                    ))
                }
            },
            Command::LockTable => {
                if self.table_locked {
                    return Err(Refusal::conflict(
                        "the table is already locked",
                        "De tabel is al vergrendeld.",
                    ));
                }
                self.table_locked = true;
            }
            Command::UnlockTable => {
                if !self.table_locked {
                    return Err(Refusal::conflict(
                        "the table is not locked",
                        "De tabel is niet vergrendeld.",
                    ));
                }
                self.table_locked = false;
            }
            Command::HandOver { member } => {
                if !self.live_members().any(|m| *m == member) {
                    return Err(Refusal::invalid(
                        "no such member",
                        "Deze deelnemer bestaat niet.",
                    ));
                }
                self.delegate = Some(member);
            }
            Command::Reclaim => {
                if !caller.facilitator_token {
                    return Err(Refusal::forbidden(
                        "only the holder of the facilitator link may take the role back",
                        "Alleen wie de link van de begeleider heeft, kan de rol terugnemen.",
                    ));
                }
                self.delegate = None;
            }
            Command::RenameMember { member, name } => {
                let name = clean_text(&name, ("name", "De naam"))?;
                match self.members.get_mut(&member) {
                    Some(found) if !found.removed => found.name = name,
                    _ => {
                        return Err(Refusal::invalid(
                            "no such member",
                            "Deze deelnemer bestaat niet.",
                        ))
                    }
                }
            }
            Command::RemoveMember { member } => {
                match self.members.get_mut(&member) {
                    Some(found) if !found.removed => found.removed = true,
                    _ => {
                        return Err(Refusal::invalid(
                            "no such member",
                            "Deze deelnemer bestaat niet.",
                        ))
                    }
                }
                if self.delegate.as_ref() == Some(&member) {
                    self.delegate = None;
                }
                if let Some(vote) = self.vote.as_mut().filter(|v| v.phase == VotePhase::Open) {
                    vote.ballots.remove(&member);
                }
                if let Some(groups) = self.groups.as_mut() {
                    for group in &mut groups.members {
                        group.retain(|m| *m != member);
                    }
                }
                self.cards.forget(&member);
            }
            Command::AddCard { name, text } => {
                self.known_member(caller, ("add a card", "een kaart toe te voegen"))?;
                self.cards.add_card(&name, &text)?;
            }
            Command::PickCard { card, motivation } => {
                let member = self.known_member(caller, ("pick a card", "een kaart te kiezen"))?;
                self.require_step(
                    "cards.round1",
                    "cards are picked",
                    "Kaarten kiest u in ronde 1.",
                )?;
                self.cards.pick(&member, &card, &motivation)?;
            }
            Command::UnpickCard => {
                let member =
                    self.known_member(caller, ("put a card back", "een kaart terug te leggen"))?;
                self.require_step(
                    "cards.round1",
                    "cards are put back",
                    "Een kaart terugleggen kan alleen in ronde 1.",
                )?;
                self.cards.unpick(&member)?;
            }
            Command::ReadOut { card } => {
                let facilitator = self.is_facilitator(caller);
                self.cards
                    .read_out(caller.member.as_ref(), facilitator, card)?;
            }
            Command::SetGroupTop { group, place, card } => {
                self.require_step(
                    "cards.round2_groups",
                    "groups make their top three",
                    "De groepen maken hun top drie in ronde 2.",
                )?;
                let groups = self.groups.as_ref().filter(|g| g.working).ok_or_else(|| {
                    Refusal::conflict(
                        "there are no groups at work",
                        "Er zijn geen groepen aan het werk.",
                    )
                })?;
                let own = caller
                    .member
                    .as_ref()
                    .and_then(|me| groups.members.iter().position(|g| g.contains(me)));
                let group = match (group, self.is_facilitator(caller)) {
                    (Some(group), true) => group,
                    (Some(group), false) if Some(group) == own => group,
                    (Some(_), false) => {
                        return Err(Refusal::forbidden(
                            "you may only set your own group's top three",
                            "U kiest alleen de top drie van uw eigen groep.",
                        ))
                    }
                    (None, _) => own.ok_or_else(|| {
                        Refusal::forbidden("you are not in a group", "U zit niet in een groep.")
                    })?,
                };
                if group >= groups.members.len() {
                    return Err(Refusal::invalid(
                        "no such group",
                        "Deze groep bestaat niet.",
                    ));
                }
                self.cards.set_group_place(group, place, card.as_deref())?;
            }
            Command::SetTeamTop { cards } => self.cards.set_team_top(&cards)?,
            Command::Adopt { virtue, member } => {
                let member = self.adopter(caller, member)?;
                self.cards.adopt(&virtue, member)?;
            }
            Command::Unadopt { virtue, member } => {
                let member = self.adopter(caller, member)?;
                self.cards.unadopt(&virtue, &member)?;
            }
            Command::NameContributor { activity, member } => {
                let activity = self.case_activity(activity)?;
                if !self.live_members().any(|m| *m == member) {
                    return Err(Refusal::invalid(
                        "no such member",
                        "Deze deelnemer bestaat niet.",
                    ));
                }
                case::name_contributor(&mut self.cases, activity, member, context.random);
            }
            Command::SetFollowUp {
                activity,
                follow_up,
            } => {
                let activity = self.case_activity(activity)?;
                let case = self.cases.get(&activity).ok_or_else(|| {
                    Refusal::conflict(
                        "name the contributor of this case first",
                        "Wijs eerst de inbrenger van deze casus aan.",
                    )
                })?;
                if !self.is_facilitator(caller) && caller.member.as_ref() != Some(&case.contributor)
                {
                    return Err(Refusal::forbidden(
                        "only the contributor or the facilitator sets the follow-up",
                        "Alleen de inbrenger of de begeleider bepaalt wanneer we op de casus terugkomen.",
                    ));
                }
                if let Some(follow_up) = &follow_up {
                    case::check_follow_up(follow_up)?;
                }
                if let Some(case) = self.cases.get_mut(&activity) {
                    case.follow_up = follow_up;
                }
            }
        }
        Ok(())
    }

    /// The agenda position of a case consultation: `activity`, or the current one.
    fn case_activity(&self, activity: Option<usize>) -> Result<usize, Refusal> {
        let activity = activity.unwrap_or(self.position.activity);
        if self.agenda.get(activity) == Some(&ActivityKind::CaseConsultation) {
            Ok(activity)
        } else {
            Err(Refusal::conflict(
                "that place on the agenda is not a case consultation",
                "Dit onderdeel van het programma is geen omgangsoverleg.",
            ))
        }
    }

    /// The parts of the document `caller` may not change now: the table and flip-over
    /// while the facilitator has locked them, and the intake of every case the caller did
    /// not bring. Empty for whoever leads.
    pub fn read_only_roots(&self, caller: &Caller) -> Vec<ReadOnlyRoot> {
        if self.is_facilitator(caller) {
            return Vec::new();
        }
        let mut roots = Vec::new();
        if self.table_locked {
            roots.extend(LOCKABLE.iter().map(|(name, kind)| ReadOnlyRoot {
                name: (*name).to_owned(),
                kind: *kind,
                why: ReadOnlyBecause::TableLocked,
            }));
        }
        for case in self.cases.values() {
            if caller.member.as_ref() == Some(&case.contributor) {
                continue;
            }
            roots.extend(case_part::INTAKE.iter().map(|(part, kind)| ReadOnlyRoot {
                name: case_root(&case.id, part),
                kind: *kind,
                why: ReadOnlyBecause::CaseIntake,
            }));
        }
        roots
    }

    fn form_groups(&mut self, plan: GroupPlan, context: &Context) -> Result<(), Refusal> {
        let members = match plan {
            GroupPlan::Manual { groups } => {
                let mut seen = std::collections::BTreeSet::new();
                for member in groups.iter().flatten() {
                    if !self.live_members().any(|m| m == member) {
                        return Err(Refusal::invalid(
                            format!("no such member: {member}"),
                            format!("Deze deelnemer bestaat niet: {member}"),
                        ));
                    }
                    if !seen.insert(member) {
                        return Err(Refusal::invalid(
                            "a member can be in one group only",
                            "Iemand zit maar in één groep.",
                        ));
                    }
                }
                if groups.iter().filter(|g| !g.is_empty()).count() < 2 {
                    return Err(Refusal::invalid(
                        "form at least two groups",
                        "Maak minstens twee groepen.",
                    ));
                }
                groups.into_iter().filter(|g| !g.is_empty()).collect()
            }
            random => {
                // Everyone present but whoever leads: the facilitator moves between groups.
                let leads = |member: &MemberId| match &self.delegate {
                    Some(delegate) => delegate == member,
                    None => context.token_holders.contains(member),
                };
                let mut people: Vec<MemberId> = context
                    .present
                    .iter()
                    .filter(|m| self.live_members().any(|live| live == *m))
                    .filter(|m| !leads(m))
                    .cloned()
                    .collect();
                people.sort();
                people.dedup();
                let count = match random {
                    GroupPlan::Pairs => (people.len() / 2).max(1),
                    GroupPlan::Count { groups } => groups,
                    GroupPlan::Manual { .. } => 0,
                };
                if count < 2 || people.len() < count {
                    return Err(Refusal::conflict(
                        format!(
                            "{} people present: too few for {count} groups",
                            people.len()
                        ),
                        format!(
                            "{} aanwezigen: te weinig voor {count} groepen.",
                            people.len()
                        ),
                    ));
                }
                Shuffler(context.random | 1).shuffle(&mut people);
                let mut groups = vec![Vec::new(); count];
                for (index, person) in people.into_iter().enumerate() {
                    groups[index % count].push(person);
                }
                groups
            }
        };
        let formation = self.groups.as_ref().map_or(0, |g| g.formation + 1);
        self.groups = Some(Groups {
            members,
            formation,
            working: true,
        });
        // A new grouping starts its top threes afresh.
        self.cards.group_tops.clear();
        Ok(())
    }

    /// The meeting as `caller` may see it.
    pub fn view_for(&self, caller: &Caller, context: &Context) -> MeetingView {
        let facilitator = self.is_facilitator(caller);
        let you = caller.member.clone();
        let participants = self
            .members
            .iter()
            .filter(|(_, m)| !m.removed)
            .map(|(id, m)| ParticipantView {
                member: id.clone(),
                name: m.name.clone(),
                connected: context.present.contains(id),
                facilitator: self.delegate.as_ref() == Some(id),
            })
            .collect();
        let your_group = you.as_ref().and_then(|me| {
            self.groups
                .as_ref()?
                .members
                .iter()
                .position(|g| g.contains(me))
        });
        MeetingView {
            agenda: self
                .agenda
                .iter()
                .map(|kind| ActivityView {
                    kind: *kind,
                    steps: kind
                        .steps()
                        .iter()
                        .map(|(key, minutes)| StepView {
                            key: (*key).to_owned(),
                            minutes: *minutes,
                        })
                        .collect(),
                })
                .collect(),
            position: self.position,
            timer: self.timer,
            now_ms: context.now_ms,
            groups: self.groups.clone(),
            vote: self.vote.as_ref().map(|v| v.view_for(you.as_deref())),
            table_locked: self.table_locked,
            cards: self.cards.clone(),
            cases: self.cases.clone(),
            participants,
            you: YouView {
                member: you,
                facilitator,
                facilitator_token: caller.facilitator_token,
                group: your_group,
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

    /// Options by votes, most first; equal counts share a rank (1, 1, 3, ...).
    pub fn ranking(&self) -> Vec<RankedOption> {
        let mut counts = vec![0u32; self.settings.options.len()];
        for &option in self.ballots.values().flatten() {
            if let Some(count) = counts.get_mut(option) {
                *count += 1;
            }
        }
        let mut order: Vec<usize> = (0..self.settings.options.len()).collect();
        order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
        let mut ranked: Vec<RankedOption> = Vec::with_capacity(order.len());
        for (place, &option) in order.iter().enumerate() {
            let rank = match ranked.last() {
                Some(previous) if previous.votes == counts[option] => previous.rank,
                _ => place + 1,
            };
            ranked.push(RankedOption {
                option,
                label: self.settings.options[option].clone(),
                votes: counts[option],
                rank,
            });
        }
        ranked
    }
}

/// One step as shown in the agenda.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    pub key: String,
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

/// An option's place in the results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedOption {
    pub option: usize,
    pub label: String,
    pub votes: u32,
    /// 1 for the most votes; options with equal votes share a rank.
    pub rank: usize,
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
    pub participants: Vec<ParticipantView>,
    pub you: YouView,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facilitator() -> Caller {
        Caller {
            facilitator_token: true,
            member: Some("f".into()),
        }
    }

    fn person(id: &str) -> Caller {
        Caller {
            facilitator_token: false,
            member: Some(id.into()),
        }
    }

    fn context(present: &[&str]) -> Context {
        Context {
            now_ms: 1_000_000,
            random: 42,
            present: present.iter().map(|s| (*s).to_owned()).collect(),
            token_holders: vec!["f".into()],
        }
    }

    fn meeting_with(people: &[&str]) -> Meeting {
        let mut meeting = Meeting::default();
        let ctx = context(people);
        meeting
            .apply(
                &facilitator(),
                Command::Hello {
                    name: "Fenna".into(),
                },
                &ctx,
            )
            .expect("hello");
        for id in people {
            meeting
                .apply(
                    &person(id),
                    Command::Hello {
                        name: format!("Naam {id}"),
                    },
                    &ctx,
                )
                .expect("hello");
        }
        meeting
    }

    fn open_vote(meeting: &mut Meeting) {
        let command = Command::OpenVote {
            question: "Welke deugden?".into(),
            options: ["Geduld", "Respect", "Moed", "Eerlijkheid"]
                .map(String::from)
                .to_vec(),
            votes_per_person: None,
            max_per_option: None,
            facilitator_votes: None,
        };
        meeting
            .apply(&facilitator(), command, &context(&[]))
            .expect("open vote");
    }

    #[test]
    fn participants_may_not_run_facilitator_commands_and_nothing_changes() {
        let mut meeting = meeting_with(&["a"]);
        let before = meeting.clone();
        let all = [
            Command::NextStep,
            Command::PreviousStep,
            Command::GoToStep {
                activity: 0,
                step: 1,
            },
            Command::SetAgenda {
                activities: vec![ActivityKind::Evaluation],
            },
            Command::StartTimer { seconds: None },
            Command::PauseTimer,
            Command::ResumeTimer,
            Command::StopTimer,
            Command::FormGroups {
                plan: GroupPlan::Pairs,
            },
            Command::EndGroups,
            Command::CloseVote,
            Command::RevealVote,
            Command::LockTable,
            Command::UnlockTable,
            Command::HandOver { member: "a".into() },
            Command::Reclaim,
            Command::RenameMember {
                member: "f".into(),
                name: "x".into(),
            },
            Command::RemoveMember { member: "f".into() },
        ];
        for command in all {
            let refused = meeting.apply(&person("a"), command.clone(), &context(&["a"]));
            assert_eq!(refused.map_err(|r| r.status), Err(403), "{command:?}");
            assert_eq!(meeting, before, "{command:?} changed nothing");
        }
    }

    #[test]
    fn the_agenda_moves_forward_and_back_across_activities() {
        let mut meeting = meeting_with(&[]);
        let ctx = context(&[]);
        let steps = ActivityKind::VirtueCards.steps().len();
        for _ in 0..steps {
            meeting
                .apply(&facilitator(), Command::NextStep, &ctx)
                .expect("next");
        }
        assert_eq!(
            meeting.position,
            Position {
                activity: 1,
                step: 0
            }
        );
        meeting
            .apply(&facilitator(), Command::PreviousStep, &ctx)
            .expect("back");
        assert_eq!(
            meeting.position,
            Position {
                activity: 0,
                step: steps - 1
            }
        );
        let first = meeting.apply(
            &facilitator(),
            Command::GoToStep {
                activity: 0,
                step: 0,
            },
            &ctx,
        );
        assert!(first.is_ok());
        let refused = meeting.apply(&facilitator(), Command::PreviousStep, &ctx);
        assert_eq!(refused.map_err(|r| r.status), Err(409));
        let bad = meeting.apply(
            &facilitator(),
            Command::GoToStep {
                activity: 9,
                step: 0,
            },
            &ctx,
        );
        assert_eq!(bad.map_err(|r| r.status), Err(422));
    }

    #[test]
    fn the_timer_runs_pauses_and_resumes_on_the_server_clock() {
        let mut meeting = meeting_with(&[]);
        let mut ctx = context(&[]);
        meeting
            .apply(&facilitator(), Command::StartTimer { seconds: None }, &ctx)
            .expect("start");
        let minutes = u64::from(ActivityKind::VirtueCards.steps()[0].1);
        assert_eq!(
            meeting.timer,
            Timer::Running {
                duration_ms: minutes * 60_000,
                ends_at_ms: ctx.now_ms + minutes * 60_000
            }
        );
        ctx.now_ms += 60_000;
        meeting
            .apply(&facilitator(), Command::PauseTimer, &ctx)
            .expect("pause");
        assert_eq!(
            meeting.timer,
            Timer::Paused {
                duration_ms: minutes * 60_000,
                remaining_ms: (minutes - 1) * 60_000
            }
        );
        ctx.now_ms += 3_600_000;
        meeting
            .apply(&facilitator(), Command::ResumeTimer, &ctx)
            .expect("resume");
        assert_eq!(
            meeting.timer,
            Timer::Running {
                duration_ms: minutes * 60_000,
                ends_at_ms: ctx.now_ms + (minutes - 1) * 60_000
            }
        );
        meeting
            .apply(&facilitator(), Command::NextStep, &ctx)
            .expect("next");
        assert_eq!(
            meeting.timer,
            Timer::Stopped,
            "a new step starts without a timer"
        );
    }

    #[test]
    fn votes_are_limited_secret_until_revealed_and_ranked_with_ties() {
        let mut meeting = meeting_with(&["a", "b", "c"]);
        open_vote(&mut meeting);
        let ctx = context(&["a", "b", "c"]);
        let cast = |m: &mut Meeting, who: &str, options: Vec<usize>| {
            m.apply(&person(who), Command::CastVote { options }, &ctx)
                .map_err(|r| r.status)
        };
        assert_eq!(
            cast(&mut meeting, "a", vec![0, 1, 2, 3]),
            Err(422),
            "a fourth vote"
        );
        assert_eq!(
            cast(&mut meeting, "a", vec![0, 0]),
            Err(422),
            "two votes on one option"
        );
        assert_eq!(cast(&mut meeting, "a", vec![7]), Err(422), "no such option");
        assert_eq!(cast(&mut meeting, "a", vec![0, 1, 2]), Ok(()));
        assert_eq!(
            cast(&mut meeting, "a", vec![0, 1]),
            Ok(()),
            "votes may change while open"
        );
        assert_eq!(cast(&mut meeting, "b", vec![1, 0]), Ok(()));
        assert_eq!(cast(&mut meeting, "c", vec![2]), Ok(()));
        let facilitator_vote =
            meeting.apply(&facilitator(), Command::CastVote { options: vec![3] }, &ctx);
        assert_eq!(
            facilitator_vote.map_err(|r| r.status),
            Err(403),
            "facilitator does not take part"
        );

        let view = meeting.view_for(&person("a"), &ctx).vote.expect("vote");
        assert_eq!(view.voters, 3);
        assert_eq!(view.your_ballot, vec![0, 1]);
        assert!(view.results.is_none(), "secret before the reveal");
        let facilitator_view = meeting.view_for(&facilitator(), &ctx).vote.expect("vote");
        assert!(
            facilitator_view.results.is_none(),
            "secret for the facilitator too"
        );
        let json = serde_json::to_string(&meeting.view_for(&person("c"), &ctx)).expect("json");
        assert!(!json.contains("ballots"), "no ballots in any view: {json}");

        meeting
            .apply(&facilitator(), Command::CloseVote, &ctx)
            .expect("close");
        assert_eq!(
            cast(&mut meeting, "c", vec![3]),
            Err(409),
            "voting after the close"
        );
        meeting
            .apply(&facilitator(), Command::RevealVote, &ctx)
            .expect("reveal");
        let results = meeting
            .view_for(&person("b"), &ctx)
            .vote
            .and_then(|v| v.results)
            .expect("results");
        let summary: Vec<(&str, u32, usize)> = results
            .iter()
            .map(|r| (r.label.as_str(), r.votes, r.rank))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("Geduld", 2, 1),
                ("Respect", 2, 1),
                ("Moed", 1, 3),
                ("Eerlijkheid", 0, 4)
            ]
        );
    }

    #[test]
    fn groups_split_everyone_present_and_can_be_chosen_by_hand() {
        let people = ["a", "b", "c", "d", "e"];
        let mut meeting = meeting_with(&people);
        let ctx = context(&["a", "b", "c", "d", "e", "f"]);
        meeting
            .apply(
                &facilitator(),
                Command::FormGroups {
                    plan: GroupPlan::Count { groups: 2 },
                },
                &ctx,
            )
            .expect("two groups");
        let groups = meeting.groups.clone().expect("groups");
        assert_eq!(groups.members.len(), 2);
        let mut everyone: Vec<_> = groups.members.concat();
        everyone.sort();
        assert_eq!(
            everyone,
            people.map(String::from).to_vec(),
            "the facilitator leads, in no group"
        );
        assert!(groups.members.iter().all(|g| g.len() >= 2));

        meeting
            .apply(
                &facilitator(),
                Command::FormGroups {
                    plan: GroupPlan::Pairs,
                },
                &ctx,
            )
            .expect("pairs");
        assert_eq!(meeting.groups.as_ref().map(|g| g.members.len()), Some(2));

        let manual = GroupPlan::Manual {
            groups: vec![vec!["a".into(), "b".into()], vec!["c".into()]],
        };
        meeting
            .apply(&facilitator(), Command::FormGroups { plan: manual }, &ctx)
            .expect("by hand");
        let twice = GroupPlan::Manual {
            groups: vec![vec!["a".into()], vec!["a".into()]],
        };
        let refused = meeting.apply(&facilitator(), Command::FormGroups { plan: twice }, &ctx);
        assert_eq!(refused.map_err(|r| r.status), Err(422));
        let view = meeting.view_for(&person("c"), &ctx);
        assert_eq!(view.you.group, Some(1));
        meeting
            .apply(&facilitator(), Command::EndGroups, &ctx)
            .expect("plenary");
        assert_eq!(
            meeting.groups.as_ref().map(|g| g.working),
            Some(false),
            "results stay for plenary"
        );
    }

    #[test]
    fn the_role_can_be_handed_over_and_taken_back() {
        let mut meeting = meeting_with(&["a"]);
        let ctx = context(&["a"]);
        meeting
            .apply(
                &facilitator(),
                Command::HandOver { member: "a".into() },
                &ctx,
            )
            .expect("hand over");
        assert!(meeting.is_facilitator(&person("a")));
        assert!(!meeting.is_facilitator(&facilitator()));
        meeting
            .apply(&person("a"), Command::LockTable, &ctx)
            .expect("the new facilitator leads");
        meeting
            .apply(&facilitator(), Command::Reclaim, &ctx)
            .expect("reclaim");
        assert!(meeting.is_facilitator(&facilitator()));
        assert!(!meeting.is_facilitator(&person("a")));
    }

    #[test]
    fn a_removed_member_is_refused_and_loses_an_open_ballot() {
        let mut meeting = meeting_with(&["a", "b"]);
        open_vote(&mut meeting);
        let ctx = context(&["a", "b"]);
        meeting
            .apply(&person("a"), Command::CastVote { options: vec![0] }, &ctx)
            .expect("vote");
        meeting
            .apply(
                &facilitator(),
                Command::RemoveMember { member: "a".into() },
                &ctx,
            )
            .expect("remove");
        assert_eq!(meeting.vote.as_ref().map(|v| v.ballots.len()), Some(0));
        let back = meeting.apply(&person("a"), Command::Hello { name: "A".into() }, &ctx);
        assert_eq!(back.map_err(|r| r.status), Err(403));
        assert!(meeting
            .view_for(&facilitator(), &ctx)
            .participants
            .iter()
            .all(|p| p.member != "a"));
    }

    #[test]
    fn the_card_rounds_follow_the_method_and_refuse_cheats() {
        let people = ["a", "b", "c", "d"];
        let mut meeting = meeting_with(&people);
        let ctx = context(&people);
        let run = |m: &mut Meeting, who: &Caller, command: Command| {
            m.apply(who, command, &ctx).map_err(|r| r.status)
        };
        let pick = |card: &str| Command::PickCard {
            card: card.into(),
            motivation: "Omdat het telt".into(),
        };
        // The default agenda starts with the card activity, round 1.
        assert_eq!(meeting.step_key(), Some("cards.round1"));
        assert_eq!(
            run(&mut meeting, &person("a"), pick("Geen deugd")),
            Err(422)
        );
        assert_eq!(run(&mut meeting, &person("a"), pick("geduld")), Ok(()));
        assert_eq!(
            meeting.cards.picks["a"].card, "Geduld",
            "the deck's spelling"
        );
        assert_eq!(
            run(&mut meeting, &person("b"), pick("Geduld")),
            Err(409),
            "one card, one holder"
        );
        assert_eq!(
            run(
                &mut meeting,
                &person("b"),
                Command::AddCard {
                    name: "Zachtmoedigheid".into(),
                    text: "Je lacht samen, op het goede moment.".into()
                }
            ),
            Ok(())
        );
        assert_eq!(
            run(
                &mut meeting,
                &person("c"),
                Command::AddCard {
                    name: "geduld".into(),
                    text: String::new()
                }
            ),
            Err(409),
            "no second card of a name"
        );
        assert_eq!(
            run(&mut meeting, &person("b"), pick("Zachtmoedigheid")),
            Ok(())
        );
        assert_eq!(run(&mut meeting, &person("c"), pick("Lef/moed")), Ok(()));
        assert_eq!(run(&mut meeting, &person("d"), pick("Respect")), Ok(()));
        assert_eq!(
            run(&mut meeting, &person("d"), pick("Eerlijkheid")),
            Ok(()),
            "a pick can change"
        );
        // Reading out: the holder or the facilitator, nobody else.
        let read = |card: &str| Command::ReadOut {
            card: Some(card.into()),
        };
        assert_eq!(run(&mut meeting, &person("b"), read("Geduld")), Err(403));
        assert_eq!(run(&mut meeting, &person("a"), read("Geduld")), Ok(()));
        assert_eq!(meeting.cards.reading.as_deref(), Some("Geduld"));
        assert_eq!(run(&mut meeting, &facilitator(), read("Lef/moed")), Ok(()));
        assert_eq!(
            meeting.cards.in_play(),
            vec!["Eerlijkheid", "Geduld", "Lef/moed", "Zachtmoedigheid"],
            "unpicked cards (Respect) left the game"
        );

        // Round 2: picks are closed; groups make top threes of cards in play.
        run(&mut meeting, &facilitator(), Command::NextStep).expect("round 2");
        assert_eq!(run(&mut meeting, &person("a"), pick("Lef/moed")), Err(409));
        let place = |place: usize, card: &str| Command::SetGroupTop {
            group: None,
            place,
            card: Some(card.to_owned()),
        };
        assert_eq!(
            run(&mut meeting, &person("a"), place(0, "Geduld")),
            Err(409),
            "no groups yet"
        );
        run(
            &mut meeting,
            &facilitator(),
            Command::FormGroups {
                plan: GroupPlan::Manual {
                    groups: vec![vec!["a".into(), "b".into()], vec!["c".into(), "d".into()]],
                },
            },
        )
        .expect("groups");
        // Group mates fill different places at once; neither undoes the other.
        assert_eq!(run(&mut meeting, &person("a"), place(0, "Geduld")), Ok(()));
        assert_eq!(
            run(&mut meeting, &person("b"), place(2, "Zachtmoedigheid")),
            Ok(())
        );
        assert_eq!(
            run(&mut meeting, &person("a"), place(1, "lef/moed")),
            Ok(())
        );
        assert_eq!(
            run(&mut meeting, &person("c"), place(0, "Respect")),
            Err(422),
            "out of play"
        );
        assert_eq!(
            run(&mut meeting, &person("c"), place(3, "Geduld")),
            Err(422),
            "a fourth place"
        );
        let other_group = Command::SetGroupTop {
            group: Some(0),
            place: 0,
            card: Some("Eerlijkheid".into()),
        };
        assert_eq!(run(&mut meeting, &person("c"), other_group), Err(403));
        assert_eq!(
            run(&mut meeting, &person("c"), place(0, "Lef/moed")),
            Ok(())
        );
        assert_eq!(
            run(&mut meeting, &person("d"), place(1, "Lef/moed")),
            Ok(()),
            "a card moves"
        );
        assert_eq!(
            meeting.cards.group_tops[&0],
            vec!["Geduld", "Lef/moed", "Zachtmoedigheid"]
        );
        assert_eq!(meeting.cards.group_tops[&1], vec!["", "Lef/moed", ""]);

        // Round 3: the facilitator settles the team's top three; people adopt.
        let team_top = Command::SetTeamTop {
            cards: vec!["Lef/moed".into(), "Geduld".into(), "Eerlijkheid".into()],
        };
        assert_eq!(run(&mut meeting, &person("a"), team_top.clone()), Err(403));
        assert_eq!(run(&mut meeting, &facilitator(), team_top), Ok(()));
        let adopt = |virtue: &str, member: Option<&str>| Command::Adopt {
            virtue: virtue.into(),
            member: member.map(str::to_owned),
        };
        assert_eq!(
            run(&mut meeting, &person("b"), adopt("Zachtmoedigheid", None)),
            Err(422),
            "not in the top three"
        );
        assert_eq!(
            run(&mut meeting, &person("b"), adopt("lef/moed", None)),
            Ok(())
        );
        assert_eq!(
            run(&mut meeting, &person("b"), adopt("Lef/moed", None)),
            Err(409)
        );
        assert_eq!(
            run(&mut meeting, &person("b"), adopt("Geduld", Some("c"))),
            Err(403)
        );
        assert_eq!(
            run(&mut meeting, &facilitator(), adopt("Geduld", Some("c"))),
            Ok(())
        );
        assert_eq!(meeting.cards.adoptions["Lef/moed"], vec!["b"]);
        assert_eq!(meeting.cards.adoptions["Geduld"], vec!["c"]);
        run(
            &mut meeting,
            &facilitator(),
            Command::RemoveMember { member: "c".into() },
        )
        .expect("remove");
        assert!(
            !meeting.cards.adoptions.contains_key("Geduld"),
            "a removed member's adoption goes"
        );
        let view = meeting.view_for(&person("a"), &ctx);
        assert_eq!(
            view.cards.team_top,
            vec!["Lef/moed", "Geduld", "Eerlijkheid"]
        );
    }

    #[test]
    fn the_facilitator_names_the_contributor_who_alone_writes_the_intake() {
        let people = ["a", "b"];
        let mut meeting = meeting_with(&people);
        let ctx = context(&people);
        let run = |m: &mut Meeting, who: &Caller, command: Command| {
            m.apply(who, command, &ctx).map_err(|r| r.status)
        };
        let name = |member: &str| Command::NameContributor {
            activity: None,
            member: member.into(),
        };
        // The default agenda: cards, then the case consultation at position 1.
        assert_eq!(run(&mut meeting, &facilitator(), name("a")), Err(409));
        run(
            &mut meeting,
            &facilitator(),
            Command::GoToStep {
                activity: 1,
                step: 0,
            },
        )
        .expect("to the intake");
        assert_eq!(run(&mut meeting, &person("a"), name("a")), Err(403));
        assert_eq!(run(&mut meeting, &facilitator(), name("x")), Err(422));
        let follow_up = |date: &str| Command::SetFollowUp {
            activity: None,
            follow_up: Some(FollowUp::Date { date: date.into() }),
        };
        assert_eq!(
            run(&mut meeting, &facilitator(), follow_up("2027-01-12")),
            Err(409),
            "no case before its contributor is named"
        );
        run(&mut meeting, &facilitator(), name("a")).expect("named");
        let case = meeting.cases[&1].clone();
        assert_eq!(case.contributor, "a");

        let intake: Vec<String> = case_part::INTAKE
            .iter()
            .map(|(part, _)| case_root(&case.id, part))
            .collect();
        let read_only = |m: &Meeting, who: &Caller| -> Vec<String> {
            m.read_only_roots(who).into_iter().map(|r| r.name).collect()
        };
        assert_eq!(read_only(&meeting, &person("b")), intake);
        assert!(read_only(&meeting, &person("a")).is_empty());
        assert!(read_only(&meeting, &facilitator()).is_empty());

        assert_eq!(
            run(&mut meeting, &person("b"), follow_up("2027-01-12")),
            Err(403)
        );
        assert_eq!(
            run(&mut meeting, &person("a"), follow_up("2027-02-30")),
            Err(422)
        );
        run(&mut meeting, &person("a"), follow_up("2027-01-12")).expect("contributor sets it");
        assert_eq!(
            meeting.cases[&1].follow_up,
            Some(FollowUp::Date {
                date: "2027-01-12".into()
            })
        );

        // Locking the table adds the table for b, not for the contributor's own intake.
        run(&mut meeting, &facilitator(), Command::LockTable).expect("lock");
        let for_a = meeting.read_only_roots(&person("a"));
        assert!(for_a.iter().all(|r| r.why == ReadOnlyBecause::TableLocked));
        assert_eq!(for_a.len(), LOCKABLE.len());

        // A new agenda without a case consultation there forgets the case.
        run(
            &mut meeting,
            &facilitator(),
            Command::SetAgenda {
                activities: vec![ActivityKind::CaseConsultation, ActivityKind::Evaluation],
            },
        )
        .expect("agenda");
        assert!(meeting.cases.is_empty());
    }

    #[test]
    fn every_refusal_also_says_why_in_dutch() {
        let mut meeting = meeting_with(&["a", "b"]);
        let ctx = context(&["a", "b"]);
        let attempts = [
            (person("a"), Command::NextStep),
            (person("a"), Command::Hello { name: " ".into() }),
            (facilitator(), Command::PreviousStep),
            (facilitator(), Command::StartTimer { seconds: Some(0) }),
            (facilitator(), Command::PauseTimer),
            (person("a"), Command::CastVote { options: vec![0] }),
            (
                person("a"),
                Command::PickCard {
                    card: "Bestaat niet".into(),
                    motivation: String::new(),
                },
            ),
            (person("a"), Command::UnpickCard),
            (
                person("a"),
                Command::Adopt {
                    virtue: "Geduld".into(),
                    member: None,
                },
            ),
            (
                person("a"),
                Command::ReadOut {
                    card: Some("Geduld".into()),
                },
            ),
            (
                Caller {
                    facilitator_token: false,
                    member: None,
                },
                Command::PickCard {
                    card: "Geduld".into(),
                    motivation: String::new(),
                },
            ),
        ];
        for (caller, command) in attempts {
            let refusal = meeting
                .apply(&caller, command.clone(), &ctx)
                .expect_err("refused");
            let dutch = refusal.reason_nl.clone().unwrap_or_default();
            assert!(
                !dutch.is_empty()
                    && dutch != refusal.reason
                    && dutch.starts_with(char::is_uppercase),
                "{command:?}: {refusal:?}"
            );
        }
    }

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
