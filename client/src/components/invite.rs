//! The facilitator's invitation: the participants' link, a copy button and a QR code for
//! people joining from a phone in another room; replacing that link when it reached the
//! wrong person; and, only when asked for, the facilitator's own link (the address bar
//! no longer shows it: a projector would). [`CopyLink`] also serves the team link.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api;
use crate::browser;
use crate::components::confirm::ConfirmAction;
use crate::i18n::{use_language, Texts};

#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Not,
    Yes,
    Failed,
}

/// A link in a read-only field (selected whole on focus), a copy button and whether the
/// copy worked.
#[component]
pub fn CopyLink(
    /// The field's id (for its label).
    input_id: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    #[prop(into)] url: Signal<String>,
) -> impl IntoView {
    let language = use_language();
    let copied = RwSignal::new(Copied::Not);
    let copy = move |_| {
        let url = url.get_untracked();
        spawn_local(async move {
            let worked = browser::copy_to_clipboard(&url).await;
            copied.set(if worked { Copied::Yes } else { Copied::Failed });
        });
    };
    let select_all = |event: leptos::ev::FocusEvent| {
        if let Some(input) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.select();
        }
    };
    view! {
        <label for=input_id>{move || label.get()}</label>
        <div class="copy-row">
            <input id=input_id type="text" readonly prop:value=move || url.get() on:focus=select_all/>
            <button type="button" class="primary" on:click=copy>
                {move || language.texts().copy_link}
            </button>
        </div>
        <p role="status" class="copy-status">
            {move || match copied.get() {
                Copied::Not => "",
                Copied::Yes => language.texts().copied,
                Copied::Failed => language.texts().copy_failed,
            }}
        </p>
    }
}

/// The invitation to `board`: `qr_svg` is the link as a QR code, an SVG document the
/// server made; `own_url` is the facilitator's own link (with its `token`), shown only on
/// request.
#[component]
pub fn Invite(
    board: String,
    token: String,
    join_url: String,
    qr_svg: String,
    own_url: String,
) -> impl IntoView {
    let language = use_language();
    let join_url = RwSignal::new(join_url);
    let qr_svg = RwSignal::new(qr_svg);
    let qr_source = move || {
        format!(
            "data:image/svg+xml;charset=utf-8,{}",
            js_sys::encode_uri_component(&qr_svg.get())
        )
    };
    let replace = Callback::new(move |replaced: RwSignal<Option<bool>>| {
        let (board, token) = (board.clone(), token.clone());
        spawn_local(async move {
            match api::new_participant_link(&board, &token).await {
                Ok(info) => {
                    if let Some((url, qr)) = info.join_url.zip(info.join_qr_svg) {
                        join_url.set(url);
                        qr_svg.set(qr);
                    }
                    replaced.set(Some(true));
                    browser::focus_soon("join-link".to_owned());
                }
                Err(_) => replaced.set(Some(false)),
            }
        });
    });
    view! {
        <section class="card invite" aria-labelledby="invite-heading">
            <h2 id="invite-heading">{move || language.texts().invite_heading}</h2>
            <p>{move || language.texts().invite_intro}</p>
            <CopyLink
                input_id="join-link"
                label=Signal::derive(move || language.texts().join_link_label)
                url=join_url
            />
            <img
                class="qr"
                src=qr_source
                alt=move || language.texts().qr_label
                width="200"
                height="200"
            />
            <ReplaceLink id="new-link" texts=participant_link_texts replace=replace/>
            <OwnLink url=own_url/>
        </section>
    }
}

fn participant_link_texts(texts: &Texts) -> ReplaceTexts {
    let lifecycle = &texts.lifecycle;
    ReplaceTexts {
        intro: lifecycle.new_link_intro,
        button: lifecycle.new_link_button,
        question: lifecycle.new_link_question,
        done: lifecycle.new_link_done,
    }
}

/// The texts of a [`ReplaceLink`].
#[derive(Clone, Copy)]
pub struct ReplaceTexts {
    pub intro: &'static str,
    pub button: &'static str,
    pub question: &'static str,
    pub done: &'static str,
}

/// Replacing a link that reached the wrong person, after a second click. `replace` sends
/// the request and sets the signal it is given to whether that worked.
#[component]
pub fn ReplaceLink(
    /// Names the button (and `{id}-why`, the text that says what it does).
    id: &'static str,
    texts: fn(&Texts) -> ReplaceTexts,
    replace: Callback<RwSignal<Option<bool>>>,
) -> impl IntoView {
    let language = use_language();
    let text = move || texts(language.texts());
    let replaced = RwSignal::new(None::<bool>);
    let why = format!("{id}-why");
    let on_confirm = Callback::new(move |()| {
        replaced.set(None);
        replace.run(replaced);
    });
    view! {
        <p id=why.clone() class="muted">{move || text().intro}</p>
        <ConfirmAction
            id=id
            described_by=why
            label=Signal::derive(move || text().button)
            question=Signal::derive(move || text().question)
            confirm=Signal::derive(move || language.texts().lifecycle.new_link_confirm)
            on_confirm=on_confirm
        />
        <p role="status">
            {move || match replaced.get() {
                Some(true) => text().done,
                Some(false) => language.texts().lifecycle.new_link_failed,
                None => "",
            }}
        </p>
    }
}

/// The facilitator's own link (board or team), hidden until asked for: the address bar
/// no longer shows it, and it must not end up with participants or on a projector.
#[component]
pub fn OwnLink(url: String) -> impl IntoView {
    let language = use_language();
    let shown = RwSignal::new(false);
    let toggle = move |_| {
        shown.update(|shown| *shown = !*shown);
        if shown.get_untracked() {
            browser::focus_soon("own-link".to_owned());
        }
    };
    view! {
        <button type="button" aria-expanded=move || shown.get().to_string() on:click=toggle>
            {move || if shown.get() {
                language.texts().own_link_hide
            } else {
                language.texts().own_link_show
            }}
        </button>
        <Show when=move || shown.get()>
            <CopyLink
                input_id="own-link"
                label=Signal::derive(move || language.texts().own_link_label)
                url=url.clone()
            />
        </Show>
    }
}
