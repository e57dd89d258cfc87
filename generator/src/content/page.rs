//! One content page, `content/pages/<slug>.md` (about, how visits work,
//! privacy notice, accessibility statement).

use std::ops::Range;
use std::sync::Arc;

use super::diagnostics::{Diagnostic, SourceFile};
use super::document;
use super::links::{self, Link};
use super::model::Page;
use super::reader::{self, Fields, Need, Sink};
use super::slug;

const KEYS: &[&str] = &["title", "description", "weight"];

pub struct PageEntry {
    pub page: Page,
    pub file: Arc<SourceFile>,
    pub has_errors: bool,
    /// Where to point an error about the page's address (its first line).
    pub anchor: Range<usize>,
    pub links: Vec<Link>,
    pub diags: Vec<Diagnostic>,
}

pub fn parse(file: Arc<SourceFile>, slug: &str) -> PageEntry {
    let mut entry = PageEntry {
        page: Page {
            slug: slug.to_string(),
            source: file.path.clone().into(),
            title: String::new(),
            description: None,
            weight: 0,
            body: String::new(),
        },
        file: Arc::clone(&file),
        has_errors: true,
        anchor: 0..0,
        links: Vec::new(),
        diags: Vec::new(),
    };
    if !slug::is_slug(slug) {
        entry.diags.push(Diagnostic::error(
            &file,
            0..0,
            "file",
            slug::not_a_slug("file name", slug) + " (the name is the page's address)",
        ));
    }
    let Some(split) = document::split(&file, &mut entry.diags) else {
        return entry;
    };
    entry.anchor = split.opening.clone();
    let mut sink = Sink::new(Arc::clone(&file), split.front_start);
    let doc = reader::parse(&mut sink, split.front);
    let mut f = Fields::new(doc.get_ref(), split.opening.clone(), "");
    f.deny_unknown(KEYS, &mut sink);
    let p = &mut entry.page;
    if let Some((title, _)) = f.text("title", Need::Required, &mut sink) {
        p.title = title.to_string();
    }
    p.description = f
        .text("description", Need::Optional, &mut sink)
        .map(|(s, _)| s.to_string());
    if let Some((weight, _)) = f.int("weight", -1000..=1000, Need::Optional, &mut sink) {
        p.weight = i32::try_from(weight).unwrap_or_default();
    }
    if split.body.trim().is_empty() {
        sink.error_abs(
            split.closing.clone(),
            "body",
            "the page text after the closing +++ is empty",
        );
    }
    p.body = split.body.to_string();
    entry.links = links::internal_links(split.body)
        .into_iter()
        .map(|mut l| {
            l.span = l.span.start + split.body_start..l.span.end + split.body_start;
            l
        })
        .collect();
    entry.diags.append(&mut sink.diags);
    entry.has_errors = entry.diags.iter().any(Diagnostic::is_error);
    entry
}
