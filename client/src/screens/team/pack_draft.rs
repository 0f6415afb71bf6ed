//! The draft pack as the team will send it.

use leerkring_shared::pack::{dutch_date, UNREADABLE_MEETING};
use leptos::prelude::*;

use super::state::{draft_part, Team};
use crate::i18n::use_language;

/// The draft pack as the team will send it: period, meetings, the three questions and
/// what was left out.
#[component]
pub(super) fn PackDraft(team: Team) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    let pack = draft_part(team, |pack| {
        (
            pack.period.clone(),
            pack.meetings
                .iter()
                .map(|m| {
                    // The pack's own Dutch words, as the report will have them.
                    if m.unreadable {
                        format!("{} – {UNREADABLE_MEETING}", m.title)
                    } else {
                        format!("{} ({})", m.title, dutch_date(&m.date))
                    }
                })
                .collect::<Vec<_>>(),
            [
                pack.quality.doing_well.clone(),
                pack.quality.can_improve.clone(),
                pack.quality.proud_of.clone(),
            ],
            pack.withheld
                .iter()
                .map(|w| (w.meeting.clone(), w.place.clone(), w.kinds.join(", ")))
                .collect::<Vec<_>>(),
        )
    });
    move || {
        let (period, meetings, quality, withheld) = pack.get()?;
        let list = |items: Vec<String>| {
            if items.is_empty() {
                view! { <p class="muted">{move || t().nothing_yet}</p> }.into_any()
            } else {
                view! {
                    <ul>{items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}</ul>
                }
                .into_any()
            }
        };
        let count = meetings.len();
        Some(view! {
            <div class="pack-draft">
                {match period {
                    Some(period) => {
                        let (from, to) = (dutch_date(&period.from), dutch_date(&period.to));
                        view! { <p>{move || (t().period)(&from, &to)}</p> }.into_any()
                    }
                    None => view! { <p class="muted">{move || t().meetings_empty}</p> }.into_any(),
                }}
                {(count > 0)
                    .then(|| {
                        view! {
                            <p class="covered">{move || (t().meetings_covered)(count)}</p>
                            {list(meetings)}
                        }
                    })}
                {quality
                    .into_iter()
                    .enumerate()
                    .map(|(index, items)| {
                        view! {
                            <h3>{move || t().quality_questions[index]}</h3>
                            {list(items)}
                        }
                    })
                    .collect_view()}
                <h3>{move || t().withheld_heading}</h3>
                {if withheld.is_empty() {
                    view! { <p class="muted">{move || t().nothing_withheld}</p> }.into_any()
                } else {
                    view! {
                        <p>{move || t().withheld_intro}</p>
                        <ul>
                            {withheld
                                .into_iter()
                                .map(|(meeting, place, kinds)| {
                                    view! {
                                        <li>{move || (t().withheld_item)(&meeting, &place, &kinds)}</li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </div>
        })
    }
}
