//! The privacy guard: finds text that looks like personal data of a client, so the
//! interface can warn while people type and offer to put a placeholder in its place, and
//! exports can leave out what nobody cleared (`METHOD.md`, "Privacy").
//!
//! It recognises the Dutch forms care professionals type, one file per kind:
//! - [`bsn`]: a BSN that passes the eleven-test, with or without dots, dashes or spaces,
//!   also when other numbers follow it;
//! - [`phone`]: mobile and landline numbers, the area code in brackets (`(020) 123 45 67`),
//!   `+31`/`0031` with or without `(0)`;
//! - [`email`]: e-mail addresses;
//! - [`address`]: a postcode (upper or lower case, with or without a space) with a house
//!   number, or a street name (`…straat`, `…weg`, `Laan van …`) with a house number;
//! - [`date`]: a date of birth: a full date (also ISO, `1948-03-02`) with a birth cue
//!   nearby, any full date before [`OLDEST_EVENT_YEAR`], or a two-digit year after a cue;
//! - [`iban`]: an IBAN that passes its mod-97 check, upper or lower case, grouped or not;
//! - [`name`]: a name after a form of address (`mevrouw`, `mw.`, `dhr.`, `de heer`,
//!   `cliënt` …) or after initials (`J. de Vries`), never a capitalised word on its own.
//!
//! Non-breaking and thin spaces, typographic dashes and apostrophes count as their ASCII
//! forms (see [`normalise`]). It is written by hand rather than with a regular-expression
//! engine because the browser client runs the same code and every kilobyte of
//! WebAssembly counts; the checks (eleven-test, mod 97, a cue before a name or a date)
//! keep it quiet on ordinary numbers and words in case prose.
//!
//! Offsets are byte offsets into the `&str` given, always on character boundaries.

use std::ops::Range;

mod address;
mod bsn;
mod date;
mod email;
mod iban;
mod name;
mod phone;

pub use bsn::is_valid_bsn;

/// The kinds of personal data the guard looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Bsn,
    Phone,
    Email,
    Address,
    DateOfBirth,
    Iban,
    Name,
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
            Kind::Name => "[naam]",
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
            Kind::Name => ("a name", "een naam"),
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
    let normalised = normalise(text);
    let plain = normalised.text.as_str();
    let mut found: Vec<Finding> = Vec::new();
    found.extend(email::emails(plain));
    found.extend(iban::ibans(plain));
    found.extend(address::addresses(plain));
    found.extend(date::dates_of_birth(plain));
    found.extend(phone::phones(plain));
    found.extend(bsn::bsns(plain));
    found.extend(name::names(plain));
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
    for finding in &mut kept {
        finding.range = normalised.original(finding.range.clone());
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

/// A text with look-alike characters replaced by their ASCII forms, and for each of its
/// bytes (and its end) the offset in the text it came from.
struct Normalised {
    text: String,
    offsets: Vec<usize>,
}

impl Normalised {
    /// The range in the original text of `range` in the normalised one.
    fn original(&self, range: Range<usize>) -> Range<usize> {
        let at = |i: usize| self.offsets.get(i).copied().unwrap_or(0);
        at(range.start)..at(range.end)
    }
}

/// The ASCII form of a character people type in its place: non-breaking, narrow and thin
/// spaces (U+00A0, U+202F, U+2007, U+2009) are spaces, typographic dashes are hyphens,
/// curly apostrophes are straight ones.
fn ascii_form(c: char) -> Option<char> {
    match c {
        '\u{a0}' | '\u{202f}' | '\u{2007}' | '\u{2009}' => Some(' '),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => Some('-'),
        '\u{2018}' | '\u{2019}' => Some('\''),
        _ => None,
    }
}

/// `text` with [`ascii_form`]s, so every check sees one kind of space, dash and apostrophe.
fn normalise(text: &str) -> Normalised {
    let mut out = String::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len() + 1);
    for (at, c) in text.char_indices() {
        match ascii_form(c) {
            Some(ascii) => {
                out.push(ascii);
                offsets.push(at);
            }
            None => {
                out.push(c);
                offsets.extend(at..at + c.len_utf8());
            }
        }
    }
    offsets.push(text.len());
    Normalised { text: out, offsets }
}

fn is_digit_at(bytes: &[u8], index: usize) -> bool {
    bytes.get(index).is_some_and(u8::is_ascii_digit)
}

/// Whether the byte before `index` is a letter or digit (so nothing can start there).
fn follows_alphanumeric(bytes: &[u8], index: usize) -> bool {
    index > 0 && bytes.get(index - 1).is_some_and(u8::is_ascii_alphanumeric)
}

/// Whether `word` is one of the words in `list` (separated by spaces).
fn listed(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|listed| listed == word)
}

/// Words that, right after a number, say it counts something (so it is no house number):
/// "Zaandijk 2 jaar", "1000 mg 2 keer", "Hoofdstraat 2e verdieping".
const COUNTED: &str = "\
    jaar jaren jr maand maanden week weken dag dagen keer uur uren minuten min seconden \
    km kilometer meter m x kinderen mensen personen procent euro stuks kg verdieping \
    etage hoog";

/// Whether the word starting at `at` (after spaces) counts what stands before it.
fn counted_at(text: &str, at: usize) -> bool {
    let rest = text.get(at..).unwrap_or("").trim_start_matches(' ');
    if rest.starts_with('%') {
        return true;
    }
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    listed(COUNTED, &word)
}

#[cfg(test)]
mod tests;
