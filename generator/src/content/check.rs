//! `prospectus check`: load everything, render every diagnostic, and end
//! with one summary line. Returns the text rather than printing it so that
//! tests can read exactly what an editor sees.

use std::path::Path;

use super::{load, visit_count, LoadError, LoadOptions};

pub struct CheckOutcome {
    /// Diagnostics then the summary line, as printed to stderr.
    pub output: String,
    /// 0 clean (warnings allowed), 1 content errors, 2 no content folder.
    pub exit_code: u8,
}

pub fn run(root: &Path, opts: &LoadOptions, color: bool) -> CheckOutcome {
    match load(root, opts) {
        Ok(loaded) => {
            let site = &loaded.site;
            let mut output = loaded.warnings.render(color);
            output.push_str(&format!(
                "ok: {} host{}, {} page{}, {} visit date{} checked{}\n",
                site.hosts.len(),
                plural(site.hosts.len()),
                site.pages.len(),
                plural(site.pages.len()),
                visit_count(site),
                plural(visit_count(site)),
                match loaded.warnings.len() {
                    0 => String::new(),
                    n => format!(" ({n} warning{})", plural(n)),
                }
            ));
            CheckOutcome {
                output,
                exit_code: 0,
            }
        }
        Err(LoadError::Invalid(diags)) => {
            let mut output = diags.render(color);
            let warnings = diags.warning_count();
            output.push_str(&format!(
                "error: {}{}\n",
                LoadError::Invalid(diags),
                match warnings {
                    0 => String::new(),
                    n => format!(" (and {n} warning{})", plural(n)),
                }
            ));
            CheckOutcome {
                output,
                exit_code: 1,
            }
        }
        Err(err @ LoadError::NoContent { .. }) => CheckOutcome {
            output: format!("error: {err}\n"),
            exit_code: 2,
        },
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
