//! Leerkring's transport-free core, shared by the server and the browser client.
//!
//! - [`ids`]: board ids and access tokens, and how they are checked.
//! - [`protocol`]: the y-websocket wire protocol (decoding client frames, encoding replies).
//! - [`api`]: the JSON bodies of the HTTP API.
//! - [`model`]: the layout of the board document and of presence states.
//! - [`meeting`]: the facilitated meeting (agenda, timer, groups, votes, lock, roles), decided by the server.
//! - [`card_game`]: activity B's rules (one card each, top threes, adopting a virtue).
//! - [`case`]: the case consultation's contributors and follow-ups.
//! - [`team`]: a team (*leerkring*) across meetings: development points, pack approval.
//! - [`pack`]: the visitation pack, put together from a team's meetings.
//! - [`privacy`]: the privacy guard (personal data in case texts, and placeholders for it).
//! - [`deck`]: the virtue cards Leerkring ships (our own Dutch texts, with te weinig / te veel hints).

pub mod api;
pub mod card_game;
pub mod case;
pub mod deck;
pub mod ids;
pub mod meeting;
pub mod model;
pub mod pack;
pub mod privacy;
pub mod protocol;
pub mod team;
