//! The debrief that closes both virtue activities and the meeting (*nabespreken*): each
//! person answers the method's two questions on the board, as notes everyone sees.

use leerkring_shared::model::{debrief_answers, DEBRIEF_USABLE, DEBRIEF_YIELD};
use leptos::prelude::*;

use crate::components::note_list::NoteList;
use crate::components::participants::my_name;
use crate::i18n::use_language;
use crate::sync::Provider;

/// `activity` is the activity's place on the agenda: each activity keeps its own answers.
#[component]
pub fn Debrief(provider: Provider, activity: usize) -> impl IntoView {
    let language = use_language();
    let author = my_name(provider.meeting());
    view! {
        <section class="card debrief" aria-labelledby="debrief-heading">
            <h2 id="debrief-heading">{move || language.texts().debrief_heading}</h2>
            <div class="two-columns">
                <NoteList
                    provider=provider.clone()
                    root=debrief_answers(activity, DEBRIEF_YIELD)
                    id=format!("debrief-{activity}-yield")
                    heading=Signal::derive(move || language.texts().debrief_yield.to_owned())
                    author=author
                />
                <NoteList
                    provider=provider
                    root=debrief_answers(activity, DEBRIEF_USABLE)
                    id=format!("debrief-{activity}-usable")
                    heading=Signal::derive(move || language.texts().debrief_usable.to_owned())
                    author=author
                />
            </div>
        </section>
    }
}
