//! A Dutch phone number: mobile or landline, with any of the separators people use
//! (`06-12345678`, `06 1234 5678`, `010 123 4567`, `(020) 123 45 67`, `020/1234567`),
//! and in international form (`+31 6 12345678`, `0031 20 1234567`, `+31 (0)6 12345678`).
//! Other numbers may follow it (`06-12345678 2x`): the number ends where its nine
//! national digits do.

use super::{follows_alphanumeric, Finding, Kind};

/// The end of a phone number written from `start` (a digit, `+` or `(`).
fn phone_at(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    let plus = bytes.get(i) == Some(&b'+');
    if plus {
        i += 1;
    }
    let mut digits: Vec<u8> = Vec::with_capacity(13);
    let mut trunk_zero = false;
    loop {
        // One group: digits, or digits in brackets.
        let bracketed = bytes.get(i) == Some(&b'(');
        if bracketed {
            i += 1;
        }
        let group_start = i;
        while let Some(byte) = bytes.get(i).filter(|b| b.is_ascii_digit()) {
            digits.push(byte - b'0');
            i += 1;
        }
        if i == group_start || digits.len() > 13 {
            return None;
        }
        if bracketed {
            if bytes.get(i) != Some(&b')') {
                return None;
            }
            i += 1;
            // "+31 (0)6 …": the trunk zero in brackets right after the country code.
            if &bytes[group_start..i - 1] == b"0" {
                let after_country = match digits.as_slice() {
                    [3, 1, 0] => plus,
                    [0, 0, 3, 1, 0] => !plus,
                    _ => false,
                };
                if !after_country || trunk_zero {
                    return None;
                }
                trunk_zero = true;
                digits.pop();
            }
        }
        let national = match digits.as_slice() {
            [3, 1, rest @ ..] if plus => Some(rest),
            [0, 0, 3, 1, rest @ ..] if !plus => Some(rest),
            [0, rest @ ..] if !plus => Some(rest),
            _ => None,
        };
        let national = national?;
        if national.len() >= 9 {
            let letter_after = bytes.get(i).is_some_and(u8::is_ascii_alphanumeric);
            let good = national.len() == 9 && national[0] != 0 && !letter_after;
            return good.then_some(i);
        }
        // A separator: a space, a dash, a dot or a slash, or a dash between spaces.
        let mut next = i;
        if bytes.get(next) == Some(&b' ') {
            next += 1;
        }
        if matches!(bytes.get(next), Some(b'-' | b'.' | b'/')) {
            next += 1;
            if bytes.get(next) == Some(&b' ') && bytes.get(i) == Some(&b' ') {
                next += 1;
            }
        }
        let continues = bytes.get(next).is_some_and(u8::is_ascii_digit)
            || bytes.get(next) == Some(&b'(')
                && bytes.get(next + 1).is_some_and(u8::is_ascii_digit);
        if !continues {
            return None;
        }
        i = next;
    }
}

pub(super) fn phones(text: &str) -> Vec<Finding> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let starts = match byte {
            b'+' | b'(' => bytes.get(i + 1).is_some_and(u8::is_ascii_digit),
            _ => byte.is_ascii_digit() && !(i > 0 && matches!(bytes[i - 1], b'+' | b'(')),
        } && !follows_alphanumeric(bytes, i);
        match starts.then(|| phone_at(bytes, i)).flatten() {
            Some(end) => {
                found.push(Finding {
                    kind: Kind::Phone,
                    range: i..end,
                });
                i = end;
            }
            None => i += 1,
        }
    }
    found
}
