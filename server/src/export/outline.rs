//! The report's layout, decided once: [`outline`] turns a [`Pack`] into a list of
//! [`Block`]s in reading order, with every Dutch heading, sentence and table. The PDF,
//! DOCX and Markdown renderers draw these blocks and add nothing of their own, so the
//! three formats always tell the same story.
//!
//! Blocks hold plain text; each renderer escapes it for its format.

use leerkring_shared::development::PointStatus;
use leerkring_shared::meeting::ActivityKind;
use leerkring_shared::pack::{
    dutch_date, CaseLesson, MeetingSummary, Pack, PackPoint, QUALITY_QUESTIONS, UNREADABLE_MEETING,
};

/// One piece of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// The report's title and subtitle (the team), once at the top.
    Title {
        title: String,
        subtitle: String,
    },
    /// A chapter (1), section (2) or sub-section (3).
    Heading {
        level: u8,
        text: String,
    },
    /// Label and value lines, such as the title page's period and status.
    Meta(Vec<(String, String)>),
    Paragraph(String),
    /// A quieter line: an empty chapter's friendly note, a table's source.
    Note(String),
    Bullets(Vec<String>),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// The table of contents: the chapters' headings (level 1), in order. The PDF adds
    /// their page numbers.
    Contents(Vec<String>),
    PageBreak,
}

/// What a leerkring is, and what was left out.
const INTRO: &str = "Een leerkring is een vaste groep collega's die een aantal keer bij \
elkaar komt om samen te leren van het dagelijkse werk: welke deugden maken ons werk goed, \
wat gebeurt er als we er te weinig of te veel van hebben, en wat leren we van lastige \
situaties uit de praktijk. Dit bezoekpakket laat zien wat het team in deze periode heeft \
geleerd, in de woorden van het team zelf. De lessen uit het omgangsoverleg zijn \
geanonimiseerd: er staan geen namen van cliënten of collega's in. Teksten waarin \
persoonsgegevens leken te staan zijn weggelaten; bijlage B noemt waar dat gebeurde, \
zonder de tekst zelf.";

/// The whole report, in reading order.
pub fn outline(pack: &Pack) -> Vec<Block> {
    let mut blocks = Vec::new();
    title_page(pack, &mut blocks);
    let mut chapter = 0;
    let mut next_chapter = |blocks: &mut Vec<Block>, text: &str| {
        chapter += 1;
        blocks.push(Block::Heading {
            level: 1,
            text: format!("{chapter}. {text}"),
        });
    };
    let answers = [
        &pack.quality.doing_well,
        &pack.quality.can_improve,
        &pack.quality.proud_of,
    ];
    let empty_notes = [
        "Hier is in deze periode nog niets over opgeschreven. Een mooie vraag om de \
volgende bijeenkomst mee te beginnen.",
        "Hier is in deze periode nog niets over opgeschreven. Dat kan betekenen dat het \
goed gaat – of dat de vraag de volgende keer aandacht verdient.",
        "Hier is in deze periode nog niets over opgeschreven. Elke bijeenkomst is een \
nieuwe kans om te vertellen waar het team trots op is.",
    ];
    for ((question, answers), empty) in QUALITY_QUESTIONS.iter().zip(answers).zip(empty_notes) {
        next_chapter(&mut blocks, question);
        let answers = non_empty(answers);
        if answers.is_empty() {
            blocks.push(Block::Note(empty.to_owned()));
        } else {
            blocks.push(Block::Bullets(answers));
        }
    }
    next_chapter(&mut blocks, "Het deugdenkompas");
    compass(pack, &mut blocks);
    next_chapter(&mut blocks, "De bijeenkomsten");
    if pack.meetings.is_empty() {
        blocks.push(Block::Note(
            "Er zijn in deze periode nog geen bijeenkomsten gehouden.".to_owned(),
        ));
    }
    for meeting in &pack.meetings {
        blocks.push(Block::Heading {
            level: 2,
            text: meeting_heading(meeting),
        });
        blocks.push(Block::Paragraph(meeting_story(meeting)));
    }
    next_chapter(&mut blocks, "Lessen uit het omgangsoverleg");
    if pack.cases.is_empty() {
        blocks.push(Block::Note(
            "In deze periode is er geen casus besproken in het omgangsoverleg.".to_owned(),
        ));
    } else {
        blocks.push(Block::Paragraph(
            "In het omgangsoverleg bespreekt het team een situatie uit de praktijk: welke \
deugden staan op het spel, wat besluiten we, en wat nemen we mee. De casussen zijn \
geanonimiseerd."
                .to_owned(),
        ));
    }
    for (index, case) in pack.cases.iter().enumerate() {
        case_lesson(index, case, &mut blocks);
    }
    next_chapter(&mut blocks, "Ontwikkelpunten");
    if pack.development_points.is_empty() {
        blocks.push(Block::Note(
            "Het team heeft (nog) geen ontwikkelpunten vastgelegd.".to_owned(),
        ));
    }
    for point in &pack.development_points {
        development_point(point, &mut blocks);
    }
    blocks.push(Block::PageBreak);
    appendix_debriefs(pack, &mut blocks);
    appendix_withheld(pack, &mut blocks);
    let chapters: Vec<String> = blocks
        .iter()
        .filter_map(|block| match block {
            Block::Heading { level: 1, text } => Some(text.clone()),
            _ => None,
        })
        .collect();
    for block in &mut blocks {
        if let Block::Contents(contents) = block {
            *contents = chapters.clone();
        }
    }
    blocks
}

fn title_page(pack: &Pack, blocks: &mut Vec<Block>) {
    let team = pack.team.trim();
    blocks.push(Block::Title {
        title: "Bezoekpakket".to_owned(),
        subtitle: if team.is_empty() {
            "Leerkring".to_owned()
        } else {
            team.to_owned()
        },
    });
    let mut meta = vec![(
        "Periode".to_owned(),
        match &pack.period {
            Some(period) if period.from == period.to => dutch_date(&period.from),
            Some(period) => format!("{} – {}", dutch_date(&period.from), dutch_date(&period.to)),
            None => "nog geen bijeenkomsten".to_owned(),
        },
    )];
    let label = if pack.meetings.len() == 1 {
        "Bijeenkomst"
    } else {
        "Bijeenkomsten"
    };
    for (index, meeting) in pack.meetings.iter().enumerate() {
        let label = if index == 0 { label } else { "" };
        meta.push((label.to_owned(), meeting_heading(meeting)));
    }
    meta.push((
        "Status".to_owned(),
        match &pack.approved_on {
            Some(date) => format!("Goedgekeurd op {}", dutch_date(date)),
            None => "Concept – nog niet goedgekeurd".to_owned(),
        },
    ));
    blocks.push(Block::Meta(meta));
    blocks.push(Block::Heading {
        level: 2,
        text: "Over dit bezoekpakket".to_owned(),
    });
    blocks.push(Block::Paragraph(INTRO.to_owned()));
    blocks.push(Block::Heading {
        level: 2,
        text: "Inhoud".to_owned(),
    });
    // Filled in with the chapters once they are all known.
    blocks.push(Block::Contents(Vec::new()));
    blocks.push(Block::PageBreak);
}

fn compass(pack: &Pack, blocks: &mut Vec<Block>) {
    let compass = &pack.compass;
    blocks.push(Block::Paragraph(
        "Het deugdenkompas laat zien welke deugden het team belangrijk vindt in het werk, \
en wat er gebeurt als je er te weinig of te veel van hebt."
            .to_owned(),
    ));
    blocks.push(Block::Heading {
        level: 2,
        text: "Onze drie kerndeugden".to_owned(),
    });
    let top: Vec<String> = compass
        .top_three
        .iter()
        .filter(|top| !top.virtue.trim().is_empty())
        .map(|top| {
            let adopters = non_empty(&top.adopters);
            if adopters.is_empty() {
                top.virtue.trim().to_owned()
            } else {
                format!(
                    "{} – aangenomen door {}",
                    top.virtue.trim(),
                    list_in_dutch(&adopters)
                )
            }
        })
        .collect();
    if top.is_empty() {
        blocks.push(Block::Note(
            "Het team heeft nog geen top drie van deugden gekozen.".to_owned(),
        ));
    } else {
        blocks.push(Block::Bullets(top));
    }
    blocks.push(Block::Heading {
        level: 2,
        text: "De deugdentabel".to_owned(),
    });
    if compass.table.is_empty() {
        blocks.push(Block::Note(
            "Het team heeft nog geen deugdentabel ingevuld.".to_owned(),
        ));
        return;
    }
    if let Some(source) = &compass.source {
        blocks.push(Block::Note(format!("Ingevuld in {}.", source.trim())));
    }
    blocks.push(Block::Table {
        header: vec!["Te weinig".into(), "Deugd".into(), "Te veel".into()],
        rows: compass
            .table
            .iter()
            .map(|row| {
                vec![
                    row.too_little.trim().to_owned(),
                    row.virtue.trim().to_owned(),
                    row.too_much.trim().to_owned(),
                ]
            })
            .collect(),
    });
}

/// `Title (12 november 2026)`; an unreadable meeting by its title alone, which is its
/// date.
fn meeting_heading(meeting: &MeetingSummary) -> String {
    let title = meeting.title.trim();
    let date = dutch_date(&meeting.date);
    if meeting.unreadable && !title.is_empty() {
        title.to_owned()
    } else if title.is_empty() {
        format!("Bijeenkomst van {date}")
    } else {
        format!("{title} ({date})")
    }
}

/// A meeting told in a few sentences.
fn meeting_story(meeting: &MeetingSummary) -> String {
    if meeting.unreadable {
        return format!(
            "{UNREADABLE_MEETING} Wat er besproken is, staat daarom niet in dit pakket."
        );
    }
    let date = dutch_date(&meeting.date);
    let present = match meeting.present {
        0 => format!("Op {date} kwam het team bijeen."),
        1 => format!("Op {date} was er één deelnemer."),
        n => format!("Op {date} kwamen {n} deelnemers bij elkaar."),
    };
    let mut story = vec![present];
    let done: Vec<String> = meeting
        .activities
        .iter()
        .filter(|activity| activity.completed)
        .map(|activity| with_article(activity.kind).to_owned())
        .collect();
    let not_done: Vec<String> = meeting
        .activities
        .iter()
        .filter(|activity| !activity.completed)
        .map(|activity| with_article(activity.kind).to_owned())
        .collect();
    let came = |names: &[String]| if names.len() == 1 { "kwam" } else { "kwamen" };
    if done.is_empty() && not_done.is_empty() {
        story.push("Er stond geen activiteit op de agenda.".to_owned());
    }
    if !done.is_empty() {
        story.push(format!("Aan bod {} {}.", came(&done), list_in_dutch(&done)));
    }
    if !not_done.is_empty() {
        story.push(format!(
            "{} {} deze keer niet (helemaal) aan bod.",
            capitalise(&list_in_dutch(&not_done)),
            came(&not_done)
        ));
    }
    match meeting.debrief.len() {
        0 => {}
        1 => story.push("In de nabespreking werd één antwoord gegeven (zie bijlage A).".into()),
        n => story.push(format!(
            "In de nabespreking werden {n} antwoorden gegeven (zie bijlage A)."
        )),
    }
    story.join(" ")
}

fn case_lesson(index: usize, case: &CaseLesson, blocks: &mut Vec<Block>) {
    let title = case.title.trim();
    blocks.push(Block::Heading {
        level: 2,
        text: if title.is_empty() {
            format!("Casus {}", index + 1)
        } else {
            format!("Casus {}: {title}", index + 1)
        },
    });
    let mut meta = vec![("Bijeenkomst".to_owned(), case.meeting.trim().to_owned())];
    let mut field = |label: &str, text: &str| {
        let text = text.trim();
        if !text.is_empty() {
            meta.push((label.to_owned(), text.to_owned()));
        }
    };
    field("Leervraag", &case.learning_question);
    field(
        "Deugden in het geding",
        &non_empty(&case.virtues_at_stake).join(", "),
    );
    field("Besluit", &case.decision);
    field("Afwijking", &case.deviation);
    field("Verantwoording", &case.justification);
    field(
        "Vervolg",
        &case
            .follow_up
            .as_deref()
            .map(capitalise)
            .unwrap_or_default(),
    );
    blocks.push(Block::Meta(meta));
    let lessons = non_empty(&case.lessons);
    if !lessons.is_empty() {
        blocks.push(Block::Heading {
            level: 3,
            text: "Wat we leerden".to_owned(),
        });
        blocks.push(Block::Bullets(lessons));
    }
}

fn development_point(point: &PackPoint, blocks: &mut Vec<Block>) {
    let text = point.text.trim();
    blocks.push(Block::Heading {
        level: 2,
        text: if text.is_empty() {
            "Ontwikkelpunt".to_owned()
        } else {
            text.to_owned()
        },
    });
    let mut meta = vec![("Status".to_owned(), capitalise(point.status.label_nl()))];
    let mut field = |label: &str, text: &str| {
        let text = text.trim();
        if !text.is_empty() {
            meta.push((label.to_owned(), text.to_owned()));
        }
    };
    field("Wanneer gelukt", &point.criterion);
    if point.status == PointStatus::NotAchieved {
        field("Wat stond in de weg", &point.reason);
        field("Wat is nodig", &point.needs);
    }
    field("Herkomst", point.source.as_deref().unwrap_or_default());
    blocks.push(Block::Meta(meta));
}

fn appendix_debriefs(pack: &Pack, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading {
        level: 1,
        text: "Bijlage A – Alle antwoorden uit de nabesprekingen".to_owned(),
    });
    blocks.push(Block::Paragraph(
        "Na elke oefening beantwoordt het team twee vragen: wat heeft de oefening \
opgeleverd, en wat is bruikbaar in de praktijk? Hieronder staan alle antwoorden, zonder \
namen."
            .to_owned(),
    ));
    let mut any = false;
    for meeting in &pack.meetings {
        if meeting.debrief.is_empty() {
            continue;
        }
        any = true;
        blocks.push(Block::Heading {
            level: 2,
            text: meeting_heading(meeting),
        });
        // Group the answers by activity and question, keeping their order.
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for answer in &meeting.debrief {
            let text = answer.text.trim();
            if text.is_empty() {
                continue;
            }
            let key = format!("{} – {}", answer.activity.trim(), answer.question.trim());
            match groups.iter_mut().find(|(group, _)| *group == key) {
                Some((_, texts)) => texts.push(text.to_owned()),
                None => groups.push((key, vec![text.to_owned()])),
            }
        }
        for (key, texts) in groups {
            blocks.push(Block::Heading {
                level: 3,
                text: key,
            });
            blocks.push(Block::Bullets(texts));
        }
    }
    if !any {
        blocks.push(Block::Note(
            "Er zijn in deze periode geen antwoorden in een nabespreking gegeven.".to_owned(),
        ));
    }
}

fn appendix_withheld(pack: &Pack, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading {
        level: 1,
        text: "Bijlage B – Weggelaten teksten".to_owned(),
    });
    if pack.withheld.is_empty() {
        blocks.push(Block::Note(
            "Er zijn geen teksten weggelaten: in geen enkele tekst leken persoonsgegevens \
te staan."
                .to_owned(),
        ));
        return;
    }
    blocks.push(Block::Paragraph(
        "Deze teksten zijn niet in het pakket opgenomen, omdat er persoonsgegevens in \
leken te staan die niemand heeft vrijgegeven. De teksten zelf staan nergens in dit \
pakket; alleen waar ze stonden en wat erin leek te staan."
            .to_owned(),
    ));
    blocks.push(Block::Table {
        header: vec![
            "Bijeenkomst".into(),
            "Plek".into(),
            "Wat erin leek te staan".into(),
        ],
        rows: pack
            .withheld
            .iter()
            .map(|withheld| {
                vec![
                    withheld.meeting.trim().to_owned(),
                    withheld.place.trim().to_owned(),
                    list_in_dutch(&non_empty(&withheld.kinds)),
                ]
            })
            .collect(),
    });
}

/// The activity's Dutch name with its article, in a sentence.
fn with_article(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::VirtueExercise => "de deugdenoefening",
        ActivityKind::VirtueCards => "de deugdenkaarten",
        ActivityKind::CaseConsultation => "het omgangsoverleg",
        ActivityKind::Evaluation => "de evaluatie",
    }
}

/// The texts that say something, trimmed.
fn non_empty(texts: &[String]) -> Vec<String> {
    texts
        .iter()
        .map(|text| text.trim())
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `["An", "Bo", "Cas"]` as `An, Bo en Cas`.
fn list_in_dutch(names: &[String]) -> String {
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} en {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// A character no renderer writes: control characters (other than line breaks, which
/// each renderer handles) and the bidirectional overrides and isolates, which could make
/// board text read backwards ("Trojan Source").
pub fn is_hidden_control(ch: char) -> bool {
    (ch.is_control() && ch != '\n')
        || matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// The first letter in upper case.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
