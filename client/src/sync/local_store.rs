//! Keeps a copy of each board's document on this device, in IndexedDB, so that edits
//! survive going offline, closing the tab and reloading the page.
//!
//! One database (`leerkring`) with one object store (`updates`): a record per change the
//! document went through, `{ board, update }`, found by an index on `board`. A change
//! is one small write as it happens (localStorage would rewrite the whole copy every
//! time, and holds a few MB at most); from time to time a board's records are merged
//! into one, inside a single transaction so that another tab's writes are never lost.
//! Updates commute, so the order of the records does not matter.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use idb::{
    Database, DatabaseEvent, Factory, IndexParams, KeyPath, ObjectStoreParams, TransactionMode,
};
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use yrs::updates::decoder::Decode;
use yrs::Update as DocUpdate;

use crate::browser;

const DATABASE: &str = "leerkring";
const VERSION: u32 = 1;
const UPDATES: &str = "updates";
const BY_BOARD: &str = "board";
/// Merge a board's records into one once this many were added.
const MERGE_AFTER: usize = 100;

/// One board's copy on this device.
pub struct LocalStore {
    board: String,
    state: RefCell<State>,
    /// Records added since the last merge.
    added: Cell<usize>,
}

enum State {
    /// The database is being opened: changes wait here and are stored once it is.
    Opening(Vec<Vec<u8>>),
    Open(Rc<Database>),
    /// This browser keeps no IndexedDB (switched off, or refused): nothing is stored.
    Unavailable,
}

impl LocalStore {
    /// Opens `board`'s copy and then hands what it holds (as updates, mostly just one,
    /// none if nothing is kept or this browser keeps nothing) to `restore`. Changes appended meanwhile are kept
    /// and stored once the copy is open.
    pub fn open(board: &str, restore: impl FnOnce(Vec<Vec<u8>>) + 'static) -> Rc<Self> {
        let store = Rc::new(Self {
            board: board.to_owned(),
            state: RefCell::new(State::Opening(Vec::new())),
            added: Cell::new(0),
        });
        let opening = store.clone();
        spawn_local(async move {
            let opened = async {
                let database = open_database().await?;
                let saved = merge_records(&database, &opening.board).await?;
                Ok::<_, idb::Error>((database, saved))
            };
            let (state, saved) = match opened.await {
                Ok((database, saved)) => (State::Open(Rc::new(database)), saved),
                Err(error) => {
                    leptos::logging::warn!("this device keeps no copy of the board: {error}");
                    (State::Unavailable, Vec::new())
                }
            };
            restore(saved);
            let waiting = opening.state.replace(state);
            if let State::Opening(changes) = waiting {
                for change in changes {
                    opening.append(&change);
                }
            }
        });
        store
    }

    /// Stores one change (a warning in the console if the browser refuses it).
    pub fn append(&self, update: &[u8]) {
        let database = match &mut *self.state.borrow_mut() {
            State::Opening(waiting) => return waiting.push(update.to_vec()),
            State::Unavailable => return,
            State::Open(database) => database.clone(),
        };
        if let Err(error) = add_record(&database, &self.board, update) {
            leptos::logging::warn!("could not store a change on this device: {error}");
            return;
        }
        self.added.set(self.added.get() + 1);
        if self.added.get() >= MERGE_AFTER {
            self.added.set(0);
            let board = self.board.clone();
            spawn_local(async move {
                if let Err(error) = merge_records(&database, &board).await {
                    leptos::logging::warn!("could not merge this device's copy: {error}");
                }
            });
        }
    }

    /// Removes everything this device keeps of `board`'s document.
    pub async fn remove(board: &str) {
        // Copies kept before the move to IndexedDB.
        browser::remove(&old_key(board));
        let removed = async {
            // A connection of its own, closed when done (the board's may be long gone).
            let database = open_database().await?;
            let removing = async {
                let transaction = database.transaction(&[UPDATES], TransactionMode::ReadWrite)?;
                let store = transaction.object_store(UPDATES)?;
                let keys = store
                    .index(BY_BOARD)?
                    .get_all_keys(Some(JsValue::from(board).into()), None)?
                    .await?;
                for key in keys {
                    store.delete(key)?;
                }
                transaction.await?;
                Ok::<_, idb::Error>(())
            };
            let removed = removing.await;
            database.close();
            removed
        };
        if let Err(error) = removed.await {
            leptos::logging::warn!("could not remove the board from this device: {error}");
        }
    }
}

async fn open_database() -> Result<Database, idb::Error> {
    let mut request = Factory::new()?.open(DATABASE, Some(VERSION))?;
    request.on_upgrade_needed(|event| {
        let Ok(database) = event.database() else {
            return;
        };
        if database.store_names().iter().any(|name| name == UPDATES) {
            return;
        }
        let mut params = ObjectStoreParams::new();
        params.auto_increment(true);
        if let Ok(store) = database.create_object_store(UPDATES, params) {
            // A failure here aborts the upgrade, and so the opening: no half-made store.
            let _ = store.create_index(
                BY_BOARD,
                KeyPath::new_single(BY_BOARD),
                Some(IndexParams::new()),
            );
        }
    });
    request.await
}

/// Adds one record; the write goes on in the background (a failure is logged).
fn add_record(database: &Database, board: &str, update: &[u8]) -> Result<(), idb::Error> {
    let transaction = database.transaction(&[UPDATES], TransactionMode::ReadWrite)?;
    transaction
        .object_store(UPDATES)?
        .add(&record(board, update), None)?;
    spawn_local(async move {
        if let Err(error) = transaction.await {
            leptos::logging::warn!("could not store a change on this device: {error}");
        }
    });
    Ok(())
}

/// Merges `board`'s records (and a copy left in localStorage by an older version) into
/// one, in one transaction, and returns what is kept (one update, unless merging failed).
async fn merge_records(database: &Database, board: &str) -> Result<Vec<Vec<u8>>, idb::Error> {
    let transaction = database.transaction(&[UPDATES], TransactionMode::ReadWrite)?;
    let store = transaction.object_store(UPDATES)?;
    let index = store.index(BY_BOARD)?;
    let query = || Some(JsValue::from(board).into());
    let keys = index.get_all_keys(query(), None)?.await?;
    let mut updates: Vec<Vec<u8>> = index
        .get_all(query(), None)?
        .await?
        .iter()
        .filter_map(|value| Reflect::get(value, &"update".into()).ok())
        .map(|update| Uint8Array::new(&update).to_vec())
        .collect();
    let old_copy = browser::load(&old_key(board));
    let old_updates = old_copy.iter().flat_map(|text| text.lines());
    updates.extend(old_updates.filter_map(|line| STANDARD.decode(line).ok()));
    if keys.len() <= 1 && old_copy.is_none() {
        return Ok(updates);
    }
    // Each update is checked only if merging fails: what cannot be read cannot be
    // restored either, and must not keep the rest from being merged.
    let merged = yrs::merge_updates_v1(&updates).or_else(|_| {
        updates.retain(|update| DocUpdate::decode_v1(update).is_ok());
        yrs::merge_updates_v1(&updates)
    });
    let Ok(merged) = merged else {
        return Ok(updates); // kept as they are, to be merged another time
    };
    for key in keys {
        store.delete(key)?;
    }
    store.add(&record(board, &merged), None)?;
    transaction.await?;
    if old_copy.is_some() {
        browser::remove(&old_key(board));
    }
    Ok(vec![merged])
}

fn record(board: &str, update: &[u8]) -> JsValue {
    let record = Object::new();
    let _ = Reflect::set(&record, &BY_BOARD.into(), &board.into());
    let _ = Reflect::set(&record, &"update".into(), &Uint8Array::from(update).into());
    record.into()
}

/// Where versions before IndexedDB kept the copy in localStorage.
fn old_key(board: &str) -> String {
    format!("leerkring.doc.{board}")
}
