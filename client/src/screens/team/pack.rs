//! The visitation pack (*bezoekpakket*): its draft, the facilitator's approval and the
//! downloads.

use leerkring_shared::pack::dutch_date;
use leerkring_shared::team::TeamCommand;
use leptos::prelude::*;

use super::pack_draft::PackDraft;
use super::state::Team;
use crate::browser;
use crate::i18n::use_language;

/// The download formats: the `format` parameter and its button's place in the texts.
const FORMATS: [&str; 6] = ["pdf", "docx", "md", "csv", "json", "zip"];

#[component]
pub(super) fn PackSection(team: Team, leads: bool) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    let approval = Memo::new(move |_| {
        team.page
            .with(|page| page.as_ref().and_then(|p| p.approval.clone()))
            .map(|a| (a.approved_on, a.up_to_date))
    });
    let approve = move |_| team.send(TeamCommand::Approve, |t| t.approved, || ());
    let withdraw = move |_| {
        team.send(
            TeamCommand::WithdrawApproval,
            |t| t.withdrawn,
            || browser::focus_soon("approve".to_owned()),
        )
    };
    let downloads = FORMATS
        .iter()
        .enumerate()
        .map(|(index, format)| {
            let format = *format;
            view! {
                <button
                    type="button"
                    class:primary=format == "zip"
                    aria-describedby="downloads-explained"
                    disabled=move || !team.approved()
                    on:click=move |_| team.download(format)
                >
                    {move || t().download_buttons[index]}
                </button>
            }
        })
        .collect_view();
    view! {
        <section class="card pack" aria-labelledby="pack-heading">
            <h2 id="pack-heading">{move || t().pack_heading}</h2>
            <p>{move || t().pack_intro}</p>
            <PackDraft team=team/>
            <h3 id="approval-heading">{move || t().approval_heading}</h3>
            <p class="approval-state">
                {move || match approval.get() {
                    None => t().not_approved.to_owned(),
                    Some((on, _)) => (t().approved_on)(&dutch_date(&on)),
                }}
            </p>
            <Show when=move || approval.get().is_some_and(|(_, up_to_date)| !up_to_date)>
                <p class="notice">{move || t().changed_since}</p>
            </Show>
            {if leads {
                view! {
                    <div class="button-row">
                        <button type="button" id="approve" class="primary" on:click=approve>
                            {move || {
                                if approval.get().is_some() { t().approve_again } else { t().approve }
                            }}
                        </button>
                        <Show when=move || approval.get().is_some()>
                            <button type="button" on:click=withdraw>
                                {move || t().withdraw}
                            </button>
                        </Show>
                    </div>
                }
                    .into_any()
            } else {
                view! { <p class="muted">{move || t().only_facilitator_approves}</p> }.into_any()
            }}
            <h3>{move || t().downloads_heading}</h3>
            <p id="downloads-explained">
                {move || {
                    if approval.get().is_some() { t().downloads_open } else { t().downloads_locked }
                }}
            </p>
            <div class="button-row downloads">{downloads}</div>
        </section>
    }
}
