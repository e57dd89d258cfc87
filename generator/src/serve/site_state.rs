//! The preview's build state: the last good build stays online while a
//! broken edit is reported, and each good build is synced into the local
//! booking store so new visit dates can be booked at once.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use booking_fn::slots::SlotManifest;
use booking_fn::store::Store;
use chrono::NaiveDate;

use super::live::{Committed, LiveSite};
use super::reload::ReloadHub;
use crate::build::{write_site, BuildError, BuildOptions, Renderer};
use crate::content::{self, LoadError, LoadOptions, ParseCache};

pub struct Preview {
    root: PathBuf,
    /// The output folder, rebuilt in place.
    live: Arc<LiveSite>,
    drafts: bool,
    today: Option<NaiveDate>,
    store: Arc<dyn Store>,
    hub: ReloadHub,
    /// One rebuild at a time; a burst of saves queues behind it.
    building: tokio::sync::Mutex<()>,
    sync_failed: AtomicBool,
    /// Parsed host files, so a save parses only what changed.
    parsed: Arc<ParseCache>,
}

impl Preview {
    pub fn new(
        root: PathBuf,
        public: PathBuf,
        drafts: bool,
        today: Option<NaiveDate>,
        store: Arc<dyn Store>,
        hub: ReloadHub,
    ) -> Self {
        Self {
            live: Arc::new(LiveSite::new(public)),
            root,
            drafts,
            today,
            store,
            hub,
            building: tokio::sync::Mutex::new(()),
            sync_failed: AtomicBool::new(false),
            parsed: Arc::default(),
        }
    }

    pub fn public_dir(&self) -> PathBuf {
        self.live.dir().to_path_buf()
    }

    /// Rebuild and tell open pages. On failure the message is returned, shown
    /// in the terminal and sent to open pages as an overlay; the previous
    /// build keeps being served.
    pub async fn rebuild_all(&self) -> Result<(), String> {
        let _guard = self.building.lock().await;
        let started = Instant::now();
        let (root, live, drafts) = (self.root.clone(), self.live.clone(), self.drafts);
        let parsed = self.parsed.clone();
        let today = self
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        let built =
            tokio::task::spawn_blocking(move || build_once(&root, &live, &parsed, drafts, today))
                .await
                .map_err(|e| format!("the build stopped unexpectedly: {e}"))?;
        match built {
            Ok((pages, files)) => {
                // The store only needs the manifest again when it changed,
                // or when the last sync failed.
                let changed = files.written.iter().any(|f| f == "slots.json");
                if changed || self.sync_failed.load(Ordering::Relaxed) {
                    let failed = self.sync_slots().await.err();
                    if let Some(e) = &failed {
                        eprintln!("warning: bookings not synced: {e}");
                    }
                    self.sync_failed.store(failed.is_some(), Ordering::Relaxed);
                }
                eprintln!(
                    "built {pages} pages in {} ms ({} files written, {} removed)",
                    started.elapsed().as_millis(),
                    files.written.len(),
                    files.removed
                );
                self.hub.reload();
                Ok(())
            }
            Err(message) => {
                eprintln!("{message}");
                eprintln!("still serving the last good build; fix the file and save to retry");
                self.hub.error(&message);
                Err(message)
            }
        }
    }

    async fn sync_slots(&self) -> Result<(), String> {
        let path = self.live.dir().join("slots.json");
        let text = tokio::fs::read_to_string(&path)
            .await
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let manifest = SlotManifest::from_json(&text)
            .map_err(|e| format!("{} is not a slot manifest: {e}", path.display()))?;
        self.store
            .sync_slots(&manifest.visits)
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    }
}

/// Load and build into the live folder, turning every failure into the text
/// an editor reads. Nothing is written unless the whole build succeeds.
fn build_once(
    root: &Path,
    live: &LiveSite,
    parsed: &ParseCache,
    drafts: bool,
    today: NaiveDate,
) -> Result<(usize, Committed), String> {
    let loaded = content::load_cached(root, &LoadOptions { drafts, today }, parsed).map_err(
        |e| match e {
            LoadError::Invalid(diagnostics) => diagnostics.render(false),
            other => other.to_string(),
        },
    )?;
    if !loaded.warnings.is_empty() {
        eprint!("{}", loaded.warnings.render(false));
    }
    let opts = BuildOptions {
        today,
        search: true,
    };
    // `{:#}` shows the cause too (an I/O error's own message).
    let explain = |e: BuildError| format!("{:#}", anyhow::Error::new(e));
    let renderer = Renderer::load(root, &loaded.site.config.theme).map_err(explain)?;
    live.begin();
    let (pages, _) = write_site(&loaded.site, &renderer, root, live, &opts).map_err(explain)?;
    let committed = live.commit().map_err(explain)?;
    Ok((pages, committed))
}
