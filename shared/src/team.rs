//! A team (*leerkring*) across its meetings: which meetings belong to it, its
//! development points (*ontwikkelpunten*) and the approval of its visitation pack.
//!
//! As with the meeting, the server alone decides: clients send [`TeamCommand`]s, the
//! server runs them through [`Team::apply`], which checks who may do what and refuses
//! anything else with a [`Refusal`] without changing the team. Everyone holding a team
//! link works on the development points; only the facilitator removes one and approves
//! the pack. Approval freezes the pack as it was reviewed: what is downloaded afterwards
//! is exactly what was approved, however the meetings change later.

use serde::{Deserialize, Serialize};

use crate::development::{DevelopmentPoint, PointSource, PointStatus};
use crate::ids::{BoardId, Role};
use crate::pack::Pack;
use crate::privacy;
use crate::refusal::{Refusal, TextFault, TextRule};

/// Longest team name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest text of a development point (each of its fields), in characters.
pub const MAX_POINT_CHARS: usize = 1000;
/// Most development points one team keeps.
pub const MAX_POINTS: usize = 200;
/// Most meetings one team holds by default; the server's `--max-meetings-per-team` is
/// what is enforced.
pub const MAX_MEETINGS: usize = 100;

/// The facilitator's approval of the visitation pack.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    /// Milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// The pack as approved; downloads serve exactly this.
    pub pack: Pack,
}

/// A team as the server stores it (its name and tokens are kept beside it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Team {
    /// The team's meetings, oldest first.
    pub meetings: Vec<BoardId>,
    pub points: Vec<DevelopmentPoint>,
    pub approval: Option<Approval>,
}

/// Everything a client may ask of a team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TeamCommand {
    /// Add a development point (status *open*). Anyone with a team link.
    AddPoint {
        text: String,
        criterion: String,
        source: Option<PointSource>,
    },
    /// Change a development point. Anyone with a team link.
    UpdatePoint {
        id: String,
        text: String,
        criterion: String,
        status: PointStatus,
        reason: String,
        needs: String,
    },
    /// Facilitator.
    RemovePoint { id: String },
    /// Approve the pack as it stands now, so it can be downloaded. Facilitator.
    Approve,
    /// Take the approval back. Facilitator.
    WithdrawApproval,
}

impl TeamCommand {
    pub fn needs_facilitator(&self) -> bool {
        matches!(
            self,
            TeamCommand::RemovePoint { .. } | TeamCommand::Approve | TeamCommand::WithdrawApproval
        )
    }
}

/// A team name: one line.
const NAME: TextRule = TextRule::line(MAX_NAME_CHARS);
/// Each text of a development point: may have line breaks.
const POINT_TEXT: TextRule = TextRule::paragraphs(MAX_POINT_CHARS);

/// Checks a team name: trimmed, not empty, bounded, no control characters.
pub fn clean_name(name: &str) -> Result<String, Refusal> {
    NAME.clean(name, ("name", "De naam"))
}

/// What [`Team::apply`] needs besides the command.
pub struct TeamContext {
    pub now_ms: u64,
    pub random: u64,
    /// The pack as it stands now; needed by [`TeamCommand::Approve`] only.
    pub draft: Option<Pack>,
}

fn point_text(what: &str, text: &str, required: bool) -> Result<String, Refusal> {
    let rule = if required {
        POINT_TEXT.required()
    } else {
        POINT_TEXT
    };
    let text = rule.check(text).map_err(|fault| match fault {
        TextFault::Empty => Refusal::invalid(
            format!("the {what} must not be empty"),
            format!("Vul {} in.", dutch(what)),
        ),
        TextFault::TooLong { max_chars } => Refusal::invalid(
            format!("the {what} must be at most {max_chars} characters"),
            format!(
                "{} is te lang (hoogstens {max_chars} tekens).",
                capital(dutch(what))
            ),
        ),
        TextFault::ControlCharacter => Refusal::invalid(
            format!("the {what} must not contain control characters"),
            format!("{} bevat ongeldige tekens.", capital(dutch(what))),
        ),
    })?;
    // Development points go into the visitation pack: no personal data in them.
    if let Some(finding) = privacy::scan(&text).first() {
        let (kind_en, kind_nl) = finding.kind.described();
        return Err(Refusal::invalid(
            format!("the {what} seems to contain {kind_en}; write it without personal data"),
            format!(
                "{} lijkt {kind_nl} te bevatten. Schrijf het zonder persoonsgegevens.",
                capital(dutch(what))
            ),
        ));
    }
    Ok(text)
}

fn dutch(what: &str) -> &'static str {
    match what {
        "text" => "het ontwikkelpunt",
        "criterion" => "het criterium",
        "reason" => "wat in de weg stond",
        _ => "wat er nodig is",
    }
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

impl Team {
    /// Runs `command` for the holder of a team link with `role`.
    pub fn apply(
        &mut self,
        role: Role,
        command: TeamCommand,
        context: TeamContext,
    ) -> Result<(), Refusal> {
        if command.needs_facilitator() && role != Role::Facilitator {
            return Err(Refusal::forbidden(
                "only the facilitator may do this",
                "Alleen de begeleider mag dit doen.",
            ));
        }
        match command {
            TeamCommand::AddPoint {
                text,
                criterion,
                source,
            } => {
                if self.points.len() >= MAX_POINTS {
                    return Err(Refusal::conflict(
                        format!("a team keeps at most {MAX_POINTS} development points"),
                        format!("Een team houdt hoogstens {MAX_POINTS} ontwikkelpunten bij."),
                    ));
                }
                if let Some(source) = &source {
                    if !self.meetings.contains(&source.meeting) {
                        return Err(Refusal::invalid(
                            "the source meeting is not one of this team's",
                            "Die bijeenkomst hoort niet bij dit team.",
                        ));
                    }
                }
                self.points.push(DevelopmentPoint {
                    id: format!("{:016x}", context.random),
                    text: point_text("text", &text, true)?,
                    criterion: point_text("criterion", &criterion, false)?,
                    status: PointStatus::Open,
                    reason: String::new(),
                    needs: String::new(),
                    source,
                });
            }
            TeamCommand::UpdatePoint {
                id,
                text,
                criterion,
                status,
                reason,
                needs,
            } => {
                let updated = (
                    point_text("text", &text, true)?,
                    point_text("criterion", &criterion, false)?,
                    point_text("reason", &reason, false)?,
                    point_text("needs", &needs, false)?,
                );
                let point = self.point_mut(&id)?;
                (point.text, point.criterion, point.reason, point.needs) = updated;
                point.status = status;
            }
            TeamCommand::RemovePoint { id } => {
                self.point_mut(&id)?;
                self.points.retain(|point| point.id != id);
            }
            TeamCommand::Approve => {
                let pack = context.draft.ok_or_else(|| {
                    Refusal::conflict(
                        "the pack cannot be put together now; try again",
                        "Het pakket kan nu niet worden samengesteld; probeer het opnieuw.",
                    )
                })?;
                if pack.meetings.is_empty() {
                    return Err(Refusal::conflict(
                        "there are no meetings to report on yet",
                        "Er zijn nog geen bijeenkomsten om over te rapporteren.",
                    ));
                }
                self.approval = Some(Approval {
                    at_ms: context.now_ms,
                    pack,
                });
            }
            TeamCommand::WithdrawApproval => self.approval = None,
        }
        Ok(())
    }

    fn point_mut(&mut self, id: &str) -> Result<&mut DevelopmentPoint, Refusal> {
        self.points
            .iter_mut()
            .find(|point| point.id == id)
            .ok_or_else(|| {
                Refusal::not_found(
                    "no such development point",
                    "Dat ontwikkelpunt bestaat niet (meer).",
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::development::SourceKind;

    fn context() -> TeamContext {
        TeamContext {
            now_ms: 1,
            random: 7,
            draft: None,
        }
    }

    fn add(team: &mut Team, role: Role, text: &str) -> Result<(), Refusal> {
        team.apply(
            role,
            TeamCommand::AddPoint {
                text: text.into(),
                criterion: "Iedereen kent het".into(),
                source: None,
            },
            context(),
        )
    }

    #[test]
    fn everyone_works_on_points_but_only_the_facilitator_removes_and_approves() {
        let mut team = Team::default();
        add(
            &mut team,
            Role::Participant,
            "  Vaker navragen bij collega's ",
        )
        .expect("add");
        assert_eq!(team.points[0].text, "Vaker navragen bij collega's");
        assert_eq!(team.points[0].status, PointStatus::Open);
        let id = team.points[0].id.clone();
        for command in [
            TeamCommand::RemovePoint { id: id.clone() },
            TeamCommand::Approve,
            TeamCommand::WithdrawApproval,
        ] {
            let refused = team
                .apply(Role::Participant, command, context())
                .expect_err("participants may not");
            assert_eq!(refused.status, 403);
        }
        team.apply(
            Role::Participant,
            TeamCommand::UpdatePoint {
                id: id.clone(),
                text: "Vaker navragen".into(),
                criterion: "Na drie maanden".into(),
                status: PointStatus::NotAchieved,
                reason: "De roosters lieten geen overlap".into(),
                needs: "Een vast half uur per week".into(),
            },
            context(),
        )
        .expect("update");
        assert_eq!(team.points[0].status, PointStatus::NotAchieved);
        team.apply(
            Role::Facilitator,
            TeamCommand::RemovePoint { id },
            context(),
        )
        .expect("remove");
        assert!(team.points.is_empty());
    }

    #[test]
    fn points_with_personal_data_or_junk_are_refused() {
        let mut team = Team::default();
        let refused =
            add(&mut team, Role::Participant, "Bel mevrouw op 06-12345678").expect_err("phone");
        assert!(refused
            .reason_nl
            .as_deref()
            .unwrap_or("")
            .contains("telefoonnummer"));
        assert!(add(&mut team, Role::Participant, "   ").is_err());
        assert!(add(
            &mut team,
            Role::Participant,
            &"x".repeat(MAX_POINT_CHARS + 1)
        )
        .is_err());
        assert!(add(&mut team, Role::Participant, "a\u{7}b").is_err());
        assert!(team.points.is_empty());
        let unknown = team.apply(
            Role::Participant,
            TeamCommand::AddPoint {
                text: "Samen lunchen".into(),
                criterion: String::new(),
                source: Some(PointSource {
                    meeting: BoardId::parse("AAAAAAAAAAAAAAAAAAAAAA").expect("id"),
                    kind: SourceKind::Lesson,
                }),
            },
            context(),
        );
        assert_eq!(unknown.expect_err("foreign meeting").status, 422);
    }

    #[test]
    fn approval_needs_a_pack_with_meetings() {
        let mut team = Team::default();
        let empty = team.apply(
            Role::Facilitator,
            TeamCommand::Approve,
            TeamContext {
                now_ms: 5,
                random: 0,
                draft: Some(Pack::empty("Team")),
            },
        );
        assert_eq!(empty.expect_err("nothing to approve").status, 409);
        assert!(team.approval.is_none());
    }
}
