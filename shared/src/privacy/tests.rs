//! The privacy guard's tests: every form it must catch, the near misses it must not, and
//! a corpus of ordinary case prose that must stay unflagged.

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
        "(",
        ")",
        "\u{a0}",
        "\u{202f}",
        "’",
        "'",
        "mevrouw ",
        "dhr.",
        "de heer ",
        "Jansen",
        "J.",
        "A.B. ",
        "de ",
        "van ",
        "Dorpsstraat ",
        "Laan van ",
        "nl91",
        "abna",
        "1948-03-02",
        "geb. ",
        "(020)",
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

/// `text` with `form` in it is flagged as exactly `form`, of `kind`.
fn caught(kind: Kind, form: &str, text: &str) {
    assert_eq!(kinds(text), vec![(kind, form)], "{text:?}");
}

#[test]
fn a_bsn_with_dashes_dots_or_spaces_or_followed_by_numbers_is_caught() {
    for form in [
        "123-456-782",
        "123.456.782",
        "123 456 782",
        "1234.56.782",
        "12 34 56 782",
    ] {
        caught(
            Kind::Bsn,
            form,
            &format!("Het BSN is {form}, zegt de brief."),
        );
    }
    caught(Kind::Bsn, "123456782", "BSN 123456782 12 keer ingevuld.");
    caught(Kind::Bsn, "123456782", "BSN: 123456782-01 (dossier).");
    caught(Kind::Bsn, "123456782", "dossier 12 123456782 bijgewerkt");
    assert_eq!(
        kinds("Ze kreeg € 1.234.567.890 mee"),
        vec![],
        "inside an amount"
    );
    assert_eq!(kinds("nummer 123-456-789"), vec![], "fails the eleven-test");
    assert_eq!(kinds("code 1234567820"), vec![], "ten digits together");
}

#[test]
fn landlines_with_the_area_code_in_brackets_and_international_forms_are_caught() {
    for form in [
        "(020) 123 45 67",
        "(020) 1234567",
        "(0591) 12 34 56",
        "(06) 12345678",
        "020 - 123 45 67",
        "020/1234567",
        "+31 (0)6 12345678",
        "+31 (0)6-12345678",
        "+31(0)612345678",
        "0031 (0)20 123 4567",
        "0031 20 123 45 67",
        "+31 20 123 45 67",
        "+31-6-12345678",
    ] {
        caught(
            Kind::Phone,
            form,
            &format!("Bereikbaar op {form} na twaalven."),
        );
    }
    caught(
        Kind::Phone,
        "06-12345678",
        "Bel 06-12345678 2 keer per dag.",
    );
    for near in [
        "Om 09.30 uur en om 14.30 uur.",
        "Van 08.00-17.00 uur open.",
        "Hij is (82) en woont alleen.",
        "Score (0) op de lijst, en 3 punten.",
        "+32 2 123 45 67 is Belgisch",
        "In 2023 en 2024 kwam ze 12 keer.",
    ] {
        assert_eq!(kinds(near), vec![], "{near:?}");
    }
}

#[test]
fn postcodes_in_lower_case_or_without_a_space_are_caught() {
    for form in [
        "1234 ab 12",
        "1234ab 12",
        "1234AB12",
        "1234 AB 3a",
        "3511 CD 12-2",
    ] {
        caught(
            Kind::Address,
            form,
            &format!("Woont op {form} bij haar zus."),
        );
    }
    caught(
        Kind::Address,
        "Kerkweg 3a, 1234ab",
        "Adres: Kerkweg 3a, 1234ab Ede.",
    );
    for near in [
        "Tussen 2020 en 2023 ging het goed.",
        "Ze krijgt 1000 mg 2 keer per dag.",
        "In 2023 is 12 keer overleg geweest.",
        "Vanaf 2024 de 3 doelen bespreken.",
        "Sinds 1998 al 30 jaar in de zorg.",
        "In 2019 te 2 uur gevallen.",
    ] {
        assert_eq!(kinds(near), vec![], "{near:?}");
    }
}

#[test]
fn a_street_with_a_house_number_is_caught_without_a_postcode() {
    for form in [
        "Dorpsstraat 12",
        "Kerkweg 3a",
        "Laan van Meerdervoort 120",
        "Oudegracht 201",
        "Stationsplein 1",
        "Prinsengracht 263-1",
        "Havenkade 7B",
        "Wilhelminasingel 40",
        "Zeedijk 3",
        "Jaagpad 18",
        "Binnenhof 1",
        "Bakkerssteeg 2",
        "Berkendreef 44",
    ] {
        caught(
            Kind::Address,
            form,
            &format!("Ze woont aan de {form} in een flat."),
        );
        caught(Kind::Address, form, &format!("{form} is haar adres."));
    }
    caught(
        Kind::Address,
        "dorpsstraat 12",
        "Mevrouw woont aan de dorpsstraat 12 op twee hoog.",
    );
    for near in [
        "Zie artikel 12 van de wet.",
        "Ze ligt op kamer 12.",
        "In week 12 komen we terug.",
        "Op bladzijde 3 staat het plan.",
        "Ze was onderweg 20 minuten.",
        "Op het schoolplein 3 kinderen gezien.",
        "Ze woonde in Zaandijk 2 jaar lang.",
        "Kamer 12 is vrij.",
        "Fase 2 is klaar.",
        "Het kerkhof 2 keer bezocht.",
        "De Hoofdstraat 2e verdieping is dicht.",
    ] {
        assert_eq!(kinds(near), vec![], "{near:?}");
    }
}

#[test]
fn iso_dates_and_two_digit_years_after_a_birth_cue_are_dates_of_birth() {
    caught(
        Kind::DateOfBirth,
        "1948-03-02",
        "Mevrouw, 1948-03-02, woont alleen.",
    );
    caught(
        Kind::DateOfBirth,
        "2015-03-02",
        "Geboortedatum: 2015-03-02.",
    );
    caught(
        Kind::DateOfBirth,
        "2-3-48",
        "Meneer (geb. 2-3-48) is weduwnaar.",
    );
    caught(
        Kind::DateOfBirth,
        "02-03-'48",
        "geboren 02-03-'48 in Zwolle",
    );
    caught(Kind::DateOfBirth, "2 maart '48", "geb. 2 maart '48");
    caught(
        Kind::DateOfBirth,
        "02-03-’48",
        "geboren 02-03-’48 in Zwolle",
    );
    for near in [
        "Op 2025-03-14 spraken we elkaar.",
        "Overleg op 2-3-25 om 10 uur.",
        "Score 12-3-48 op de drie vragen.",
        "Versie 1948-3-2 van de lijst.",
    ] {
        assert_eq!(kinds(near), vec![], "{near:?}");
    }
}

#[test]
fn ibans_in_lower_case_or_grouped_are_caught() {
    for form in [
        "nl91abna0417164300",
        "nl91 abna 0417 1643 00",
        "NL91 ABNA 0417 1643 00",
        "NL91ABNA0417164300",
    ] {
        caught(
            Kind::Iban,
            form,
            &format!("Rekening {form} en verder niets."),
        );
    }
    caught(
        Kind::Iban,
        "NL91 ABNA 0417 1643 00",
        "Naar NL91 ABNA 0417 1643 00 AB overmaken.",
    );
    assert_eq!(kinds("code nl12 abcd 1234 5678 90"), vec![], "fails mod 97");
    assert_eq!(kinds("Nl91abna0417164300"), vec![], "mixed case");
}

#[test]
fn non_breaking_and_thin_spaces_count_as_spaces() {
    for (kind, form) in [
        (Kind::Phone, "06\u{a0}12345678"),
        (Kind::Phone, "(020)\u{a0}123\u{202f}45\u{202f}67"),
        (Kind::Phone, "+31\u{a0}(0)6\u{a0}12345678"),
        (Kind::Phone, "06\u{2013}12345678"),
        (Kind::Bsn, "123\u{a0}456\u{a0}782"),
        (Kind::Address, "1234\u{a0}AB\u{a0}12"),
        (Kind::Address, "Dorpsstraat\u{202f}12"),
        (Kind::DateOfBirth, "3\u{a0}april\u{a0}1948"),
        (Kind::Iban, "NL91\u{a0}ABNA\u{a0}0417\u{a0}1643\u{a0}00"),
        (Kind::Name, "Jansen"),
    ] {
        let text = match kind {
            Kind::Name => format!("Gesprek met mevrouw\u{a0}{form}."),
            _ => format!("Zie: {form}, met €\u{a0}25."),
        };
        caught(kind, form, &text);
    }
    assert_eq!(
        redact("Bel 06\u{a0}12345678 of mevrouw\u{a0}Jansen."),
        "Bel [telefoonnummer] of mevrouw\u{a0}[naam]."
    );
}

#[test]
fn names_after_a_form_of_address_are_caught() {
    for (text, name) in [
        ("Gesprek met mevrouw Jansen over de zorg.", "Jansen"),
        ("Mevrouw De Vries wil naar huis.", "De Vries"),
        ("We spraken mw. de Vries gisteren.", "de Vries"),
        ("Mw Bakker is moe.", "Bakker"),
        ("mevr. Van der Berg belde.", "Van der Berg"),
        ("Mevr Ter Horst heeft pijn.", "Ter Horst"),
        ("Meneer Pietersen wil niet eten.", "Pietersen"),
        ("dhr. van Dam is gevallen.", "van Dam"),
        ("Dhr Yilmaz komt morgen.", "Yilmaz"),
        ("De heer Bakker-de Groot is boos.", "Bakker-de Groot"),
        ("Met de heer Öztürk gesproken.", "Öztürk"),
        ("Cliënt Janssen weigert de medicatie.", "Janssen"),
        ("client Mohamed is onrustig", "Mohamed"),
        ("Meneer Jan de Vries woont alleen.", "Jan de Vries"),
        ("Mevrouw J. de Vries-Bakker belde.", "J. de Vries-Bakker"),
        ("dhr. A.B. Jansen kwam langs.", "A.B. Jansen"),
        ("De familie Çelik is betrokken.", "Çelik"),
        ("Mevrouw D'Ancona kwam niet.", "D'Ancona"),
        ("Cliënt Van 't Hek wil praten.", "Van 't Hek"),
        ("Mevrouw van der Meer-de Wit belde.", "van der Meer-de Wit"),
        ("Dhr. Mohammed Ali is opgenomen.", "Mohammed Ali"),
        ("Volgens dhr. El Amrani gaat het goed.", "El Amrani"),
    ] {
        caught(Kind::Name, name, text);
    }
    assert_eq!(
        redact("Mevrouw Jansen en dhr. De Wit"),
        "Mevrouw [naam] en dhr. [naam]"
    );
}

#[test]
fn initials_with_a_surname_are_a_name() {
    for (text, name) in [
        ("Overleg met J. de Vries van de GGZ.", "J. de Vries"),
        ("A.B. Jansen is de contactpersoon.", "A.B. Jansen"),
        ("Verslag door J.P.M. van der Berg.", "J.P.M. van der Berg"),
        ("Gemaild met A. B. Smit.", "A. B. Smit"),
        ("huisarts K. Bakker belde terug", "K. Bakker"),
        ("Zoon (R. Pinas) regelt de financiën.", "R. Pinas"),
        ("Aanwezig: dochter, T. Visser, de huisarts.", "T. Visser"),
    ] {
        caught(Kind::Name, name, text);
    }
}

#[test]
fn forms_of_address_without_a_name_raise_nothing() {
    for text in [
        "Mevrouw wil zelf bepalen wanneer de zorg komt.",
        "We spraken mevrouw. Zij was tevreden.",
        "de heer des huizes bepaalt alles",
        "Cliënt is boos over de planning.",
        "De cliënt wil naar huis.",
        "Mevrouw A. is tevreden.",
        "Ik sprak mevrouw A. Zij vertelde over haar zoon.",
        "Cliënt X wil geen hulp.",
        "Meneer K. Vanmorgen ging het beter.",
        "mevrouw de wijkverpleegkundige kwam",
        "Meneer Is niet thuis.",
        "Mevrouw Maandag komt de fysio.",
        "Cliënt ADL-zorg nodig.",
        "Cliënt GGZ-Team belt.",
        "Meneer Wmo-indicatie aangevraagd.",
        "Mevrouw Ondanks alles blijft ze positief.",
        "Meneer Heel fijn dat je er bent.",
        "Cliënt Turks sprekend, tolk nodig.",
        "Een cliënt Marokkaanse achtergrond.",
        "Mevrouw [naam] belde.",
        "We kozen plan B. Daarna ging het beter.",
        "Ze krijgt vitamine D. Morgen weer.",
        "Zie bijlage A. Kijk vooral naar stap 2.",
        "N.B. Mevrouw komt later.",
        "P.S. Vergeet het overleg niet.",
        "A. Feiten\nB. Gevoelens\nC. Keuzes",
        "Stap 3: A. Kijk goed naar de feiten.",
        "Het was laat. B. Dat is de tweede optie.",
        "Mevrouw en meneer komen samen.",
        "De Heer is mijn herder, zegt ze.",
    ] {
        assert_eq!(kinds(text), vec![], "{text:?}");
    }
}

/// Sentences as a care team writes them in a case, with times, ages, counts, dates of
/// meetings, years, amounts, rooms, roles and places: none of them holds personal data.
const ORDINARY_PROSE: &[&str] = &[
    "Mevrouw (85 jaar) woont sinds 2019 alleen.",
    "De thuiszorg komt 3 keer per week, om 14.30 uur.",
    "Op 12 maart overleg met de wijkverpleegkundige.",
    "In 2023 is ze twee keer gevallen.",
    "Meneer ligt op kamer 12 van afdeling B.",
    "De eigen bijdrage is € 25 per maand.",
    "Fase 2: we bespreken de deugden.",
    "Dag 3 van de opname verliep rustig.",
    "De mantelzorger is overbelast en slaapt slecht.",
    "Cliënt is boos omdat de bus om 09.15 uur niet kwam.",
    "Ze gebruikt 2 x daags 500 mg paracetamol.",
    "Het gesprek duurde 45 minuten.",
    "Om 8.00 uur begint de ochtendzorg, om 22.00 uur de avondronde.",
    "We komen er op 3-11-2025 op terug.",
    "Vorige week (week 12) was het onrustig op de groep.",
    "De huisarts komt donderdag om 11 uur.",
    "Ze woont in Zwolle, haar dochter in Den Haag.",
    "Meneer is 92 en wil nog zelf koken.",
    "In het overleg van 14 oktober 2025 maakten we 4 afspraken.",
    "De ergotherapeut adviseerde een rollator.",
    "Mevrouw eet sinds 2 weken slecht; ze weegt 48 kilo.",
    "Kosten: € 1.250,50 per maand voor 12 uur zorg.",
    "Er zijn 6 medewerkers op de late dienst.",
    "De casemanager dementie belt elke 2 weken.",
    "Zie artikel 12 van de Wzd voor de afspraken.",
    "Cliënt wil niet douchen; we proberen het om de dag.",
    "De familie wil dat we vaker komen.",
    "Mevrouw A. zegt dat ze zich eenzaam voelt.",
    "Op bladzijde 3 van het zorgplan staat het doel.",
    "Sinds 1 januari 2024 krijgt meneer dagbesteding.",
    "In de nacht van 3 op 4 juni was hij 5 keer wakker.",
    "Het team koos in ronde 2 voor geduld.",
    "De begeleider van de dagbesteding komt om 10.00-12.00 uur.",
    "Ze heeft 2 kinderen en 5 kleinkinderen.",
    "De wijkverpleegkundige en de POH-GGZ overleggen maandag.",
    "Score op de meetlat: 7 van de 10.",
    "Ze wil in Amersfoort blijven wonen, vlak bij de markt.",
    "Meneer rookt 20 sigaretten per dag, al 60 jaar.",
    "We spraken af om in week 45 te evalueren.",
    "Haar bloeddruk was 140/90, de pols 72.",
    "Bespreking in kamer 3.14 op de tweede verdieping.",
    "De heer des huizes beslist, zegt zijn vrouw.",
    "Mevrouw woont op 2 hoog zonder lift in Utrecht.",
    "De zorg kost € 2.500 per jaar; de Wmo betaalt 80%.",
    "Meneer K. wil graag weer naar de markt in Deventer.",
    "In 2022 en 2023 was er 3 keer een MDO.",
    "Een uitkering van 1.234 euro per maand is te weinig.",
    "De oudste zoon woont 12 km verderop.",
    "Cliënt heeft om 07.30 uur zijn medicatie geweigerd.",
    "Versie 2.3 van het zorgplan is klaar; stap 4 volgt.",
];

#[test]
fn ordinary_case_sentences_raise_nothing() {
    assert!(ORDINARY_PROSE.len() >= 40);
    for sentence in ORDINARY_PROSE {
        assert_eq!(kinds(sentence), vec![], "{sentence:?}");
    }
    let all = ORDINARY_PROSE.join(" ");
    assert_eq!(kinds(&all), vec![], "the sentences together");
}

#[test]
fn every_kind_has_a_placeholder_and_a_description() {
    for kind in [
        Kind::Bsn,
        Kind::Phone,
        Kind::Email,
        Kind::Address,
        Kind::DateOfBirth,
        Kind::Iban,
        Kind::Name,
    ] {
        assert!(kind.placeholder().starts_with('['));
        let (en, nl) = kind.described();
        assert!(!en.is_empty() && !nl.is_empty());
    }
    assert_eq!(Kind::Name.placeholder(), "[naam]");
    assert_eq!(Kind::Name.described(), ("a name", "een naam"));
}
