//! "Bijeenkomst verwijderen", for the holder of the facilitator's link: deletes the
//! meeting from the server after a second click. Everyone's board then says so (the
//! server closes every connection with `4003`), this one's included.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::confirm::{DeleteCard, DeleteTexts};
use crate::i18n::Texts;

fn texts(texts: &Texts) -> DeleteTexts {
    let lifecycle = &texts.lifecycle;
    DeleteTexts {
        heading: lifecycle.delete_heading,
        intro: lifecycle.delete_intro,
        button: lifecycle.delete_button,
        question: lifecycle.delete_question,
        confirm: lifecycle.delete_confirm,
        failed: lifecycle.delete_failed,
    }
}

#[component]
pub fn DeleteBoard(board: String, token: String) -> impl IntoView {
    let delete = Callback::new(move |failed: RwSignal<bool>| {
        let (board, token) = (board.clone(), token.clone());
        spawn_local(async move {
            // On success the server closes this board's connection too, and the
            // board screen shows that the meeting was deleted.
            if api::delete_board(&board, &token).await.is_err() {
                failed.set(true);
            }
        });
    });
    view! { <DeleteCard id="delete-board" texts=texts delete=delete/> }
}
