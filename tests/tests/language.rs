//! One voice (issue #18): every Dutch text addresses the person as *je*, never as *u*.
//! The texts are read from the sources themselves (every string literal, including those
//! inside macros such as `format!`), so a text added anywhere, the interface's catalogue,
//! the step instructions, the deck or a refusal from the server, is checked too.

use std::str::FromStr;

use leerkring_tests::{rust_files, workspace_root};
use proc_macro2::{TokenStream, TokenTree};

/// The formal pronoun, as a word of its own (`u`, `uw`, `uzelf`, capitalised or not).
/// A backslash belongs to the word, so an escape written out (`\u003c`) is not one.
fn formal_pronoun(text: &str) -> Option<&str> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\\')
        .find(|word| matches!(*word, "u" | "U" | "uw" | "Uw" | "uzelf" | "Uzelf"))
}

/// The value of every string literal in `tokens`, with its line.
fn literals(tokens: TokenStream, found: &mut Vec<(usize, String)>) {
    for token in tokens {
        match token {
            // Doc comments (`#[doc = "…"]`) are English for developers.
            TokenTree::Group(group) if is_doc(&group.stream()) => {}
            TokenTree::Group(group) => literals(group.stream(), found),
            TokenTree::Literal(literal) => {
                let line = literal.span().start().line;
                if let Ok(text) = syn::parse_str::<syn::LitStr>(&literal.to_string()) {
                    found.push((line, text.value()));
                }
            }
            _ => {}
        }
    }
}

fn is_doc(attribute: &TokenStream) -> bool {
    matches!(attribute.clone().into_iter().next(), Some(TokenTree::Ident(name)) if name == "doc")
}

/// `(file:line, text)` of every sentence in the sources that uses the formal pronoun.
fn formal_texts() -> Vec<(String, String)> {
    let root = workspace_root();
    let mut files = Vec::new();
    for dir in ["client/src", "shared/src", "server/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    // The privacy guard's word lists and test prose are what people type, not what
    // Leerkring says to them ("u" is listed there as a word that is not a name).
    files.retain(|file| !file.starts_with(root.join("shared/src/privacy")));
    let mut formal = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("read source");
        let tokens = TokenStream::from_str(&source).expect("the source tokenizes");
        let mut found = Vec::new();
        literals(tokens, &mut found);
        for (line, text) in found {
            // Not a bare word such as an XML tag's name (`"u"`, underlined, in Word).
            let bare_word = text.chars().all(|c| c.is_ascii_alphabetic());
            if !bare_word && formal_pronoun(&text).is_some() {
                let place = file.strip_prefix(&root).unwrap_or(&file).display();
                formal.push((format!("{place}:{line}"), text));
            }
        }
    }
    formal
}

#[test]
fn every_dutch_text_says_je_not_u() {
    let formal = formal_texts();
    assert!(
        formal.is_empty(),
        "texts that address the person as u:\n{}",
        formal
            .iter()
            .map(|(place, text)| format!("{place}: {text}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_check_finds_the_formal_pronoun_as_a_word_only() {
    assert_eq!(formal_pronoun("Wat wilt u leren?"), Some("u"));
    assert_eq!(formal_pronoun("Uw naam"), Some("Uw"));
    assert_eq!(formal_pronoun("(u)"), Some("u"));
    assert_eq!(formal_pronoun("Wat wil je leren? Vul je naam in."), None);
    assert_eq!(formal_pronoun("uur, uit, nu, menu"), None);
    assert_eq!(formal_pronoun("\nU hebt"), Some("U"));
    assert_eq!(formal_pronoun("mevrouw\u{a0}Jansen, \\u003c"), None);
}
