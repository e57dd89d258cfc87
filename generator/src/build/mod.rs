//! `prospectus build`: the validated [`Site`] rendered into the complete
//! static site.
//!
//! The pipeline is a fixed list of steps (see [`build_site`]), each writing
//! into a staging folder beside the output folder; only when every step has
//! succeeded is the staging folder swapped in, so a failed build never leaves
//! a half-written site behind.
//!
//! For `prospectus serve`, the pieces are reusable on their own: a
//! [`Renderer`] (the parsed theme) is built once, a [`Shared`] view of the
//! site once per content change, and [`write_site`] writes into any
//! [`Sink`]: the preview's sink renders again only what changed.

pub mod assets;
pub mod feeds;
pub mod markdown;
pub mod output;
pub mod pages;
pub mod render;
pub mod sitemap;
pub mod slots;
pub mod view;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::content::Site;

pub use output::{DirSink, Sink, Staging};
pub use render::Renderer;
pub use view::Shared;

/// What a build depends on besides the content.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Decides which visits are past (shown as past, not bookable).
    pub today: NaiveDate,
    /// Write the search index (off for benchmarks and quick checks).
    pub search: bool,
}

/// What a successful build produced.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// HTML pages written.
    pub pages: usize,
    /// Every file written, pages included.
    pub files: usize,
    pub elapsed: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the output path {} is a file, not a folder: choose a folder (it is replaced as a whole)", .0.display())]
    OutIsFile(PathBuf),
    #[error("the output path {} {why}", path.display())]
    OutUnsafe { path: PathBuf, why: &'static str },
    // The cause is shown by whoever prints the error chain (anyhow's `{:#}`),
    // so it is not repeated here.
    #[error("{action} {}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("theme `{theme}` has no templates folder at {}", path.display())]
    ThemeMissing { theme: String, path: PathBuf },
    #[error("template {template}: {detail}")]
    Template { template: String, detail: String },
    #[error("rendering {page} with template {template}: {detail}")]
    Render {
        page: String,
        template: String,
        detail: String,
    },
    #[error("writing {what}: {detail}")]
    Encode { what: &'static str, detail: String },
    #[error("search index: {0}")]
    Search(String),
}

impl BuildError {
    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        BuildError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Build `site` (read from `root`, for the theme) into `out`, atomically.
///
/// On any error the previous contents of `out` are untouched and the staging
/// folder is removed.
pub fn build_site(
    site: &Site,
    root: &Path,
    out: &Path,
    opts: &BuildOptions,
) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    // Checked before anything is written, so a bad `--out` leaves no trace.
    output::check_out(out)?;
    output::check_out_is_safe(root, out)?;
    // Parsing the theme first means a template syntax error fails the build
    // before the staging folder even exists.
    let renderer = Renderer::load(root, &site.config.theme)?;
    let staging = Staging::create(out)?;
    match write_site(site, &renderer, root, &DirSink(staging.path()), opts) {
        Ok((pages, files)) => {
            staging.commit()?;
            Ok(BuildReport {
                pages,
                files,
                elapsed: started.elapsed(),
            })
        }
        Err(err) => {
            staging.discard();
            Err(err)
        }
    }
}

/// Every step of the build, writing into `out`. Returns the number of HTML
/// pages and of all files in the site.
///
/// The search index is built beside the pages, not after them: most of
/// pagefind's indexing runs on one thread, so the pages' parallel rendering
/// fills the other cores meanwhile.
pub fn write_site(
    site: &Site,
    renderer: &Renderer,
    root: &Path,
    out: &dyn Sink,
    opts: &BuildOptions,
) -> Result<(usize, usize), BuildError> {
    std::thread::scope(|scope| {
        let index = opts
            .search
            .then(|| scope.spawn(|| crate::search::write_index_into(site, out, opts.today)));
        let pages = write_pages(site, renderer, root, out, opts);
        let index_files = match index.map(|thread| thread.join()) {
            None => 0,
            Some(Ok(report)) => report.map_err(|e| BuildError::Search(e.to_string()))?.files,
            Some(Err(_)) => {
                return Err(BuildError::Search(
                    "the indexer stopped unexpectedly".to_string(),
                ))
            }
        };
        let (pages, files) = pages?;
        Ok((pages, files + index_files))
    })
}

/// Every step but the search index, in order.
fn write_pages(
    site: &Site,
    renderer: &Renderer,
    root: &Path,
    out: &dyn Sink,
    opts: &BuildOptions,
) -> Result<(usize, usize), BuildError> {
    // 1. Static assets, with fingerprinted copies the pages link to.
    let assets = assets::copy_theme_static(&renderer.static_dir(root), out)?;
    // 2. The small shared view every page context starts from.
    let shared = Shared::new(site, &assets, opts.today)?;
    // 3. HTML pages, hosts and listings in parallel, and beside them the
    // machine-readable outputs that do not depend on the pages.
    let (written, feeds) = rayon::join(
        || pages::render_all(renderer, &shared, site, out),
        || -> Result<(), BuildError> {
            feeds::atom::write(&shared, site, out)?;
            feeds::ics::write_feed(&shared, site, out)?;
            slots::write(site, opts.today, out)
        },
    );
    let written = written?;
    feeds?;
    // 4. The sitemap, of the pages written.
    sitemap::write(&shared, &written.sitemap_paths, out)?;
    Ok((written.html_pages, assets.files + written.html_pages + 5))
}
