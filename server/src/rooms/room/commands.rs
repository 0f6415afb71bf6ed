//! A room's meeting commands: taking the latest meeting (another node may have changed
//! it), running the command through the board's rules, storing the result before anyone
//! sees it, and undoing it when it cannot be stored.

use leerkring_shared::meeting::{Caller, Command};
use leerkring_shared::refusal::Refusal;

use super::Room;
use crate::clock::now_ms;
use crate::rooms::Closing;
use crate::storage::StoreError;

impl Room {
    /// Runs a meeting command and, if it was accepted, stores the meeting and sends
    /// everyone their view. A command whose result cannot be stored is undone.
    pub(super) async fn run_command(
        &mut self,
        caller: &Caller,
        command: Command,
    ) -> Result<(), Refusal> {
        let latest = match self.log.begin_meeting_change().await {
            Ok(latest) => latest,
            Err(error) => {
                tracing::error!(board = %self.id, %error, "cannot start a meeting change");
                return Err(cannot_store());
            }
        };
        if let Some(meeting) = latest.and_then(|json| serde_json::from_slice(&json).ok()) {
            if *self.board.meeting() != meeting {
                self.board.restore_meeting(meeting);
            }
        }
        let result = self.change_meeting(caller, command).await;
        self.log.end_meeting_change().await;
        result
    }

    async fn change_meeting(&mut self, caller: &Caller, command: Command) -> Result<(), Refusal> {
        let before = self.board.meeting().clone();
        let removes = match &command {
            Command::RemoveMember { member } => Some(member.clone()),
            _ => None,
        };
        self.check_room_for_newcomer(caller, &command)?;
        self.board
            .run_command(caller, command, now_ms(), rand::random())?;
        match self.log.save_meeting(self.board.meeting_json()).await {
            Ok(()) => {}
            Err(StoreError::Deleted) => {
                self.end_deleted();
                return Err(Refusal::gone());
            }
            Err(error) => {
                tracing::error!(board = %self.id, %error, "could not store the meeting; command undone");
                self.board.restore_meeting(before);
                return Err(cannot_store());
            }
        }
        if let Some(member) = removes {
            for connection in self.board.connections_of(&member) {
                self.close(connection, Closing::Removed);
            }
        }
        self.send_meeting_views();
        Ok(())
    }

    /// Refuses a newcomer's introduction once the meeting has `--max-members-per-board`
    /// people: each one stays in the stored meeting, so their number must stay bounded.
    fn check_room_for_newcomer(&self, caller: &Caller, command: &Command) -> Result<(), Refusal> {
        let (Command::Hello { .. }, Some(member)) = (command, caller.member.as_deref()) else {
            return Ok(());
        };
        let members = &self.board.meeting().members;
        let max = self.shared.settings.max_members_per_board;
        if members.contains_key(member) || members.len() < max {
            return Ok(());
        }
        Err(Refusal::conflict(
            format!("the meeting is full: at most {max} people can take part"),
            format!("De bijeenkomst zit vol: er kunnen hoogstens {max} mensen meedoen."),
        ))
    }
}

/// The refusal of a meeting change that could not be stored.
fn cannot_store() -> Refusal {
    Refusal {
        status: 503,
        reason: "could not store the change; try again".into(),
        reason_nl: Some("De wijziging kon niet worden bewaard; probeer het opnieuw.".into()),
    }
}
