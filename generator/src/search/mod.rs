//! The search index: one compact pagefind record per published host, written
//! to `<out>/pagefind/` with only the files the search page loads.
//!
//! Pagefind is used as a library (`pagefind::api::PagefindIndex`), so the
//! index is part of `prospectus build` and `prospectus serve` alike, with no
//! separate step for editors.

pub mod bundle;
pub mod record;

use std::any::Any;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use pagefind::api::{PagefindIndex, SyntheticFile};
use pagefind::options::PagefindServiceConfig;

use crate::build::output::{key_of, DirSink, Sink};
use crate::build::BuildError;
use crate::content::Site;
use record::HostRecord;

/// The folder below the site root that holds the index; the search page
/// loads `/pagefind/pagefind-component-ui.js` from it.
pub const BUNDLE_DIR: &str = "pagefind";

/// Records are English; the site's `en-GB` pages fall back to this index.
const LANGUAGE: &str = "en";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchReport {
    /// Hosts indexed (one record each).
    pub records: usize,
    /// Files written below `<out>/pagefind/`.
    pub files: usize,
    pub bytes_written: u64,
    /// Files pagefind offered that the site does not use.
    pub files_skipped: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("could not start the search indexer: {0}")]
    Runtime(#[source] io::Error),
    #[error("pagefind rejected its configuration: {0}")]
    Config(String),
    #[error("could not index {url}: {message}")]
    Record { url: String, message: String },
    #[error("pagefind could not build the search index: {0}")]
    Build(String),
    #[error("the search indexer stopped unexpectedly: {0}")]
    Panicked(String),
    #[error("could not write the search index to {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Index every published host of `site` and write the files the search page
/// uses to `out_dir/pagefind/`, replacing what was there. `today` decides
/// which visits are upcoming (the month filter and "next visit").
pub fn write_index(
    site: &Site,
    out_dir: &Path,
    today: NaiveDate,
) -> Result<SearchReport, SearchError> {
    // Chunk names are content hashes: without a clean folder, every build
    // would leave the previous build's chunks behind.
    let dir = out_dir.join(BUNDLE_DIR);
    match fs::remove_dir_all(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(source) => return Err(SearchError::Write { path: dir, source }),
    }
    write_index_into(site, &DirSink(out_dir), today)
}

/// [`write_index`] into any sink. A sink that remembers (the preview's)
/// keeps the previous index when no record changed, without indexing again.
pub fn write_index_into(
    site: &Site,
    out: &dyn Sink,
    today: NaiveDate,
) -> Result<SearchReport, SearchError> {
    let records = record::records(&site.config, &site.hosts, today);
    let count = records.len();
    let folder = format!("{BUNDLE_DIR}/");
    if out.remembers() && out.reuse(&folder, key_of(&[&records])) {
        return Ok(SearchReport {
            records: count,
            files: 0,
            bytes_written: 0,
            files_skipped: 0,
        });
    }
    let files = index_in_own_runtime(records)?;
    let mut report = write_bundle(out, files)?;
    report.records = count;
    Ok(report)
}

/// Pagefind's API is async; the build is not. A fresh thread with its own
/// current-thread runtime works whether or not the caller is already inside
/// a tokio runtime (as `prospectus serve` is when it rebuilds), where
/// `block_on` would panic. The thread also contains any panic inside
/// pagefind, which becomes an error instead of ending the build.
fn index_in_own_runtime(records: Vec<HostRecord>) -> Result<Vec<SyntheticFile>, SearchError> {
    std::thread::scope(|scope| {
        scope
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(SearchError::Runtime)?;
                runtime.block_on(index(records))
            })
            .join()
            .unwrap_or_else(|payload| Err(SearchError::Panicked(panic_message(&*payload))))
    })
}

async fn index(records: Vec<HostRecord>) -> Result<Vec<SyntheticFile>, SearchError> {
    let options = PagefindServiceConfig::builder()
        .force_language(LANGUAGE.to_string())
        .build();
    let mut index =
        PagefindIndex::new(Some(options)).map_err(|e| SearchError::Config(format!("{e:#}")))?;
    for r in records {
        let url = r.url.clone();
        index
            .add_custom_record(
                r.url,
                r.content,
                LANGUAGE.to_string(),
                Some(r.meta),
                Some(r.filters),
                Some(r.sort),
            )
            .await
            .map_err(|e| SearchError::Record {
                url,
                message: format!("{e:#}"),
            })?;
    }
    index
        .get_files()
        .await
        .map_err(|e| SearchError::Build(format!("{e:#}")))
}

fn write_bundle(out: &dyn Sink, files: Vec<SyntheticFile>) -> Result<SearchReport, SearchError> {
    let mut report = SearchReport {
        records: 0,
        files: 0,
        bytes_written: 0,
        files_skipped: 0,
    };
    for file in files {
        if !bundle::is_used(&file.filename) {
            report.files_skipped += 1;
            continue;
        }
        let rel = format!("{BUNDLE_DIR}/{}", file.filename.to_string_lossy());
        out.write(&rel, &file.contents).map_err(|e| match e {
            BuildError::Io { path, source, .. } => SearchError::Write { path, source },
            other => SearchError::Build(other.to_string()),
        })?;
        report.files += 1;
        report.bytes_written += file.contents.len() as u64;
    }
    Ok(report)
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string())
}
