//! `content/site.toml`: the site's settings and the vocabulary (regions,
//! phases, school types, focus areas) every host entry is checked against.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use toml::de::DeTable;

use super::diagnostics::{Diagnostic, Related, SourceFile};
use super::model::{BookingRules, FocusArea, SiteConfig, Term};
use super::reader::{self, Fields, Need, Sink};
use super::slug;

/// The slugs a host may use. `None` when site.toml could not say (missing
/// or broken list): checking hosts against an empty list would bury the
/// one real error under hundreds of false ones.
#[derive(Debug, Default, Clone)]
pub struct Vocab {
    pub regions: Option<Vec<String>>,
    pub phases: Option<Vec<String>>,
    pub school_types: Option<Vec<String>>,
    pub focus: Option<Vec<String>>,
}

pub struct Parsed {
    /// Present only when site.toml had no errors.
    pub config: Option<SiteConfig>,
    pub vocab: Vocab,
    pub diags: Vec<Diagnostic>,
}

const KEYS: &[&str] = &[
    "title",
    "tagline",
    "base_url",
    "language",
    "theme",
    "contact_email",
    "booking",
    "regions",
    "phases",
    "school_types",
    "focus_areas",
];
const BOOKING_KEYS: &[&str] = &[
    "closes_days_before",
    "max_places_per_school",
    "same_region",
    "retention_days",
    "api_base",
];

pub fn parse(file: Arc<SourceFile>) -> Parsed {
    let mut sink = Sink::new(Arc::clone(&file), 0);
    let doc = reader::parse(&mut sink, &file.text);
    let mut fields = Fields::new(doc.get_ref(), 0..0, "");
    fields.deny_unknown(KEYS, &mut sink);

    let title = fields.text("title", Need::Required, &mut sink);
    let tagline = fields.str("tagline", Need::Optional, &mut sink);
    let base_url = fields
        .str("base_url", Need::Required, &mut sink)
        .and_then(|(url, span)| check_base_url(url, &span, &mut sink));
    let language = fields.text("language", Need::Optional, &mut sink);
    let theme = fields.text("theme", Need::Optional, &mut sink);
    let contact_email = fields.text("contact_email", Need::Required, &mut sink);
    if let Some((email, span)) = &contact_email {
        if !looks_like_email(email) {
            sink.error(
                span,
                "contact_email",
                format!("\"{email}\" is not an email address"),
            );
        }
    }
    let booking = fields
        .table("booking", Need::Required, &mut sink)
        .and_then(|(t, span)| booking_rules(t, span, &mut sink));

    let regions = terms(&fields, "regions", Need::Required, &mut sink);
    let phases = terms(&fields, "phases", Need::Required, &mut sink);
    let school_types = terms(&fields, "school_types", Need::Optional, &mut sink);
    let focus_areas = focus_areas(&fields, &mut sink);

    let slugs = |terms: &Option<Vec<Term>>| {
        terms
            .as_ref()
            .map(|t| t.iter().map(|t| t.slug.clone()).collect::<Vec<_>>())
    };
    let vocab = Vocab {
        regions: slugs(&regions),
        phases: slugs(&phases),
        // Absent means "no school types", so any type given is unknown.
        school_types: slugs(&school_types)
            .or_else(|| fields.raw("school_types").is_none().then(Vec::new)),
        focus: focus_areas
            .as_ref()
            .map(|f| f.iter().map(|f| f.slug.clone()).collect()),
    };

    let config = if sink.has_errors() {
        None
    } else {
        match (
            title,
            base_url,
            contact_email,
            booking,
            regions,
            phases,
            focus_areas,
        ) {
            (
                Some((title, _)),
                Some(base_url),
                Some((contact_email, _)),
                Some(booking),
                Some(regions),
                Some(phases),
                Some(focus_areas),
            ) => Some(SiteConfig {
                title: title.to_string(),
                tagline: tagline.map(|(s, _)| s.to_string()).unwrap_or_default(),
                base_url,
                language: language.map_or_else(|| "en-GB".to_string(), |(s, _)| s.to_string()),
                theme: theme.map_or_else(|| "default".to_string(), |(s, _)| s.to_string()),
                contact_email: contact_email.to_string(),
                booking,
                regions,
                phases,
                school_types: school_types.unwrap_or_default(),
                focus_areas,
            }),
            _ => None,
        }
    };
    Parsed {
        config,
        vocab,
        diags: sink.diags,
    }
}

/// `https://host` with no path, query or fragment; a trailing `/` is
/// dropped. Every page URL is `base_url` + an absolute path.
fn check_base_url(url: &str, span: &Range<usize>, sink: &mut Sink) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        sink.error(
            span,
            "base_url",
            format!("\"{url}\" must start with https:// (or http://)"),
        );
        return None;
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let host_ok = !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'));
    if !host_ok {
        sink.error(
            span,
            "base_url",
            format!("\"{url}\" must be just the site's address, e.g. \"https://insideknowledge.example.org\" (no path, spaces, query or #fragment)"),
        );
        return None;
    }
    Some(url.strip_suffix('/').unwrap_or(url).to_string())
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

fn booking_rules(table: &DeTable<'_>, span: Range<usize>, sink: &mut Sink) -> Option<BookingRules> {
    let mut f = Fields::new(table, sink.abs(&span), "booking.");
    f.deny_unknown(BOOKING_KEYS, sink);
    let closes = f.int("closes_days_before", 0..=365, Need::Required, sink);
    let max = f.int("max_places_per_school", 1..=100, Need::Required, sink);
    let same_region = f.bool("same_region", Need::Required, sink);
    let retention = f.int("retention_days", 1..=3650, Need::Required, sink);
    let api_base = match f.str("api_base", Need::Optional, sink) {
        Some((s, span)) => {
            let ok =
                s.starts_with('/') && !s.ends_with('/') && slug::is_slug(&s[1..].replace('/', "-"));
            if !ok {
                sink.error(
                    &span,
                    "booking.api_base",
                    format!("\"{s}\" must be a path such as \"/api\" (leading /, no trailing /)"),
                );
                return None;
            }
            s.to_string()
        }
        None => "/api".to_string(),
    };
    Some(BookingRules {
        closes_days_before: u32::try_from(closes?.0).ok()?,
        max_places_per_school: u32::try_from(max?.0).ok()?,
        same_region: same_region?.0,
        retention_days: u32::try_from(retention?.0).ok()?,
        api_base,
    })
}

/// A `[[regions]]`-style list: each entry a slug and a name, slugs unique,
/// at least one entry.
fn terms(
    fields: &Fields<'_, '_>,
    key: &'static str,
    need: Need,
    sink: &mut Sink,
) -> Option<Vec<Term>> {
    let entries = entries(fields, key, &["slug", "name"], need, sink)?;
    Some(
        entries
            .into_iter()
            .map(|(f, slug)| Term { slug, name: f.name })
            .collect(),
    )
}

fn focus_areas(fields: &Fields<'_, '_>, sink: &mut Sink) -> Option<Vec<FocusArea>> {
    let entries = entries(
        fields,
        "focus_areas",
        &["slug", "name", "description"],
        Need::Required,
        sink,
    )?;
    Some(
        entries
            .into_iter()
            .map(|(f, slug)| FocusArea {
                slug,
                name: f.name,
                description: f.description,
            })
            .collect(),
    )
}

struct Entry {
    name: String,
    description: String,
}

/// Reads each table of an array of tables; returns only the entries whose
/// slug is valid and unique (the rest are reported), or None when the list
/// itself is unusable.
fn entries(
    fields: &Fields<'_, '_>,
    key: &'static str,
    keys: &[&'static str],
    need: Need,
    sink: &mut Sink,
) -> Option<Vec<(Entry, String)>> {
    let tables = fields.tables(key, need, sink)?;
    if tables.is_empty() {
        let span = fields.raw(key).map(|v| v.span()).unwrap_or(0..0);
        sink.error(
            &span,
            key,
            format!("the {key} list is empty; add at least one [[{key}]]"),
        );
        return None;
    }
    let mut out = Vec::new();
    let mut seen: HashMap<String, Range<usize>> = HashMap::new();
    for (i, (table, header)) in tables.into_iter().enumerate() {
        let mut f = Fields::new(table, sink.abs(&header), format!("{key}[{}].", i + 1));
        f.deny_unknown(keys, sink);
        let slug_value = f.str("slug", Need::Required, sink);
        let name = f.text("name", Need::Required, sink);
        let description = if keys.contains(&"description") {
            f.text("description", Need::Required, sink)
                .map(|(s, _)| s.to_string())
        } else {
            Some(String::new())
        };
        let Some((slug_value, slug_span)) = slug_value else {
            continue;
        };
        if !slug::is_slug(slug_value) {
            sink.error(
                &slug_span,
                f.label("slug"),
                slug::not_a_slug("slug", slug_value),
            );
            continue;
        }
        if let Some(first) = seen.get(slug_value) {
            let related = Related {
                file: Arc::clone(&sink.file),
                span: sink.abs(first),
                note: "first used at".to_string(),
            };
            let d = Diagnostic::error(
                &sink.file,
                sink.abs(&slug_span),
                f.label("slug"),
                format!("duplicate slug \"{slug_value}\" in {key}"),
            )
            .with_related(related);
            sink.diags.push(d);
            continue;
        }
        seen.insert(slug_value.to_string(), slug_span);
        if let (Some((name, _)), Some(description)) = (name, description) {
            out.push((
                Entry {
                    name: name.to_string(),
                    description,
                },
                slug_value.to_string(),
            ));
        }
    }
    Some(out)
}
