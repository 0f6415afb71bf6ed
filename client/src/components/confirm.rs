//! An action that cannot be undone, asked twice: a button, then the question with a
//! button that does it and one that does not. Focus follows: to the confirming button
//! when asked, back to the first button when cancelled. [`DeleteCard`] is that action
//! in a card of its own, for deleting a meeting or a team.

use leptos::prelude::*;

use crate::browser;
use crate::i18n::use_language;

/// `id` names the first button (the confirming one is `{id}-confirm`); `described_by`
/// is the id of the text that says what the action does.
#[component]
pub fn ConfirmAction(
    id: &'static str,
    #[prop(into)] described_by: String,
    #[prop(into)] label: Signal<&'static str>,
    #[prop(into)] question: Signal<&'static str>,
    #[prop(into)] confirm: Signal<&'static str>,
    #[prop(into, optional)] disabled: Signal<bool>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let language = use_language();
    let asking = RwSignal::new(false);
    let confirm_id = format!("{id}-confirm");
    let ask = {
        let confirm_id = confirm_id.clone();
        move |_| {
            asking.set(true);
            browser::focus_soon(confirm_id.clone());
        }
    };
    let cancel = move |_| {
        asking.set(false);
        browser::focus_soon(id.to_owned());
    };
    let act = move |_| {
        asking.set(false);
        on_confirm.run(());
    };
    view! {
        <Show
            when=move || asking.get()
            fallback=move || view! {
                <button
                    type="button"
                    id=id
                    aria-describedby=described_by.clone()
                    disabled=move || disabled.get()
                    on:click=ask.clone()
                >
                    {move || label.get()}
                </button>
            }
        >
            <p role="alert">{move || question.get()}</p>
            <div class="button-row">
                <button type="button" id=confirm_id.clone() class="danger" on:click=act>
                    {move || confirm.get()}
                </button>
                <button type="button" on:click=cancel>
                    {move || language.texts().forget_cancel}
                </button>
            </div>
        </Show>
    }
}

/// The texts of a [`DeleteCard`].
#[derive(Clone, Copy)]
pub struct DeleteTexts {
    pub heading: &'static str,
    pub intro: &'static str,
    pub button: &'static str,
    pub question: &'static str,
    pub confirm: &'static str,
    pub failed: &'static str,
}

/// A card that deletes something for good after a second click. `delete` sends the
/// request and sets the signal it is given when the request failed.
#[component]
pub fn DeleteCard(
    /// Names the card's parts (`{id}-heading`, `{id}-why`, the button `id`).
    id: &'static str,
    texts: fn(&crate::i18n::Texts) -> DeleteTexts,
    delete: Callback<RwSignal<bool>>,
) -> impl IntoView {
    let language = use_language();
    let failed = RwSignal::new(false);
    let text = move || texts(language.texts());
    let heading_id = format!("{id}-heading");
    let labelled_by = heading_id.clone();
    let why = format!("{id}-why");
    let on_confirm = Callback::new(move |()| {
        failed.set(false);
        delete.run(failed);
    });
    view! {
        <section class="card" aria-labelledby=labelled_by>
            <h2 id=heading_id>{move || text().heading}</h2>
            <p id=why.clone()>{move || text().intro}</p>
            <ConfirmAction
                id=id
                described_by=why
                label=Signal::derive(move || text().button)
                question=Signal::derive(move || text().question)
                confirm=Signal::derive(move || text().confirm)
                on_confirm=on_confirm
            />
            <p role="alert">{move || failed.get().then(|| text().failed)}</p>
        </section>
    }
}
