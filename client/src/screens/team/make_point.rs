//! The button that makes a text from a meeting (a lesson, a decision, a debrief answer)
//! a development point.

use leerkring_shared::development::PointSource;
use leptos::prelude::*;

use super::state::Team;
use crate::i18n::use_language;

/// A "make it a development point" button for `text`, which came from `source`.
#[component]
pub(super) fn MakePoint(team: Team, text: String, source: Option<PointSource>) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    let label = text.clone();
    let made = {
        let text = text.clone();
        Memo::new(move |_| {
            team.page.with(|page| {
                page.as_ref()
                    .is_some_and(|p| p.points.iter().any(|point| point.text == text.trim()))
            })
        })
    };
    view! {
        <button
            type="button"
            class="make-point"
            aria-label=move || (t().make_point_from)(&label)
            on:click=move |_| team.add_from(text.clone(), source.clone())
        >
            {move || t().make_point}
        </button>
        <Show when=move || made.get()>
            <span class="made-point">{move || t().already_a_point}</span>
        </Show>
    }
}
