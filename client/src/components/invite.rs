//! The facilitator's invitation: the participants' link, a copy button and a QR code for
//! people joining from a phone in another room, and, only when asked for, the
//! facilitator's own link (the address bar no longer shows it: a projector would).
//! [`CopyLink`] also serves the team link.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::browser;
use crate::i18n::use_language;

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
    url: String,
) -> impl IntoView {
    let language = use_language();
    let copied = RwSignal::new(Copied::Not);
    let url_for_copy = url.clone();
    let copy = move |_| {
        let url = url_for_copy.clone();
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
            <input id=input_id type="text" readonly prop:value=url on:focus=select_all/>
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

#[component]
/// `qr_svg` is the link as a QR code, an SVG document the server made; `own_url` is the
/// facilitator's own link, shown only on request.
pub fn Invite(join_url: String, qr_svg: String, own_url: String) -> impl IntoView {
    let language = use_language();
    let qr_source = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        js_sys::encode_uri_component(&qr_svg)
    );
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
            <OwnLink url=own_url/>
        </section>
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
