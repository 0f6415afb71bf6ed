//! What the team page's parts share: the team and its token, the page as the server last
//! sent it, what the page last said about something the visitor did, and the commands
//! and downloads that change them.

use leerkring_shared::api::TeamView;
use leerkring_shared::development::PointSource;
use leerkring_shared::ids::BoardId;
use leerkring_shared::pack::{dutch_date, CaseLesson, Pack};
use leerkring_shared::team::TeamCommand;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiFailure};
use crate::browser;
use crate::i18n::{Lang, TeamTexts};

/// What the page last said about something the visitor did.
#[derive(Clone)]
pub(super) enum Said {
    Done(fn(&TeamTexts) -> &'static str),
    Refused(ApiFailure),
}

/// The refusal's reason in the page's language (Dutch when the server gave it).
pub(super) fn refusal_text(failure: &ApiFailure, lang: Lang) -> String {
    let texts = lang.texts();
    let reason = match failure {
        ApiFailure::Refused {
            reason, reason_nl, ..
        } => match (lang, reason_nl) {
            (Lang::Nl, Some(dutch)) => dutch.clone(),
            _ if reason.is_empty() => texts.team.unreachable.to_owned(),
            _ => reason.clone(),
        },
        ApiFailure::Unreachable => texts.team.unreachable.to_owned(),
    };
    format!("{} {reason}", texts.refused)
}

/// How long a "done" message stays in view (refusals stay until closed or the next action).
const DONE_SHOWN: std::time::Duration = std::time::Duration::from_secs(8);

/// The team, the visitor's token, the page as the server last sent it and what the page
/// last said (with a count of messages, so an old timer does not clear a newer one).
#[derive(Clone, Copy)]
pub(super) struct Team {
    pub(super) id: StoredValue<String>,
    pub(super) token: StoredValue<String>,
    pub(super) page: RwSignal<Option<TeamView>>,
    pub(super) said: RwSignal<Option<Said>>,
    pub(super) said_count: StoredValue<u64>,
    /// The team was deleted (from this page).
    pub(super) deleted: RwSignal<bool>,
}

impl Team {
    /// Shows `said` (after clearing, so the live region announces it again even when the
    /// text is the same); a "done" message goes away by itself after a while.
    pub(super) fn say(self, said: Option<Said>) {
        self.said.set(None);
        let done = matches!(said, Some(Said::Done(_)));
        self.said.set(said);
        self.said_count.update_value(|count| *count += 1);
        let count = self.said_count.get_value();
        if done {
            set_timeout(
                move || {
                    if self.said_count.try_get_value() == Some(count) {
                        self.said.set(None);
                    }
                },
                DONE_SHOWN,
            );
        }
    }

    /// Sends `command`; on success shows the new page, says `done` and runs `then`.
    pub(super) fn send(
        self,
        command: TeamCommand,
        done: fn(&TeamTexts) -> &'static str,
        then: impl FnOnce() + 'static,
    ) {
        self.say(None);
        let (id, token) = (self.id.get_value(), self.token.get_value());
        spawn_local(async move {
            match api::team_command(&id, &token, &command).await {
                Ok(view) => {
                    self.page.set(Some(view));
                    self.say(Some(Said::Done(done)));
                    then();
                }
                Err(failure) => self.say(Some(Said::Refused(failure))),
            }
        });
    }

    /// Downloads the approved pack in `format` and hands it to the browser as a file.
    pub(super) fn download(self, format: &'static str) {
        self.say(Some(Said::Done(|t| t.downloading)));
        let (id, token) = (self.id.get_value(), self.token.get_value());
        spawn_local(async move {
            let said = match api::team_export(&id, &token, format).await {
                Ok(file) => {
                    if browser::save_file(&file.filename, &file.content_type, &file.bytes) {
                        Said::Done(|t| t.downloaded)
                    } else {
                        Said::Done(|t| t.download_failed)
                    }
                }
                Err(failure) => Said::Refused(failure),
            };
            self.say(Some(said));
        });
    }

    /// Whether the pack is approved (and so can be downloaded).
    pub(super) fn approved(self) -> bool {
        self.page
            .with(|page| page.as_ref().is_some_and(|p| p.approval.is_some()))
    }

    /// The meeting a case lesson comes from, by its title and date.
    pub(super) fn meeting_of(self, lesson: &CaseLesson) -> Option<BoardId> {
        self.page.with_untracked(|page| {
            page.as_ref()?
                .meetings
                .iter()
                .find(|m| format!("{} ({})", m.title, dutch_date(&m.date)) == lesson.meeting)
                .map(|m| m.board_id.clone())
        })
    }

    /// Adds a development point with `text`, from `source`.
    pub(super) fn add_from(self, text: String, source: Option<PointSource>) {
        self.send(
            TeamCommand::AddPoint {
                text,
                criterion: String::new(),
                source,
            },
            |t| t.added,
            || (),
        );
    }
}

/// A part of the draft pack, as a memo: it only changes when that part changes, so
/// controls elsewhere keep their focus when the page comes back from the server.
pub(super) fn draft_part<T: Clone + PartialEq + Send + Sync + 'static>(
    team: Team,
    part: fn(&Pack) -> T,
) -> Memo<Option<T>> {
    Memo::new(move |_| team.page.with(|page| page.as_ref().map(|p| part(&p.draft))))
}
