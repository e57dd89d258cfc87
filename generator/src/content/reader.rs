//! Reading TOML into our types while collecting *every* problem.
//!
//! serde with `deny_unknown_fields` stops at the first problem in a file, so
//! a file with a misspelt key and a wrong region would need two runs to
//! show both. Instead the TOML is parsed into toml's span-carrying
//! `DeTable` (with syntax-error recovery) and walked field by field here;
//! each field reader records its own errors and carries on.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::diagnostics::{Diagnostic, SourceFile};
use super::suggest;

/// Collects the diagnostics of one file. Spans given to it are relative to
/// the TOML text, which starts `base` bytes into the file.
pub struct Sink {
    pub file: Arc<SourceFile>,
    base: usize,
    pub diags: Vec<Diagnostic>,
    /// Lines (absolute byte ranges, sorted) holding a syntax error: further
    /// errors there would only repeat it in other words.
    noisy_lines: Vec<Range<usize>>,
    /// The keys assigned on those lines.
    noisy_keys: HashSet<String>,
}

impl Sink {
    pub fn new(file: Arc<SourceFile>, base: usize) -> Self {
        Self {
            file,
            base,
            diags: Vec::new(),
            noisy_lines: Vec::new(),
            noisy_keys: HashSet::new(),
        }
    }

    pub fn abs(&self, span: &Range<usize>) -> Range<usize> {
        span.start + self.base..span.end + self.base
    }

    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// An error at a span of the TOML text.
    pub fn error(
        &mut self,
        span: &Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) {
        let span = self.abs(span);
        self.error_abs(span, field, message);
    }

    /// An error at a span of the whole file.
    pub fn error_abs(
        &mut self,
        span: Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) {
        if self.is_noisy(&span) {
            return;
        }
        self.diags
            .push(Diagnostic::error(&self.file, span, field, message));
    }

    pub fn warning(
        &mut self,
        span: &Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) {
        let span = self.abs(span);
        if self.is_noisy(&span) {
            return;
        }
        self.diags
            .push(Diagnostic::warning(&self.file, span, field, message));
    }

    /// Whether `key` is assigned on a line that has a syntax error.
    fn key_on_noisy_line(&self, key: &str) -> bool {
        self.noisy_keys.contains(key)
    }

    /// Binary search: a file can have thousands of broken lines.
    fn is_noisy(&self, span: &Range<usize>) -> bool {
        let i = self
            .noisy_lines
            .partition_point(|line| line.end < span.start);
        self.noisy_lines
            .get(i)
            .is_some_and(|line| line.start <= span.start)
    }

    fn add_noisy_line(&mut self, line: Range<usize>) {
        if let Some(key) = key_of_line(&self.file.text[line.clone()]) {
            self.noisy_keys.insert(key.to_string());
        }
        let i = self.noisy_lines.partition_point(|l| l.start < line.start);
        self.noisy_lines.insert(i, line);
    }

    fn line_of(&self, offset: usize) -> Range<usize> {
        let text = &self.file.text;
        let offset = offset.min(text.len());
        let start = text
            .get(..offset)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let end = text
            .get(offset..)
            .and_then(|t| t.find('\n'))
            .map_or(text.len(), |i| offset + i);
        start..end
    }
}

/// Parses TOML, recording its syntax errors (one per line: the parser's
/// recovery can report several knock-on errors for one slip).
pub fn parse<'i>(sink: &mut Sink, toml_text: &'i str) -> Spanned<DeTable<'i>> {
    let (table, errors) = DeTable::parse_recoverable(toml_text);
    for error in errors {
        let span = error.span().unwrap_or(0..0);
        let abs = sink.abs(&span);
        if sink.is_noisy(&abs) {
            continue;
        }
        let line = sink.line_of(abs.start);
        let field = key_of_line(&sink.file.text[line.clone()])
            .unwrap_or("toml")
            .to_string();
        let message = error.message().trim().to_string();
        sink.diags.push(Diagnostic::error(
            &sink.file,
            abs,
            field,
            format!("invalid TOML: {message}"),
        ));
        sink.add_noisy_line(line);
    }
    table
}

/// The bare key a TOML line assigns, if any (`date = 2027-02-30` → `date`),
/// so a syntax error can still name its field.
fn key_of_line(line: &str) -> Option<&str> {
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    bare.then_some(key)
}

/// Whether a field must be there.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
}

/// A TOML table being read: knows where to point when a field is missing
/// and how to name its fields (`visits[2].end`).
pub struct Fields<'a, 'i> {
    table: &'a DeTable<'i>,
    anchor: Range<usize>,
    prefix: String,
    /// Required keys that an unknown key was suggested for: the "unknown
    /// key" error already says what to do, "missing" would repeat it.
    suggested: Vec<&'static str>,
}

/// A value and where it is.
pub type At<T> = (T, Range<usize>);

impl<'a, 'i> Fields<'a, 'i> {
    /// `anchor` (a span of the whole file) is shown for missing fields;
    /// `prefix` is prepended to field names (`"visits[2]."`).
    pub fn new(table: &'a DeTable<'i>, anchor: Range<usize>, prefix: impl Into<String>) -> Self {
        Self {
            table,
            anchor,
            prefix: prefix.into(),
            suggested: Vec::new(),
        }
    }

    pub fn label(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// Reports every key not in `known`, suggesting the closest known one.
    pub fn deny_unknown(&mut self, known: &[&'static str], sink: &mut Sink) {
        for (key, _) in self.table.iter() {
            let name = key.get_ref().as_ref();
            if known.contains(&name) {
                continue;
            }
            let suggestion = suggest::closest(name, known.iter().copied());
            if let Some(s) = suggestion {
                if let Some(k) = known.iter().find(|k| **k == s) {
                    self.suggested.push(k);
                }
            }
            let hint = match suggestion {
                Some(s) => format!(" (did you mean \"{s}\"?)"),
                None => format!("; expected one of: {}", known.join(", ")),
            };
            sink.error(
                &key.span(),
                self.label(name),
                format!("unknown field \"{name}\"{hint}"),
            );
        }
    }

    pub fn raw(&self, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.table.get(key)
    }

    fn missing(&self, key: &str, need: Need, sink: &mut Sink) {
        // After a syntax error the recovered table may lack a key that is
        // really there, on the broken line; that line's error says enough.
        if need == Need::Required && !self.suggested.contains(&key) && !sink.key_on_noisy_line(key)
        {
            sink.error_abs(
                self.anchor.clone(),
                self.label(key),
                format!("missing required field \"{key}\""),
            );
        }
    }

    fn wrong_type(&self, key: &str, expected: &str, value: &Spanned<DeValue<'_>>, sink: &mut Sink) {
        // A value the parser could not read comes back as an empty datetime;
        // its syntax error has already been reported.
        if let DeValue::Datetime(dt) = value.get_ref() {
            if dt.date.is_none() && dt.time.is_none() {
                return;
            }
        }
        sink.error(
            &value.span(),
            self.label(key),
            format!("expected {expected}, found {}", describe(value.get_ref())),
        );
    }

    /// A string value.
    pub fn str(&self, key: &str, need: Need, sink: &mut Sink) -> Option<At<&'a str>> {
        let Some(value) = self.raw(key) else {
            self.missing(key, need, sink);
            return None;
        };
        match value.get_ref() {
            DeValue::String(s) => Some((s.as_ref(), value.span())),
            _ => {
                self.wrong_type(key, "text in quotes", value, sink);
                None
            }
        }
    }

    /// A string that must not be blank.
    pub fn text(&self, key: &str, need: Need, sink: &mut Sink) -> Option<At<&'a str>> {
        let (s, span) = self.str(key, need, sink)?;
        if s.trim().is_empty() {
            sink.error(&span, self.label(key), "must not be empty");
            return None;
        }
        Some((s, span))
    }

    pub fn bool(&self, key: &str, need: Need, sink: &mut Sink) -> Option<At<bool>> {
        let Some(value) = self.raw(key) else {
            self.missing(key, need, sink);
            return None;
        };
        match value.get_ref() {
            DeValue::Boolean(b) => Some((*b, value.span())),
            _ => {
                self.wrong_type(key, "true or false", value, sink);
                None
            }
        }
    }

    /// A whole number in `range`.
    pub fn int(
        &self,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
        need: Need,
        sink: &mut Sink,
    ) -> Option<At<i64>> {
        let Some(value) = self.raw(key) else {
            self.missing(key, need, sink);
            return None;
        };
        let DeValue::Integer(i) = value.get_ref() else {
            self.wrong_type(key, "a whole number", value, sink);
            return None;
        };
        let span = value.span();
        match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) if range.contains(&n) => Some((n, span)),
            _ => {
                sink.error(
                    &span,
                    self.label(key),
                    format!(
                        "must be between {} and {}, found {i}",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        }
    }

    /// A date: a TOML date (`2027-10-13`) or the same in quotes.
    pub fn date(&self, key: &str, need: Need, sink: &mut Sink) -> Option<At<NaiveDate>> {
        let Some(value) = self.raw(key) else {
            self.missing(key, need, sink);
            return None;
        };
        let span = value.span();
        match value.get_ref() {
            DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
                let d = dt.date?;
                match NaiveDate::from_ymd_opt(
                    i32::from(d.year),
                    u32::from(d.month),
                    u32::from(d.day),
                ) {
                    Some(date) => Some((date, span)),
                    None => {
                        sink.error(&span, self.label(key), format!("{d} is not a real date"));
                        None
                    }
                }
            }
            DeValue::String(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(date) if s.len() == 10 => Some((date, span)),
                _ => {
                    sink.error(
                        &span,
                        self.label(key),
                        format!("\"{s}\" is not a real date in the form YYYY-MM-DD"),
                    );
                    None
                }
            },
            _ => {
                self.wrong_type(key, "a date like 2027-10-13", value, sink);
                None
            }
        }
    }

    /// A time of day, normalised to `HH:MM`: `"09:15"`, or a TOML local
    /// time `09:15:00`.
    pub fn time(&self, key: &str, need: Need, sink: &mut Sink) -> Option<At<String>> {
        let Some(value) = self.raw(key) else {
            self.missing(key, need, sink);
            return None;
        };
        let span = value.span();
        match value.get_ref() {
            DeValue::String(s) => match parse_hhmm(s) {
                Some(t) => Some((t, span)),
                None => {
                    sink.error(
                        &span,
                        self.label(key),
                        format!("\"{s}\" is not a time; write it as 24-hour HH:MM, e.g. \"09:15\""),
                    );
                    None
                }
            },
            DeValue::Datetime(dt) if dt.date.is_none() && dt.time.is_some() => {
                let t = dt.time?;
                if t.second != 0 || t.nanosecond != 0 {
                    sink.error(
                        &span,
                        self.label(key),
                        "give the time to the minute, e.g. \"09:15\"",
                    );
                    return None;
                }
                Some((format!("{:02}:{:02}", t.hour, t.minute), span))
            }
            _ => {
                self.wrong_type(key, "a time like \"09:15\"", value, sink);
                None
            }
        }
    }

    /// A list of strings, each with its span.
    pub fn str_list(&self, key: &str, need: Need, sink: &mut Sink) -> Option<At<Vec<At<&'a str>>>> {
        let Some(value) = self.raw(key) else {
            self.missing(key, need, sink);
            return None;
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(
                key,
                "a list of text in quotes, e.g. [\"a\", \"b\"]",
                value,
                sink,
            );
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push((s.as_ref(), item.span())),
                other => {
                    ok = false;
                    sink.error(
                        &item.span(),
                        self.label(key),
                        format!("expected text in quotes, found {}", describe(other)),
                    );
                }
            }
        }
        ok.then_some((out, value.span()))
    }

    /// An array of tables (`[[visits]]`): each table with the span of its
    /// header.
    pub fn tables(
        &self,
        key: &str,
        need: Need,
        sink: &mut Sink,
    ) -> Option<Vec<At<&'a DeTable<'i>>>> {
        let Some(value) = self.raw(key) else {
            self.missing(key, need, sink);
            return None;
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(key, &format!("[[{key}]] tables"), value, sink);
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => out.push((t, item.span())),
                other => sink.error(
                    &item.span(),
                    self.label(key),
                    format!("expected a [[{key}]] table, found {}", describe(other)),
                ),
            }
        }
        Some(out)
    }

    /// A table (`[booking]`).
    pub fn table(&self, key: &str, need: Need, sink: &mut Sink) -> Option<At<&'a DeTable<'i>>> {
        let Some(value) = self.raw(key) else {
            self.missing(key, need, sink);
            return None;
        };
        match value.get_ref() {
            DeValue::Table(t) => Some((t, value.span())),
            _ => {
                self.wrong_type(key, &format!("a [{key}] table"), value, sink);
                None
            }
        }
    }
}

/// `"09:15"` → `Some("09:15")`; anything but two-digit 24-hour HH:MM → None.
fn parse_hhmm(s: &str) -> Option<String> {
    let (h, m) = s.split_once(':')?;
    let two_digits = |x: &str| x.len() == 2 && x.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(h) || !two_digits(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

/// How a value reads in a message: "an integer (418)".
fn describe(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => format!("text (\"{s}\")"),
        DeValue::Integer(i) => format!("a number ({i})"),
        DeValue::Float(f) => format!("a number ({f})"),
        DeValue::Boolean(b) => format!("{b}"),
        DeValue::Datetime(d) => format!("a date or time ({d})"),
        DeValue::Array(_) => "a list".to_string(),
        DeValue::Table(_) => "a table".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hhmm_is_strict() {
        assert_eq!(parse_hhmm("09:15").as_deref(), Some("09:15"));
        assert_eq!(parse_hhmm("23:59").as_deref(), Some("23:59"));
        for bad in ["9:15", "24:00", "09:60", "0915", "09:15:00", "ab:cd", ""] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
    }

    #[test]
    fn names_the_key_of_a_line() {
        assert_eq!(key_of_line("date = 2027-02-30"), Some("date"));
        assert_eq!(key_of_line("  a-b_c=1"), Some("a-b_c"));
        assert_eq!(key_of_line("[[visits]]"), None);
        assert_eq!(key_of_line("\"quoted key\" = 1"), None);
    }
}
