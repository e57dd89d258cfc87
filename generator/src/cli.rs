//! What each subcommand does, as functions the binary and tests can call.
//! Each returns the process exit code; `Err` is for failures outside the
//! content (I/O, a port in use).

use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;

pub fn check(root: &Path, drafts: bool, today: NaiveDate) -> anyhow::Result<ExitCode> {
    let _ = (root, drafts, today);
    anyhow::bail!("check: not built yet")
}

pub fn build(
    root: &Path,
    out: &Path,
    drafts: bool,
    search: bool,
    today: NaiveDate,
) -> anyhow::Result<ExitCode> {
    let _ = (root, out, drafts, search, today);
    anyhow::bail!("build: not built yet")
}

pub fn serve(root: &Path, port: u16, drafts: bool, today: NaiveDate) -> anyhow::Result<ExitCode> {
    let _ = (root, port, drafts, today);
    anyhow::bail!("serve: not built yet")
}

pub fn new_host(root: &Path, name: &str, today: NaiveDate) -> anyhow::Result<ExitCode> {
    let _ = (root, name, today);
    anyhow::bail!("new: not built yet")
}
