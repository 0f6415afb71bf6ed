//! Activity A, the virtue exercise in seven steps. Most steps use the shared building
//! blocks (pairs with their notes, the virtue table, its lock, the debrief); this module
//! holds what is its own: the practice stories of steps 5 and 6, where each pair relates
//! a virtue to a recent situation and marks whether they acted from the middle, too
//! little or too much.

use leerkring_shared::document::stories::stance_of;
use leerkring_shared::document::{PracticeStories, StoryFields};
use leerkring_shared::model::{practice_stories, story};
use leptos::prelude::*;
use yrs::{Observable, Transact};

use crate::browser;
use crate::components::groups::GroupSlot;
use crate::components::shared_text::TextField;
use crate::doc_list::{new_item_id, watch_ids};
use crate::i18n::use_language;
use crate::sync::Provider;

/// Inside each pair's card: their practice stories.
pub fn group_stories(provider: Provider, slot: GroupSlot) -> AnyView {
    view! { <PracticeStories provider=provider group=slot/> }.into_any()
}

#[component]
fn PracticeStories(provider: Provider, group: GroupSlot) -> impl IntoView {
    let language = use_language();
    let doc = provider.doc().clone();
    let root = practice_stories(group.formation, group.index);
    let list = PracticeStories::of(&doc, group.formation, group.index);
    let stories = watch_ids(&doc, list.list(), format!("stories-{root}"));
    let actions = StoredValue::new((doc, list));
    let prefix = format!("story-{}-{}", group.formation, group.index);
    let add = {
        let prefix = prefix.clone();
        move |_| {
            let id = new_item_id();
            actions.with_value(|(doc, list)| list.push(&mut doc.transact_mut(), &id));
            browser::focus_soon(format!("{prefix}-{id}-virtue"));
        }
    };
    let cells = StoredValue::new(provider);
    view! {
        <div class="stories">
            <h4>{move || language.texts().stories_heading}</h4>
            <ol>
                <For each=move || stories.get() key=|id| id.clone() let:story_id>
                    <Story provider=cells.get_value() list=actions.with_value(|(_, l)| l.clone()) id=story_id prefix=prefix.clone()/>
                </For>
            </ol>
            <Show when=move || group.working && group.mine>
                <button type="button" on:click=add.clone()>{move || language.texts().add_story}</button>
            </Show>
        </div>
    }
}

#[component]
fn Story(provider: Provider, list: PracticeStories, id: String, prefix: String) -> impl IntoView {
    let language = use_language();
    let doc = provider.doc().clone();
    let found = list.fields(&doc.transact(), &id);
    let Some(StoryFields {
        map,
        virtue,
        text,
        stance,
    }) = found
    else {
        return ().into_any();
    };
    let stance = RwSignal::new(stance);
    map.observe(format!("story-stance-{id}"), move |txn, event| {
        if let Some(value) = stance_of(event.target(), txn) {
            stance.set(value);
        }
    });
    let base = format!("{prefix}-{id}");
    let actions = StoredValue::new((doc, list, id.clone()));
    let stance_label = move |key: &str| match key {
        "midden" => language.texts().stance_middle,
        "te_weinig" => language.texts().stance_too_little,
        _ => language.texts().stance_too_much,
    };
    let writable = Signal::derive(|| false);
    view! {
        <li class="story">
            <label for=format!("{base}-virtue")>{move || language.texts().story_virtue}</label>
            <TextField provider=provider.clone() text=virtue editing=format!("{base}:deugd") id=format!("{base}-virtue") readonly=writable rows=1/>
            <fieldset class="stance">
                <legend>{move || language.texts().stance_legend}</legend>
                {story::STANCES.into_iter().map(|key| {
                    let input_id = format!("{base}-{key}");
                    let label_for = input_id.clone();
                    let name = format!("{base}-stance");
                    view! {
                        <label class="inline" for=label_for>
                            <input type="radio" id=input_id name=name
                                prop:checked=move || stance.get() == key
                                on:change=move |_| actions.with_value(|(doc, list, id)| list.set_stance(&mut doc.transact_mut(), id, key))/>
                            {move || stance_label(key)}
                        </label>
                    }
                }).collect::<Vec<_>>()}
            </fieldset>
            <label for=format!("{base}-text")>{move || language.texts().story_text}</label>
            <TextField provider=provider text=text editing=format!("{base}:verhaal") id=format!("{base}-text") readonly=writable rows=3/>
            <button type="button" class="small danger"
                on:click=move |_| actions.with_value(|(doc, list, id)| list.remove(&mut doc.transact_mut(), id))>
                {move || language.texts().remove_story}
            </button>
        </li>
    }
    .into_any()
}
