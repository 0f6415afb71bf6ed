//! "Team verwijderen" (facilitator): deletes the team and all its meetings from the
//! server after a second click; the page then says the team was deleted.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::Team;
use crate::api;
use crate::components::confirm::{DeleteCard, DeleteTexts};
use crate::i18n::Texts;

fn texts(texts: &Texts) -> DeleteTexts {
    let lifecycle = &texts.lifecycle;
    DeleteTexts {
        heading: lifecycle.team_delete_heading,
        intro: lifecycle.team_delete_intro,
        button: lifecycle.team_delete_button,
        question: lifecycle.team_delete_question,
        confirm: lifecycle.team_delete_confirm,
        failed: lifecycle.delete_failed,
    }
}

#[component]
pub(super) fn DeleteTeam(team: Team) -> impl IntoView {
    let delete = Callback::new(move |failed: RwSignal<bool>| {
        let (id, token) = (team.id.get_value(), team.token.get_value());
        spawn_local(async move {
            match api::delete_team(&id, &token).await {
                Ok(()) => team.deleted.set(true),
                Err(_) => failed.set(true),
            }
        });
    });
    view! { <DeleteCard id="delete-team" texts=texts delete=delete/> }
}
