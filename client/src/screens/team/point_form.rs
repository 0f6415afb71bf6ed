//! One development point's form: its text, criterion and status, and why it was not
//! achieved.

use leerkring_shared::development::{DevelopmentPoint, PointStatus, SourceKind};
use leerkring_shared::pack::dutch_date;
use leerkring_shared::team::TeamCommand;
use leptos::prelude::*;

use super::state::Team;
use crate::browser;
use crate::i18n::{use_language, Lang};

fn status_code(status: PointStatus) -> &'static str {
    match status {
        PointStatus::Open => "open",
        PointStatus::InProgress => "in_progress",
        PointStatus::Achieved => "achieved",
        PointStatus::NotAchieved => "not_achieved",
    }
}

fn status_label(status: PointStatus, lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => status.label_nl(),
        Lang::En => status.label_en(),
    }
}

/// One development point, editable by everyone; the facilitator may remove it.
#[component]
pub(super) fn PointForm(team: Team, point: DevelopmentPoint, leads: bool) -> impl IntoView {
    let language = use_language();
    let t = move || &language.texts().team;
    let id = point.id.clone();
    let field = move |what: &str| format!("point-{}-{what}", id);
    let (text_id, criterion_id, status_id, reason_id, needs_id, hint_id) = (
        field("text"),
        field("criterion"),
        field("status"),
        field("reason"),
        field("needs"),
        field("hint"),
    );
    let saved_text = RwSignal::new(point.text.clone());
    let text = RwSignal::new(point.text.clone());
    let criterion = RwSignal::new(point.criterion.clone());
    let status = RwSignal::new(point.status);
    let reason = RwSignal::new(point.reason.clone());
    let needs = RwSignal::new(point.needs.clone());
    let point_id = StoredValue::new(point.id.clone());
    let source = point.source.clone().map(|source| {
        let meeting = team.page.with_untracked(|page| {
            page.as_ref().and_then(|p| {
                p.meetings
                    .iter()
                    .find(|m| m.board_id == source.meeting)
                    .map(|m| format!("{} ({})", m.title, dutch_date(&m.date)))
            })
        });
        (source.kind, meeting)
    });
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let new_text = text.get_untracked();
        team.send(
            TeamCommand::UpdatePoint {
                id: point_id.get_value(),
                text: new_text.clone(),
                criterion: criterion.get_untracked(),
                status: status.get_untracked(),
                reason: reason.get_untracked(),
                needs: needs.get_untracked(),
            },
            |t| t.saved,
            move || saved_text.set(new_text.trim().to_owned()),
        );
    };
    let remove = move |_| {
        team.send(
            TeamCommand::RemovePoint {
                id: point_id.get_value(),
            },
            |t| t.removed,
            || browser::focus_soon("points-heading".to_owned()),
        );
    };
    let statuses = PointStatus::ALL.map(|choice| {
        view! {
            <option value=status_code(choice) selected=point.status == choice>
                {move || status_label(choice, language.0.get())}
            </option>
        }
    });
    view! {
        <li class="point">
            <form aria-label=move || (t().point_named)(&saved_text.get()) on:submit=save>
                {source
                    .map(|(kind, meeting)| {
                        view! {
                            <p class="muted point-source">
                                {move || match kind {
                                    SourceKind::Lesson => t().source_lesson,
                                    SourceKind::Decision => t().source_decision,
                                    SourceKind::Debrief => t().source_debrief,
                                }}
                                {meeting.map(|m| format!(": {m}"))}
                            </p>
                        }
                    })}
                <label for=text_id.clone()>{move || t().point_label}</label>
                <textarea
                    id=text_id
                    class="short"
                    rows="2"
                    required
                    maxlength="1000"
                    prop:value=move || text.get()
                    on:input=move |event| text.set(event_target_value(&event))
                ></textarea>
                <div class="point-row">
                    <div>
                        <label for=criterion_id.clone()>{move || t().criterion_label}</label>
                        <textarea
                            id=criterion_id
                            class="short"
                            rows="2"
                            maxlength="1000"
                            prop:value=move || criterion.get()
                            on:input=move |event| criterion.set(event_target_value(&event))
                        ></textarea>
                    </div>
                    <div>
                        <label for=status_id.clone()>{move || t().status_label}</label>
                        <select
                            id=status_id
                            on:change=move |event| {
                                let chosen = event_target_value(&event);
                                if let Some(choice) = PointStatus::ALL
                                    .into_iter()
                                    .find(|s| status_code(*s) == chosen)
                                {
                                    status.set(choice);
                                }
                            }
                        >
                            {statuses}
                        </select>
                    </div>
                </div>
                <Show when=move || status.get() == PointStatus::NotAchieved>
                    <p id=hint_id.clone() class="hint not-achieved-hint">
                        {move || t().not_achieved_hint}
                    </p>
                    <label for=reason_id.clone()>{move || t().reason_label}</label>
                    <textarea
                        id=reason_id.clone()
                        class="short"
                        maxlength="1000"
                        aria-describedby=hint_id.clone()
                        prop:value=move || reason.get()
                        on:input=move |event| reason.set(event_target_value(&event))
                    ></textarea>
                    <label for=needs_id.clone()>{move || t().needs_label}</label>
                    <textarea
                        id=needs_id.clone()
                        class="short"
                        maxlength="1000"
                        aria-describedby=hint_id.clone()
                        prop:value=move || needs.get()
                        on:input=move |event| needs.set(event_target_value(&event))
                    ></textarea>
                </Show>
                <div class="button-row">
                    <button type="submit" class="primary">{move || t().save}</button>
                    {leads
                        .then(|| {
                            view! {
                                <button type="button" class="danger" on:click=remove>
                                    {move || t().remove}
                                </button>
                            }
                        })}
                </div>
            </form>
        </li>
    }
}
