//! The privacy guard: finds text that looks like personal data of a client, so the
//! interface can warn while people type and offer to put a placeholder in its place, and
//! exports can leave out what nobody cleared (`METHOD.md`, "Privacy").
//!
//! It recognises Dutch forms: a BSN that passes the eleven-test, phone numbers (mobile,
//! landline, +31/0031), e-mail addresses, a postcode with a house number, a date of birth
//! (a full date with a birth cue nearby, or any full date before [`OLDEST_EVENT_YEAR`]),
//! and an IBAN that passes its mod-97 check. It is written by hand rather than with a
//! regular-expression engine because the browser client runs the same code and every
//! kilobyte of WebAssembly counts; the checks (eleven-test, mod 97) keep it quiet on
//! ordinary numbers in case prose.
//!
//! Offsets are byte offsets into the `&str` given, always on character boundaries.

use std::ops::Range;

/// The kinds of personal data the guard looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Bsn,
    Phone,
    Email,
    Address,
    DateOfBirth,
    Iban,
}

impl Kind {
    /// What replaces the text, in Dutch: says what was there without saying it.
    pub fn placeholder(self) -> &'static str {
        match self {
            Kind::Bsn => "[BSN]",
            Kind::Phone => "[telefoonnummer]",
            Kind::Email => "[e-mailadres]",
            Kind::Address => "[adres]",
            Kind::DateOfBirth => "[geboortedatum]",
            Kind::Iban => "[rekeningnummer]",
        }
    }
}

impl Kind {
    /// What the text looks like, in English and in Dutch: `("a BSN", "een BSN")`.
    pub fn described(self) -> (&'static str, &'static str) {
        match self {
            Kind::Bsn => ("a BSN", "een BSN"),
            Kind::Phone => ("a phone number", "een telefoonnummer"),
            Kind::Email => ("an e-mail address", "een e-mailadres"),
            Kind::Address => ("an address", "een adres"),
            Kind::DateOfBirth => ("a date of birth", "een geboortedatum"),
            Kind::Iban => ("a bank account number", "een rekeningnummer"),
        }
    }
}

/// The findings in `text` that nobody has cleared; `cleared` says whether someone
/// declared a flagged stretch of text not to be personal data.
pub fn uncleared(text: &str, cleared: impl Fn(&str) -> bool) -> Vec<Finding> {
    scan(text)
        .into_iter()
        .filter(|finding| !cleared(&text[finding.range.clone()]))
        .collect()
}

/// What an export may show of one text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForExport<'a> {
    /// The text as it is.
    Show(&'a str),
    /// Nothing: the text holds what looks like personal data that nobody cleared, of
    /// these kinds. The export says a text was left out, and why.
    Withheld(Vec<Kind>),
}

/// Whether an export may show `text` (see [`uncleared`] for `cleared`).
pub fn for_export(text: &str, cleared: impl Fn(&str) -> bool) -> ForExport<'_> {
    let mut kinds: Vec<Kind> = Vec::new();
    for finding in uncleared(text, cleared) {
        if !kinds.contains(&finding.kind) {
            kinds.push(finding.kind);
        }
    }
    if kinds.is_empty() {
        ForExport::Show(text)
    } else {
        ForExport::Withheld(kinds)
    }
}

/// A stretch of text that looks like personal data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub kind: Kind,
    pub range: Range<usize>,
}

/// Full dates in years before this one are taken for dates of birth even without a cue:
/// case prose is about recent events, while a date decades back is most likely someone's
/// birthday.
pub const OLDEST_EVENT_YEAR: u32 = 2010;

/// Words that mark a nearby date as a date of birth.
const BIRTH_CUES: [&str; 5] = ["geboren", "geb.", "geboortedatum", "geboortedag", "°"];

/// The Dutch month names, January first.
pub(crate) const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// Everything in `text` that looks like personal data, in order, not overlapping.
pub fn scan(text: &str) -> Vec<Finding> {
    let mut found: Vec<Finding> = Vec::new();
    found.extend(emails(text));
    found.extend(ibans(text));
    found.extend(addresses(text));
    found.extend(dates_of_birth(text));
    found.extend(phones(text));
    found.extend(bsns(text));
    found.sort_by_key(|f| (f.range.start, std::cmp::Reverse(f.range.end)));
    let mut kept: Vec<Finding> = Vec::with_capacity(found.len());
    for finding in found {
        if kept
            .last()
            .is_none_or(|last| finding.range.start >= last.range.end)
        {
            kept.push(finding);
        }
    }
    kept
}

/// `text` with every finding replaced by its placeholder.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for finding in scan(text) {
        out.push_str(&text[at..finding.range.start]);
        out.push_str(finding.kind.placeholder());
        at = finding.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A run of digits, possibly broken by single separators from `separators`: its byte
/// range and the digits.
struct DigitRun {
    range: Range<usize>,
    digits: Vec<u8>,
}

fn is_digit_at(bytes: &[u8], index: usize) -> bool {
    bytes.get(index).is_some_and(u8::is_ascii_digit)
}

/// Digit runs starting at a digit not preceded by a digit or letter, allowing one
/// separator from `separators` between digits.
fn digit_runs(text: &str, separators: &[u8]) -> Vec<DigitRun> {
    let bytes = text.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts =
            bytes[i].is_ascii_digit() && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric()));
        if !starts {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = Vec::new();
        let mut end = i;
        while i < bytes.len() {
            if bytes[i].is_ascii_digit() {
                digits.push(bytes[i] - b'0');
                i += 1;
                end = i;
            } else if separators.contains(&bytes[i]) && is_digit_at(bytes, i + 1) {
                i += 1;
            } else {
                break;
            }
        }
        let followed_by_letter = bytes.get(end).is_some_and(u8::is_ascii_alphabetic);
        if !followed_by_letter {
            runs.push(DigitRun {
                range: start..end,
                digits,
            });
        }
        i = end.max(start + 1);
    }
    runs
}

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

fn bsns(text: &str) -> Vec<Finding> {
    digit_runs(text, b". ")
        .into_iter()
        .filter(|run| is_valid_bsn(&run.digits))
        .map(|run| Finding {
            kind: Kind::Bsn,
            range: run.range,
        })
        .collect()
}

fn phones(text: &str) -> Vec<Finding> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for run in digit_runs(text, b" -.") {
        let mut start = run.range.start;
        let digits = &run.digits;
        // "+31 6 …": the plus sign belongs to the number.
        let international = start > 0 && bytes[start - 1] == b'+';
        if international {
            start -= 1;
        }
        // "+31 (0)20 …": the country code stands before a "(0)".
        let before = text[..start].trim_end();
        if let Some(code) = before.strip_suffix("(0)").map(str::trim_end) {
            if let Some(prefix) = ["+31", "0031"].iter().find(|p| code.ends_with(**p)) {
                if digits.len() == 9 && digits[0] != 0 {
                    found.push(Finding {
                        kind: Kind::Phone,
                        range: code.len() - prefix.len()..run.range.end,
                    });
                }
                continue;
            }
        }
        let national = match digits.as_slice() {
            [3, 1, rest @ ..] if international => rest,
            [0, 0, 3, 1, rest @ ..] => rest,
            [0, rest @ ..] if !international => rest,
            _ => continue,
        };
        if national.len() == 9 && national[0] != 0 {
            found.push(Finding {
                kind: Kind::Phone,
                range: start..run.range.end,
            });
        }
    }
    found
}

fn is_email_local(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"._%+-".contains(&byte)
}

fn is_email_domain(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b".-".contains(&byte)
}

fn emails(text: &str) -> Vec<Finding> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for (at, _) in text.match_indices('@') {
        let mut start = at;
        while start > 0 && is_email_local(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && is_email_domain(bytes[end]) {
            end += 1;
        }
        // A sentence's full stop is not part of the domain.
        while end > at + 1 && bytes[end - 1] == b'.' {
            end -= 1;
        }
        let domain = &text[at + 1..end];
        let top_level = domain.rsplit('.').next().unwrap_or("");
        let good = start < at
            && domain.contains('.')
            && top_level.len() >= 2
            && top_level.bytes().all(|b| b.is_ascii_alphabetic());
        if good {
            found.push(Finding {
                kind: Kind::Email,
                range: start..end,
            });
        }
    }
    found
}

/// The end of an IBAN written from `start` (letters, digits, single spaces), if the
/// characters there form one that passes the mod-97 check.
fn iban_at(bytes: &[u8], start: usize) -> Option<usize> {
    let upper = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_uppercase);
    if !(upper(start)
        && upper(start + 1)
        && is_digit_at(bytes, start + 2)
        && is_digit_at(bytes, start + 3))
    {
        return None;
    }
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return None;
    }
    let mut chars: Vec<u8> = Vec::new();
    let mut end = start;
    let mut i = start;
    while i < bytes.len() && chars.len() < 34 {
        let byte = bytes[i];
        if byte.is_ascii_digit() || byte.is_ascii_uppercase() {
            chars.push(byte);
            i += 1;
            end = i;
        } else if byte == b' ' && bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphanumeric()) {
            i += 1;
        } else {
            break;
        }
    }
    if chars.len() < 15 {
        return None;
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
    (remainder == 1).then_some(end)
}

fn ibans(text: &str) -> Vec<Finding> {
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

/// A Dutch postcode ("1234 AB" or "1234AB") at `start`: its end.
fn postcode_at(bytes: &[u8], start: usize) -> Option<usize> {
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
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
    if !letters.iter().all(u8::is_ascii_uppercase) || matches!(letters, b"SA" | b"SD" | b"SS") {
        return None;
    }
    let end = i + 2;
    if bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    Some(end)
}

/// A house number ("12", "12a", "12-3") starting at `start`: its end.
fn house_number_at(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    while is_digit_at(bytes, i) && i - start < 5 {
        i += 1;
    }
    if i == start || bytes[start] == b'0' {
        return None;
    }
    if bytes.get(i).is_some_and(u8::is_ascii_lowercase)
        && !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic)
    {
        i += 1;
    }
    Some(i)
}

/// A postcode with a house number: "1234 AB 12", or "Dorpsstraat 12, 1234 AB".
fn addresses(text: &str) -> Vec<Finding> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for start in 0..bytes.len() {
        let Some(end) = postcode_at(bytes, start) else {
            continue;
        };
        // After: separators, then a house number.
        let mut after = end;
        while matches!(bytes.get(after), Some(b' ' | b',')) {
            after += 1;
        }
        if after > end {
            if let Some(number_end) = house_number_at(bytes, after) {
                found.push(Finding {
                    kind: Kind::Address,
                    range: start..number_end,
                });
                continue;
            }
        }
        // Before: "straat 12, " then the postcode.
        let mut before = start;
        while before > 0 && matches!(bytes[before - 1], b' ' | b',') {
            before -= 1;
        }
        let mut number_start = before;
        while number_start > 0
            && (bytes[number_start - 1].is_ascii_digit()
                || bytes[number_start - 1].is_ascii_lowercase() && number_start == before)
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
    found
}

/// A date at `start`: "12-03-1985", "12/3/1985", "12.03.1985" or "12 maart 1985"; its end
/// and year.
fn date_at(text: &str, start: usize) -> Option<(usize, u32)> {
    let bytes = text.as_bytes();
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return None;
    }
    let number = |from: usize, min: usize, max: usize| -> Option<(u32, usize)> {
        let mut i = from;
        while is_digit_at(bytes, i) && i - from < max {
            i += 1;
        }
        if i - from < min || is_digit_at(bytes, i) {
            return None;
        }
        Some((text[from..i].parse().ok()?, i))
    };
    let (day, i) = number(start, 1, 2)?;
    if !(1..=31).contains(&day) {
        return None;
    }
    let (month, year_start) = match bytes.get(i) {
        Some(&sep @ (b'-' | b'/' | b'.')) => {
            let (month, j) = number(i + 1, 1, 2)?;
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
    let (year, end) = number(year_start, 4, 4)?;
    (1900..=2100).contains(&year).then_some((end, year))
}

fn dates_of_birth(text: &str) -> Vec<Finding> {
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut start = 0;
    while start < text.len() {
        if !text.is_char_boundary(start) {
            start += 1;
            continue;
        }
        let Some((end, year)) = date_at(text, start) else {
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
        if cue || year < OLDEST_EVENT_YEAR {
            found.push(Finding {
                kind: Kind::DateOfBirth,
                range: start..end,
            });
        }
        start = end;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        scan(text)
            .into_iter()
            .map(|f| (f.kind, &text[f.range]))
            .collect()
    }

    #[test]
    fn a_valid_bsn_is_caught_and_an_invalid_nine_digit_number_is_not() {
        assert_eq!(
            kinds("Mevrouw heeft BSN 123456782 en wacht op de uitkering."),
            vec![(Kind::Bsn, "123456782")]
        );
        assert_eq!(
            kinds("Haar nummer is 111.222.333 volgens de brief."),
            vec![(Kind::Bsn, "111.222.333")]
        );
        assert!(is_valid_bsn(&[1, 2, 3, 4, 5, 6, 7, 8, 2]));
        assert!(!is_valid_bsn(&[1, 2, 3, 4, 5, 6, 7, 8, 9]));
        assert_eq!(
            kinds("Het dossiernummer 123456789 staat in het systeem."),
            vec![],
            "nine digits that fail the eleven-test"
        );
        assert_eq!(kinds("Het kost 1234567820 euro"), vec![], "ten digits");
    }

    #[test]
    fn phone_numbers_in_every_dutch_form_are_caught() {
        for number in [
            "06-12345678",
            "06 12345678",
            "0612345678",
            "06 1234 5678",
            "+31 6 12345678",
            "+31612345678",
            "0031 6 12345678",
            "020-1234567",
            "010 123 4567",
            "+31 (0)20 123 4567",
        ] {
            let text = format!("Bel hem op {number} als het niet goed gaat.");
            assert_eq!(kinds(&text), vec![(Kind::Phone, number)], "{number}");
        }
        assert_eq!(kinds("Ze is 06 weken zwanger"), vec![], "too few digits");
    }

    #[test]
    fn email_addresses_are_caught_without_the_full_stop() {
        assert_eq!(
            kinds("Zijn dochter mailde vanaf j.de.vries-87@hotmail.com."),
            vec![(Kind::Email, "j.de.vries-87@hotmail.com")]
        );
        assert_eq!(kinds("We spraken @ het wijkcentrum af."), vec![]);
    }

    #[test]
    fn a_postcode_with_a_house_number_is_caught_either_way_round() {
        assert_eq!(
            kinds("Hij woont op 3511 AB 12 sinds vorig jaar."),
            vec![(Kind::Address, "3511 AB 12")]
        );
        assert_eq!(
            kinds("Adres: Dorpsstraat 14a, 1234AB Utrecht."),
            vec![(Kind::Address, "Dorpsstraat 14a, 1234AB")]
        );
        assert_eq!(kinds("In 2024 BV ging het mis."), vec![], "no postcode");
    }

    #[test]
    fn dates_of_birth_are_caught_and_recent_dates_are_not() {
        assert_eq!(
            kinds("Cliënt, geboren 12-03-2015, woont bij oma."),
            vec![(Kind::DateOfBirth, "12-03-2015")]
        );
        assert_eq!(
            kinds("Meneer (3 april 1948) is weduwnaar."),
            vec![(Kind::DateOfBirth, "3 april 1948")]
        );
        assert_eq!(
            kinds("Op 14-10-2025 hadden we een huisbezoek."),
            vec![],
            "a recent appointment is not a date of birth"
        );
    }

    #[test]
    fn ibans_that_pass_the_check_are_caught() {
        assert_eq!(
            kinds("De huur gaat van NL91 ABNA 0417 1643 00 af."),
            vec![(Kind::Iban, "NL91 ABNA 0417 1643 00")]
        );
        assert_eq!(
            kinds("Rekening NL91ABNA0417164300 staat rood."),
            vec![(Kind::Iban, "NL91ABNA0417164300")]
        );
        assert_eq!(kinds("Code NL12 ABCD 1234 5678 90"), vec![], "fails mod 97");
    }

    #[test]
    fn ordinary_case_prose_raises_nothing() {
        let prose = "Mevrouw (82) woont alleen sinds haar man in 2019 overleed. De thuiszorg \
            komt drie keer per week, om 9.30 uur. Ze vertelde dat ze 2 à 3 keer per nacht \
            wakker wordt. In het overleg van 14 oktober 2025 spraken we af dat de \
            wijkverpleegkundige haar medicatie (20 mg) nakijkt. Haar zoon belt elke \
            zondag; hij woont in Zwolle. We maakten een plan in 4 stappen en komen er op \
            3-11-2025 op terug. Kosten: € 1.250,50 per maand, 12 uur zorg.";
        assert_eq!(kinds(prose), vec![]);
    }

    #[test]
    fn any_text_is_scanned_without_panicking_and_ranges_are_on_boundaries() {
        let pieces = [
            "é",
            "ë",
            "€",
            "😀",
            "+",
            "+31",
            "(0)",
            "06",
            "-",
            " ",
            "@",
            ".",
            "NL91",
            "ABNA",
            "0417",
            "1643",
            "00",
            "1234",
            "AB",
            "12",
            "a",
            "geboren",
            "12-03-1985",
            "maart",
            "0031",
            "123456782",
            ",",
            "/",
        ];
        let mut seed: u64 = 7;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..12 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            for finding in scan(&text) {
                assert!(text.is_char_boundary(finding.range.start), "{text:?}");
                assert!(text.is_char_boundary(finding.range.end), "{text:?}");
            }
            let _ = redact(&text);
        }
    }

    #[test]
    fn exports_leave_out_text_with_uncleared_personal_data() {
        let note = "Gebeld met 06-12345678, daarna met 0612345678 over de afspraak.";
        assert_eq!(
            for_export(note, |_| false),
            ForExport::Withheld(vec![Kind::Phone]),
            "the same kind twice is named once"
        );
        let only_first = |flagged: &str| flagged == "06-12345678";
        assert_eq!(uncleared(note, only_first).len(), 1);
        assert_eq!(
            for_export(note, |_| true),
            ForExport::Show(note),
            "cleared by the team: shown"
        );
        let prose = "Mevrouw wil zelf bepalen wanneer de wijkverpleging komt.";
        assert_eq!(for_export(prose, |_| false), ForExport::Show(prose));
        let mixed = "Geboren 03-04-1951, mail: j.devries@example.nl";
        assert_eq!(
            for_export(mixed, |_| false),
            ForExport::Withheld(vec![Kind::DateOfBirth, Kind::Email])
        );
    }

    #[test]
    fn redacting_puts_placeholders_in_place() {
        assert_eq!(
            redact("Bel 06-12345678 of mail ans@example.nl, BSN 123456782."),
            "Bel [telefoonnummer] of mail [e-mailadres], BSN [BSN]."
        );
        assert_eq!(redact("Niets bijzonders."), "Niets bijzonders.");
    }
}
