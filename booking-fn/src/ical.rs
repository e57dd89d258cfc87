//! iCalendar (RFC 5545) writing, shared by the site's `visits.ics` feed and
//! the calendar file of one booking. Times are local UK times
//! (`TZID=Europe/London`, defined in the file), so a visit at 09:30 stays at
//! 09:30 whatever the clocks do.

use std::fmt::Write as _;

use chrono::NaiveDate;

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

/// One event: a visit on `date` from `start` to `end` (`HH:MM`, UK time).
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Globally unique and stable, e.g. `<visit id>@<site domain>`.
    pub uid: String,
    /// DTSTAMP. Callers pass a date from their data, never the clock, so the
    /// same input gives the same file.
    pub stamp: NaiveDate,
    pub date: NaiveDate,
    pub start: &'a str,
    pub end: &'a str,
    pub summary: &'a str,
    pub location: Option<&'a str>,
    pub description: &'a str,
    /// Absolute; left out when there is none (a relative URL is not valid).
    pub url: Option<&'a str>,
    /// A cancelled booking's event, so that importing it again marks the
    /// event already in a calendar (same UID) as cancelled.
    pub cancelled: bool,
}

/// A calendar being written: content lines folded at 75 octets, each ending
/// in CRLF.
pub struct Calendar {
    out: String,
    /// One content line before folding, reused: a feed has tens of
    /// thousands of lines.
    scratch: String,
}

impl Calendar {
    pub fn new(name: &str) -> Self {
        let mut cal = Calendar {
            out: String::with_capacity(4096),
            scratch: String::with_capacity(256),
        };
        cal.line("BEGIN:VCALENDAR");
        cal.line("VERSION:2.0");
        cal.line("PRODID:-//Inside Knowledge//prospectus//EN");
        cal.line("CALSCALE:GREGORIAN");
        cal.line("METHOD:PUBLISH");
        cal.line_with(|l| {
            l.push_str("X-WR-CALNAME:");
            push_text(l, name);
            Ok(())
        });
        for l in VTIMEZONE {
            cal.line(l);
        }
        cal
    }

    pub fn event(&mut self, e: &Event) {
        self.line("BEGIN:VEVENT");
        self.line_with(|l| write!(l, "UID:{}", e.uid));
        self.line_with(|l| write!(l, "DTSTAMP:{}T000000Z", e.stamp.format("%Y%m%d")));
        let (date, start, end) = (e.date.format("%Y%m%d"), hhmmss(e.start), hhmmss(e.end));
        self.line_with(|l| write!(l, "DTSTART;TZID=Europe/London:{date}T{start}"));
        self.line_with(|l| write!(l, "DTEND;TZID=Europe/London:{date}T{end}"));
        self.line_with(|l| {
            l.push_str("SUMMARY:");
            push_text(l, e.summary);
            Ok(())
        });
        if let Some(location) = e.location {
            self.line_with(|l| {
                l.push_str("LOCATION:");
                push_text(l, location);
                Ok(())
            });
        }
        self.line_with(|l| {
            l.push_str("DESCRIPTION:");
            push_text(l, e.description);
            Ok(())
        });
        if let Some(url) = e.url {
            self.line_with(|l| write!(l, "URL:{url}"));
        }
        if e.cancelled {
            self.line("STATUS:CANCELLED");
        }
        self.line("END:VEVENT");
    }

    pub fn finish(mut self) -> String {
        self.line("END:VCALENDAR");
        self.out
    }

    fn line(&mut self, line: &str) {
        fold_into(&mut self.out, line);
    }

    /// A line built by `build` in the scratch buffer, then folded.
    fn line_with(&mut self, build: impl FnOnce(&mut String) -> std::fmt::Result) {
        self.scratch.clear();
        // Writing into a String cannot fail.
        let _ = build(&mut self.scratch);
        fold_into(&mut self.out, &self.scratch);
    }
}

/// The host part of a site's base URL, for UIDs: `insideknowledge.example.org`.
pub fn uid_domain(base: &str) -> &str {
    let rest = base.split_once("://").map_or(base, |(_, r)| r);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

/// `09:15` -> `091500`; whatever else the data holds, digits only.
fn hhmmss(t: &str) -> String {
    let mut digits: String = t.chars().filter(char::is_ascii_digit).take(4).collect();
    while digits.len() < 4 {
        digits.push('0');
    }
    digits.push_str("00");
    digits
}

/// Append `s` escaped as a TEXT value (RFC 5545 3.3.11).
fn push_text(out: &mut String, s: &str) {
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
        let mut out = String::new();
        push_text(&mut out, "a, b; c\\d\ne");
        assert_eq!(out, "a\\, b\\; c\\\\d\\ne");
    }

    #[test]
    fn uid_domain_is_the_host_of_the_base_url() {
        assert_eq!(uid_domain("https://ik.example.org"), "ik.example.org");
        assert_eq!(uid_domain("http://127.0.0.1:1111/x"), "127.0.0.1");
    }

    #[test]
    fn an_event_has_local_times_and_leaves_out_what_it_does_not_have() {
        let mut cal = Calendar::new("Test");
        let date = NaiveDate::from_ymd_opt(2027, 10, 14).unwrap();
        cal.event(&Event {
            uid: "x@ik.example.org".into(),
            stamp: date,
            date,
            start: "09:30",
            end: "15:00",
            summary: "School visit: Brook Lane",
            location: None,
            description: "Reference IK-1",
            url: None,
            cancelled: true,
        });
        let out = cal.finish();
        assert!(out.contains("DTSTART;TZID=Europe/London:20271014T093000\r\n"));
        assert!(out.contains("DTEND;TZID=Europe/London:20271014T150000\r\n"));
        assert!(!out.contains("LOCATION") && !out.contains("URL:"));
        assert!(out.contains("STATUS:CANCELLED\r\n"));
        assert!(out.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
    }
}
