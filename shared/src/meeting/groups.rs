//! Groups: how the facilitator splits people up ([`GroupPlan`]), drawing them at random,
//! and the groups at work ([`Groups`]).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::ids::MemberId;
use crate::refusal::Refusal;

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

/// Who can be put into groups, as the meeting knows them.
pub(super) struct Candidates<'a> {
    /// Members not removed.
    pub live: Vec<&'a MemberId>,
    /// Members with an open connection, in any order.
    pub present: &'a [MemberId],
    /// Whoever leads moves between the groups rather than joining one.
    pub leads: &'a dyn Fn(&MemberId) -> bool,
    pub random: u64,
}

impl GroupPlan {
    /// The groups this plan makes of `candidates`.
    pub(super) fn draw(self, candidates: &Candidates) -> Result<Vec<Vec<MemberId>>, Refusal> {
        let count = match self {
            GroupPlan::Manual { groups } => return by_hand(groups, &candidates.live),
            GroupPlan::Pairs => None,
            GroupPlan::Count { groups } => Some(groups),
        };
        let mut people: Vec<MemberId> = candidates
            .present
            .iter()
            .filter(|m| candidates.live.contains(m))
            .filter(|m| !(candidates.leads)(m))
            .cloned()
            .collect();
        people.sort();
        people.dedup();
        let count = count.unwrap_or((people.len() / 2).max(1));
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
        Shuffler(candidates.random | 1).shuffle(&mut people);
        let mut groups = vec![Vec::new(); count];
        for (index, person) in people.into_iter().enumerate() {
            groups[index % count].push(person);
        }
        Ok(groups)
    }
}

/// Groups chosen by hand: every member live and in one group only, two groups at least.
fn by_hand(groups: Vec<Vec<MemberId>>, live: &[&MemberId]) -> Result<Vec<Vec<MemberId>>, Refusal> {
    let mut seen = BTreeSet::new();
    for member in groups.iter().flatten() {
        if !live.contains(&member) {
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
    Ok(groups.into_iter().filter(|g| !g.is_empty()).collect())
}

impl Groups {
    /// Newly formed groups of `members`, at work, after the `previous` grouping.
    pub(super) fn formed(previous: Option<&Groups>, members: Vec<Vec<MemberId>>) -> Groups {
        Groups {
            members,
            formation: previous.map_or(0, |g| g.formation + 1),
            working: true,
        }
    }

    /// The groups, if they are at work.
    pub(super) fn at_work(groups: Option<&Groups>) -> Result<&Groups, Refusal> {
        groups.filter(|g| g.working).ok_or_else(no_groups_at_work)
    }

    /// Back to plenary; the groups stay for their results to be shown.
    pub(super) fn end(groups: Option<&mut Groups>) -> Result<(), Refusal> {
        match groups {
            Some(groups) if groups.working => {
                groups.working = false;
                Ok(())
            }
            _ => Err(no_groups_at_work()),
        }
    }

    /// The group `member` is in.
    pub fn group_of(&self, member: &MemberId) -> Option<usize> {
        self.members.iter().position(|g| g.contains(member))
    }

    /// Takes a removed member out of their group.
    pub(super) fn forget(&mut self, member: &MemberId) {
        for group in &mut self.members {
            group.retain(|m| m != member);
        }
    }
}

fn no_groups_at_work() -> Refusal {
    Refusal::conflict(
        "there are no groups at work",
        "Er zijn geen groepen aan het werk.",
    )
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
