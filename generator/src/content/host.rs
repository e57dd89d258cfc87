//! One host entry, `content/hosts/<slug>.md`: every check that needs only
//! the file itself and site.toml's vocabulary. Checks across files (URNs,
//! visit ids, links) are in `validate`.

use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;

use super::diagnostics::{Diagnostic, SourceFile};
use super::document;
use super::links::{self, Link};
use super::model::{Host, Visit};
use super::postcode;
use super::reader::{self, Fields, Need, Sink};
use super::site_config::Vocab;
use super::slug;
use super::suggest;

const KEYS: &[&str] = &[
    "name",
    "urn",
    "phase",
    "school_type",
    "region",
    "local_authority",
    "town",
    "postcode",
    "website",
    "pupils",
    "summary",
    "focus",
    "draft",
    "added",
    "visits",
];
const VISIT_KEYS: &[&str] = &["date", "start", "end", "places", "focus", "audience", "id"];

/// Longest summary, in characters: it has to fit a card and a search result.
pub const SUMMARY_MAX: usize = 200;

/// A host as read, with the locations the cross-file checks point at. The
/// host is filled in even when some fields had errors (with empty values),
/// so that its URN, visits and links are still checked against the others.
#[derive(Clone)]
pub struct HostEntry {
    pub host: Host,
    pub file: Arc<SourceFile>,
    pub has_errors: bool,
    /// Absolute spans.
    pub urn_span: Option<Range<usize>>,
    /// One per visit, in `host.visits` order: the `id` value, or the
    /// `[[visits]]` header when the id is derived.
    pub visit_spans: Vec<Range<usize>>,
    /// One per visit, in `host.visits` order: its place in the file,
    /// counted from 1 (`visits[2]`), since sorting by date may reorder.
    pub visit_numbers: Vec<usize>,
    /// Where to point a warning about the host as a whole.
    pub anchor: Range<usize>,
    pub links: Vec<Link>,
    pub diags: Vec<Diagnostic>,
}

/// Checks one host file. `slug` is the file stem.
pub fn parse(file: Arc<SourceFile>, slug: &str, vocab: &Vocab, today: NaiveDate) -> HostEntry {
    let mut entry = HostEntry {
        host: Host {
            slug: slug.to_string(),
            source: file.path.clone().into(),
            name: String::new(),
            urn: String::new(),
            phase: String::new(),
            school_type: None,
            region: String::new(),
            local_authority: String::new(),
            town: String::new(),
            postcode: String::new(),
            website: None,
            pupils: None,
            summary: String::new(),
            focus: Vec::new(),
            draft: false,
            added: None,
            visits: Vec::new(),
            body: String::new(),
        },
        file: Arc::clone(&file),
        has_errors: true,
        urn_span: None,
        visit_spans: Vec::new(),
        visit_numbers: Vec::new(),
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
    let h = &mut entry.host;

    if let Some((name, _)) = f.text("name", Need::Required, &mut sink) {
        h.name = name.to_string();
    }
    if let Some((urn, span)) = f.str("urn", Need::Required, &mut sink) {
        if urn.len() == 6 && urn.bytes().all(|b| b.is_ascii_digit()) {
            h.urn = urn.to_string();
            entry.urn_span = Some(sink.abs(&span));
        } else {
            sink.error(
                &span,
                "urn",
                format!("URN \"{urn}\" must be exactly 6 digits"),
            );
        }
    }
    if let Some(phase) = term(
        &f,
        "phase",
        "phase",
        &vocab.phases,
        Need::Required,
        &mut sink,
    ) {
        h.phase = phase;
    }
    h.school_type = term(
        &f,
        "school_type",
        "school type",
        &vocab.school_types,
        Need::Optional,
        &mut sink,
    );
    if let Some(region) = term(
        &f,
        "region",
        "region",
        &vocab.regions,
        Need::Required,
        &mut sink,
    ) {
        h.region = region;
    }
    if let Some((la, _)) = f.text("local_authority", Need::Required, &mut sink) {
        h.local_authority = la.to_string();
    }
    if let Some((town, _)) = f.text("town", Need::Required, &mut sink) {
        h.town = town.to_string();
    }
    if let Some((pc, span)) = f.str("postcode", Need::Required, &mut sink) {
        match postcode::check(pc) {
            Ok(()) => h.postcode = pc.to_string(),
            Err(Some(canonical)) => sink.error(
                &span,
                "postcode",
                format!("write the postcode \"{pc}\" as \"{canonical}\" (capitals, one space)"),
            ),
            Err(None) => sink.error(&span, "postcode", format!("\"{pc}\" is not a UK postcode")),
        }
    }
    if let Some((site, span)) = f.str("website", Need::Optional, &mut sink) {
        if is_web_address(site) {
            h.website = Some(site.to_string());
        } else {
            sink.error(
                &span,
                "website",
                format!(
                    "\"{site}\" must be a full web address starting with https:// (or http://)"
                ),
            );
        }
    }
    h.pupils = f
        .int("pupils", 1..=10_000, Need::Optional, &mut sink)
        .and_then(|(n, _)| u32::try_from(n).ok());
    if let Some((summary, span)) = f.str("summary", Need::Required, &mut sink) {
        let chars = summary.chars().count();
        if summary.trim().is_empty() {
            sink.warning(
                &span,
                "summary",
                "summary is empty: cards and search results will show nothing",
            );
        } else if chars > SUMMARY_MAX {
            sink.error(
                &span,
                "summary",
                format!("summary is {chars} characters long; keep it to {SUMMARY_MAX} or fewer (one sentence)"),
            );
        }
        h.summary = summary.trim().to_string();
    }
    if let Some(focus) = focus_list(&f, &vocab.focus, None, &mut sink) {
        if focus.is_empty() {
            let span = f.raw("focus").map(|v| v.span()).unwrap_or_default();
            sink.error(&span, "focus", "list at least one focus area");
        }
        h.focus = focus;
    }
    h.draft = f
        .bool("draft", Need::Optional, &mut sink)
        .is_some_and(|(b, _)| b);
    if let Some((added, span)) = f.date("added", Need::Optional, &mut sink) {
        if added > today {
            sink.warning(
                &span,
                "added",
                format!("added {added} is in the future (today is {today})"),
            );
        }
        h.added = Some(added);
    }

    let mut visits = Vec::new();
    for (i, (table, header)) in f
        .tables("visits", Need::Optional, &mut sink)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let header = sink.abs(&header);
        if let Some(v) = visit(table, header, i, &entry.host, vocab, &mut sink) {
            visits.push((v.0, (v.1, i + 1)));
        }
    }
    visits.sort_by(|(a, _), (b, _): &(Visit, _)| (a.date, &a.start).cmp(&(b.date, &b.start)));
    let h = &mut entry.host;
    let has_upcoming = visits.iter().any(|(v, _)| v.date >= today);
    let refs: Vec<(Range<usize>, usize)>;
    (h.visits, refs) = visits.into_iter().unzip();
    (entry.visit_spans, entry.visit_numbers) = refs.into_iter().unzip();
    if !has_upcoming && !sink.has_errors() {
        let message = if h.visits.is_empty() {
            "no visit dates: add a [[visits]] table so schools can book".to_string()
        } else {
            format!("no upcoming visits: every visit date is before {today}")
        };
        sink.diags.push(Diagnostic::warning(
            &file,
            split.opening.clone(),
            "visits",
            message,
        ));
    }

    if split.body.trim().is_empty() {
        sink.error_abs(
            split.closing.clone(),
            "body",
            "the description after the closing +++ is empty; describe the school and its practice",
        );
    }
    h.body = split.body.to_string();
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

/// One `[[visits]]` table, with the span that identifies it.
fn visit(
    table: &toml::de::DeTable<'_>,
    header: Range<usize>,
    index: usize,
    host: &Host,
    vocab: &Vocab,
    sink: &mut Sink,
) -> Option<(Visit, Range<usize>)> {
    let mut f = Fields::new(table, header.clone(), format!("visits[{}].", index + 1));
    f.deny_unknown(VISIT_KEYS, sink);
    let date = f.date("date", Need::Required, sink);
    let start = f.time("start", Need::Required, sink);
    let end = f.time("end", Need::Required, sink);
    if let (Some((start, _)), Some((end, end_span))) = (&start, &end) {
        // HH:MM strings order like the times they name.
        if end <= start {
            sink.error(
                end_span,
                f.label("end"),
                format!("end \"{end}\" must be after start \"{start}\""),
            );
        }
    }
    let places = f.int("places", 1..=100, Need::Required, sink);
    let focus = focus_list(&f, &vocab.focus, Some(&host.focus), sink);
    let audience = f
        .text("audience", Need::Optional, sink)
        .map(|(s, _)| s.to_string());
    let id = f.str("id", Need::Optional, sink).and_then(|(id, span)| {
        let ok = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Some((id.to_string(), sink.abs(&span)))
        } else {
            sink.error(
                &span,
                f.label("id"),
                format!("id \"{id}\" may use only letters, digits, - and _ (it becomes part of a file name)"),
            );
            None
        }
    });
    let (date, _) = date?;
    let (start, _) = start?;
    let (end, _) = end?;
    let (places, _) = places?;
    let (id, span) = id.unwrap_or_else(|| {
        // The documented default: URN, date and start time. Stable as long
        // as those three do not change, which is what bookings rely on.
        (
            format!("{}-{}-{}", host.urn, date, start.replace(':', "")),
            header,
        )
    });
    Some((
        Visit {
            id,
            date,
            start,
            end,
            places: u32::try_from(places).ok()?,
            focus: focus.unwrap_or_else(|| host.focus.clone()),
            audience,
        },
        span,
    ))
}

/// A slug that must be one of site.toml's `what`s.
fn term(
    f: &Fields<'_, '_>,
    key: &str,
    what: &str,
    valid: &Option<Vec<String>>,
    need: Need,
    sink: &mut Sink,
) -> Option<String> {
    let (value, span) = f.str(key, need, sink)?;
    check_term(value, &span, &f.label(key), what, valid, sink).then(|| value.to_string())
}

fn check_term(
    value: &str,
    span: &Range<usize>,
    label: &str,
    what: &str,
    valid: &Option<Vec<String>>,
    sink: &mut Sink,
) -> bool {
    let Some(valid) = valid else { return true };
    if valid.iter().any(|v| v == value) {
        return true;
    }
    let hint = match suggest::closest(value, valid.iter().map(String::as_str)) {
        Some(s) => format!(" (did you mean \"{s}\"?)"),
        None => format!("; site.toml lists: {}", valid.join(", ")),
    };
    sink.error(span, label, format!("unknown {what} \"{value}\"{hint}"));
    false
}

/// A `focus` list: each slug known to site.toml, none twice, and (for a
/// visit) each among the host's own focus areas.
fn focus_list(
    f: &Fields<'_, '_>,
    valid: &Option<Vec<String>>,
    host_focus: Option<&[String]>,
    sink: &mut Sink,
) -> Option<Vec<String>> {
    let need = if host_focus.is_some() {
        Need::Optional
    } else {
        Need::Required
    };
    let (items, _) = f.str_list("focus", need, sink)?;
    let label = f.label("focus");
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for (slug, span) in items {
        if !check_term(slug, &span, &label, "focus area", valid, sink) {
            continue;
        }
        if out.iter().any(|s| s == slug) {
            sink.error(
                &span,
                &label,
                format!("focus area \"{slug}\" is listed twice"),
            );
            continue;
        }
        if let Some(host_focus) = host_focus {
            if !host_focus.iter().any(|s| s == slug) {
                sink.error(
                    &span,
                    &label,
                    format!(
                        "focus area \"{slug}\" is not one of this host's focus areas ({}); add it to the host's focus list or remove it here",
                        host_focus.join(", ")
                    ),
                );
                continue;
            }
        }
        out.push(slug.to_string());
    }
    Some(out)
}

/// `https://` or `http://`, then a host name with a dot, no spaces.
fn is_web_address(s: &str) -> bool {
    let Some(rest) = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && !s.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_addresses_need_a_scheme_and_a_host() {
        assert!(is_web_address("https://www.brooklane.example.sch.uk"));
        assert!(is_web_address("http://example.org/school?x=1"));
        for bad in [
            "www.example.org",
            "https://",
            "https://localhost",
            "ftp://a.b",
            "https://a b.org",
        ] {
            assert!(!is_web_address(bad), "{bad}");
        }
    }
}
