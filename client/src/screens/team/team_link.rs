//! The team link for members, with a copy button, replacing it when it reached the wrong
//! person, and the facilitator's own link on request (facilitator).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::Team;
use crate::api;
use crate::browser;
use crate::components::invite::{CopyLink, OwnLink, ReplaceLink, ReplaceTexts};
use crate::i18n::{use_language, Texts};

fn team_link_texts(texts: &Texts) -> ReplaceTexts {
    let lifecycle = &texts.lifecycle;
    ReplaceTexts {
        intro: lifecycle.new_team_link_intro,
        button: lifecycle.new_team_link_button,
        question: lifecycle.new_team_link_question,
        done: lifecycle.new_team_link_done,
    }
}

/// The team link for members as the page holds it, with a copy button and a new link on
/// request, and the facilitator's own link (`own_url`) on request.
#[component]
pub(super) fn TeamLink(team: Team, own_url: String) -> impl IntoView {
    let language = use_language();
    let url = Signal::derive(move || {
        team.page.with(|page| {
            page.as_ref()
                .and_then(|page| page.member_url.clone())
                .unwrap_or_default()
        })
    });
    let replace = Callback::new(move |replaced: RwSignal<Option<bool>>| {
        let (id, token) = (team.id.get_value(), team.token.get_value());
        spawn_local(async move {
            match api::new_member_link(&id, &token).await {
                Ok(view) => {
                    team.page.set(Some(view));
                    replaced.set(Some(true));
                    browser::focus_soon("team-link".to_owned());
                }
                Err(_) => replaced.set(Some(false)),
            }
        });
    });
    view! {
        <section class="card" aria-labelledby="team-link-heading">
            <h2 id="team-link-heading">{move || language.texts().team.link_heading}</h2>
            <p>{move || language.texts().team.link_intro}</p>
            <CopyLink
                input_id="team-link"
                label=Signal::derive(move || language.texts().team.link_label)
                url=url
            />
            <ReplaceLink id="new-team-link" texts=team_link_texts replace=replace/>
            <OwnLink url=own_url/>
        </section>
    }
}
