//! Regression tests for the fixes in the vendored yrs (`vendor/PATCHES.md`), written
//! against yrs alone so they can be sent upstream as they are. Each update is spelled out
//! byte by byte in lib0 v1 encoding; each test fails on the crates.io yrs 0.28.1.
//!
//! This binary's allocator never reuses freed memory and overwrites it with `0xA5`, so a
//! read of a freed block sees garbage instead of a stale copy: the use-after-free then
//! crashes the test deterministically (SIGSEGV) even without AddressSanitizer. It also
//! records the largest single allocation request, for the reservation tests.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use yrs::encoding::read::{Error, MalformedKind};
use yrs::sync::AwarenessUpdate;
use yrs::updates::decoder::Decode;
use yrs::{Array, ClientID, Doc, GetString, ReadTxn, StateVector, Transact, Update};

struct PoisonFreed;

static LARGEST_REQUEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for PoisonFreed {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST_REQUEST.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // Kept allocated (the tests are small) so nothing else lands there.
        std::ptr::write_bytes(ptr, 0xA5, layout.size());
    }
}

#[global_allocator]
static ALLOCATOR: PoisonFreed = PoisonFreed;

/// lib0 variable-length unsigned integer.
fn var(mut value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    while value >= 0x80 {
        out.push((value as u8 & 0x7F) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
    out
}

/// An update holding one block of `client` at `clock`: `block` is its info byte and body.
fn one_block(client: u64, clock: u32, block: &[u8]) -> Vec<u8> {
    let mut update = vec![1, 1];
    update.extend(var(client));
    update.extend(var(clock.into()));
    update.extend_from_slice(block);
    update.push(0); // empty delete set
    update
}

/// A string item in the root type "t" with no origins: info 4, parent "t", the string.
fn string_item(text: &str) -> Vec<u8> {
    let mut block = vec![4, 1, 1, b't'];
    block.extend(var(text.len() as u64));
    block.extend_from_slice(text.as_bytes());
    block
}

fn apply(doc: &Doc, update: &[u8]) {
    let update = Update::decode_v1(update).expect("update decodes");
    doc.transact_mut()
        .apply_update(update)
        .expect("update applies");
}

/// The doc's full state, decoded again into a fresh doc: its state vector.
fn reloaded_state_vector(doc: &Doc) -> StateVector {
    let state = doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    let copy = Doc::new();
    apply(&copy, &state);
    let state_vector = copy.transact().state_vector();
    state_vector
}

fn malformed(result: Result<impl Sized, Error>) -> Option<MalformedKind> {
    match result {
        Err(Error::Malformed(kind)) => Some(kind),
        _ => None,
    }
}

/// Patch 1. The doc holds a GC at 101#1; the update brings "abc" at 101#0..3, so
/// `Update::exclude` cuts out the known middle: it splits the item twice and replaces
/// "b" with a skip. The split used to link the halves to each other, so "a" kept a
/// `right` pointer to the dropped "b", which `integrate_item` then read.
#[test]
fn an_update_whose_middle_the_doc_already_has_integrates_without_reading_freed_blocks() {
    let doc = Doc::new();
    let text = doc.get_or_insert_text("t");
    apply(&doc, &one_block(101, 1, &[0, 1])); // GC, length 1
    apply(&doc, &one_block(101, 0, &string_item("abc")));

    let txn = doc.transact();
    // "c"'s origin is the GC'd "b", so yrs places it at the start, as it would anyway.
    assert_eq!(text.get_string(&txn), "ca");
    assert_eq!(txn.state_vector().get(&ClientID::new(101)), 3);
    drop(txn);
    assert_eq!(reloaded_state_vector(&doc), doc.transact().state_vector());
}

/// Patch 2. Item content 2 (JSON) was read as `len + 1` strings but written as `len`,
/// so every state holding one re-encoded to bytes that no longer decode.
#[test]
fn json_content_decodes_the_number_of_strings_it_was_encoded_with() {
    let doc = Doc::new();
    let array = doc.get_or_insert_array("t");
    // info 2 (JSON), parent "t", one string: `"x"`.
    apply(
        &doc,
        &one_block(7, 0, &[2, 1, 1, b't', 1, 3, b'"', b'x', b'"']),
    );

    assert_eq!(array.len(&doc.transact()), 1);
    assert_eq!(reloaded_state_vector(&doc), doc.transact().state_vector());
}

/// Patch 3. Clocks are u32; a block or a deleted range ending past 2^32 - 1 used to wrap
/// in release builds, giving overlapping blocks that later broke the encoder
/// (`merge_pending_v1`'s unwrap, undecodable snapshots).
#[test]
fn a_block_or_deleted_range_ending_past_the_largest_clock_is_refused() {
    let gc_of_five = one_block(101, u32::MAX - 1, &[0, 5]);
    assert!(matches!(
        malformed(Update::decode_v1(&gc_of_five)),
        Some(MalformedKind::ClockOverflow)
    ));

    // No blocks; a delete set of client 101 from clock 2^32 - 1, length 2.
    let mut delete = vec![0, 1, 101, 1];
    delete.extend(var(u32::MAX.into()));
    delete.push(2);
    assert!(matches!(
        malformed(Update::decode_v1(&delete)),
        Some(MalformedKind::ClockOverflow)
    ));
}

/// Patch 4. Client ids have 53 bits; `ClientID::new` folded larger ones onto another
/// client's id in release builds (and hit a `debug_assert!` in debug builds).
#[test]
fn client_ids_over_53_bits_are_refused_instead_of_folded_onto_another_client() {
    let too_large = 1u64 << 53;
    assert!(matches!(
        malformed(Update::decode_v1(&one_block(too_large, 0, &[0, 1]))),
        Some(MalformedKind::ClientIdTooLarge)
    ));
    let mut state_vector = vec![1];
    state_vector.extend(var(too_large));
    state_vector.push(5);
    assert!(matches!(
        malformed(StateVector::decode_v1(&state_vector)),
        Some(MalformedKind::ClientIdTooLarge)
    ));
    // The largest allowed id still works.
    assert!(Update::decode_v1(&one_block(too_large - 1, 0, &[0, 1])).is_ok());
}

/// Patch 5. `Update::integrate` took the gap before an out-of-order block as an i32
/// difference, so a clock of 2^31 or more got no skip before it and `BlockStore::push`
/// panicked (`Option::unwrap()` on `None`).
#[test]
fn a_block_at_a_clock_of_2_31_or_more_integrates_behind_a_skip() {
    let doc = Doc::new();
    let text = doc.get_or_insert_text("t");
    apply(&doc, &one_block(101, 0, &string_item("abc")));
    apply(&doc, &one_block(101, 3_000_000_000, &string_item("d")));

    let txn = doc.transact();
    // Known up to the hole: the skip stands for the clocks not seen yet.
    assert_eq!(txn.state_vector().get(&ClientID::new(101)), 3);
    let content = text.get_string(&txn);
    assert!(
        content.contains("abc") && content.contains('d'),
        "{content:?}"
    );
    drop(txn);
    assert_eq!(reloaded_state_vector(&doc), doc.transact().state_vector());
}

/// The largest single allocation `work` asks for.
fn largest_request(work: impl FnOnce()) -> usize {
    LARGEST_REQUEST.store(0, Ordering::Relaxed);
    work();
    LARGEST_REQUEST.load(Ordering::Relaxed)
}

/// Patch 6. Counts read from the input (a map's length inside an `Any`, an array's, the
/// number of clients, of blocks, of state vector entries, of awareness states) were
/// reserved before any entry was read: a few bytes made the process ask for gigabytes.
#[test]
fn counts_from_the_input_reserve_no_more_than_the_bytes_that_follow() {
    const LIMIT: usize = 1024 * 1024;
    let huge = var(1 << 28);
    // Item content 8 (Any), one value: a map (118) or an array (117) of 2^28 entries.
    let any_map = one_block(7, 0, &[[8, 1, 1, b't', 1, 118].as_slice(), &huge].concat());
    let any_array = one_block(7, 0, &[[8, 1, 1, b't', 1, 117].as_slice(), &huge].concat());
    // Item content 8 (Any) with 2^28 values; content 2 (JSON) with 2^28 strings.
    let any_values = one_block(7, 0, &[[8, 1, 1, b't'].as_slice(), &huge].concat());
    let json_strings = one_block(7, 0, &[[2, 1, 1, b't'].as_slice(), &huge].concat());
    let clients = huge.clone();
    let blocks = [[1].as_slice(), &huge, &[7, 0]].concat();
    let inputs = [
        ("Any map", any_map),
        ("Any array", any_array),
        ("Any values", any_values),
        ("JSON strings", json_strings),
        ("clients", clients),
        ("blocks", blocks),
    ];
    for (what, input) in inputs {
        let asked = largest_request(|| assert!(Update::decode_v1(&input).is_err()));
        assert!(asked < LIMIT, "{what}: asked for {asked} bytes at once");
    }
    let asked = largest_request(|| assert!(StateVector::decode_v1(&huge).is_err()));
    assert!(
        asked < LIMIT,
        "state vector: asked for {asked} bytes at once"
    );
    let asked = largest_request(|| assert!(AwarenessUpdate::decode_v1(&huge).is_err()));
    assert!(asked < LIMIT, "awareness: asked for {asked} bytes at once");
}

/// Patch 7. An update may list a client twice; its second group of blocks was appended to
/// the first whatever its clock, so two blocks of the update could claim one clock. The
/// second then went into the block store at the first one's place: `BlockStore::push`
/// overwrote (and freed) the integrated "ab" while the text still linked it, a
/// use-after-free (found by the fuzzer as a second one, in `add_changed_type` and
/// `resolve_conflict`). Overlapping groups are now refused; a group after a gap gets a
/// skip, as a split update would.
#[test]
fn a_client_listed_twice_with_overlapping_blocks_is_refused() {
    // Two clients' worth of groups, both client 101 at clock 0: "ab", then "cd".
    let mut twice = vec![2];
    for text in ["ab", "cd"] {
        twice.extend([1, 101, 0]);
        twice.extend(string_item(text));
    }
    twice.push(0);
    assert!(matches!(
        malformed(Update::decode_v1(&twice)),
        Some(MalformedKind::OverlappingBlocks)
    ));

    // "ab" at 101#0, then "cd" at 101#5: decodes with a hole at 101#2..5.
    let mut gap = vec![2, 1, 101, 0];
    gap.extend(string_item("ab"));
    gap.extend([1, 101, 5]);
    gap.extend(string_item("cd"));
    gap.push(0);
    let doc = Doc::new();
    let text = doc.get_or_insert_text("t");
    apply(&doc, &gap);
    let txn = doc.transact();
    assert_eq!(txn.state_vector().get(&ClientID::new(101)), 2);
    let content = text.get_string(&txn);
    assert!(
        content.contains("ab") && content.contains("cd"),
        "{content:?}"
    );
    drop(txn);
    assert_eq!(reloaded_state_vector(&doc), doc.transact().state_vector());
}

/// Patch 8. `Block::splice` split a GC or skip block by returning the right part but
/// leaving the left one at full length. The doc holds a GC at 101#6..10 (behind a skip);
/// an update brings a GC at 101#0..11, which `Update::exclude` splits at 6: the "left"
/// part 0..11 still overlapped the known 6..10, `BlockStore::push` computed the rest of
/// the skip as `6 - 11` (wrapping to a skip of 2^32 - 5), and the state encoded to bytes
/// that do not decode ("clock range ends past 2^32 - 1"; with a pending update,
/// `merge_pending_v1`'s unwrap panicked on them).
#[test]
fn splitting_a_gc_block_shortens_its_left_part() {
    let doc = Doc::new();
    apply(&doc, &one_block(101, 6, &[0, 4])); // GC 6..10
    apply(&doc, &one_block(101, 0, &[0, 11])); // GC 0..11

    assert_eq!(doc.transact().state_vector().get(&ClientID::new(101)), 11);
    assert_eq!(reloaded_state_vector(&doc), doc.transact().state_vector());
}
