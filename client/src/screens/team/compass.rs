//! The team's virtue compass: its virtue table and the top three with who adopted them.

use leerkring_shared::pack::Compass;
use leptos::prelude::*;

use super::state::{draft_part, Team};
use crate::i18n::use_language;

#[component]
pub(super) fn CompassSection(team: Team) -> impl IntoView {
    let language = use_language();
    let compass = draft_part(team, |pack| pack.compass.clone());
    view! {
        <section class="card" aria-labelledby="compass-heading">
            <h2 id="compass-heading">{move || language.texts().team.compass_heading}</h2>
            {move || compass.get().map(|compass| view! { <CompassView compass=compass/> })}
        </section>
    }
}

#[component]
fn CompassView(compass: Compass) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    let table = (!compass.table.is_empty()).then(|| {
        let source = compass.source.clone();
        view! {
            <table class="compass-table">
                <caption>
                    {move || match &source {
                        Some(source) => format!("{} ({source})", t().table_caption),
                        None => t().table_caption.to_owned(),
                    }}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">{move || t().too_little}</th>
                        <th scope="col">{move || t().virtue}</th>
                        <th scope="col">{move || t().too_much}</th>
                    </tr>
                </thead>
                <tbody>
                    {compass
                        .table
                        .iter()
                        .map(|row| {
                            view! {
                                <tr>
                                    <td>{row.too_little.clone()}</td>
                                    <th scope="row">{row.virtue.clone()}</th>
                                    <td>{row.too_much.clone()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
    });
    let top = (!compass.top_three.is_empty()).then(|| {
        view! {
            <h3>{move || t().top_three_heading}</h3>
            <ol class="top-three-adopted">
                {compass
                    .top_three
                    .iter()
                    .map(|top| {
                        let names = top.adopters.join(", ");
                        view! {
                            <li>
                                <strong>{top.virtue.clone()}</strong>
                                " – "
                                {move || {
                                    if names.is_empty() {
                                        t().not_adopted.to_owned()
                                    } else {
                                        (t().adopted_by)(&names)
                                    }
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
    });
    let empty = table.is_none() && top.is_none();
    view! {
        {empty.then(|| view! { <p class="muted">{move || t().compass_empty}</p> })}
        {table}
        {top}
    }
}
