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
        .map(|id| view.member_name(id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One group as an activity's part of its card sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupSlot {
    /// Which grouping of the meeting (see `Groups::formation`).
    pub formation: u32,
    pub index: usize,
    /// The groups are at work (not back in plenary).
    pub working: bool,
    /// The viewer belongs to this group.
    pub mine: bool,
}

/// What an activity adds to each group's card, such as its top three or its practice
/// stories.
pub type GroupExtra = fn(Provider, GroupSlot) -> AnyView;

/// How the facilitator splits people.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Pairs,
    Count,
    Manual,
}

#[component]
pub fn GroupsPanel(
    provider: Provider,
    #[prop(optional)] extra: Option<GroupExtra>,
    /// Offer this many groups first, rather than pairs (the card activity's round 2
    /// works in three groups).
    #[prop(optional)]
    groups_first: Option<usize>,
) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let leads = provider.leads();
    let mode = RwSignal::new(if groups_first.is_some() {
        Mode::Count
    } else {
        Mode::Pairs
    });
    let count = RwSignal::new(groups_first.unwrap_or(3));
    // Group number (1-based) per member for "by hand".
    let by_hand: RwSignal<Vec<(String, String, usize)>> = RwSignal::new(Vec::new());
    let people_for_hand = move || {
        meeting.with(|m| {
            m.as_ref()
                .map(|m| {
                    m.participants
                        .iter()
                        .filter(|p| p.connected && Some(&p.member) != m.you.member.as_ref())
                        .map(|p| (p.member.clone(), p.name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
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
            let visible: Vec<(usize, bool, String)> = groups
                .members
                .iter()
                .enumerate()
                .filter(|(index, _)| {
                    !groups.working || m.you.facilitator || m.you.group == Some(*index)
                })
                .map(|(index, members)| (index, m.you.group == Some(index), names(m, members)))
                .collect();
            Some((groups.formation, groups.working, visible))
        })
    });
    let notes = StoredValue::new(provider);
    view! {
        <Show when=move || leads.get() || have_groups()>
            <section class="card groups" aria-labelledby="groups-heading">
                <h2 id="groups-heading">
                    {move || if working() || !have_groups() { language.texts().groups_heading } else { language.texts().plenary_heading }}
                </h2>
                <Show when=move || leads.get()>
                    <form class="groups-form" on:submit=move |event: leptos::ev::SubmitEvent| {
                        event.prevent_default();
                        let plan = match mode.get_untracked() {
                            Mode::Pairs => GroupPlan::Pairs,
                            Mode::Count => GroupPlan::Count { groups: count.get_untracked() },
                            Mode::Manual => {
                                let mut groups: Vec<Vec<String>> = Vec::new();
                                for (member, _, group) in by_hand.get_untracked() {
                                    let index = group.clamp(1, 10) - 1;
                                    if groups.len() <= index {
                                        groups.resize(index + 1, Vec::new());
                                    }
                                    groups[index].push(member);
                                }
                                GroupPlan::Manual { groups }
                            }
                        };
                        command(Command::FormGroups { plan });
                    }>
                        <fieldset>
                            <legend>{move || language.texts().groups_mode}</legend>
                            <label class="inline">
                                <input type="radio" name="group-mode" prop:checked=move || mode.get() == Mode::Pairs on:change=move |_| mode.set(Mode::Pairs)/>
                                {move || language.texts().groups_pairs}
                            </label>
                            <label class="inline">
                                <input type="radio" name="group-mode" prop:checked=move || mode.get() == Mode::Count on:change=move |_| mode.set(Mode::Count)/>
                                {move || language.texts().groups_count}
                            </label>
                            <label for="group-count" class="visually-hidden">{move || language.texts().groups_count}</label>
                            <input id="group-count" class="number" type="number" min="2" max="10"
                                prop:value=move || count.get().to_string()
                                on:input=move |event| {
                                    if let Ok(n) = event_target_value(&event).parse::<usize>() {
                                        count.set(n.clamp(2, 10));
                                        mode.set(Mode::Count);
                                    }
                                }/>
                            <label class="inline">
                                <input type="radio" name="group-mode" prop:checked=move || mode.get() == Mode::Manual
                                    on:change=move |_| {
                                        let people = people_for_hand();
                                        let groups = count.get_untracked().max(2);
                                        by_hand.set(people.into_iter().enumerate().map(|(i, (member, name))| (member, name, i % groups + 1)).collect());
                                        mode.set(Mode::Manual);
                                    }/>
                                {move || language.texts().groups_manual}
                            </label>
                            <Show when=move || mode.get() == Mode::Manual>
                                <ul class="by-hand">
                                    // Read once when shown, so typing a number does not re-render the row.
                                    {by_hand.get_untracked().into_iter().enumerate().map(|(row, (_, name, group))| {
                                        let id = format!("by-hand-{row}");
                                        view! {
                                            <li>
                                                <label for=id.clone() class="inline">{format!("{} {}", language.texts().group_for, name)}</label>
                                                <input id=id class="number" type="number" min="1" max="10"
                                                    prop:value=group.to_string()
                                                    on:input=move |event| {
                                                        if let Ok(n) = event_target_value(&event).parse::<usize>() {
                                                            by_hand.update(|rows| rows[row].2 = n.clamp(1, 10));
                                                        }
                                                    }/>
                                            </li>
                                        }
                                    }).collect::<Vec<_>>()}
                                </ul>
                            </Show>
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
                    shown.get().map(|(formation, working, visible)| {
                        view! {
                            <div class="group-grid">
                                {visible.into_iter().map(|(index, mine, members)| {
                                    let slot = GroupSlot { formation, index, working, mine };
                                    // Your own group, while it works, says so first.
                                    let title = move || if mine && working {
                                        (language.texts().in_group)(index + 1)
                                    } else {
                                        (language.texts().group_name)(index + 1)
                                    };
                                    view! {
                                        <div class="group-card">
                                            <h3>{title}</h3>
                                            <p class="muted">{members.clone()}</p>
                                            {extra.map(|extra| extra(notes.clone(), slot))}
                                            <SharedText
                                                provider=notes.clone()
                                                root=group_notes(formation, index)
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
