//! Says whether this device is connected, and reassures that nothing is lost when not.

use leptos::prelude::*;

use crate::i18n::use_language;
use crate::sync::{Ending, Status};

#[component]
pub fn ConnectionStatus(status: ReadSignal<Status>) -> impl IntoView {
    let language = use_language();
    let label = move || {
        let texts = language.texts();
        match status.get() {
            Status::Connecting => texts.status_connecting,
            Status::Connected => texts.status_connected,
            Status::Reconnecting => texts.status_reconnecting,
            Status::Offline => texts.status_offline,
            Status::Ended(Ending::Removed) => texts.status_removed,
            Status::Ended(Ending::BoardFull) => texts.status_board_full,
            Status::Ended(Ending::Deleted) => texts.lifecycle.status_deleted,
            Status::Ended(Ending::LinkReplaced) => texts.lifecycle.status_link_replaced,
        }
    };
    let state = move || match status.get() {
        Status::Connecting => "connecting",
        Status::Connected => "connected",
        Status::Reconnecting => "reconnecting",
        Status::Offline => "offline",
        Status::Ended(_) => "ended",
    };
    let disconnected = move || matches!(status.get(), Status::Reconnecting | Status::Offline);
    view! {
        <div class="connection" data-state=state role="status">
            <span class="connection-dot" aria-hidden="true"></span>
            <span class="connection-label">{label}</span>
            <span class="connection-kept">
                {move || disconnected().then(|| language.texts().status_kept)}
            </span>
        </div>
    }
}
