//! The application frame: language, header, and which screen the address asks for.

use leptos::prelude::*;

use crate::browser;
use crate::device;
use crate::i18n::{use_language, Lang, Language};
use crate::screens::board::BoardPage;
use crate::screens::privacy::{PrivacyPage, PRIVACY_PATH};
use crate::screens::start::StartPage;
use crate::screens::team::TeamPage;
use crate::sync;

/// The screens, by address.
enum Route {
    /// `/`: start a meeting.
    Start,
    /// `/b/{board_id}`: a board (join first if needed).
    Board(String),
    /// `/t/{team_id}`: a team's page (*leerkring*).
    Team(String),
    /// `/privacy`: what Leerkring keeps and for how long.
    Privacy,
}

impl Route {
    fn from_path(path: &str) -> Self {
        if let Some(board) = path.strip_prefix("/b/").filter(|b| !b.is_empty()) {
            Route::Board(board.trim_end_matches('/').to_owned())
        } else if let Some(team) = path.strip_prefix("/t/").filter(|t| !t.is_empty()) {
            Route::Team(team.trim_end_matches('/').to_owned())
        } else if path.trim_end_matches('/') == PRIVACY_PATH {
            Route::Privacy
        } else {
            Route::Start
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(device::remembered_language().unwrap_or(Lang::Nl));
    provide_context(Language(lang));
    Effect::new(move |_| {
        let chosen = lang.get();
        browser::set_document_language(chosen.code());
        device::remember_language(chosen);
    });
    let language = use_language();
    // A phone should not keep a meeting it has not opened for a month.
    sync::forget_stale_boards();
    browser::reload_on_new_link();

    let route = Route::from_path(&browser::path());
    // The footer's link says so on the page it points to.
    let on_privacy_page = matches!(route, Route::Privacy);
    let screen = match route {
        Route::Start => view! { <StartPage/> }.into_any(),
        Route::Board(board) => view! { <BoardPage board=board/> }.into_any(),
        Route::Team(team) => view! { <TeamPage team=team/> }.into_any(),
        Route::Privacy => view! { <PrivacyPage/> }.into_any(),
    };
    view! {
        <a class="skip-link" href="#main">{move || language.texts().skip_to_content}</a>
        <header class="app-header">
            <a class="brand" href="/">{move || language.texts().app_name}</a>
            <span class="tagline">{move || language.texts().tagline}</span>
            <button
                type="button"
                class="language-switch"
                lang=move || lang.get().other().code()
                on:click=move |_| lang.update(|l| *l = l.other())
            >
                {move || language.texts().switch_language}
            </button>
        </header>
        <main id="main" tabindex="-1">{screen}</main>
        <footer class="app-footer">
            <a href=PRIVACY_PATH aria-current=on_privacy_page.then_some("page")>
                {move || language.texts().privacy_page.link}
            </a>
        </footer>
    }
}
