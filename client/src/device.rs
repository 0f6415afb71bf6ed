//! What this device remembers about its person and the links they opened, in the
//! browser's local storage: the language, the display name, the participant id and the
//! member key, each board's and team's token (taken from the `#token=…` of its link) and
//! what the server last said about each board, and when each board was last opened here.
//! The board's document and meeting copies are the sync layer's (`sync/`).

use leerkring_shared::api::BoardInfo;

use crate::browser;
use crate::i18n::Lang;

const LANGUAGE_KEY: &str = "leerkring.lang";
const NAME_KEY: &str = "leerkring.name";
const PARTICIPANT_KEY: &str = "leerkring.participant";
const MEMBER_KEY: &str = "leerkring.member_key";
/// Prefix of the keys that hold each board's [`BoardInfo`].
const BOARD_INFO_PREFIX: &str = "leerkring.info.";
/// Prefix of the keys that hold when each board was last opened here (ms since the epoch).
const OPENED_PREFIX: &str = "leerkring.opened.";
/// What a device keeps of a board it has not opened for this long is removed
/// (`sync::forget_stale_boards`): 30 days.
pub const KEEP_UNOPENED_MS: f64 = 30.0 * 24.0 * 60.0 * 60.0 * 1000.0;

/// The language this device last showed, if any.
pub fn remembered_language() -> Option<Lang> {
    browser::load(LANGUAGE_KEY)
        .as_deref()
        .and_then(Lang::from_code)
}

/// Remembers the language shown, for the next visit.
pub fn remember_language(lang: Lang) {
    browser::save(LANGUAGE_KEY, lang.code());
}

/// The name this device remembered, if any.
pub fn remembered_name() -> Option<String> {
    browser::load(NAME_KEY).filter(|name| !name.trim().is_empty())
}

/// Remembers the display name the person chose.
pub fn remember_name(name: &str) {
    browser::save(NAME_KEY, name);
}

fn remembered_random(key: &str) -> String {
    browser::load(key).unwrap_or_else(|| {
        let id = browser::random_hex(16);
        browser::save(key, &id);
        id
    })
}

/// This device's public participant id (in presence, for colour and de-duplication),
/// created on first use.
pub fn participant_id() -> String {
    remembered_random(PARTICIPANT_KEY)
}

/// This device's secret member key: proves to the server who this person is (for votes
/// and roles). Never shown to others; the server only publishes a digest of it.
pub fn member_key() -> String {
    remembered_random(MEMBER_KEY)
}

/// What a link with a token opens. Each kind keeps its tokens under keys of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// `/b/{board}#token=…`
    Board,
    /// `/t/{team}#token=…`
    Team,
}

impl Link {
    fn token_key(self, id: &str) -> String {
        match self {
            Link::Board => format!("leerkring.token.{id}"),
            Link::Team => format!("leerkring.team-token.{id}"),
        }
    }
}

/// The token from the link's `#token=…`, remembered so that the page also opens from a
/// bookmark or a reload, and then taken out of the address bar; without one in the link,
/// the token this device remembered for `id`.
pub fn link_token(link: Link, id: &str) -> Option<String> {
    let key = link.token_key(id);
    match browser::fragment_token() {
        Some(token) => {
            browser::save(&key, &token);
            browser::drop_fragment();
            Some(token)
        }
        None => browser::load(&key),
    }
}

/// The full link to `id` with `token`, as the server hands it out (`/b/{id}#token=…`,
/// `/t/{id}#token=…`), for someone who asks to see their own link.
pub fn link_with_token(link: Link, id: &str, token: &str) -> String {
    let path = match link {
        Link::Board => "b",
        Link::Team => "t",
    };
    format!("{}/{path}/{id}#token={token}", browser::origin())
}

/// Whether this device holds a token for `id` (its page opens without the link).
pub fn knows(link: Link, id: &str) -> bool {
    browser::load(&link.token_key(id)).is_some()
}

/// Notes that `board` was opened on this device now.
pub fn remember_opened(board: &str) {
    browser::save(
        &format!("{OPENED_PREFIX}{board}"),
        &browser::now_ms().to_string(),
    );
}

/// The boards this device knows but has not opened within `within_ms`. A board known
/// from before the opening was noted (an older version) counts as opened now.
pub fn boards_not_opened_within(within_ms: f64) -> Vec<String> {
    let now = browser::now_ms();
    let token_prefix = Link::Board.token_key("");
    let known = browser::keys_with_prefix(BOARD_INFO_PREFIX)
        .into_iter()
        .chain(browser::keys_with_prefix(&token_prefix))
        .filter_map(|key| {
            let board = key
                .strip_prefix(BOARD_INFO_PREFIX)
                .or(key.strip_prefix(token_prefix.as_str()))?;
            Some(board.to_owned())
        });
    let mut stale = Vec::new();
    for board in known {
        match browser::load(&format!("{OPENED_PREFIX}{board}"))
            .and_then(|ms| ms.parse::<f64>().ok())
        {
            Some(opened) if now - opened > within_ms => stale.push(board),
            Some(_) => {}
            None => remember_opened(&board),
        }
    }
    stale.sort();
    stale.dedup();
    stale
}

/// Forgets what this device knows of `board` itself: its token, its info and when it
/// was opened (the document and meeting copies are the sync layer's: `sync::forget_board`).
pub fn forget_board(board: &str) {
    browser::remove(&Link::Board.token_key(board));
    browser::remove(&format!("{BOARD_INFO_PREFIX}{board}"));
    browser::remove(&format!("{OPENED_PREFIX}{board}"));
}

/// Remembers what the server said about `board`, so that it also opens offline.
pub fn remember_board_info(board: &str, info: &BoardInfo) {
    if let Ok(json) = serde_json::to_string(info) {
        browser::save(&format!("{BOARD_INFO_PREFIX}{board}"), &json);
    }
}

/// What the server last said about `board`, if this device opened it before.
pub fn remembered_board_info(board: &str) -> Option<BoardInfo> {
    browser::load(&format!("{BOARD_INFO_PREFIX}{board}"))
        .and_then(|json| serde_json::from_str(&json).ok())
}

/// The boards this device has opened before, other than `except`: id, title and token,
/// by title.
pub fn remembered_boards(except: &str) -> Vec<(String, String, String)> {
    let mut boards: Vec<(String, String, String)> = browser::keys_with_prefix(BOARD_INFO_PREFIX)
        .into_iter()
        .filter_map(|key| {
            let board = key.strip_prefix(BOARD_INFO_PREFIX)?.to_owned();
            let info: BoardInfo = serde_json::from_str(&browser::load(&key)?).ok()?;
            let token = browser::load(&Link::Board.token_key(&board))?;
            (board != except).then_some((board, info.title, token))
        })
        .collect();
    boards.sort_by(|a, b| a.1.cmp(&b.1));
    boards
}
