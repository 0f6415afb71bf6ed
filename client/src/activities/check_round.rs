//! Round 3's check round: the team's top three is reached together. The vote was an aid;
//! now each person asked says "Ik kan me hierin vinden" or "Nog niet" with a reason,
//! everyone sees the answers, and the facilitator goes on to adopting virtues once all
//! can, or records why the team goes on anyway. The server holds the rule
//! (`Meeting::may_enter`); this screen only asks and shows.

use leerkring_shared::card_game::Agreement;
use leerkring_shared::meeting::Command;
use leptos::prelude::*;

use crate::browser;
use crate::i18n::use_language;
use crate::sync::Provider;

/// Where the reason for "Nog niet" is written; it gets the focus when asked for.
const REASON_FIELD: &str = "check-round-reason";

#[component]
pub fn CheckRound(provider: Provider) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let leader = provider.leads();
    let command = provider.sender();
    let has_top = Memo::new(move |_| {
        meeting.with(|m| m.as_ref().is_some_and(|m| !m.cards.team_top.is_empty()))
    });
    let me = Memo::new(move |_| meeting.with(|m| m.as_ref().and_then(|m| m.you.member.clone())));
    // Who is asked, by name, with their answer.
    let answers = Memo::new(move |_| {
        meeting.with(|m| {
            let Some(m) = m else { return Vec::new() };
            m.asked_to_agree
                .iter()
                .map(|member| {
                    let name = m
                        .participants
                        .iter()
                        .find(|p| p.member == *member)
                        .map_or_else(|| "?".to_owned(), |p| p.name.clone());
                    (member.clone(), name, m.cards.agreement.get(member).cloned())
                })
                .collect::<Vec<_>>()
        })
    });
    let my_answer = Memo::new(move |_| {
        let me = me.get()?;
        answers.with(|a| {
            a.iter()
                .find(|(m, ..)| *m == me)
                .and_then(|(.., a)| a.clone())
        })
    });
    let asked_me = move || {
        me.get()
            .is_some_and(|me| answers.with(|a| a.iter().any(|(m, ..)| *m == me)))
    };
    let agreeing = move || {
        answers.with(|a| {
            a.iter()
                .filter(|(.., a)| *a == Some(Agreement::Agree))
                .count()
        })
    };
    let all_agree = move || agreeing() == answers.with(Vec::len);
    let moved_on = Memo::new(move |_| {
        meeting.with(|m| m.as_ref().and_then(|m| m.cards.moved_on_because.clone()))
    });

    let writing_reason = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let agree = move |_| {
        writing_reason.set(false);
        command(Command::AnswerTeamTop {
            agree: true,
            reason: String::new(),
        });
    };
    let not_yet = move |_| {
        writing_reason.set(true);
        browser::focus_soon(REASON_FIELD.to_owned());
    };
    let send_reason = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        command(Command::AnswerTeamTop {
            agree: false,
            reason: reason.get_untracked(),
        });
        writing_reason.set(false);
    };
    let move_on_reason = RwSignal::new(String::new());
    let record = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        command(Command::MoveOnWithoutAgreement {
            reason: move_on_reason.get_untracked(),
        });
    };
    let texts = move || &language.texts().check_round;
    view! {
        <Show when=move || has_top.get()>
            <section class="card check-round" aria-labelledby="check-round-heading">
                <h2 id="check-round-heading">{move || texts().heading}</h2>
                <p>{move || texts().intro}</p>
                <Show when=asked_me>
                    <div class="button-row">
                        <button type="button" class="primary"
                            aria-pressed=move || (my_answer.get() == Some(Agreement::Agree)).to_string()
                            on:click=agree>{move || texts().agree}</button>
                        <button type="button"
                            aria-pressed=move || matches!(my_answer.get(), Some(Agreement::NotYet { .. })).to_string()
                            on:click=not_yet>{move || texts().not_yet}</button>
                    </div>
                    <Show when=move || writing_reason.get()>
                        <form on:submit=send_reason>
                            <label for=REASON_FIELD>{move || texts().reason_label}</label>
                            <textarea id=REASON_FIELD required maxlength="500"
                                prop:value=move || reason.get()
                                on:input=move |e| reason.set(event_target_value(&e))></textarea>
                            <button type="submit">{move || texts().send_reason}</button>
                        </form>
                    </Show>
                </Show>
                <p role="status">
                    {move || if all_agree() && !answers.with(Vec::is_empty) {
                        texts().all_agree.to_owned()
                    } else {
                        (texts().count)(agreeing(), answers.with(Vec::len))
                    }}
                </p>
                <ul class="check-round-answers">
                    {move || answers.get().into_iter().map(|(_, name, answer)| {
                        let said = match answer {
                            Some(Agreement::Agree) => texts().answered_agree.to_owned(),
                            Some(Agreement::NotYet { reason }) => format!("{}: {reason}", texts().answered_not_yet),
                            None => texts().no_answer.to_owned(),
                        };
                        view! { <li><strong>{name}</strong> " – " {said}</li> }
                    }).collect::<Vec<_>>()}
                </ul>
                {move || match moved_on.get() {
                    Some(why) => view! { <p class="moved-on">{texts().moved_on} " " {why}</p> }.into_any(),
                    None => view! {
                        <Show when=move || leader.get() && !all_agree()>
                            <form on:submit=record>
                                <label for="move-on-reason">{move || texts().move_on_label}</label>
                                <textarea id="move-on-reason" required maxlength="500"
                                    prop:value=move || move_on_reason.get()
                                    on:input=move |e| move_on_reason.set(event_target_value(&e))></textarea>
                                <button type="submit">{move || texts().move_on_button}</button>
                            </form>
                        </Show>
                    }.into_any(),
                }}
            </section>
        </Show>
    }
}
