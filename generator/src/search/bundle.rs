//! Which of pagefind's generated files the site ships. `get_files()` returns
//! every UI flavour and the stemmer of every language (~30 MB at 10,000
//! hosts); the search page uses the Component UI in English only.

use std::path::{Component, Path};

/// Fixed files the search page loads.
const KEEP_EXACT: &[&str] = &[
    // The search API, imported by the Component UI.
    "pagefind.js",
    // The API runs searches in this worker so typing stays responsive.
    "pagefind-worker.js",
    "pagefind-entry.json",
    // The search page's components. Their stylesheet is not shipped: the
    // theme's own search.css styles them.
    "pagefind-component-ui.js",
    // English stemming: the records are indexed as "en".
    "wasm.en.pagefind",
];

/// Directories of hashed index chunks, all of which a search may fetch.
const KEEP_DIRS: &[&str] = &["index", "fragment", "filter"];

/// True when the site uses this file (a path relative to the bundle folder).
pub fn is_used(relative: &Path) -> bool {
    // Refuse anything that could escape the bundle folder.
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return false;
    }
    let Some(text) = relative.to_str() else {
        return false;
    };
    let parts: Vec<&str> = text.split('/').collect();
    match parts.as_slice() {
        [name] => {
            KEEP_EXACT.contains(name)
                || (name.starts_with("pagefind.") && name.ends_with(".pf_meta"))
        }
        [dir, name] => KEEP_DIRS.contains(dir) && name.ends_with(&format!(".pf_{dir}")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_the_component_ui_loads() {
        for used in [
            "pagefind.js",
            "pagefind-worker.js",
            "pagefind-entry.json",
            "pagefind-component-ui.js",
            "wasm.en.pagefind",
            "pagefind.en_1a2b3c.pf_meta",
            "index/en_abc.pf_index",
            "fragment/en_abc.pf_fragment",
            "filter/en_abc.pf_filter",
        ] {
            assert!(is_used(Path::new(used)), "{used}");
        }
    }

    #[test]
    fn drops_other_uis_languages_and_oddities() {
        for unused in [
            "pagefind-ui.js",
            "pagefind-ui.css",
            "pagefind-component-ui.css",
            "pagefind-modular-ui.js",
            "pagefind-modular-ui.css",
            "pagefind-highlight.js",
            "wasm.unknown.pagefind",
            "wasm.fr.pagefind",
            "playground/index.html",
            "index/en_abc.pf_fragment",
            "../pagefind.js",
            "/pagefind.js",
            "index/../../x.pf_index",
        ] {
            assert!(!is_used(Path::new(unused)), "{unused}");
        }
    }
}
