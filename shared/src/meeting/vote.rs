//! Votes: opening one with its settings, casting a ballot within them, closing, the
//! reveal, and the ranking of the options.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::MemberId;
use crate::refusal::{Refusal, TextRule, MAX_TEXT_CHARS};

/// Most options one vote may have.
pub const MAX_VOTE_OPTIONS: usize = 60;
/// Most votes one person may have in a vote.
pub const MAX_VOTES_PER_PERSON: u32 = 10;

/// A vote's question or option.
const LINE: TextRule = TextRule::line(MAX_TEXT_CHARS);

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

/// A vote, with every ballot. Never sent to clients as such: see
/// [`super::VoteView`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    #[serde(flatten)]
    pub settings: VoteSettings,
    pub phase: VotePhase,
    /// Each voter's chosen option indices.
    pub ballots: BTreeMap<MemberId, Vec<usize>>,
    /// The agenda position of the activity the vote was opened in; a closed vote stays
    /// there (`None` for votes stored before this existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opened_in: Option<usize>,
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

impl Vote {
    /// A new open vote, unless `current` is still open. Three votes each and one per
    /// option unless asked otherwise.
    pub(super) fn open(
        current: Option<&Vote>,
        question: &str,
        options: &[String],
        votes_per_person: Option<u32>,
        max_per_option: Option<u32>,
        facilitator_votes: Option<bool>,
    ) -> Result<Vote, Refusal> {
        if current.is_some_and(|v| v.phase == VotePhase::Open) {
            return Err(Refusal::conflict(
                "a vote is already open; close it first",
                "Er loopt al een stemming; sluit die eerst.",
            ));
        }
        let question = LINE.clean(question, ("the question", "De vraag"))?;
        if options.len() < 2 || options.len() > MAX_VOTE_OPTIONS {
            return Err(Refusal::invalid(
                format!("a vote needs 2 to {MAX_VOTE_OPTIONS} options"),
                format!("Een stemming heeft 2 tot {MAX_VOTE_OPTIONS} keuzes nodig."),
            ));
        }
        let options = options
            .iter()
            .map(|o| LINE.clean(o, ("an option", "Een keuze")))
            .collect::<Result<Vec<_>, _>>()?;
        let votes_per_person = votes_per_person.unwrap_or(3);
        let max_per_option = max_per_option.unwrap_or(1);
        if votes_per_person == 0 || votes_per_person > MAX_VOTES_PER_PERSON {
            return Err(Refusal::invalid(
                format!("each person has 1 to {MAX_VOTES_PER_PERSON} votes"),
                format!("Iedereen heeft 1 tot {MAX_VOTES_PER_PERSON} stemmen."),
            ));
        }
        if max_per_option == 0 || max_per_option > votes_per_person {
            return Err(Refusal::invalid(
                "votes per option must be between 1 and the votes per person",
                "Het aantal stemmen per keuze ligt tussen 1 en het aantal stemmen per persoon.",
            ));
        }
        Ok(Vote {
            settings: VoteSettings {
                question,
                options,
                votes_per_person,
                max_per_option,
                facilitator_votes: facilitator_votes.unwrap_or(false),
            },
            phase: VotePhase::Open,
            ballots: BTreeMap::new(),
            opened_in: None,
        })
    }

    /// The vote, if there is one.
    pub(super) fn existing(vote: Option<&mut Vote>) -> Result<&mut Vote, Refusal> {
        vote.ok_or_else(|| Refusal::conflict("there is no vote", "Er is geen stemming."))
    }

    /// `member`'s whole ballot (an empty one takes their votes back).
    pub(super) fn cast(
        &mut self,
        member: MemberId,
        options: Vec<usize>,
        facilitator: bool,
    ) -> Result<(), Refusal> {
        if self.phase != VotePhase::Open {
            return Err(Refusal::conflict(
                "the vote is closed",
                "De stemming is gesloten.",
            ));
        }
        let settings = &self.settings;
        if facilitator && !settings.facilitator_votes {
            return Err(Refusal::forbidden(
                "the facilitator does not take part in this vote",
                "De begeleider stemt bij deze stemming niet mee.",
            ));
        }
        if options.len() > settings.votes_per_person as usize {
            return Err(Refusal::invalid(
                format!("you have {} votes", settings.votes_per_person),
                format!("Je hebt {} stemmen.", settings.votes_per_person),
            ));
        }
        if let Some(bad) = options.iter().find(|&&o| o >= settings.options.len()) {
            return Err(Refusal::invalid(
                format!("there is no option {bad}"),
                format!("Keuze {bad} bestaat niet."),
            ));
        }
        let mut per_option: BTreeMap<usize, u32> = BTreeMap::new();
        for &option in &options {
            *per_option.entry(option).or_default() += 1;
        }
        if per_option.values().any(|&n| n > settings.max_per_option) {
            return Err(Refusal::invalid(
                format!("at most {} vote(s) per option", settings.max_per_option),
                format!("Hoogstens {} stem(men) per keuze.", settings.max_per_option),
            ));
        }
        if options.is_empty() {
            self.ballots.remove(&member);
        } else {
            self.ballots.insert(member, options);
        }
        Ok(())
    }

    /// No more ballots.
    pub(super) fn close(vote: Option<&mut Vote>) -> Result<(), Refusal> {
        match vote {
            Some(vote) if vote.phase == VotePhase::Open => {
                vote.phase = VotePhase::Closed;
                Ok(())
            }
            _ => Err(Refusal::conflict(
                "there is no open vote",
                "Er is geen open stemming.",
            )),
        }
    }

    /// Shows the results (closing the vote if still open).
    pub(super) fn reveal(vote: Option<&mut Vote>) -> Result<(), Refusal> {
        let vote = Vote::existing(vote)?;
        if vote.phase == VotePhase::Revealed {
            return Err(Refusal::conflict(
                "the vote is already revealed",
                "De uitslag is al getoond.",
            ));
        }
        vote.phase = VotePhase::Revealed;
        Ok(())
    }

    /// Drops a removed member's ballot while the vote is open.
    pub(super) fn forget(&mut self, member: &MemberId) {
        if self.phase == VotePhase::Open {
            self.ballots.remove(member);
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
