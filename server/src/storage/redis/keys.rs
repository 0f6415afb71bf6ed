//! The Redis key layout of boards and teams (listed in the parent module's docs), the
//! fields of a board's stream entries, and the Lua scripts that change them atomically.

use leerkring_shared::ids::{BoardId, TeamId};
use redis::streams::StreamRangeReply;

/// The Redis keys of one board.
#[derive(Clone)]
pub(crate) struct Keys {
    pub meta: String,
    pub stream: String,
    pub snapshot: String,
    pub meeting: String,
    pub lease: String,
    /// Held while a node runs a meeting command.
    pub command_lock: String,
    /// The tombstone of a deleted board (JSON); the only key left of it.
    pub tombstone: String,
}

impl Keys {
    pub(crate) fn of(board: &BoardId) -> Self {
        let prefix = format!("leerkring:board:{board}");
        Self {
            meta: format!("{prefix}:meta"),
            stream: format!("{prefix}:stream"),
            snapshot: format!("{prefix}:snapshot"),
            meeting: format!("{prefix}:meeting"),
            lease: format!("{prefix}:lease"),
            command_lock: format!("{prefix}:command"),
            tombstone: format!("{prefix}:deleted"),
        }
    }

    /// Every key of the board but its tombstone.
    pub(crate) fn content(&self) -> [&str; 6] {
        [
            &self.meta,
            &self.stream,
            &self.snapshot,
            &self.meeting,
            &self.lease,
            &self.command_lock,
        ]
    }
}

/// Stream entry fields.
pub(crate) const NODE: &str = "node";
pub(crate) const KIND: &str = "kind";
pub(crate) const DATA: &str = "data";
pub(crate) const KIND_UPDATE: &str = "update";
pub(crate) const KIND_MEETING: &str = "meeting";
/// The board's links were replaced: connections that used the old ones close.
pub(crate) const KIND_LINKS: &str = "links";

/// The key of a team.
pub(super) fn team_key(id: &TeamId) -> String {
    format!("leerkring:team:{id}")
}

/// The key of a deleted team's tombstone.
pub(super) fn team_tombstone_key(id: &TeamId) -> String {
    format!("leerkring:team:{id}:deleted")
}

/// Adds updates to a board's stream (KEYS[1]) as one atomic step, unless the board was
/// deleted (its tombstone KEYS[2] exists): 0 then, 1 when added. ARGV[1] is the node,
/// the rest the updates.
pub(super) const APPEND_SCRIPT: &str = r"
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
for i = 2, #ARGV do
  redis.call('XADD', KEYS[1], '*', 'node', ARGV[1], 'kind', 'update', 'data', ARGV[i])
end
return 1
";

/// Stores the meeting (KEYS[1]) and adds it to the stream (KEYS[2]) unless the board was
/// deleted (KEYS[3]): 0 then, 1 when stored. ARGV: node, meeting.
pub(super) const SAVE_MEETING_SCRIPT: &str = r"
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('XADD', KEYS[2], '*', 'node', ARGV[1], 'kind', 'meeting', 'data', ARGV[2])
return 1
";

/// Replaces a board's metadata (KEYS[1]) only if it is there, and tells the other nodes
/// on the stream (KEYS[2]): 0 if there is no such board, 1 when replaced. ARGV: node, meta.
pub(super) const REPLACE_META_SCRIPT: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('XADD', KEYS[2], '*', 'node', ARGV[1], 'kind', 'links', 'data', '')
return 1
";

/// Writes the new snapshot and trims the stream only if nobody compacted since this node
/// read the old one (a compare-and-set, atomic in Redis), and never for a deleted board
/// (KEYS[3], its tombstone).
pub(super) const COMPACT_SCRIPT: &str = r"
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local current = redis.call('HGET', KEYS[1], 'upto') or ''
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'upto', ARGV[3])
redis.call('XTRIM', KEYS[2], 'MINID', ARGV[3])
return 1
";

/// Replaces a team only if the stored revision is the one before the new one: -1 if
/// there is no such team, 0 if someone changed it meanwhile, 1 when replaced.
pub(super) const REPLACE_TEAM_SCRIPT: &str = r"
local current = redis.call('GET', KEYS[1])
if not current then return -1 end
if cjson.decode(current).revision + 1 ~= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
";

/// Reads the entries of a stream range reply as (kind, data) pairs.
pub(crate) fn entries(reply: &StreamRangeReply) -> Vec<(String, String, Vec<u8>)> {
    reply
        .ids
        .iter()
        .filter_map(|entry| {
            let node: String = entry.get(NODE)?;
            let kind: String = entry.get(KIND)?;
            let data: Vec<u8> = entry.get(DATA)?;
            Some((node, kind, data))
        })
        .collect()
}
