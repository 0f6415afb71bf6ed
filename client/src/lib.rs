//! Leerkring's browser client: Leptos components compiled to WebAssembly.
//!
//! - [`app`]: the frame (language, header) and routing by address.
//! - [`screens`]: one module per screen (start, join, board, team).
//! - [`components`]: parts of screens (invitation, presence, connection state, flip-over).
//! - [`sync`]: the y-websocket client, presence and the on-device copy of each board.
//! - [`text_binding`]: shared text fields that several people type in at once.
//! - [`i18n`]: every interface text, in Dutch and English.
//! - [`api`], [`browser`]: the HTTP API and browser APIs.

pub mod activities;
pub mod api;
pub mod app;
pub mod browser;
pub mod components;
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
