//! Titles and instructions of the method's activities and steps, in both languages, in
//! the method's own words (`METHOD.md`), for each `shared::meeting::Step`.

use leerkring_shared::meeting::{ActivityKind, Step};

use crate::i18n::Lang;

/// The name of an activity.
pub fn activity_name(lang: Lang, kind: ActivityKind) -> &'static str {
    match (lang, kind) {
        (Lang::Nl, ActivityKind::VirtueExercise) => "Deugdenoefening",
        (Lang::Nl, ActivityKind::VirtueCards) => "Deugdenkaarten in drie ronden",
        (Lang::Nl, ActivityKind::CaseConsultation) => "Omgangsoverleg",
        (Lang::Nl, ActivityKind::Evaluation) => "Evaluatie",
        (Lang::En, ActivityKind::VirtueExercise) => "Virtue exercise",
        (Lang::En, ActivityKind::VirtueCards) => "Virtue cards in three rounds",
        (Lang::En, ActivityKind::CaseConsultation) => "Case consultation (omgangsoverleg)",
        (Lang::En, ActivityKind::Evaluation) => "Evaluation",
    }
}

/// The title and instruction of a step.
pub fn step_text(lang: Lang, step: Step) -> (&'static str, &'static str) {
    let (nl, en) = match step {
        Step::ExerciseNameInPairs => (
            ("Deugden noemen in tweetallen", "Bespreek in tweetallen welke deugden je belangrijk vindt in je werk."),
            ("Name virtues in pairs", "In pairs, discuss which virtues matter in your work."),
        ),
        Step::ExerciseCollect => (
            ("Deugden verzamelen", "Zet samen op de flip-over alle deugden die de groep belangrijk vindt."),
            ("Collect virtues", "Together, put every virtue the group finds important on the flip-over."),
        ),
        Step::ExerciseFillColumns => (
            ("Te weinig en te veel invullen", "Beschrijf per deugd wat er gebeurt bij te weinig en bij te veel ervan."),
            ("Fill in too little and too much", "For each virtue, describe what happens with too little and too much of it."),
        ),
        Step::ExerciseReview => (
            ("De tabel samen bekijken", "Kloppen de beschrijvingen? Wil je iets toevoegen?"),
            ("Review the table together", "Are the descriptions right? Anything to add?"),
        ),
        Step::ExercisePracticeInPairs => (
            ("Koppelen aan de praktijk", "Kies in tweetallen een recente situatie. Handelde je vanuit het midden, te veel of te weinig?"),
            ("Relate to practice", "In pairs, pick a recent situation. Did you act from the middle, too much or too little?"),
        ),
        Step::ExerciseShareStories => (
            ("Verhalen delen", "Wissel de praktijkverhalen uit met het team."),
            ("Share stories", "Exchange the practice stories with the team."),
        ),
        Step::ExerciseDebrief | Step::CardsDebrief | Step::EvaluationDebrief => (
            ("Nabespreken", "Wat heeft deze oefening opgeleverd? Wat is bruikbaar in je praktijk?"),
            ("Debrief", "What did this exercise yield? What is usable in your practice?"),
        ),
        Step::CardsRound1 => (
            ("Ronde 1: een kaart kiezen", "Kies één deugdkaart, lees de tekst voor en vertel kort waarom je hem kiest."),
            ("Round 1: pick a card", "Pick one virtue card, read its text aloud and say briefly why you chose it."),
        ),
        Step::CardsRound2Groups => (
            ("Ronde 2: top drie per groep", "Maak in je groep een top drie van de gekozen kaarten en schrijf op waarom."),
            ("Round 2: a top three per group", "In your group, make a top three of the chosen cards and write down why."),
        ),
        Step::CardsRound2Plenary => (
            ("Ronde 2: de groepen naast elkaar", "Elke groep licht zijn top drie toe."),
            ("Round 2: the groups side by side", "Each group explains its top three."),
        ),
        Step::CardsRound3Vote => (
            ("Ronde 3: de top drie van het team", "Stem op de drie deugden die voor het team het belangrijkst zijn."),
            ("Round 3: the team's top three", "Vote for the three virtues that matter most to the team."),
        ),
        Step::CardsRound3Columns => (
            ("Ronde 3: te weinig en te veel", "Beschrijf voor elke deugd uit de top drie wat te weinig en te veel is."),
            ("Round 3: too little and too much", "For each virtue of the top three, describe too little and too much."),
        ),
        Step::CardsAdopt => (
            ("Een deugd adopteren", "Wie wil een deugd adopteren en zorgen dat die in het team blijft of sterker wordt?"),
            ("Adopt a virtue", "Who wants to adopt a virtue and keep it alive or strengthen it in the team?"),
        ),
        Step::CaseIntake => (
            ("Inbreng", "De inbrenger geeft de casus een titel, vertelt kort wat er speelt en stelt een leervraag."),
            ("Intake", "The contributor gives the case a title, briefly tells what is going on and asks a learning question."),
        ),
        Step::CaseExplore => (
            ("Fase 1: verkennen", "Wat is gaande in de omgang tussen jou en de cliënt? Wat is waarneming en wat interpretatie?"),
            ("Phase 1: explore", "What is going on between you and the client? What is observation and what is interpretation?"),
        ),
        Step::CaseInvestigate => (
            ("Fase 2: onderzoeken", "Welke opties zijn er? Wat zie je vanuit het perspectief van de cliënt?"),
            ("Phase 2: investigate", "What options are there? What do you see from the client's perspective?"),
        ),
        Step::CaseDecide => (
            ("Fase 3: besluiten", "Wat is het vervolg? Hoe verschilt dat van je eerste impuls, en waarom deze keuze?"),
            ("Phase 3: decide", "What comes next? How does it differ from your first impulse, and why this choice?"),
        ),
        Step::CaseLearn => (
            ("Fase 4: leren", "Wat leren we hiervan? Wijken we af van afspraken, en hoe verantwoorden we dat?"),
            ("Phase 4: learn", "What do we learn? Do we deviate from agreements, and how do we justify that?"),
        ),
        Step::CaseReflect => (
            ("Terugblik", "Waarnemen, begrijpen en beoordelen, doen, verantwoorden: hoe ging het?"),
            ("Looking back", "Perceive, understand and appraise, act, account for it: how did it go?"),
        ),
    };
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
}

/// The method's guiding questions of a case consultation phase (`METHOD.md`, in its own
/// words); none for other steps.
pub fn guiding_questions(lang: Lang, step: Step) -> &'static [&'static str] {
    let (nl, en): (&[&str], &[&str]) = match step {
        Step::CaseExplore => (
            &[
                "Wat is gaande in de omgang, de relatie tussen jou en de cliënt?",
                "Wat is daarvan waarneming en wat daarvan interpretatie?",
            ],
            &[
                "What is going on in the relationship between you and the client?",
                "What of it is observation, and what interpretation?",
            ],
        ),
        Step::CaseInvestigate => (
            &[
                "Welke opties zijn er? Wat kan wel en wat kan niet gedaan worden?",
                "Wat zie je vanuit het perspectief van de cliënt, en hoe kun je daarbij aansluiten en daarop afstemmen?",
            ],
            &[
                "What options are there? What can and cannot be done?",
                "What do you see from the client's perspective, and how can you connect and attune to it?",
            ],
        ),
        Step::CaseDecide => (
            &[
                "Wat besluiten we over het vervolg?",
                "In hoeverre is dat anders dan je op basis van je eerste impuls wilde doen, en wat maakt dat je tot deze keuze komt?",
            ],
            &[
                "What do we decide about what comes next?",
                "How far does that differ from what your first impulse wanted, and what brings you to this choice?",
            ],
        ),
        Step::CaseLearn => (
            &[
                "Wat leren we hiervan op metaniveau?",
                "Is er sprake van afwijken van afspraken of protocollen, en hoe verantwoorden we dat dan?",
            ],
            &[
                "What do we learn from this at meta level?",
                "Do we deviate from agreements or protocols, and if so, how do we justify that?",
            ],
        ),
        _ => (&[], &[]),
    };
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
}
