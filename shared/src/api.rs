//! JSON bodies of the HTTP API (see docs/PROTOCOL.md).

use serde::{Deserialize, Serialize};

use crate::development::DevelopmentPoint;
use crate::ids::{BoardId, Role, TeamId};
use crate::meeting::ActivityKind;
use crate::pack::Pack;
use crate::refusal::{Refusal, TextRule};

/// Longest board title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// `POST /api/boards` (and `POST /api/teams/{id}/meetings`) request body.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CreateBoard {
    pub title: String,
    /// New devices wait until the facilitator lets them in; on unless `false`.
    #[serde(default = "waiting_room_on")]
    pub waiting_room: bool,
}

fn waiting_room_on() -> bool {
    true
}

/// A board's title: one line.
const TITLE: TextRule = TextRule::line(MAX_TITLE_CHARS);

impl CreateBoard {
    /// The title with surrounding white space removed, if it is acceptable.
    pub fn clean_title(&self) -> Result<String, Refusal> {
        TITLE.clean(&self.title, ("title", "De titel"))
    }
}

/// `POST /api/boards` response body (`201 Created`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BoardCreated {
    pub board_id: BoardId,
    pub facilitator_token: String,
    pub participant_token: String,
    /// Link for the facilitator; the token travels in the fragment, which browsers never send.
    pub facilitator_url: String,
    /// Link for participants; the token travels in the fragment.
    pub join_url: String,
}

/// `GET /api/boards/{id}` response body: what the holder of a token may know of a board.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BoardInfo {
    pub board_id: BoardId,
    pub title: String,
    /// The role the token grants.
    pub role: Role,
    /// The participants' link; only for the facilitator, who hands it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_url: Option<String>,
    /// The participants' link as a QR code (an SVG document), with `join_url`. Made by the
    /// server so the browser client does not carry a QR encoder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_qr_svg: Option<String>,
    /// The team the meeting belongs to, if any (its page needs the team's own token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<TeamId>,
}

/// `POST /api/teams` request body.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CreateTeam {
    pub name: String,
}

/// `POST /api/teams` response body (`201 Created`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TeamCreated {
    pub team_id: TeamId,
    pub facilitator_token: String,
    pub member_token: String,
    /// The team page for the facilitator; the token travels in the fragment.
    pub facilitator_url: String,
    /// The team link for the team's members.
    pub member_url: String,
}

/// `GET /api/teams/{id}` response body: the team page.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TeamView {
    pub team_id: TeamId,
    pub name: String,
    /// The role the team token grants.
    pub role: Role,
    /// The team link for members; only for the facilitator, who hands it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_url: Option<String>,
    /// The team's meetings, oldest first.
    pub meetings: Vec<TeamMeeting>,
    pub points: Vec<DevelopmentPoint>,
    /// The visitation pack as it would be approved now.
    pub draft: Pack,
    pub approval: Option<ApprovalView>,
}

/// A meeting on the team page.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TeamMeeting {
    pub board_id: BoardId,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The link into the meeting: the facilitator's link for the facilitator, the
    /// participants' link for members. None for an unreadable meeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The meeting's stored state could not be read: the page shows it as unreadable
    /// (title and date only, when those could be read) and the rest of the team works.
    #[serde(default)]
    pub unreadable: bool,
    /// The meeting expired after the organisation's retention period: its content is
    /// deleted, and the page shows only that it took place (title, date, `agenda`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expired: bool,
    /// An expired meeting's activities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agenda: Vec<ActivityKind>,
}

/// The pack's approval as the team page shows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ApprovalView {
    /// `YYYY-MM-DD`.
    pub approved_on: String,
    /// False when the draft has changed since: downloads still serve the approved pack.
    pub up_to_date: bool,
}

/// Body of every refused HTTP request.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
    /// The same in Dutch, for refused meeting commands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_nl: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(text: &str) -> Result<String, Refusal> {
        CreateBoard {
            title: text.into(),
            waiting_room: true,
        }
        .clean_title()
    }

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(
            title("  Leerkring wijkteam Noord "),
            Ok("Leerkring wijkteam Noord".into())
        );
        assert!(title("   ").is_err());
        assert!(title(&"é".repeat(MAX_TITLE_CHARS)).is_ok());
        assert!(title(&"é".repeat(MAX_TITLE_CHARS + 1)).is_err());
        assert!(title("a\u{0}b").is_err());
    }

    #[test]
    fn a_refused_title_says_why_as_the_api_always_did() {
        let reason = |text: &str| title(text).map_err(|refused| refused.reason);
        assert_eq!(reason(" "), Err("title must not be empty".to_owned()));
        assert_eq!(
            reason(&"x".repeat(MAX_TITLE_CHARS + 1)),
            Err(format!(
                "title must be at most {MAX_TITLE_CHARS} characters"
            ))
        );
        assert_eq!(
            reason("a\u{7}b"),
            Err("title must not contain control characters".to_owned())
        );
    }
}
