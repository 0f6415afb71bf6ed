//! A form with one required name (of a meeting or a team) and a submit button that says
//! it is busy while the server creates the thing: the start page's two forms and the team
//! page's new meeting. The privacy guard watches the name as under shared text fields.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::components::privacy_guard::ValuePrivacyGuard;
use crate::i18n::use_language;

#[component]
pub fn NameForm(
    /// The field's id; its hint gets `{input_id}-hint`.
    input_id: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    #[prop(into)] hint: Signal<&'static str>,
    /// The button's text while not busy.
    #[prop(into)]
    button: Signal<&'static str>,
    value: RwSignal<String>,
    busy: RwSignal<bool>,
    on_submit: impl Fn(SubmitEvent) + 'static,
    /// Below the button, such as an error message.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let language = use_language();
    let hint_id = format!("{input_id}-hint");
    let guard_id = format!("{input_id}-privacy");
    let described_by = format!("{hint_id} {guard_id}");
    view! {
        <form on:submit=on_submit>
            <label for=input_id>{move || label.get()}</label>
            <p id=hint_id.clone() class="hint">{move || hint.get()}</p>
            <input
                id=input_id
                type="text"
                required
                maxlength="200"
                autocomplete="off"
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            />
            <ValuePrivacyGuard value=value id=guard_id/>
            <button type="submit" class="primary" disabled=move || busy.get()>
                {move || if busy.get() { language.texts().starting } else { button.get() }}
            </button>
            {children.map(|children| children())}
        </form>
    }
}
