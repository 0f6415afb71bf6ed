//! Group work: the facilitator splits people into pairs or N groups; each group writes in
//! its own part of the document; the facilitator sees every group; back in plenary the
//! groups' results stand side by side.

use leerkring_shared::meeting::{Command, GroupPlan, MeetingView};
use leerkring_shared::model::group_notes;
use leptos::prelude::*;

use crate::components::shared_text::SharedText;
use crate::i18n::use_language;
use crate::sync::Provider;

fn names(view: &MeetingView, members: &[String]) -> String {
    members
        .iter()
        .map(|id| {
            view.participants
                .iter()
                .find(|p| &p.member == id)
                .map_or("?", |p| p.name.as_str())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
pub fn GroupsPanel(provider: Provider) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let leads = move || meeting.with(|m| m.as_ref().is_some_and(|m| m.you.facilitator));
    let pairs = RwSignal::new(true);
    let count = RwSignal::new(3usize);
    let command = provider.sender();
    let working = move || {
        meeting.with(|m| {
            m.as_ref()
                .and_then(|m| m.groups.as_ref())
                .is_some_and(|g| g.working)
        })
    };
    let have_groups = move || meeting.with(|m| m.as_ref().is_some_and(|m| m.groups.is_some()));
    // Which groups this person sees: their own while working (the facilitator all of
    // them), everyone's in plenary. Re-rendered only when the grouping itself changes.
    let shown = Memo::new(move |_| {
        meeting.with(|m| {
            let m = m.as_ref()?;
            let groups = m.groups.as_ref()?;
            let visible: Vec<(usize, String)> = groups
                .members
                .iter()
                .enumerate()
                .filter(|(index, _)| {
                    !groups.working || m.you.facilitator || m.you.group == Some(*index)
                })
                .map(|(index, members)| (index, names(m, members)))
                .collect();
            Some((groups.working, visible))
        })
    });
    let notes = StoredValue::new(provider);
    view! {
        <Show when=move || leads() || have_groups()>
            <section class="card groups" aria-labelledby="groups-heading">
                <h2 id="groups-heading">
                    {move || if working() || !have_groups() { language.texts().groups_heading } else { language.texts().plenary_heading }}
                </h2>
                <Show when=leads>
                    <form class="groups-form" on:submit=move |event: leptos::ev::SubmitEvent| {
                        event.prevent_default();
                        let plan = if pairs.get_untracked() { GroupPlan::Pairs } else { GroupPlan::Count { groups: count.get_untracked() } };
                        command(Command::FormGroups { plan });
                    }>
                        <fieldset>
                            <legend>{move || language.texts().groups_mode}</legend>
                            <label class="inline">
                                <input type="radio" name="group-mode" prop:checked=move || pairs.get() on:change=move |_| pairs.set(true)/>
                                {move || language.texts().groups_pairs}
                            </label>
                            <label class="inline">
                                <input type="radio" name="group-mode" prop:checked=move || !pairs.get() on:change=move |_| pairs.set(false)/>
                                {move || language.texts().groups_count}
                            </label>
                            <label for="group-count" class="visually-hidden">{move || language.texts().groups_count}</label>
                            <input id="group-count" class="number" type="number" min="2" max="10"
                                prop:value=move || count.get().to_string()
                                on:input=move |event| {
                                    if let Ok(n) = event_target_value(&event).parse::<usize>() {
                                        count.set(n.clamp(2, 10));
                                        pairs.set(false);
                                    }
                                }/>
                        </fieldset>
                        <div class="button-row">
                            <button type="submit" class="primary">{move || language.texts().form_groups}</button>
                            <Show when=working>
                                <button type="button" on:click=move |_| command(Command::EndGroups)>
                                    {move || language.texts().end_groups}
                                </button>
                            </Show>
                        </div>
                    </form>
                </Show>
                {move || {
                    let notes = notes.get_value();
                    shown.get().map(|(working, visible)| {
                        view! {
                            <div class="group-grid">
                                {visible.into_iter().map(|(index, members)| {
                                    let title = move || (language.texts().group_name)(index + 1);
                                    view! {
                                        <div class="group-card">
                                            <h3>{title}</h3>
                                            <p class="muted">{members.clone()}</p>
                                            <SharedText
                                                provider=notes.clone()
                                                root=group_notes(index)
                                                id=format!("group-notes-{index}")
                                                label=Signal::derive(move || format!("{} – {}", (language.texts().group_name)(index + 1), language.texts().flipover_heading))
                                                hint=Signal::derive(move || language.texts().group_notes_hint.to_owned())
                                                readonly=Signal::derive(move || !working)
                                                rows=6
                                            />
                                        </div>
                                    }
                                }).collect::<Vec<_>>()}
                            </div>
                        }
                    })
                }}
            </section>
        </Show>
    }
}
