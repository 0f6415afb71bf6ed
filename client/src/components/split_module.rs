//! A part of the app compiled into a WebAssembly module of its own (`#[wasm_split]`, see
//! `activities/mod.rs`): fetched the first time it is needed. While it loads, a word; if
//! the fetch fails (offline before the module was ever cached), why, with a retry. The
//! activities' screens and the team page load this way.

use std::future::Future;

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use crate::i18n::use_language;

/// Where loading a split module stands; `T` is what the module hands back (a function
/// that builds its screens).
#[derive(Clone, Copy, Default)]
pub enum ModuleLoad<T> {
    #[default]
    NotYet,
    Loading,
    Ready(T),
    Failed,
}

/// Shows the module behind `load`: `ready(module)` once it is there, `waiting()` while it
/// loads (starting `fetch` if nobody has yet), and on failure a message with a retry, in
/// a card with `failed_class`. Call it inside a reactive closure: it reads `load`.
pub fn show_module<T, F>(
    load: RwSignal<ModuleLoad<T>>,
    fetch: impl FnOnce() -> F,
    ready: impl FnOnce(T) -> AnyView,
    waiting: impl FnOnce() -> AnyView,
    failed_class: &'static str,
) -> AnyView
where
    T: Copy + Send + Sync + 'static,
    F: Future<Output = Result<T, SplitLoaderError>> + 'static,
{
    let language = use_language();
    match load.get() {
        ModuleLoad::Ready(module) => ready(module),
        ModuleLoad::Failed => view! {
            <div class=failed_class role="alert">
                <p>{move || language.texts().module_failed}</p>
                <button type="button" on:click=move |_| load.set(ModuleLoad::NotYet)>
                    {move || language.texts().retry}
                </button>
            </div>
        }
        .into_any(),
        ModuleLoad::NotYet | ModuleLoad::Loading => {
            if matches!(load.get_untracked(), ModuleLoad::NotYet) {
                load.set(ModuleLoad::Loading);
                let loading = fetch();
                leptos::task::spawn_local(async move {
                    load.set(loading.await.map_or(ModuleLoad::Failed, ModuleLoad::Ready));
                });
            }
            waiting()
        }
    }
}
