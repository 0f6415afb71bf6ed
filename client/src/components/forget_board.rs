//! "Vergeet deze bijeenkomst op dit apparaat": removes this board's copy of the document,
//! the meeting and the link from this device (a shared or personal phone should not keep
//! a client's case), after a second click. Only while connected, so that no edit made
//! here is lost with the copy; the server keeps everything.

use leptos::prelude::*;

use crate::browser;
use crate::components::confirm::ConfirmAction;
use crate::i18n::use_language;
use crate::sync::{Provider, Status};

#[component]
pub fn ForgetBoard(provider: Provider) -> impl IntoView {
    let language = use_language();
    let status = provider.status();
    let connected = move || status.get() == Status::Connected;
    let forget = Callback::new(move |()| {
        // Leave only once the copy is gone: leaving the page could cut its removal short.
        let provider = provider.clone();
        wasm_bindgen_futures::spawn_local(async move {
            provider.forget_on_this_device().await;
            browser::navigate("/");
        });
    });
    view! {
        <section class="card" aria-labelledby="forget-board-heading">
            <h2 id="forget-board-heading">{move || language.texts().forget_heading}</h2>
            <p id="forget-board-why">{move || language.texts().forget_intro}</p>
            <ConfirmAction
                id="forget-board"
                described_by="forget-board-why"
                label=Signal::derive(move || language.texts().forget_button)
                question=Signal::derive(move || language.texts().forget_question)
                confirm=Signal::derive(move || language.texts().forget_confirm)
                disabled=Signal::derive(move || !connected())
                on_confirm=forget
            />
            <Show when=move || !connected()>
                <p class="muted">{move || language.texts().forget_needs_connection}</p>
            </Show>
        </section>
    }
}
