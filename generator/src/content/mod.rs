//! Reading and checking the editors' content.
//!
//! [`load`] reads `content/site.toml`, `content/hosts/*.md`,
//! `content/pages/*.md` and `content/data/feedback.json`, checks every file
//! (in parallel), then checks across files, and either returns the [`Site`]
//! with its warnings or every error found, in one go.

pub mod check;
pub mod diagnostics;
mod document;
mod feedback;
pub mod frontmatter;
mod host;
pub mod links;
pub mod model;
mod page;
pub mod postcode;
mod reader;
pub mod scaffold;
mod site_config;
pub mod slug;
mod suggest;
mod validate;

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rayon::prelude::*;

pub use diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile};
pub use model::*;

use host::HostEntry;
use page::PageEntry;

pub struct LoadOptions {
    /// Keep draft hosts in the site (they are checked either way).
    pub drafts: bool,
    /// Decides which visits are upcoming and which `added` dates are future.
    pub today: NaiveDate,
}

pub struct Loaded {
    pub site: Site,
    pub warnings: Diagnostics,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "no content folder at {}: run prospectus from the site root or pass --root DIR",
        root.join("content").display()
    )]
    NoContent { root: PathBuf },
    /// Every error (and warning) found; render them with
    /// [`Diagnostics::render`].
    #[error("{}", summary(.0))]
    Invalid(Diagnostics),
}

/// "3 errors in 2 files".
fn summary(diags: &Diagnostics) -> String {
    let errors = diags.error_count();
    let files = diags.files_with_errors();
    format!(
        "{errors} error{} in {files} file{}",
        if errors == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" }
    )
}

pub const SITE_TOML: &str = "content/site.toml";
pub const HOSTS_DIR: &str = "content/hosts";
pub const PAGES_DIR: &str = "content/pages";

/// Host files parsed by an earlier [`load_cached`], by path. `prospectus
/// serve` keeps one, so a save parses again only the files that changed.
#[derive(Default)]
pub struct ParseCache {
    hosts: Mutex<HashMap<String, (u64, HostEntry)>>,
}

impl ParseCache {
    /// The entry parsed from exactly these inputs before, if any.
    fn host(&self, rel: &str, key: u64) -> Option<HostEntry> {
        let hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .get(rel)
            .filter(|(k, _)| *k == key)
            .map(|(_, e)| e.clone())
    }

    /// Forget files no longer there.
    fn retain(&self, files: &[(String, String)]) {
        let listed: HashSet<&str> = files.iter().map(|(rel, _)| rel.as_str()).collect();
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts.retain(|rel, _| listed.contains(rel.as_str()));
    }

    fn keep(&self, rel: &str, key: u64, entry: &HostEntry) {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts.insert(rel.to_string(), (key, entry.clone()));
    }
}

pub fn load(root: &Path, opts: &LoadOptions) -> Result<Loaded, LoadError> {
    load_with(root, opts, None)
}

/// [`load`], reusing the hosts in `cache` whose file, `site.toml` (the
/// vocabulary they are checked against) and `today` are unchanged.
pub fn load_cached(
    root: &Path,
    opts: &LoadOptions,
    cache: &ParseCache,
) -> Result<Loaded, LoadError> {
    load_with(root, opts, Some(cache))
}

fn load_with(
    root: &Path,
    opts: &LoadOptions,
    cache: Option<&ParseCache>,
) -> Result<Loaded, LoadError> {
    if !root.join("content").is_dir() {
        return Err(LoadError::NoContent {
            root: root.to_path_buf(),
        });
    }
    let mut diags: Vec<Diagnostic> = Vec::new();

    let mut inputs = DefaultHasher::new();
    opts.today.hash(&mut inputs);
    let site = match document::read(root, SITE_TOML) {
        Ok(file) => {
            file.text.hash(&mut inputs);
            site_config::parse(file)
        }
        Err(d) => site_config::Parsed {
            config: None,
            vocab: site_config::Vocab::default(),
            diags: vec![d],
        },
    };
    diags.extend(site.diags);
    let vocab = site.vocab;

    let host_files = list_markdown(root, HOSTS_DIR, &mut diags);
    let page_files = list_markdown(root, PAGES_DIR, &mut diags);

    let hosts: Vec<Result<HostEntry, Diagnostic>> = host_files
        .par_iter()
        .map(|(rel, slug)| {
            let file = document::read(root, rel)?;
            let Some(cache) = cache else {
                return Ok(host::parse(file, slug, &vocab, opts.today));
            };
            let mut h = inputs.clone();
            (slug, &file.text).hash(&mut h);
            let key = h.finish();
            if let Some(entry) = cache.host(rel, key) {
                return Ok(entry);
            }
            let entry = host::parse(file, slug, &vocab, opts.today);
            cache.keep(rel, key, &entry);
            Ok(entry)
        })
        .collect();
    let pages: Vec<Result<PageEntry, Diagnostic>> = page_files
        .par_iter()
        .map(|(rel, slug)| document::read(root, rel).map(|f| page::parse(f, slug)))
        .collect();
    if let Some(cache) = cache {
        cache.retain(&host_files);
    }
    let unreadable_hosts: Vec<String> = host_files
        .iter()
        .zip(&hosts)
        .filter(|(_, r)| r.is_err())
        .map(|((_, slug), _)| slug.clone())
        .collect();
    let hosts = keep_ok(hosts, &mut diags);
    let pages = keep_ok(pages, &mut diags);

    let api_base = site
        .config
        .as_ref()
        .map_or("/api", |c| c.booking.api_base.as_str());
    let cx = validate::Context {
        vocab: &vocab,
        api_base,
        drafts: opts.drafts,
        unreadable_hosts: &unreadable_hosts,
    };
    diags.extend(validate::cross_check(&hosts, &pages, &cx));

    let feedback = match feedback::load(root) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            None
        }
    };

    let mut site_hosts = Vec::with_capacity(hosts.len());
    for entry in hosts {
        // A draft's warnings (no visits yet, say) are expected while it is
        // being written; its errors still count.
        let shown = !entry.host.draft || opts.drafts;
        diags.extend(entry.diags.into_iter().filter(|d| shown || d.is_error()));
        if shown {
            site_hosts.push(entry.host);
        }
    }
    let mut site_pages = Vec::with_capacity(pages.len());
    for entry in pages {
        diags.extend(entry.diags);
        site_pages.push(entry.page);
    }

    let mut all: Diagnostics = diags.into_iter().collect();
    all.sort();
    let config = match site.config {
        Some(config) if !all.has_errors() => config,
        _ => {
            if !all.has_errors() {
                // site_config returns no config only alongside an error;
                // keep that promise visible rather than panic.
                all.push(Diagnostic::error(
                    &SourceFile::new(SITE_TOML, ""),
                    0..0,
                    "file",
                    "site.toml could not be read",
                ));
            }
            return Err(LoadError::Invalid(all));
        }
    };
    site_hosts.sort_by(|a, b| a.slug.cmp(&b.slug));
    site_pages.sort_by(|a, b| (a.weight, &a.slug).cmp(&(b.weight, &b.slug)));
    Ok(Loaded {
        site: Site {
            config,
            hosts: site_hosts,
            pages: site_pages,
            feedback,
        },
        warnings: all,
    })
}

fn keep_ok<T>(results: Vec<Result<T, Diagnostic>>, diags: &mut Vec<Diagnostic>) -> Vec<T> {
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(t) => out.push(t),
            Err(d) => diags.push(d),
        }
    }
    out
}

/// The `.md` files of a content folder as (path relative to the root, file
/// stem), sorted by name. Other files (editor backups, `.DS_Store`) are
/// ignored. A missing folder is not an error: a new site may have no pages.
fn list_markdown(root: &Path, dir: &str, diags: &mut Vec<Diagnostic>) -> Vec<(String, String)> {
    let entries = match std::fs::read_dir(root.join(dir)) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(err) => {
            diags.push(Diagnostic::error(
                &SourceFile::new(dir, ""),
                0..0,
                "file",
                format!("cannot read the folder: {err}"),
            ));
            return Vec::new();
        }
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                diags.push(Diagnostic::error(
                    &SourceFile::new(dir, ""),
                    0..0,
                    "file",
                    format!("cannot read the folder: {err}"),
                ));
                continue;
            }
        };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        if let Some(stem) = name.strip_suffix(".md") {
            files.push((format!("{dir}/{name}"), stem.to_string()));
        }
    }
    files.sort();
    files
}

/// Counts for `prospectus check`'s closing line.
pub fn visit_count(site: &Site) -> usize {
    site.hosts.iter().map(|h| h.visits.len()).sum()
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<Arc<SourceFile>>();
    is::<Diagnostics>();
}
