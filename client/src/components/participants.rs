//! The facilitator's view of who takes part: who is connected, and handing over the
//! role, renaming and removing people. Also the button to take the role back, and the
//! names people go by in the meeting.

use leerkring_shared::meeting::{Command, MeetingView, ParticipantView};
use leptos::prelude::*;

use crate::i18n::use_language;
use crate::sync::Provider;

/// This person's display name in the meeting (put on what they write).
pub fn my_name(meeting: ReadSignal<Option<MeetingView>>) -> Signal<String> {
    Signal::derive(move || {
        meeting.with(|m| {
            m.as_ref()
                .and_then(|m| m.you.member.as_deref().map(|me| m.member_name(me)))
                .unwrap_or_default()
        })
    })
}

#[component]
pub fn ParticipantsPanel(provider: Provider) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let leads = provider.leads();
    let may_reclaim = move || {
        meeting.with(|m| {
            m.as_ref()
                .is_some_and(|m| m.you.facilitator_token && !m.you.facilitator)
        })
    };
    let command = provider.sender();
    view! {
        <Show when=may_reclaim>
            <section class="card">
                <button type="button" class="primary" on:click=move |_| command(Command::Reclaim)>
                    {move || language.texts().reclaim}
                </button>
            </section>
        </Show>
        <Show when=move || leads.get()>
            <section class="card participants" aria-labelledby="participants-heading">
                <h2 id="participants-heading">{move || language.texts().participants_heading}</h2>
                <p>{move || language.texts().you_lead}</p>
                <ul class="participant-list">
                    {
                        move || {
                            let me = meeting.with(|m| m.as_ref().and_then(|m| m.you.member.clone()));
                            meeting
                                .with(|m| m.as_ref().map(|m| m.participants.clone()).unwrap_or_default())
                                .into_iter()
                                .map(|person| view! { <ParticipantRow person=person.clone() is_me=me.as_ref() == Some(&person.member) command=command/> })
                                .collect::<Vec<_>>()
                        }
                    }
                </ul>
            </section>
        </Show>
    }
}

#[component]
fn ParticipantRow(
    person: ParticipantView,
    is_me: bool,
    command: impl Fn(Command) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let language = use_language();
    let renaming = RwSignal::new(false);
    let new_name = RwSignal::new(person.name.clone());
    let member = person.member.clone();
    let field_id = format!("rename-{}", person.member);
    let name = person.name.clone();
    let (hand_member, remove_member, rename_member) = (member.clone(), member.clone(), member);
    view! {
        <li class="participant-row">
            <span class="participant-name">{person.name.clone()}</span>
            " · "
            <span class="muted">
                {move || if person.connected { language.texts().connected } else { language.texts().not_connected }}
            </span>
            {(!is_me).then(|| view! {
                <div class="button-row small">
                    <button type="button" aria-label=format!("{}: {}", language.texts().hand_over, name)
                        on:click=move |_| command(Command::HandOver { member: hand_member.clone() })>
                        {move || language.texts().hand_over}
                    </button>
                    <button type="button" aria-label=format!("{}: {}", language.texts().rename_member, name)
                        aria-expanded=move || renaming.get().to_string()
                        on:click=move |_| renaming.update(|r| *r = !*r)>
                        {move || language.texts().rename_member}
                    </button>
                    <button type="button" class="danger" aria-label=format!("{}: {}", language.texts().remove_member, name)
                        on:click=move |_| command(Command::RemoveMember { member: remove_member.clone() })>
                        {move || language.texts().remove_member}
                    </button>
                </div>
            })}
            <Show when=move || renaming.get()>
                <form class="rename-form" on:submit={
                    let rename_member = rename_member.clone();
                    move |event: leptos::ev::SubmitEvent| {
                        event.prevent_default();
                        command(Command::RenameMember { member: rename_member.clone(), name: new_name.get_untracked() });
                        renaming.set(false);
                    }
                }>
                    <label for=field_id.clone()>{move || language.texts().new_name}</label>
                    <input id=field_id.clone() type="text" maxlength="60"
                        prop:value=move || new_name.get()
                        on:input=move |event| new_name.set(event_target_value(&event))/>
                    <button type="submit">{move || language.texts().save}</button>
                </form>
            </Show>
        </li>
    }
}
