//! The team link for members, with a copy button, and the facilitator's own link on
//! request (facilitator).

use leptos::prelude::*;

use crate::components::invite::{CopyLink, OwnLink};
use crate::i18n::use_language;

/// The team link for members, with a copy button, and the facilitator's own link
/// (`own_url`) on request.
#[component]
pub(super) fn TeamLink(url: String, own_url: String) -> impl IntoView {
    let language = use_language();
    view! {
        <section class="card" aria-labelledby="team-link-heading">
            <h2 id="team-link-heading">{move || language.texts().team.link_heading}</h2>
            <p>{move || language.texts().team.link_intro}</p>
            <CopyLink
                input_id="team-link"
                label=Signal::derive(move || language.texts().team.link_label)
                url=url
            />
            <OwnLink url=own_url/>
        </section>
    }
}
