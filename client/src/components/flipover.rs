//! The shared flip-over: one text everybody writes in at the same time. The facilitator
//! can lock it (with the table) for participants, for instance while reviewing it.

use leerkring_shared::model::FLIPOVER;
use leptos::prelude::*;

use crate::components::shared_text::SharedText;
use crate::components::table_lock::{locked_for_me, TableLock};
use crate::i18n::use_language;
use crate::sync::Provider;

#[component]
pub fn Flipover(provider: Provider) -> impl IntoView {
    let language = use_language();
    let readonly = locked_for_me(&provider);
    view! {
        <section class="card flipover" aria-labelledby="flipover-heading">
            <div class="card-heading">
                <h2 id="flipover-heading">{move || language.texts().flipover_heading}</h2>
            </div>
            <TableLock provider=provider.clone()/>
            <SharedText
                provider=provider
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
