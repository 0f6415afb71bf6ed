//! The case consultation (*omgangsoverleg*, `METHOD.md`) in six steps: the intake (the
//! facilitator names the contributor, who gives the case an anonymous title, a short
//! description and a learning question, while the group records the virtues at stake),
//! the four phases each with the method's guiding questions and a workspace of its own,
//! and the closing reflection with when the team comes back to the case.
//!
//! Everything written about a case lives in the board's document under the case's id
//! (`document::CaseRecord`), so two cases in one meeting keep apart. Who may write the intake
//! and set the follow-up is decided by the server; the read-only fields here only mirror
//! that.

use leerkring_shared::case::FollowUp;
use leerkring_shared::deck::same_name;
use leerkring_shared::document::CaseRecord;
use leerkring_shared::meeting::{Command, Step};
use leerkring_shared::model::{case_part, option};
use leptos::prelude::*;
use yrs::Transact;

use crate::components::note_list::{NoteList, SecondText};
use crate::components::participants::my_name;
use crate::components::shared_text::SharedText;
use crate::doc_list::{new_item_id, watch_stakes, watch_table_virtues};
use crate::i18n::{use_language, Lang, Texts};
use crate::steps::guiding_questions;
use crate::sync::Provider;
use crate::text_binding::watch_text;

/// Step `step` of the case consultation at agenda place `activity`.
#[component]
pub fn CaseConsultation(provider: Provider, activity: usize, step: Step) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let leads = provider.leads();
    let case_id = Memo::new(move |_| {
        meeting.with(|m| m.as_ref()?.cases.get(&activity).map(|c| c.id.clone()))
    });
    // The contributor's name, and whether this person is the contributor.
    let contributor = Memo::new(move |_| {
        meeting.with(|m| {
            let m = m.as_ref()?;
            let case = m.cases.get(&activity)?;
            let mine = m.you.member.as_ref() == Some(&case.contributor);
            Some((m.member_name(&case.contributor), mine))
        })
    });
    let is_contributor = Signal::derive(move || contributor.get().is_some_and(|(_, mine)| mine));
    let can_write = Signal::derive(move || leads.get() || is_contributor.get());
    let intake = step == Step::CaseIntake;
    let stored = StoredValue::new((provider, step));
    view! {
        <section class="card case" aria-labelledby="case-heading">
            <h2 id="case-heading">{move || language.texts().case.heading}</h2>
            <p class="contributor">
                {move || {
                    let texts = &language.texts().case;
                    contributor.get().map_or_else(
                        || texts.waiting_for_contributor.to_owned(),
                        |(name, _)| (texts.contributor_is)(&name),
                    )
                }}
            </p>
            <Show when=move || intake && leads.get()>
                <ContributorPicker provider=stored.with_value(|(p, _)| p.clone()) activity=activity/>
            </Show>
            {move || {
                let id = case_id.get()?;
                let (provider, step) = stored.get_value();
                Some(if intake {
                    view! {
                        <Intake provider=provider case_id=id can_write=can_write is_contributor=is_contributor/>
                    }
                    .into_any()
                } else {
                    view! {
                        <CaseSummary provider=provider.clone() case_id=id.clone()/>
                        <Phase provider=provider case_id=id step=step activity=activity can_follow_up=can_write/>
                    }
                    .into_any()
                })
            }}
        </section>
    }
}

/// The facilitator names the contributor from the people present.
#[component]
fn ContributorPicker(provider: Provider, activity: usize) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let command = provider.sender();
    let current = move || {
        meeting.with(|m| {
            m.as_ref()
                .and_then(|m| m.cases.get(&activity))
                .map(|c| c.contributor.clone())
        })
    };
    let chosen = RwSignal::new(current().unwrap_or_default());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let member = chosen.get_untracked();
        if !member.is_empty() {
            command(Command::NameContributor {
                activity: Some(activity),
                member,
            });
        }
    };
    view! {
        <form class="inline-form" on:submit=submit>
            <label for="contributor-choice">{move || language.texts().case.contributor_label}</label>
            <select id="contributor-choice" on:change=move |event| chosen.set(event_target_value(&event))>
                <option value="">"—"</option>
                {move || meeting.with(|m| {
                    let named = current();
                    m.as_ref().map(|m| m.participants.iter().map(|p| {
                        let selected = named.as_ref() == Some(&p.member);
                        view! { <option value=p.member.clone() selected=selected>{p.name.clone()}</option> }
                    }).collect::<Vec<_>>())
                })}
            </select>
            <button type="submit">{move || language.texts().case.name_contributor}</button>
        </form>
    }
}

/// A label from the case texts, as the signal text fields take.
fn case_text(pick: fn(&'static Texts) -> &'static str) -> Signal<String> {
    let language = use_language();
    Signal::derive(move || pick(language.texts()).to_owned())
}

/// The intake: title, description and learning question by the contributor; the virtues
/// at stake by everyone.
#[component]
fn Intake(
    provider: Provider,
    case_id: String,
    can_write: Signal<bool>,
    is_contributor: Signal<bool>,
) -> impl IntoView {
    let language = use_language();
    let readonly = Signal::derive(move || !can_write.get());
    let case = CaseRecord::new(&case_id);
    view! {
        <p class="hint">
            {move || {
                let texts = &language.texts().case;
                if is_contributor.get() { texts.you_contribute } else { texts.contributor_writes }
            }}
        </p>
        <div class="intake">
            <SharedText provider=provider.clone() root=case.root(case_part::TITLE) id="case-title".to_owned()
                label=case_text(|t| t.case.title_label) hint=case_text(|t| t.case.title_hint) readonly=readonly rows=1/>
            <SharedText provider=provider.clone() root=case.root(case_part::DESCRIPTION) id="case-description".to_owned()
                label=case_text(|t| t.case.description_label) hint=case_text(|t| t.case.description_hint) readonly=readonly rows=4/>
            <SharedText provider=provider.clone() root=case.root(case_part::QUESTION) id="case-question".to_owned()
                label=case_text(|t| t.case.question_label) hint=case_text(|t| t.case.question_hint) readonly=readonly rows=2/>
        </div>
        <h3>{move || language.texts().case.stakes_heading}</h3>
        <div class="two-columns">
            <StakeList provider=provider.clone() case_id=case_id.clone() part=case_part::VIRTUES_CONTRIBUTOR
                legend=case_text(|t| t.case.stakes_contributor)/>
            <StakeList provider=provider case_id=case_id part=case_part::VIRTUES_OTHERS
                legend=case_text(|t| t.case.stakes_others)/>
        </div>
    }
}

/// One list of virtues at stake: chosen from the team's table or typed in.
#[component]
fn StakeList(
    provider: Provider,
    case_id: String,
    part: &'static str,
    legend: Signal<String>,
) -> impl IntoView {
    let language = use_language();
    let doc = provider.doc().clone();
    let case = CaseRecord::new(&case_id);
    let root = case.root(part);
    let stakes = case.stakes(&doc, part);
    let items = watch_stakes(&doc, &stakes, format!("stakes-{root}"));
    let table = watch_table_virtues(&doc, format!("stake-choices-{root}"));
    let choices = move || {
        items.with(|items| {
            table.with(|table| {
                table
                    .iter()
                    .filter(|virtue| !items.iter().any(|(_, v)| same_name(v, virtue)))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };
    let actions = StoredValue::new((doc, stakes));
    let add = move |virtue: &str| {
        let virtue = virtue.trim();
        let known = items.with_untracked(|items| items.iter().any(|(_, v)| same_name(v, virtue)));
        if !virtue.is_empty() && !known {
            actions.with_value(|(doc, stakes)| {
                stakes.push(&mut doc.transact_mut(), &new_item_id(), virtue)
            });
        }
    };
    let typed = RwSignal::new(String::new());
    let input_id = format!("stake-{part}");
    view! {
        <fieldset class="stakes">
            <legend>{move || legend.get()}</legend>
            <ul class="chips">
                <For each=move || items.get() key=|(id, _)| id.clone() let:item>
                    {
                        let (id, virtue) = item;
                        let label = (language.texts().case.stake_remove)(&virtue);
                        view! {
                            <li class="chip">
                                {virtue}
                                <button type="button" class="small" aria-label=label
                                    on:click=move |_| actions.with_value(|(doc, stakes)| stakes.remove(&mut doc.transact_mut(), &id))>
                                    "✕"
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <Show when=move || items.with(Vec::is_empty)>
                <p class="muted">{move || language.texts().case.stakes_none}</p>
            </Show>
            <Show when=move || !choices().is_empty()>
                <p class="muted">{move || language.texts().case.stakes_from_table}</p>
                <div class="choices">
                    {move || choices().into_iter().map(|virtue| {
                        let label = (language.texts().case.stake_choose)(&virtue);
                        let shown = format!("+ {virtue}");
                        view! {
                            <button type="button" class="small" aria-label=label on:click=move |_| add(&virtue)>{shown}</button>
                        }
                    }).collect::<Vec<_>>()}
                </div>
            </Show>
            <form class="inline-form" on:submit=move |event| {
                event.prevent_default();
                add(&typed.get_untracked());
                typed.set(String::new());
            }>
                <label for=input_id.clone()>{move || language.texts().case.stake_other_label}</label>
                <input id=input_id type="text" maxlength="80" prop:value=move || typed.get()
                    on:input=move |event| typed.set(event_target_value(&event))/>
                <button type="submit">{move || language.texts().case.stake_add}</button>
            </form>
        </fieldset>
    }
}

/// The case at a glance during the phases: its title, the learning question and the
/// virtues at stake.
#[component]
fn CaseSummary(provider: Provider, case_id: String) -> impl IntoView {
    let language = use_language();
    let doc = provider.doc();
    let case = CaseRecord::new(&case_id);
    let text = |part: &str| {
        let key = format!("summary-{}", case.root(part));
        watch_text(doc, &case.text(doc, part), key)
    };
    let title = text(case_part::TITLE);
    let question = text(case_part::QUESTION);
    let stakes = |part: &str| {
        let key = format!("summary-{}", case.root(part));
        let items = watch_stakes(doc, &case.stakes(doc, part), key);
        move || {
            items.with(|items| {
                items
                    .iter()
                    .map(|(_, v)| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
        }
    };
    let by_contributor = stakes(case_part::VIRTUES_CONTRIBUTOR);
    let by_others = stakes(case_part::VIRTUES_OTHERS);
    view! {
        <div class="case-summary">
            <p class="case-title">
                {move || {
                    let title = title.get();
                    if title.trim().is_empty() { language.texts().case.no_title.to_owned() } else { title }
                }}
            </p>
            <dl>
                <dt>{move || language.texts().case.question_label}</dt>
                <dd>{move || question.get()}</dd>
                <dt>{move || language.texts().case.stakes_contributor}</dt>
                <dd>{by_contributor}</dd>
                <dt>{move || language.texts().case.stakes_others}</dt>
                <dd>{by_others}</dd>
            </dl>
        </div>
    }
}

/// One phase's guiding questions and workspace, or the closing reflection.
#[component]
fn Phase(
    provider: Provider,
    case_id: String,
    step: Step,
    activity: usize,
    can_follow_up: Signal<bool>,
) -> impl IntoView {
    let language = use_language();
    let author = my_name(provider.meeting());
    let case = CaseRecord::new(&case_id);
    let root = |part: &str| case.root(part);
    let text = |part: &str, id: &str, label: Signal<String>, rows: u32| {
        view! {
            <div class="field">
                <SharedText provider=provider.clone() root=root(part) id=id.to_owned() label=label
                    readonly=Signal::derive(|| false) rows=rows/>
            </div>
        }
    };
    let notes = |part: &str, id: &str, heading: Signal<String>, add: Signal<String>| {
        view! {
            <NoteList provider=provider.clone() root=root(part) id=id.to_owned() heading=heading
                author=author add_label=add/>
        }
    };
    let workspace = match step {
        Step::CaseExplore => view! {
            <div class="two-columns">
                {notes(case_part::OBSERVATIONS, "case-observations", case_text(|t| t.case.observations), case_text(|t| t.case.add_observation))}
                {notes(case_part::INTERPRETATIONS, "case-interpretations", case_text(|t| t.case.interpretations), case_text(|t| t.case.add_interpretation))}
            </div>
            {text(case_part::RELATIONSHIP, "case-relationship", case_text(|t| t.case.relationship), 4)}
        }
        .into_any(),
        Step::CaseInvestigate => view! {
            <NoteList provider=provider.clone() root=root(case_part::OPTIONS) id="case-options".to_owned()
                heading=case_text(|t| t.case.options) author=author add_label=case_text(|t| t.case.add_option)
                second=SecondText { key: option::CLIENT_VIEW, label: case_text(|t| t.case.client_view) }/>
        }
        .into_any(),
        Step::CaseDecide => view! {
            {text(case_part::FIRST_IMPULSE, "case-first-impulse", case_text(|t| t.case.first_impulse), 3)}
            {text(case_part::DECISION, "case-decision", case_text(|t| t.case.decision), 3)}
            {text(case_part::DIFFERENCE, "case-difference", case_text(|t| t.case.difference), 3)}
        }
        .into_any(),
        Step::CaseLearn => view! {
            {notes(case_part::LESSONS, "case-lessons", case_text(|t| t.case.lessons), case_text(|t| t.case.add_lesson))}
            {text(case_part::DEVIATION, "case-deviation", case_text(|t| t.case.deviation), 3)}
            {text(case_part::JUSTIFICATION, "case-justification", case_text(|t| t.case.justification), 3)}
        }
        .into_any(),
        _ => {
            let reflection = case_part::REFLECTION.iter().enumerate().map(|(i, part)| {
                let label = Signal::derive(move || language.texts().case.reflection[i].to_owned());
                text(part, &format!("case-reflection-{i}"), label, 2)
            });
            let revisit = case_part::REVISIT.iter().enumerate().map(|(i, part)| {
                let label = Signal::derive(move || language.texts().case.revisit[i].to_owned());
                text(part, &format!("case-revisit-{i}"), label, 2)
            });
            view! {
                <h3>{move || language.texts().case.reflection_heading}</h3>
                {reflection.collect::<Vec<_>>()}
                <FollowUpPanel provider=provider.clone() activity=activity can_set=can_follow_up/>
                <details class="revisit">
                    <summary>{move || language.texts().case.revisit_heading}</summary>
                    {revisit.collect::<Vec<_>>()}
                </details>
            }
            .into_any()
        }
    };
    view! {
        <Show when=move || !guiding_questions(language.0.get(), step).is_empty()>
            <section class="guiding" aria-labelledby="guiding-heading">
                <h3 id="guiding-heading">{move || language.texts().case.guiding_heading}</h3>
                <ul>
                    {move || guiding_questions(language.0.get(), step).iter().map(|q| view! { <li>{*q}</li> }).collect::<Vec<_>>()}
                </ul>
            </section>
        </Show>
        {workspace}
    }
}

/// When the team comes back to the case: set by the contributor or the facilitator.
#[component]
fn FollowUpPanel(provider: Provider, activity: usize, can_set: Signal<bool>) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let command = provider.sender();
    let follow_up = Memo::new(move |_| {
        meeting.with(|m| {
            m.as_ref()?
                .cases
                .get(&activity)
                .and_then(|c| c.follow_up.clone())
        })
    });
    let date = RwSignal::new(match follow_up.get_untracked() {
        Some(FollowUp::Date { date }) => date,
        _ => String::new(),
    });
    let set = move |follow_up: FollowUp| {
        command(Command::SetFollowUp {
            activity: Some(activity),
            follow_up: Some(follow_up),
        })
    };
    view! {
        <section class="follow-up" aria-labelledby="follow-up-heading">
            <h3 id="follow-up-heading">{move || language.texts().case.follow_up_heading}</h3>
            <p role="status" class="follow-up-state">
                {move || {
                    let texts = &language.texts().case;
                    match follow_up.get() {
                        None => texts.follow_up_none.to_owned(),
                        Some(FollowUp::NextMeeting) => texts.follow_up_is_next_meeting.to_owned(),
                        Some(FollowUp::Date { date }) => {
                            (texts.follow_up_is_date)(&long_date(language.0.get(), &date))
                        }
                    }
                }}
            </p>
            <Show when=move || can_set.get()>
                <div class="inline-form">
                    <label for="follow-up-date">{move || language.texts().case.follow_up_date}</label>
                    <input id="follow-up-date" type="date" prop:value=move || date.get()
                        on:input=move |event| date.set(event_target_value(&event))/>
                    <button type="button" on:click=move |_| set(FollowUp::Date { date: date.get_untracked() })>
                        {move || language.texts().case.follow_up_save}
                    </button>
                    <button type="button" on:click=move |_| set(FollowUp::NextMeeting)>
                        {move || language.texts().case.follow_up_next_meeting}
                    </button>
                </div>
            </Show>
        </section>
    }
}

/// `2027-01-12` as "12 januari 2027" (or "12 January 2027"), in the browser's own words
/// for the language.
fn long_date(lang: Lang, date: &str) -> String {
    let mut parts = date.split('-').map(|part| part.parse::<u32>().ok());
    let (Some(Some(year)), Some(Some(month)), Some(Some(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return date.to_owned();
    };
    let when = js_sys::Date::new_with_year_month_day(year, month as i32 - 1, day as i32);
    let options = js_sys::Object::new();
    for (key, value) in [("day", "numeric"), ("month", "long"), ("year", "numeric")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    let locale = match lang {
        Lang::Nl => "nl-NL",
        Lang::En => "en-GB",
    };
    when.to_locale_date_string(locale, &options).into()
}
