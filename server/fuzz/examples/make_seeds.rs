//! Writes the seed corpus for the `client_frames` fuzz target from real y-websocket
//! frames built with yrs (sync step 1, sync step 2, updates that insert, format and
//! delete, awareness updates and removals, query-awareness), wrapped in the harness's
//! input format (see `src/lib.rs`).
//!
//! Run from server/fuzz: `cargo run --example make_seeds` (stable is enough). It
//! overwrites `seeds/client_frames/` and then runs every seed through the harness.

use std::fs;
use std::path::Path;

use leerkring_server_fuzz::{control_chunk, frame_chunk, run, Control};
use leerkring_shared::model::{FLIPOVER, VIRTUE_TABLE};
use leerkring_shared::protocol::{
    awareness_frame, command_frame, query_awareness_frame, sync_step1_frame, sync_step2_frame,
    update_frame,
};
use yrs::sync::Awareness;
use yrs::types::text::Text;
use yrs::{Any, Array, Doc, Map, Options, ReadTxn, StateVector, Transact};

/// A simulated Yjs client: a document and its presence.
struct Client {
    awareness: Awareness,
}

impl Client {
    fn new(client_id: u64, name: &str) -> Self {
        let doc = Doc::with_options(Options {
            client_id: yrs::ClientID::new(client_id),
            ..Options::default()
        });
        let mut awareness = Awareness::new(doc);
        awareness.set_local_state_raw(format!(
            r##"{{"user":{{"name":"{name}","color":"#30bced"}},"cursor":null}}"##
        ));
        Self { awareness }
    }

    fn doc(&self) -> &Doc {
        self.awareness.doc()
    }

    /// What y-websocket sends first on connecting: sync step 1 with the doc's state.
    fn hello(&self) -> Vec<u8> {
        sync_step1_frame(&self.doc().transact().state_vector())
    }

    /// Sync step 2: everything the server (at `server_sv`) lacks.
    fn step2(&self, server_sv: &StateVector) -> Vec<u8> {
        sync_step2_frame(&self.doc().transact().encode_diff_v1(server_sv))
    }

    /// Runs `edit` in one transaction and returns the update frame it produces (and the
    /// bare update). Root types must be fetched before: that takes the doc's lock too.
    fn edit(&self, edit: impl FnOnce(&mut yrs::TransactionMut)) -> (Vec<u8>, Vec<u8>) {
        let mut txn = self.doc().transact_mut();
        edit(&mut txn);
        let update = txn.encode_update_v1();
        (update_frame(&update), update)
    }

    fn presence(&self) -> Vec<u8> {
        awareness_frame(&self.awareness.update().expect("presence update"))
    }

    fn presence_gone(&mut self) -> Vec<u8> {
        let id = self.awareness.client_id();
        self.awareness.clean_local_state();
        awareness_frame(&self.awareness.update_with_clients([id]).expect("removal"))
    }

    fn receive(&self, update: &[u8]) {
        use yrs::updates::decoder::Decode;
        let update = yrs::Update::decode_v1(update).expect("own update decodes");
        self.doc()
            .transact_mut()
            .apply_update(update)
            .expect("own update applies");
    }
}

fn concat(chunks: &[Vec<u8>]) -> Vec<u8> {
    chunks.concat()
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/client_frames");
    fs::create_dir_all(&dir).expect("seed dir");
    let mut seeds: Vec<(&str, Vec<u8>)> = Vec::new();

    // Three clients connect: sync step 1 each, then ask who is there.
    let anna = Client::new(101, "Anna");
    let mut bram = Client::new(202, "Bram");
    let cato = Client::new(303, "Cato");
    seeds.push((
        "handshake",
        concat(&[
            frame_chunk(0, &anna.hello()),
            frame_chunk(1, &bram.hello()),
            frame_chunk(2, &cato.hello()),
            frame_chunk(0, &query_awareness_frame()),
            frame_chunk(1, &anna.presence()),
        ]),
    ));

    // A session: text typed, formatted and deleted; a map and an array; concurrent
    // edits; presence; someone leaves and comes back; the room unloads and reloads.
    let text = anna.doc().get_or_insert_text("cel-1");
    let (typed, typed_raw) = anna.edit(|txn| {
        text.insert(txn, 0, "Wat ging goed vandaag?");
    });
    bram.receive(&typed_raw);
    let text = bram.doc().get_or_insert_text("cel-1");
    let (bold, _) = bram.edit(|txn| {
        let attrs = yrs::types::Attrs::from([("bold".into(), Any::Bool(true))]);
        text.format(txn, 0, 3, attrs);
        text.insert(txn, 22, " Veel!");
    });
    let text = anna.doc().get_or_insert_text("cel-1");
    let cards = anna.doc().get_or_insert_map("kaarten");
    let order = anna.doc().get_or_insert_array("volgorde");
    let (concurrent, _) = anna.edit(|txn| {
        text.remove_range(txn, 4, 5);
        cards.insert(txn, "k1", "Samen koffie");
        order.push_back(txn, "k1");
        order.push_back(txn, 42);
    });
    let text = cato.doc().get_or_insert_text("cel-2");
    let sync_then_update = concat(&[
        cato.hello(),
        update_frame(&cato.edit(|txn| text.insert(txn, 0, "Cato was hier")).1),
    ]);
    seeds.push((
        "session",
        concat(&[
            frame_chunk(0, &anna.hello()),
            frame_chunk(0, &typed),
            frame_chunk(0, &anna.presence()),
            frame_chunk(1, &bram.hello()),
            frame_chunk(1, &bram.step2(&StateVector::default())),
            frame_chunk(1, &bold),
            frame_chunk(0, &concurrent),
            frame_chunk(1, &bram.presence()),
            frame_chunk(2, &sync_then_update),
            frame_chunk(2, &query_awareness_frame()),
            control_chunk(1, Control::Disconnect),
            frame_chunk(1, &bram.presence_gone()),
            control_chunk(0, Control::Unload),
            frame_chunk(0, &anna.hello()),
            frame_chunk(0, &anna.presence()),
            control_chunk(2, Control::Restart),
            frame_chunk(2, &cato.step2(&StateVector::default())),
        ]),
    ));

    // Every client message kind in one frame.
    let text = cato.doc().get_or_insert_text("cel-1");
    let (one_more, _) = cato.edit(|txn| text.insert(txn, 0, "Eerst: "));
    seeds.push((
        "one_frame_all_kinds",
        frame_chunk(
            2,
            &concat(&[
                cato.hello(),
                one_more.clone(),
                cato.step2(&StateVector::default()),
                cato.presence(),
                query_awareness_frame(),
            ]),
        ),
    ));

    // An update whose predecessor arrives later (kept pending), across a restart.
    let dora = Client::new(404, "Dora");
    let text = dora.doc().get_or_insert_text("cel-3");
    let (first, _) = dora.edit(|txn| text.insert(txn, 0, "eerste"));
    let (second, _) = dora.edit(|txn| text.insert(txn, 6, " tweede"));
    seeds.push((
        "out_of_order",
        concat(&[
            frame_chunk(1, &second),
            control_chunk(1, Control::Restart),
            frame_chunk(2, &first),
            frame_chunk(0, &sync_step1_frame(&StateVector::default())),
            control_chunk(0, Control::Unload),
        ]),
    ));

    // Malformed frames between good ones: the sender is closed, others carry on.
    seeds.push((
        "malformed_then_good",
        concat(&[
            frame_chunk(0, &typed[..typed.len() - 1]),
            frame_chunk(1, &[2, 0]),
            frame_chunk(2, &[0, 9, 0]),
            frame_chunk(0, &typed),
            control_chunk(0, Control::Reconnect),
            frame_chunk(0, &query_awareness_frame()),
        ]),
    ));

    // Facilitation: the table is locked, a participant's edit of it is refused, the
    // facilitator's goes through; a vote; the participant is removed and cannot return.
    let command = |id: u64, json: &str| {
        let envelope = format!(r#"{{"id":{id},"command":{json}}}"#);
        command_frame(envelope.as_bytes())
    };
    let eva = Client::new(505, "Eva");
    let fien = Client::new(606, "Fien");
    let table = eva.doc().get_or_insert_text(FLIPOVER);
    let (facilitator_edit, facilitator_raw) =
        eva.edit(|txn| table.insert(txn, 0, "Afspraken: op tijd beginnen"));
    fien.receive(&facilitator_raw);
    let table = fien.doc().get_or_insert_text(FLIPOVER);
    let (participant_edit, _) = fien.edit(|txn| table.insert(txn, 0, "Niet mee eens! "));
    let virtues = fien.doc().get_or_insert_array(VIRTUE_TABLE);
    let (participant_row, _) = fien.edit(|txn| {
        virtues.push_back(txn, "Moed");
    });
    seeds.push((
        "facilitation",
        concat(&[
            frame_chunk(0, &command(1, r#"{"type":"hello","name":"Eva"}"#)),
            frame_chunk(1, &command(1, r#"{"type":"hello","name":"Fien"}"#)),
            frame_chunk(0, &command(2, r#"{"type":"set_agenda","activities":["virtue_exercise","evaluation"]}"#)),
            frame_chunk(0, &command(3, r#"{"type":"start_timer","seconds":300}"#)),
            frame_chunk(0, &facilitator_edit),
            frame_chunk(0, &command(4, r#"{"type":"lock_table"}"#)),
            frame_chunk(1, &participant_edit),
            frame_chunk(2, &participant_row),
            frame_chunk(0, &command(5, r#"{"type":"open_vote","question":"Welke deugd?","options":["Moed","Geduld"],"votes_per_person":1,"max_per_option":null,"facilitator_votes":true}"#)),
            frame_chunk(1, &command(2, r#"{"type":"cast_vote","options":[1]}"#)),
            frame_chunk(0, &command(6, r#"{"type":"reveal_vote"}"#)),
            frame_chunk(0, &command(7, r#"{"type":"unlock_table"}"#)),
            frame_chunk(1, &participant_edit),
            frame_chunk(0, &command(8, r#"{"type":"next_step"}"#)),
            frame_chunk(1, &command(3, r#"{"type":"bogus"}"#)),
            frame_chunk(0, &command(9, r#"{"type":"remove_member","member":"m-bram"}"#)),
            frame_chunk(1, &fien.hello()),
            control_chunk(0, Control::Unload),
            frame_chunk(0, &eva.hello()),
        ]),
    ));

    for (name, seed) in &seeds {
        fs::write(dir.join(name), seed).expect("write seed");
        run(seed);
        println!("{name}: {} bytes, runs clean", seed.len());
    }
}
