//! `content/data/feedback.json`: the feedback summary the programme team
//! publishes with `bookings feedback-summary`. Optional.

use std::path::Path;

use booking_fn::summary::FeedbackSummary;

use super::diagnostics::{Diagnostic, SourceFile};
use super::document;

pub const PATH: &str = "content/data/feedback.json";

/// `Ok(None)` when there is no summary yet.
pub fn load(root: &Path) -> Result<Option<FeedbackSummary>, Diagnostic> {
    if !root.join(PATH).exists() {
        return Ok(None);
    }
    let file = document::read(root, PATH)?;
    match serde_json::from_str(&file.text) {
        Ok(summary) => Ok(Some(summary)),
        Err(err) => {
            let at = offset_of(&file, err.line(), err.column());
            // serde_json's Display appends " at line L column C"; the
            // location is already in the headline.
            let text = err.to_string();
            let message = text
                .rfind(" at line ")
                .map_or(text.as_str(), |i| &text[..i]);
            Err(Diagnostic::error(
                &file,
                at..at + 1,
                "feedback",
                format!("invalid feedback summary: {message}"),
            ))
        }
    }
}

/// Byte offset of serde_json's 1-based line and (byte) column.
fn offset_of(file: &SourceFile, line: usize, column: usize) -> usize {
    let text = &file.text;
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_line_and_column_to_an_offset() {
        let file = SourceFile::new("f.json", "{\n  \"a\": x\n}");
        assert_eq!(offset_of(&file, 1, 1), 0);
        assert_eq!(offset_of(&file, 2, 8), 9);
        assert_eq!(&file.text[9..10], "x");
        assert_eq!(offset_of(&file, 9, 9), file.text.len());
    }
}
