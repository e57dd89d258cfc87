//! Internal links in Markdown bodies (`[how visits work](/how-visits-work/)`)
//! and the set of paths the build makes, so a link to a page that will not
//! exist is caught before it is published.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::urls;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// As written, e.g. `/regions/london/#visits`.
    pub target: String,
    /// Where the destination is written, relative to the body.
    pub span: Range<usize>,
    pub image: bool,
}

/// The links and images in `body` whose destination is a site path (starts
/// with one `/`). External links are not checked: that needs the network.
pub fn internal_links(body: &str) -> Vec<Link> {
    // Most of the cost of checking a host is this parse; a body without an
    // inline link or a reference definition cannot hold a link to check.
    if !body.contains("](") && !body.contains("]:") {
        return Vec::new();
    }
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut events = Parser::new_ext(body, options).into_offset_iter();
    let mut found = Vec::new();
    for (event, range) in events.by_ref() {
        let (dest, id, image) = match event {
            Event::Start(Tag::Link { dest_url, id, .. }) => (dest_url, id, false),
            Event::Start(Tag::Image { dest_url, id, .. }) => (dest_url, id, true),
            _ => continue,
        };
        if is_internal(&dest) {
            found.push((dest.to_string(), id.to_string(), range, image));
        }
    }
    let definitions = events.reference_definitions();
    found
        .into_iter()
        .map(|(target, id, range, image)| {
            let span = locate(body, &range, &target)
                .or_else(|| {
                    let def = definitions.get(&id)?;
                    locate(body, &def.span, &target)
                })
                .unwrap_or(range);
            Link {
                target,
                span,
                image,
            }
        })
        .collect()
}

fn is_internal(dest: &str) -> bool {
    dest.starts_with('/') && !dest.starts_with("//")
}

/// The destination's own span inside a link's source `range`: after the
/// `](` (or `]:`), so link text that repeats the path is skipped.
fn locate(body: &str, range: &Range<usize>, target: &str) -> Option<Range<usize>> {
    let source = body.get(range.clone())?;
    let after = source
        .find("](")
        .or_else(|| source.find("]:"))
        .map_or(0, |i| i + 2);
    let at = source[after..].find(target)? + after + range.start;
    Some(at..at + target.len())
}

/// The path part of a link: without `#fragment` or `?query`.
pub fn path_of(target: &str) -> &str {
    let end = target.find(['#', '?']).unwrap_or(target.len());
    &target[..end]
}

/// Every path the build writes, for resolving links.
#[derive(Debug, Default)]
pub struct KnownPaths {
    paths: HashSet<String>,
    /// Sections (`/regions/`) whose pages are unknown because site.toml
    /// could not list them: links into them are not judged, so one broken
    /// list does not turn every link into an error.
    open_sections: Vec<String>,
}

impl KnownPaths {
    pub fn new() -> Self {
        let mut known = Self::default();
        for p in urls::FIXED_PATHS {
            known.insert(p.to_string());
        }
        known
    }

    pub fn insert(&mut self, path: String) {
        self.paths.insert(path);
    }

    pub fn contains(&self, path: &str) -> bool {
        self.paths.contains(path)
            || self
                .open_sections
                .iter()
                .any(|s| path.starts_with(s.as_str()))
    }

    /// Accept any path below `prefix` (e.g. `/regions/`).
    pub fn open_section(&mut self, prefix: &str) {
        self.open_sections.push(prefix.to_string());
    }

    /// The message for a path the build does not make, with the path that
    /// was probably meant.
    pub fn explain_missing(&self, path: &str) -> String {
        if !path.ends_with('/') && self.contains(&format!("{path}/")) {
            return format!(" (did you mean \"{path}/\"? pages end with a /)");
        }
        // Compare against paths in the same section first (all hosts when
        // the link is to a host), then everything; only runs for broken
        // links, so scanning is fine.
        let section = path.trim_start_matches('/').split('/').next().unwrap_or("");
        let mut candidates: Vec<&str> = self
            .paths
            .iter()
            .map(String::as_str)
            .filter(|p| p.trim_start_matches('/').split('/').next() == Some(section))
            .collect();
        if candidates.is_empty() {
            candidates = self.paths.iter().map(String::as_str).collect();
        }
        candidates.sort_unstable();
        super::suggest::did_you_mean(path, candidates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inline_reference_and_image_links_with_their_spans() {
        let body = "See [/about/](/about/) and ![map](/map.png \"Map\").\n\nAlso [visits][v].\n\n[v]: /visits/#top\n\nAnd [ext](https://example.org/) and [proto](//cdn.example/).\n";
        let links = internal_links(body);
        let shown: Vec<(&str, &str, bool)> = links
            .iter()
            .map(|l| (l.target.as_str(), &body[l.span.clone()], l.image))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("/about/", "/about/", false),
                ("/map.png", "/map.png", true),
                ("/visits/#top", "/visits/#top", false),
            ]
        );
        // The span is the destination, not the link text.
        assert_eq!(links[0].span.start, body.find("(/about/)").unwrap() + 1);
        assert_eq!(links[2].span.start, body.find("/visits/#top").unwrap());
    }

    #[test]
    fn strips_fragments_and_queries() {
        assert_eq!(path_of("/regions/london/#visits"), "/regions/london/");
        assert_eq!(path_of("/search/?q=x"), "/search/");
        assert_eq!(path_of("/"), "/");
    }

    #[test]
    fn explains_a_missing_trailing_slash_and_typos() {
        let mut known = KnownPaths::new();
        known.insert(urls::page("how-visits-work"));
        known.insert(urls::region("north-west"));
        assert!(known.contains("/visits/"));
        assert_eq!(
            known.explain_missing("/how-visits-work"),
            " (did you mean \"/how-visits-work/\"? pages end with a /)"
        );
        assert_eq!(
            known.explain_missing("/regions/north-wst/"),
            " (did you mean \"/regions/north-west/\"?)"
        );
    }
}
