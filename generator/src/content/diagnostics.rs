//! Problems found in the content, with enough of the source kept to show
//! them the way a compiler does:
//!
//! ```text
//! content/hosts/brook-lane-primary.md:6:10: region: unknown region "north-wst" (did you mean "north-west"?)
//!   |
//! 6 | region = "north-wst"
//!   |          ^^^^^^^^^^^
//! ```
//!
//! The first line is `path:line:col: field: message` so that editors and CI
//! problem matchers can jump to it. Warnings put `warning:` after the
//! location. codespan-reporting prints its own header line (`error: ...` and
//! then `┌─ path:line:col`), which is not that form, so this module renders the
//! snippet itself.

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// One content file as read from disk, shared by all diagnostics about it.
#[derive(Debug)]
pub struct SourceFile {
    /// Relative to the site root, with `/` separators: `content/hosts/a.md`.
    pub path: String,
    /// The file's text. Invalid UTF-8 is replaced (U+FFFD) so the valid part
    /// can still be shown.
    pub text: String,
    /// Byte offsets where lines start, built on first use: only files with
    /// a diagnostic need it, and a file with thousands of diagnostics must
    /// not rescan its text for each one.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(Self {
            path: path.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        })
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset);
        let starts = self.line_starts();
        // The last line starting at or before `offset`.
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let line_start = starts[line - 1];
        let col = self.text[line_start..offset].chars().count() + 1;
        (line, col)
    }

    /// The text of the line holding `offset`, without its line ending, and
    /// the byte offset where that line starts.
    fn line_at(&self, offset: usize) -> (&str, usize) {
        let offset = floor_char_boundary(&self.text, offset);
        let (line, _) = self.line_col(offset);
        let start = self.line_starts()[line - 1];
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        (self.text[start..end].trim_end_matches('\r'), start)
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A second place a diagnostic refers to, e.g. the other file using a URN.
#[derive(Debug, Clone)]
pub struct Related {
    pub file: Arc<SourceFile>,
    pub span: Range<usize>,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: Arc<SourceFile>,
    /// Byte range in `file.text`.
    pub span: Range<usize>,
    /// The field concerned, e.g. `region` or `visits[2].end` (visits counted
    /// from 1, as editors count them); `toml` for syntax errors, `file` for
    /// problems with the whole file.
    pub field: String,
    pub message: String,
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn error(
        file: &Arc<SourceFile>,
        span: Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            file: Arc::clone(file),
            span,
            field: field.into(),
            message: message.into(),
            related: Vec::new(),
        }
    }

    pub fn warning(
        file: &Arc<SourceFile>,
        span: Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, span, field, message)
        }
    }

    pub fn with_related(mut self, related: Related) -> Self {
        self.related.push(related);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 1-based line and column where the problem starts.
    pub fn line_col(&self) -> (usize, usize) {
        self.file.line_col(self.span.start)
    }

    /// `path:line:col: field: message` (warnings: `path:line:col: warning: field: message`).
    pub fn headline(&self) -> String {
        let (line, col) = self.line_col();
        let severity = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        format!(
            "{}:{line}:{col}: {severity}{}: {}",
            self.file.path, self.field, self.message
        )
    }

    fn render_into(&self, out: &mut String, color: bool) {
        let style = Style::new(color, self.severity);
        let _ = writeln!(out, "{}{}{}", style.bold, self.headline(), style.reset);
        snippet(out, &self.file, &self.span, &style);
        for related in &self.related {
            let (line, col) = related.file.line_col(related.span.start);
            let _ = writeln!(
                out,
                "  {}note{}: {} {}:{line}:{col}",
                style.note, style.reset, related.note, related.file.path
            );
            snippet(out, &related.file, &related.span, &style);
        }
    }
}

struct Style {
    bold: &'static str,
    mark: &'static str,
    note: &'static str,
    gutter: &'static str,
    reset: &'static str,
}

impl Style {
    fn new(color: bool, severity: Severity) -> Self {
        if !color {
            return Self {
                bold: "",
                mark: "",
                note: "",
                gutter: "",
                reset: "",
            };
        }
        Self {
            bold: "\x1b[1m",
            mark: match severity {
                Severity::Error => "\x1b[1;31m",
                Severity::Warning => "\x1b[1;33m",
            },
            note: "\x1b[1;36m",
            gutter: "\x1b[34m",
            reset: "\x1b[0m",
        }
    }
}

/// The source line under a gutter with its number, and carets under the
/// span (up to the end of the line when the span runs on).
fn snippet(out: &mut String, file: &SourceFile, span: &Range<usize>, style: &Style) {
    if file.text.is_empty() {
        return;
    }
    let (line_no, col) = file.line_col(span.start);
    let (line, line_start) = file.line_at(span.start);
    // Tabs would make the carets drift; show them as one space each.
    let shown: String = line
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let end = floor_char_boundary(&file.text, span.end.max(span.start));
    let line_end = line_start + line.len();
    let width = if end <= line_end {
        file.text[floor_char_boundary(&file.text, span.start)..end]
            .chars()
            .count()
    } else {
        shown.chars().count().saturating_sub(col - 1)
    }
    .max(1);
    let number = line_no.to_string();
    let pad = " ".repeat(number.len());
    let (g, m, r) = (style.gutter, style.mark, style.reset);
    let _ = writeln!(out, "{g}{pad} |{r}");
    let _ = writeln!(out, "{g}{number} |{r} {shown}");
    let _ = writeln!(
        out,
        "{g}{pad} |{r} {}{m}{}{r}",
        " ".repeat(col - 1),
        "^".repeat(width)
    );
}

/// Every problem found in one load, in a stable order (by file, then by
/// position) so that output is the same from run to run.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// How many different files have at least one error.
    pub fn files_with_errors(&self) -> usize {
        let mut paths: Vec<&str> = self
            .items
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.file.path.as_str())
            .collect();
        paths.sort_unstable();
        paths.dedup();
        paths.len()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Only the warnings.
    pub fn warnings(&self) -> Diagnostics {
        Diagnostics {
            items: self
                .items
                .iter()
                .filter(|d| !d.is_error())
                .cloned()
                .collect(),
        }
    }

    /// Order by file path, then position, then message.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (a.file.path.as_str(), a.span.start, a.severity, &a.message).cmp(&(
                b.file.path.as_str(),
                b.span.start,
                b.severity,
                &b.message,
            ))
        });
    }

    /// All diagnostics, each headline followed by its source snippet.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for diagnostic in &self.items {
            diagnostic.render_into(&mut out, color);
            out.push('\n');
        }
        out
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<T: IntoIterator<Item = Diagnostic>>(&mut self, iter: T) {
        self.items.extend(iter);
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Self {
            items: iter.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let file = SourceFile::new("a.md", "+++\nname = \"Café\"\nurn = 1\n");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(4), (2, 1));
        let urn = file.text.find("urn").unwrap();
        assert_eq!(file.line_col(urn), (3, 1));
        let after_e = file.text.find('é').unwrap() + 'é'.len_utf8();
        assert_eq!(file.line_col(after_e), (2, 13));
    }

    #[test]
    fn renders_headline_line_and_carets() {
        let file = SourceFile::new("content/hosts/a.md", "+++\nregion = \"north-wst\"\n+++\n");
        let start = file.text.find("\"north").unwrap();
        let d = Diagnostic::error(&file, start..start + 11, "region", "unknown region");
        let mut all = Diagnostics::new();
        all.push(d);
        assert_eq!(
            all.render(false),
            "content/hosts/a.md:2:10: region: unknown region\n  |\n2 | region = \"north-wst\"\n  |          ^^^^^^^^^^^\n\n"
        );
    }

    #[test]
    fn spans_past_the_end_do_not_panic() {
        let file = SourceFile::new("a.md", "ab\u{e9}");
        let d = Diagnostic::error(&file, 3..99, "file", "x");
        assert_eq!(d.line_col(), (1, 3));
        let _ = Diagnostics::from_iter([d]).render(true);
    }
}
