//! What the board and team screens show while they find out what their link opens: a
//! word while waiting, the invalid-link page, the page of a deleted board or team, or
//! that the server cannot be reached.

use leptos::prelude::*;

use crate::browser;
use crate::i18n::{use_language, Texts};

/// What is known so far about what a link opens.
#[derive(Clone)]
pub enum Loading<T> {
    Waiting,
    Ready(T),
    /// The link is wrong: unknown board or team, or a bad token.
    Invalid,
    /// The board or team was deleted.
    Gone,
    /// The server could not be reached (and this device has nothing to show instead).
    Unavailable,
}

impl<T> Loading<T> {
    /// The screen for this state: `ready` builds it once loaded; `unavailable` picks the
    /// text saying the server cannot be reached, `gone` the heading and text saying it
    /// was deleted.
    pub fn view(
        self,
        unavailable: fn(&Texts) -> &'static str,
        gone: fn(&Texts) -> (&'static str, &'static str),
        ready: impl FnOnce(T) -> AnyView,
    ) -> AnyView {
        let language = use_language();
        match self {
            Loading::Waiting => view! { <Waiting/> }.into_any(),
            Loading::Ready(loaded) => ready(loaded),
            Loading::Invalid => view! { <InvalidLink/> }.into_any(),
            Loading::Gone => view! { <Deleted texts=gone/> }.into_any(),
            Loading::Unavailable => view! {
                <section class="card narrow">
                    <p role="alert">{move || unavailable(language.texts())}</p>
                </section>
            }
            .into_any(),
        }
    }
}

/// A word while something loads.
#[component]
pub fn Waiting() -> impl IntoView {
    let language = use_language();
    view! { <p class="card narrow" role="status">{move || language.texts().loading}</p> }
}

/// The page for a deleted board or team; `texts` picks its heading and text.
#[component]
pub fn Deleted(texts: fn(&Texts) -> (&'static str, &'static str)) -> impl IntoView {
    let language = use_language();
    browser::focus_soon("deleted-heading".to_owned());
    view! {
        <section class="card narrow" aria-labelledby="deleted-heading">
            <h1 id="deleted-heading" tabindex="-1">{move || texts(language.texts()).0}</h1>
            <p>{move || texts(language.texts()).1}</p>
            <a href="/">{move || language.texts().back_to_start}</a>
        </section>
    }
}

/// The page for a link that opens nothing: unknown, or with a wrong or missing token.
#[component]
pub fn InvalidLink() -> impl IntoView {
    let language = use_language();
    view! {
        <section class="card narrow" aria-labelledby="invalid-heading">
            <h1 id="invalid-heading">{move || language.texts().link_invalid_heading}</h1>
            <p>{move || language.texts().link_invalid}</p>
            <a href="/">{move || language.texts().back_to_start}</a>
        </section>
    }
}
