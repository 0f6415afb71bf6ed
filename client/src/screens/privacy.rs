//! The privacy page (`/privacy`): what Leerkring keeps, where, who can see it, how long,
//! and how to delete it, in plain words for the people who use it. Reachable from the
//! footer of every screen; docs/PRIVACY.md is the long form for privacy officers.

use leptos::prelude::*;

use crate::browser;
use crate::i18n::use_language;

/// The page's address, linked from the footer of every screen and from the start page.
pub const PRIVACY_PATH: &str = "/privacy";

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let language = use_language();
    Effect::new(move |_| {
        let texts = language.texts();
        browser::set_title(&format!(
            "{} · {}",
            texts.privacy_page.heading, texts.app_name
        ));
    });
    let sections = move || {
        language
            .texts()
            .privacy_page
            .sections
            .iter()
            .enumerate()
            .map(|(index, section)| {
                let heading_id = format!("privacy-section-{index}");
                let labelled_by = heading_id.clone();
                view! {
                    <section aria-labelledby=labelled_by>
                        <h2 id=heading_id>{section.heading}</h2>
                        {section
                            .paragraphs
                            .iter()
                            .map(|paragraph| view! { <p>{*paragraph}</p> })
                            .collect_view()}
                    </section>
                }
            })
            .collect_view()
    };
    view! {
        <article class="card narrow privacy-page" aria-labelledby="privacy-heading">
            <h1 id="privacy-heading">{move || language.texts().privacy_page.heading}</h1>
            <p class="privacy-intro">{move || language.texts().privacy_page.intro}</p>
            {sections}
            <p>
                <a href="/">{move || language.texts().back_to_start}</a>
            </p>
        </article>
    }
}
