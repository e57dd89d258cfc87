//! The preview's build state: the last good build stays online while a
//! broken edit is reported, and each good build is synced into the local
//! booking store so new visit dates can be booked at once.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use booking_fn::slots::SlotManifest;
use booking_fn::store::Store;
use chrono::NaiveDate;

use super::reload::ReloadHub;
use crate::build::{build_site, BuildOptions};
use crate::content::{self, LoadError, LoadOptions};

pub struct Preview {
    root: PathBuf,
    public: PathBuf,
    drafts: bool,
    today: Option<NaiveDate>,
    store: Arc<dyn Store>,
    hub: ReloadHub,
    /// One rebuild at a time; a burst of saves queues behind it.
    building: tokio::sync::Mutex<()>,
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
            root,
            public,
            drafts,
            today,
            store,
            hub,
            building: tokio::sync::Mutex::new(()),
        }
    }

    pub fn public_dir(&self) -> PathBuf {
        self.public.clone()
    }

    /// Rebuild and tell open pages. On failure the message is returned, shown
    /// in the terminal and sent to open pages as an overlay; the previous
    /// build keeps being served.
    pub async fn rebuild_all(&self) -> Result<(), String> {
        let _guard = self.building.lock().await;
        let started = Instant::now();
        let (root, public, drafts) = (self.root.clone(), self.public.clone(), self.drafts);
        let today = self
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        let built = tokio::task::spawn_blocking(move || build_once(&root, &public, drafts, today))
            .await
            .map_err(|e| format!("the build stopped unexpectedly: {e}"))?;
        match built {
            Ok(pages) => {
                if let Err(e) = self.sync_slots().await {
                    eprintln!("warning: bookings not synced: {e}");
                }
                eprintln!(
                    "built {pages} pages in {} ms",
                    started.elapsed().as_millis()
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
        let path = self.public.join("slots.json");
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

/// Load and build, turning every failure into the text an editor reads.
fn build_once(root: &Path, public: &Path, drafts: bool, today: NaiveDate) -> Result<usize, String> {
    let loaded = content::load(root, &LoadOptions { drafts, today }).map_err(|e| match e {
        LoadError::Invalid(diagnostics) => diagnostics.render(false),
        other => other.to_string(),
    })?;
    if !loaded.warnings.is_empty() {
        eprint!("{}", loaded.warnings.render(false));
    }
    let opts = BuildOptions {
        today,
        search: true,
    };
    // `{:#}` shows the cause too (an I/O error's own message).
    let report = build_site(&loaded.site, root, public, &opts)
        .map_err(|e| format!("{:#}", anyhow::Error::new(e)))?;
    Ok(report.pages)
}
