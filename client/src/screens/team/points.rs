//! The development points (*ontwikkelpunten*): the list and the form for a new one.

use leerkring_shared::team::TeamCommand;
use leptos::prelude::*;

use super::point_form::PointForm;
use super::state::Team;
use crate::i18n::use_language;

#[component]
pub(super) fn PointsSection(team: Team, leads: bool) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    let points = Memo::new(move |_| {
        team.page
            .with(|page| page.as_ref().map_or_else(Vec::new, |p| p.points.clone()))
    });
    let text = RwSignal::new(String::new());
    let criterion = RwSignal::new(String::new());
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        team.send(
            TeamCommand::AddPoint {
                text: text.get_untracked(),
                criterion: criterion.get_untracked(),
                source: None,
            },
            |t| t.added,
            move || {
                text.set(String::new());
                criterion.set(String::new());
            },
        );
    };
    view! {
        <section class="card" aria-labelledby="points-heading">
            <h2 id="points-heading" tabindex="-1">{move || t().points_heading}</h2>
            <p>{move || t().points_intro}</p>
            <Show when=move || points.with(Vec::is_empty)>
                <p class="muted">{move || t().points_empty}</p>
            </Show>
            <ul class="points">
                <For
                    each=move || points.get()
                    key=|point| point.id.clone()
                    children=move |point| view! { <PointForm team=team point=point leads=leads/> }
                />
            </ul>
            <form class="new-point" aria-labelledby="new-point-heading" on:submit=add>
                <h3 id="new-point-heading">{move || t().new_point_heading}</h3>
                <label for="new-point-text">{move || t().point_label}</label>
                <textarea
                    id="new-point-text"
                    class="short"
                    rows="2"
                    required
                    maxlength="1000"
                    prop:value=move || text.get()
                    on:input=move |event| text.set(event_target_value(&event))
                ></textarea>
                <label for="new-point-criterion">{move || t().criterion_label}</label>
                <textarea
                    id="new-point-criterion"
                    class="short"
                    rows="2"
                    maxlength="1000"
                    prop:value=move || criterion.get()
                    on:input=move |event| criterion.set(event_target_value(&event))
                ></textarea>
                <button type="submit" class="primary">{move || t().add_point}</button>
            </form>
        </section>
    }
}
