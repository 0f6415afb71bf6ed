//! Members and roles: who is in the meeting under which name, who waits in the waiting
//! room (*wachtkamer*) until the facilitator lets them in, who was removed, who holds the
//! facilitator role, and who is calling.
//!
//! These are methods of [`Meeting`] because the members and the delegate are fields of
//! the stored meeting, and removing a member reaches into its vote, groups and cards.

use serde::{Deserialize, Serialize};

use super::{Context, Meeting};
use crate::ids::MemberId;
use crate::refusal::{Refusal, Subject, TextRule, MAX_TEXT_CHARS};

/// A person's name.
const NAME: TextRule = TextRule::line(MAX_TEXT_CHARS);

/// A person known to the meeting: one device, by its member key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub name: String,
    /// Let in by the facilitator (or joined while there was no waiting room); kept, so
    /// the device is let in again when it reconnects. Members stored before the waiting
    /// room existed had all been let in.
    #[serde(default = "already_admitted")]
    pub admitted: bool,
    /// Removed (or refused at the waiting room) by the facilitator: may not come back.
    #[serde(default)]
    pub removed: bool,
}

fn already_admitted() -> bool {
    true
}

/// Who sends a command, as the server established it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The caller holds the board's facilitator token.
    pub facilitator_token: bool,
    /// The caller's member id, once known (from their key).
    pub member: Option<MemberId>,
}

impl Meeting {
    /// Whether `caller` currently holds the facilitator role.
    pub fn is_facilitator(&self, caller: &Caller) -> bool {
        match &self.delegate {
            Some(delegate) => caller.member.as_ref() == Some(delegate),
            None => caller.facilitator_token,
        }
    }

    /// Whether `member` leads the meeting now: holds the handed-over role, or (when it
    /// was not handed over) is here with the facilitator token.
    pub(super) fn leads(&self, member: &MemberId, context: &Context) -> bool {
        match &self.delegate {
            Some(delegate) => delegate == member,
            None => context.token_holders.contains(member),
        }
    }

    /// The members who were let in and not removed: the people taking part.
    pub(super) fn live_members(&self) -> impl Iterator<Item = &MemberId> {
        self.members
            .iter()
            .filter(|(_, m)| m.takes_part())
            .map(|(id, _)| id)
    }

    /// Whether `caller` may see and change the meeting: a holder of the facilitator link,
    /// anyone with the link while there is no waiting room, or a member the facilitator
    /// let in. Everyone else waits: they see nothing of the board and change nothing.
    pub fn lets_in(&self, caller: &Caller) -> bool {
        if caller.facilitator_token {
            return true;
        }
        match caller.member.as_ref().and_then(|m| self.members.get(m)) {
            Some(member) => member.takes_part(),
            None => !self.waiting_room,
        }
    }

    /// `member`, if the meeting knows them and they were not removed.
    pub(super) fn live_member(&self, member: MemberId) -> Result<MemberId, Refusal> {
        if self.live_members().any(|m| *m == member) {
            Ok(member)
        } else {
            Err(no_such_member())
        }
    }

    /// The caller's member id, once they have introduced themselves. `what` is what they
    /// want to do, in English ("vote") and as a Dutch infinitive ("te stemmen").
    pub(super) fn known_member(
        &self,
        caller: &Caller,
        (what, wat): Subject,
    ) -> Result<MemberId, Refusal> {
        let member = caller.member.clone().ok_or_else(|| {
            Refusal::invalid(
                format!("a member key is needed to {what}"),
                format!(
                    "Om {wat} is een persoonlijke sleutel nodig; open het bord opnieuw via de link."
                ),
            )
        })?;
        // Whether the waiting room lets them in, `Meeting::apply` checked first.
        if !self.members.contains_key(&member) {
            return Err(Refusal::conflict(
                format!("introduce yourself (hello) before you {what}"),
                format!("Om {wat} doe je eerst mee met je naam."),
            ));
        }
        Ok(member)
    }

    /// The caller joins under `name`, or changes their name.
    pub(super) fn hello(&mut self, caller: &Caller, name: &str) -> Result<(), Refusal> {
        let member = caller.member.clone().ok_or_else(|| {
            Refusal::invalid(
                "a member key is needed to introduce yourself",
                "Om mee te doen is een persoonlijke sleutel nodig; open het bord opnieuw via de link.",
            )
        })?;
        let name = NAME.clean(name, ("name", "De naam"))?;
        // A new device waits if there is a waiting room; a known one keeps its place.
        let admitted = self.members.get(&member).map_or_else(
            || caller.facilitator_token || !self.waiting_room,
            |known| known.admitted,
        );
        self.members.insert(
            member,
            Member {
                name,
                admitted,
                removed: false,
            },
        );
        Ok(())
    }

    /// "Toelaten": the facilitator lets a waiting member in. (Refusing is
    /// [`Meeting::remove_member`]: the device may not come back.)
    pub(super) fn admit(&mut self, member: &MemberId) -> Result<(), Refusal> {
        match self.members.get_mut(member) {
            Some(found) if !found.removed && !found.admitted => {
                found.admitted = true;
                Ok(())
            }
            Some(found) if found.takes_part() => Err(Refusal::conflict(
                "this member takes part already",
                "Deze deelnemer doet al mee.",
            )),
            _ => Err(no_such_member()),
        }
    }

    /// Switches the waiting room on or off; off lets in everyone waiting.
    pub(super) fn set_waiting_room(&mut self, on: bool) -> Result<(), Refusal> {
        self.waiting_room = on;
        if !on {
            for member in self.members.values_mut().filter(|m| !m.removed) {
                member.admitted = true;
            }
        }
        Ok(())
    }

    pub(super) fn hand_over(&mut self, member: MemberId) -> Result<(), Refusal> {
        self.delegate = Some(self.live_member(member)?);
        Ok(())
    }

    /// The role goes back to the holders of the facilitator link.
    pub(super) fn reclaim(&mut self, caller: &Caller) -> Result<(), Refusal> {
        if !caller.facilitator_token {
            return Err(Refusal::forbidden(
                "only the holder of the facilitator link may take the role back",
                "Alleen wie de link van de begeleider heeft, kan de rol terugnemen.",
            ));
        }
        self.delegate = None;
        Ok(())
    }

    pub(super) fn rename_member(&mut self, member: &MemberId, name: &str) -> Result<(), Refusal> {
        let name = NAME.clean(name, ("name", "De naam"))?;
        match self.members.get_mut(member) {
            Some(found) if !found.removed => {
                found.name = name;
                Ok(())
            }
            _ => Err(no_such_member()),
        }
    }

    /// Removes `member` for good: their role, open ballot, place in a group and
    /// adoptions go; their round 1 card stays in play.
    pub(super) fn remove_member(&mut self, member: &MemberId) -> Result<(), Refusal> {
        match self.members.get_mut(member) {
            Some(found) if !found.removed => found.removed = true,
            _ => return Err(no_such_member()),
        }
        if self.delegate.as_ref() == Some(member) {
            self.delegate = None;
        }
        if let Some(vote) = self.vote.as_mut() {
            vote.forget(member);
        }
        if let Some(groups) = self.groups.as_mut() {
            groups.forget(member);
        }
        self.cards.forget(member);
        Ok(())
    }
}

impl Member {
    /// Let in and not removed.
    pub fn takes_part(&self) -> bool {
        self.admitted && !self.removed
    }

    /// In the waiting room: not let in yet, and not refused.
    pub fn waits(&self) -> bool {
        !self.admitted && !self.removed
    }
}

/// The refusal for a device in the waiting room.
pub fn not_let_in_yet() -> Refusal {
    Refusal::forbidden(
        "wait until the facilitator lets you in",
        "Wacht tot de begeleider je binnenlaat.",
    )
}

fn no_such_member() -> Refusal {
    Refusal::invalid("no such member", "Deze deelnemer bestaat niet.")
}
