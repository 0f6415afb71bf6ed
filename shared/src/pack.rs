//! The visitation pack (*bezoekpakket*): what a team learned over its meetings, put
//! together from the meetings' documents and states for the organisation's quality
//! report (`METHOD.md`, "Where results go").
//!
//! [`build`] reads each meeting's shared document and server-decided state and keeps
//! only what may leave the team: every text goes through [`privacy::for_export`], and a
//! text with personal data nobody cleared is left out and listed in [`Pack::withheld`]
//! (where, and what kind of data; never the text). Case lessons carry no names. The pack
//! is plain data with a versioned schema (`docs/visitation-pack.schema.json`); the
//! server renders it as PDF, DOCX, Markdown, CSV and JSON.

use serde::{Deserialize, Serialize};
use yrs::{Doc, ReadTxn, Transact};

use crate::case::FollowUp;
use crate::development::{DevelopmentPoint, PointStatus, SourceKind};
use crate::document::{CaseRecord, NoteList, PracticeStories, Story, VirtueTable};
use crate::ids::BoardId;
use crate::meeting::{ActivityKind, ClearedText, Meeting, VotePhase};
use crate::model::{self, story};
use crate::privacy::{self, ForExport, MONTHS};

/// The version of the pack's JSON schema; goes up when a field changes meaning or goes.
pub const SCHEMA_VERSION: u32 = 1;
/// The `$id` of the pack's JSON schema.
pub const SCHEMA_ID: &str = "urn:leerkring:visitation-pack:1";

/// Everything the team reports, as data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pack {
    /// [`SCHEMA_ID`].
    #[serde(rename = "$schema")]
    pub schema: String,
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    pub team: String,
    /// The first and last meeting's dates; `None` before the first meeting.
    pub period: Option<Period>,
    /// When the facilitator approved this pack (`YYYY-MM-DD`); `None` in a draft.
    pub approved_on: Option<String>,
    /// The three questions of a quality report, answered in sentences.
    pub quality: Quality,
    /// The team's current virtue compass.
    pub compass: Compass,
    /// One summary per meeting, oldest first.
    pub meetings: Vec<MeetingSummary>,
    /// What the case consultations taught, without names.
    pub cases: Vec<CaseLesson>,
    pub development_points: Vec<PackPoint>,
    /// Texts left out because they seem to hold personal data nobody cleared.
    pub withheld: Vec<Withheld>,
}

/// A stretch of dates, `YYYY-MM-DD`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: String,
    pub to: String,
}

/// *Wat doen we goed? Wat kan beter? Waar zijn we trots op?*
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quality {
    pub doing_well: Vec<String>,
    pub can_improve: Vec<String>,
    pub proud_of: Vec<String>,
}

/// The question each part of [`Quality`] answers, in Dutch.
pub const QUALITY_QUESTIONS: [&str; 3] = [
    "Wat doen we goed?",
    "Wat kan beter?",
    "Waar zijn we trots op?",
];

/// The agreed virtue table and the team's top three.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compass {
    /// The meeting the table comes from (its title and date), if any has one.
    pub source: Option<String>,
    pub table: Vec<VirtueRow>,
    pub top_three: Vec<TopVirtue>,
}

/// One row of the virtue table: *te weinig / deugd / te veel*.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtueRow {
    pub too_little: String,
    pub virtue: String,
    pub too_much: String,
}

/// A virtue of the top three and who adopted it (*adopteren*).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopVirtue {
    pub virtue: String,
    pub adopters: Vec<String>,
}

/// One meeting in brief.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingSummary {
    pub title: String,
    /// `YYYY-MM-DD`; empty when not even that could be read.
    pub date: String,
    /// How many people took part.
    pub present: usize,
    pub activities: Vec<ActivityDone>,
    pub debrief: Vec<DebriefAnswer>,
    /// The meeting's stored state could not be read: it is named by its date only, and
    /// nothing else of it is in the pack. Missing in packs approved before this existed.
    #[serde(default)]
    pub unreadable: bool,
    /// The facilitator closed the meeting ("Bijeenkomst afronden").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub finished: bool,
}

/// What the pack says of a meeting whose state could not be read, in Dutch.
pub const UNREADABLE_MEETING: &str = "Deze bijeenkomst kon niet worden gelezen.";

/// An activity on a meeting's agenda.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityDone {
    pub kind: ActivityKind,
    /// The activity's Dutch name.
    pub name: String,
    /// The meeting went past (or reached the last step of) this activity.
    pub completed: bool,
}

/// An answer given in a debrief, without its author.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebriefAnswer {
    /// The activity's Dutch name.
    pub activity: String,
    /// The question, in Dutch.
    pub question: String,
    pub text: String,
}

/// What one case consultation taught; the contributor is not named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseLesson {
    /// The meeting's title and date.
    pub meeting: String,
    pub date: String,
    /// The case's anonymous title.
    pub title: String,
    pub learning_question: String,
    pub virtues_at_stake: Vec<String>,
    pub decision: String,
    pub lessons: Vec<String>,
    /// A deviation from agreements or protocols, and how it is justified.
    pub deviation: String,
    pub justification: String,
    /// When the team comes back to the case, in Dutch.
    pub follow_up: Option<String>,
}

/// A development point as reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackPoint {
    pub text: String,
    pub status: PointStatus,
    pub criterion: String,
    /// Only for points not achieved.
    pub reason: String,
    pub needs: String,
    /// Where it came from, in Dutch ("Les uit de casusbespreking van 12 november 2026").
    pub source: Option<String>,
}

/// A text left out of the pack.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withheld {
    /// The meeting's title and date.
    pub meeting: String,
    /// Where in the meeting, in Dutch.
    pub place: String,
    /// What it seems to hold, in Dutch ("een BSN").
    pub kinds: Vec<String>,
}

impl Pack {
    /// A pack with nothing in it yet.
    pub fn empty(team: &str) -> Self {
        Self {
            schema: SCHEMA_ID.to_owned(),
            schema_version: SCHEMA_VERSION,
            team: team.to_owned(),
            period: None,
            approved_on: None,
            quality: Quality::default(),
            compass: Compass::default(),
            meetings: Vec::new(),
            cases: Vec::new(),
            development_points: Vec::new(),
            withheld: Vec::new(),
        }
    }
}

/// One meeting as [`build`] reads it.
pub struct MeetingSource<'a> {
    pub board: &'a BoardId,
    pub title: &'a str,
    /// `YYYY-MM-DD`; empty if the meeting's metadata could not be read.
    pub date: String,
    /// What the meeting holds, or `None` if its stored state could not be read.
    pub content: Option<MeetingContent<'a>>,
}

/// A meeting's shared document and server-decided state.
pub struct MeetingContent<'a> {
    pub doc: &'a Doc,
    pub meeting: &'a Meeting,
}

/// How the pack names a meeting by its date alone.
fn named_by_date(date: &str) -> String {
    if date.is_empty() {
        "Bijeenkomst met onbekende datum".to_owned()
    } else {
        format!("Bijeenkomst van {}", dutch_date(date))
    }
}

/// The activity's Dutch name.
pub fn activity_name(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::VirtueExercise => "Deugdenoefening",
        ActivityKind::VirtueCards => "Deugdenkaarten",
        ActivityKind::CaseConsultation => "Omgangsoverleg",
        ActivityKind::Evaluation => "Evaluatie",
    }
}

/// `2026-11-12` as `12 november 2026`; anything else as it is.
pub fn dutch_date(date: &str) -> String {
    let mut parts = date.splitn(3, '-');
    let (Some(year), Some(month), Some(day)) = (parts.next(), parts.next(), parts.next()) else {
        return date.to_owned();
    };
    match (month.parse::<usize>(), day.parse::<u32>()) {
        (Ok(month @ 1..=12), Ok(day)) => format!("{day} {} {year}", MONTHS[month - 1]),
        _ => date.to_owned(),
    }
}

/// Puts the pack together from the team's meetings (oldest first) and its development
/// points.
pub fn build(team: &str, meetings: &[MeetingSource], points: &[DevelopmentPoint]) -> Pack {
    let mut pack = Pack::empty(team);
    let dated: Vec<&MeetingSource> = meetings.iter().filter(|m| !m.date.is_empty()).collect();
    pack.period = match (dated.first(), dated.last()) {
        (Some(first), Some(last)) => Some(Period {
            from: first.date.clone(),
            to: last.date.clone(),
        }),
        _ => None,
    };
    let mut stories_from_the_middle = Vec::new();
    for source in meetings {
        let Some(content) = &source.content else {
            pack.meetings.push(MeetingSummary {
                title: named_by_date(&source.date),
                date: source.date.clone(),
                present: 0,
                activities: Vec::new(),
                debrief: Vec::new(),
                unreadable: true,
                finished: false,
            });
            continue;
        };
        let txn = content.doc.transact();
        let date = dutch_date(&source.date);
        let mut reader = Reader {
            txn: &txn,
            cleared: &content.meeting.cleared,
            // Until the title is known to be fit to show (just below).
            meeting: named_by_date(&source.date),
            title: String::new(),
            withheld: &mut pack.withheld,
        };
        // The title is typed by the facilitator and goes everywhere in the pack: it passes
        // the guard like every other text, and a meeting is named by its date otherwise.
        if let Some(title) = reader.keep("Titel van de bijeenkomst", source.title) {
            reader.meeting = format!("{title} ({date})");
            reader.title = title;
        } else {
            reader.title = named_by_date(&source.date);
        }
        let table = reader.virtue_table();
        if !table.is_empty() {
            pack.compass.table = table;
            pack.compass.source = Some(reader.meeting.clone());
        }
        let top_three = top_three(content.meeting);
        if !top_three.is_empty() {
            pack.compass.top_three = top_three;
        }
        let summary = reader.summary(&source.date, content.meeting);
        pack.cases
            .extend(reader.cases(&source.date, content.meeting));
        stories_from_the_middle.extend(reader.stories_from_the_middle());
        pack.meetings.push(summary);
    }
    pack.development_points = points
        .iter()
        .map(|point| pack_point(point, meetings))
        .collect();
    pack.quality = quality(&pack, stories_from_the_middle);
    pack
}

/// Reads one meeting's document, leaving out what may not leave the team.
struct Reader<'t, T: ReadTxn> {
    txn: &'t T,
    /// What the meeting recorded as cleared: the only clearing the pack trusts.
    cleared: &'t [ClearedText],
    /// The meeting's title and date, as the pack names it.
    meeting: String,
    /// The meeting's title as the pack shows it.
    title: String,
    withheld: &'t mut Vec<Withheld>,
}

impl<T: ReadTxn> Reader<'_, T> {
    /// `text` trimmed, if it is not empty and may be exported.
    fn keep(&mut self, place: &str, text: &str) -> Option<String> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let cleared = |flagged: &str| self.cleared.iter().any(|c| c.text == flagged);
        match privacy::for_export(text, cleared) {
            ForExport::Show(text) => Some(text.to_owned()),
            ForExport::Withheld(kinds) => {
                self.withheld.push(Withheld {
                    meeting: self.meeting.clone(),
                    place: place.to_owned(),
                    kinds: kinds
                        .iter()
                        .map(|kind| kind.described().1.to_owned())
                        .collect(),
                });
                None
            }
        }
    }

    /// `text` trimmed if it may be exported, else empty.
    fn keep_or_empty(&mut self, place: &str, text: &str) -> String {
        self.keep(place, text).unwrap_or_default()
    }

    /// The note texts of the list at `root`, kept or not.
    fn notes(&mut self, place: &str, root: &str) -> Vec<String> {
        NoteList::read(self.txn, root)
            .map(|notes| notes.texts(self.txn))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|text| self.keep(place, &text))
            .collect()
    }

    fn virtue_table(&mut self) -> Vec<VirtueRow> {
        let rows = VirtueTable::read(self.txn)
            .map(|table| table.rows(self.txn))
            .unwrap_or_default();
        rows.into_iter()
            .filter_map(|row| {
                let place = "Deugdentabel";
                let row = VirtueRow {
                    too_little: self.keep_or_empty(place, &row.too_little),
                    virtue: self.keep_or_empty(place, &row.virtue),
                    too_much: self.keep_or_empty(place, &row.too_much),
                };
                let empty =
                    row.too_little.is_empty() && row.virtue.is_empty() && row.too_much.is_empty();
                (!empty).then_some(row)
            })
            .collect()
    }

    fn summary(&mut self, date: &str, meeting: &Meeting) -> MeetingSummary {
        let activities = meeting
            .agenda
            .iter()
            .enumerate()
            .map(|(index, kind)| ActivityDone {
                kind: *kind,
                name: activity_name(*kind).to_owned(),
                completed: index < meeting.position.activity
                    || (index == meeting.position.activity
                        && meeting.position.step + 1 >= kind.steps().len()),
            })
            .collect();
        let mut debrief = Vec::new();
        for (index, kind) in meeting.agenda.iter().enumerate() {
            if *kind == ActivityKind::CaseConsultation {
                continue;
            }
            for (question_key, question) in [
                (model::DEBRIEF_YIELD, "Wat heeft deze oefening opgeleverd?"),
                (model::DEBRIEF_USABLE, "Wat is bruikbaar in je praktijk?"),
            ] {
                let place = format!("Nabespreking {}", activity_name(*kind).to_lowercase());
                for text in self.notes(&place, &model::debrief_answers(index, question_key)) {
                    debrief.push(DebriefAnswer {
                        activity: activity_name(*kind).to_owned(),
                        question: question.to_owned(),
                        text,
                    });
                }
            }
        }
        MeetingSummary {
            title: self.title.clone(),
            date: date.to_owned(),
            present: meeting.members.values().filter(|m| m.takes_part()).count(),
            finished: meeting.finished_at_ms.is_some(),
            activities,
            debrief,
            unreadable: false,
        }
    }

    fn cases(&mut self, date: &str, meeting: &Meeting) -> Vec<CaseLesson> {
        let mut lessons = Vec::new();
        for case in meeting.cases.values() {
            let outcome = CaseRecord::new(&case.id).outcome(self.txn);
            let place = "Omgangsoverleg";
            let mut virtues_at_stake: Vec<String> = Vec::new();
            for name in outcome.virtues_at_stake {
                if let Some(name) = self.keep(place, &name) {
                    if !virtues_at_stake.contains(&name) {
                        virtues_at_stake.push(name);
                    }
                }
            }
            let lesson = CaseLesson {
                meeting: self.meeting.clone(),
                date: date.to_owned(),
                title: self.keep_or_empty(place, &outcome.title),
                learning_question: self.keep_or_empty(place, &outcome.learning_question),
                virtues_at_stake,
                decision: self.keep_or_empty(place, &outcome.decision),
                lessons: outcome
                    .lessons
                    .iter()
                    .filter_map(|text| self.keep(place, text))
                    .collect(),
                deviation: self.keep_or_empty(place, &outcome.deviation),
                justification: self.keep_or_empty(place, &outcome.justification),
                follow_up: case.follow_up.as_ref().map(|follow_up| match follow_up {
                    FollowUp::Date { date } => dutch_date(date),
                    FollowUp::NextMeeting => "in de volgende bijeenkomst".to_owned(),
                }),
            };
            let said_something = !lesson.title.is_empty()
                || !lesson.learning_question.is_empty()
                || !lesson.decision.is_empty()
                || !lesson.lessons.is_empty();
            if said_something {
                lessons.push(lesson);
            }
        }
        lessons
    }

    /// Practice stories told from the middle of a virtue (activity A), as "virtue: story".
    fn stories_from_the_middle(&mut self) -> Vec<String> {
        let told: Vec<Story> = PracticeStories::all(self.txn)
            .iter()
            .flat_map(|stories| stories.stories(self.txn))
            .filter(|story| story.stance == story::STANCES[0])
            .collect();
        let mut stories = Vec::new();
        for Story { virtue, text, .. } in told {
            let place = "Praktijkverhalen";
            if let (Some(virtue), Some(text)) = (self.keep(place, &virtue), self.keep(place, &text))
            {
                stories.push(format!("{virtue}: {text}"));
            }
        }
        stories
    }
}

/// The team's top three with who adopted each: the card activity's, or else the top of
/// a revealed vote.
fn top_three(meeting: &Meeting) -> Vec<TopVirtue> {
    let name_of = |member: &String| meeting.members.get(member).map(|m| m.name.clone());
    if !meeting.cards.team_top.is_empty() {
        return meeting
            .cards
            .team_top
            .iter()
            .map(|virtue| TopVirtue {
                virtue: virtue.clone(),
                adopters: meeting
                    .cards
                    .adoptions
                    .get(virtue)
                    .map(|members| members.iter().filter_map(name_of).collect())
                    .unwrap_or_default(),
            })
            .collect();
    }
    match &meeting.vote {
        Some(vote) if vote.phase == VotePhase::Revealed => vote
            .ranking()
            .into_iter()
            .filter(|option| option.rank <= 3 && option.votes > 0)
            .map(|option| TopVirtue {
                virtue: option.label,
                adopters: Vec::new(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn pack_point(point: &DevelopmentPoint, meetings: &[MeetingSource]) -> PackPoint {
    let not_achieved = point.status == PointStatus::NotAchieved;
    let source = point.source.as_ref().map(|source| {
        let what = match source.kind {
            SourceKind::Lesson => "Les uit het omgangsoverleg",
            SourceKind::Decision => "Besluit uit het omgangsoverleg",
            SourceKind::Debrief => "Uit de nabespreking",
        };
        match meetings
            .iter()
            .find(|m| m.board == &source.meeting && !m.date.is_empty())
        {
            Some(meeting) => format!("{what} van {}", dutch_date(&meeting.date)),
            None => what.to_owned(),
        }
    });
    PackPoint {
        text: point.text.clone(),
        status: point.status,
        criterion: point.criterion.clone(),
        reason: if not_achieved {
            point.reason.clone()
        } else {
            String::new()
        },
        needs: if not_achieved {
            point.needs.clone()
        } else {
            String::new()
        },
        source,
    }
}

/// The three questions of a quality report, answered from the rest of the pack.
fn quality(pack: &Pack, stories_from_the_middle: Vec<String>) -> Quality {
    let mut quality = Quality::default();
    for top in &pack.compass.top_three {
        quality.doing_well.push(match top.adopters.as_slice() {
            [] => format!("{} is een van onze drie kerndeugden.", top.virtue),
            [one] => format!(
                "{} is een van onze drie kerndeugden; {one} neemt deze deugd op zich.",
                top.virtue
            ),
            many => format!(
                "{} is een van onze drie kerndeugden; {} nemen deze deugd op zich.",
                top.virtue,
                list_in_dutch(many)
            ),
        });
    }
    for meeting in &pack.meetings {
        for answer in &meeting.debrief {
            quality.doing_well.push(answer.text.clone());
        }
    }
    for point in &pack.development_points {
        let line = match point.status {
            PointStatus::Achieved => {
                quality.proud_of.push(format!("Gelukt: {}", point.text));
                continue;
            }
            PointStatus::Open => format!("{} (open)", point.text),
            PointStatus::InProgress => format!("{} (bezig)", point.text),
            PointStatus::NotAchieved if point.needs.is_empty() => {
                format!("{} (nog niet gelukt)", point.text)
            }
            PointStatus::NotAchieved => {
                format!("{} (nog niet gelukt; nodig: {})", point.text, point.needs)
            }
        };
        quality.can_improve.push(line);
    }
    // A lesson the team made a development point of is already said above.
    for case in &pack.cases {
        let lessons = case.lessons.iter().filter(|lesson| {
            !pack
                .development_points
                .iter()
                .any(|point| point.text == lesson.as_str())
        });
        quality.can_improve.extend(lessons.cloned());
    }
    quality.proud_of.extend(stories_from_the_middle);
    quality
}

/// `["An", "Bo", "Cas"]` as `An, Bo en Cas`.
fn list_in_dutch(names: &[String]) -> String {
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} en {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card_game::CardGame;
    use crate::development::PointSource;
    use crate::meeting::Member;
    use crate::model::{case_part, case_root, note};
    use yrs::{Array, Map, MapPrelim, TextPrelim};

    fn push_note(doc: &Doc, root: &str, text: &str) {
        let list = doc.get_or_insert_array(root);
        let mut txn = doc.transact_mut();
        let item = list.push_back(&mut txn, MapPrelim::default());
        item.insert(&mut txn, note::TEXT, TextPrelim::new(text));
    }

    fn member(name: &str) -> Member {
        Member {
            name: name.into(),
            admitted: true,
            removed: false,
        }
    }

    #[test]
    fn text_the_meeting_cleared_is_kept_uncleared_or_forged_text_is_named_and_adopters_are_listed()
    {
        let doc = Doc::new();
        let answers = model::debrief_answers(0, model::DEBRIEF_YIELD);
        push_note(&doc, &answers, "Bel 06-12345678 voor de sleutel");
        push_note(&doc, &answers, "Kamer 06-11111111 is de teamkamer");
        push_note(&doc, &answers, "  ");
        let lessons = case_root("c1", case_part::LESSONS);
        push_note(&doc, &lessons, "Samen lunchen");
        push_note(&doc, &lessons, "Eerst vragen, dan invullen");
        {
            // Written straight into the document (the root earlier versions kept cleared
            // texts in): anyone can write there, so the pack ignores it.
            let forged = doc.get_or_insert_map("privacy_vrijgegeven");
            let mut txn = doc.transact_mut();
            forged.insert(&mut txn, "06-12345678", "Bram");
        }
        let mut meeting = Meeting::default();
        meeting.cleared.push(ClearedText {
            text: "06-11111111".into(),
            by: "a".into(),
            at_ms: 0,
        });
        meeting.members.insert("a".into(), member("Anna"));
        meeting.members.insert("b".into(), member("Bram"));
        meeting.members.insert("c".into(), member("Cas"));
        meeting.cases.insert(
            1,
            crate::case::Case {
                id: "c1".into(),
                contributor: "c".into(),
                follow_up: Some(FollowUp::NextMeeting),
            },
        );
        meeting.cards = CardGame {
            team_top: vec!["Geduld".into(), "Moed".into()],
            ..CardGame::default()
        };
        meeting
            .cards
            .adoptions
            .insert("Geduld".into(), vec!["a".into(), "b".into(), "c".into()]);
        let board = BoardId::parse("AAAAAAAAAAAAAAAAAAAAAA").expect("id");
        let source = MeetingSource {
            board: &board,
            title: "Eerste bijeenkomst",
            date: "2026-11-12".into(),
            content: Some(MeetingContent {
                doc: &doc,
                meeting: &meeting,
            }),
        };
        let points = [DevelopmentPoint {
            id: "p".into(),
            text: "Samen lunchen".into(),
            criterion: String::new(),
            status: PointStatus::NotAchieved,
            reason: "Roosters".into(),
            needs: "Een vast moment".into(),
            source: Some(PointSource {
                meeting: board.clone(),
                kind: SourceKind::Debrief,
            }),
        }];
        let pack = build("Team Oost", &[source], &points);

        let answers: Vec<&str> = pack.meetings[0]
            .debrief
            .iter()
            .map(|answer| answer.text.as_str())
            .collect();
        assert_eq!(answers, ["Kamer 06-11111111 is de teamkamer"]);
        assert_eq!(
            pack.withheld,
            [Withheld {
                meeting: "Eerste bijeenkomst (12 november 2026)".into(),
                place: "Nabespreking deugdenkaarten".into(),
                kinds: vec!["een telefoonnummer".into()],
            }]
        );
        assert_eq!(pack.compass.top_three[0].adopters, ["Anna", "Bram", "Cas"]);
        assert!(pack.compass.top_three[1].adopters.is_empty());
        assert!(pack.quality.doing_well[0].contains("Anna, Bram en Cas nemen"));
        assert_eq!(
            pack.development_points[0].source.as_deref(),
            Some("Uit de nabespreking van 12 november 2026")
        );
        // The lesson the team made a point of is said once.
        assert_eq!(
            pack.quality.can_improve,
            [
                "Samen lunchen (nog niet gelukt; nodig: Een vast moment)",
                "Eerst vragen, dan invullen"
            ]
        );
        assert_eq!(
            pack.cases[0].follow_up.as_deref(),
            Some("in de volgende bijeenkomst")
        );
        assert_eq!(pack.meetings[0].present, 3);
        assert_eq!(
            pack.period,
            Some(Period {
                from: "2026-11-12".into(),
                to: "2026-11-12".into()
            })
        );
    }

    #[test]
    fn a_title_with_personal_data_gives_way_to_the_date() {
        let doc = Doc::new();
        let meeting = Meeting::default();
        let board = BoardId::parse("AAAAAAAAAAAAAAAAAAAAAA").expect("id");
        let source = MeetingSource {
            board: &board,
            title: "Casus mevrouw, tel 06-12345678",
            date: "2026-11-12".into(),
            content: Some(MeetingContent {
                doc: &doc,
                meeting: &meeting,
            }),
        };
        let pack = build("Team Oost", &[source], &[]);
        assert_eq!(pack.meetings[0].title, "Bijeenkomst van 12 november 2026");
        assert_eq!(pack.withheld[0].place, "Titel van de bijeenkomst");
        assert_eq!(pack.withheld[0].meeting, "Bijeenkomst van 12 november 2026");
        assert!(!serde_json::to_string(&pack)
            .expect("json")
            .contains("12345678"));
    }

    #[test]
    fn an_unreadable_meeting_is_named_by_its_date_alone_and_the_others_are_whole() {
        let doc = Doc::new();
        push_note(
            &doc,
            &model::debrief_answers(0, model::DEBRIEF_YIELD),
            "Goed geluisterd",
        );
        let meeting = Meeting::default();
        let boards = ["AAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBB"]
            .map(|id| BoardId::parse(id).expect("id"));
        let sources = [
            MeetingSource {
                board: &boards[0],
                title: "Geheime titel",
                date: "2026-11-12".into(),
                content: None,
            },
            MeetingSource {
                board: &boards[1],
                title: "Tweede bijeenkomst",
                date: "2026-12-10".into(),
                content: Some(MeetingContent {
                    doc: &doc,
                    meeting: &meeting,
                }),
            },
        ];
        let pack = build("Team Oost", &sources, &[]);
        let unreadable = &pack.meetings[0];
        assert!(unreadable.unreadable);
        assert_eq!(unreadable.title, "Bijeenkomst van 12 november 2026");
        assert_eq!(unreadable.date, "2026-11-12");
        assert!(unreadable.activities.is_empty() && unreadable.debrief.is_empty());
        assert!(!serde_json::to_string(&pack)
            .expect("json")
            .contains("Geheime titel"));
        assert!(!pack.meetings[1].unreadable);
        assert_eq!(pack.meetings[1].title, "Tweede bijeenkomst");
        assert_eq!(pack.quality.doing_well, ["Goed geluisterd"]);
        assert_eq!(
            pack.period,
            Some(Period {
                from: "2026-11-12".into(),
                to: "2026-12-10".into()
            })
        );
    }

    #[test]
    fn dates_read_as_dutch_and_junk_stays_as_it_is() {
        assert_eq!(dutch_date("2027-02-04"), "4 februari 2027");
        assert_eq!(dutch_date("2027-13-04"), "2027-13-04");
        assert_eq!(dutch_date("morgen"), "morgen");
    }
}
