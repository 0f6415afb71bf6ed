//! A name, only where the text says one follows: after a form of address ("mevrouw
//! Jansen", "mw. de Vries", "dhr. Van der Berg", "de heer Bakker", "cliënt Pietersen")
//! or as initials with a surname ("J. de Vries", "A.B. Jansen"). A capitalised word on
//! its own is never taken for a name, and neither is a single letter ("mevrouw A.", the
//! way teams write a client anonymously) or a word that starts a sentence ("mevrouw A.
//! Zij vertelde …").

use super::{listed, Finding, Kind};

/// Forms of address written out; a name follows after a space.
const ADDRESS_WORDS: &[&str] = &[
    "mevrouw", "meneer", "cliënt", "client", "cliënte", "cliente", "familie",
];

/// Abbreviated forms of address, with or without their full stop.
const ADDRESS_ABBREVIATIONS: &[&str] = &["mw", "mevr", "dhr", "mnr", "fam"];

/// Tussenvoegsels: the small words before a Dutch surname.
const TUSSENVOEGSELS: &[&str] = &[
    "van", "de", "der", "den", "ter", "ten", "te", "het", "in", "op", "t", "la", "le", "du",
];

/// Capitalised words that follow a form of address or initials without being a name:
/// what starts a sentence, days and months (see also [`ORIGINS`]).
const NOT_NAMES: &str = "\
    de het een ik je jij hij zij ze we wij jullie u er dat dit die deze daar daarna dan \
    toen nu ook maar en of want omdat als wanneer waar wat wie hoe waarom morgen vandaag \
    gisteren vanmorgen vanmiddag vanavond vannacht volgende vorige verder tot na voor \
    bij in op met van aan om uit over sinds tijdens zo dus wel niet geen alle elke \
    iedereen niemand haar zijn hun mijn onze soms vaak altijd nooit eerst daarnaast \
    hierna hierin hier samen graag alleen vanaf tegen zonder ja nee goed misschien \
    helaas gelukkig volgens terwijl nadat voordat zodra hoewel iets alles niets veel \
    meer beide andere mevrouw meneer cliënt client maandag dinsdag woensdag donderdag \
    vrijdag zaterdag zondag januari februari maart april mei juni juli augustus september \
    oktober november december heeft had is was wil \
    wilde kan kon moet moest gaat ging komt kwam zegt zei vertelt vertelde geeft gaf \
    vindt vond woont werkt krijgt kreeg wordt werd blijft bleef voelt ziet weet mag zal \
    zou lijkt staat ligt belt belde kijk let zorg vraag neem probeer daardoor daarom \
    inmiddels eigenlijk hem zelf thuis overdag later ondanks heel erg zeer best nog weer \
    echt";

/// Languages and origins, capitalised in Dutch: "cliënt Turks sprekend", "een cliënt
/// Marokkaanse achtergrond".
const ORIGINS: &str = "\
    nederlands nederlandse engels engelse turks turkse arabisch arabische marokkaans \
    marokkaanse surinaams surinaamse antilliaans antilliaanse duits duitse frans franse \
    pools poolse koerdisch koerdische somalisch somalische syrisch syrische eritrees \
    eritrese oekraïens oekraïense russisch russische chinees chinese spaans spaanse";

/// Dutch care abbreviations written as a word ("Wmo-indicatie", "Wlz-zorg").
const ABBREVIATIONS: &str = "wmo wlz zvw wzd wvggz jw";

/// Words after which a single initial starts a name: "met J. Jansen", "huisarts J. Bakker".
const INTRODUCERS: &str = "\
    met door van aan en voor bij via namens of belde sprak mailde zei zegt heeft \
    huisarts arts dokter dr mr zoon dochter partner echtgenoot echtgenote moeder vader \
    broer zus buurman buurvrouw contactpersoon bewindvoerder";

/// Initials that are abbreviations: "N.B. Dit …".
const NOT_INITIALS: &[&str] = &["NB", "PS"];

/// A word: letters, joined by hyphens or apostrophes ("Jansen-de", "D'Ancona").
#[derive(Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
}

fn words(text: &str) -> Vec<Word> {
    let mut found = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut current: Option<usize> = None;
    while let Some((at, c)) = chars.next() {
        let next_is_letter = chars.peek().is_some_and(|&(_, n)| n.is_alphabetic());
        if c.is_alphabetic() {
            current.get_or_insert(at);
        } else if let Some(start) = current {
            if !(matches!(c, '-' | '\'') && next_is_letter) {
                found.push(Word { start, end: at });
                current = None;
            }
        }
    }
    if let Some(start) = current {
        found.push(Word {
            start,
            end: text.len(),
        });
    }
    found
}

struct Names<'t> {
    text: &'t str,
    words: Vec<Word>,
}

impl<'t> Names<'t> {
    fn word(&self, index: usize) -> &'t str {
        self.words
            .get(index)
            .and_then(|w| self.text.get(w.start..w.end))
            .unwrap_or("")
    }

    fn lower(&self, index: usize) -> String {
        self.word(index).to_lowercase()
    }

    /// What stands between word `index` and the next.
    fn gap_after(&self, index: usize) -> &'t str {
        let (Some(this), Some(next)) = (self.words.get(index), self.words.get(index + 1)) else {
            return "";
        };
        self.text.get(this.end..next.start).unwrap_or("")
    }

    /// Whether only white space (at least one) stands between word `index` and the next,
    /// or white space and an apostrophe before "t" ("Van 't Hek").
    fn spaced(&self, index: usize) -> bool {
        let gap = self.gap_after(index);
        let gap = match gap.strip_suffix('\'') {
            Some(before) if self.word(index + 1) == "t" => before,
            _ => gap,
        };
        !gap.is_empty() && gap.chars().all(char::is_whitespace)
    }

    /// Whether word `index` is one capital letter with a full stop: an initial.
    fn is_initial(&self, index: usize) -> bool {
        let mut chars = self.word(index).chars();
        let single_capital = chars.next().is_some_and(char::is_uppercase) && chars.next().is_none();
        single_capital
            && self.words.get(index).is_some_and(|word| {
                self.text
                    .get(word.end..)
                    .is_some_and(|rest| rest.starts_with('.'))
            })
    }

    /// Whether a single initial at word `index`, with no form of address before it, comes
    /// where a name is introduced: in brackets, after a comma, or after a word such as
    /// "met" or "huisarts" (not "plan B. Daarna …", nor a list's "A. Feiten").
    fn introduces(&self, index: usize) -> bool {
        if index == 0 {
            return false;
        }
        let gap = self.gap_after(index - 1).trim_end_matches(' ');
        gap.ends_with(['(', ','])
            || gap.chars().all(char::is_whitespace)
                && !gap.contains('\n')
                && listed(INTRODUCERS, &self.lower(index - 1))
    }

    /// Whether word `index` can be a surname: capitalised, not in capitals, more than a
    /// letter, and no word that starts a sentence.
    fn is_surname(&self, index: usize) -> bool {
        let word = self.word(index);
        let mut chars = word.chars();
        let capitalised = chars.next().is_some_and(char::is_uppercase);
        let rest_has_lower = chars.any(char::is_lowercase);
        // "ADL-zorg", "GGZ-team", "Wmo-indicatie": an abbreviation joined to a word.
        let first_part = word.split(['-', '\'']).next().unwrap_or(word);
        let abbreviation =
            first_part.chars().count() > 1 && !first_part.chars().any(char::is_lowercase);
        capitalised
            && rest_has_lower
            && !abbreviation
            && !listed(NOT_NAMES, &self.lower(index))
            && !listed(ORIGINS, &self.lower(index))
            && !listed(ABBREVIATIONS, &first_part.to_lowercase())
    }

    /// A surname from word `index`: tussenvoegsels (if any) and a capitalised word, then
    /// more of them ("Jan de Vries", "Jansen-de Boer"); the index of its last word.
    fn surname_from(&self, index: usize) -> Option<usize> {
        let mut last = None;
        let mut at = index;
        for part in 0..3 {
            if part > 0 && !self.spaced(at - 1) {
                break;
            }
            let mut name = at;
            let mut links = 0;
            while links < 3
                && TUSSENVOEGSELS.contains(&self.lower(name).as_str())
                && self.spaced(name)
            {
                name += 1;
                links += 1;
            }
            if name >= self.words.len() || !self.is_surname(name) {
                break;
            }
            last = Some(name);
            at = name + 1;
        }
        last
    }

    /// Initials from word `index` ("A.B.", "J. P."): the index of the word after them
    /// (where the surname must start), if a space comes before it.
    fn after_initials(&self, index: usize) -> Option<usize> {
        let mut at = index;
        let mut letters = String::new();
        while at < self.words.len() && self.is_initial(at) {
            letters.push_str(self.word(at));
            let gap = self.gap_after(at);
            at += 1;
            if gap != "." {
                let spaced = gap.len() > 1 && gap[1..].chars().all(char::is_whitespace);
                if !spaced {
                    return None;
                }
                if !self.is_initial(at) {
                    break;
                }
            }
        }
        (at > index && !NOT_INITIALS.contains(&letters.as_str())).then_some(at)
    }

    /// A name from word `index`: initials and a surname, or a surname.
    fn name_from(&self, index: usize) -> Option<usize> {
        match self.after_initials(index) {
            Some(after) => self.surname_from(after),
            None => self.surname_from(index),
        }
    }

    /// Word `index` is a form of address: the index of the word where the name starts.
    fn after_address(&self, index: usize) -> Option<usize> {
        let word = self.lower(index);
        if ADDRESS_WORDS.contains(&word.as_str()) && self.spaced(index) {
            return Some(index + 1);
        }
        if ADDRESS_ABBREVIATIONS.contains(&word.as_str()) {
            let gap = self.gap_after(index);
            let rest = gap.strip_prefix('.').unwrap_or(gap);
            if !rest.is_empty() && rest.chars().all(char::is_whitespace) {
                return Some(index + 1);
            }
        }
        if word == "de"
            && self.lower(index + 1) == "heer"
            && self.spaced(index)
            && self.spaced(index + 1)
        {
            return Some(index + 2);
        }
        None
    }

    fn finding(&self, first: usize, last: usize) -> Finding {
        Finding {
            kind: Kind::Name,
            range: self.words[first].start..self.words[last].end,
        }
    }
}

pub(super) fn names(text: &str) -> Vec<Finding> {
    let names = Names {
        text,
        words: words(text),
    };
    let mut found = Vec::new();
    let mut index = 0;
    while index < names.words.len() {
        if let Some(first) = names.after_address(index) {
            if let Some(last) = names.name_from(first) {
                found.push(names.finding(first, last));
                index = last + 1;
                continue;
            }
        }
        let starts_initials =
            names.is_initial(index) && (index == 0 || !names.is_initial(index - 1));
        if starts_initials {
            let after = names.after_initials(index).filter(|&after| {
                // One initial on its own may end a sentence ("plan B. Daarna …").
                after > index + 1 || names.introduces(index)
            });
            if let Some(last) = after.and_then(|at| names.surname_from(at)) {
                found.push(names.finding(index, last));
                index = last + 1;
                continue;
            }
        }
        index += 1;
    }
    found
}
