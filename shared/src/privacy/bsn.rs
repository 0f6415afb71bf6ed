//! A BSN: nine digits that pass the eleven-test, written together or in groups with
//! dots, dashes or spaces (`123456782`, `123.456.782`, `1234-56-782`, `123 45 6782`),
//! also when other numbers follow it (`123456782 12`, `123456782-01`).

use super::{follows_alphanumeric, Finding, Kind};

/// The eleven-test of a BSN.
pub fn is_valid_bsn(digits: &[u8]) -> bool {
    if digits.len() != 9 || digits.iter().all(|&d| d == 0) {
        return false;
    }
    let sum: i64 = digits[..8]
        .iter()
        .zip((2..=9).rev())
        .map(|(&d, weight)| i64::from(d) * weight)
        .sum::<i64>()
        - i64::from(digits[8]);
    sum % 11 == 0
}

/// The end of a BSN written from `start`: groups of digits with one separator between
/// them, ending at a group's end once nine digits are read.
fn bsn_at(bytes: &[u8], start: usize) -> Option<usize> {
    let mut digits: Vec<u8> = Vec::with_capacity(9);
    let mut i = start;
    loop {
        while let Some(byte) = bytes.get(i).filter(|b| b.is_ascii_digit()) {
            digits.push(byte - b'0');
            i += 1;
            if digits.len() > 9 {
                return None;
            }
        }
        if digits.len() == 9 {
            let letter_after = bytes.get(i).is_some_and(u8::is_ascii_alphabetic);
            return (!letter_after && is_valid_bsn(&digits)).then_some(i);
        }
        let separated = matches!(bytes.get(i), Some(b'.' | b'-' | b' '))
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !separated {
            return None;
        }
        i += 1;
    }
}

pub(super) fn bsns(text: &str) -> Vec<Finding> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // A BSN starts a number, or a group after a space ("nummer 12 123456782").
        // Not inside an amount or a number written with dots ("1.234.567.890").
        let inside_number =
            i >= 2 && matches!(bytes[i - 1], b'.' | b',' | b'-') && bytes[i - 2].is_ascii_digit();
        let starts = bytes[i].is_ascii_digit() && !follows_alphanumeric(bytes, i) && !inside_number;
        match starts.then(|| bsn_at(bytes, i)).flatten() {
            Some(end) => {
                found.push(Finding {
                    kind: Kind::Bsn,
                    range: i..end,
                });
                i = end;
            }
            None => i += 1,
        }
    }
    found
}
