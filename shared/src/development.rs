//! A team's development points (*ontwikkelpunten*): what the team wants to develop, when
//! it counts as achieved, how it went, and which meeting it came out of. The team's rules
//! for them live in [`crate::team`]; the visitation pack ([`crate::pack`]) reports them.

use serde::{Deserialize, Serialize};

use crate::ids::BoardId;

/// Where a development point stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointStatus {
    /// *open*
    Open,
    /// *bezig*
    InProgress,
    /// *gelukt*
    Achieved,
    /// *niet gelukt*
    NotAchieved,
}

impl PointStatus {
    pub const ALL: [PointStatus; 4] = [
        PointStatus::Open,
        PointStatus::InProgress,
        PointStatus::Achieved,
        PointStatus::NotAchieved,
    ];

    /// The method's word for the status.
    pub fn label_nl(self) -> &'static str {
        match self {
            PointStatus::Open => "open",
            PointStatus::InProgress => "bezig",
            PointStatus::Achieved => "gelukt",
            PointStatus::NotAchieved => "niet gelukt",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            PointStatus::Open => "open",
            PointStatus::InProgress => "in progress",
            PointStatus::Achieved => "achieved",
            PointStatus::NotAchieved => "not achieved",
        }
    }
}

/// What in a meeting a development point came out of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A lesson of a case consultation.
    Lesson,
    /// A decision of a case consultation.
    Decision,
    /// A debrief answer.
    Debrief,
}

/// The meeting and the kind of result a development point came out of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointSource {
    pub meeting: BoardId,
    pub kind: SourceKind,
}

/// Something the team wants to develop, and how it went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevelopmentPoint {
    pub id: String,
    pub text: String,
    /// When it counts as achieved.
    pub criterion: String,
    pub status: PointStatus,
    /// When not achieved: what stood in the way (no blame: circumstances, not people).
    #[serde(default)]
    pub reason: String,
    /// When not achieved: what the team needs to get there.
    #[serde(default)]
    pub needs: String,
    #[serde(default)]
    pub source: Option<PointSource>,
}
