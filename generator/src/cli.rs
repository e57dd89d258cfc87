//! What each subcommand does, as functions the binary and tests can call.
//! Each returns the process exit code; `Err` is for failures outside the
//! content (I/O, a port in use).

use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;

pub fn check(root: &Path, drafts: bool, today: NaiveDate) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal as _;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let opts = crate::content::LoadOptions { drafts, today };
    let outcome = crate::content::check::run(root, &opts, color);
    eprint!("{}", outcome.output);
    Ok(ExitCode::from(outcome.exit_code))
}

pub fn build(
    root: &Path,
    out: &Path,
    drafts: bool,
    search: bool,
    today: NaiveDate,
) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal as _;
    let started = std::time::Instant::now();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let loaded = match crate::content::load(root, &crate::content::LoadOptions { drafts, today }) {
        Ok(loaded) => loaded,
        Err(crate::content::LoadError::Invalid(diags)) => {
            eprint!("{}", diags.render(color));
            eprintln!("build stopped: the content has errors; the previous site is untouched");
            return Ok(ExitCode::FAILURE);
        }
        Err(err) => return Err(err.into()),
    };
    if !loaded.warnings.is_empty() {
        eprint!("{}", loaded.warnings.render(color));
    }
    let opts = crate::build::BuildOptions { today, search };
    let report = crate::build::build_site(&loaded.site, root, out, &opts)?;
    eprintln!(
        "built {} pages ({} files, {} hosts) into {} in {} ms",
        report.pages,
        report.files,
        loaded.site.hosts.len(),
        out.display(),
        started.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}

/// `today` is only set when the operator asked for another day: then the
/// booking API's clock is moved too, so the preview behaves as on that day.
pub fn serve(
    root: &Path,
    port: u16,
    drafts: bool,
    today: Option<NaiveDate>,
) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(crate::serve::run(crate::serve::ServeOptions {
        root: root.to_path_buf(),
        port,
        drafts,
        today,
    }))?;
    Ok(ExitCode::SUCCESS)
}

pub fn new_host(root: &Path, name: &str, today: NaiveDate) -> anyhow::Result<ExitCode> {
    let rel = crate::content::scaffold::new_host(root, name, today)?;
    eprintln!(
        "created {rel} (a draft): fill in the placeholders, then run `prospectus check --drafts`"
    );
    Ok(ExitCode::SUCCESS)
}
