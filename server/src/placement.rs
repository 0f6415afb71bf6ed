//! Where each part of a board's document lives, by item id: for every block the document
//! holds, the shared type it was placed in (a root, or a nested type inside one), and which
//! clocks are deleted. [`crate::board::Board::admit`] judges an update by the ids
//! it inserts and deletes against this map, so it sees formatting, embeds, nested types
//! and deletes as what they are (changes to the root they live in) without copying the
//! document.
//!
//! yrs 0.28 keeps an item's parent, origins and deletion private, so updates are read here
//! block by block with yrs's own public decoder, and the map is kept beside the document:
//! [`Placement::record`] is called with every update the board applies. Integration is
//! followed as yrs does it (`Update::integrate`, `missing_dependency`): a block whose
//! origin, right origin or parent item is not in the document waits (yrs's `pending`),
//! a block after a gap in its own client's clocks does not, a block without a parent of
//! its own lands where its left origin is (else where its right origin is), and clocks the
//! document already has are skipped. yrs 0.28.1 has no move content (weak links are a
//! feature Leerkring does not enable), so moves cannot occur.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ops::Range;
use std::sync::Arc;

use rangemap::{RangeMap, RangeSet};
use yrs::block::{
    ItemContent, BLOCK_GC_REF_NUMBER, BLOCK_ITEM_DELETED_REF_NUMBER, BLOCK_SKIP_REF_NUMBER,
    HAS_ORIGIN, HAS_PARENT_SUB, HAS_RIGHT_ORIGIN,
};
use yrs::encoding::read::{Error as DecodeError, Read};
use yrs::updates::decoder::{Decode, Decoder, DecoderV1};
use yrs::{ClientID, IdSet, ID};

/// How many nested types up a delete is followed to see whether one that holds it is
/// deleted already (a real board nests three deep: table, row, cell); deeper, the delete
/// counts as changing its root, which is the cautious answer.
const MAX_DELETED_DEPTH: usize = 16;

/// Where a block was placed.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Place {
    /// Directly in the root type of this name.
    Root(Arc<str>),
    /// In the nested type held by the item `holder`, which is (at some depth) in the root
    /// `root`. The root is worked out once, when the block is placed, so judging a block
    /// costs the same however deep it is nested.
    Inside { holder: ID, root: Arc<str> },
    /// Nowhere: garbage-collected content, or an item yrs could not place (it becomes
    /// garbage too).
    Nowhere,
}

impl Place {
    /// The root it is in, if any.
    fn root(&self) -> Option<&Arc<str>> {
        match self {
            Place::Root(root) | Place::Inside { root, .. } => Some(root),
            Place::Nowhere => None,
        }
    }
}

/// One block of an update, as far as placing it needs.
#[derive(Clone, Debug)]
struct Block {
    id: ID,
    len: u32,
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Kind {
    Gc,
    Item {
        origin: Option<ID>,
        right_origin: Option<ID>,
        parent: Parent,
        /// Content that arrives deleted (`ItemContent::Deleted`).
        deleted: bool,
    },
}

/// The parent an item names itself, if any.
#[derive(Clone, Debug)]
enum Parent {
    Root(Arc<str>),
    /// The item that holds the nested parent type.
    Item(ID),
    /// Neither: the parent is the left origin's (else the right origin's).
    Neighbours,
}

/// An update's blocks, per client in clock order, and its delete set.
struct ParsedUpdate {
    clients: Vec<VecDeque<Block>>,
    deletes: Vec<(ClientID, Range<u32>)>,
}

/// Reads a v1 update's blocks as yrs's `Update::decode` does, keeping what placing needs.
fn parse(bytes: &[u8]) -> Result<ParsedUpdate, DecodeError> {
    let mut decoder = DecoderV1::from(bytes);
    let client_count: u32 = decoder.read_var()?;
    let mut clients = Vec::new();
    for _ in 0..client_count {
        let block_count: u32 = decoder.read_var()?;
        let client = decoder.read_client()?;
        let mut clock: u32 = decoder.read_var()?;
        let mut blocks = VecDeque::new();
        for _ in 0..block_count {
            let id = ID::new(client, clock);
            let info = decoder.read_info()?;
            let (len, kind) = match info {
                BLOCK_SKIP_REF_NUMBER => (decoder.read_var()?, None),
                BLOCK_GC_REF_NUMBER => (decoder.read_len()?, Some(Kind::Gc)),
                info => {
                    let origin = (info & HAS_ORIGIN != 0)
                        .then(|| decoder.read_left_id())
                        .transpose()?;
                    let right_origin = (info & HAS_RIGHT_ORIGIN != 0)
                        .then(|| decoder.read_right_id())
                        .transpose()?;
                    let parent = if info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN) != 0 {
                        Parent::Neighbours
                    } else {
                        let parent = if decoder.read_parent_info()? {
                            Parent::Root(decoder.read_string()?.into())
                        } else {
                            Parent::Item(decoder.read_left_id()?)
                        };
                        if info & HAS_PARENT_SUB != 0 {
                            decoder.read_string()?;
                        }
                        parent
                    };
                    let content = ItemContent::decode(&mut decoder, info)?;
                    let deleted = info & 0b1111 == BLOCK_ITEM_DELETED_REF_NUMBER;
                    let kind = Kind::Item {
                        origin,
                        right_origin,
                        parent,
                        deleted,
                    };
                    (content.len_utf16(), Some(kind))
                }
            };
            let end = clock.checked_add(len).ok_or(DecodeError::UnexpectedValue)?;
            if let Some(kind) = kind.filter(|_| len > 0) {
                blocks.push_back(Block { id, len, kind });
            }
            clock = end;
        }
        clients.push(blocks);
    }
    let delete_set = IdSet::decode(&mut decoder)?;
    let mut deletes = Vec::new();
    for (client, ranges) in delete_set.iter() {
        deletes.extend(ranges.iter().map(|range| (*client, range.clone())));
    }
    Ok(ParsedUpdate { clients, deletes })
}

/// What an update does, judged before it is applied.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Effect {
    /// The names of the roots it inserts into, formats, embeds into, nests types into or
    /// deletes from.
    pub touched: HashSet<Arc<str>>,
    /// It would leave blocks or deletes waiting for clocks the document does not have.
    pub leaves_pending: bool,
}

/// Which block of the document is where, and which clocks are deleted.
#[derive(Default)]
pub struct Placement {
    placed: HashMap<ClientID, RangeMap<u32, Place>>,
    deleted: HashMap<ClientID, RangeSet<u32>>,
    /// Blocks and deletes of applied updates that yrs holds back for missing clocks; only
    /// stored history from before the write filter refused such updates, or another node,
    /// can bring them.
    waiting: Vec<Block>,
    waiting_deletes: Vec<(ClientID, Range<u32>)>,
}

impl Placement {
    fn place(&self, id: &ID) -> Option<&Place> {
        self.placed.get(&id.client)?.get(&id.clock)
    }

    fn is_deleted(&self, id: &ID) -> bool {
        self.deleted
            .get(&id.client)
            .is_some_and(|set| set.contains(&id.clock))
    }

    fn insert(&mut self, client: ClientID, clocks: Range<u32>, place: Place) {
        self.placed.entry(client).or_default().insert(clocks, place);
    }

    fn delete(&mut self, client: ClientID, clocks: Range<u32>) {
        self.deleted.entry(client).or_default().insert(clocks);
    }

    fn absorb(&mut self, other: Placement) {
        for (client, map) in other.placed {
            for (clocks, place) in map {
                self.insert(client, clocks, place);
            }
        }
        for (client, set) in other.deleted {
            for clocks in set {
                self.delete(client, clocks);
            }
        }
    }

    /// Takes an update the document has just applied into the map. Undecodable bytes
    /// change nothing (yrs decoded them, so this does not happen).
    pub fn record(&mut self, update: &[u8]) {
        let Ok(parsed) = parse(update) else {
            tracing::warn!("an applied update could not be read for the write filter");
            return;
        };
        let mut clients = parsed.clients;
        if !self.waiting.is_empty() {
            clients.push(std::mem::take(&mut self.waiting).into());
        }
        let mut deletes = parsed.deletes;
        deletes.append(&mut self.waiting_deletes);
        let outcome = simulate(clients, &deletes, &[self]);
        self.waiting = outcome.blocked;
        self.waiting_deletes = outcome.pending_deletes;
        self.absorb(outcome.delta);
    }
}

/// The document's map with the updates allowed so far in a batch on top, for judging the
/// next one of the batch.
#[derive(Default)]
pub struct Batch {
    allowed: Placement,
}

impl Batch {
    /// What `update` would do to the document as it is with this batch's allowed updates;
    /// `None` if it cannot be read. Call [`Batch::allow`] with the same bytes if it is let
    /// through.
    pub fn effect(&self, base: &Placement, update: &[u8]) -> Option<Effect> {
        let parsed = parse(update).ok()?;
        let outcome = simulate(parsed.clients, &parsed.deletes, &[&self.allowed, base]);
        Some(outcome.effect)
    }

    /// Counts `update` as applied for the rest of the batch.
    pub fn allow(&mut self, base: &Placement, update: &[u8]) {
        if let Ok(parsed) = parse(update) {
            let outcome = simulate(parsed.clients, &parsed.deletes, &[&self.allowed, base]);
            self.allowed.absorb(outcome.delta);
        }
    }
}

struct Outcome {
    effect: Effect,
    delta: Placement,
    blocked: Vec<Block>,
    pending_deletes: Vec<(ClientID, Range<u32>)>,
}

/// The layers of what is known, first the newest: the update's own placed blocks, then the
/// batch, then the document.
struct Known<'a> {
    delta: &'a Placement,
    layers: &'a [&'a Placement],
}

impl Known<'_> {
    fn all(&self) -> impl Iterator<Item = &Placement> {
        std::iter::once(self.delta).chain(self.layers.iter().copied())
    }

    fn place(&self, id: &ID) -> Option<&Place> {
        self.all().find_map(|layer| layer.place(id))
    }

    fn is_deleted(&self, id: &ID) -> bool {
        self.all().any(|layer| layer.is_deleted(id))
    }

    /// The clocks of `client` within `clocks` that the document does not have yet.
    fn unknown(&self, client: &ClientID, clocks: &Range<u32>) -> Vec<Range<u32>> {
        let mut known = RangeSet::new();
        for layer in self.all() {
            if let Some(map) = layer.placed.get(client) {
                for (range, _) in map.overlapping(clocks) {
                    known.insert(range.start.max(clocks.start)..range.end.min(clocks.end));
                }
            }
        }
        known.gaps(clocks).collect()
    }

    /// The known clocks of `client` within `clocks`, with where each run was placed.
    fn placed_runs(&self, client: &ClientID, clocks: &Range<u32>) -> Vec<(Range<u32>, Place)> {
        let mut runs = Vec::new();
        for layer in self.all() {
            if let Some(map) = layer.placed.get(client) {
                for (range, place) in map.overlapping(clocks) {
                    let run = range.start.max(clocks.start)..range.end.min(clocks.end);
                    runs.push((run, place.clone()));
                }
            }
        }
        runs
    }

    /// The clocks of `client` within `clocks` that are not deleted yet.
    fn undeleted(&self, client: &ClientID, clocks: &Range<u32>) -> Vec<Range<u32>> {
        let mut deleted = RangeSet::new();
        for layer in self.all() {
            if let Some(set) = layer.deleted.get(client) {
                for range in set.overlapping(clocks) {
                    deleted.insert(range.start.max(clocks.start)..range.end.min(clocks.end));
                }
            }
        }
        deleted.gaps(clocks).collect()
    }

    /// Whether a type that holds `place` (at any depth) is deleted: what is inside it is
    /// deleted with it, so deleting it again changes nothing.
    fn inside_deleted(&self, place: &Place) -> bool {
        let mut place = place.clone();
        for _ in 0..MAX_DELETED_DEPTH {
            let Place::Inside { holder, .. } = place else {
                return false;
            };
            if self.is_deleted(&holder) {
                return true;
            }
            match self.place(&holder) {
                Some(outer) => place = outer.clone(),
                None => return false,
            }
        }
        false
    }

    fn is_known(&self, id: &ID) -> bool {
        self.place(id).is_some()
    }
}

/// Follows yrs's integration of `clients` and `deletes` over what `layers` know: which
/// blocks land where, what gets deleted, and what would be left waiting.
fn simulate(
    clients: Vec<VecDeque<Block>>,
    deletes: &[(ClientID, Range<u32>)],
    layers: &[&Placement],
) -> Outcome {
    let mut delta = Placement::default();
    let mut effect = Effect::default();
    let mut queues = clients;
    // A block waits for what it depends on, and with it the rest of its client's blocks;
    // go round the clients until nothing more can be placed.
    loop {
        let mut progress = false;
        for queue in &mut queues {
            while let Some(block) = queue.front() {
                let known = Known {
                    delta: &delta,
                    layers,
                };
                let Some(placed) = place_block(block, &known, &mut effect.touched) else {
                    break;
                };
                for (clocks, place, deleted) in placed {
                    if deleted {
                        delta.delete(block.id.client, clocks.clone());
                    }
                    delta.insert(block.id.client, clocks, place);
                }
                queue.pop_front();
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    let blocked: Vec<Block> = queues.into_iter().flatten().collect();
    let mut pending_deletes = Vec::new();
    for (client, clocks) in deletes {
        let known = Known {
            delta: &delta,
            layers,
        };
        for missing in known.unknown(client, clocks) {
            pending_deletes.push((*client, missing));
        }
        let mut newly_deleted = Vec::new();
        for (run, place) in known.placed_runs(client, clocks) {
            if place == Place::Nowhere || known.inside_deleted(&place) {
                continue;
            }
            if known.undeleted(client, &run).is_empty() {
                continue;
            }
            if let Some(root) = place.root() {
                effect.touched.insert(root.clone());
            }
            newly_deleted.push(run);
        }
        for run in newly_deleted {
            delta.delete(*client, run);
        }
    }
    effect.leaves_pending = !blocked.is_empty() || !pending_deletes.is_empty();
    Outcome {
        effect,
        delta,
        blocked,
        pending_deletes,
    }
}

/// Places the clocks of `block` the document does not have yet: each run with its place
/// and whether it arrives deleted. `None` if something it depends on is missing (yrs
/// would hold it back). Every root the block's origins and parent are in counts as
/// touched, even where yrs takes only one of them.
fn place_block(
    block: &Block,
    known: &Known<'_>,
    touched: &mut HashSet<Arc<str>>,
) -> Option<Vec<(Range<u32>, Place, bool)>> {
    let client = block.id.client;
    let clocks = block.id.clock..block.id.clock + block.len;
    let new_runs = known.unknown(&client, &clocks);
    if new_runs.is_empty() {
        return Some(Vec::new());
    }
    let Kind::Item {
        origin,
        right_origin,
        parent,
        deleted,
    } = &block.kind
    else {
        return Some(
            new_runs
                .into_iter()
                .map(|run| (run, Place::Nowhere, true))
                .collect(),
        );
    };
    let dependencies = [origin.as_ref(), right_origin.as_ref()];
    let parent_item = match parent {
        Parent::Item(id) => Some(id),
        _ => None,
    };
    if dependencies
        .iter()
        .chain([&parent_item])
        .flatten()
        .any(|id| !known.is_known(id))
    {
        return None;
    }
    let mut touch = |place: &Place| {
        if let Some(root) = place.root() {
            touched.insert(root.clone());
        }
    };
    let neighbour_place = |id: &Option<ID>| {
        id.as_ref()
            .and_then(|id| known.place(id))
            .filter(|place| **place != Place::Nowhere)
            .cloned()
    };
    let mut runs = Vec::with_capacity(new_runs.len());
    for run in new_runs {
        // A run after clocks the document already has is cut off from the block's start:
        // yrs gives it the clock before it as its left origin.
        let left = if run.start == clocks.start {
            *origin
        } else {
            Some(ID::new(client, run.start - 1))
        };
        let place = match parent {
            Parent::Root(name) => Place::Root(name.clone()),
            Parent::Item(holder) => match known.place(holder) {
                Some(Place::Nowhere) | None => Place::Nowhere,
                Some(Place::Root(root) | Place::Inside { root, .. }) => Place::Inside {
                    holder: *holder,
                    root: root.clone(),
                },
            },
            Parent::Neighbours => neighbour_place(&left)
                .or_else(|| neighbour_place(right_origin))
                .unwrap_or(Place::Nowhere),
        };
        for neighbour in [neighbour_place(&left), neighbour_place(right_origin)]
            .into_iter()
            .flatten()
        {
            touch(&neighbour);
        }
        touch(&place);
        runs.push((run, place, *deleted));
    }
    Some(runs)
}
