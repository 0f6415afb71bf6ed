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
