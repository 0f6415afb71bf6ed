//! Leerkring's browser client: Leptos components compiled to WebAssembly.
//!
//! Layers, each using only those below it:
//!
//! - [`app`]: the frame (language, header) and routing by address.
//! - [`screens`]: one module per screen (start, join, board, team).
//! - [`activities`]: the workspace of each step of the method.
//! - [`components`]: parts of screens and workspaces (agenda, timer, groups, vote,
//!   tables, notes, flip-over, invitation, presence, connection state).
//! - [`doc_list`] and [`text_binding`]: lists and text fields in the board's document;
//!   [`sync`]: the y-websocket client, presence and the on-device copy of each board;
//!   [`device`]: what this device remembers (name, ids, the tokens of links opened).
//! - [`i18n`] and [`steps`]: every interface text, in Dutch and English; [`api`] and
//!   [`browser`]: the HTTP API and browser APIs.

pub mod activities;
pub mod api;
pub mod app;
pub mod browser;
pub mod components;
pub mod device;
pub mod doc_list;
pub mod i18n;
pub mod screens;
pub mod steps;
pub mod sync;
pub mod text_binding;

use wasm_bindgen::prelude::wasm_bindgen;

/// Entry point, called by the page once the WebAssembly module has loaded.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    browser::register_service_worker();
    leptos::mount::mount_to_body(app::App);
}
