//! Watches `content/` and `themes/` and rebuilds after each burst of saves.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc;

use super::site_state::Preview;

/// Editors save several files at once (and some save in two steps); wait
/// this long after the first change for the rest before rebuilding.
const SETTLE: Duration = Duration::from_millis(30);

/// Starts watching; keep the returned watcher alive for as long as it should run.
pub fn spawn(preview: Arc<Preview>, root: &Path) -> anyhow::Result<RecommendedWatcher> {
    let (tx, rx) = mpsc::unbounded_channel::<PathBuf>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
        if let Ok(event) = event {
            if is_edit(&event.kind) {
                for path in event.paths.into_iter().filter(|p| is_source(p)) {
                    let _ = tx.send(path);
                }
            }
        }
    })
    .context("cannot watch files for changes")?;
    for dir in ["content", "themes"] {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {}", path.display()))?;
        }
    }
    tokio::spawn(rebuild_on_change(preview, rx));
    Ok(watcher)
}

async fn rebuild_on_change(preview: Arc<Preview>, mut rx: mpsc::UnboundedReceiver<PathBuf>) {
    while let Some(first) = rx.recv().await {
        tokio::time::sleep(SETTLE).await;
        let mut changed = vec![first];
        while let Ok(path) = rx.try_recv() {
            changed.push(path);
        }
        changed.sort();
        changed.dedup();
        for path in &changed {
            eprintln!("changed: {}", path.display());
        }
        // Errors are already reported to the terminal and the pages.
        let _ = preview.rebuild_all().await;
    }
}

fn is_edit(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
    )
}

/// Skips editors' swap and backup files, which come and go on every save.
fn is_source(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    !(name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_droppings_are_not_sources() {
        assert!(is_source(Path::new("content/hosts/a.md")));
        assert!(!is_source(Path::new("content/hosts/.a.md.swp")));
        assert!(!is_source(Path::new("content/hosts/a.md~")));
        assert!(!is_source(Path::new("content/hosts/4913.tmp")));
    }
}
