//! The table lock: the facilitator makes the virtue table and the flip-over read-only for
//! participants (for instance while reviewing the table together); participants see that
//! it is locked. The server enforces it (docs/PROTOCOL.md, "The table lock").

use leerkring_shared::meeting::Command;
use leptos::prelude::*;

use crate::i18n::use_language;
use crate::sync::Provider;

/// Whether the lock keeps this person from editing now.
pub fn locked_for_me(provider: &Provider) -> Signal<bool> {
    let meeting = provider.meeting();
    Signal::derive(move || {
        meeting.with(|m| {
            m.as_ref()
                .is_some_and(|m| m.table_locked && !m.you.facilitator)
        })
    })
}

/// The facilitator's lock button, or for participants the notice that it is locked.
#[component]
pub fn TableLock(provider: Provider) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let locked =
        Signal::derive(move || meeting.with(|m| m.as_ref().is_some_and(|m| m.table_locked)));
    let leads = provider.leads();
    let command = provider.sender();
    view! {
        <Show when=move || leads.get()>
            <button
                type="button"
                class="lock-toggle"
                aria-pressed=move || locked.get().to_string()
                on:click=move |_| {
                    command(if locked.get_untracked() { Command::UnlockTable } else { Command::LockTable })
                }
            >
                {move || if locked.get() { language.texts().unlock_table } else { language.texts().lock_table }}
            </button>
        </Show>
        <Show when=move || locked.get() && !leads.get()>
            <p class="notice" role="status">{move || language.texts().table_locked}</p>
        </Show>
    }
}
