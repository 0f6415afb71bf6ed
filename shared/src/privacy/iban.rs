//! An IBAN that passes its mod-97 check, in capitals or not, together or grouped in fours
//! (`NL91ABNA0417164300`, `NL91 ABNA 0417 1643 00`, `nl91abna0417164300`). A Dutch one
//! must also have the Dutch form: four letters of the bank, then ten digits.

use super::{follows_alphanumeric, is_digit_at, Finding, Kind};

/// Countries whose IBANs are also recognised in lower case (where lower-case letters and
/// digits are less likely to be anything else).
const LOWER_CASE_COUNTRIES: &[&[u8]] = &[b"nl", b"be", b"de"];

/// Whether `chars` (upper case) pass the mod-97 check and, for a Dutch IBAN, its form.
fn is_valid_iban(chars: &[u8]) -> bool {
    if chars.len() < 15 || chars.len() > 34 {
        return false;
    }
    if chars.starts_with(b"NL")
        && !(chars.len() == 18
            && chars[4..8].iter().all(u8::is_ascii_uppercase)
            && chars[8..].iter().all(u8::is_ascii_digit))
    {
        return false;
    }
    // Move the country and check digits to the end, letters as 10..35, then mod 97.
    let rearranged = chars[4..].iter().chain(&chars[..4]);
    let mut remainder: u32 = 0;
    for &c in rearranged {
        let value = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder == 1
}

/// The end of an IBAN written from `start` (letters and digits, in groups with single
/// spaces between them): the first group's end where the characters read form one.
fn iban_at(bytes: &[u8], start: usize) -> Option<usize> {
    let country = bytes.get(start..start + 2)?;
    let upper = country.iter().all(u8::is_ascii_uppercase);
    let lower = LOWER_CASE_COUNTRIES.contains(&country);
    if !(upper || lower) || !is_digit_at(bytes, start + 2) || !is_digit_at(bytes, start + 3) {
        return None;
    }
    if follows_alphanumeric(bytes, start) {
        return None;
    }
    let mut chars: Vec<u8> = Vec::with_capacity(34);
    let mut i = start;
    while chars.len() <= 34 {
        while let Some(&byte) = bytes.get(i).filter(|b| b.is_ascii_alphanumeric()) {
            let allowed = byte.is_ascii_digit() || byte.is_ascii_uppercase() == upper;
            if !allowed {
                return None;
            }
            chars.push(byte.to_ascii_uppercase());
            i += 1;
        }
        if is_valid_iban(&chars) {
            return Some(i);
        }
        let grouped =
            bytes.get(i) == Some(&b' ') && bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric);
        if !grouped {
            return None;
        }
        i += 1;
    }
    None
}

pub(super) fn ibans(text: &str) -> Vec<Finding> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        match iban_at(bytes, i) {
            Some(end) => {
                found.push(Finding {
                    kind: Kind::Iban,
                    range: i..end,
                });
                i = end;
            }
            None => i += 1,
        }
    }
    found
}
