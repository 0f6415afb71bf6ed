//! "Vergeet deze bijeenkomst op dit apparaat": removes this board's copy of the document,
//! the meeting and the link from this device (a shared or personal phone should not keep
//! a client's case), after a second click. Only while connected, so that no edit made
//! here is lost with the copy; the server keeps everything.

use leptos::prelude::*;

use crate::browser;
use crate::i18n::use_language;
use crate::sync::{Provider, Status};

#[component]
pub fn ForgetBoard(provider: Provider) -> impl IntoView {
    let language = use_language();
    let status = provider.status();
    let connected = move || status.get() == Status::Connected;
    let asking = RwSignal::new(false);
    let ask = move |_| {
        asking.set(true);
        browser::focus_soon("forget-board-confirm".to_owned());
    };
    let cancel = move |_| {
        asking.set(false);
        browser::focus_soon("forget-board".to_owned());
    };
    let forget = move |_| {
        provider.forget_on_this_device();
        browser::navigate("/");
    };
    view! {
        <section class="card" aria-labelledby="forget-board-heading">
            <h2 id="forget-board-heading">{move || language.texts().forget_heading}</h2>
            <p id="forget-board-why">{move || language.texts().forget_intro}</p>
            <Show
                when=move || asking.get()
                fallback=move || view! {
                    <button
                        type="button"
                        id="forget-board"
                        aria-describedby="forget-board-why"
                        disabled=move || !connected()
                        on:click=ask
                    >
                        {move || language.texts().forget_button}
                    </button>
                    <Show when=move || !connected()>
                        <p class="muted">{move || language.texts().forget_needs_connection}</p>
                    </Show>
                }
            >
                <p role="alert">{move || language.texts().forget_question}</p>
                <div class="button-row">
                    <button type="button" id="forget-board-confirm" class="danger" on:click=forget.clone()>
                        {move || language.texts().forget_confirm}
                    </button>
                    <button type="button" on:click=cancel>
                        {move || language.texts().forget_cancel}
                    </button>
                </div>
            </Show>
        </section>
    }
}
