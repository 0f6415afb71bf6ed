//! A date of birth: a full date ("12-03-1985", "12/3/1985", "12.03.1985", "12 maart
//! 1985", ISO "1985-03-12") with a birth cue nearby, or any full date before
//! [`OLDEST_EVENT_YEAR`]; after a birth cue also a two-digit year ("geb. 2-3-48",
//! "geboren 02-03-'48", "geb. 2 maart '48").

use super::{follows_alphanumeric, is_digit_at, Finding, Kind, MONTHS, OLDEST_EVENT_YEAR};

/// Words that mark a nearby date as a date of birth.
const BIRTH_CUES: &[&str] = &["geboren", "geb.", "geboortedatum", "geboortedag", "°"];

/// A date found: where it ends, its year, and whether the year had only two digits.
struct Date {
    end: usize,
    year: u32,
    two_digit_year: bool,
}

/// A number of `min..=max` digits at `from`, not followed by another digit: its value and
/// end.
fn number(text: &str, from: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while is_digit_at(bytes, i) && i - from < max {
        i += 1;
    }
    if i - from < min || is_digit_at(bytes, i) {
        return None;
    }
    Some((text.get(from..i)?.parse().ok()?, i))
}

/// An ISO date at `start`: "1948-03-02".
fn iso_date_at(text: &str, start: usize) -> Option<Date> {
    let bytes = text.as_bytes();
    let (year, i) = number(text, start, 4, 4)?;
    if bytes.get(i) != Some(&b'-') {
        return None;
    }
    let (month, j) = number(text, i + 1, 2, 2)?;
    if bytes.get(j) != Some(&b'-') {
        return None;
    }
    let (day, end) = number(text, j + 1, 2, 2)?;
    let good = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (1900..=2100).contains(&year)
        && !bytes.get(end).is_some_and(u8::is_ascii_alphanumeric);
    good.then_some(Date {
        end,
        year,
        two_digit_year: false,
    })
}

/// A date at `start`: day, month (a number or a month's name) and year.
fn date_at(text: &str, start: usize) -> Option<Date> {
    let bytes = text.as_bytes();
    if follows_alphanumeric(bytes, start) {
        return None;
    }
    if let Some(date) = iso_date_at(text, start) {
        return Some(date);
    }
    let (day, i) = number(text, start, 1, 2)?;
    if !(1..=31).contains(&day) {
        return None;
    }
    let (month, year_start) = match bytes.get(i) {
        Some(&sep @ (b'-' | b'/' | b'.')) => {
            let (month, j) = number(text, i + 1, 1, 2)?;
            (bytes.get(j) == Some(&sep)).then_some((month, j + 1))?
        }
        Some(b' ') => {
            let rest = &bytes[i + 1..];
            let index = MONTHS.iter().position(|m| {
                rest.get(..m.len())
                    .is_some_and(|word| word.eq_ignore_ascii_case(m.as_bytes()))
            })?;
            let after = i + 1 + MONTHS[index].len();
            (bytes.get(after) == Some(&b' ')).then_some((index as u32 + 1, after + 1))?
        }
        _ => return None,
    };
    if !(1..=12).contains(&month) {
        return None;
    }
    if let Some((year, end)) = number(text, year_start, 4, 4) {
        return (1900..=2100).contains(&year).then_some(Date {
            end,
            year,
            two_digit_year: false,
        });
    }
    // "'48" or "48".
    let digits_start = year_start + usize::from(bytes.get(year_start) == Some(&b'\''));
    let (short, end) = number(text, digits_start, 2, 2)?;
    if bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    Some(Date {
        end,
        year: 1900 + short,
        two_digit_year: true,
    })
}

pub(super) fn dates_of_birth(text: &str) -> Vec<Finding> {
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut start = 0;
    while start < text.len() {
        if !text.is_char_boundary(start) {
            start += 1;
            continue;
        }
        let Some(date) = date_at(text, start) else {
            start += 1;
            continue;
        };
        let mut window_start = start.saturating_sub(30);
        while !lower.is_char_boundary(window_start) {
            window_start -= 1;
        }
        let cue = BIRTH_CUES
            .iter()
            .any(|cue| lower[window_start..start].contains(cue));
        if cue || !date.two_digit_year && date.year < OLDEST_EVENT_YEAR {
            found.push(Finding {
                kind: Kind::DateOfBirth,
                range: start..date.end,
            });
        }
        start = date.end;
    }
    found
}
