//! Binds a `<textarea>` to a shared `Y.Text`, so several people can type in the same
//! field at once: local typing becomes minimal insert/delete operations, and remote
//! changes update the field while keeping the local cursor where the person left it.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use web_sys::HtmlTextAreaElement;
use yrs::types::text::TextEvent;
use yrs::types::Delta;
use yrs::{Doc, GetString, Observable, Text, TextRef, Transact, TransactionMut};

/// The smallest edit that turns `old` into `new`, in UTF-16 units: `(start, removed,
/// inserted)`. Never splits a surrogate pair.
pub fn diff(old: &[u16], new: &[u16]) -> (u32, u32, Vec<u16>) {
    let splits = |units: &[u16], at: usize| {
        at > 0
            && at < units.len()
            && is_high_surrogate(units[at - 1])
            && is_low_surrogate(units[at])
    };
    let mut prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    while prefix > 0 && (splits(old, prefix) || splits(new, prefix)) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while suffix > 0 && (splits(old, old.len() - suffix) || splits(new, new.len() - suffix)) {
        suffix -= 1;
    }
    let removed = old.len() - prefix - suffix;
    let inserted = new[prefix..new.len() - suffix].to_vec();
    (prefix as u32, removed as u32, inserted)
}

fn is_high_surrogate(unit: u16) -> bool {
    (0xD800..0xDC00).contains(&unit)
}

fn is_low_surrogate(unit: u16) -> bool {
    (0xDC00..0xE000).contains(&unit)
}

/// Applies what the person typed in `area` to `text`.
pub fn push_local_edit(doc: &Doc, text: &TextRef, area: &HtmlTextAreaElement) {
    let new: Vec<u16> = area.value().encode_utf16().collect();
    let mut txn = doc.transact_mut();
    let old: Vec<u16> = text.get_string(&txn).encode_utf16().collect();
    let (start, removed, inserted) = diff(&old, &new);
    if removed > 0 {
        text.remove_range(&mut txn, start, removed);
    }
    if !inserted.is_empty() {
        text.insert(&mut txn, start, &String::from_utf16_lossy(&inserted));
    }
}

/// Moves a cursor position through a remote change.
fn shift(position: u32, delta: &[Delta]) -> u32 {
    let mut index = 0u32;
    let mut moved = position;
    for change in delta {
        if index > position {
            break;
        }
        match change {
            Delta::Retain(n, _) => index += n,
            Delta::Inserted(value, _) => {
                let length = value.to_string().encode_utf16().count() as u32;
                // Text someone else inserts exactly at the cursor goes after it, so two
                // people typing at the same spot each keep their words together.
                if index < position {
                    moved += length;
                }
                index += length;
            }
            Delta::Deleted(n) => {
                let deleted_before = (*n).min(position.saturating_sub(index));
                moved = moved.saturating_sub(deleted_before);
            }
        }
    }
    moved
}

/// Keeps `area` showing `text`: applies remote changes as they arrive. Observing again
/// under the same `key` replaces the earlier binding.
pub fn follow_remote_edits(key: &str, text: &TextRef, area: HtmlTextAreaElement) {
    let area = SendWrapper::new(area);
    text.observe(
        key.to_owned(),
        move |txn: &TransactionMut, event: &TextEvent| {
            let content = event.target().get_string(txn);
            if area.value() == content {
                return;
            }
            let delta = event.delta(txn);
            let start = area.selection_start().ok().flatten().unwrap_or(0);
            let end = area.selection_end().ok().flatten().unwrap_or(0);
            area.set_value(&content);
            let _ = area.set_selection_range(shift(start, delta), shift(end, delta));
        },
    );
}

/// The content of `text` as a signal that follows every change, local or remote. `key`
/// names the observer (one per text and component).
pub fn watch_text(doc: &Doc, text: &TextRef, key: String) -> RwSignal<String> {
    let content = RwSignal::new(text.get_string(&doc.transact()));
    text.observe(key, move |txn: &TransactionMut, event: &TextEvent| {
        content.set(event.target().get_string(txn));
    });
    content
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(text: &str) -> Vec<u16> {
        text.encode_utf16().collect()
    }

    fn apply(old: &str, new: &str) -> String {
        let (start, removed, inserted) = diff(&units(old), &units(new));
        let mut result = units(old);
        result.splice(start as usize..(start + removed) as usize, inserted);
        String::from_utf16(&result).expect("valid UTF-16")
    }

    #[test]
    fn finds_the_minimal_edit() {
        assert_eq!(
            diff(&units("Geduld"), &units("Geduldig")),
            (6, 0, units("ig"))
        );
        assert_eq!(diff(&units("Respect"), &units("Resect")), (3, 1, vec![]));
        assert_eq!(diff(&units("aaa"), &units("aaaa")), (3, 0, units("a")));
        assert_eq!(diff(&units("abc"), &units("abc")), (3, 0, vec![]));
    }

    #[test]
    fn every_edit_reproduces_the_new_text_even_with_emoji_and_accents() {
        let cases = [
            ("", "Betrokkenheid"),
            ("Eerlijkheid", ""),
            ("👍🏽 goed", "👍🏿 goed"),
            ("café", "cafés"),
            ("a😀b", "a😁b"),
            ("😀😀", "😀"),
            ("ë", "ï"),
        ];
        for (old, new) in cases {
            assert_eq!(apply(old, new), new, "{old:?} -> {new:?}");
            let (start, removed, inserted) = diff(&units(old), &units(new));
            assert!(
                String::from_utf16(&inserted).is_ok(),
                "no split pairs in {old:?} -> {new:?}"
            );
            let removed_part = &units(old)[start as usize..(start + removed) as usize];
            assert!(
                String::from_utf16(removed_part).is_ok(),
                "no split pairs removed"
            );
        }
    }

    #[test]
    fn cursors_move_with_remote_inserts_before_them() {
        let insert_at_start = [Delta::Inserted("ab".into(), None)];
        assert_eq!(shift(3, &insert_at_start), 5);
        let insert_after = [Delta::Retain(5, None), Delta::Inserted("x".into(), None)];
        assert_eq!(shift(3, &insert_after), 3);
        let insert_at_cursor = [Delta::Retain(3, None), Delta::Inserted("x".into(), None)];
        assert_eq!(
            shift(3, &insert_at_cursor),
            3,
            "the cursor stays before text inserted at it"
        );
        let delete_before = [Delta::Retain(1, None), Delta::Deleted(2)];
        assert_eq!(shift(4, &delete_before), 2);
    }
}
