//! The privacy guard under every shared text field (`shared::privacy`): while people
//! type, it points out text that looks like a client's personal data, and offers with one
//! click to put a placeholder in its place, or to mark it as not personal data (which the
//! whole team then sees, and which lets the text into exports).

use leerkring_shared::model::PRIVACY_CLEARED;
use leerkring_shared::privacy::{scan, uncleared, Kind};
use leptos::prelude::*;
use yrs::{Any, Doc, GetString, Map, Text, TextRef, Transact};

use crate::i18n::{use_language, Lang};
use crate::sync::Provider;
use crate::text_binding::watch_text;

/// `id` is the guard's HTML id (a field points to it with `aria-describedby`); where the
/// field is `readonly` it only warns.
#[component]
pub fn PrivacyGuard(
    provider: Provider,
    text: TextRef,
    id: String,
    #[prop(into)] readonly: Signal<bool>,
) -> impl IntoView {
    let language = use_language();
    let content = watch_text(provider.doc(), &text, format!("guard-{id}"));
    let cleared = provider.cleared_texts();
    let findings = Memo::new(move |_| {
        content.with(|content| {
            cleared.with(|cleared| {
                uncleared(content, |flagged| cleared.iter().any(|c| c == flagged))
                    .into_iter()
                    .map(|finding| (finding.kind, content[finding.range].to_owned()))
                    .collect::<Vec<_>>()
            })
        })
    });
    let actions = StoredValue::new((provider, text));
    view! {
        <div class="privacy-guard" id=id role="status">
            {move || {
                let found = findings.get();
                let texts = language.texts();
                let lang = language.0.get();
                (!found.is_empty()).then(|| view! {
                    <p class="privacy-warning">{texts.privacy_warning}</p>
                    <ul>
                        {found.into_iter().map(|(kind, flagged)| {
                            let what = described(lang, kind);
                            let replace_label = (texts.privacy_replace)(&flagged, kind.placeholder());
                            let clear_label = (texts.privacy_clear)(&flagged);
                            let to_replace = flagged.clone();
                            let to_clear = flagged.clone();
                            view! {
                                <li>
                                    <span>{(texts.privacy_looks_like)(&flagged, what)}</span>
                                    <Show when=move || !readonly.get()>
                                        <button type="button" class="small" aria-label=replace_label.clone()
                                            on:click={
                                                let flagged = to_replace.clone();
                                                move |_| actions.with_value(|(provider, text)| replace(provider.doc(), text, &flagged, kind))
                                            }>
                                            {(texts.privacy_replace_short)(kind.placeholder())}
                                        </button>
                                    </Show>
                                    <button type="button" class="small" aria-label=clear_label
                                        on:click=move |_| actions.with_value(|(provider, _)| clear(provider, &to_clear))>
                                        {texts.privacy_clear_short}
                                    </button>
                                </li>
                            }
                        }).collect::<Vec<_>>()}
                    </ul>
                })
            }}
        </div>
    }
}

fn described(lang: Lang, kind: Kind) -> &'static str {
    let (en, nl) = kind.described();
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
}

/// Puts `kind`'s placeholder where `flagged` stands in `text` now (it may have moved
/// while others typed).
fn replace(doc: &Doc, text: &TextRef, flagged: &str, kind: Kind) {
    let mut txn = doc.transact_mut();
    let current = text.get_string(&txn);
    let Some(found) = scan(&current)
        .into_iter()
        .find(|f| f.kind == kind && current[f.range.clone()] == *flagged)
    else {
        return;
    };
    // The document counts UTF-16 units, like the browser's text fields.
    let start = current[..found.range.start].encode_utf16().count() as u32;
    let length = flagged.encode_utf16().count() as u32;
    text.remove_range(&mut txn, start, length);
    text.insert(&mut txn, start, kind.placeholder());
}

/// Marks `flagged` as not personal data, for the whole board, with who said so.
fn clear(provider: &Provider, flagged: &str) {
    let doc = provider.doc();
    let cleared = doc.get_or_insert_map(PRIVACY_CLEARED);
    let mut txn = doc.transact_mut();
    cleared.insert(&mut txn, flagged, Any::from(provider.name()));
}
