//! Reading one content file from disk and splitting it into front matter and
//! body, turning every way that can fail into a located diagnostic.

use std::path::Path;
use std::sync::Arc;

use super::diagnostics::{Diagnostic, SourceFile};
use super::frontmatter::{self, Split, SplitError};

/// Reads `root/rel` as UTF-8. On failure the diagnostic still carries a
/// `SourceFile` (the readable part, for invalid UTF-8) so it can be shown.
pub fn read(root: &Path, rel: &str) -> Result<Arc<SourceFile>, Diagnostic> {
    let bytes = match std::fs::read(root.join(rel)) {
        Ok(bytes) => bytes,
        Err(err) => {
            let file = SourceFile::new(rel, "");
            let message = if err.kind() == std::io::ErrorKind::NotFound {
                "the file is missing".to_string()
            } else {
                format!("cannot read the file: {err}")
            };
            return Err(Diagnostic::error(&file, 0..0, "file", message));
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(rel, text)),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let file = SourceFile::new(rel, String::from_utf8_lossy(err.as_bytes()).into_owned());
            // Lossy decoding keeps the valid prefix byte for byte, so `at`
            // is the same place in the replacement text.
            Err(Diagnostic::error(
                &file,
                at..at + 1,
                "file",
                format!("not valid UTF-8 (at byte {at}); save the file as UTF-8"),
            ))
        }
    }
}

/// Splits a Markdown file at its `+++` lines, reporting a missing delimiter.
pub fn split<'a>(file: &'a Arc<SourceFile>, diags: &mut Vec<Diagnostic>) -> Option<Split<'a>> {
    match frontmatter::split(&file.text) {
        Ok(split) => Some(split),
        Err(SplitError::NoOpening { span }) => {
            diags.push(Diagnostic::error(
                file,
                span,
                "file",
                "the file must start with a line of +++, then the TOML fields, then another +++ line",
            ));
            None
        }
        Err(SplitError::NoClosing { opening }) => {
            diags.push(Diagnostic::error(
                file,
                opening,
                "file",
                "no closing +++ line: end the TOML fields with a line of +++ before the text",
            ));
            None
        }
    }
}
