//! An address: a postcode with a house number (`1234 AB 12`, `1234ab 12`, `1234AB12`,
//! `Dorpsstraat 14a, 1234AB`), or a street name with a house number without a postcode
//! (`Dorpsstraat 12`, `Kerkweg 3a`, `Laan van Meerdervoort 120`).
//!
//! A postcode's letters never include F, I, O, Q, U or Y (nor SA, SD, SS), which keeps
//! most Dutch words out; in lower case the short words and units that remain (`en`,
//! `mg`, …) are left out too. A street is a word ending in a street suffix; written in
//! lower case it counts only after a cue such as "woont" or "adres". A number that counts
//! something ("Zaandijk 2 jaar") is no house number.

use super::{counted_at, follows_alphanumeric, is_digit_at, listed, Finding, Kind};

/// Letters Dutch postcodes never use.
const NOT_IN_POSTCODES: &[u8] = b"FIOQUY";

/// Two lower-case letters after four digits that are a word or a unit, not a postcode.
const LOWER_CASE_WORDS: &[&[u8]] = &[
    b"en", b"de", b"te", b"al", b"er", b"ze", b"we", b"je", b"na", b"ja", b"ga", b"ma", b"pa",
    b"la", b"da", b"ad", b"ex", b"bv", b"mg", b"ml", b"kg", b"km", b"cm", b"mm", b"gr", b"dl",
    b"cl", b"mb", b"gb", b"kb", b"st", b"pp", b"nr", b"ca", b"cc", b"wk", b"dd", b"mn", b"zn",
    b"me", b"he", b"eh",
];

/// Endings of Dutch street names.
const STREET_SUFFIXES: &str = "\
    straat weg laan plein gracht kade singel dijk pad hof steeg dreef markt plantsoen \
    allee boulevard wal";

/// Street words that begin a street's name, as in "Laan van Meerdervoort".
const STREET_WORDS: &str = "laan weg plein kade singel dijk hof straat";

/// Words ending like a street that are none.
const NOT_STREETS: &str = "onderweg halfweg halverweg zijweg eenrichtingweg kerkhof";

/// Small words inside a street's name: "Laan van Meerdervoort", "Plein 't Hof".
const STREET_LINKS: &str = "van de der den het t ter ten op";

/// Words before a lower-case street name that say an address follows.
const ADDRESS_CUES: &str = "woont wonend woonachtig adres verhuisd woonde";

/// A Dutch postcode ("1234 AB", "1234AB", "1234 ab") at `start`: its end.
fn postcode_at(bytes: &[u8], start: usize) -> Option<usize> {
    if follows_alphanumeric(bytes, start) {
        return None;
    }
    let digits = bytes.get(start..start + 4)?;
    if !digits.iter().all(u8::is_ascii_digit) || digits[0] == b'0' {
        return None;
    }
    let mut i = start + 4;
    if bytes.get(i) == Some(&b' ') {
        i += 1;
    }
    let letters = bytes.get(i..i + 2)?;
    let upper = letters.iter().all(u8::is_ascii_uppercase);
    let lower = letters.iter().all(u8::is_ascii_lowercase);
    if !(upper || lower)
        || letters
            .iter()
            .any(|l| NOT_IN_POSTCODES.contains(&l.to_ascii_uppercase()))
        || matches!(letters, b"SA" | b"SD" | b"SS" | b"sa" | b"sd" | b"ss")
        || lower && LOWER_CASE_WORDS.contains(&letters)
    {
        return None;
    }
    let end = i + 2;
    if bytes.get(end).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    Some(end)
}

/// A house number ("12", "12a", "12A", "12-3") starting at `start`: its end.
fn house_number_at(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    while is_digit_at(bytes, i) && i - start < 5 {
        i += 1;
    }
    if i == start || bytes[start] == b'0' || is_digit_at(bytes, i) {
        return None;
    }
    if bytes.get(i).is_some_and(u8::is_ascii_alphabetic)
        && !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic)
    {
        i += 1;
    } else if bytes.get(i) == Some(&b'-') && is_digit_at(bytes, i + 1) {
        i += 1;
        while is_digit_at(bytes, i) {
            i += 1;
        }
    }
    if bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    Some(i)
}

/// A postcode with a house number: "1234 AB 12", or "Dorpsstraat 12, 1234 AB".
fn postcode_addresses(text: &str, found: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    for start in 0..bytes.len() {
        let Some(end) = postcode_at(bytes, start) else {
            continue;
        };
        let lower = bytes[end - 1].is_ascii_lowercase();
        // After: separators (or none before digits), then a house number.
        let mut after = end;
        while matches!(bytes.get(after), Some(b' ' | b',')) {
            after += 1;
        }
        if let Some(number_end) = house_number_at(bytes, after) {
            if !(lower && counted_at(text, number_end)) {
                found.push(Finding {
                    kind: Kind::Address,
                    range: start..number_end,
                });
                continue;
            }
        }
        if is_digit_at(bytes, end) {
            continue;
        }
        // Before: "straat 12, " then the postcode.
        let mut before = start;
        while before > 0 && matches!(bytes[before - 1], b' ' | b',') {
            before -= 1;
        }
        let mut number_start = before;
        while number_start > 0
            && (bytes[number_start - 1].is_ascii_digit()
                || bytes[number_start - 1].is_ascii_alphabetic() && number_start == before)
        {
            number_start -= 1;
        }
        let has_number = number_start < before && house_number_at(bytes, number_start).is_some();
        let after_word = number_start > 1
            && bytes[number_start - 1] == b' '
            && bytes[number_start - 2].is_ascii_alphabetic();
        if has_number && after_word && before < start {
            // Include the street name: the word before the number.
            let mut street = number_start - 1;
            while street > 0 && bytes[street - 1].is_ascii_alphabetic() {
                street -= 1;
            }
            found.push(Finding {
                kind: Kind::Address,
                range: street..end,
            });
        }
    }
}

/// The word (ASCII letters) that ends at `end`: its start.
fn word_before(bytes: &[u8], end: usize) -> usize {
    let mut start = end;
    while start > 0 && bytes[start - 1].is_ascii_alphabetic() {
        start -= 1;
    }
    start
}

/// Whether `word` is a street name by its ending: "Dorpsstraat", "Kerkweg".
fn is_street(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    STREET_SUFFIXES
        .split_whitespace()
        .any(|suffix| lower.len() >= suffix.len() + 2 && lower.ends_with(suffix))
        && !listed(NOT_STREETS, &lower)
}

/// Where a street's name begins that ends with the word at `word..`: earlier for "Laan van
/// Meerdervoort" (a street word, small words, the name), else `word`; `None` if it is no
/// street.
fn street_start(text: &str, word: usize, word_end: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if is_street(&text[word..word_end]) {
        return Some(word);
    }
    if !bytes[word].is_ascii_uppercase() {
        return None;
    }
    // Back over small words to a capitalised street word.
    let mut at = word;
    for _ in 0..3 {
        if at < 2 || bytes[at - 1] != b' ' {
            return None;
        }
        let start = word_before(bytes, at - 1);
        let previous = text[start..at - 1].to_ascii_lowercase();
        if start == at - 1 {
            return None;
        }
        if listed(STREET_WORDS, &previous) && bytes[start].is_ascii_uppercase() {
            return (at != word).then_some(start);
        }
        if !listed(STREET_LINKS, &previous) {
            return None;
        }
        at = start;
    }
    None
}

/// A street name with a house number, without a postcode.
fn street_addresses(text: &str, found: &mut Vec<Finding>) {
    let bytes = text.as_bytes();
    let lower = text.to_ascii_lowercase();
    for number in 2..bytes.len() {
        if bytes[number - 1] != b' ' || !bytes[number - 2].is_ascii_alphabetic() {
            continue;
        }
        let Some(number_end) = house_number_at(bytes, number) else {
            continue;
        };
        let word = word_before(bytes, number - 1);
        if follows_alphanumeric(bytes, word) || counted_at(text, number_end) {
            continue;
        }
        let Some(start) = street_start(text, word, number - 1) else {
            continue;
        };
        let cue_from = start.saturating_sub(30);
        let cued = lower.get(cue_from..start).is_some_and(|before| {
            ADDRESS_CUES
                .split_whitespace()
                .any(|cue| before.contains(cue))
        });
        if bytes[start].is_ascii_uppercase() || cued {
            found.push(Finding {
                kind: Kind::Address,
                range: start..number_end,
            });
        }
    }
}

pub(super) fn addresses(text: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    postcode_addresses(text, &mut found);
    street_addresses(text, &mut found);
    found
}
