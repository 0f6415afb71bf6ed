//! A team's routes: creating it, its page, its commands, starting a meeting of it,
//! deleting it (with all its meetings), replacing its team link, and the visitation
//! pack as a file.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use leerkring_shared::api::{
    ApprovalView, BoardCreated, CreateBoard, CreateTeam, TeamCreated, TeamMeeting, TeamView,
};
use leerkring_shared::ids::{is_token_shaped, Role, TeamId, BOARD_ID_BYTES, TOKEN_BYTES};
use leerkring_shared::refusal::Refusal as CommandRefusal;
use leerkring_shared::team::{self, Team, TeamCommand};
use serde::Deserialize;

use super::boards::{board_link, new_board};
use super::{base_url, bearer_token, random_id, unprocessable, AppState, Refusal};
use crate::clock;
use crate::export::{self, Format};
use crate::lifecycle;
use crate::storage::{StoredTeam, TeamMeta};
use crate::teams::pack_of;

pub(super) fn no_such_team() -> Refusal {
    Refusal::new(StatusCode::NOT_FOUND, "no such team")
}

/// The team page's link; the token goes in the fragment, which browsers never send.
fn team_link(base: &str, team: &TeamId, token: &str) -> String {
    format!("{base}/t/{team}#token={token}")
}

/// Looks up a team and the role a token grants on it: 404 for an unknown team, 410 for a
/// deleted one, 401 for a missing or wrong token.
async fn authorize_team(
    state: &AppState,
    team_id: &str,
    token: Option<&str>,
) -> Result<(StoredTeam, Role), Refusal> {
    let Some(stored) = state.teams.find(team_id).await? else {
        return Err(match state.teams.tombstone(team_id).await? {
            Some(_) => CommandRefusal::team_gone().into(),
            None => no_such_team(),
        });
    };
    let role = token
        .filter(|token| is_token_shaped(token))
        .and_then(|token| stored.meta.role_of(token))
        .ok_or_else(|| Refusal::new(StatusCode::UNAUTHORIZED, "missing or wrong token"))?;
    Ok((stored, role))
}

pub(super) async fn create_team(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<CreateTeam>, JsonRejection>,
) -> Result<(StatusCode, Json<TeamCreated>), Refusal> {
    let Json(request) =
        body.map_err(|rejection| Refusal::new(rejection.status(), rejection.body_text()))?;
    let name = team::clean_name(&request.name).map_err(unprocessable)?;
    let meta = TeamMeta {
        id: TeamId::parse(&random_id(BOARD_ID_BYTES))
            .map_err(|error| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?,
        name,
        created_at: clock::now_seconds(),
        facilitator_token: random_id(TOKEN_BYTES),
        member_token: random_id(TOKEN_BYTES),
    };
    state
        .store
        .create_team(&StoredTeam {
            meta: meta.clone(),
            revision: 0,
            team: Team::default(),
        })
        .await?;
    tracing::info!(team = %meta.id, "team created");
    let base = base_url(&state, &headers);
    Ok((
        StatusCode::CREATED,
        Json(TeamCreated {
            facilitator_url: team_link(&base, &meta.id, &meta.facilitator_token),
            member_url: team_link(&base, &meta.id, &meta.member_token),
            team_id: meta.id,
            facilitator_token: meta.facilitator_token,
            member_token: meta.member_token,
        }),
    ))
}

/// The team page as the holder of `role` sees it.
async fn team_view(
    state: &AppState,
    headers: &HeaderMap,
    stored: StoredTeam,
    role: Role,
) -> Result<TeamView, Refusal> {
    let meetings = state.teams.meetings(&stored).await?;
    let draft = pack_of(&stored, &meetings);
    let base = base_url(state, headers);
    let approval = stored.team.approval.as_ref().map(|approval| {
        let mut approved = approval.pack.clone();
        let approved_on = approved.approved_on.take().unwrap_or_default();
        ApprovalView {
            approved_on,
            up_to_date: approved == draft,
        }
    });
    Ok(TeamView {
        member_url: (role == Role::Facilitator)
            .then(|| team_link(&base, &stored.meta.id, &stored.meta.member_token)),
        meetings: meetings
            .iter()
            .map(|loaded| {
                let unreadable = loaded.content.is_none() && loaded.expired.is_none();
                // No link into a meeting that cannot be loaded.
                let url = loaded.meta.as_ref().filter(|_| !unreadable).map(|meta| {
                    board_link(
                        &base,
                        &meta.id,
                        match role {
                            Role::Facilitator => &meta.facilitator_token,
                            Role::Participant => &meta.participant_token,
                        },
                    )
                });
                TeamMeeting {
                    board_id: loaded.board.clone(),
                    title: loaded
                        .meta
                        .as_ref()
                        .map(|meta| meta.title.clone())
                        .or(loaded.expired.as_ref().map(|gone| gone.title.clone()))
                        .unwrap_or_default(),
                    date: loaded.date(),
                    url,
                    unreadable,
                    expired: loaded.expired.is_some(),
                    agenda: loaded
                        .expired
                        .as_ref()
                        .map(|gone| gone.agenda.clone())
                        .unwrap_or_default(),
                }
            })
            .collect(),
        team_id: stored.meta.id,
        name: stored.meta.name,
        role,
        points: stored.team.points,
        draft,
        approval,
    })
}

pub(super) async fn team_page(
    State(state): State<AppState>,
    Path(team_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<TeamView>, Refusal> {
    let (stored, role) = authorize_team(&state, &team_id, bearer_token(&headers)).await?;
    Ok(Json(team_view(&state, &headers, stored, role).await?))
}

pub(super) async fn run_team_command(
    State(state): State<AppState>,
    Path(team_id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<TeamCommand>, JsonRejection>,
) -> Result<Json<TeamView>, Refusal> {
    let (stored, role) = authorize_team(&state, &team_id, bearer_token(&headers)).await?;
    state
        .quotas
        .check_command(&format!("team {} {role:?}", stored.meta.id))?;
    let Json(command) =
        body.map_err(|rejection| Refusal::new(rejection.status(), rejection.body_text()))?;
    let changed = state.teams.run(&stored.meta.id, role, command).await?;
    Ok(Json(team_view(&state, &headers, changed, role).await?))
}

/// Starts a meeting of the team. Facilitator.
pub(super) async fn create_team_meeting(
    State(state): State<AppState>,
    Path(team_id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<CreateBoard>, JsonRejection>,
) -> Result<(StatusCode, Json<BoardCreated>), Refusal> {
    let (stored, role) = authorize_team(&state, &team_id, bearer_token(&headers)).await?;
    if role != Role::Facilitator {
        return Err(CommandRefusal::forbidden(
            "only the facilitator may start a meeting of the team",
            "Alleen de begeleider kan een bijeenkomst starten.",
        )
        .into());
    }
    let Json(request) =
        body.map_err(|rejection| Refusal::new(rejection.status(), rejection.body_text()))?;
    state.teams.check_room_for_meeting(&stored.team)?;
    let created = new_board(&state, &headers, &request, Some(stored.meta.id.clone())).await?;
    state
        .teams
        .add_meeting(&stored.meta.id, &created.board_id)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Deserialize)]
pub(super) struct ExportQuery {
    format: Option<String>,
}

/// The approved visitation pack as a file. Either team token.
pub(super) async fn export_pack(
    State(state): State<AppState>,
    Path(team_id): Path<String>,
    Query(query): Query<ExportQuery>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let (stored, _) = authorize_team(&state, &team_id, bearer_token(&headers)).await?;
    let format = query
        .format
        .as_deref()
        .and_then(Format::parse)
        .ok_or_else(|| {
            Refusal::new(
                StatusCode::BAD_REQUEST,
                "format must be one of pdf, docx, md, csv, json, zip",
            )
        })?;
    let approval = stored.team.approval.ok_or_else(|| {
        Refusal::Refused(
            StatusCode::CONFLICT,
            "the pack has not been approved yet".into(),
            Some("Het pakket is nog niet goedgekeurd door de begeleider.".into()),
        )
    })?;
    let rendered = tokio::task::spawn_blocking(move || export::render(&approval.pack, format))
        .await
        .map_err(|error| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?
        .map_err(|error| {
            tracing::error!(%error, "rendering the visitation pack failed");
            Refusal::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the pack could not be put into this format",
            )
        })?;
    let disposition = format!("attachment; filename=\"{}\"", rendered.file_name);
    Ok((
        [
            (header::CONTENT_TYPE, rendered.content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        rendered.bytes,
    )
        .into_response())
}

/// Deletes the team and every meeting of it, for good. The team's facilitator only.
pub(super) async fn delete_team(
    State(state): State<AppState>,
    Path(team_id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, Refusal> {
    let (stored, role) = authorize_team(&state, &team_id, bearer_token(&headers)).await?;
    if role != Role::Facilitator {
        return Err(CommandRefusal::forbidden(
            "only the team's facilitator may delete the team",
            "Alleen de begeleider van het team kan het team verwijderen.",
        )
        .into());
    }
    lifecycle::delete_team(&state.store, &state.rooms, &stored).await?;
    tracing::info!(team = %stored.meta.id, "team deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the team link: the old one stops working at once. The team's facilitator
/// only; answers with the team page (and its new link).
pub(super) async fn new_member_link(
    State(state): State<AppState>,
    Path(team_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<TeamView>, Refusal> {
    let (stored, role) = authorize_team(&state, &team_id, bearer_token(&headers)).await?;
    if role != Role::Facilitator {
        return Err(CommandRefusal::forbidden(
            "only the team's facilitator may replace the team link",
            "Alleen de begeleider van het team kan een nieuwe teamlink maken.",
        )
        .into());
    }
    let changed = state
        .teams
        .replace_member_token(&stored.meta.id, random_id(TOKEN_BYTES))
        .await?;
    tracing::info!(team = %stored.meta.id, "team link replaced");
    Ok(Json(team_view(&state, &headers, changed, role).await?))
}
