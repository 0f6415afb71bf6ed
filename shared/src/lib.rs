//! Leerkring's transport-free core, shared by the server and the browser client.
//!
//! - [`ids`]: board ids and access tokens, and how they are checked; member ids.
//! - [`refusal`]: the refusal of a command (status, English and Dutch reason) and the one check of typed texts.
//! - [`protocol`]: the y-websocket wire protocol (decoding client frames, encoding replies).
//! - [`api`]: the JSON bodies of the HTTP API.
//! - [`model`]: the layout of the board document and of presence states.
//! - [`document`]: reading and writing the board document's parts (virtue table, lists, cases).
//! - [`meeting`]: the facilitated meeting (agenda, timer, groups, votes, lock, roles), decided by the server.
//! - [`card_game`]: activity B's rules (one card each, top threes, adopting a virtue).
//! - [`case`]: the case consultation's contributors and follow-ups.
//! - [`team`]: a team (*leerkring*) across meetings: its rules for development points, pack approval.
//! - [`development`]: a team's development points (what they are, how they went).
//! - [`pack`]: the visitation pack, put together from a team's meetings.
//! - [`theme`]: a meeting's theme (the guide's four, or the team's own) and the cards it suggests.
//! - [`privacy`]: the privacy guard (personal data in case texts, and placeholders for it).
//! - [`deck`]: the virtue cards Leerkring ships (our own Dutch texts, with te weinig / te veel hints).

pub mod api;
pub mod card_game;
pub mod case;
pub mod deck;
pub mod development;
pub mod document;
pub mod ids;
pub mod meeting;
pub mod model;
pub mod pack;
pub mod privacy;
pub mod protocol;
pub mod refusal;
pub mod team;
pub mod theme;
