//! Small, safe wrappers around the browser APIs the client uses: local storage, the
//! address bar, random ids and the clipboard. Nothing here talks to the network.

use wasm_bindgen::JsCast;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn local_storage() -> Option<web_sys::Storage> {
    window()?.local_storage().ok().flatten()
}

/// Reads a value this device remembered.
pub fn load(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Remembers a value on this device; false if the browser refused (e.g. storage full).
pub fn save(key: &str, value: &str) -> bool {
    local_storage().is_some_and(|storage| storage.set_item(key, value).is_ok())
}

/// Forgets a value this device remembered.
pub fn remove(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

/// The keys this device remembered that start with `prefix`.
pub fn keys_with_prefix(prefix: &str) -> Vec<String> {
    let Some(storage) = local_storage() else {
        return Vec::new();
    };
    let count = storage.length().unwrap_or(0);
    (0..count)
        .filter_map(|index| storage.key(index).ok().flatten())
        .filter(|key| key.starts_with(prefix))
        .collect()
}

/// Moves keyboard focus to the element with `id` once it is on the page (after the
/// current render).
pub fn focus_soon(id: String) {
    leptos::prelude::request_animation_frame(move || {
        if let Some(element) = window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    });
}

/// The path part of the address, e.g. `/b/abc`.
pub fn path() -> String {
    window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// The `token` parameter of the address's fragment (`#token=...`).
pub fn fragment_token() -> Option<String> {
    let hash = window()?.location().hash().ok()?;
    hash.trim_start_matches('#')
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .filter(|token| !token.is_empty())
        .map(str::to_owned)
}

/// Takes the fragment (`#token=…`) out of the address bar and the history without
/// reloading, so the token is not on the screen (a projector), in a screenshot or in the
/// history; the page keeps it on the device (`device::link_token`).
pub fn drop_fragment() {
    let Some(window) = window() else { return };
    let location = window.location();
    let address = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address));
    }
}

/// Opens the page afresh when a new link to it is opened in the same tab: a link that
/// differs only in its fragment (a replaced `#token=…`) does not load the page again by
/// itself, so the app would go on with the token it read before.
pub fn reload_on_new_link() {
    on_window_event("hashchange", |_| {
        let Some(location) = window().map(|w| w.location()) else {
            return;
        };
        if location.hash().unwrap_or_default().contains("token=") {
            let _ = location.reload();
        }
    });
}

/// `http://` or `https://` plus the host this page came from.
pub fn origin() -> String {
    window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// `ws://` or `wss://` plus the host this page came from.
pub fn websocket_origin() -> String {
    let location = window().map(|w| w.location());
    let host = location
        .as_ref()
        .and_then(|l| l.host().ok())
        .unwrap_or_default();
    let secure = location
        .and_then(|l| l.protocol().ok())
        .is_some_and(|p| p == "https:");
    format!("{}://{host}", if secure { "wss" } else { "ws" })
}

/// Goes to another address of this app.
pub fn navigate(url: &str) {
    if let Some(window) = window() {
        let _ = window.location().set_href(url);
    }
}

/// Whether the browser believes it is online.
pub fn is_online() -> bool {
    window().is_none_or(|w| w.navigator().on_line())
}

/// `bytes` random bytes as lowercase hex, from the browser's cryptographic generator.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    if let Some(crypto) = window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut buffer);
    }
    buffer.iter().map(|b| format!("{b:02x}")).collect()
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Copies `text` to the clipboard; resolves to whether it worked.
pub async fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = window() else { return false };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// Hands `bytes` to the browser as a download named `filename`: a Blob, an object URL
/// and a temporary `<a download>` that is clicked and removed. False if the browser
/// refused.
pub fn save_file(filename: &str, content_type: &str, bytes: &[u8]) -> bool {
    let Some(document) = window().and_then(|w| w.document()) else {
        return false;
    };
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return false;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let link = document
        .create_element("a")
        .ok()
        .and_then(|element| element.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    let saved = match (link, document.body()) {
        (Some(link), Some(body)) => {
            link.set_href(&url);
            link.set_download(filename);
            let attached = body.append_child(&link).is_ok();
            link.click();
            if attached {
                link.remove();
            }
            true
        }
        _ => false,
    };
    // The click has handed the file over; the URL may go once the download started.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
    saved
}

/// Sets the page's language, for screen readers and hyphenation.
pub fn set_document_language(code: &str) {
    if let Some(root) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", code);
    }
}

/// Sets the page title.
pub fn set_title(title: &str) {
    if let Some(document) = window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}

/// Registers the service worker that keeps the app available offline.
pub fn register_service_worker() {
    if let Some(window) = window() {
        let container = window.navigator().service_worker();
        let _ = container.register("/sw.js");
    }
}

/// Adds an event listener for the page's lifetime.
pub fn on_window_event(event: &str, handler: impl FnMut(web_sys::Event) + 'static) {
    if let Some(window) = window() {
        let closure = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(handler);
        let _ = window.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        // The listener is meant to live as long as the page.
        closure.forget();
    }
}
