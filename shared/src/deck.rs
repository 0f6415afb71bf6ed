//! The virtue cards Leerkring ships (our own Dutch texts). They are the deck for the card
//! variant in three rounds (`METHOD.md`, activity B); a team can add its own cards.
//!
//! Each card has a virtue's name, a short text in plain Dutch that describes the virtue as
//! a disposition to find *het juiste midden* with a client or a colleague, and a hint for
//! the two outer columns of the virtue table (*te weinig* / *te veel*). For the fourteen
//! virtues of the table a real team made (seeds/001, §2.3) the hints are that team's own
//! words; only for Respect, where the team wrote "Grenzeloos" in both columns, the
//! *te veel* hint is our own.
//!
//! The texts are written for Leerkring. They do not copy or rework the published
//! "act on Virtues" deck, which is copyrighted.

/// One virtue card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VirtueCard {
    /// The virtue, capitalised as in the method's table (e.g. "Betrokkenheid").
    pub name: &'static str,
    /// A short explanatory text (one or two sentences, plain Dutch).
    pub text: &'static str,
    /// A hint for the *te weinig* column: what too little of the virtue looks like.
    pub too_little: &'static str,
    /// A hint for the *te veel* column: what too much of the virtue looks like.
    pub too_much: &'static str,
}

const fn c(
    name: &'static str,
    text: &'static str,
    too_little: &'static str,
    too_much: &'static str,
) -> VirtueCard {
    VirtueCard {
        name,
        text,
        too_little,
        too_much,
    }
}

/// The deck, alphabetical by name.
pub static DECK: &[VirtueCard] = &[
    c(
        "Aandacht",
        "Je bent er met je hoofd en je hart bij als iemand iets vertelt. Je merkt wat er speelt, zonder de ander te overvallen met vragen of te blijven aandringen.",
        "Afwezig",
        "Opdringerig",
    ),
    c(
        "Aansluiten",
        "Je begint bij wat de cliënt belangrijk vindt, met woorden en een tempo die bij hem of haar passen. Je stemt je af, maar je blijft jezelf en houdt je eigen kijk op de situatie.",
        "Hokjes",
        "Verlies van jezelf",
    ),
    c(
        "Acceptatie",
        "Je neemt iemand zoals hij of zij is, ook met keuzes die jij anders zou maken. Dat betekent niet dat je alles goedvindt of overal in meegaat.",
        "Niet erkennen",
        "Te ver meegaan",
    ),
    c(
        "Alertheid",
        "Je let op signalen dat het niet goed gaat, zoals een lege koelkast, post die blijft liggen of blauwe plekken. Je vraagt door en deelt je zorgen, zonder overal meteen gevaar in te zien.",
        "Wegkijken",
        "Achterdochtig",
    ),
    c(
        "Assertiviteit",
        "Je zegt rustig en duidelijk wat je nodig hebt of wat je niet accepteert, tegen een cliënt, een collega of een instantie. Je komt voor jezelf op zonder de ander opzij te duwen.",
        "Alles slikken",
        "Aanvallend",
    ),
    c(
        "Authenticiteit",
        "Je bent in je werk herkenbaar als mens, niet alleen als hulpverlener. Je laat iets van jezelf zien als dat de ander helpt, maar het gesprek blijft over de cliënt gaan.",
        "Onpersoonlijk",
        "Jezelf centraal stellen",
    ),
    c(
        "Behulpzaamheid",
        "Je helpt waar het nodig is en biedt een helpende hand als iemand vastloopt. Je neemt niet over wat iemand zelf kan, want dan help je de ander niet echt verder.",
        "Aan je lot overlaten",
        "Betuttelen",
    ),
    c(
        "Bescheidenheid",
        "Je weet wat je kunt, maar je maakt jezelf niet groter dan je bent. Je gunt de cliënt en je collega's de eer voor wat zij bereiken, en je stopt je eigen bijdrage ook niet weg.",
        "Opscheppen",
        "Jezelf kleinmaken",
    ),
    c(
        "Betrokkenheid",
        "Je leeft mee met de cliënt en zet je echt in voor wat hem of haar bezighoudt. Je staat naast de ander, maar gaat niet op de stoel van de cliënt zitten.",
        "Afstandelijk",
        "Overnemen",
    ),
    c(
        "Betrouwbaarheid",
        "Je doet wat je zegt, je komt afspraken na en je laat het op tijd weten als iets niet lukt. Zo kan de cliënt op je rekenen, zonder dat je star vasthoudt aan elke afspraak.",
        "Afspraken vergeten",
        "Star",
    ),
    c(
        "Bezonnenheid",
        "Je denkt even na voordat je iets doet, ook als het spannend wordt of iemand boos is. Je weegt af wat nodig is, maar je blijft niet twijfelen als er snel iets moet gebeuren.",
        "Impulsief",
        "Besluiteloos",
    ),
    c(
        "Collegialiteit",
        "Je staat klaar voor je collega's, deelt wat je weet en vraagt hulp als je vastloopt. Je durft een collega ook aan te spreken als iets niet goed gaat, in plaats van erover te zwijgen.",
        "Solistisch",
        "Elkaar dekken",
    ),
    c(
        "Compassie",
        "Je wordt geraakt door de pijn of het verdriet van een ander en wilt er iets aan doen, ook als iemand er zelf schuld aan heeft. Je laat je er niet door meeslepen, zodat je kunt blijven helpen.",
        "Hardvochtig",
        "Meegesleept worden",
    ),
    c(
        "Creativiteit",
        "Je zoekt een nieuwe weg als de gewone aanpak niet werkt, bijvoorbeeld een gesprek tijdens een wandeling. Je let er wel op dat iets nieuws past bij wat de cliënt aankan.",
        "Vastgeroest",
        "Steeds iets nieuws",
    ),
    c(
        "Dankbaarheid",
        "Je ziet wat anderen voor jou en voor de cliënt doen, ook de kleine dingen, en je laat merken dat je het waardeert. Je meent het en hebt niet het gevoel dat je bij iedereen in de schuld staat.",
        "Vanzelfsprekend vinden",
        "Onderdanig",
    ),
    c(
        "Deskundigheid",
        "Je kent je vak, houdt je kennis bij en zet die in waar het de cliënt helpt. Je luistert ook naar de cliënt, want die kent zijn of haar eigen leven het best.",
        "Onkundig",
        "Alles beter weten",
    ),
    c(
        "Doelgerichtheid",
        "Je spreekt met de cliënt af waar jullie naartoe werken en houdt dat doel in het oog. Je blijft wel openstaan voor wat er onderweg verandert en wat iemand nu nodig heeft.",
        "Doelloos",
        "Tunnelvisie",
    ),
    c(
        "Doortastendheid",
        "Je grijpt in als het moet, bijvoorbeeld als iemand niet veilig is of een rekening vandaag betaald moet worden. Je doet dat zo veel mogelijk samen met de cliënt, zonder over iemand heen te walsen.",
        "Afwachten",
        "Doordrukken",
    ),
    c(
        "Duidelijkheid",
        "Je zegt helder wat je wel en niet kunt doen en wat je van de ander verwacht. Je kiest eenvoudige woorden, maar je maakt het niet eenvoudiger dan het is.",
        "Vaag",
        "Zwart-wit",
    ),
    c(
        "Eerlijkheid",
        "Je vertelt de waarheid, ook als die niet prettig is, bijvoorbeeld over wat wel en niet mogelijk is. Je kiest wel een goed moment en passende woorden, zodat de ander het kan horen.",
        "Verzwijgen",
        "Flapuit",
    ),
    c(
        "Empathie",
        "Je probeert te voelen en te begrijpen hoe de situatie voor de ander is. Je leeft mee, maar je houdt ook oog voor jezelf en voor je eigen grenzen.",
        "Onverschilligheid",
        "Jezelf wegcijferen",
    ),
    c(
        "Enthousiasme",
        "Je werkt met plezier en dat steekt cliënten en collega's aan. Je let er wel op dat je de ander niet overvalt met je energie als die moe of somber is.",
        "Lusteloos",
        "Overdonderend",
    ),
    c(
        "Flexibiliteit",
        "Je past je aan als een plan niet meer werkt, bijvoorbeeld als een cliënt een slechte dag heeft. Je houdt wel vast aan de grote lijn, zodat duidelijk blijft waar iedereen aan toe is.",
        "Star",
        "Alle kanten op",
    ),
    c(
        "Gastvrijheid",
        "Je zorgt dat mensen zich welkom voelen, op het spreekuur of in het buurthuis, met een open deur en een kop koffie. Je bewaakt ook de huisregels, zodat het voor iedereen prettig blijft.",
        "Afwijzend",
        "Geen grenzen",
    ),
    c(
        "Geduld",
        "Je geeft iemand de tijd om stappen te zetten, ook als het langzaam gaat of er weer een terugval is. Je houdt wel in de gaten wanneer iets echt niet langer kan wachten.",
        "Vluchtig",
        "Traag",
    ),
    c(
        "Gelijkwaardigheid",
        "Je behandelt de cliënt als een gelijke, met eigen kennis en een eigen stem. Je vergeet daarbij niet dat jij een andere rol hebt en verantwoordelijk bent voor je werk.",
        "Neerbuigend",
        "Rollen vervagen",
    ),
    c(
        "Hartelijkheid",
        "Je ontvangt mensen met warmte en laat merken dat je blij bent ze te zien. Je blijft wel professioneel, zodat duidelijk blijft dat je geen vriend of familielid bent.",
        "Koel",
        "Klef",
    ),
    c(
        "Hoop",
        "Je blijft geloven dat er iets kan veranderen, ook als het lang tegenzit, en je laat de cliënt dat merken. Je belooft niets wat je niet kunt waarmaken.",
        "Moedeloos",
        "Onrealistisch",
    ),
    c(
        "Humor",
        "Met een grap of een lach doorbreek je spanning en maak je contact, met cliënten en collega's. Je voelt aan wanneer humor helpt en wanneer een grap pijn doet of iets kleiner maakt dan het is.",
        "Zwaar op de hand",
        "Alles weglachen",
    ),
    c(
        "Integriteit",
        "Je handelt naar je waarden en naar de beroepscode, ook als niemand meekijkt. Je houdt wel oog voor de bedoeling, want regels zijn er voor mensen en niet andersom.",
        "Schipperen",
        "Rechtlijnig",
    ),
    c(
        "Kalmte",
        "Je blijft rustig als het druk wordt of als iemand in paniek raakt of boos wordt, en die rust helpt de ander. Je laat wel zien dat iets je raakt als dat zo is.",
        "Paniekerig",
        "Onaangedaan",
    ),
    c(
        "Kritische zin",
        "Je stelt vragen bij gewoontes, regels en je eigen aanpak: werkt dit echt voor deze cliënt? Je doet dat om het werk beter te maken, niet om overal iets op aan te merken.",
        "Meegaand",
        "Muggenziften",
    ),
    c(
        "Laagdrempeligheid",
        "Mensen kunnen makkelijk bij je aankloppen, zonder dat ze eerst een verwijzing of formulieren nodig hebben. Je spreekt wel af wanneer je bereikbaar bent, zodat je het volhoudt.",
        "Voorwaarden",
        "24/7 bereikbaar",
    ),
    c(
        "Leergierigheid",
        "Je wilt blijven leren, van een cursus maar vooral van cliënten, collega's en je eigen fouten. Je brengt wat je leert ook echt in praktijk en verzamelt niet alleen kennis.",
        "Stilstaan",
        "Van cursus naar cursus",
    ),
    c(
        "Lef/moed",
        "Je durft iets te doen of te zeggen wat spannend is, zoals aanbellen bij iemand die hulp afwijst of een collega aanspreken. Je schat wel in welk risico je neemt en wie je erbij nodig hebt.",
        "Angstig",
        "Roekeloos",
    ),
    c(
        "Loyaliteit",
        "Je staat achter je team en je organisatie en je laat collega's niet vallen. Als iets niet klopt, zeg je dat wel, want trouw zijn betekent niet dat je alles goedpraat.",
        "Ondermijnen",
        "Blind volgen",
    ),
    c(
        "Matigheid",
        "Je houdt maat in wat je belooft, geeft en van jezelf vraagt, zodat je het werk lang kunt volhouden. Je bent daarbij niet zuinig met je inzet als het er echt op aankomt.",
        "Maatloos",
        "Karig",
    ),
    c(
        "Mildheid",
        "Je kijkt met begrip naar fouten en zwakke plekken, bij cliënten, bij collega's en bij jezelf. Je benoemt wel wat er misging, zodat iedereen ervan kan leren.",
        "Streng oordelen",
        "Alles goedpraten",
    ),
    c(
        "Nieuwsgierigheid",
        "Je wilt echt weten hoe iemand leeft en denkt, en je vraagt door zonder meteen te oordelen. Je vraagt wel alleen wat nodig is voor de hulp en respecteert wat iemand niet wil vertellen.",
        "Ongeïnteresseerd",
        "Uithoren",
    ),
    c(
        "Nuchterheid",
        "Je staat met beide benen op de grond en laat je niet gek maken door drukte of heftige verhalen. Je blijft wel gevoelig voor wat zo'n situatie met de ander doet.",
        "Overgevoelig",
        "Hard",
    ),
    c(
        "Openheid",
        "Je staat open voor andere ideeën en manieren van leven, en je bent eerlijk over hoe jij werkt. Over jezelf vertel je alleen wat de ander verder helpt.",
        "Gesloten",
        "Ongefilterd",
    ),
    c(
        "Presentie",
        "Je bent er echt voor iemand, neemt de tijd en kijkt eerst wat de ander nodig heeft voordat je met oplossingen komt. Je blijft jezelf en ziet ook wanneer andere hulp nodig is.",
        "Snel oplossen",
        "Opgaan in de ander",
    ),
    c(
        "Rechtvaardigheid",
        "Je behandelt mensen eerlijk en komt op voor wie benadeeld wordt. Je weet ook dat eerlijk niet altijd gelijk is: wie meer nodig heeft, krijgt soms meer hulp.",
        "Willekeur",
        "Regels boven mensen",
    ),
    c(
        "Respect",
        "Je behandelt iedereen als een waardevol mens, ook als je het niet met iemand eens bent. Je let op de grenzen van de ander, zonder zo voorzichtig te worden dat je niets meer durft te zeggen.",
        "Grenzeloos",
        "Niets durven zeggen",
    ),
    c(
        "Respect voor autonomie",
        "Je laat mensen zelf kiezen hoe ze hun leven inrichten, ook als jij het anders zou doen. Brengt iemand zichzelf of anderen in gevaar, dan zoek je samen naar wat kan en grijp je zo nodig in.",
        "Voor iemand beslissen",
        "Niet ingrijpen",
    ),
    c(
        "Ruimhartigheid",
        "Je geeft van je tijd, je aandacht en je kennis zonder op een uurtje te kijken. Je houdt wel in de gaten wat je zelf nog te geven hebt.",
        "Krenterig",
        "Jezelf weggeven",
    ),
    c(
        "Solidariteit",
        "Je voelt je verbonden met mensen die het moeilijk hebben en je komt voor hen op, bijvoorbeeld bij een instantie. Je blijft wel zo onafhankelijk dat je ook de andere kant ziet.",
        "Ieder voor zich",
        "Blind partij kiezen",
    ),
    c(
        "Standvastigheid",
        "Je houdt vast aan een goed besluit, ook als een cliënt of de familie druk zet. Je blijft wel luisteren en durft van mening te veranderen als daar een goede reden voor is.",
        "Wispelturig",
        "Koppig",
    ),
    c(
        "Tact",
        "Je brengt moeilijke dingen zo dat de ander ze kan horen, op een goed moment en met de juiste woorden. Je draait er niet omheen, zodat de boodschap wel aankomt.",
        "Bot",
        "Eromheen draaien",
    ),
    c(
        "Toewijding",
        "Je zet je met hart en ziel in voor je werk en voor de mensen die je helpt. Je laat je er niet door opslokken, zodat er ook ruimte blijft voor je eigen leven.",
        "Lauw",
        "Opgeslokt worden",
    ),
    c(
        "Trouw",
        "Je laat een cliënt niet in de steek, ook als het lang duurt of iemand je een tijd afwijst. Je durft los te laten als een ander beter kan helpen, en je volgt dan op afstand hoe het gaat.",
        "Snel afhaken",
        "Niet kunnen loslaten",
    ),
    c(
        "Vasthoudendheid",
        "Je blijft contact zoeken en houdt oog voor wat er speelt, ook als iemand de deur niet opendoet of steeds afzegt. Je gaat daarbij niet zo op in het probleem van de ander dat het je benauwt.",
        "Laconiek",
        "Beklemd",
    ),
    c(
        "Veerkracht",
        "Je kunt tegenslag opvangen, zoals een cliënt die terugvalt of een heftig huisbezoek, en je pakt daarna de draad weer op. Je neemt ook de tijd om te voelen wat het met je doet.",
        "Snel opgeven",
        "Pijn wegstoppen",
    ),
    c(
        "Verantwoordelijkheid",
        "Je neemt je taken serieus, maakt je werk af en kunt uitleggen waarom je iets doet. Je laat bij de cliënt wat van de cliënt is, zodat je niet alles op je eigen schouders neemt.",
        "Ondoordacht",
        "Eigenaar",
    ),
    c(
        "Verdraagzaamheid",
        "Je kunt goed omgaan met mensen die anders denken, geloven of leven dan jij, in je team en bij cliënten. Je trekt wel een grens bij gedrag dat anderen kwetst of bedreigt.",
        "Veroordelen",
        "Geen grens trekken",
    ),
    c(
        "Vergevingsgezindheid",
        "Je kunt iemand iets vergeven, zoals een cliënt die tegen je uitviel of een collega die een fout maakte, en je begint met een schone lei. Je zegt wel duidelijk wat niet kan.",
        "Wrokkig",
        "Alles pikken",
    ),
    c(
        "Vertrouwelijkheid",
        "Je gaat zorgvuldig om met wat een cliënt je toevertrouwt en praat er niet zomaar over. Je deelt wel wat nodig is om samen te werken of iemand te beschermen, zo mogelijk in overleg met de cliënt.",
        "Loslippig",
        "Gesloten",
    ),
    c(
        "Vertrouwen",
        "Je gaat ervan uit dat mensen het goed bedoelen en veel zelf kunnen, en je laat dat merken. Je blijft wel zien wat er echt gebeurt, ook als dat anders is dan je hoopte.",
        "Wantrouwig",
        "Goedgelovig",
    ),
    c(
        "Vriendelijkheid",
        "Je bent aardig en beleefd, ook als iemand kortaf of boos is, en dat maakt het contact makkelijker. Je blijft wel eerlijk en zegt ook wat minder prettig is.",
        "Kortaf",
        "Poeslief",
    ),
    c(
        "Wijsheid",
        "Je brengt kennis, ervaring en gevoel samen en kiest wat in deze situatie het goede is om te doen. Je weet ook wat je niet weet en vraagt anderen om mee te denken.",
        "Kortzichtig",
        "Belerend",
    ),
    c(
        "Zelfbeheersing",
        "Je hebt jezelf in de hand, ook als een cliënt je uitscheldt of een collega je irriteert. Je stopt je gevoel niet weg, maar je uit het op een geschikt moment.",
        "Driftig",
        "Verkrampt",
    ),
    c(
        "Zelfkennis",
        "Je weet wat je sterke kanten zijn, waar je valkuilen liggen en wat een cliënt bij jou oproept. Je gebruikt dat in je werk, zonder steeds met jezelf bezig te zijn.",
        "Blinde vlek",
        "Navelstaren",
    ),
    c(
        "Zelfstandigheid",
        "Je kunt alleen op pad gaan, bij mensen thuis of op straat, en daar zelf keuzes maken. Je weet ook wanneer je een collega of je leidinggevende erbij moet halen.",
        "Afhankelijk",
        "Alles alleen doen",
    ),
    c(
        "Zelfvertrouwen",
        "Je vertrouwt op wat je kunt en durft een besluit te nemen of een mening te geven. Je blijft wel openstaan voor twijfel en voor wat anderen zien.",
        "Onzeker",
        "Overmoedig",
    ),
    c(
        "Zelfzorg",
        "Je let op je eigen grenzen, je rust en je gezondheid, want alleen zo kun je goed voor anderen zorgen. Je blijft wel beschikbaar als iemand je echt nodig heeft.",
        "Jezelf voorbijlopen",
        "Jezelf sparen",
    ),
    c(
        "Zorgvuldigheid",
        "Je werkt precies, bijvoorbeeld bij een aanvraag, een verslag of een medicatielijst, zodat er niets misgaat. Je raakt daarbij niet zo verstrikt in details dat de cliënt moet wachten.",
        "Slordig",
        "Perfectionistisch",
    ),
    c(
        "Zorgzaamheid",
        "Je let goed op wat cliënten nodig hebben, zoals eten, warmte of een luisterend oor, en je zorgt dat ze het krijgen. Je laat ze wel zelf doen wat ze kunnen.",
        "Onverschillig",
        "Bemoederen",
    ),
];

/// Whether two virtue names are the same, ignoring surrounding spaces and the case of
/// ASCII letters. Only ASCII is folded: full Unicode case tables would add about 10 kB to
/// the browser client, and virtue names start with a plain capital.
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Looks up a card by name, ignoring case.
pub fn card(name: &str) -> Option<&'static VirtueCard> {
    DECK.iter().find(|card| same_name(card.name, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sort key that does not depend on the locale: lowercase, with the Dutch diacritics
    /// folded to their base letter ("Één" sorts with "een").
    fn sort_key(name: &str) -> String {
        name.chars()
            .flat_map(char::to_lowercase)
            .map(|ch| match ch {
                'á' | 'à' | 'â' | 'ä' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'í' | 'ì' | 'î' | 'ï' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' => 'o',
                'ú' | 'ù' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                'ñ' => 'n',
                other => other,
            })
            .collect()
    }

    fn words(text: &str) -> impl Iterator<Item = String> + '_ {
        text.split(|ch: char| !ch.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
    }

    #[test]
    fn deck_has_at_least_64_cards() {
        assert!(DECK.len() >= 64, "only {} cards", DECK.len());
    }

    #[test]
    fn deck_names_are_unique_and_sorted() {
        for pair in DECK.windows(2) {
            let (a, b) = (sort_key(pair[0].name), sort_key(pair[1].name));
            assert!(
                a < b,
                "{:?} must come before {:?}",
                pair[0].name,
                pair[1].name
            );
        }
    }

    #[test]
    fn deck_names_are_capitalised_and_trimmed() {
        for card in DECK {
            assert_eq!(card.name, card.name.trim(), "{}", card.name);
            let first = card.name.chars().next().expect("empty name");
            assert!(first.is_uppercase(), "{}", card.name);
            assert!(!card.name.contains("  "), "{}", card.name);
        }
    }

    #[test]
    fn deck_texts_are_short_full_sentences() {
        for card in DECK {
            let len = card.text.chars().count();
            assert!(
                (80..=240).contains(&len),
                "{}: text is {len} characters",
                card.name
            );
            assert!(card.text.ends_with('.'), "{}: no full stop", card.name);
            assert!(!card.text.contains("  "), "{}: double space", card.name);
            assert_eq!(card.text, card.text.trim(), "{}", card.name);
            let sentences = card.text.matches(". ").count() + 1;
            assert!(sentences <= 2, "{}: {sentences} sentences", card.name);
        }
    }

    #[test]
    fn deck_texts_have_no_english() {
        const ENGLISH: &[&str] = &[
            "the",
            "and",
            "with",
            "you",
            "your",
            "skills",
            "care",
            "client",
            "feedback",
            "self",
            "empowerment",
            "coaching",
        ];
        for card in DECK {
            for field in [card.name, card.text, card.too_little, card.too_much] {
                for word in words(field) {
                    assert!(
                        !ENGLISH.contains(&word.as_str()),
                        "{}: English word {word:?}",
                        card.name
                    );
                }
            }
        }
    }

    #[test]
    fn deck_hints_are_one_to_four_words() {
        for card in DECK {
            for hint in [card.too_little, card.too_much] {
                let count = hint.split_whitespace().count();
                assert!((1..=4).contains(&count), "{}: hint {hint:?}", card.name);
                assert_eq!(hint, hint.trim(), "{}: hint {hint:?}", card.name);
            }
        }
    }

    #[test]
    fn deck_keeps_the_teams_table() {
        // seeds/001 §2.3: te weinig, deugd, te veel (Respect: see the module docs).
        let table = [
            ("Afstandelijk", "Betrokkenheid", "Overnemen"),
            ("Onverschilligheid", "Empathie", "Jezelf wegcijferen"),
            ("Aan je lot overlaten", "Behulpzaamheid", "Betuttelen"),
            ("Ondoordacht", "Verantwoordelijkheid", "Eigenaar"),
            ("Laconiek", "Vasthoudendheid", "Beklemd"),
            ("Niet erkennen", "Acceptatie", "Te ver meegaan"),
            ("Vluchtig", "Geduld", "Traag"),
            ("Verzwijgen", "Eerlijkheid", "Flapuit"),
            ("Loslippig", "Vertrouwelijkheid", "Gesloten"),
            ("Hokjes", "Aansluiten", "Verlies van jezelf"),
            ("Angstig", "Lef/moed", "Roekeloos"),
            ("Overgevoelig", "Nuchterheid", "Hard"),
            ("Voorwaarden", "Laagdrempeligheid", "24/7 bereikbaar"),
        ];
        for (too_little, name, too_much) in table {
            let card = card(name).unwrap_or_else(|| panic!("no card {name}"));
            assert_eq!((card.too_little, card.too_much), (too_little, too_much));
        }
        assert_eq!(card("Respect").map(|c| c.too_little), Some("Grenzeloos"));
    }

    #[test]
    fn card_lookup_ignores_case() {
        let found = card("betrokkenheid").expect("Betrokkenheid");
        assert_eq!(found.name, "Betrokkenheid");
        assert_eq!(found.too_little, "Afstandelijk");
        assert_eq!(found.too_much, "Overnemen");
        assert_eq!(
            card("RESPECT VOOR AUTONOMIE").map(|c| c.name),
            Some("Respect voor autonomie")
        );
        assert_eq!(card(" lef/moed ").map(|c| c.name), Some("Lef/moed"));
        assert_eq!(card("Onbekend"), None);
        assert_eq!(card(""), None);
    }

    #[test]
    fn sort_key_folds_case_and_diacritics() {
        assert_eq!(sort_key("Ëlan"), "elan");
        assert!(sort_key("Één") < sort_key("Eerlijkheid"));
    }
}
