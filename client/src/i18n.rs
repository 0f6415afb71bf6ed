//! Every text the interface shows, one catalogue per language. Dutch is the default;
//! the method's own words (deugd, begeleider, deelnemer, flip-over) are kept as they are.

use leptos::prelude::*;

/// A language the interface speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Nl => &NL,
            Lang::En => &EN,
        }
    }

    /// The other language, offered by the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
        }
    }
}

/// The interface texts of one language.
pub struct Texts {
    pub app_name: &'static str,
    pub tagline: &'static str,
    /// Label of the language switch, in the language it switches *to*.
    pub switch_language: &'static str,
    pub skip_to_content: &'static str,

    pub start_heading: &'static str,
    pub start_intro: &'static str,
    pub meeting_title_label: &'static str,
    pub meeting_title_hint: &'static str,
    pub start_button: &'static str,
    pub starting: &'static str,
    pub start_failed: &'static str,
    pub privacy_note: &'static str,

    pub join_heading: &'static str,
    pub join_intro: &'static str,
    pub your_name_label: &'static str,
    pub your_name_hint: &'static str,
    pub join_button: &'static str,
    pub name_required: &'static str,

    pub role_facilitator: &'static str,
    pub role_participant: &'static str,
    pub invite_heading: &'static str,
    pub invite_intro: &'static str,
    pub join_link_label: &'static str,
    pub copy_link: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub qr_label: &'static str,

    pub present_heading: &'static str,
    pub you: &'static str,
    pub is_typing_in_flipover: &'static str,
    pub flipover_heading: &'static str,
    pub flipover_label: &'static str,
    pub flipover_hint: &'static str,

    pub status_connecting: &'static str,
    pub status_connected: &'static str,
    pub status_reconnecting: &'static str,
    pub status_offline: &'static str,
    pub status_kept: &'static str,

    pub loading: &'static str,
    pub link_invalid_heading: &'static str,
    pub link_invalid: &'static str,
    pub board_unavailable: &'static str,
    pub back_to_start: &'static str,

    pub agenda_heading: &'static str,
    pub previous_step: &'static str,
    pub next_step: &'static str,
    pub whole_agenda: &'static str,
    pub timer_heading: &'static str,
    pub timer_pause: &'static str,
    pub timer_resume: &'static str,
    pub timer_stop: &'static str,
    pub timer_idle: &'static str,
    pub timer_paused: &'static str,
    pub timer_done: &'static str,
    pub groups_heading: &'static str,
    pub groups_pairs: &'static str,
    pub groups_count: &'static str,
    pub groups_mode: &'static str,
    pub form_groups: &'static str,
    pub end_groups: &'static str,
    pub plenary_heading: &'static str,
    pub your_group_members: &'static str,
    pub vote_heading: &'static str,
    pub vote_question_label: &'static str,
    pub vote_options_label: &'static str,
    pub votes_per_person_label: &'static str,
    pub facilitator_votes_label: &'static str,
    pub open_vote: &'static str,
    pub close_vote: &'static str,
    pub reveal_vote: &'static str,
    pub vote_secret: &'static str,
    pub vote_closed: &'static str,
    pub results_heading: &'static str,
    pub shared_place: &'static str,
    pub lock_table: &'static str,
    pub unlock_table: &'static str,
    pub table_locked: &'static str,
    pub participants_heading: &'static str,
    pub connected: &'static str,
    pub not_connected: &'static str,
    pub hand_over: &'static str,
    pub remove_member: &'static str,
    pub rename_member: &'static str,
    pub new_name: &'static str,
    pub save: &'static str,
    pub reclaim: &'static str,
    pub you_lead: &'static str,
    pub leads_now: &'static str,
    pub refused: &'static str,
    pub group_notes_hint: &'static str,
    pub groups_manual: &'static str,
    pub group_for: &'static str,
    pub set_agenda: &'static str,
    pub agenda_choose: &'static str,
    pub step_counter: fn(usize, usize) -> String,
    pub timer_start: fn(u32) -> String,
    pub group_name: fn(usize) -> String,
    pub votes_left: fn(u32) -> String,
    pub voters_count: fn(usize) -> String,
    pub votes_count: fn(u32) -> String,
    pub place: fn(usize) -> String,
}

pub static NL: Texts = Texts {
    app_name: "Leerkring",
    tagline: "Samen werken aan kwaliteitsbewustzijn",
    switch_language: "English",
    skip_to_content: "Naar de inhoud",

    start_heading: "Een bijeenkomst beginnen",
    start_intro: "Als begeleider opent u hier een bijeenkomst. U krijgt een link voor de deelnemers, die zonder account meedoen.",
    meeting_title_label: "Naam van de bijeenkomst",
    meeting_title_hint: "Bijvoorbeeld: Leerkring wijkteam Noord, bijeenkomst 3",
    start_button: "Bijeenkomst starten",
    starting: "Bezig met starten…",
    start_failed: "Het starten is niet gelukt. Probeer het opnieuw.",
    privacy_note: "Alles blijft op de server van uw organisatie. Er worden geen gegevens gedeeld met anderen.",

    join_heading: "Meedoen aan de bijeenkomst",
    join_intro: "Vul uw naam in. Die zien de andere deelnemers. U hebt geen account nodig.",
    your_name_label: "Uw naam",
    your_name_hint: "Bijvoorbeeld uw voornaam",
    join_button: "Meedoen",
    name_required: "Vul een naam in.",

    role_facilitator: "Begeleider",
    role_participant: "Deelnemer",
    invite_heading: "Deelnemers uitnodigen",
    invite_intro: "Deel deze link met de deelnemers, of laat hen de QR-code scannen met hun telefoon.",
    join_link_label: "Link voor deelnemers",
    copy_link: "Link kopiëren",
    copied: "Link gekopieerd",
    copy_failed: "Kopiëren lukte niet. Selecteer de link en kopieer hem zelf.",
    qr_label: "QR-code met de link voor deelnemers",

    present_heading: "Aanwezig",
    you: "(u)",
    is_typing_in_flipover: "schrijft op de flip-over",
    flipover_heading: "Flip-over",
    flipover_label: "Gezamenlijke flip-over",
    flipover_hint: "Iedereen kan hier tegelijk schrijven. Wat u typt, zien de anderen meteen.",

    status_connecting: "Verbinden…",
    status_connected: "Verbonden",
    status_reconnecting: "Verbinding verbroken, opnieuw verbinden…",
    status_offline: "Offline",
    status_kept: "Uw wijzigingen blijven bewaard op dit apparaat en worden verstuurd zodra er weer verbinding is.",

    loading: "Laden…",
    link_invalid_heading: "Deze link werkt niet",
    link_invalid: "De link is onvolledig of niet (meer) geldig. Vraag de begeleider om een nieuwe link.",
    board_unavailable: "De bijeenkomst kan nu niet geladen worden. Probeer het over een moment opnieuw.",
    back_to_start: "Naar de beginpagina",

    agenda_heading: "Programma",
    previous_step: "Vorige stap",
    next_step: "Volgende stap",
    whole_agenda: "Hele programma",
    timer_heading: "Tijd",
    timer_pause: "Pauzeren",
    timer_resume: "Hervatten",
    timer_stop: "Timer stoppen",
    timer_idle: "Geen timer",
    timer_paused: "gepauzeerd",
    timer_done: "De tijd is om",
    groups_heading: "Groepen",
    groups_pairs: "Tweetallen",
    groups_count: "Aantal groepen",
    groups_mode: "Indeling",
    form_groups: "Groepen maken",
    end_groups: "Terug naar plenair",
    plenary_heading: "Resultaten van de groepen",
    your_group_members: "In uw groep:",
    vote_heading: "Stemming",
    vote_question_label: "Vraag",
    vote_options_label: "Keuzes, één per regel",
    votes_per_person_label: "Stemmen per persoon",
    facilitator_votes_label: "De begeleider stemt mee",
    open_vote: "Stemming openen",
    close_vote: "Stemming sluiten",
    reveal_vote: "Uitslag tonen",
    vote_secret: "Wat iemand stemt, blijft geheim tot de begeleider de uitslag toont.",
    vote_closed: "De stemming is gesloten. De uitslag volgt.",
    results_heading: "Uitslag",
    shared_place: "gedeeld",
    lock_table: "Tabel vergrendelen",
    unlock_table: "Tabel ontgrendelen",
    table_locked: "De begeleider heeft de tabel vergrendeld. U kunt meelezen.",
    participants_heading: "Deelnemers beheren",
    connected: "verbonden",
    not_connected: "niet verbonden",
    hand_over: "Rol overdragen",
    remove_member: "Verwijderen",
    rename_member: "Naam wijzigen",
    new_name: "Nieuwe naam",
    save: "Opslaan",
    reclaim: "Begeleidersrol terugnemen",
    you_lead: "U leidt deze bijeenkomst.",
    leads_now: "leidt nu",
    refused: "Dat lukte niet:",
    group_notes_hint: "Alleen uw groep schrijft hier; in het plenaire deel ziet iedereen het.",
    groups_manual: "Zelf indelen",
    group_for: "Groep voor",
    set_agenda: "Programma instellen",
    agenda_choose: "Kies de activiteiten van deze bijeenkomst",
    step_counter: |n, m| format!("Stap {n} van {m}"),
    timer_start: |m| format!("Timer starten ({m} min)"),
    group_name: |n| format!("Groep {n}"),
    votes_left: |n| if n == 1 { "U hebt nog 1 stem.".to_owned() } else { format!("U hebt nog {n} stemmen.") },
    voters_count: |n| if n == 1 { "1 persoon heeft gestemd.".to_owned() } else { format!("{n} personen hebben gestemd.") },
    votes_count: |n| if n == 1 { "1 stem".to_owned() } else { format!("{n} stemmen") },
    place: |n| format!("{n}e plaats"),
};

pub static EN: Texts = Texts {
    app_name: "Leerkring",
    tagline: "Building quality awareness together",
    switch_language: "Nederlands",
    skip_to_content: "Skip to content",

    start_heading: "Start a meeting",
    start_intro: "As the facilitator (begeleider) you open a meeting here. You get a link for the participants, who take part without an account.",
    meeting_title_label: "Name of the meeting",
    meeting_title_hint: "For example: Learning circle north team, meeting 3",
    start_button: "Start meeting",
    starting: "Starting…",
    start_failed: "The meeting could not be started. Please try again.",
    privacy_note: "Everything stays on your organisation's server. No data is shared with anyone else.",

    join_heading: "Join the meeting",
    join_intro: "Enter your name. The other participants will see it. You do not need an account.",
    your_name_label: "Your name",
    your_name_hint: "For example your first name",
    join_button: "Join",
    name_required: "Please enter a name.",

    role_facilitator: "Facilitator",
    role_participant: "Participant",
    invite_heading: "Invite participants",
    invite_intro: "Share this link with the participants, or let them scan the QR code with their phone.",
    join_link_label: "Link for participants",
    copy_link: "Copy link",
    copied: "Link copied",
    copy_failed: "Copying did not work. Select the link and copy it yourself.",
    qr_label: "QR code with the link for participants",

    present_heading: "Present",
    you: "(you)",
    is_typing_in_flipover: "is writing on the flip-over",
    flipover_heading: "Flip-over",
    flipover_label: "Shared flip-over",
    flipover_hint: "Everyone can write here at the same time. What you type, the others see at once.",

    status_connecting: "Connecting…",
    status_connected: "Connected",
    status_reconnecting: "Connection lost, reconnecting…",
    status_offline: "Offline",
    status_kept: "Your changes are kept on this device and sent as soon as the connection is back.",

    loading: "Loading…",
    link_invalid_heading: "This link does not work",
    link_invalid: "The link is incomplete or no longer valid. Ask the facilitator for a new link.",
    board_unavailable: "The meeting cannot be loaded right now. Please try again in a moment.",
    back_to_start: "To the start page",

    agenda_heading: "Agenda",
    previous_step: "Previous step",
    next_step: "Next step",
    whole_agenda: "Whole agenda",
    timer_heading: "Time",
    timer_pause: "Pause",
    timer_resume: "Resume",
    timer_stop: "Stop timer",
    timer_idle: "No timer",
    timer_paused: "paused",
    timer_done: "Time is up",
    groups_heading: "Groups",
    groups_pairs: "Pairs",
    groups_count: "Number of groups",
    groups_mode: "Split into",
    form_groups: "Form groups",
    end_groups: "Back to plenary",
    plenary_heading: "The groups' results",
    your_group_members: "In your group:",
    vote_heading: "Vote",
    vote_question_label: "Question",
    vote_options_label: "Options, one per line",
    votes_per_person_label: "Votes per person",
    facilitator_votes_label: "The facilitator votes too",
    open_vote: "Open vote",
    close_vote: "Close vote",
    reveal_vote: "Show results",
    vote_secret: "Votes stay secret until the facilitator shows the results.",
    vote_closed: "The vote is closed. Results follow.",
    results_heading: "Results",
    shared_place: "shared",
    lock_table: "Lock the table",
    unlock_table: "Unlock the table",
    table_locked: "The facilitator has locked the table. You can read along.",
    participants_heading: "Manage participants",
    connected: "connected",
    not_connected: "not connected",
    hand_over: "Hand over role",
    remove_member: "Remove",
    rename_member: "Rename",
    new_name: "New name",
    save: "Save",
    reclaim: "Take the facilitator role back",
    you_lead: "You are leading this meeting.",
    leads_now: "leads now",
    refused: "That did not work:",
    group_notes_hint: "Only your group writes here; in plenary everyone sees it.",
    groups_manual: "Assign by hand",
    group_for: "Group for",
    set_agenda: "Set agenda",
    agenda_choose: "Choose this meeting's activities",
    step_counter: |n, m| format!("Step {n} of {m}"),
    timer_start: |m| format!("Start timer ({m} min)"),
    group_name: |n| format!("Group {n}"),
    votes_left: |n| if n == 1 { "You have 1 vote left.".to_owned() } else { format!("You have {n} votes left.") },
    voters_count: |n| if n == 1 { "1 person has voted.".to_owned() } else { format!("{n} people have voted.") },
    votes_count: |n| if n == 1 { "1 vote".to_owned() } else { format!("{n} votes") },
    place: |n| match n { 1 => "1st place".to_owned(), 2 => "2nd place".to_owned(), 3 => "3rd place".to_owned(), n => format!("{n}th place") },
};

/// The language currently shown, shared through context.
#[derive(Clone, Copy)]
pub struct Language(pub RwSignal<Lang>);

impl Language {
    pub fn texts(&self) -> &'static Texts {
        self.0.get().texts()
    }
}

/// The current language from context.
pub fn use_language() -> Language {
    use_context::<Language>().unwrap_or_else(|| Language(RwSignal::new(Lang::Nl)))
}
