//! The read-only parts of the document (the locked table and flip-over, someone else's
//! case intake) tried by a cheat over the network with hand-made updates, for every way
//! around the write filter that was once open: formatting, embeds, nested types, deletes,
//! edits the server cannot place yet (an origin at someone's future clock, a delete aimed
//! at future clocks), and edits sent while the lock is being switched on and off.
//!
//! Each refused edit must be answered, and must reach nobody: not the others, not a late
//! joiner (what the server stored). The facilitator's and the contributor's own edits of
//! the same kinds go through.

use std::time::Duration;

use leerkring_shared::model::{case_part, case_root, group_notes, FLIPOVER, VIRTUE_TABLE};
use leerkring_tests::{eventually, text_update, Arrival, MeetingClient, ServerProcess};
use serde_json::{json, Value};
use yrs::encoding::read::Cursor;
use yrs::sync::{Message as YMessage, MessageReader, SyncMessage};
use yrs::types::Attrs;
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::{
    Any, Array, Doc, GetString, Map, MapPrelim, Out, ReadTxn, StateVector, Text, TextPrelim,
    Transact, TransactionMut, Update, WriteTxn,
};

const PATIENCE: Duration = Duration::from_secs(10);
const LOCKED: &str = "the table is locked by the facilitator; your edit was not saved";
const INTAKE: &str = "only the contributor writes the case's intake; your edit was not saved";
const INCOMPLETE: &str = "your edit builds on changes the server does not have; it was not saved";

/// A meeting with a facilitator, Anna (an honest participant) and a cheat, all
/// introduced; the flip-over says "Welkom" and the virtue table has one row.
struct Meeting {
    _dir: tempfile::TempDir,
    server: ServerProcess,
    board: leerkring_shared::api::BoardCreated,
    facilitator: MeetingClient,
    anna: MeetingClient,
    cheat: MeetingClient,
}

impl Meeting {
    async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = ServerProcess::start(dir.path(), &[]);
        let board = server.create_board("Leerkring wijkteam Zuid").await;
        let id = board.board_id.as_str();
        let mut facilitator =
            MeetingClient::connect(&server.ws_url(id, &board.facilitator_token)).await;
        facilitator.hello("Fenna").await.expect("hello");
        let participants = server.ws_url(id, &board.participant_token);
        let mut anna = MeetingClient::connect(&participants).await;
        anna.hello("Anna").await.expect("hello");
        let mut cheat = MeetingClient::connect(&participants).await;
        cheat.hello("Cas").await.expect("hello");
        {
            let flipover = anna.doc.get_or_insert_text(FLIPOVER);
            let table = anna.doc.get_or_insert_array(VIRTUE_TABLE);
            let mut txn = anna.doc.transact_mut();
            flipover.insert(&mut txn, 0, "Welkom");
            let row = table.push_back(&mut txn, MapPrelim::default());
            row.insert(&mut txn, "deugd", TextPrelim::new("Geduld"));
        }
        let meeting = Self {
            _dir: dir,
            server,
            board,
            facilitator,
            anna,
            cheat,
        };
        let anna_state = meeting.anna.doc.transact().state_vector();
        eventually("everyone has anna's flip-over and row", PATIENCE, || {
            [&meeting.facilitator, &meeting.cheat]
                .iter()
                .all(|client| client.doc.transact().state_vector() == anna_state)
        })
        .await;
        meeting
    }

    async fn lead(&mut self, command: Value) {
        self.facilitator.must(command).await;
    }

    /// Locks the table; returns once the cheat knows.
    async fn lock_table(&mut self) {
        self.lead(json!({"type": "lock_table"})).await;
        self.cheat.wait_table_locked(true).await;
    }

    /// A newcomer's copy of the document: what the server stored and hands out.
    async fn late_joiner(&self) -> MeetingClient {
        let url = self
            .server
            .ws_url(self.board.board_id.as_str(), &self.board.participant_token);
        MeetingClient::connect(&url).await
    }

    /// Waits until the facilitator's next edit of the group notes has reached Anna: the
    /// server handled everything sent before it by then.
    async fn round_trip(&self, marker: &str) {
        let notes = group_notes(0, 0);
        self.facilitator.append(&notes, marker);
        eventually("anna sees the facilitator's marker", PATIENCE, || {
            self.anna.read(&notes).contains(marker)
        })
        .await;
    }
}

/// A scratch copy of `client`'s document with a client id of its own: the cheat crafts
/// each edit on one, so nothing it sends is kept or repeated by its honest connection.
fn copy_of(client: &MeetingClient) -> Doc {
    let state = client
        .doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    let copy = Doc::new();
    copy.transact_mut()
        .apply_update(Update::decode_v1(&state).expect("decodes"))
        .expect("applies");
    copy
}

/// A cheat's edit, named for the test's messages.
type Edit = fn(&mut TransactionMut);

/// A cheat's edit of the text root it is given.
type TextEdit = fn(&mut TransactionMut, &str);

/// The update `edit` makes on `doc`.
fn change(doc: &Doc, edit: impl FnOnce(&mut TransactionMut)) -> Vec<u8> {
    let mut txn = doc.transact_mut();
    edit(&mut txn);
    txn.encode_update_v1()
}

fn bold() -> Attrs {
    Attrs::from([("bold".into(), Any::Bool(true))])
}

/// The first row of the virtue table.
fn first_row(txn: &TransactionMut) -> yrs::MapRef {
    match txn.get_array(VIRTUE_TABLE).and_then(|t| t.get(txn, 0)) {
        Some(Out::YMap(row)) => row,
        other => panic!("the table's first row is a map: {other:?}"),
    }
}

/// Whether `client`'s document holds anything made by one of the documents in `makers`.
fn holds_anything_from(client: &MeetingClient, makers: &[yrs::ClientID]) -> bool {
    let state = client.doc.transact().state_vector();
    makers.iter().any(|maker| state.contains_client(maker))
}

#[tokio::test]
async fn formatting_embeds_nested_types_and_deletes_in_the_locked_table_are_refused() {
    let mut meeting = Meeting::start().await;
    meeting.lock_table().await;

    let text_edits: [(&str, Edit); 5] = [
        // A format leaves the text as it was: a comparison of text would let it through.
        ("bold on the flip-over", |txn| {
            txn.get_or_insert_text(FLIPOVER).format(txn, 0, 3, bold())
        }),
        ("an embed in the flip-over", |txn| {
            txn.get_or_insert_text(FLIPOVER)
                .insert_embed(txn, 2, Any::from("plaatje"));
        }),
        ("a map inside the flip-over", |txn| {
            txn.get_or_insert_text(FLIPOVER)
                .insert_embed(txn, 2, MapPrelim::default());
        }),
        ("a letter of the flip-over removed", |txn| {
            txn.get_or_insert_text(FLIPOVER).remove_range(txn, 0, 1)
        }),
        ("a new row in the table", |txn| {
            txn.get_or_insert_array(VIRTUE_TABLE)
                .push_back(txn, MapPrelim::default());
        }),
    ];
    let row_edits: [(&str, Edit); 3] = [
        ("a new cell in a row", |txn| {
            first_row(txn).insert(txn, "te_veel", "Koppigheid");
        }),
        ("text in a cell", |txn| {
            match first_row(txn).get(txn, "deugd") {
                Some(Out::YText(cell)) => cell.insert(txn, 0, "Veel "),
                other => panic!("the cell is a text: {other:?}"),
            }
        }),
        ("the row removed", |txn| {
            txn.get_or_insert_array(VIRTUE_TABLE).remove(txn, 0)
        }),
    ];
    let mut makers = Vec::new();
    for (what, edit) in text_edits.into_iter().chain(row_edits) {
        let scratch = copy_of(&meeting.cheat);
        makers.push(scratch.client_id());
        meeting.cheat.send_update(&change(&scratch, edit));
        assert_eq!(
            meeting.cheat.next_stray_reply().await,
            (403, LOCKED.to_owned()),
            "{what}"
        );
    }

    // The facilitator formats the flip-over: the same kind of edit, allowed for her.
    {
        let flipover = meeting.facilitator.doc.get_or_insert_text(FLIPOVER);
        let mut txn = meeting.facilitator.doc.transact_mut();
        flipover.format(&mut txn, 0, 3, bold());
    }
    let facilitator_state = meeting.facilitator.doc.transact().state_vector();
    eventually("anna gets the facilitator's format", PATIENCE, || {
        meeting.anna.doc.transact().state_vector() == facilitator_state
    })
    .await;
    let late = meeting.late_joiner().await;
    for (who, client) in [("anna", &meeting.anna), ("a late joiner", &late)] {
        assert!(
            !holds_anything_from(client, &makers),
            "{who} has an edit the server refused"
        );
        assert_eq!(client.read(FLIPOVER), "Welkom", "{who}'s flip-over");
        let txn = client.doc.transact();
        let cell = match first_row_of(&txn).get(&txn, "deugd") {
            Some(Out::YText(cell)) => cell.get_string(&txn),
            other => panic!("{who}: the cell is a text: {other:?}"),
        };
        assert_eq!(cell, "Geduld", "{who}'s row");
    }
    assert_eq!(meeting.cheat.stray_replies().len(), makers.len());
}

/// [`first_row`] for a read transaction.
fn first_row_of<T: ReadTxn>(txn: &T) -> yrs::MapRef {
    match txn.get_array(VIRTUE_TABLE).and_then(|t| t.get(txn, 0)) {
        Some(Out::YMap(row)) => row,
        other => panic!("the table's first row is a map: {other:?}"),
    }
}

/// Deeper than any board nests, and deeper than the write filter once followed a chain of
/// nested types (64) before it judged the edit as touching everything read-only.
const DEEP: usize = 200;

/// A chain of [`DEEP`] maps under `key` of `outer`, each the only value of the one before;
/// returns the innermost.
fn nest_deeply(txn: &mut TransactionMut, outer: &yrs::MapRef, key: &str) -> yrs::MapRef {
    let mut current = outer.insert(txn, key, MapPrelim::default());
    for _ in 1..DEEP {
        current = current.insert(txn, "k", MapPrelim::default());
    }
    current
}

/// The innermost map of the chain [`nest_deeply`] made under `key` of `outer`.
fn innermost<T: ReadTxn>(txn: &T, outer: &yrs::MapRef, key: &str) -> yrs::MapRef {
    let mut current = match outer.get(txn, key) {
        Some(Out::YMap(map)) => map,
        other => panic!("the chain starts with a map: {other:?}"),
    };
    while let Some(Out::YMap(inner)) = current.get(txn, "k") {
        current = inner;
    }
    current
}

#[tokio::test]
async fn an_edit_however_deeply_nested_is_judged_by_the_root_it_is_in() {
    let mut meeting = Meeting::start().await;
    meeting.lock_table().await;
    // The facilitator nests deeply in the locked table (she may).
    {
        let mut txn = meeting.facilitator.doc.transact_mut();
        let row = first_row(&txn);
        nest_deeply(&mut txn, &row, "diep");
    }
    let facilitator_state = meeting.facilitator.doc.transact().state_vector();
    eventually("the cheat has the facilitator's chain", PATIENCE, || {
        meeting.cheat.doc.transact().state_vector() == facilitator_state
    })
    .await;

    // At the bottom of that chain the cheat is still in the locked table.
    let scratch = copy_of(&meeting.cheat);
    let in_the_table = change(&scratch, |txn| {
        let row = first_row(txn);
        innermost(txn, &row, "diep").insert(txn, "stiekem", "ja");
    });
    meeting.cheat.send_update(&in_the_table);
    assert_eq!(
        meeting.cheat.next_stray_reply().await,
        (403, LOCKED.to_owned()),
        "an edit {DEEP} maps deep in the locked table"
    );

    // Nesting as deep in a part that is open to it is the cheat's own business.
    let open_doc = copy_of(&meeting.cheat);
    let in_an_open_part = change(&open_doc, |txn| {
        let scratchpad = txn.get_or_insert_map("kladblok");
        let bottom = nest_deeply(txn, &scratchpad, "diep");
        bottom.insert(txn, "klaar", "ja");
    });
    meeting.cheat.send_update(&in_an_open_part);
    eventually(
        "anna gets the deep chain in the open part",
        PATIENCE,
        || holds_anything_from(&meeting.anna, &[open_doc.client_id()]),
    )
    .await;
    let late = meeting.late_joiner().await;
    assert!(!holds_anything_from(&late, &[scratch.client_id()]));
    let txn = late.doc.transact();
    let scratchpad = txn.get_map("kladblok").expect("the open part is stored");
    assert_eq!(
        innermost(&txn, &scratchpad, "diep").get(&txn, "klaar"),
        Some(Out::Any(Any::from("ja"))),
        "the late joiner has the whole chain"
    );
    assert_eq!(meeting.cheat.stray_replies().len(), 1, "one refusal only");
}

#[tokio::test]
async fn an_edit_the_server_cannot_place_yet_is_refused_from_everyone_and_never_placed_later() {
    let mut meeting = Meeting::start().await;
    // Another device of the facilitator has typed on, but the server has not seen it yet.
    let ahead_doc = copy_of(&meeting.facilitator);
    let ahead = change(&ahead_doc, |txn| {
        txn.get_or_insert_text(FLIPOVER).insert(txn, 6, " allemaal")
    });
    // The cheat got hold of that edit and builds on it: typing right after it (an origin
    // at a clock the server lacks) and deleting in it (a delete aimed at future clocks).
    let cheat_doc = copy_of(&meeting.cheat);
    cheat_doc
        .transact_mut_with("elders")
        .apply_update(Update::decode_v1(&ahead).expect("decodes"))
        .expect("applies");
    let after_it = change(&cheat_doc, |txn| {
        txn.get_or_insert_text(FLIPOVER).insert(txn, 15, "!")
    });
    let delete_in_it = change(&cheat_doc, |txn| {
        txn.get_or_insert_text(FLIPOVER).remove_range(txn, 7, 3)
    });

    // The table is not locked: nobody may leave such an edit behind, whatever their rights.
    for (what, update) in [("an insert", &after_it), ("a delete", &delete_in_it)] {
        meeting.cheat.send_update(update);
        assert_eq!(
            meeting.cheat.next_stray_reply().await,
            (409, INCOMPLETE.to_owned()),
            "the cheat's {what}"
        );
        meeting.facilitator.send_update(update);
        assert_eq!(
            meeting.facilitator.next_stray_reply().await,
            (409, INCOMPLETE.to_owned()),
            "the same {what} from the facilitator"
        );
    }
    // Now the missing edit arrives. Had the server kept the cheat's edits pending, yrs
    // would place them now, unjudged.
    meeting.facilitator.send_update(&ahead);
    eventually("anna gets the missing edit", PATIENCE, || {
        meeting.anna.read(FLIPOVER) == "Welkom allemaal"
    })
    .await;
    meeting.round_trip("klaar").await;
    let late = meeting.late_joiner().await;
    for (who, client) in [("anna", &meeting.anna), ("a late joiner", &late)] {
        assert_eq!(client.read(FLIPOVER), "Welkom allemaal", "{who}");
        assert!(
            !holds_anything_from(client, &[cheat_doc.client_id()]),
            "{who} has the cheat's edit"
        );
    }
    // (Such an edit sent in one frame with the edit it builds on is judged as what it is
    // once placed: facilitation.rs, the_lock_cannot_be_dodged_by_sending_the_edit_in_one_
    // frame_with_an_open_one.)
}

#[tokio::test]
async fn someone_elses_case_intake_cannot_be_formatted_embedded_in_or_deleted_from() {
    let mut meeting = Meeting::start().await;
    meeting
        .lead(json!({"type": "go_to_step", "activity": 1, "step": 0}))
        .await;
    let anna_id = meeting.anna.member_id();
    meeting
        .lead(json!({"type": "name_contributor", "member": anna_id}))
        .await;
    let view = meeting
        .cheat
        .wait_view("the cheat sees anna named", |view| {
            view["cases"]["1"]["contributor"] == json!(anna_id)
        })
        .await;
    let case_id = view["cases"]["1"]["id"].as_str().expect("a case id");
    let title = case_root(case_id, case_part::TITLE);
    let question = case_root(case_id, case_part::QUESTION);
    meeting.anna.append(&title, "Meneer wil geen hulp");
    eventually("the cheat has the title", PATIENCE, || {
        meeting.cheat.read(&title) == "Meneer wil geen hulp"
    })
    .await;

    let mut makers = Vec::new();
    let edits: [(&str, &str, TextEdit); 4] = [
        ("bold on the title", &title, |txn, root| {
            txn.get_or_insert_text(root).format(txn, 0, 6, bold())
        }),
        ("an embed in the title", &title, |txn, root| {
            txn.get_or_insert_text(root)
                .insert_embed(txn, 0, Any::from("x"));
        }),
        ("part of the title removed", &title, |txn, root| {
            txn.get_or_insert_text(root).remove_range(txn, 0, 7)
        }),
        ("a map in the learning question", &question, |txn, root| {
            txn.get_or_insert_text(root)
                .insert_embed(txn, 0, MapPrelim::default());
        }),
    ];
    for (what, root, edit) in edits {
        let scratch = copy_of(&meeting.cheat);
        makers.push(scratch.client_id());
        meeting
            .cheat
            .send_update(&change(&scratch, |txn| edit(txn, root)));
        assert_eq!(
            meeting.cheat.next_stray_reply().await,
            (403, INTAKE.to_owned()),
            "{what}"
        );
    }
    // The contributor herself formats her title.
    {
        let field = meeting.anna.doc.get_or_insert_text(title.as_str());
        let mut txn = meeting.anna.doc.transact_mut();
        field.format(&mut txn, 0, 6, bold());
    }
    let anna_state = meeting.anna.doc.transact().state_vector();
    eventually("the facilitator gets anna's format", PATIENCE, || {
        meeting.facilitator.doc.transact().state_vector() == anna_state
    })
    .await;
    let late = meeting.late_joiner().await;
    assert_eq!(late.doc.transact().state_vector(), anna_state);
    assert!(!holds_anything_from(&late, &makers));
    assert_eq!(late.read(&title), "Meneer wil geen hulp");
    assert!(meeting.anna.stray_replies().is_empty(), "anna's edits pass");
}

/// The y-websocket updates in one frame from the server.
fn updates_in(frame: &[u8]) -> Vec<Vec<u8>> {
    let mut decoder = DecoderV1::new(Cursor::new(frame));
    MessageReader::new(&mut decoder)
        .filter_map(Result::ok)
        .filter_map(|message| match message {
            YMessage::Sync(SyncMessage::SyncStep2(update))
            | YMessage::Sync(SyncMessage::Update(update)) => Some(update),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn edits_sent_while_the_lock_is_switched_on_and_off_are_judged_by_the_lock_in_force() {
    let mut meeting = Meeting::start().await;
    // A stream of independent flip-over edits from the cheat (each from a fresh
    // document), while the facilitator switches the lock on and off over her connection.
    // The room handles whatever queued up while it was storing the last batch as one
    // batch, so lock commands land between the cheat's edits within batches.
    const EDITS: usize = 240;
    const TOGGLES: usize = 12;
    let Meeting {
        facilitator, cheat, ..
    } = &mut meeting;
    let stream = async {
        for edit in 0..EDITS {
            cheat.send_update(&text_update(FLIPOVER, &format!("[{edit}]")));
            if edit % 2 == 1 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
    };
    let switching = async {
        for toggle in 0..TOGGLES {
            tokio::time::sleep(Duration::from_millis(15)).await;
            let command = if toggle % 2 == 0 {
                "lock_table"
            } else {
                "unlock_table"
            };
            facilitator
                .command(json!({ "type": command }))
                .await
                .expect("the facilitator switches the lock");
        }
    };
    tokio::join!(stream, switching);
    let mut sent = EDITS;
    // Then a few that are certainly sent with the lock on, and the lock off at the end.
    meeting.lock_table().await;
    for edit in 0..4 {
        meeting
            .cheat
            .send_update(&text_update(FLIPOVER, &format!("[slot.{edit}]")));
        sent += 1;
    }
    meeting.cheat.hello("Cas").await.expect("a round trip");
    meeting.lead(json!({"type": "unlock_table"})).await;
    meeting.round_trip("einde").await;

    // Anna's connection got views and document changes in the order the server handled
    // them. Replayed in that order, the flip-over never changes while the lock is on.
    let replay = Doc::new();
    let flipover = replay.get_or_insert_text(FLIPOVER);
    let mut locked = false;
    let mut changes_seen = 0;
    for arrival in meeting.anna.timeline() {
        match arrival {
            Arrival::Meeting(view) => locked = view["table_locked"] == true,
            Arrival::Document(frame) => {
                for update in updates_in(&frame) {
                    let before = flipover.get_string(&replay.transact());
                    replay
                        .transact_mut()
                        .apply_update(Update::decode_v1(&update).expect("decodes"))
                        .expect("applies");
                    let after = flipover.get_string(&replay.transact());
                    if before != after {
                        changes_seen += 1;
                        assert!(
                            !locked,
                            "the flip-over changed while locked: {before:?} -> {after:?}"
                        );
                    }
                }
            }
        }
    }
    // Every edit was either refused, with the lock's reason, or stored and passed on: none
    // lost, none half-applied, none held back to appear later.
    let refusals = meeting.cheat.stray_replies();
    assert!(
        refusals
            .iter()
            .all(|refusal| refusal == &(403, LOCKED.to_owned())),
        "only lock refusals: {refusals:?}"
    );
    let late = meeting.late_joiner().await;
    let stored = late.read(FLIPOVER);
    let accepted = stored.matches('[').count();
    assert_eq!(
        accepted + refusals.len(),
        sent,
        "accepted {accepted} + refused {} = sent {sent} (flip-over: {stored})",
        refusals.len()
    );
    assert!(
        refusals.len() >= 4,
        "the edits sent while locked were refused"
    );
    assert!(
        !stored.contains("[slot."),
        "no edit sent while locked is stored"
    );
    assert_eq!(
        meeting.anna.read(FLIPOVER),
        stored,
        "anna has what was stored"
    );
    assert_eq!(changes_seen, accepted, "anna saw each accepted edit arrive");
}

#[tokio::test]
async fn an_edit_after_a_command_in_the_same_frame_is_judged_by_the_rights_that_command_leaves() {
    let mut meeting = Meeting::start().await;
    meeting.lock_table().await;
    let anna = meeting.anna.member_id();
    let command = |id: u64, command: Value| {
        let json = json!({ "id": id, "command": command }).to_string();
        leerkring_shared::protocol::command_frame(json.as_bytes())
    };
    // The facilitator hands the role to Anna and, in the same frame, writes on the locked
    // flip-over: the edit comes after the hand-over, so it is no longer hers to make.
    let mut frame = command(900, json!({"type": "hand_over", "member": anna}));
    frame.extend(leerkring_shared::protocol::update_frame(&text_update(
        FLIPOVER,
        "NA OVERDRACHT ",
    )));
    meeting.facilitator.send_raw(frame);
    assert_eq!(
        meeting.facilitator.next_stray_reply().await,
        (403, LOCKED.to_owned()),
        "the edit after the hand-over"
    );
    meeting
        .anna
        .wait_view("anna holds the role", |view| {
            view["you"]["facilitator"] == true
        })
        .await;

    // The other way round: an edit, then the hand-back in the same frame. The edit came
    // while Anna held the role, so it stands.
    let fenna = meeting.facilitator.member_id();
    let mut frame = leerkring_shared::protocol::update_frame(&text_update(FLIPOVER, "VOOR "));
    frame.extend(command(901, json!({"type": "hand_over", "member": fenna})));
    meeting.anna.send_raw(frame);
    meeting
        .facilitator
        .wait_view("the role is back", |view| {
            view["you"]["facilitator"] == true
        })
        .await;
    meeting.round_trip("terug").await;
    let late = meeting.late_joiner().await;
    // Both inserts start the text with nothing before them: yrs orders them by client id.
    let stored = late.read(FLIPOVER);
    assert!(
        stored == "VOOR Welkom" || stored == "WelkomVOOR ",
        "anna's edit stands, the facilitator's does not: {stored:?}"
    );
    assert!(
        meeting.anna.stray_replies().is_empty(),
        "anna's edit as role holder was not refused: {:?}",
        meeting.anna.stray_replies()
    );
}
