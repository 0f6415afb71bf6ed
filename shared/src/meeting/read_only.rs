//! The parts of the board's document someone may not change now, and why: the server's
//! write filter refuses their edits (see `server/src/board.rs`).

use super::members::Caller;
use super::Meeting;
use crate::model::{case_part, case_root, RootKind, LOCKABLE};
use crate::refusal::Refusal;

/// A part of the document someone may not change now, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadOnlyRoot {
    pub name: String,
    pub kind: RootKind,
    pub why: ReadOnlyBecause,
}

/// Why a part of the document is read-only for someone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadOnlyBecause {
    /// The facilitator locked the table.
    TableLocked,
    /// Only the contributor (and the facilitator) write a case's intake.
    CaseIntake,
}

impl ReadOnlyBecause {
    /// The refusal for an edit of such a part.
    pub fn refusal(self) -> Refusal {
        match self {
            ReadOnlyBecause::TableLocked => Refusal::forbidden(
                "the table is locked by the facilitator; your edit was not saved",
                "De begeleider heeft de tabel vergrendeld; je wijziging is niet bewaard.",
            ),
            ReadOnlyBecause::CaseIntake => Refusal::forbidden(
                "only the contributor writes the case's intake; your edit was not saved",
                "Alleen de inbrenger schrijft de inbreng van de casus; je wijziging is niet bewaard.",
            ),
        }
    }
}

impl Meeting {
    /// The parts of the document `caller` may not change now: the table and flip-over
    /// while the facilitator has locked them, and the intake of every case the caller did
    /// not bring. Empty for whoever leads.
    pub fn read_only_roots(&self, caller: &Caller) -> Vec<ReadOnlyRoot> {
        if self.is_facilitator(caller) {
            return Vec::new();
        }
        let mut roots = Vec::new();
        if self.table_locked {
            roots.extend(LOCKABLE.iter().map(|(name, kind)| ReadOnlyRoot {
                name: (*name).to_owned(),
                kind: *kind,
                why: ReadOnlyBecause::TableLocked,
            }));
        }
        for case in self.cases.values() {
            if caller.member.as_ref() == Some(&case.contributor) {
                continue;
            }
            roots.extend(case_part::INTAKE.iter().map(|(part, kind)| ReadOnlyRoot {
                name: case_root(&case.id, part),
                kind: *kind,
                why: ReadOnlyBecause::CaseIntake,
            }));
        }
        roots
    }
}
