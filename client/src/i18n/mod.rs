//! Every text the interface shows, one catalogue per language. Dutch is the default;
//! the method's own words (deugd, begeleider, deelnemer, flip-over) are kept as they are.
//!
//! This module holds the language, the shape of a catalogue ([`Texts`]) and the lookup;
//! the catalogues themselves are in [`nl`] and [`en`].

mod en;
mod nl;

use leptos::prelude::*;

pub use en::EN;
pub use nl::NL;

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
    /// The button that shows (and hides) the facilitator's own link, which the address
    /// bar no longer shows.
    pub own_link_show: &'static str,
    pub own_link_hide: &'static str,
    pub own_link_label: &'static str,
    pub forget_heading: &'static str,
    pub forget_intro: &'static str,
    pub forget_button: &'static str,
    pub forget_needs_connection: &'static str,
    pub forget_question: &'static str,
    pub forget_confirm: &'static str,
    pub forget_cancel: &'static str,

    pub present_heading: &'static str,
    pub you: &'static str,
    pub is_typing_in_flipover: &'static str,
    pub is_typing_in_table: &'static str,
    pub flipover_heading: &'static str,
    pub flipover_label: &'static str,
    pub flipover_hint: &'static str,

    pub status_connecting: &'static str,
    pub status_connected: &'static str,
    pub status_reconnecting: &'static str,
    pub status_offline: &'static str,
    pub status_kept: &'static str,
    pub status_removed: &'static str,
    pub status_board_full: &'static str,

    pub loading: &'static str,
    pub module_failed: &'static str,
    pub retry: &'static str,
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
    pub table_heading: &'static str,
    pub table_intro: &'static str,
    pub column_too_little: &'static str,
    pub column_virtue: &'static str,
    pub column_too_much: &'static str,
    pub add_virtue: &'static str,
    pub move_up: &'static str,
    pub move_down: &'static str,
    pub remove_virtue: &'static str,
    pub row_label: &'static str,
    pub table_empty: &'static str,
    pub my_card_heading: &'static str,
    pub pick_intro: &'static str,
    pub deck_filter: &'static str,
    pub deck_label: &'static str,
    pub motivation_label: &'static str,
    pub motivation_hint: &'static str,
    pub save_motivation: &'static str,
    pub motivation_saved: &'static str,
    pub read_out: &'static str,
    pub stop_reading: &'static str,
    pub put_back: &'static str,
    pub own_card_heading: &'static str,
    pub own_card_name: &'static str,
    pub own_card_text: &'static str,
    pub own_card_add: &'static str,
    pub chosen_heading: &'static str,
    pub in_play_heading: &'static str,
    pub nothing_chosen: &'static str,
    pub group_top_heading: &'static str,
    pub no_choice: &'static str,
    pub no_top_yet: &'static str,
    pub team_top_question: &'static str,
    pub open_card_vote: &'static str,
    pub settle_top_heading: &'static str,
    pub settle_top_legend: &'static str,
    pub settle_top: &'static str,
    pub team_top_heading: &'static str,
    pub top_to_table: &'static str,
    pub adopt_heading: &'static str,
    pub no_team_top: &'static str,
    pub nobody_adopted: &'static str,
    pub adopted_by: &'static str,
    pub adopt_for: &'static str,
    pub adopt_for_button: &'static str,
    pub debrief_heading: &'static str,
    pub debrief_yield: &'static str,
    pub debrief_usable: &'static str,
    pub add_note: &'static str,
    pub stories_heading: &'static str,
    pub add_story: &'static str,
    pub story_virtue: &'static str,
    pub story_text: &'static str,
    pub stance_legend: &'static str,
    pub stance_middle: &'static str,
    pub stance_too_little: &'static str,
    pub stance_too_much: &'static str,
    pub remove_story: &'static str,
    pub copy_table_heading: &'static str,
    pub copy_table_source: &'static str,
    pub copy_table_button: &'static str,
    pub copying: &'static str,
    pub copy_table_failed: &'static str,
    pub step_counter: fn(usize, usize) -> String,
    pub read_out_by: fn(&str) -> String,
    pub picked_by: fn(&str) -> String,
    pub pick_card: fn(&str) -> String,
    pub show_card: fn(&str) -> String,
    pub adopt: fn(&str) -> String,
    pub unadopt: fn(&str) -> String,
    pub note_by: fn(&str) -> String,
    pub remove_note: fn(&str) -> String,
    pub copied_rows: fn(usize) -> String,
    pub rows_added: fn(usize) -> String,
    pub timer_start: fn(u32) -> String,
    pub group_name: fn(usize) -> String,
    /// `(n)`: the heading of one's own group while groups work.
    pub in_group: fn(usize) -> String,
    pub votes_left: fn(u32) -> String,
    pub voters_count: fn(usize) -> String,
    pub votes_count: fn(u32) -> String,
    pub place: fn(usize) -> String,
    pub privacy_warning: &'static str,
    pub privacy_clear_short: &'static str,
    /// `(flagged text, what it looks like)`.
    pub privacy_looks_like: fn(&str, &str) -> String,
    /// `(flagged text, placeholder)`: the accessible name of the replace button.
    pub privacy_replace: fn(&str, &str) -> String,
    pub privacy_replace_short: fn(&str) -> String,
    pub privacy_clear: fn(&str) -> String,
    pub case: CaseTexts,
    pub team: TeamTexts,
    pub lifecycle: LifecycleTexts,
    pub waiting: WaitingTexts,
    pub check_round: CheckRoundTexts,
    pub closing: ClosingTexts,
    pub privacy_page: PrivacyTexts,
}

/// The texts of the meeting's end ("Bijeenkomst afronden").
pub struct ClosingTexts {
    pub finish_button: &'static str,
    pub heading: &'static str,
    pub intro: &'static str,
    pub virtues_heading: &'static str,
    /// `(n)`: the case consultations held.
    pub cases: fn(usize) -> String,
    pub team_page_note: &'static str,
    pub reopen_button: &'static str,
    /// Beside a finished meeting on the team page.
    pub finished_marker: &'static str,
}

/// The texts of round 3's check round: can everyone live with the team's top three?
pub struct CheckRoundTexts {
    pub heading: &'static str,
    pub intro: &'static str,
    pub agree: &'static str,
    pub not_yet: &'static str,
    pub reason_label: &'static str,
    pub send_reason: &'static str,
    /// `(agreeing, asked)`.
    pub count: fn(usize, usize) -> String,
    pub answered_agree: &'static str,
    pub answered_not_yet: &'static str,
    pub no_answer: &'static str,
    pub all_agree: &'static str,
    pub move_on_label: &'static str,
    pub move_on_button: &'static str,
    pub moved_on: &'static str,
}

/// The texts of the waiting room (*wachtkamer*).
pub struct WaitingTexts {
    pub heading: &'static str,
    pub text: &'static str,
    pub panel_heading: &'static str,
    pub switch_label: &'static str,
    pub nobody: &'static str,
    /// `(name)`: someone who waits.
    pub waits: fn(&str) -> String,
    pub admit: &'static str,
    pub refuse: &'static str,
    pub choice_label: &'static str,
    pub refused_heading: &'static str,
    pub refused_text: &'static str,
}

/// The texts of the case consultation (*omgangsoverleg*).
pub struct CaseTexts {
    pub heading: &'static str,
    pub contributor_label: &'static str,
    pub name_contributor: &'static str,
    pub waiting_for_contributor: &'static str,
    pub you_contribute: &'static str,
    pub contributor_writes: &'static str,
    pub title_label: &'static str,
    pub title_hint: &'static str,
    pub description_label: &'static str,
    pub description_hint: &'static str,
    pub question_label: &'static str,
    pub question_hint: &'static str,
    pub no_title: &'static str,
    pub stakes_heading: &'static str,
    pub stakes_contributor: &'static str,
    pub stakes_others: &'static str,
    pub stakes_from_table: &'static str,
    pub stakes_none: &'static str,
    pub stake_other_label: &'static str,
    pub stake_add: &'static str,
    pub guiding_heading: &'static str,
    pub observations: &'static str,
    pub interpretations: &'static str,
    pub add_observation: &'static str,
    pub add_interpretation: &'static str,
    pub relationship: &'static str,
    pub options: &'static str,
    pub client_view: &'static str,
    pub add_option: &'static str,
    pub first_impulse: &'static str,
    pub decision: &'static str,
    pub difference: &'static str,
    pub lessons: &'static str,
    pub add_lesson: &'static str,
    pub deviation: &'static str,
    pub justification: &'static str,
    pub reflection_heading: &'static str,
    pub reflection: [&'static str; 4],
    pub follow_up_heading: &'static str,
    pub follow_up_legend: &'static str,
    pub follow_up_date: &'static str,
    pub follow_up_next_meeting: &'static str,
    pub follow_up_save: &'static str,
    pub follow_up_none: &'static str,
    pub follow_up_is_next_meeting: &'static str,
    pub revisit_heading: &'static str,
    pub revisit: [&'static str; 3],
    pub cases_count: &'static str,
    pub contributor_is: fn(&str) -> String,
    pub follow_up_is_date: fn(&str) -> String,
    pub stake_choose: fn(&str) -> String,
    pub stake_remove: fn(&str) -> String,
}

/// The texts of the team page (*leerkring*) and its visitation pack (*bezoekpakket*).
/// Deleting a meeting or a team, and replacing a link (the old one stops working).
pub struct LifecycleTexts {
    pub delete_heading: &'static str,
    pub delete_intro: &'static str,
    pub delete_button: &'static str,
    pub delete_question: &'static str,
    pub delete_confirm: &'static str,
    pub delete_failed: &'static str,
    pub deleted_heading: &'static str,
    pub deleted_text: &'static str,
    pub status_deleted: &'static str,
    pub status_link_replaced: &'static str,
    pub new_link_intro: &'static str,
    pub new_link_button: &'static str,
    pub new_link_question: &'static str,
    pub new_link_confirm: &'static str,
    pub new_link_done: &'static str,
    pub new_link_failed: &'static str,
    pub team_delete_heading: &'static str,
    pub team_delete_intro: &'static str,
    pub team_delete_button: &'static str,
    pub team_delete_question: &'static str,
    pub team_delete_confirm: &'static str,
    pub team_deleted_heading: &'static str,
    pub team_deleted_text: &'static str,
    pub new_team_link_intro: &'static str,
    pub new_team_link_button: &'static str,
    pub new_team_link_question: &'static str,
    pub new_team_link_done: &'static str,
    /// On the team page, an expired meeting.
    pub expired_notice: &'static str,
    pub expired_agenda: &'static str,
}

pub struct TeamTexts {
    /// On a meeting of a team: back to the team page.
    pub back_to_team: &'static str,
    pub start_heading: &'static str,
    pub start_intro: &'static str,
    pub name_label: &'static str,
    pub name_hint: &'static str,
    pub start_button: &'static str,
    pub start_failed: &'static str,
    pub role_member: &'static str,
    pub unavailable: &'static str,
    pub unreachable: &'static str,
    pub link_heading: &'static str,
    pub link_intro: &'static str,
    pub link_label: &'static str,
    pub new_meeting_heading: &'static str,
    pub new_meeting_label: &'static str,
    pub new_meeting_button: &'static str,
    pub compass_heading: &'static str,
    pub compass_empty: &'static str,
    pub table_caption: &'static str,
    pub too_little: &'static str,
    pub virtue: &'static str,
    pub too_much: &'static str,
    pub top_three_heading: &'static str,
    pub not_adopted: &'static str,
    pub meetings_heading: &'static str,
    pub meetings_empty: &'static str,
    /// A meeting whose stored state the server could not read.
    pub meeting_unreadable: &'static str,
    pub activities_done: &'static str,
    pub not_finished: &'static str,
    pub no_activities: &'static str,
    pub cases_heading: &'static str,
    pub cases_empty: &'static str,
    pub learning_question: &'static str,
    pub decision: &'static str,
    pub lessons: &'static str,
    pub make_point: &'static str,
    pub already_a_point: &'static str,
    /// Above a meeting's debrief answers on the team page.
    pub from_the_debrief: &'static str,
    pub close_message: &'static str,
    pub points_heading: &'static str,
    pub points_intro: &'static str,
    pub points_empty: &'static str,
    pub new_point_heading: &'static str,
    pub point_label: &'static str,
    pub criterion_label: &'static str,
    pub status_label: &'static str,
    pub reason_label: &'static str,
    pub needs_label: &'static str,
    pub not_achieved_hint: &'static str,
    pub add_point: &'static str,
    pub save: &'static str,
    pub remove: &'static str,
    pub added: &'static str,
    pub saved: &'static str,
    pub removed: &'static str,
    pub source_lesson: &'static str,
    pub source_decision: &'static str,
    pub source_debrief: &'static str,
    pub pack_heading: &'static str,
    pub pack_intro: &'static str,
    pub quality_questions: [&'static str; 3],
    pub nothing_yet: &'static str,
    pub withheld_heading: &'static str,
    pub withheld_intro: &'static str,
    pub nothing_withheld: &'static str,
    pub approval_heading: &'static str,
    pub not_approved: &'static str,
    pub approve: &'static str,
    pub approve_again: &'static str,
    pub withdraw: &'static str,
    pub approved: &'static str,
    pub withdrawn: &'static str,
    pub changed_since: &'static str,
    pub only_facilitator_approves: &'static str,
    pub downloads_heading: &'static str,
    pub downloads_locked: &'static str,
    pub downloads_open: &'static str,
    /// PDF, Word, Markdown, CSV, JSON, zip: the download buttons.
    pub download_buttons: [&'static str; 6],
    pub downloading: &'static str,
    pub downloaded: &'static str,
    pub download_failed: &'static str,
    pub present: fn(usize) -> String,
    pub adopted_by: fn(&str) -> String,
    pub follow_up: fn(&str) -> String,
    pub period: fn(&str, &str) -> String,
    pub meetings_covered: fn(usize) -> String,
    /// `(meeting, place, kinds)` of a withheld text.
    pub withheld_item: fn(&str, &str, &str) -> String,
    pub approved_on: fn(&str) -> String,
    /// The accessible name of "make it a development point", with the text it takes.
    pub make_point_from: fn(&str) -> String,
    pub point_named: fn(&str) -> String,
}

/// The texts of the privacy page (`/privacy`): what Leerkring keeps, where, who sees it,
/// for how long and how to remove it, for the people who use it (docs/PRIVACY.md is the
/// long form for privacy officers and administrators).
pub struct PrivacyTexts {
    /// The link to the page at the foot of every screen.
    pub link: &'static str,
    /// The link to the page under the start page's short privacy note.
    pub read_more: &'static str,
    pub heading: &'static str,
    pub intro: &'static str,
    pub sections: [PrivacySection; 8],
}

/// One part of the privacy page: a heading and its short paragraphs.
pub struct PrivacySection {
    pub heading: &'static str,
    pub paragraphs: &'static [&'static str],
}

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
