//! The reader reads what the writer wrote, and reads documents written with plain yrs
//! calls the way the client wrote them before this module existed (so stored boards read
//! the same).

use yrs::updates::decoder::Decode;
use yrs::{
    Any, Array, Doc, GetString, Map, MapPrelim, ReadTxn, StateVector, Text, TextPrelim, Transact,
    Update,
};

use super::*;
use crate::model::{case_part, case_root, note, option, practice_stories, row, stake, story};

/// Ids for new items: `id0`, `id1`, ...
fn ids() -> impl FnMut() -> String {
    let mut next = 0;
    move || {
        next += 1;
        format!("id{}", next - 1)
    }
}

fn row(too_little: &str, virtue: &str, too_much: &str) -> Row {
    Row {
        too_little: too_little.into(),
        virtue: virtue.into(),
        too_much: too_much.into(),
    }
}

/// A copy of `doc` made from its whole state, as a board is loaded or copied.
fn reloaded(doc: &Doc) -> Doc {
    let update = doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    let copy = Doc::new();
    copy.transact_mut()
        .apply_update(Update::decode_v1(&update).expect("decode"))
        .expect("apply");
    copy
}

/// Pushes an item as the client wrote it: a map with its id, then its texts, then its
/// strings.
fn push_plain(doc: &Doc, root: &str, id: &str, texts: &[(&str, &str)], strings: &[(&str, &str)]) {
    let list = doc.get_or_insert_array(root);
    let mut txn = doc.transact_mut();
    let end = list.len(&txn);
    let map = list.insert(
        &mut txn,
        end,
        MapPrelim::from([(crate::model::ITEM_ID, Any::from(id))]),
    );
    for (key, text) in texts {
        map.insert(&mut txn, *key, TextPrelim::new(*text));
    }
    for (key, value) in strings {
        map.insert(&mut txn, *key, Any::from(*value));
    }
}

#[test]
fn the_virtue_table_reads_what_was_written_and_skips_virtues_it_has() {
    let doc = Doc::new();
    let table = VirtueTable::of(&doc);
    let mut new_id = ids();
    table.push(
        &mut doc.transact_mut(),
        &new_id(),
        &row("laf", "Moed", "roekeloos"),
    );
    let added = table.add_missing(
        &mut doc.transact_mut(),
        vec![
            Row::with_virtue(" moed "),
            Row::with_virtue("Geduld"),
            Row::with_virtue("  "),
            Row::with_virtue("GEDULD"),
        ],
        &mut new_id,
    );
    assert_eq!(added, 1);
    let copy = reloaded(&doc);
    let txn = copy.transact();
    let read = VirtueTable::read(&txn).expect("table");
    assert_eq!(
        read.rows(&txn),
        [row("laf", "Moed", "roekeloos"), Row::with_virtue("Geduld")]
    );
    assert_eq!(read.virtues(&txn), ["Moed", "Geduld"]);
    assert_eq!(read.list().ids(&txn), ["id0", "id1"]);
    let cells = read.cells(&txn, "id0").expect("cells");
    assert_eq!(
        cells.map(|text| text.get_string(&txn)),
        ["laf", "Moed", "roekeloos"]
    );
    assert!(read.cells(&txn, "gone").is_none());
}

#[test]
fn a_row_moves_as_a_copy_with_a_new_id_and_stays_inside_the_table() {
    let doc = Doc::new();
    let table = VirtueTable::of(&doc);
    let mut new_id = ids();
    for virtue in ["Moed", "Geduld", "Humor"] {
        table.push(&mut doc.transact_mut(), &new_id(), &row("a", virtue, "b"));
    }
    table.move_row(&mut doc.transact_mut(), "id0", 1, "moved");
    table.move_row(&mut doc.transact_mut(), "id2", 1, "never");
    table.move_row(&mut doc.transact_mut(), "id1", -1, "never");
    table.move_row(&mut doc.transact_mut(), "moved", 1, "down");
    let txn = doc.transact();
    assert_eq!(table.list().ids(&txn), ["id1", "id2", "down"]);
    assert_eq!(table.virtues(&txn), ["Geduld", "Humor", "Moed"]);
    assert_eq!(table.rows(&txn)[2], row("a", "Moed", "b"));
    drop(txn);
    table.remove(&mut doc.transact_mut(), "down");
    table.remove(&mut doc.transact_mut(), "down");
    assert_eq!(table.virtues(&doc.transact()), ["Geduld", "Humor"]);
}

#[test]
fn a_virtue_table_written_with_plain_yrs_reads_the_same() {
    let doc = Doc::new();
    push_plain(
        &doc,
        crate::model::VIRTUE_TABLE,
        "r1",
        &[
            (row::TOO_LITTLE, "laf"),
            (row::VIRTUE, "Moed"),
            (row::TOO_MUCH, "roekeloos"),
        ],
        &[],
    );
    // A row whose virtue text was never made, and an entry that is not a row at all.
    push_plain(
        &doc,
        crate::model::VIRTUE_TABLE,
        "r2",
        &[(row::TOO_LITTLE, "x")],
        &[],
    );
    {
        let table = doc.get_or_insert_array(crate::model::VIRTUE_TABLE);
        table.push_back(&mut doc.transact_mut(), "stray");
    }
    let txn = doc.transact();
    let table = VirtueTable::read(&txn).expect("table");
    assert_eq!(
        table.rows(&txn),
        [row("laf", "Moed", "roekeloos"), row("x", "", "")]
    );
    assert_eq!(table.virtues(&txn), ["Moed"]);
    assert!(table.cells(&txn, "r1").is_some());
    assert!(table.cells(&txn, "r2").is_none());
    assert!(VirtueTable::read(&Doc::new().transact()).is_none());
}

#[test]
fn notes_read_what_was_written_with_their_second_text() {
    let doc = Doc::new();
    let root = case_root("c1", case_part::OPTIONS);
    let notes = NoteList::of(&doc, &root);
    notes.push(
        &mut doc.transact_mut(),
        "n1",
        "Anna",
        Some(option::CLIENT_VIEW),
    );
    notes.push(&mut doc.transact_mut(), "n2", "Bram", None);
    {
        let mut txn = doc.transact_mut();
        let fields = notes
            .fields(&txn, "n1", Some(option::CLIENT_VIEW))
            .expect("n1");
        fields.text.insert(&mut txn, 0, "Bellen");
        fields.second.expect("second").insert(&mut txn, 0, "Fijn");
    }
    notes.remove(&mut doc.transact_mut(), "n2");
    notes.push(&mut doc.transact_mut(), "n3", "Cas", None);
    let copy = reloaded(&doc);
    let txn = copy.transact();
    let read = NoteList::read(&txn, &root).expect("notes");
    assert_eq!(read.list().ids(&txn), ["n1", "n3"]);
    assert_eq!(read.texts(&txn), ["Bellen", ""]);
    let fields = read
        .fields(&txn, "n1", Some(option::CLIENT_VIEW))
        .expect("n1");
    assert_eq!(fields.author, "Anna");
    assert_eq!(fields.second.expect("second").get_string(&txn), "Fijn");
    // A note without the second text asked for is still there, without it.
    let third = read
        .fields(&txn, "n3", Some(option::CLIENT_VIEW))
        .expect("n3");
    assert!(third.second.is_none());
}

#[test]
fn notes_written_with_plain_yrs_read_the_same() {
    let doc = Doc::new();
    let root = crate::model::debrief_answers(0, crate::model::DEBRIEF_YIELD);
    push_plain(
        &doc,
        &root,
        "a",
        &[(note::TEXT, "Goed geluisterd")],
        &[(note::AUTHOR, "Anna")],
    );
    push_plain(&doc, &root, "b", &[], &[]);
    let txn = doc.transact();
    let notes = NoteList::read(&txn, &root).expect("notes");
    assert_eq!(notes.texts(&txn), ["Goed geluisterd", ""]);
    assert_eq!(notes.fields(&txn, "a", None).expect("a").author, "Anna");
    assert!(notes.fields(&txn, "b", None).is_none(), "no text to edit");
}

#[test]
fn practice_stories_read_what_was_written_in_every_group() {
    let doc = Doc::new();
    let first = PracticeStories::of(&doc, 1, 0);
    let second = PracticeStories::of(&doc, 2, 1);
    first.push(&mut doc.transact_mut(), "s1");
    second.push(&mut doc.transact_mut(), "s2");
    {
        let mut txn = doc.transact_mut();
        let fields = first.fields(&txn, "s1").expect("s1");
        assert_eq!(fields.stance, story::STANCES[0]);
        fields.virtue.insert(&mut txn, 0, "Geduld");
        fields.text.insert(&mut txn, 0, "Ik wachtte");
    }
    second.set_stance(&mut doc.transact_mut(), "s2", story::STANCES[2]);
    let copy = reloaded(&doc);
    let txn = copy.transact();
    let mut all: Vec<Story> = PracticeStories::all(&txn)
        .iter()
        .flat_map(|stories| stories.stories(&txn))
        .collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(
        all,
        [
            Story {
                id: "s1".into(),
                virtue: "Geduld".into(),
                stance: "midden".into(),
                text: "Ik wachtte".into()
            },
            Story {
                id: "s2".into(),
                virtue: String::new(),
                stance: "te_veel".into(),
                text: String::new()
            }
        ]
    );
    drop(txn);
    first.remove(&mut doc.transact_mut(), "s1");
    assert!(first.stories(&doc.transact()).is_empty());
}

#[test]
fn practice_stories_written_with_plain_yrs_read_the_same() {
    let doc = Doc::new();
    let root = practice_stories(3, 2);
    push_plain(
        &doc,
        &root,
        "s",
        &[(story::VIRTUE, "Moed"), (story::TEXT, "Ik sprak")],
        &[(story::STANCE, "te_weinig")],
    );
    // Not a stories root, though it holds a list.
    push_plain(&doc, "group_notes_3_2", "x", &[(story::TEXT, "nee")], &[]);
    let txn = doc.transact();
    let all = PracticeStories::all(&txn);
    assert_eq!(all.len(), 1);
    let stories = all[0].stories(&txn);
    assert_eq!(
        (
            stories[0].virtue.as_str(),
            stories[0].stance.as_str(),
            stories[0].text.as_str()
        ),
        ("Moed", "te_weinig", "Ik sprak")
    );
    let fields = all[0].fields(&txn, "s").expect("fields");
    assert_eq!(
        stories::stance_of(&fields.map, &txn).as_deref(),
        Some("te_weinig")
    );
}

#[test]
fn a_case_record_reads_what_was_written() {
    let doc = Doc::new();
    let case = CaseRecord::new("c1");
    for (part, text) in [
        (case_part::TITLE, "De sleutel"),
        (case_part::QUESTION, "Wanneer bellen?"),
        (case_part::DECISION, "Eerst vragen"),
        (case_part::DEVIATION, "Geen"),
        (case_part::JUSTIFICATION, "Niet nodig"),
    ] {
        let shared = case.text(&doc, part);
        shared.insert(&mut doc.transact_mut(), 0, text);
    }
    let contributor = case.stakes(&doc, case_part::VIRTUES_CONTRIBUTOR);
    let others = case.stakes(&doc, case_part::VIRTUES_OTHERS);
    contributor.push(&mut doc.transact_mut(), "v1", "Geduld");
    others.push(&mut doc.transact_mut(), "v2", "Moed");
    others.push(&mut doc.transact_mut(), "v3", "Geduld");
    others.remove(&mut doc.transact_mut(), "v2");
    let lessons = NoteList::of(&doc, &case.root(case_part::LESSONS));
    lessons.push(&mut doc.transact_mut(), "l1", "Anna", None);
    {
        let mut txn = doc.transact_mut();
        let fields = lessons.fields(&txn, "l1", None).expect("lesson");
        fields.text.insert(&mut txn, 0, "Samen lunchen");
    }
    assert_eq!(
        others.virtues(&doc.transact()),
        [("v3".to_owned(), "Geduld".to_owned())]
    );
    let copy = reloaded(&doc);
    let txn = copy.transact();
    assert_eq!(
        case.outcome(&txn),
        CaseOutcome {
            title: "De sleutel".into(),
            learning_question: "Wanneer bellen?".into(),
            virtues_at_stake: vec!["Geduld".into(), "Geduld".into()],
            decision: "Eerst vragen".into(),
            lessons: vec!["Samen lunchen".into()],
            deviation: "Geen".into(),
            justification: "Niet nodig".into(),
        }
    );
    assert_eq!(case.read_text(&txn, case_part::RELATIONSHIP), "");
    assert_eq!(CaseRecord::new("c2").outcome(&txn), CaseOutcome::default());
}

#[test]
fn a_case_written_with_plain_yrs_reads_the_same() {
    let doc = Doc::new();
    {
        let title = doc.get_or_insert_text(case_root("c1", case_part::TITLE).as_str());
        title.insert(&mut doc.transact_mut(), 0, "De sleutel");
    }
    let stakes = case_root("c1", case_part::VIRTUES_OTHERS);
    push_plain(&doc, &stakes, "v", &[], &[(stake::VIRTUE, "Moed")]);
    push_plain(
        &doc,
        &case_root("c1", case_part::LESSONS),
        "l",
        &[(note::TEXT, "Eerst vragen")],
        &[(note::AUTHOR, "Bram")],
    );
    let case = CaseRecord::new("c1");
    assert_eq!(
        case.stakes(&doc, case_part::VIRTUES_OTHERS)
            .virtues(&doc.transact()),
        [("v".to_owned(), "Moed".to_owned())]
    );
    let txn = doc.transact();
    let outcome = case.outcome(&txn);
    assert_eq!(outcome.title, "De sleutel");
    assert_eq!(outcome.virtues_at_stake, ["Moed"]);
    assert_eq!(outcome.lessons, ["Eerst vragen"]);
    assert_eq!(outcome.decision, "");
}

#[test]
fn a_missing_root_text_reads_as_empty() {
    assert_eq!(root_text(&Doc::new().transact(), "missing"), "");
}
