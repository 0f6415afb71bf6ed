//! Who is here, each with their colour, and who is writing where.

use leerkring_shared::model::{FLIPOVER, VIRTUE_TABLE};
use leptos::prelude::*;

use crate::i18n::use_language;
use crate::sync::Peer;

#[component]
pub fn PresenceList(peers: ReadSignal<Vec<Peer>>) -> impl IntoView {
    let language = use_language();
    view! {
        <section class="card presence" aria-labelledby="presence-heading">
            <h2 id="presence-heading">
                {move || language.texts().present_heading}
                " ("
                {move || peers.get().len()}
                ")"
            </h2>
            <ul class="presence-list">
                <For
                    each=move || peers.get()
                    key=|peer| (peer.client_id, peer.presence.clone())
                    let:peer
                >
                    <li class="presence-item" style:--person-color=peer.presence.color.clone()>
                        <span class="presence-dot" aria-hidden="true"></span>
                        <span class="presence-name">{peer.presence.name.clone()}</span>
                        {peer
                            .is_me
                            .then(|| {
                                view! {
                                    <span class="presence-me">" " {move || language.texts().you}</span>
                                }
                            })}
                        {
                            let editing = peer.presence.editing.clone().unwrap_or_default();
                            let place = if editing == FLIPOVER {
                                Some(language.texts().is_typing_in_flipover)
                            } else if editing.starts_with(VIRTUE_TABLE) {
                                Some(language.texts().is_typing_in_table)
                            } else {
                                None
                            };
                            place.map(|place| view! { <span class="presence-editing">" · " {place}</span> })
                        }
                    </li>
                </For>
            </ul>
        </section>
    }
}
