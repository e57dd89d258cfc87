//! iCalendar (RFC 5545): `visits.ics` with every upcoming visit date, and one
//! `.ics` per visit beside its host page. Times are local UK times
//! (`TZID=Europe/London`, defined in the file). DTSTAMP comes from the content
//! (the host's `added` date, else the visit date), never the clock, so
//! builds are reproducible.

use std::path::Path;

use chrono::NaiveDate;

use crate::build::output::write_file;
use crate::build::view::Shared;
use crate::build::BuildError;
use crate::content::{Host, Site, Visit};
use crate::urls;

const VTIMEZONE: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Europe/London",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0100",
    "TZNAME:BST",
    "DTSTART:19700329T010000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0000",
    "TZNAME:GMT",
    "DTSTART:19701025T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// Accumulates content lines, folding each at 75 octets and ending it with
/// CRLF.
struct Calendar {
    out: String,
}

impl Calendar {
    fn new(name: &str) -> Self {
        let mut cal = Calendar {
            out: String::with_capacity(4096),
        };
        cal.line("BEGIN:VCALENDAR");
        cal.line("VERSION:2.0");
        cal.line("PRODID:-//Inside Knowledge//prospectus//EN");
        cal.line("CALSCALE:GREGORIAN");
        cal.line("METHOD:PUBLISH");
        cal.line(&format!("X-WR-CALNAME:{}", text(name)));
        for l in VTIMEZONE {
            cal.line(l);
        }
        cal
    }

    fn line(&mut self, line: &str) {
        fold_into(&mut self.out, line);
    }

    fn event(&mut self, shared: &Shared, host: &Host, v: &Visit) {
        let c = &shared.site.config;
        let base = c.base_url.trim_end_matches('/');
        let url = format!("{base}{}", urls::host(&host.slug));
        let stamp = host.added.unwrap_or(v.date);
        let focus: Vec<&str> = v
            .focus
            .iter()
            .map(|f| shared.focus.get(f.as_str()).copied().unwrap_or(f))
            .collect();
        let mut description = String::new();
        if let Some(a) = &v.audience {
            description.push_str(&format!("For: {a}\n"));
        }
        if !focus.is_empty() {
            description.push_str(&format!("Focus: {}\n", focus.join(", ")));
        }
        description.push_str(&format!("Details and booking: {url}"));
        self.line("BEGIN:VEVENT");
        self.line(&format!("UID:{}@{}", v.id, uid_domain(base)));
        self.line(&format!("DTSTAMP:{}T000000Z", compact(stamp)));
        self.line(&format!(
            "DTSTART;TZID=Europe/London:{}T{}",
            compact(v.date),
            hhmmss(&v.start)
        ));
        self.line(&format!(
            "DTEND;TZID=Europe/London:{}T{}",
            compact(v.date),
            hhmmss(&v.end)
        ));
        self.line(&format!(
            "SUMMARY:{}",
            text(&format!("School visit: {}", host.name))
        ));
        self.line(&format!(
            "LOCATION:{}",
            text(&format!("{}, {} {}", host.name, host.town, host.postcode))
        ));
        self.line(&format!("DESCRIPTION:{}", text(&description)));
        self.line(&format!("URL:{url}"));
        self.line("END:VEVENT");
    }

    fn finish(mut self) -> String {
        self.line("END:VCALENDAR");
        self.out
    }
}

/// The calendar of one visit date.
pub fn visit_calendar(shared: &Shared, host: &Host, v: &Visit) -> String {
    let mut cal = Calendar::new(&format!("Visit to {}", host.name));
    cal.event(shared, host, v);
    cal.finish()
}

/// Every upcoming visit of every published host, by date, start and id.
pub fn feed(shared: &Shared, site: &Site) -> String {
    let mut visits: Vec<(&Host, &Visit)> = site
        .hosts
        .iter()
        .filter(|h| !h.draft)
        .flat_map(|h| h.visits.iter().map(move |v| (h, v)))
        .filter(|(_, v)| v.date >= shared.today)
        .collect();
    visits.sort_by(|(_, a), (_, b)| (a.date, &a.start, &a.id).cmp(&(b.date, &b.start, &b.id)));
    let mut cal = Calendar::new(&format!("{} visit dates", site.config.title));
    for (h, v) in visits {
        cal.event(shared, h, v);
    }
    cal.finish()
}

pub fn write_feed(shared: &Shared, site: &Site, dir: &Path) -> Result<(), BuildError> {
    write_file(dir, "visits.ics", feed(shared, site).as_bytes())
}

/// The host part of the base URL, for UIDs: `insideknowledge.example.org`.
fn uid_domain(base: &str) -> &str {
    let rest = base.split_once("://").map_or(base, |(_, r)| r);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

fn compact(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// `09:15` -> `091500`; whatever else the content holds, digits only.
fn hhmmss(t: &str) -> String {
    let mut digits: String = t.chars().filter(char::is_ascii_digit).take(4).collect();
    while digits.len() < 4 {
        digits.push('0');
    }
    digits.push_str("00");
    digits
}

/// Escape a TEXT value (RFC 5545 3.3.11).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Append `line` folded at 75 octets (never inside a UTF-8 character), each
/// physical line ending in CRLF and continuations starting with a space.
fn fold_into(out: &mut String, line: &str) {
    let mut limit = 75;
    let mut start = 0;
    let mut width = 0;
    for (i, c) in line.char_indices() {
        let len = c.len_utf8();
        if width + len > limit {
            out.push_str(&line[start..i]);
            out.push_str("\r\n ");
            start = i;
            width = 0;
            // The leading space counts towards the next line's 75 octets.
            limit = 74;
        }
        width += len;
    }
    out.push_str(&line[start..]);
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_long_lines_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let line = format!("DESCRIPTION:{}", "é".repeat(100));
        fold_into(&mut out, &line);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(
                physical.len() <= 75,
                "{} octets: {physical}",
                physical.len()
            );
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{line}\r\n"));
    }

    #[test]
    fn escapes_text_values() {
        assert_eq!(text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }

    #[test]
    fn uid_domain_is_the_host_of_the_base_url() {
        assert_eq!(uid_domain("https://ik.example.org"), "ik.example.org");
        assert_eq!(uid_domain("http://127.0.0.1:1111/x"), "127.0.0.1");
    }
}
