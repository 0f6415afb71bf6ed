//! Unit tests of [`Board`]: the write filter ([`Board::admit`]) against the locked table,
//! case intakes and pending edits; rebuilding from history; joining, leaving and presence.

use super::*;
use leerkring_shared::protocol::{decode_frame, ClientMessage};
use yrs::sync::awareness::AwarenessUpdateEntry;
use yrs::{GetString, Text, WriteTxn};

fn caller(facilitator_token: bool, member: Option<&str>) -> Caller {
    Caller {
        facilitator_token,
        member: member.map(str::to_owned),
    }
}

#[test]
fn a_waiting_connection_gets_nothing_until_let_in_and_then_the_document_and_presence() {
    use leerkring_shared::model::FLIPOVER;
    let mut board = Board::from_history(StoredHistory::default());
    let facilitator = caller(true, Some("f"));
    board.join(1, facilitator.clone());
    let on = Command::SetWaitingRoom { on: true };
    board
        .run_command(&facilitator, on, 0, 0)
        .expect("a waiting room");
    board
        .run_command(
            &facilitator,
            Command::Hello {
                name: "Fenna".into(),
            },
            0,
            0,
        )
        .expect("hello");
    let writer = Doc::new();
    let text = writer.get_or_insert_text(FLIPOVER);
    let update = {
        let mut txn = writer.transact_mut();
        text.insert(&mut txn, 0, "Welkom");
        txn.encode_update_v1()
    };
    let sent = |bytes: &[u8]| DocUpdate {
        update: Update::decode_v1(bytes).expect("decodes"),
        bytes: bytes.to_vec(),
    };
    let admission = board.admit(vec![(1, sent(&update))]);
    board
        .apply_update(Update::decode_v1(&update).expect("decodes"))
        .expect("applies");
    assert_eq!(admission.accepted.len(), 1);

    let waiter = caller(false, Some("w"));
    let frames = board.join(2, waiter.clone());
    assert_eq!(frames.len(), 1, "the sync step 1 only, no presence");
    board
        .run_command(&waiter, Command::Hello { name: "Wim".into() }, 0, 0)
        .expect("hello");
    assert!(!board.lets_in(2));
    assert!(matches!(
        board.answer_sync(2, StateVector::default()),
        SyncAnswer::Held
    ));
    let refused = board.admit(vec![(2, sent(&text_update_of("w")))]);
    assert!(refused.accepted.is_empty());
    assert_eq!(refused.refused[0].1.refusal(), not_let_in_yet());
    assert!(
        board.let_in_newly_admitted().is_empty(),
        "nobody let in yet"
    );

    let admit = Command::AdmitMember { member: "w".into() };
    board.run_command(&facilitator, admit, 0, 0).expect("admit");
    let let_in = board.let_in_newly_admitted();
    assert_eq!(let_in.len(), 1);
    let (connection, frames) = &let_in[0];
    assert_eq!(*connection, 2);
    let reader = Doc::new();
    for frame in frames {
        if let Ok(messages) = decode_frame(frame) {
            for message in messages {
                if let ClientMessage::Update(update) = message {
                    reader
                        .transact_mut()
                        .apply_update(update.update)
                        .expect("applies");
                }
            }
        }
    }
    let flipover = reader.get_or_insert_text(FLIPOVER);
    assert_eq!(
        flipover.get_string(&reader.transact()),
        "Welkom",
        "the held sync answered"
    );
    assert!(board.lets_in(2));
    assert!(board.let_in_newly_admitted().is_empty(), "only once");
}

/// An update of a fresh client typing `text` into the flip-over.
fn text_update_of(text: &str) -> Vec<u8> {
    let doc = Doc::new();
    let flipover = doc.get_or_insert_text(leerkring_shared::model::FLIPOVER);
    let mut txn = doc.transact_mut();
    flipover.insert(&mut txn, 0, text);
    txn.encode_update_v1()
}

#[test]
fn the_locked_table_refuses_participants_but_not_the_facilitator() {
    use leerkring_shared::model::{FLIPOVER, VIRTUE_TABLE};
    use yrs::{Array, Text};
    let mut board = Board::from_history(StoredHistory::default());
    let facilitator = caller(true, Some("f"));
    // Content before the lock, as in a real meeting; edits build on it.
    let writer = Doc::new();
    let flipover = writer.get_or_insert_text(FLIPOVER);
    let table = writer.get_or_insert_array(VIRTUE_TABLE);
    let edit = |change: &dyn Fn(&mut yrs::TransactionMut)| {
        let mut txn = writer.transact_mut();
        change(&mut txn);
        txn.encode_update_v1()
    };
    let setup = edit(&|txn| {
        flipover.insert(txn, 0, "Welkom");
        table.push_back(txn, "Geduld");
    });
    board
        .apply_update(Update::decode_v1(&setup).expect("decodes"))
        .expect("applies");
    let text_edit = edit(&|txn| flipover.insert(txn, 0, "VALS "));
    let table_edit = edit(&|txn| {
        table.push_back(txn, "Moed");
    });
    let notes = writer.get_or_insert_text("group_notes_0");
    let notes_edit = edit(&|txn| notes.insert(txn, 0, "vrij"));

    let participant = caller(false, Some("p"));
    board
        .run_command(
            &participant,
            Command::Hello {
                name: "Piet".into(),
            },
            0,
            0,
        )
        .expect("hello");
    let unlocked = board.judge([
        (&participant, text_edit.as_slice()),
        (&participant, table_edit.as_slice()),
    ]);
    assert_eq!(unlocked, vec![None, None]);
    board
        .run_command(&facilitator, Command::LockTable, 0, 0)
        .expect("lock");
    let locked = Some(WriteRefusal::ReadOnly(ReadOnlyBecause::TableLocked));
    let verdicts = board.judge([
        (&participant, text_edit.as_slice()),
        (&participant, table_edit.as_slice()),
        (&participant, notes_edit.as_slice()),
        (&facilitator, table_edit.as_slice()),
    ]);
    assert_eq!(verdicts, vec![locked, locked, None, None]);
}

/// A board where `facilitator` and `others` said hello, on the case consultation (the
/// default agenda's second activity) with member `a` named its contributor; and the
/// case's id.
fn board_with_a_case(facilitator: &Caller, others: &[&Caller]) -> (Board, String) {
    let mut board = Board::from_history(StoredHistory::default());
    for who in std::iter::once(facilitator).chain(others.iter().copied()) {
        let name = format!("Lid {}", who.member.as_deref().unwrap_or("?"));
        board
            .run_command(who, Command::Hello { name }, 0, 0)
            .expect("hello");
    }
    let to_case = Command::GoToStep {
        activity: 1,
        step: 0,
    };
    board.run_command(facilitator, to_case, 0, 0).expect("go");
    let name = Command::NameContributor {
        activity: None,
        member: "a".into(),
    };
    board.run_command(facilitator, name, 0, 5).expect("named");
    let case_id = board.meeting().cases[&1].id.clone();
    (board, case_id)
}

#[test]
fn only_the_contributor_and_the_facilitator_write_a_case_intake() {
    use leerkring_shared::model::{case_part, case_root};
    use yrs::Text;
    let facilitator = caller(true, Some("f"));
    let contributor = caller(false, Some("a"));
    let other = caller(false, Some("b"));
    let (board, case_id) = board_with_a_case(&facilitator, &[&contributor, &other]);
    let writer = Doc::new();
    let title = writer.get_or_insert_text(case_root(&case_id, case_part::TITLE).as_str());
    let relation = writer.get_or_insert_text(case_root(&case_id, case_part::RELATIONSHIP).as_str());
    let type_in = |text: &yrs::TextRef, words: &str| {
        let mut txn = writer.transact_mut();
        text.insert(&mut txn, 0, words);
        txn.encode_update_v1()
    };
    let title_edit = type_in(&title, "Meneer wil geen hulp");
    let relation_edit = type_in(&relation, "Hij houdt de deur dicht");
    let verdicts = board.judge([
        (&other, title_edit.as_slice()),
        (&other, relation_edit.as_slice()),
        (&contributor, title_edit.as_slice()),
        (&facilitator, title_edit.as_slice()),
    ]);
    let intake = Some(WriteRefusal::ReadOnly(ReadOnlyBecause::CaseIntake));
    assert_eq!(verdicts, vec![intake, None, None, None]);
}

/// A board with a filled flip-over, a table with one row (a map with a text cell), a
/// case whose contributor is `a`, and the table locked; with the facilitator's writer.
struct Scene {
    board: Board,
    facilitator: Caller,
    participant: Caller,
    writer: Doc,
    case_id: String,
}

impl Scene {
    fn locked() -> Self {
        use leerkring_shared::model::{case_part, case_root, FLIPOVER, VIRTUE_TABLE};
        use yrs::{Array, Map, MapPrelim, TextPrelim};
        let facilitator = caller(true, Some("f"));
        let participant = caller(false, Some("p"));
        let contributor = caller(false, Some("a"));
        let (mut board, case_id) = board_with_a_case(&facilitator, &[&participant, &contributor]);
        let writer = Doc::new();
        let setup = {
            let flipover = writer.get_or_insert_text(FLIPOVER);
            let table = writer.get_or_insert_array(VIRTUE_TABLE);
            let title = writer.get_or_insert_text(case_root(&case_id, case_part::TITLE));
            let mut txn = writer.transact_mut();
            flipover.insert(&mut txn, 0, "Welkom");
            title.insert(&mut txn, 0, "Meneer wil geen hulp");
            let row = table.push_back(&mut txn, MapPrelim::default());
            row.insert(&mut txn, "deugd", TextPrelim::new("Geduld"));
            txn.encode_update_v1()
        };
        board
            .apply_update(Update::decode_v1(&setup).expect("decodes"))
            .expect("applies");
        board
            .run_command(&facilitator, Command::LockTable, 0, 0)
            .expect("lock");
        Self {
            board,
            facilitator,
            participant,
            writer,
            case_id,
        }
    }

    /// A copy of the board's document, as a client that synced has it.
    fn synced_doc(&self) -> Doc {
        let doc = Doc::new();
        let state = self.board.encode_state().expect("encodes");
        doc.transact_mut()
            .apply_update(Update::decode_v1(&state).expect("decodes"))
            .expect("applies");
        doc
    }

    fn verdict(&self, who: &Caller, update: &[u8]) -> Option<WriteRefusal> {
        self.board.judge([(who, update)])[0]
    }

    fn title(&self) -> String {
        use leerkring_shared::model::{case_part, case_root};
        case_root(&self.case_id, case_part::TITLE)
    }
}

/// The change `edit` makes to `doc`, as the update it sends.
fn change(doc: &Doc, edit: impl FnOnce(&Doc, &mut yrs::TransactionMut)) -> Vec<u8> {
    let mut txn = doc.transact_mut();
    edit(doc, &mut txn);
    txn.encode_update_v1()
}

const LOCKED: Option<WriteRefusal> = Some(WriteRefusal::ReadOnly(ReadOnlyBecause::TableLocked));
const INTAKE: Option<WriteRefusal> = Some(WriteRefusal::ReadOnly(ReadOnlyBecause::CaseIntake));

fn bold() -> yrs::types::Attrs {
    yrs::types::Attrs::from([("bold".into(), yrs::Any::Bool(true))])
}

#[test]
fn formatting_embeds_and_nested_types_in_a_locked_text_are_refused() {
    use leerkring_shared::model::FLIPOVER;
    let scene = Scene::locked();
    let cheat = scene.synced_doc();
    let formatted = change(&cheat, |_, txn| {
        txn.get_or_insert_text(FLIPOVER).format(txn, 0, 3, bold())
    });
    let embedded = change(&scene.synced_doc(), |_, txn| {
        txn.get_or_insert_text(FLIPOVER)
            .insert_embed(txn, 2, yrs::Any::from("plaatje"));
    });
    let nested = change(&scene.synced_doc(), |_, txn| {
        txn.get_or_insert_text(FLIPOVER)
            .insert_embed(txn, 2, yrs::MapPrelim::default());
    });
    for update in [&formatted, &embedded, &nested] {
        assert_eq!(scene.verdict(&scene.participant, update), LOCKED);
        assert_eq!(scene.verdict(&scene.facilitator, update), None);
    }
    // The text itself is unchanged by a format: a text comparison would let it pass.
    let intake_formatted = change(&scene.synced_doc(), |_, txn| {
        txn.get_or_insert_text(scene.title())
            .format(txn, 0, 6, bold())
    });
    assert_eq!(scene.verdict(&scene.participant, &intake_formatted), INTAKE);
    assert_eq!(
        scene.verdict(&caller(false, Some("a")), &intake_formatted),
        None,
        "the contributor formats her own intake"
    );
}

#[test]
fn nested_types_and_what_is_inside_them_in_the_locked_table_are_refused() {
    use leerkring_shared::model::VIRTUE_TABLE;
    use yrs::{Array, ArrayPrelim, Map, MapPrelim, Out};
    let scene = Scene::locked();
    let new_map = change(&scene.synced_doc(), |_, txn| {
        txn.get_or_insert_array(VIRTUE_TABLE)
            .push_back(txn, MapPrelim::default());
    });
    let new_array = change(&scene.synced_doc(), |_, txn| {
        txn.get_or_insert_array(VIRTUE_TABLE)
            .insert(txn, 0, ArrayPrelim::default());
    });
    let row_of = |txn: &yrs::TransactionMut| match txn
        .get_array(VIRTUE_TABLE)
        .and_then(|table| table.get(txn, 0))
    {
        Some(Out::YMap(row)) => row,
        other => panic!("the row is a map: {other:?}"),
    };
    let into_row = change(&scene.synced_doc(), |_, txn| {
        let row = row_of(txn);
        row.insert(txn, "te_veel", "Koppigheid");
    });
    let into_cell = change(&scene.synced_doc(), |_, txn| {
        let row = row_of(txn);
        match row.get(txn, "deugd") {
            Some(Out::YText(cell)) => cell.insert(txn, 0, "Veel "),
            other => panic!("the cell is a text: {other:?}"),
        }
    });
    for update in [&new_map, &new_array, &into_row, &into_cell] {
        assert_eq!(scene.verdict(&scene.participant, update), LOCKED);
        assert_eq!(scene.verdict(&scene.facilitator, update), None);
    }
}

#[test]
fn deletes_in_a_read_only_part_are_refused_and_old_deletes_are_not() {
    use leerkring_shared::model::{FLIPOVER, VIRTUE_TABLE};
    use yrs::Array;
    let mut scene = Scene::locked();
    let row_removed = change(&scene.synced_doc(), |_, txn| {
        txn.get_or_insert_array(VIRTUE_TABLE).remove(txn, 0)
    });
    let letter_removed = change(&scene.synced_doc(), |_, txn| {
        txn.get_or_insert_text(FLIPOVER).remove_range(txn, 0, 1)
    });
    let intake_removed = change(&scene.synced_doc(), |_, txn| {
        txn.get_or_insert_text(scene.title())
            .remove_range(txn, 0, 6)
    });
    assert_eq!(scene.verdict(&scene.participant, &row_removed), LOCKED);
    assert_eq!(scene.verdict(&scene.participant, &letter_removed), LOCKED);
    assert_eq!(scene.verdict(&scene.participant, &intake_removed), INTAKE);
    // The facilitator removes the row (and with it its cells); a participant's full
    // state, sent on reconnecting, carries that delete again: it changes nothing.
    assert_eq!(scene.verdict(&scene.facilitator, &row_removed), None);
    scene
        .board
        .apply_update(Update::decode_v1(&row_removed).expect("decodes"))
        .expect("applies");
    let participant = scene.synced_doc();
    let notes = participant.get_or_insert_text("group_notes_0_0");
    notes.insert(&mut participant.transact_mut(), 0, "offline");
    let full_state = participant
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    assert_eq!(scene.verdict(&scene.participant, &full_state), None);
}

#[test]
fn updates_that_would_be_left_pending_are_refused_from_everyone() {
    use leerkring_shared::model::FLIPOVER;
    let scene = Scene::locked();
    // The facilitator's writer types on, but the server has not seen it yet.
    let ahead = change(&scene.writer, |_, txn| {
        txn.get_or_insert_text(FLIPOVER).insert(txn, 6, " allemaal")
    });
    // A cheat who got hold of it types right after it (its origin is a clock the
    // server does not have), and deletes in it (a delete aimed at future clocks).
    let cheat = scene.synced_doc();
    cheat
        .transact_mut_with("elders")
        .apply_update(Update::decode_v1(&ahead).expect("decodes"))
        .expect("applies");
    let pending_insert = change(&cheat, |_, txn| {
        txn.get_or_insert_text(FLIPOVER).insert(txn, 15, "!")
    });
    let pending_delete = change(&cheat, |_, txn| {
        txn.get_or_insert_text(FLIPOVER).remove_range(txn, 7, 3)
    });
    let incomplete = Some(WriteRefusal::Incomplete);
    for update in [&pending_insert, &pending_delete] {
        assert_eq!(scene.verdict(&scene.participant, update), incomplete);
        assert_eq!(
            scene.verdict(&scene.facilitator, update),
            incomplete,
            "nobody leaves pending blocks behind"
        );
        assert_eq!(
            scene.verdict(&caller(false, Some("a")), update),
            incomplete,
            "also not someone the lock does not restrict now"
        );
    }
    // With the missing part first in the same batch, the cheat's edit is judged as
    // what it is: an edit of the locked flip-over.
    let verdicts = scene.board.judge([
        (&scene.facilitator, ahead.as_slice()),
        (&scene.participant, pending_insert.as_slice()),
        (&scene.participant, pending_delete.as_slice()),
    ]);
    assert_eq!(verdicts, vec![None, LOCKED, LOCKED]);
}

#[test]
fn an_update_touching_an_open_and_a_locked_part_is_refused_whole() {
    use leerkring_shared::model::{group_notes, FLIPOVER};
    let scene = Scene::locked();
    let doc = scene.synced_doc();
    let open_only = change(&doc, |_, txn| {
        txn.get_or_insert_text(group_notes(0, 0))
            .insert(txn, 0, "vrij")
    });
    let both = change(&doc, |_, txn| {
        txn.get_or_insert_text(group_notes(0, 0))
            .insert(txn, 0, "ook ");
        txn.get_or_insert_text(FLIPOVER).insert(txn, 0, "VALS ");
    });
    let verdicts = scene.board.judge([
        (&scene.participant, open_only.as_slice()),
        (&scene.participant, both.as_slice()),
    ]);
    assert_eq!(verdicts, vec![None, LOCKED]);
}

#[test]
fn admitting_a_batch_judges_each_update_by_its_senders_connection() {
    use leerkring_shared::model::FLIPOVER;
    let mut scene = Scene::locked();
    let facilitator = scene.facilitator.clone();
    let participant = scene.participant.clone();
    scene.board.join(1, facilitator);
    scene.board.join(2, participant);
    let edit = change(&scene.synced_doc(), |_, txn| {
        txn.get_or_insert_text(FLIPOVER).insert(txn, 0, "VALS ")
    });
    let sent = |connection| {
        let update = Update::decode_v1(&edit).expect("decodes");
        let bytes = edit.clone();
        (connection, DocUpdate { bytes, update })
    };
    // Connection 3 is not (or no longer) a member: nobody's rights are its rights.
    let admission = scene.board.admit(vec![sent(2), sent(3), sent(1)]);
    let accepted: Vec<ConnectionId> = admission.accepted.iter().map(|(c, _)| *c).collect();
    assert_eq!(accepted, vec![1]);
    let locked = WriteRefusal::ReadOnly(ReadOnlyBecause::TableLocked);
    assert_eq!(admission.refused, vec![(2, locked), (3, locked)]);
}

fn typed(text: &str) -> Vec<u8> {
    let doc = Doc::new();
    let field = doc.get_or_insert_text("cel");
    let mut txn = doc.transact_mut();
    field.insert(&mut txn, 0, text);
    txn.encode_update_v1()
}

fn read_text(board: &Board) -> String {
    let field = board.doc().get_or_insert_text("cel");
    let txn = board.doc().transact();
    field.get_string(&txn)
}

#[test]
fn rebuilds_from_snapshot_and_updates_skipping_junk() {
    let history = StoredHistory {
        snapshot: Some(typed("Geduld")),
        updates: vec![b"junk".to_vec(), typed("Moed")],
        meeting: None,
    };
    let board = Board::from_history(history);
    let text = read_text(&board);
    assert!(text.contains("Geduld") && text.contains("Moed"), "{text}");
}

/// Records what it is told, as the crash-loop breaker's marker would.
#[derive(Default)]
struct Journal(Vec<String>);

impl ApplyWatch for Journal {
    fn applying(&mut self, record: &[u8]) {
        self.0.push(format!("applying {} bytes", record.len()));
    }
    fn applied(&mut self) {
        self.0.push("applied".into());
    }
}

#[test]
fn replaying_names_every_stored_record_before_applying_it_even_junk() {
    let (snapshot, update) = (typed("Geduld"), typed("Moed"));
    let history = StoredHistory {
        snapshot: Some(snapshot.clone()),
        updates: vec![b"junk".to_vec(), update.clone()],
        meeting: None,
    };
    let mut journal = Journal::default();
    let mut board = Board::replay(history, &mut journal);
    let expected = |lengths: &[usize]| -> Vec<String> {
        lengths
            .iter()
            .flat_map(|n| [format!("applying {n} bytes"), "applied".to_owned()])
            .collect()
    };
    assert_eq!(journal.0, expected(&[snapshot.len(), 4, update.len()]));

    let live = typed("Hoop");
    let decoded = Update::decode_v1(&live).expect("decodes");
    let mut journal = Journal::default();
    board
        .apply_record(&mut journal, &live, decoded)
        .expect("applies");
    assert_eq!(journal.0, expected(&[live.len()]));
    assert!(read_text(&board).contains("Hoop"));
}

#[test]
fn a_new_member_is_asked_for_its_state_and_told_who_is_here() {
    let mut board = Board::from_history(StoredHistory::default());
    let frames = board.join(1, caller(true, None));
    assert_eq!(frames.len(), 1, "nobody present yet");
    assert!(matches!(
        decode_frame(&frames[0]).expect("valid")[0],
        ClientMessage::SyncStep1(_)
    ));

    let mut presence = Awareness::new(Doc::new());
    presence.set_local_state_raw(r#"{"name":"Anna"}"#);
    board
        .apply_presence(1, presence.update().expect("update"), 4096)
        .expect("applies");
    let frames = board.join(2, caller(false, None));
    assert_eq!(frames.len(), 2);
    assert!(matches!(
        decode_frame(&frames[1]).expect("valid")[0],
        ClientMessage::Awareness(_)
    ));
}

#[test]
fn leaving_clears_the_members_presence() {
    let mut board = Board::from_history(StoredHistory::default());
    board.join(1, caller(false, None));
    let mut presence = Awareness::new(Doc::new());
    presence.set_local_state_raw(r#"{"name":"Bram"}"#);
    let client = presence.client_id();
    board
        .apply_presence(1, presence.update().expect("update"), 4096)
        .expect("applies");
    let removal = board.leave(1).expect("a removal frame");
    let ClientMessage::Awareness(update) = decode_frame(&removal).expect("valid").remove(0) else {
        panic!("expected awareness");
    };
    assert_eq!(update.clients[&client].json.as_ref(), "null");
    assert!(board.presence_frame().is_none());
    assert!(board.leave(1).is_none(), "second leave is a no-op");
}

/// A presence update from a client of its own, with `state` as its JSON.
fn presence_of(state: &str) -> (ClientID, AwarenessUpdate) {
    let mut presence = Awareness::new(Doc::new());
    presence.set_local_state_raw(state);
    (presence.client_id(), presence.update().expect("update"))
}

#[test]
fn a_connection_holds_one_presence_state_and_cannot_change_anyone_elses() {
    let mut board = Board::from_history(StoredHistory::default());
    board.join(1, caller(false, None));
    board.join(2, caller(false, None));
    let (anna, anna_here) = presence_of(r#"{"name":"Anna"}"#);
    let forwarded = board
        .apply_presence(1, anna_here.clone(), 4096)
        .expect("applies");
    assert!(forwarded.is_some(), "a first state is passed on");

    // Connection 2 echoes Anna's state (stock clients do), then tries a second id.
    assert_eq!(board.apply_presence(2, anna_here, 4096), Ok(None));
    let (bram, bram_here) = presence_of(r#"{"name":"Bram"}"#);
    assert!(board
        .apply_presence(2, bram_here, 4096)
        .expect("applies")
        .is_some());
    let (_, impostor) = presence_of(r#"{"name":"Nep"}"#);
    assert_eq!(
        board.apply_presence(2, impostor, 4096),
        Ok(None),
        "a second id of the same connection is dropped"
    );
    // One message that removes Anna and changes Bram: only Bram's part is taken.
    let entry = |json: &str| AwarenessUpdateEntry {
        clock: 99,
        json: json.into(),
    };
    let gone = AwarenessUpdate {
        clients: HashMap::from([(anna, entry(NO_PRESENCE)), (bram, entry("{}"))]),
    };
    board.apply_presence(2, gone, 4096).expect("applies");

    let states = board.awareness.update().expect("states").clients;
    assert_eq!(states.len(), 2, "Anna and Bram, no impostor");
    assert_eq!(
        states[&anna].json.as_ref(),
        r#"{"name":"Anna"}"#,
        "Anna is still here"
    );
    assert_eq!(states[&bram].json.as_ref(), "{}");
}

#[test]
fn the_same_person_reconnecting_takes_its_presence_over_from_the_old_connection() {
    let mut board = Board::from_history(StoredHistory::default());
    board.join(1, caller(false, Some("anna")));
    board.join(2, caller(false, Some("bram")));
    let (anna, here) = presence_of(r#"{"name":"Anna"}"#);
    board
        .apply_presence(1, here.clone(), 4096)
        .expect("applies");
    assert_eq!(
        board.apply_presence(2, here.clone(), 4096),
        Ok(None),
        "someone else cannot take Anna's id"
    );
    // Anna's new tab after a network switch, before the old connection timed out.
    board.join(3, caller(false, Some("anna")));
    let again = AwarenessUpdate {
        clients: HashMap::from([(
            anna,
            AwarenessUpdateEntry {
                clock: 5,
                json: r#"{"name":"Anna"}"#.into(),
            },
        )]),
    };
    assert!(board
        .apply_presence(3, again, 4096)
        .expect("applies")
        .is_some());
    assert!(
        board.leave(1).is_none(),
        "the old connection no longer holds it"
    );
    let states = board.awareness.update().expect("states").clients;
    assert_eq!(states[&anna].json.as_ref(), r#"{"name":"Anna"}"#);
    assert!(
        board.leave(3).is_some(),
        "the new one removes it when it goes"
    );
}

#[test]
fn a_presence_state_over_the_limit_is_refused() {
    let mut board = Board::from_history(StoredHistory::default());
    board.join(1, caller(false, None));
    let (_, big) = presence_of(&format!(r#"{{"name":"{}"}}"#, "a".repeat(100)));
    assert_eq!(
        board.apply_presence(1, big, 64),
        Err(PresenceRefused::TooLarge { size: 111, max: 64 })
    );
    assert!(board.presence_frame().is_none(), "nothing of it was kept");
}

#[test]
fn a_snapshot_is_only_offered_when_it_reads_back() {
    let board = Board::from_history(StoredHistory {
        snapshot: None,
        updates: vec![typed("Moed")],
        meeting: None,
    });
    let snapshot = board
        .verified_snapshot()
        .expect("a sound document verifies");
    let reloaded = Board::from_history(StoredHistory {
        snapshot: Some(snapshot),
        updates: Vec::new(),
        meeting: None,
    });
    assert_eq!(read_text(&reloaded), "Moed");
}

#[test]
fn sync_reply_carries_what_the_peer_lacks() {
    let board = Board::from_history(StoredHistory {
        snapshot: None,
        updates: vec![typed("Respect")],
        meeting: None,
    });
    let reply = board.sync_reply(&StateVector::default()).expect("encodes");
    let ClientMessage::Update(update) = decode_frame(&reply).expect("valid").remove(0) else {
        panic!("expected step 2");
    };
    let mut fresh = Board::from_history(StoredHistory::default());
    fresh.apply_update(update.update).expect("applies");
    assert_eq!(read_text(&fresh), "Respect");
}
