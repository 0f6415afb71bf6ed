//! The team page (`/t/{team_id}#token=…`): a team (*leerkring*) across its meetings. The
//! facilitator hands out the team link and starts meetings from here; everyone with the
//! link sees the team's virtue compass, the meetings held, the cases' lessons, works on
//! the development points (*ontwikkelpunten*) and reads the visitation pack
//! (*bezoekpakket*) as it will be sent. The facilitator approves the pack, after which it
//! can be downloaded.
//!
//! The page's screens are a WebAssembly module of their own (like the activities', see
//! `activities/mod.rs`), fetched the first time a team page opens, so the first load of
//! the app does not carry them.
//!
//! One file per part of the page: `state` holds what the parts share (the team, what
//! the page last said); the sections are in the other modules.

mod cases;
mod compass;
mod delete_team;
mod make_point;
mod meetings;
mod new_meeting;
mod pack;
mod pack_draft;
mod point_form;
mod points;
mod state;
mod team_link;

use leerkring_shared::ids::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::{wasm_split, SplitLoaderError};

use crate::api::{self, ApiFailure};
use crate::browser;
use crate::components::split_module::{show_module, ModuleLoad};
use crate::device::{self, Link};
use crate::i18n::use_language;
use crate::screens::loading::{InvalidLink, Loading, Waiting};
use cases::CasesSection;
use compass::CompassSection;
use delete_team::DeleteTeam;
use meetings::MeetingsSection;
use new_meeting::NewMeeting;
use pack::PackSection;
use points::PointsSection;
use state::{refusal_text, Said, Team};
use team_link::TeamLink;

/// Builds the team page: `(team id, token)`.
type TeamScreen = fn(String, String) -> AnyView;

#[wasm_split(team, wasm_split_path = ::leptos::wasm_split, fallible)]
fn team_screen() -> Result<TeamScreen, SplitLoaderError> {
    Ok(team_page)
}

fn team_page(team: String, token: String) -> AnyView {
    view! { <TeamScreen team=team token=token/> }.into_any()
}

/// The route's screen: loads the team page's module, then shows the page.
#[component]
pub fn TeamPage(team: String) -> impl IntoView {
    let Some(token) = device::link_token(Link::Team, &team) else {
        return view! { <InvalidLink/> }.into_any();
    };
    let load = RwSignal::new(ModuleLoad::NotYet);
    (move || {
        let (team, token) = (team.clone(), token.clone());
        show_module(
            load,
            team_screen,
            move |build| build(team, token),
            || view! { <Waiting/> }.into_any(),
            "card narrow",
        )
    })
    .into_any()
}

#[component]
fn TeamScreen(team: String, token: String) -> impl IntoView {
    let loading = RwSignal::new(Loading::Waiting);
    let state = Team {
        id: StoredValue::new(team.clone()),
        token: StoredValue::new(token.clone()),
        page: RwSignal::new(None),
        said: RwSignal::new(None),
        said_count: StoredValue::new(0),
        deleted: RwSignal::new(false),
    };
    spawn_local(async move {
        match api::team_view(&team, &token).await {
            Ok(view) => {
                browser::set_title(&format!("{} · Leerkring", view.name));
                state.page.set(Some(view));
                loading.set(Loading::Ready(()));
            }
            Err(ApiFailure::Refused {
                status: 401 | 403 | 404,
                ..
            }) => loading.set(Loading::Invalid),
            Err(ApiFailure::Refused { status: 410, .. }) => loading.set(Loading::Gone),
            Err(_) => loading.set(Loading::Unavailable),
        }
    });
    move || {
        let shown = if state.deleted.get() {
            Loading::Gone
        } else {
            loading.get()
        };
        shown.view(
            |texts| texts.team.unavailable,
            |texts| {
                (
                    texts.lifecycle.team_deleted_heading,
                    texts.lifecycle.team_deleted_text,
                )
            },
            move |()| view! { <TeamContent team=state/> }.into_any(),
        )
    }
}

#[component]
fn TeamContent(team: Team) -> impl IntoView {
    let language = use_language();
    let (name, leads) = team.page.with_untracked(|page| {
        page.as_ref().map_or((String::new(), false), |p| {
            (p.name.clone(), p.role == Role::Facilitator)
        })
    });
    let own_url =
        device::link_with_token(Link::Team, &team.id.get_value(), &team.token.get_value());
    let said = team.said;
    view! {
        <div class="team-page">
            <div class="board-heading">
                <h1 id="team-name-heading">{name}</h1>
                <span class="role-badge">
                    {move || {
                        if leads {
                            language.texts().role_facilitator
                        } else {
                            language.texts().team.role_member
                        }
                    }}
                </span>
            </div>
            {leads
                .then(|| {
                    view! {
                        <div class="team-tools">
                            <TeamLink team=team own_url=own_url.clone()/>
                            <NewMeeting team=team/>
                        </div>
                    }
                })}
            <CompassSection team=team/>
            <MeetingsSection team=team/>
            <CasesSection team=team/>
            <PointsSection team=team leads=leads/>
            <PackSection team=team leads=leads/>
            {leads.then(|| view! { <DeleteTeam team=team/> })}
            <div class="team-messages">
                <p role="status" class="saved">
                    {move || match said.get() {
                        Some(Said::Done(text)) => text(&language.texts().team),
                        _ => "",
                    }}
                </p>
                <p role="alert" class="refusal">
                    {move || match said.get() {
                        Some(Said::Refused(failure)) => refusal_text(&failure, language.0.get()),
                        _ => String::new(),
                    }}
                </p>
                <Show when=move || matches!(said.get(), Some(Said::Refused(_)))>
                    <button type="button" class="close-message" on:click=move |_| team.say(None)>
                        {move || language.texts().team.close_message}
                    </button>
                </Show>
            </div>
        </div>
    }
}
