//! `feed.xml`: an Atom feed (RFC 4287) with one entry per published host,
//! newest first. Dates come from the content, never the clock, so two builds
//! of the same content give the same bytes.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::xml_escape;
use crate::build::output::Sink;
use crate::build::view::{human_date, Shared};
use crate::build::BuildError;
use crate::content::{Host, Site};
use crate::urls;

/// When a host entry last changed, as far as the content tells: the day it
/// joined the prospectus, or (for entries without `added`) the build's
/// today, which is an input of the build like the content.
fn updated(host: &Host, today: NaiveDate) -> NaiveDate {
    host.added.unwrap_or(today)
}

pub fn render(shared: &Shared, site: &Site) -> String {
    let c = &site.config;
    let base = c.base_url.trim_end_matches('/');
    let mut hosts: Vec<&Host> = site.hosts.iter().filter(|h| !h.draft).collect();
    hosts.sort_by(|a, b| {
        updated(b, shared.today)
            .cmp(&updated(a, shared.today))
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let feed_updated = hosts
        .first()
        .map(|h| updated(h, shared.today))
        .unwrap_or(shared.today);
    let mut out = String::with_capacity(1024 + hosts.len() * 900);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en-GB\">\n");
    let _ = writeln!(
        out,
        "  <title>{}: new host schools and visit dates</title>",
        xml_escape(&c.title)
    );
    let _ = writeln!(out, "  <subtitle>{}</subtitle>", xml_escape(&c.tagline));
    let _ = writeln!(
        out,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}/feed.xml\"/>",
        xml_escape(base)
    );
    let _ = writeln!(
        out,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}/\"/>",
        xml_escape(base)
    );
    let _ = writeln!(out, "  <id>{}/</id>", xml_escape(base));
    let _ = writeln!(out, "  <updated>{feed_updated}T00:00:00Z</updated>");
    let _ = writeln!(
        out,
        "  <author><name>{}</name><email>{}</email></author>",
        xml_escape(&c.title),
        xml_escape(&c.contact_email)
    );
    for h in hosts {
        let url = format!("{base}{}", urls::host(&h.slug));
        let region = shared
            .regions
            .get(h.region.as_str())
            .copied()
            .unwrap_or(&h.region);
        let phase = shared
            .phases
            .get(h.phase.as_str())
            .copied()
            .unwrap_or(&h.phase);
        let mut content = format!(
            "<p>{}</p><p>{} school in {}, {}.</p>",
            xml_escape(&h.summary),
            xml_escape(phase),
            xml_escape(&h.town),
            xml_escape(region)
        );
        let upcoming: Vec<_> = h.visits.iter().filter(|v| v.date >= shared.today).collect();
        if !upcoming.is_empty() {
            content.push_str("<p>Visit dates:</p><ul>");
            for v in upcoming {
                let _ = write!(
                    content,
                    "<li>{}, {} to {}</li>",
                    human_date(v.date),
                    v.start,
                    v.end
                );
            }
            content.push_str("</ul>");
        }
        out.push_str("  <entry>\n");
        let _ = writeln!(out, "    <title>{}</title>", xml_escape(&h.name));
        let _ = writeln!(
            out,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml_escape(&url)
        );
        let _ = writeln!(out, "    <id>{}</id>", xml_escape(&url));
        let _ = writeln!(
            out,
            "    <updated>{}T00:00:00Z</updated>",
            updated(h, shared.today)
        );
        let _ = writeln!(out, "    <summary>{}</summary>", xml_escape(&h.summary));
        // The HTML is escaped once more as the element's text.
        let _ = writeln!(
            out,
            "    <content type=\"html\">{}</content>",
            xml_escape(&content)
        );
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

pub fn write(shared: &Shared, site: &Site, out: &dyn Sink) -> Result<(), BuildError> {
    out.write("feed.xml", render(shared, site).as_bytes())
}
