//! The agenda: the activities of the method, the steps of each ([`Step`]), and moving
//! through them ([`Position`]).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::refusal::Refusal;

/// Most activities one agenda may have.
pub const MAX_ACTIVITIES: usize = 20;

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
    /// The steps of this activity, each with a suggested length in minutes.
    pub fn steps(self) -> &'static [(Step, u32)] {
        match self {
            ActivityKind::VirtueExercise => &[
                (Step::ExerciseNameInPairs, 10),
                (Step::ExerciseCollect, 10),
                (Step::ExerciseFillColumns, 20),
                (Step::ExerciseReview, 10),
                (Step::ExercisePracticeInPairs, 15),
                (Step::ExerciseShareStories, 15),
                (Step::ExerciseDebrief, 10),
            ],
            ActivityKind::VirtueCards => &[
                (Step::CardsRound1, 20),
                (Step::CardsRound2Groups, 20),
                (Step::CardsRound2Plenary, 10),
                (Step::CardsRound3Vote, 10),
                (Step::CardsRound3Columns, 20),
                (Step::CardsAdopt, 10),
                (Step::CardsDebrief, 10),
            ],
            ActivityKind::CaseConsultation => &[
                (Step::CaseIntake, 5),
                (Step::CaseExplore, 10),
                (Step::CaseInvestigate, 10),
                (Step::CaseDecide, 10),
                (Step::CaseLearn, 5),
                (Step::CaseReflect, 5),
            ],
            ActivityKind::Evaluation => &[(Step::EvaluationDebrief, 10)],
        }
    }
}

/// One step of an activity. On the wire and in JSON it is its [`Step::key`]
/// (`"cards.round1"`), the client shows its title and instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    ExerciseNameInPairs,
    ExerciseCollect,
    ExerciseFillColumns,
    ExerciseReview,
    ExercisePracticeInPairs,
    ExerciseShareStories,
    ExerciseDebrief,
    CardsRound1,
    CardsRound2Groups,
    CardsRound2Plenary,
    CardsRound3Vote,
    CardsRound3Columns,
    CardsAdopt,
    CardsDebrief,
    CaseIntake,
    CaseExplore,
    CaseInvestigate,
    CaseDecide,
    CaseLearn,
    CaseReflect,
    EvaluationDebrief,
}

impl Step {
    /// Every step, in the order of the activities.
    pub const ALL: [Step; 21] = [
        Step::ExerciseNameInPairs,
        Step::ExerciseCollect,
        Step::ExerciseFillColumns,
        Step::ExerciseReview,
        Step::ExercisePracticeInPairs,
        Step::ExerciseShareStories,
        Step::ExerciseDebrief,
        Step::CardsRound1,
        Step::CardsRound2Groups,
        Step::CardsRound2Plenary,
        Step::CardsRound3Vote,
        Step::CardsRound3Columns,
        Step::CardsAdopt,
        Step::CardsDebrief,
        Step::CaseIntake,
        Step::CaseExplore,
        Step::CaseInvestigate,
        Step::CaseDecide,
        Step::CaseLearn,
        Step::CaseReflect,
        Step::EvaluationDebrief,
    ];

    /// The step's key: its name in JSON and in the API, the one place it is spelt.
    pub fn key(self) -> &'static str {
        match self {
            Step::ExerciseNameInPairs => "exercise.name_in_pairs",
            Step::ExerciseCollect => "exercise.collect",
            Step::ExerciseFillColumns => "exercise.fill_columns",
            Step::ExerciseReview => "exercise.review",
            Step::ExercisePracticeInPairs => "exercise.practice_in_pairs",
            Step::ExerciseShareStories => "exercise.share_stories",
            Step::ExerciseDebrief => "exercise.debrief",
            Step::CardsRound1 => "cards.round1",
            Step::CardsRound2Groups => "cards.round2_groups",
            Step::CardsRound2Plenary => "cards.round2_plenary",
            Step::CardsRound3Vote => "cards.round3_vote",
            Step::CardsRound3Columns => "cards.round3_columns",
            Step::CardsAdopt => "cards.adopt",
            Step::CardsDebrief => "cards.debrief",
            Step::CaseIntake => "case.intake",
            Step::CaseExplore => "case.explore",
            Step::CaseInvestigate => "case.investigate",
            Step::CaseDecide => "case.decide",
            Step::CaseLearn => "case.learn",
            Step::CaseReflect => "case.reflect",
            Step::EvaluationDebrief => "evaluation.debrief",
        }
    }

    /// The step with this key.
    pub fn from_key(key: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|step| step.key() == key)
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl Serialize for Step {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let key = String::deserialize(deserializer)?;
        Step::from_key(&key).ok_or_else(|| {
            let keys: Vec<&str> = Step::ALL.iter().map(|step| step.key()).collect();
            serde::de::Error::custom(format!(
                "unknown step `{key}`, expected one of {}",
                keys.join(", ")
            ))
        })
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

/// Checks a new agenda: one activity at least, [`MAX_ACTIVITIES`] at most.
pub(super) fn check_agenda(activities: &[ActivityKind]) -> Result<(), Refusal> {
    if activities.is_empty() {
        return Err(Refusal::invalid(
            "the agenda needs at least one activity",
            "Het programma heeft minstens één activiteit nodig.",
        ));
    }
    if activities.len() > MAX_ACTIVITIES {
        return Err(Refusal::invalid(
            format!("the agenda may have at most {MAX_ACTIVITIES} activities"),
            format!("Het programma kan hoogstens {MAX_ACTIVITIES} activiteiten hebben."),
        ));
    }
    Ok(())
}

fn step_count(agenda: &[ActivityKind], activity: usize) -> usize {
    agenda.get(activity).map_or(0, |a| a.steps().len())
}

/// Where the meeting is: which activity, which of its steps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub activity: usize,
    pub step: usize,
}

impl Position {
    /// The step here and its suggested minutes, if `agenda` has it.
    pub fn step_on(self, agenda: &[ActivityKind]) -> Option<(Step, u32)> {
        agenda.get(self.activity)?.steps().get(self.step).copied()
    }

    /// The next step: on in this activity, else the next activity's first; a refusal at
    /// the agenda's last step (where the interface offers to finish the meeting).
    pub fn next(self, agenda: &[ActivityKind]) -> Result<Position, Refusal> {
        let Position { activity, step } = self;
        if step + 1 < step_count(agenda, activity) {
            Ok(Position {
                activity,
                step: step + 1,
            })
        } else if activity + 1 < agenda.len() {
            Ok(Position {
                activity: activity + 1,
                step: 0,
            })
        } else {
            Err(Refusal::conflict(
                "this is the last step of the agenda",
                "Dit is de laatste stap van het programma.",
            ))
        }
    }

    /// The step before: back in this activity, else the previous activity's last.
    pub(super) fn previous(self, agenda: &[ActivityKind]) -> Result<Position, Refusal> {
        let Position { activity, step } = self;
        if step > 0 {
            Ok(Position {
                activity,
                step: step - 1,
            })
        } else if activity > 0 {
            Ok(Position {
                activity: activity - 1,
                step: step_count(agenda, activity - 1).saturating_sub(1),
            })
        } else {
            Err(Refusal::conflict(
                "this is the first step of the agenda",
                "Dit is de eerste stap van het programma.",
            ))
        }
    }

    /// Step `step` of activity `activity`, if `agenda` has it.
    pub(super) fn on_agenda(
        agenda: &[ActivityKind],
        activity: usize,
        step: usize,
    ) -> Result<Position, Refusal> {
        if step >= step_count(agenda, activity) {
            return Err(Refusal::invalid(
                "no such step on the agenda",
                "Deze stap staat niet op het programma.",
            ));
        }
        Ok(Position { activity, step })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Today's keys, as stored views and the JSON API have always spelt them.
    const KEYS: [&str; 21] = [
        "exercise.name_in_pairs",
        "exercise.collect",
        "exercise.fill_columns",
        "exercise.review",
        "exercise.practice_in_pairs",
        "exercise.share_stories",
        "exercise.debrief",
        "cards.round1",
        "cards.round2_groups",
        "cards.round2_plenary",
        "cards.round3_vote",
        "cards.round3_columns",
        "cards.adopt",
        "cards.debrief",
        "case.intake",
        "case.explore",
        "case.investigate",
        "case.decide",
        "case.learn",
        "case.reflect",
        "evaluation.debrief",
    ];

    #[test]
    fn every_step_is_its_old_key_in_json_and_back() {
        for (step, key) in Step::ALL.into_iter().zip(KEYS) {
            let json = serde_json::to_string(&step).expect("serialize");
            assert_eq!(json, format!("\"{key}\""));
            let parsed: Step = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(parsed, step);
        }
        assert!(serde_json::from_str::<Step>("\"cards.round4\"").is_err());
    }

    #[test]
    fn every_step_belongs_to_exactly_one_activity() {
        let kinds = [
            ActivityKind::VirtueExercise,
            ActivityKind::VirtueCards,
            ActivityKind::CaseConsultation,
            ActivityKind::Evaluation,
        ];
        let listed: Vec<Step> = kinds
            .iter()
            .flat_map(|kind| kind.steps().iter().map(|(step, _)| *step))
            .collect();
        assert_eq!(listed, Step::ALL.to_vec());
    }
}
