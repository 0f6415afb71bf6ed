//! Tests of every format against one fixture pack with Dutch characters, formula
//! payloads and script payloads in board texts. The PDF tests run poppler's `pdftotext`
//! and `pdffonts` (Debian's poppler-utils, installed by `scripts/test`).

use std::io::Read;
use std::process::Command;

use leerkring_shared::development::PointStatus;
use leerkring_shared::meeting::ActivityKind;
use leerkring_shared::pack::{
    ActivityDone, CaseLesson, Compass, DebriefAnswer, MeetingSummary, Pack, PackPoint, Period,
    Quality, TopVirtue, VirtueRow, Withheld, SCHEMA_ID, SCHEMA_VERSION,
};

use super::{file_name, render, slug, Format};

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "<img src=x onerror=alert(1)>";
const HYPERLINK: &str = "=HYPERLINK(\"http://evil\",\"klik\")";

fn s(text: &str) -> String {
    text.to_owned()
}

fn activity(kind: ActivityKind, name: &str, completed: bool) -> ActivityDone {
    ActivityDone {
        kind,
        name: s(name),
        completed,
    }
}

fn answer(activity: &str, question: &str, text: &str) -> DebriefAnswer {
    DebriefAnswer {
        activity: s(activity),
        question: s(question),
        text: s(text),
    }
}

/// A pack as a team might make it, with hostile texts where participants type.
fn fixture() -> Pack {
    let mut pack = Pack::empty("Team Zuidoever – Coöperatief wonen");
    pack.period = Some(Period {
        from: s("2026-11-12"),
        to: s("2027-02-04"),
    });
    pack.approved_on = Some(s("2027-02-10"));
    pack.quality = Quality {
        doing_well: vec![
            s("Betrouwbaarheid is een van onze drie kerndeugden; An en Bo nemen deze deugd op zich."),
            s("We nemen de tijd voor elkaar, ook als het druk is op de groep en de avonddienst onderbezet is; dat merken cliënten en collega's."),
            format!("Naïef gedacht misschien, maar {SCRIPT} werkt niet."),
        ],
        can_improve: vec![
            s("Overdracht bij de wisseling van dienst (bezig)"),
            s("-2+3 minder haast bij het avondeten"),
        ],
        proud_of: vec![s("Geduld – ‘tijd nemen’ één: wachten tot mevrouw zelf haar jas aantrok.")],
    };
    pack.compass = Compass {
        source: Some(s("Deugdenoefening (12 november 2026)")),
        table: vec![
            VirtueRow {
                too_little: s("Onverschilligheid"),
                virtue: s("Betrouwbaarheid"),
                too_much: s("Starheid"),
            },
            VirtueRow {
                too_little: s("Haast"),
                virtue: s("Geduld – ‘tijd nemen’ één"),
                too_much: s("Lijdzaamheid, alles maar laten gebeuren"),
            },
            VirtueRow {
                too_little: s("Eigenwijsheid"),
                virtue: s("Coöperatief"),
                too_much: s("naïef meegaan"),
            },
            VirtueRow {
                too_little: s(HYPERLINK),
                virtue: s(SCRIPT),
                too_much: s("+31 cmd"),
            },
        ],
        top_three: vec![
            TopVirtue {
                virtue: s("Betrouwbaarheid"),
                adopters: vec![s("An"), s("Bo")],
            },
            TopVirtue {
                virtue: s("Geduld – ‘tijd nemen’ één"),
                adopters: vec![s("Cas")],
            },
            TopVirtue {
                virtue: s("Coöperatief"),
                adopters: Vec::new(),
            },
        ],
    };
    let yield_q = "Wat heeft deze oefening opgeleverd?";
    let usable_q = "Wat is bruikbaar in je praktijk?";
    pack.meetings = vec![
        MeetingSummary {
            title: s("Deugdenoefening"),
            date: s("2026-11-12"),
            present: 9,
            activities: vec![
                activity(ActivityKind::VirtueExercise, "Deugdenoefening", true),
                activity(ActivityKind::Evaluation, "Evaluatie", false),
            ],
            debrief: vec![
                answer(
                    "Deugdenoefening",
                    yield_q,
                    "Dat we dezelfde woorden gebruiken.",
                ),
                answer("Deugdenoefening", yield_q, IMG),
                answer(
                    "Deugdenoefening",
                    usable_q,
                    "@SUM(1) en een naïeve vraag stellen.",
                ),
            ],
            unreadable: false,
            finished: false,
        },
        MeetingSummary {
            title: s("Omgangsoverleg"),
            date: s("2027-02-04"),
            present: 7,
            activities: vec![
                activity(ActivityKind::CaseConsultation, "Omgangsoverleg", true),
                activity(ActivityKind::Evaluation, "Evaluatie", true),
            ],
            debrief: vec![answer("Evaluatie", usable_q, "Eerst vragen, dan pas doen.")],
            unreadable: false,
            finished: false,
        },
    ];
    pack.cases = vec![CaseLesson {
        meeting: s("Omgangsoverleg (4 februari 2027)"),
        date: s("2027-02-04"),
        title: s("De jas in de gang"),
        learning_question: s(
            "Hoe blijven we geduldig als de planning knelt en de bewoner zelf wil kiezen?",
        ),
        virtues_at_stake: vec![s("Geduld – ‘tijd nemen’ één"), s("Betrouwbaarheid")],
        decision: s("We plannen tien minuten extra voor de wandeling."),
        lessons: vec![
            s("Vragen wat iemand zelf wil, ook als het langer duurt."),
            format!("Nooit {IMG} plakken"),
        ],
        deviation: s("De vaste looproute is losgelaten."),
        justification: s("De bewoner koos zelf een andere route; dat weegt zwaarder."),
        follow_up: Some(s("in de volgende bijeenkomst")),
    }];
    pack.development_points = vec![
        PackPoint {
            text: s("Overdracht bij de wisseling van dienst"),
            status: PointStatus::InProgress,
            criterion: s("Iedere dienst begint met één overdracht van vijf minuten."),
            reason: String::new(),
            needs: String::new(),
            source: Some(s("Les uit het omgangsoverleg van 4 februari 2027")),
        },
        PackPoint {
            text: s("-2+3 minder haast bij het avondeten"),
            status: PointStatus::NotAchieved,
            criterion: s("Niemand eet in minder dan twintig minuten."),
            reason: s("Door ziekte waren er drie weken te weinig handen."),
            needs: format!("Een vaste invaller. {SCRIPT}"),
            source: None,
        },
    ];
    pack.withheld = vec![Withheld {
        meeting: s("Omgangsoverleg (4 februari 2027)"),
        place: s("Omgangsoverleg"),
        kinds: vec![s("een BSN"), s("een telefoonnummer")],
    }];
    pack
}

fn rendered(format: Format) -> Vec<u8> {
    match render(&fixture(), format) {
        Ok(rendered) => rendered.bytes,
        Err(error) => panic!("rendering {format:?}: {error}"),
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[test]
fn formats_parse_and_name_files() {
    for format in Format::ALL {
        assert_eq!(Format::parse(format.extension()), Some(format));
    }
    assert_eq!(Format::parse("PDF"), Some(Format::Pdf));
    assert_eq!(Format::parse("exe"), None);
    assert_eq!(
        file_name(&fixture(), Format::Pdf),
        "bezoekpakket-team-zuidoever-cooperatief-wonen-2027-02-04.pdf"
    );
    let mut draft = Pack::empty("\"; rm -rf / <x>");
    assert_eq!(
        file_name(&draft, Format::Zip),
        "bezoekpakket-rm-rf-x-concept.zip"
    );
    draft.team = s("ë");
    draft.period = Some(Period {
        from: s("x"),
        to: s("\r\n2027"),
    });
    assert_eq!(
        file_name(&draft, Format::Markdown),
        "bezoekpakket-e-2027.md"
    );
    assert_eq!(slug("Geduld – ‘tijd nemen’ één"), "geduld-tijd-nemen-een");
    let rendered = render(&fixture(), Format::Docx).expect("docx");
    assert!(rendered.file_name.is_ascii());
    assert!(rendered.content_type.contains("wordprocessingml"));
}

/// `pdftotext -layout` of the fixture's PDF.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("pack.pdf");
    std::fs::write(&path, bytes).expect("write pdf");
    let output = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs");
    assert!(output.status.success(), "pdftotext failed");
    String::from_utf8(output.stdout).expect("utf-8 text")
}

#[test]
fn pdf_reads_as_the_report() {
    let bytes = rendered(Format::Pdf);
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&bytes);
    for expected in [
        "Bezoekpakket",
        "Team Zuidoever – Coöperatief wonen",
        "12 november 2026 – 4 februari 2027",
        "Goedgekeurd op 10 februari 2027",
        "1. Wat doen we goed?",
        "2. Wat kan beter?",
        "3. Waar zijn we trots op?",
        "4. Het deugdenkompas",
        "Betrouwbaarheid – aangenomen door An en Bo",
        "Geduld – ‘tijd nemen’ één",
        "naïef meegaan",
        "5. De bijeenkomsten",
        "6. Lessen uit het omgangsoverleg",
        "Casus 1: De jas in de gang",
        "7. Ontwikkelpunten",
        "Wat stond in de weg",
        "Door ziekte waren er drie weken te weinig handen.",
        "Bijlage A – Alle antwoorden",
        "Bijlage B – Weggelaten teksten",
        "een BSN en een telefoonnummer",
        SCRIPT,
        "Pagina 1 van",
    ] {
        assert!(
            text.contains(expected),
            "PDF text lacks {expected:?}:\n{text}"
        );
    }
    // The table of contents on the title page points at the right pages.
    let pages: Vec<&str> = text.split('\u{c}').collect();
    for chapter in [
        "1. Wat doen we goed?",
        "7. Ontwikkelpunten",
        "Bijlage B – Weggelaten",
    ] {
        let entry = pages[0]
            .lines()
            .find(|line| line.trim_start().starts_with(chapter))
            .unwrap_or_else(|| panic!("{chapter:?} in the contents"));
        let page: usize = entry
            .split_whitespace()
            .last()
            .and_then(|number| number.parse().ok())
            .unwrap_or_else(|| panic!("a page number in {entry:?}"));
        assert!(
            page > 1 && pages[page - 1].contains(chapter),
            "{chapter:?} on page {page}"
        );
    }
    // The chapters come in the report's order.
    let at = |needle: &str| text.find(needle).unwrap_or(usize::MAX);
    assert!(at("1. Wat doen we goed?") < at("4. Het deugdenkompas"));
    assert!(at("4. Het deugdenkompas") < at("7. Ontwikkelpunten"));
    assert!(at("7. Ontwikkelpunten") < at("Bijlage B"));
}

#[test]
fn pdf_has_no_actions_and_embeds_its_font() {
    let bytes = rendered(Format::Pdf);
    for forbidden in [
        "/JavaScript",
        "/JS",
        "/OpenAction",
        "/Launch",
        "/URI",
        "/AA",
    ] {
        assert!(!contains(&bytes, forbidden), "PDF holds {forbidden}");
    }
    // The script payload is text in a content stream, never an object of its own.
    assert!(!contains(&bytes, "<script"));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("pack.pdf");
    std::fs::write(&path, &bytes).expect("write pdf");
    let info = Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo (poppler-utils) runs");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("JavaScript:      no"), "{info}");
    assert!(
        info.contains("Title:           Bezoekpakket Team Zuidoever – Coöperatief wonen"),
        "{info}"
    );
    assert!(info.contains("A4"), "{info}");
    let output = Command::new("pdffonts")
        .arg(&path)
        .output()
        .expect("pdffonts (poppler-utils) runs");
    let fonts = String::from_utf8_lossy(&output.stdout);
    let dejavu: Vec<&str> = fonts.lines().filter(|l| l.contains("DejaVu")).collect();
    assert!(dejavu.len() >= 2, "regular and bold DejaVu Sans:\n{fonts}");
    for line in dejavu {
        // Columns: name type encoding emb sub uni object ID.
        let columns: Vec<&str> = line.split_whitespace().collect();
        let emb = columns.len().checked_sub(5).map(|i| columns[i]);
        assert_eq!(emb, Some("yes"), "font not embedded: {line}");
    }
}

#[test]
fn pdf_survives_an_empty_pack_and_huge_texts() {
    let empty = render(&Pack::empty(""), Format::Pdf).expect("empty pack");
    let text = pdf_text(&empty.bytes);
    assert!(text.contains("Concept – nog niet goedgekeurd"));
    assert!(text.contains("Hier is in deze periode nog niets over opgeschreven."));
    let mut pack = fixture();
    let long_word = "ë".repeat(3000);
    pack.compass.table.push(VirtueRow {
        too_little: long_word.clone(),
        virtue: "woord ".repeat(800),
        too_much: "\u{7}\t\r\n".to_owned(),
    });
    pack.quality.doing_well.push(long_word);
    let bytes = render(&pack, Format::Pdf).expect("huge pack").bytes;
    let text = pdf_text(&bytes);
    assert!(text.contains("ëëëëëëëëëë"));
    assert!(text.contains("Bijlage B"));
}

/// The fixture with odd texts everywhere: empty, control characters, emoji, Arabic,
/// combining marks, a 5,000-character word, Markdown characters.
fn odd_pack() -> Pack {
    let odd: Vec<String> = vec![
        String::new(),
        s(" "),
        s("\0\u{7}"),
        s("\u{202e}gnp.exe"),
        s("👩‍⚕️ 🧑🏽‍🦱 ✅"),
        s("مرحبا بالعالم"),
        s("a\u{301}\u{301}\u{301}"),
        s("\u{feff}\u{2028}\u{2029}"),
        "x".repeat(5000),
        s("\r\n\r\n"),
        s("\\ *_`[]|~#> 1) ="),
    ];
    let mut pack = fixture();
    pack.team = odd.concat();
    pack.approved_on = Some(s("gisteren"));
    pack.period = Some(Period {
        from: s("2026-13-45"),
        to: s("\u{0}"),
    });
    for text in &odd {
        pack.quality.proud_of.push(text.clone());
        pack.compass.table.push(VirtueRow {
            too_little: text.clone(),
            virtue: text.clone(),
            too_much: text.clone(),
        });
        pack.cases[0].lessons.push(text.clone());
        pack.development_points.push(PackPoint {
            text: text.clone(),
            status: PointStatus::NotAchieved,
            criterion: text.clone(),
            reason: text.clone(),
            needs: text.clone(),
            source: Some(text.clone()),
        });
    }
    pack
}

#[test]
fn every_format_survives_odd_text() {
    let pack = odd_pack();
    for format in Format::ALL {
        let rendered = render(&pack, format).unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert!(!rendered.bytes.is_empty());
        assert!(rendered.file_name.is_ascii() && !rendered.file_name.contains(['"', '\\', '/']));
    }
    let back: Pack = serde_json::from_slice(&render(&pack, Format::Json).expect("json").bytes)
        .expect("odd JSON parses");
    assert_eq!(back, pack);
}

#[test]
fn a_full_pack_renders_whole() {
    let mut pack = fixture();
    let sentence = "Dit is een lange zin over geduld, betrouwbaarheid en coöperatief werken. ";
    pack.meetings = (0..100)
        .map(|index| MeetingSummary {
            title: format!("Bijeenkomst {index}"),
            date: s("2026-11-12"),
            present: 12,
            activities: vec![activity(ActivityKind::VirtueCards, "Deugdenkaarten", true)],
            debrief: (0..20)
                .map(|_| answer("Deugdenkaarten", "Wat is bruikbaar?", &sentence.repeat(4)))
                .collect(),
            unreadable: false,
            finished: false,
        })
        .collect();
    pack.development_points = (0..200)
        .map(|_| PackPoint {
            text: sentence.repeat(13),
            status: PointStatus::NotAchieved,
            criterion: sentence.repeat(13),
            reason: sentence.repeat(13),
            needs: sentence.repeat(13),
            source: None,
        })
        .collect();
    // How long it takes is measured in docs/BENCHMARKS.md ("Rendering the visitation
    // pack"), not asserted here.
    let started = std::time::Instant::now();
    let bytes = render(&pack, Format::Zip).expect("zip").bytes;
    eprintln!("the full pack as a zip: {:?}", started.elapsed());
    assert!(bytes.len() > 10_000);
    let text = pdf_text(&zip_entry(&bytes, "bezoekpakket.pdf"));
    for expected in [
        "Bijeenkomst 0 ",
        "Bijeenkomst 99 ",
        "Bijlage A",
        "Bijlage B",
    ] {
        assert!(text.contains(expected), "{expected} in the PDF");
    }
}

fn zip_entry(bytes: &[u8], name: &str) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut file = archive.by_name(name).expect(name);
    let mut out = Vec::new();
    file.read_to_end(&mut out).expect("read entry");
    out
}

#[test]
fn docx_has_headings_and_escaped_text() {
    let bytes = rendered(Format::Docx);
    let xml = String::from_utf8(zip_entry(&bytes, "word/document.xml")).expect("utf-8");
    for expected in [
        "Bezoekpakket",
        "Coöperatief",
        "Geduld – ‘tijd nemen’ één",
        "naïef meegaan",
        "Betrouwbaarheid",
        "w:val=\"Heading1\"",
        "w:val=\"Heading2\"",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;img src=x onerror=alert(1)&gt;",
    ] {
        assert!(xml.contains(expected), "document.xml lacks {expected:?}");
    }
    assert!(!xml.contains("<script"));
    assert!(!xml.contains("<img"));
    let styles = String::from_utf8(zip_entry(&bytes, "word/styles.xml")).expect("utf-8");
    assert!(
        styles.contains("heading 1"),
        "Word's own name for the style"
    );
}

fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 byte order mark"
    );
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(&bytes[3..]);
    reader
        .records()
        .map(|record| {
            record
                .expect("a CSV record")
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

#[test]
fn csv_is_formula_safe_and_keeps_dutch_text() {
    let pack = fixture();
    let combined = parse_csv(&rendered(Format::Csv));
    assert_eq!(combined[0][0], "Soort");
    assert!(combined.iter().all(|row| row.len() == combined[0].len()));
    let virtues = parse_csv(&super::spreadsheet::virtues(&pack).expect("virtues"));
    let points = parse_csv(&super::spreadsheet::points(&pack).expect("points"));
    assert_eq!(virtues[0], ["Te weinig", "Deugd", "Te veel"]);
    assert_eq!(virtues.len(), 1 + pack.compass.table.len());
    assert_eq!(points.len(), 1 + pack.development_points.len());
    for table in [&combined, &virtues, &points] {
        let cells: Vec<&String> = table.iter().flatten().collect();
        assert!(
            cells.iter().any(|c| c.contains("één")),
            "Dutch characters intact"
        );
        for cell in &cells {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "formula cell {cell:?}"
            );
        }
    }
    assert!(virtues
        .iter()
        .flatten()
        .any(|c| c == "Geduld – ‘tijd nemen’ één"));
    assert!(virtues
        .iter()
        .flatten()
        .any(|c| *c == format!("'{HYPERLINK}")));
    assert!(virtues.iter().flatten().any(|c| c == "'+31 cmd"));
    assert!(points
        .iter()
        .flatten()
        .any(|c| c == "'-2+3 minder haast bij het avondeten"));
    assert!(combined
        .iter()
        .any(|row| row[0] == "ontwikkelpunt" && row[5] == "bezig"));
    assert!(combined
        .iter()
        .any(|row| row[0] == "deugd" && row[2] == "Coöperatief"));
    assert_eq!(super::spreadsheet::defuse("@SUM(1)"), "'@SUM(1)");
    assert_eq!(super::spreadsheet::defuse("\tx"), "'\tx");
    assert_eq!(super::spreadsheet::defuse("Coöperatief"), "Coöperatief");
}

const SCHEMA: &str = include_str!("../../../docs/visitation-pack.schema.json");

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    assert_eq!(schema["$id"], SCHEMA_ID);
    jsonschema::draft202012::new(&schema).expect("a valid draft 2020-12 schema")
}

#[test]
fn json_matches_the_schema_and_round_trips() {
    let bytes = rendered(Format::Json);
    assert!(!contains(&bytes, "<script"));
    assert!(!contains(&bytes, "<"));
    assert!(!contains(&bytes, "&"));
    assert!(contains(&bytes, "\\u003cscript\\u003e"));
    let value: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    let validator = validator();
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(validator.is_valid(&serde_json::to_value(Pack::empty("Leeg")).expect("value")));
    let back: Pack = serde_json::from_slice(&bytes).expect("a pack");
    assert_eq!(back, fixture());
    assert_eq!(value["schema_version"], SCHEMA_VERSION);
}

#[test]
fn json_schema_rejects_a_wrong_pack() {
    let validator = validator();
    let good = serde_json::to_value(fixture()).expect("value");
    let mut extra = good.clone();
    extra["teamleider"] = serde_json::json!("Bo");
    assert!(!validator.is_valid(&extra), "an unknown field");
    let mut wrong_type = good.clone();
    wrong_type["meetings"][0]["present"] = serde_json::json!("negen");
    assert!(!validator.is_valid(&wrong_type), "a number as text");
    let mut wrong_status = good.clone();
    wrong_status["development_points"][0]["status"] = serde_json::json!("done");
    assert!(!validator.is_valid(&wrong_status), "an unknown status");
    let mut missing = good;
    if let Some(object) = missing["compass"].as_object_mut() {
        object.remove("table");
    }
    assert!(!validator.is_valid(&missing), "a missing field");
}

#[test]
fn an_unreadable_meeting_is_named_by_its_date_in_every_format_and_fits_the_schema() {
    let mut pack = fixture();
    pack.meetings.push(MeetingSummary {
        title: s("Bijeenkomst van 10 maart 2027"),
        date: s("2027-03-10"),
        present: 0,
        activities: Vec::new(),
        debrief: Vec::new(),
        unreadable: true,
        finished: false,
    });
    let json = render(&pack, Format::Json).expect("json").bytes;
    let value: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    let errors: Vec<String> = validator()
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(value["meetings"][2]["unreadable"], true);
    assert_eq!(value["meetings"][0]["unreadable"], false);
    let markdown =
        String::from_utf8(render(&pack, Format::Markdown).expect("md").bytes).expect("utf-8");
    assert!(
        markdown.contains(
            "### Bijeenkomst van 10 maart 2027\n\nDeze bijeenkomst kon niet worden gelezen."
        ),
        "{markdown}"
    );
    assert!(
        !markdown.contains("Bijeenkomst van 10 maart 2027 (10 maart 2027)"),
        "named once"
    );
    let pdf = pdf_text(&render(&pack, Format::Pdf).expect("pdf").bytes);
    assert!(pdf.contains("kon niet worden gelezen"), "{pdf}");
    // A pack approved before the field existed still reads.
    let mut older = serde_json::to_value(fixture()).expect("value");
    if let Some(meeting) = older["meetings"][0].as_object_mut() {
        meeting.remove("unreadable");
    }
    let back: Pack = serde_json::from_value(older).expect("an older pack");
    assert!(!back.meetings[0].unreadable);
}

#[test]
fn markdown_is_inert_and_has_the_outline() {
    let text = String::from_utf8(rendered(Format::Markdown)).expect("utf-8");
    assert!(!text.contains("<script"));
    assert!(!text.contains("<img"));
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    for heading in [
        "# Bezoekpakket: Team Zuidoever – Coöperatief wonen\n",
        "### Inhoud\n\n- 1\\. Wat doen we goed?\n",
        "## 1. Wat doen we goed?\n",
        "## 4. Het deugdenkompas\n",
        "### Casus 1: De jas in de gang\n",
        "## Bijlage B – Weggelaten teksten\n",
        "| Te weinig | Deugd | Te veel |\n",
    ] {
        assert!(text.contains(heading), "Markdown lacks {heading:?}");
    }
    // Board text cannot start a list, link or emphasis.
    assert!(text.contains("- \\-2+3 minder haast"));
    assert!(text.contains("=HYPERLINK(\"http:\\/\\/evil\",\"klik\")"));
    assert_eq!(
        super::markdown::escape("[klik](javascript:x)"),
        "\\[klik\\](javascript:x)"
    );
    assert_eq!(super::markdown::escape("# kop"), "\\# kop");
    assert_eq!(super::markdown::escape("1. lijst"), "1\\. lijst");
    assert_eq!(
        super::markdown::escape("a | *b* _c_ `d`"),
        "a \\| \\*b\\* \\_c\\_ \\`d\\`"
    );
    assert_eq!(super::markdown::escape("regel\n# twee"), "regel # twee");
    assert_eq!(super::markdown::escape("a\u{202e}b\u{7}c"), "abc");
    assert_eq!(
        super::markdown::escape("Zie WWW.evil.nl of x@evil.nl"),
        "Zie WWW\\.evil.nl of x\\@evil.nl"
    );
}

#[test]
fn zip_holds_every_file() {
    let bytes = rendered(Format::Zip);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("a zip");
    let mut names: Vec<String> = archive
        .file_names()
        .map(|name| name.expect("an entry name").into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "LEESMIJ.txt",
            "bezoekpakket.docx",
            "bezoekpakket.json",
            "bezoekpakket.md",
            "bezoekpakket.pdf",
            "deugdentabel.csv",
            "ontwikkelpunten.csv",
        ]
    );
    for name in &names {
        let file = archive.by_name(name).expect(name);
        assert!(file.size() > 0, "{name} is empty");
        assert_eq!(file.compression(), zip::CompressionMethod::Deflated);
    }
    assert_eq!(zip_entry(&bytes, "bezoekpakket.pdf"), rendered(Format::Pdf));
    // Info-ZIP's own check of every entry's CRC.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("pack.zip");
    std::fs::write(&path, &bytes).expect("write zip");
    let status = Command::new("unzip")
        .arg("-tq")
        .arg(&path)
        .status()
        .expect("unzip runs");
    assert!(status.success(), "unzip -t");
    assert_eq!(
        zip_entry(&bytes, "bezoekpakket.json"),
        rendered(Format::Json)
    );
}

/// Writes the fixture's PDF as PNG pages to `/tmp/pack-preview/` for a look:
/// `cargo test -p leerkring-server export::tests::preview -- --ignored`.
#[test]
#[ignore = "writes a preview for a person to look at"]
fn preview() {
    let dir = std::path::Path::new("/tmp/pack-preview");
    std::fs::create_dir_all(dir).expect("preview dir");
    for format in [Format::Docx, Format::Markdown, Format::Zip] {
        let rendered = render(&fixture(), format).expect("render");
        std::fs::write(dir.join(&rendered.file_name), rendered.bytes).expect("write");
    }
    for (name, pack) in [
        ("fixture", fixture()),
        ("empty", Pack::empty("Team Leeg")),
        ("odd", odd_pack()),
    ] {
        let pdf = dir.join(format!("{name}.pdf"));
        std::fs::write(&pdf, render(&pack, Format::Pdf).expect("pdf").bytes).expect("write");
        let status = Command::new("pdftoppm")
            .args(["-r", "60", "-png"])
            .arg(&pdf)
            .arg(dir.join(name))
            .status()
            .expect("pdftoppm runs");
        assert!(status.success());
    }
}
