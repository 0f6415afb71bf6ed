//! The shared flip-over: one text everybody writes in at the same time. The facilitator
//! can lock it (with the table) for participants, for instance while reviewing it.

use leerkring_shared::meeting::Command;
use leerkring_shared::model::FLIPOVER;
use leptos::prelude::*;

use crate::components::shared_text::SharedText;
use crate::i18n::use_language;
use crate::sync::Provider;

#[component]
pub fn Flipover(provider: Provider) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let locked =
        Signal::derive(move || meeting.with(|m| m.as_ref().is_some_and(|m| m.table_locked)));
    let leads =
        Signal::derive(move || meeting.with(|m| m.as_ref().is_some_and(|m| m.you.facilitator)));
    let readonly = Signal::derive(move || locked.get() && !leads.get());
    let command = provider.sender();
    view! {
        <section class="card flipover" aria-labelledby="flipover-heading">
            <div class="card-heading">
                <h2 id="flipover-heading">{move || language.texts().flipover_heading}</h2>
                <Show when=move || leads.get()>
                    <button
                        type="button"
                        aria-pressed=move || locked.get().to_string()
                        on:click=move |_| {
                            command(if locked.get_untracked() { Command::UnlockTable } else { Command::LockTable })
                        }
                    >
                        {move || if locked.get() { language.texts().unlock_table } else { language.texts().lock_table }}
                    </button>
                </Show>
            </div>
            <Show when=move || readonly.get()>
                <p class="notice" role="status">{move || language.texts().table_locked}</p>
            </Show>
            <SharedText
                provider=provider.clone()
                root=FLIPOVER.to_owned()
                id="flipover-text".to_owned()
                label=Signal::derive(move || language.texts().flipover_label.to_owned())
                hint=Signal::derive(move || language.texts().flipover_hint.to_owned())
                readonly=readonly
                rows=12
            />
        </section>
    }
}
