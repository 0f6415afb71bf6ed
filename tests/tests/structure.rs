//! The code's structure, checked (issue #16): within `shared/` and `client/` no module
//! imports a sibling that imports it back (directly or round a circle); the client's
//! layers point only down (screens → activities → components → document, sync, device
//! and the other helpers); and no source file is longer than a reader can hold, outside
//! tests and the text catalogues.
//!
//! Imports are read from the source text: every `crate::…` and `super::…` path, in `use`
//! items and inline, including grouped `use crate::{a, b::c}`. Each file is a module
//! (`mod.rs` stands for its folder), and an edge is counted between the two sibling
//! modules whose subtrees hold the importing and the imported module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use leerkring_tests::{rust_files, workspace_root};

/// Longest a source file may be, counting the lines before its `#[cfg(test)]` module.
const MAX_LINES: usize = 700;

/// Files that are long because they are lists of texts, not logic.
const CATALOGUES: [&str; 3] = [
    "client/src/i18n/nl.rs",
    "client/src/i18n/en.rs",
    "client/src/steps.rs",
];

/// The client's layers, top first; a module may import only its own layer or lower ones.
/// Modules not named here are the bottom layer (document, sync, device, i18n, api, …).
const CLIENT_LAYERS: [(&str, usize); 5] = [
    ("app", 4),
    ("screens", 3),
    ("activities", 2),
    ("components", 1),
    ("lib", 4),
];

/// One source file: its module path inside the crate (`["components", "vote"]`) and the
/// module paths it refers to.
struct SourceFile {
    path: PathBuf,
    module: Vec<String>,
    imports: BTreeSet<Vec<String>>,
}

fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The paths after `prefix::` in `text`: `a::b::c` gives `[a, b, c]`; a group
/// `{a, b::c}` gives one path per member (nested groups flattened to their first level).
fn paths_after(text: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let needle = format!("{prefix}::");
    let mut rest = text;
    while let Some(at) = rest.find(&needle) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + needle.len()..];
        if before.is_some_and(is_ident_char) {
            continue;
        }
        paths.extend(read_path(rest, Vec::new()));
    }
    paths
}

fn read_path(text: &str, mut path: Vec<String>) -> Vec<Vec<String>> {
    if let Some(group) = text.strip_prefix('{') {
        let end = matching_brace(group);
        return split_top_level(&group[..end])
            .into_iter()
            .flat_map(|member| read_path(member.trim(), path.clone()))
            .collect();
    }
    let ident: String = text.chars().take_while(|&c| is_ident_char(c)).collect();
    if ident.is_empty() {
        return vec![path];
    }
    path.push(ident.clone());
    match text[ident.len()..].strip_prefix("::") {
        Some(rest) => read_path(rest, path),
        None => vec![path],
    }
}

fn matching_brace(text: &str) -> usize {
    let mut depth = 0;
    for (at, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return at,
            '}' => depth -= 1,
            _ => {}
        }
    }
    text.len()
}

fn split_top_level(text: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (at, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// The file's text before its test module, without line comments.
fn code_of(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

fn read_crate(src: &Path) -> Vec<SourceFile> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files
        .into_iter()
        .map(|path| {
            let module = module_of(src, &path);
            let text = std::fs::read_to_string(&path).expect("read source");
            let code = code_of(&text);
            let mut imports: BTreeSet<Vec<String>> =
                paths_after(&code, "crate").into_iter().collect();
            // `super::x` is `x` beside the module: from `a::b::c` (c.rs) it is `a::b::x`,
            // from `a::b` (b/mod.rs) it is `a::x`.
            for relative in paths_after(&code, "super") {
                let mut base = module.clone();
                base.pop();
                base.extend(relative);
                imports.insert(base);
            }
            SourceFile {
                path,
                module,
                imports,
            }
        })
        .collect()
}

/// Edges between sibling modules: for an import from `a::x::…` of `a::y::…`, the edge
/// `a::x → a::y` (under their common parent `a`). Imports of an ancestor or a descendant
/// are a module's own business, not an edge between siblings.
fn sibling_edges(
    files: &[SourceFile],
) -> BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> {
    let known: BTreeSet<&Vec<String>> = files.iter().map(|file| &file.module).collect();
    let mut edges: BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for file in files {
        for import in &file.imports {
            // The longest prefix of the path that is a module of the crate.
            let target = (0..=import.len())
                .rev()
                .map(|len| import[..len].to_vec())
                .find(|prefix| known.contains(prefix))
                .unwrap_or_default();
            let common = file
                .module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            if common < file.module.len() && common < target.len() {
                edges
                    .entry(file.module[..common].to_vec())
                    .or_default()
                    .entry(file.module[common].clone())
                    .or_default()
                    .insert(target[common].clone());
            }
        }
    }
    edges
}

/// A circle among `graph`'s nodes, if there is one.
fn find_circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|seen| seen == node) {
            let mut circle = path[start..].to_vec();
            circle.push(node.to_owned());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

fn circles(crate_dir: &str) -> Vec<String> {
    let files = read_crate(&workspace_root().join(crate_dir).join("src"));
    sibling_edges(&files)
        .iter()
        .filter_map(|(parent, graph)| {
            find_circle(graph).map(|circle| {
                let prefix = if parent.is_empty() {
                    String::new()
                } else {
                    format!("{}::", parent.join("::"))
                };
                circle
                    .iter()
                    .map(|node| format!("{prefix}{node}"))
                    .collect::<Vec<_>>()
                    .join(" → ")
            })
        })
        .collect()
}

#[test]
fn no_module_of_shared_imports_a_sibling_that_imports_it_back() {
    assert_eq!(circles("shared"), Vec::<String>::new());
}

#[test]
fn no_module_of_the_client_imports_a_sibling_that_imports_it_back() {
    assert_eq!(circles("client"), Vec::<String>::new());
}

#[test]
fn the_clients_layers_point_only_down() {
    let rank = |module: &[String]| {
        let top = module.first().map_or("lib", String::as_str);
        CLIENT_LAYERS
            .iter()
            .find(|(name, _)| *name == top)
            .map_or(0, |(_, rank)| *rank)
    };
    let files = read_crate(&workspace_root().join("client/src"));
    let mut upward = Vec::new();
    for file in &files {
        for import in &file.imports {
            if rank(import) > rank(&file.module) {
                upward.push(format!(
                    "{} imports crate::{}",
                    file.path
                        .strip_prefix(workspace_root())
                        .unwrap_or(&file.path)
                        .display(),
                    import.join("::")
                ));
            }
        }
    }
    assert_eq!(upward, Vec::<String>::new());
}

#[test]
fn no_source_file_is_over_700_lines_outside_tests_and_catalogues() {
    let root = workspace_root();
    let mut long = Vec::new();
    for crate_dir in ["shared", "client", "server", "loadgen"] {
        let mut files = Vec::new();
        rust_files(&root.join(crate_dir).join("src"), &mut files);
        for path in files {
            let relative = path.strip_prefix(&root).expect("under the root");
            let name = relative.to_string_lossy();
            if CATALOGUES.contains(&name.as_ref()) || path.ends_with("tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read source");
            let lines = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .lines()
                .count();
            if lines > MAX_LINES {
                long.push(format!("{name}: {lines} lines"));
            }
        }
    }
    assert_eq!(long, Vec::<String>::new());
}

#[test]
fn the_import_reader_finds_grouped_nested_and_relative_paths() {
    let code = "use crate::a::{b, c::{d, e}};\nlet x = crate::f::g(); use super::h;";
    assert_eq!(
        paths_after(code, "crate"),
        vec![
            vec!["a".to_owned(), "b".to_owned()],
            vec!["a".to_owned(), "c".to_owned(), "d".to_owned()],
            vec!["a".to_owned(), "c".to_owned(), "e".to_owned()],
            vec!["f".to_owned(), "g".to_owned()],
        ]
    );
    let graph = BTreeMap::from([
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]);
    assert_eq!(
        find_circle(&graph),
        Some(vec!["a".to_owned(), "b".to_owned(), "a".to_owned()])
    );
}
