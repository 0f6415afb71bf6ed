//! The meeting's side of the card activity and the case consultation: in which step a
//! command counts and who may send it. The rules of the cards and cases themselves live
//! in [`crate::card_game`] and [`crate::case`].

use super::members::Caller;
use super::{ActivityKind, Context, Groups, Meeting, Position, Step};
use crate::case::{self, FollowUp};
use crate::ids::MemberId;
use crate::refusal::Refusal;

impl Meeting {
    /// `what` says in English what happens only in `step`; `wat` is the whole Dutch
    /// sentence.
    fn require_step(&self, step: Step, what: &str, wat: &str) -> Result<(), Refusal> {
        if self.current_step() == Some(step) {
            Ok(())
        } else {
            Err(Refusal::conflict(
                format!("{what} only in step {step}"),
                wat.to_owned(),
            ))
        }
    }

    pub(super) fn add_card(
        &mut self,
        caller: &Caller,
        name: &str,
        text: &str,
    ) -> Result<(), Refusal> {
        self.known_member(caller, ("add a card", "een kaart toe te voegen"))?;
        self.cards.add_card(name, text)
    }

    pub(super) fn pick_card(
        &mut self,
        caller: &Caller,
        card: &str,
        motivation: &str,
    ) -> Result<(), Refusal> {
        let member = self.known_member(caller, ("pick a card", "een kaart te kiezen"))?;
        self.require_step(
            Step::CardsRound1,
            "cards are picked",
            "Kaarten kies je in ronde 1.",
        )?;
        self.cards.pick(&member, card, motivation)
    }

    pub(super) fn unpick_card(&mut self, caller: &Caller) -> Result<(), Refusal> {
        let member = self.known_member(caller, ("put a card back", "een kaart terug te leggen"))?;
        self.require_step(
            Step::CardsRound1,
            "cards are put back",
            "Een kaart terugleggen kan alleen in ronde 1.",
        )?;
        self.cards.unpick(&member)
    }

    pub(super) fn read_out(
        &mut self,
        caller: &Caller,
        card: Option<String>,
    ) -> Result<(), Refusal> {
        let facilitator = self.is_facilitator(caller);
        self.cards
            .read_out(caller.member.as_ref(), facilitator, card)
    }

    /// Round 2: a place of a group's top three; the caller's own group unless the
    /// facilitator names another.
    pub(super) fn set_group_top(
        &mut self,
        caller: &Caller,
        group: Option<usize>,
        place: usize,
        card: Option<&str>,
    ) -> Result<(), Refusal> {
        self.require_step(
            Step::CardsRound2Groups,
            "groups make their top three",
            "De groepen maken hun top drie in ronde 2.",
        )?;
        let groups = Groups::at_work(self.groups.as_ref())?;
        let own = caller.member.as_ref().and_then(|me| groups.group_of(me));
        let group = match (group, self.is_facilitator(caller)) {
            (Some(group), true) => group,
            (Some(group), false) if Some(group) == own => group,
            (Some(_), false) => {
                return Err(Refusal::forbidden(
                    "you may only set your own group's top three",
                    "Je kiest alleen de top drie van je eigen groep.",
                ))
            }
            (None, _) => own.ok_or_else(|| {
                Refusal::forbidden("you are not in a group", "Je zit niet in een groep.")
            })?,
        };
        if group >= groups.members.len() {
            return Err(Refusal::invalid(
                "no such group",
                "Deze groep bestaat niet.",
            ));
        }
        self.cards.set_group_place(group, place, card)
    }

    /// Round 3's check round: the caller's answer to the team's top three.
    pub(super) fn answer_team_top(
        &mut self,
        caller: &Caller,
        agree: bool,
        reason: &str,
    ) -> Result<(), Refusal> {
        let member = self.known_member(caller, ("answer the check round", "te antwoorden"))?;
        if !matches!(
            self.current_step(),
            Some(Step::CardsRound3Vote | Step::CardsRound3Columns)
        ) {
            return Err(Refusal::conflict(
                "the check round is held in round 3",
                "Of je je kunt vinden in de top drie, zeg je in ronde 3.",
            ));
        }
        self.cards.answer(member, agree, reason)
    }

    /// Who the check round asks: everyone taking part who is here, but whoever leads.
    pub fn asked_to_agree(&self, context: &Context) -> Vec<MemberId> {
        self.live_members()
            .filter(|member| context.present.contains(member) && !self.leads(member, context))
            .cloned()
            .collect()
    }

    /// Adopting virtues starts only from a top three the team reached together: everyone
    /// asked agrees, or the facilitator recorded why the team goes on anyway.
    pub(super) fn may_enter(&self, position: Position, context: &Context) -> Result<(), Refusal> {
        if position.step_on(&self.agenda).map(|(step, _)| step) != Some(Step::CardsAdopt) {
            return Ok(());
        }
        if self.cards.team_top.is_empty() {
            return Err(Refusal::conflict(
                "settle the team's top three before adopting",
                "Stel eerst de top drie van het team vast.",
            ));
        }
        let asked = self.asked_to_agree(context);
        if !self.cards.settled_with(asked.iter()) {
            return Err(Refusal::conflict(
                "not everyone agrees with the team's top three yet; ask again, or record why the team goes on",
                "Nog niet iedereen kan zich vinden in de top drie. Vraag wat er nodig is, of leg vast waarom jullie toch verdergaan.",
            ));
        }
        Ok(())
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
                self.live_member(other)
            }
        }
    }

    pub(super) fn adopt(
        &mut self,
        caller: &Caller,
        virtue: &str,
        member: Option<MemberId>,
    ) -> Result<(), Refusal> {
        let member = self.adopter(caller, member)?;
        self.cards.adopt(virtue, member)
    }

    pub(super) fn unadopt(
        &mut self,
        caller: &Caller,
        virtue: &str,
        member: Option<MemberId>,
    ) -> Result<(), Refusal> {
        let member = self.adopter(caller, member)?;
        self.cards.unadopt(virtue, &member)
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

    pub(super) fn name_contributor(
        &mut self,
        activity: Option<usize>,
        member: MemberId,
        random: u64,
    ) -> Result<(), Refusal> {
        let activity = self.case_activity(activity)?;
        let member = self.live_member(member)?;
        case::name_contributor(&mut self.cases, activity, member, random);
        Ok(())
    }

    /// When the team comes back to a case: the contributor's or the facilitator's call.
    pub(super) fn set_follow_up(
        &mut self,
        caller: &Caller,
        activity: Option<usize>,
        follow_up: Option<FollowUp>,
    ) -> Result<(), Refusal> {
        let activity = self.case_activity(activity)?;
        let case = self.cases.get(&activity).ok_or_else(|| {
            Refusal::conflict(
                "name the contributor of this case first",
                "Wijs eerst de inbrenger van deze casus aan.",
            )
        })?;
        if !self.is_facilitator(caller) && caller.member.as_ref() != Some(&case.contributor) {
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
        Ok(())
    }
}
