//! Checks across files: a URN or visit id used twice, a page whose address
//! is taken by the site's own pages, a Markdown link to a path the build
//! does not make. Each runs in one pass with a hash map, so 10,000 hosts
//! cost no more than a few milliseconds.

use std::collections::HashMap;
use std::sync::Arc;

use super::diagnostics::{Diagnostic, Related};
use super::host::HostEntry;
use super::links::{self, KnownPaths, Link};
use super::page::PageEntry;
use super::site_config::Vocab;
use crate::urls;

/// Top-level path segments the build uses beyond `urls::FIXED_PATHS`:
/// sections with generated pages, theme assets, the search index, the
/// booking API's default mount.
const RESERVED_SEGMENTS: &[&str] = &[
    "hosts", "assets", "static", "pagefind", "api", "404", "404.html",
];

pub struct Context<'a> {
    pub vocab: &'a Vocab,
    /// The booking API's mount (e.g. `/api`): no page may sit there.
    pub api_base: &'a str,
    /// Whether draft hosts are built (so links to them resolve).
    pub drafts: bool,
    /// Slugs of host files that could not be read: their own error says
    /// so, and links to them should not add one error per link.
    pub unreadable_hosts: &'a [String],
}

pub fn cross_check(hosts: &[HostEntry], pages: &[PageEntry], cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    duplicate_urns(hosts, &mut diags);
    duplicate_visit_ids(hosts, &mut diags);
    page_slugs(pages, cx, &mut diags);
    let known = known_paths(hosts, pages, cx);
    for h in hosts {
        check_links(&h.file, &h.links, &known, &mut diags);
    }
    for p in pages {
        check_links(&p.file, &p.links, &known, &mut diags);
    }
    diags
}

fn duplicate_urns(hosts: &[HostEntry], diags: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, &HostEntry> = HashMap::with_capacity(hosts.len());
    for h in hosts {
        let Some(span) = &h.urn_span else { continue };
        match first.get(h.host.urn.as_str()) {
            Some(other) => diags.push(
                Diagnostic::error(
                    &h.file,
                    span.clone(),
                    "urn",
                    format!(
                        "URN \"{}\" is already used by {}",
                        h.host.urn, other.file.path
                    ),
                )
                .with_related(Related {
                    file: Arc::clone(&other.file),
                    span: other.urn_span.clone().unwrap_or_default(),
                    note: "first used in".to_string(),
                }),
            ),
            None => {
                first.insert(&h.host.urn, h);
            }
        }
    }
}

/// Visit ids key bookings in the booking store, across all hosts.
fn duplicate_visit_ids(hosts: &[HostEntry], diags: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, (&HostEntry, usize)> = HashMap::new();
    for h in hosts {
        for (i, visit) in h.host.visits.iter().enumerate() {
            let span = h.visit_spans[i].clone();
            match first.get(visit.id.as_str()) {
                Some((other, j)) => {
                    // A derived id points at its `[[visits]]` header.
                    let derived = h
                        .file
                        .text
                        .get(span.clone())
                        .is_some_and(|t| t.starts_with('['));
                    let hint = if derived {
                        " (two visits on the same date and start time need an explicit, different id)"
                    } else {
                        " (each visit needs its own id)"
                    };
                    let place = if std::ptr::eq(*other, h) {
                        "another visit in this file".to_string()
                    } else {
                        format!("a visit in {}", other.file.path)
                    };
                    diags.push(
                        Diagnostic::error(
                            &h.file,
                            span,
                            format!("visits[{}].id", h.visit_numbers[i]),
                            format!("visit id \"{}\" is already used by {place}{hint}", visit.id),
                        )
                        .with_related(Related {
                            file: Arc::clone(&other.file),
                            span: other.visit_spans[*j].clone(),
                            note: "first used in".to_string(),
                        }),
                    );
                }
                None => {
                    first.insert(&visit.id, (h, i));
                }
            }
        }
    }
}

fn page_slugs(pages: &[PageEntry], cx: &Context<'_>, diags: &mut Vec<Diagnostic>) {
    let api_segment = cx
        .api_base
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    for p in pages {
        let slug = p.page.slug.as_str();
        let path = urls::page(slug);
        let taken = urls::FIXED_PATHS
            .iter()
            .any(|fixed| fixed.trim_start_matches('/').split('/').next() == Some(slug))
            || RESERVED_SEGMENTS.contains(&slug)
            || slug == api_segment;
        if taken {
            diags.push(Diagnostic::error(
                &p.file,
                p.anchor.clone(),
                "file",
                format!("page slug \"{slug}\" clashes with the site's own {path} section; rename the file"),
            ));
        }
    }
}

fn known_paths(hosts: &[HostEntry], pages: &[PageEntry], cx: &Context<'_>) -> KnownPaths {
    let mut known = KnownPaths::new();
    for h in hosts.iter().filter(|h| cx.drafts || !h.host.draft) {
        known.insert(urls::host(&h.host.slug));
    }
    for slug in cx.unreadable_hosts {
        known.insert(urls::host(slug));
    }
    for p in pages {
        known.insert(urls::page(&p.page.slug));
    }
    let v = cx.vocab;
    type PathOf = fn(&str) -> String;
    let sections: [(&Option<Vec<String>>, PathOf); 3] = [
        (&v.regions, urls::region),
        (&v.phases, urls::phase),
        (&v.focus, urls::focus),
    ];
    for (slugs, path) in sections {
        match slugs {
            Some(slugs) => {
                for slug in slugs {
                    known.insert(path(slug));
                }
            }
            // "/regions/x/" → "/regions/": the section of any slug.
            None => known.open_section(path("x").trim_end_matches("x/")),
        }
    }
    known
}

fn check_links(
    file: &Arc<super::diagnostics::SourceFile>,
    found: &[Link],
    known: &KnownPaths,
    diags: &mut Vec<Diagnostic>,
) {
    for link in found {
        let path = links::path_of(&link.target);
        if known.contains(path) {
            continue;
        }
        let what = if link.image { "image" } else { "link" };
        diags.push(Diagnostic::error(
            file,
            link.span.clone(),
            what,
            format!(
                "broken {what} \"{}\": the site has no page {path}{}",
                link.target,
                known.explain_missing(path)
            ),
        ));
    }
}
