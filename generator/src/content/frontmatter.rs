//! Splitting a Markdown file into its TOML front matter (between `+++`
//! lines) and its body, keeping byte offsets so that errors found in either
//! part point at the right line of the real file.

use std::ops::Range;

#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML between the delimiters.
    pub front: &'a str,
    /// Where `front` starts in the file.
    pub front_start: usize,
    /// The Markdown after the closing delimiter.
    pub body: &'a str,
    /// Where `body` starts in the file.
    pub body_start: usize,
    /// The opening `+++` line, for errors about the front matter as a whole.
    pub opening: Range<usize>,
    /// The closing `+++` line, for errors about the body as a whole.
    pub closing: Range<usize>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with a `+++` line; `span` is its first line.
    NoOpening { span: Range<usize> },
    /// There is an opening `+++` but no closing one.
    NoClosing { opening: Range<usize> },
}

const DELIMITER: &str = "+++";

pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    // A byte-order mark is invisible in editors; skip it rather than report
    // a missing delimiter the editor cannot see.
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = Lines::new(text, start);
    let Some((first, first_next)) = lines.next() else {
        return Err(SplitError::NoOpening { span: start..start });
    };
    if !is_delimiter(&text[first.clone()]) {
        return Err(SplitError::NoOpening { span: first });
    }
    for (line, next) in lines {
        if is_delimiter(&text[line.clone()]) {
            return Ok(Split {
                front: &text[first_next..line.start],
                front_start: first_next,
                body: &text[next..],
                body_start: next,
                opening: first,
                closing: line,
            });
        }
    }
    Err(SplitError::NoClosing { opening: first })
}

fn is_delimiter(line: &str) -> bool {
    line.trim_end() == DELIMITER
}

/// Lines as (range without the line ending, offset of the next line).
struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, pos: usize) -> Self {
        Self { text, pos }
    }
}

impl Iterator for Lines<'_> {
    type Item = (Range<usize>, usize);
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let (end, next) = match self.text[start..].find('\n') {
            Some(i) => (start + i, start + i + 1),
            None => (self.text.len(), self.text.len()),
        };
        self.pos = next;
        Some((start..end, next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body_with_offsets() {
        let text = "+++\nname = \"A\"\n+++\n\nBody text.\n";
        let s = split(text).unwrap();
        assert_eq!(s.front, "name = \"A\"\n");
        assert_eq!(s.front_start, 4);
        assert_eq!(s.body, "\nBody text.\n");
        assert_eq!(&text[s.body_start..], s.body);
        assert_eq!(s.opening, 0..3);
    }

    #[test]
    fn accepts_crlf_and_a_byte_order_mark() {
        let text = "\u{feff}+++\r\nname = \"A\"\r\n+++\r\nBody";
        let s = split(text).unwrap();
        assert_eq!(s.front, "name = \"A\"\r\n");
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn reports_missing_delimiters() {
        assert_eq!(
            split("name = \"A\"\n"),
            Err(SplitError::NoOpening { span: 0..10 })
        );
        assert_eq!(split(""), Err(SplitError::NoOpening { span: 0..0 }));
        assert_eq!(
            split("+++\nname = \"A\"\nBody"),
            Err(SplitError::NoClosing { opening: 0..3 })
        );
    }

    #[test]
    fn a_closing_delimiter_at_the_end_of_the_file_gives_an_empty_body() {
        let s = split("+++\na = 1\n+++").unwrap();
        assert_eq!(s.body, "");
    }
}
