//! Activity B, the virtue cards in three rounds (`METHOD.md`): the cards the team added to
//! the shipped deck, the card each person picked in round 1 and why, the card being read
//! out, each group's top three in round 2, the team's top three in round 3 and whether
//! everyone can agree with it (the check round), and who adopted which virtue.
//!
//! The rules live here and run on the server through [`crate::meeting::Meeting::apply`]:
//! one card per person, a card can be held by one person only, cards are picked in round 1
//! only, and what nobody picked leaves the game (later rounds accept picked cards only).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::deck::{self, same_name};
use crate::ids::MemberId;
use crate::refusal::{Refusal, TextRule, MAX_TEXT_CHARS};

/// Longest motivation or card text, in characters.
pub const MAX_CARD_TEXT_CHARS: usize = 500;
/// Most cards a team may add to the deck.
pub const MAX_OWN_CARDS: usize = 100;
/// The size of a top three.
pub const TOP: usize = 3;

/// A card's name: one line, like every name.
const CARD_NAME: TextRule = TextRule::line(MAX_TEXT_CHARS);
/// A card's text or a motivation: may be empty, may have line breaks.
const CARD_TEXT: TextRule = TextRule::paragraphs(MAX_CARD_TEXT_CHARS);

/// A card the team added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnCard {
    pub name: String,
    pub text: String,
}

/// One person's card in round 1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    /// The card's name as the deck spells it.
    pub card: String,
    /// Why this card (may be empty: it can also be said aloud).
    pub motivation: String,
}

/// One person's answer in round 3's check round, about the team's top three as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Agreement {
    /// "Ik kan me hierin vinden."
    Agree,
    /// "Nog niet", and why.
    NotYet { reason: String },
}

/// The state of the card activity. Nothing in it is secret: everyone sees all of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardGame {
    #[serde(default)]
    pub own_cards: Vec<OwnCard>,
    #[serde(default)]
    pub picks: BTreeMap<MemberId, Pick>,
    /// The card being read out now, shown large to everyone.
    #[serde(default)]
    pub reading: Option<String>,
    /// Each group's top three by group number (0-based) of the current groups: the card
    /// at each of the [`TOP`] places, best first, `""` for a place not filled yet.
    #[serde(default)]
    pub group_tops: BTreeMap<usize, Vec<String>>,
    /// The team's top three, best first, once the facilitator has settled it.
    #[serde(default)]
    pub team_top: Vec<String>,
    /// Who adopted which virtue of the team's top three.
    #[serde(default)]
    pub adoptions: BTreeMap<String, Vec<MemberId>>,
    /// The check round: each person's answer to the team's top three as it is now (a
    /// new top three asks again).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub agreement: BTreeMap<MemberId, Agreement>,
    /// Why the team went on to adopting virtues although not everyone could agree yet,
    /// as the facilitator recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_on_because: Option<String>,
}

impl CardGame {
    /// The name and text of a card of the deck or of the team's own cards, matched
    /// ignoring case, in the deck's own spelling.
    pub fn find(&self, name: &str) -> Option<(&str, &str)> {
        deck::card(name).map(|c| (c.name, c.text)).or_else(|| {
            self.own_cards
                .iter()
                .find(|own| same_name(&own.name, name))
                .map(|own| (own.name.as_str(), own.text.as_str()))
        })
    }

    /// The cards still in play after round 1: those somebody picked, by name.
    pub fn in_play(&self) -> Vec<String> {
        let names: BTreeSet<&str> = self.picks.values().map(|p| p.card.as_str()).collect();
        names.into_iter().map(str::to_owned).collect()
    }

    /// Who holds `card`, if anyone.
    pub fn holder(&self, card: &str) -> Option<&MemberId> {
        self.picks
            .iter()
            .find(|(_, pick)| same_name(&pick.card, card))
            .map(|(member, _)| member)
    }

    pub(crate) fn add_card(&mut self, name: &str, text: &str) -> Result<(), Refusal> {
        let name = CARD_NAME.clean(name, ("the card's name", "De naam van de kaart"))?;
        let text = CARD_TEXT.clean(text, ("the card's text", "De uitleg van de kaart"))?;
        if self.find(&name).is_some() {
            return Err(Refusal::conflict(
                "there is already a card with this name",
                "Er is al een kaart met deze naam.",
            ));
        }
        if self.own_cards.len() >= MAX_OWN_CARDS {
            return Err(Refusal::conflict(
                format!("a team may add at most {MAX_OWN_CARDS} cards"),
                format!("Een team kan hoogstens {MAX_OWN_CARDS} eigen kaarten toevoegen."),
            ));
        }
        self.own_cards.push(OwnCard { name, text });
        Ok(())
    }

    pub(crate) fn pick(
        &mut self,
        member: &MemberId,
        card: &str,
        motivation: &str,
    ) -> Result<(), Refusal> {
        let card = self
            .find(card)
            .map(|(name, _)| name.to_owned())
            .ok_or_else(|| Refusal::invalid("there is no such card", "Deze kaart bestaat niet."))?;
        let motivation = CARD_TEXT.clean(motivation, ("the motivation", "De motivatie"))?;
        if self.holder(&card).is_some_and(|holder| holder != member) {
            return Err(Refusal::conflict(
                "someone else already picked this card",
                "Iemand anders heeft deze kaart al gekozen.",
            ));
        }
        if let Some(previous) = self.picks.get(member) {
            if previous.card != card && self.reading.as_ref() == Some(&previous.card) {
                self.reading = None;
            }
        }
        self.picks.insert(member.clone(), Pick { card, motivation });
        Ok(())
    }

    pub(crate) fn unpick(&mut self, member: &MemberId) -> Result<(), Refusal> {
        let pick = self.picks.remove(member).ok_or_else(|| {
            Refusal::conflict(
                "you have not picked a card",
                "Je hebt nog geen kaart gekozen.",
            )
        })?;
        if self.reading.as_ref() == Some(&pick.card) {
            self.reading = None;
        }
        Ok(())
    }

    pub(crate) fn read_out(
        &mut self,
        member: Option<&MemberId>,
        facilitator: bool,
        card: Option<String>,
    ) -> Result<(), Refusal> {
        let Some(card) = card else {
            if !facilitator && self.reading.as_ref().and_then(|c| self.holder(c)) != member {
                return Err(Refusal::forbidden(
                    "only the facilitator or the card's holder may do this",
                    "Alleen de begeleider of wie de kaart koos, kan dit doen.",
                ));
            }
            self.reading = None;
            return Ok(());
        };
        let holder = self.holder(&card).ok_or_else(|| {
            Refusal::conflict(
                "nobody picked this card",
                "Niemand heeft deze kaart gekozen.",
            )
        })?;
        if !facilitator && Some(holder) != member {
            return Err(Refusal::forbidden(
                "only the facilitator or the card's holder may show it",
                "Alleen de begeleider of wie de kaart koos, kan hem laten zien.",
            ));
        }
        self.reading = self.picks.get(holder).map(|p| p.card.clone());
        Ok(())
    }

    /// Checks a list of cards: at most [`TOP`], no repeats, all still in play. Returns
    /// them in the deck's spelling.
    fn top_three(&self, cards: &[String]) -> Result<Vec<String>, Refusal> {
        if cards.len() > TOP {
            return Err(Refusal::invalid(
                format!("a top three has at most {TOP} cards"),
                format!("Een top drie heeft hoogstens {TOP} kaarten."),
            ));
        }
        let mut checked: Vec<String> = Vec::with_capacity(cards.len());
        for card in cards {
            let name = self
                .in_play()
                .into_iter()
                .find(|name| same_name(name, card))
                .ok_or_else(|| {
                    Refusal::invalid(
                        format!("{card} is not in play"),
                        format!("{card} is niet meer in het spel."),
                    )
                })?;
            if checked.contains(&name) {
                return Err(Refusal::invalid(
                    format!("{name} is in the list twice"),
                    format!("{name} staat twee keer in de lijst."),
                ));
            }
            checked.push(name);
        }
        Ok(checked)
    }

    /// Puts `card` at `place` (0-based) of a group's top three, or empties the place. A
    /// card already at another place moves: each place is set on its own, so group mates
    /// choosing different places at once never undo each other.
    pub(crate) fn set_group_place(
        &mut self,
        group: usize,
        place: usize,
        card: Option<&str>,
    ) -> Result<(), Refusal> {
        if place >= TOP {
            return Err(Refusal::invalid(
                format!("a top three has places 0 to {}", TOP - 1),
                format!("Een top drie heeft {TOP} plaatsen."),
            ));
        }
        let card = match card {
            Some(card) => self.top_three(&[card.to_owned()])?.remove(0),
            None => String::new(),
        };
        let top = self.group_tops.entry(group).or_default();
        top.resize(TOP, String::new());
        if !card.is_empty() {
            for other in top.iter_mut().filter(|other| **other == card) {
                other.clear();
            }
        }
        top[place] = card;
        Ok(())
    }

    pub(crate) fn set_team_top(&mut self, cards: &[String]) -> Result<(), Refusal> {
        let top = self.top_three(cards)?;
        if top.is_empty() {
            return Err(Refusal::invalid(
                "the team's top three needs at least one card",
                "De top drie van het team heeft minstens één kaart nodig.",
            ));
        }
        // Adoptions of virtues that left the top three go with them; a different top
        // three is asked about afresh.
        self.adoptions.retain(|virtue, _| top.contains(virtue));
        if top != self.team_top {
            self.agreement.clear();
            self.moved_on_because = None;
        }
        self.team_top = top;
        Ok(())
    }

    fn require_team_top(&self) -> Result<(), Refusal> {
        if self.team_top.is_empty() {
            return Err(Refusal::conflict(
                "the team's top three is not settled yet",
                "De top drie van het team is nog niet vastgesteld.",
            ));
        }
        Ok(())
    }

    /// `member`'s answer in the check round: agreeing, or not yet and why.
    pub(crate) fn answer(
        &mut self,
        member: MemberId,
        agree: bool,
        reason: &str,
    ) -> Result<(), Refusal> {
        self.require_team_top()?;
        let answer = if agree {
            Agreement::Agree
        } else {
            let reason = CARD_TEXT
                .required()
                .clean(reason, ("the reason", "De reden"))?;
            Agreement::NotYet { reason }
        };
        self.agreement.insert(member, answer);
        Ok(())
    }

    /// The facilitator records why the team goes on without everyone agreeing.
    pub(crate) fn move_on_without_agreement(&mut self, reason: &str) -> Result<(), Refusal> {
        self.require_team_top()?;
        let reason = CARD_TEXT
            .required()
            .clean(reason, ("the reason", "De reden"))?;
        self.moved_on_because = Some(reason);
        Ok(())
    }

    /// Whether the team may go on to adopting from its top three: everyone `asked` agrees
    /// with it, or the facilitator recorded a reason for going on anyway.
    pub fn settled_with<'a>(&self, mut asked: impl Iterator<Item = &'a MemberId>) -> bool {
        self.moved_on_because.is_some()
            || asked.all(|member| self.agreement.get(member) == Some(&Agreement::Agree))
    }

    fn top_virtue(&self, virtue: &str) -> Result<String, Refusal> {
        self.team_top
            .iter()
            .find(|name| same_name(name, virtue))
            .cloned()
            .ok_or_else(|| {
                Refusal::invalid(
                    "only a virtue of the team's top three can be adopted",
                    "Alleen een deugd uit de top drie van het team kan geadopteerd worden.",
                )
            })
    }

    pub(crate) fn adopt(&mut self, virtue: &str, member: MemberId) -> Result<(), Refusal> {
        let virtue = self.top_virtue(virtue)?;
        let adopters = self.adoptions.entry(virtue).or_default();
        if adopters.contains(&member) {
            return Err(Refusal::conflict(
                "already adopted by this person",
                "Deze persoon heeft deze deugd al geadopteerd.",
            ));
        }
        adopters.push(member);
        Ok(())
    }

    pub(crate) fn unadopt(&mut self, virtue: &str, member: &MemberId) -> Result<(), Refusal> {
        let virtue = self.top_virtue(virtue)?;
        let adopters = self.adoptions.entry(virtue.clone()).or_default();
        let before = adopters.len();
        adopters.retain(|m| m != member);
        if adopters.len() == before {
            return Err(Refusal::conflict(
                "this person has not adopted this virtue",
                "Deze persoon heeft deze deugd niet geadopteerd.",
            ));
        }
        if adopters.is_empty() {
            self.adoptions.remove(&virtue);
        }
        Ok(())
    }

    /// Forgets everything about a member who was removed from the meeting, except
    /// their round 1 card: what was picked stays in play.
    pub(crate) fn forget(&mut self, member: &MemberId) {
        self.agreement.remove(member);
        for adopters in self.adoptions.values_mut() {
            adopters.retain(|m| m != member);
        }
        self.adoptions.retain(|_, adopters| !adopters.is_empty());
    }
}
