//! A meeting's theme (*thema*): the four the guide names for reflecting on relationship-based
//! work (guide §4 "Variatie in werkvormen": *dilemma's rond grenzen, verantwoordelijkheden,
//! afspraken, afstand en nabijheid*) or one the team names itself.
//!
//! The theme steers the meeting's prompts: the virtue cards suggested first in the card
//! variant ([`Theme::suggested_cards`]) and a theme question the client shows in the
//! exercises and the case consultation. Its name and question are texts of the client's
//! catalogues; a team's own theme is the team's own words.

use serde::{Deserialize, Serialize};

use crate::refusal::{Refusal, TextRule};

/// Longest name of a team's own theme, in characters.
pub const MAX_THEME_CHARS: usize = 80;

/// What a team's own theme name accepts.
pub const THEME_NAME: TextRule = TextRule::line(MAX_THEME_CHARS);

/// One theme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Theme {
    /// *Grenzen*.
    Boundaries,
    /// *Verantwoordelijkheden*.
    Responsibilities,
    /// *Afspraken*.
    Agreements,
    /// *Afstand en nabijheid*.
    DistanceAndCloseness,
    /// A theme the team names itself.
    Own { name: String },
}

impl Theme {
    /// The guide's four themes, in the guide's order.
    pub const GUIDE: [Theme; 4] = [
        Theme::Boundaries,
        Theme::Responsibilities,
        Theme::Agreements,
        Theme::DistanceAndCloseness,
    ];

    /// The theme with its own name trimmed, or a refusal (422) when that name is empty,
    /// too long or holds control characters.
    pub fn checked(self) -> Result<Theme, Refusal> {
        match self {
            Theme::Own { name } => Ok(Theme::Own {
                name: THEME_NAME.clean(&name, ("the theme", "Het thema"))?,
            }),
            guide => Ok(guide),
        }
    }

    /// The shipped cards (`deck::DECK` names) that speak most to this theme, shown first in
    /// the card variant. Empty for a team's own theme: the team knows its words, we do not.
    pub fn suggested_cards(&self) -> &'static [&'static str] {
        match self {
            Theme::Boundaries => &[
                "Duidelijkheid",
                "Assertiviteit",
                "Respect voor autonomie",
                "Standvastigheid",
                "Zelfzorg",
                "Tact",
            ],
            Theme::Responsibilities => &[
                "Verantwoordelijkheid",
                "Betrouwbaarheid",
                "Doortastendheid",
                "Zelfstandigheid",
                "Collegialiteit",
                "Zorgvuldigheid",
            ],
            Theme::Agreements => &[
                "Betrouwbaarheid",
                "Duidelijkheid",
                "Trouw",
                "Flexibiliteit",
                "Eerlijkheid",
                "Vasthoudendheid",
            ],
            Theme::DistanceAndCloseness => &[
                "Presentie",
                "Betrokkenheid",
                "Aansluiten",
                "Empathie",
                "Matigheid",
                "Vertrouwelijkheid",
            ],
            Theme::Own { .. } => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck;

    #[test]
    fn every_suggested_card_is_in_the_deck() {
        for theme in Theme::GUIDE {
            assert!(!theme.suggested_cards().is_empty(), "{theme:?}");
            for name in theme.suggested_cards() {
                assert!(deck::card(name).is_some(), "{theme:?}: {name}");
            }
        }
    }

    #[test]
    fn an_own_theme_needs_a_name_of_one_line() {
        let own = |name: &str| Theme::Own { name: name.into() }.checked();
        assert_eq!(
            own("  Eigen regie "),
            Ok(Theme::Own {
                name: "Eigen regie".into()
            })
        );
        assert_eq!(own("   ").map_err(|r| r.status), Err(422));
        assert_eq!(own("a\nb").map_err(|r| r.status), Err(422));
        assert_eq!(own(&"x".repeat(81)).map_err(|r| r.status), Err(422));
        assert_eq!(Theme::Boundaries.checked(), Ok(Theme::Boundaries));
    }

    #[test]
    fn the_json_form_is_tagged_by_kind() {
        let json = serde_json::to_string(&Theme::DistanceAndCloseness).unwrap();
        assert_eq!(json, r#"{"kind":"distance_and_closeness"}"#);
        let own: Theme = serde_json::from_str(r#"{"kind":"own","name":"Eigen regie"}"#).unwrap();
        assert_eq!(
            own,
            Theme::Own {
                name: "Eigen regie".into()
            }
        );
    }
}
