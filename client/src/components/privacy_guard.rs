//! The privacy guard under every shared text field (`shared::privacy`): while people
//! type, it points out text that looks like a client's personal data, and offers with one
//! click to put a placeholder in its place, or to mark it as not personal data (which the
//! whole team then sees, and which lets the text into exports). [`ValuePrivacyGuard`] gives
//! the same warning under a plain input: a team's name, a meeting's title.

use leerkring_shared::meeting::Command;
use leerkring_shared::privacy::{scan, uncleared, Kind};
use leptos::prelude::*;
use yrs::{Doc, GetString, Text, TextRef, Transact};

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
    let meeting = provider.meeting();
    let findings = Memo::new(move |_| {
        content.with(|content| {
            meeting.with(|meeting| {
                let cleared = meeting.as_ref().map_or(&[][..], |m| m.cleared.as_slice());
                uncleared(content, |flagged| cleared.iter().any(|c| c == flagged))
                    .into_iter()
                    .map(|finding| (finding.kind, content[finding.range].to_owned()))
                    .collect::<Vec<_>>()
            })
        })
    });
    let actions = StoredValue::new((provider, text));
    let buttons = move |kind: Kind, flagged: String| {
        let texts = language.texts();
        let replace_label = (texts.privacy_replace)(&flagged, kind.placeholder());
        let clear_label = (texts.privacy_clear)(&flagged);
        let to_replace = flagged.clone();
        view! {
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
                on:click=move |_| actions.with_value(|(provider, _)| clear(provider, &flagged))>
                {texts.privacy_clear_short}
            </button>
        }
        .into_any()
    };
    warnings(id, findings, buttons)
}

/// The same warning under a plain input (a team's name, a meeting's title: `NameForm`),
/// which is no shared text: it offers the placeholder, and there is no board to record a
/// "not personal data" on.
#[component]
pub fn ValuePrivacyGuard(value: RwSignal<String>, id: String) -> impl IntoView {
    let language = use_language();
    let findings = Memo::new(move |_| {
        value.with(|content| {
            scan(content)
                .into_iter()
                .map(|finding| (finding.kind, content[finding.range].to_owned()))
                .collect::<Vec<_>>()
        })
    });
    let buttons = move |kind: Kind, flagged: String| {
        let texts = language.texts();
        let replace_label = (texts.privacy_replace)(&flagged, kind.placeholder());
        view! {
            <button type="button" class="small" aria-label=replace_label
                on:click=move |_| value.update(|current| replace_in(current, &flagged, kind))>
                {(texts.privacy_replace_short)(kind.placeholder())}
            </button>
        }
        .into_any()
    };
    warnings(id, findings, buttons)
}

/// The guard's markup: the warning, then one line per finding with `buttons(kind,
/// flagged)` after what it looks like.
fn warnings(
    id: String,
    findings: Memo<Vec<(Kind, String)>>,
    buttons: impl Fn(Kind, String) -> AnyView + Send + Sync + 'static,
) -> impl IntoView {
    let language = use_language();
    view! {
        <div class="privacy-guard" id=id role="status">
            {move || {
                let found = findings.get();
                let texts = language.texts();
                let lang = language.0.get();
                (!found.is_empty()).then(|| view! {
                    <p class="privacy-warning">{texts.privacy_warning}</p>
                    <ul>
                        {found.into_iter().map(|(kind, flagged)| view! {
                            <li>
                                <span>{(texts.privacy_looks_like)(&flagged, described(lang, kind))}</span>
                                {buttons(kind, flagged)}
                            </li>
                        }).collect::<Vec<_>>()}
                    </ul>
                })
            }}
        </div>
    }
}

/// Puts `kind`'s placeholder where `flagged` stands in `current` now.
fn replace_in(current: &mut String, flagged: &str, kind: Kind) {
    if let Some(found) = scan(current)
        .into_iter()
        .find(|f| f.kind == kind && current[f.range.clone()] == *flagged)
    {
        current.replace_range(found.range, kind.placeholder());
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

/// Asks the server to record that `flagged` is not personal data, for the whole board,
/// with who said so (the export trusts only the server's record).
fn clear(provider: &Provider, flagged: &str) {
    provider.command(Command::ClearFlag {
        text: flagged.to_owned(),
    });
}
