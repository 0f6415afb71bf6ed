//! Voting: the facilitator opens a vote; each person picks up to their number of votes;
//! ballots stay secret until the facilitator reveals the ranking (ties shown as ties).

use leerkring_shared::meeting::{Command, VotePhase, VoteView};
use leptos::prelude::*;

use crate::i18n::use_language;
use crate::sync::Provider;

#[component]
pub fn VotePanel(
    provider: Provider,
    /// Offer the facilitator the form to open a vote of their own.
    #[prop(default = true)]
    open_form: bool,
) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let leads = provider.leads();
    let vote = move || meeting.with(|m| m.as_ref().and_then(|m| m.vote.clone()));
    let may_vote = move || {
        meeting.with(|m| {
            m.as_ref().is_some_and(|m| {
                m.you.member.is_some()
                    && m.vote.as_ref().is_some_and(|v| {
                        v.phase == VotePhase::Open
                            && (!m.you.facilitator || v.settings.facilitator_votes)
                    })
            })
        })
    };
    let show_form =
        move || open_form && leads.get() && vote().is_none_or(|v| v.phase == VotePhase::Revealed);
    let command = provider.sender();
    view! {
        <Show when=move || (open_form && leads.get()) || vote().is_some()>
            <section class="card vote" aria-labelledby="vote-heading">
                <h2 id="vote-heading">{move || language.texts().vote_heading}</h2>
                {move || vote().map(|v| view! { <VoteBody vote=v may_vote=may_vote() leads=leads.get() command=command/> })}
                <Show when=show_form>
                    <OpenVoteForm command=command/>
                </Show>
            </section>
        </Show>
    }
}

#[component]
fn VoteBody(
    vote: VoteView,
    may_vote: bool,
    leads: bool,
    command: impl Fn(Command) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let language = use_language();
    let left = vote
        .settings
        .votes_per_person
        .saturating_sub(vote.your_ballot.len() as u32);
    let options = vote.settings.options.clone();
    let mine = vote.your_ballot.clone();
    let phase = vote.phase;
    let voters = vote.voters;
    let results = vote.results.clone();
    let question = vote.settings.question.clone();
    let ranked = results.map(|results| {
        let shared: Vec<bool> = results
            .iter()
            .map(|r| results.iter().filter(|o| o.rank == r.rank).count() > 1)
            .collect();
        view! {
            <h3>{move || language.texts().results_heading}</h3>
            <ol class="results">
                {results.into_iter().zip(shared).map(|(result, tie)| view! {
                    <li class="result">
                        <span class="rank">
                            {move || (language.texts().place)(result.rank)}
                            {move || tie.then(|| format!(" ({})", language.texts().shared_place))}
                        </span>
                        " "
                        <span class="result-label">{result.label.clone()}</span>
                        " "
                        <span class="result-votes">{move || (language.texts().votes_count)(result.votes)}</span>
                    </li>
                }).collect::<Vec<_>>()}
            </ol>
        }
    });
    view! {
        <fieldset class="ballot" disabled=!may_vote>
            <legend>{question}</legend>
            {options.into_iter().enumerate().map(|(index, option)| {
                let chosen = mine.contains(&index);
                let mine = mine.clone();
                let id = format!("vote-option-{index}");
                view! {
                    <div class="ballot-option">
                        <input type="checkbox" id=id.clone()
                            prop:checked=chosen
                            disabled=!chosen && left == 0
                            on:change=move |_| {
                                let mut next = mine.clone();
                                if chosen { next.retain(|&o| o != index) } else { next.push(index) }
                                command(Command::CastVote { options: next });
                            }/>
                        <label for=id class="inline">{option}</label>
                    </div>
                }
            }).collect::<Vec<_>>()}
        </fieldset>
        {(phase == VotePhase::Open && may_vote).then(|| view! { <p role="status">{move || (language.texts().votes_left)(left)}</p> })}
        {(phase != VotePhase::Revealed).then(|| view! {
            <p class="muted">{move || language.texts().vote_secret} " " {move || (language.texts().voters_count)(voters)}</p>
        })}
        {(phase == VotePhase::Closed).then(|| view! { <p>{move || language.texts().vote_closed}</p> })}
        {leads.then(|| view! {
            <div class="button-row">
                {(phase == VotePhase::Open).then(|| view! {
                    <button type="button" on:click=move |_| command(Command::CloseVote)>{move || language.texts().close_vote}</button>
                })}
                {(phase != VotePhase::Revealed).then(|| view! {
                    <button type="button" class="primary" on:click=move |_| command(Command::RevealVote)>{move || language.texts().reveal_vote}</button>
                })}
            </div>
        })}
        {ranked}
    }
}

#[component]
fn OpenVoteForm(command: impl Fn(Command) + Copy + Send + Sync + 'static) -> impl IntoView {
    let language = use_language();
    let question = RwSignal::new(String::new());
    let options = RwSignal::new(String::new());
    let per_person = RwSignal::new(3u32);
    let facilitator_votes = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let options: Vec<String> = options
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        command(Command::OpenVote {
            question: question.get_untracked(),
            options,
            votes_per_person: Some(per_person.get_untracked()),
            max_per_option: None,
            facilitator_votes: Some(facilitator_votes.get_untracked()),
        });
    };
    view! {
        <form class="open-vote" on:submit=submit>
            <label for="vote-question">{move || language.texts().vote_question_label}</label>
            <input id="vote-question" type="text" maxlength="200" required
                prop:value=move || question.get() on:input=move |e| question.set(event_target_value(&e))/>
            <label for="vote-options">{move || language.texts().vote_options_label}</label>
            <textarea id="vote-options" rows="5" required
                prop:value=move || options.get() on:input=move |e| options.set(event_target_value(&e))></textarea>
            <label for="vote-per-person">{move || language.texts().votes_per_person_label}</label>
            <input id="vote-per-person" class="number" type="number" min="1" max="10"
                prop:value=move || per_person.get().to_string()
                on:input=move |e| {
                    if let Ok(n) = event_target_value(&e).parse::<u32>() {
                        per_person.set(n.clamp(1, 10));
                    }
                }/>
            <label class="inline">
                <input type="checkbox" prop:checked=move || facilitator_votes.get()
                    on:change=move |_| facilitator_votes.update(|v| *v = !*v)/>
                {move || language.texts().facilitator_votes_label}
            </label>
            <button type="submit" class="primary">{move || language.texts().open_vote}</button>
        </form>
    }
}
