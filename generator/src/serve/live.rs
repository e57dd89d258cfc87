//! The preview's output folder, updated in place: a rebuild renders only the
//! pages whose inputs changed and writes only the files whose bytes changed,
//! so a save touches a handful of files instead of rewriting the site.
//!
//! A rebuild's files are held in memory until it has succeeded
//! ([`LiveSite::commit`]); a failed rebuild writes nothing, so the last good
//! build stays online.

use std::collections::HashMap;
use std::fs;
use std::hash::{DefaultHasher, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::build::output::{write_file, Sink};
use crate::build::BuildError;

/// What the folder holds: each file's content hash, and the input key each
/// rendered page (or reused folder) was made from.
#[derive(Debug, Default)]
struct State {
    files: HashMap<String, u64>,
    keys: HashMap<String, u64>,
}

/// One rebuild in progress.
#[derive(Debug, Default)]
struct Pending {
    state: State,
    /// Files whose bytes differ from what is on disk.
    changed: Vec<(String, Vec<u8>)>,
}

pub struct LiveSite {
    dir: PathBuf,
    /// `None` until the first commit: then whatever else is in the folder
    /// (an older preview's files) is removed.
    current: Mutex<Option<State>>,
    pending: Mutex<Pending>,
}

/// What a commit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The files written, as paths below the site root.
    pub written: Vec<String>,
    pub removed: usize,
}

impl LiveSite {
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            current: Mutex::new(None),
            pending: Mutex::new(Pending::default()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Start a rebuild, dropping whatever a failed one left pending.
    pub fn begin(&self) {
        *lock(&self.pending) = Pending::default();
    }

    /// Put the rebuild's changed files in place and remove the files it no
    /// longer produced. Each file is replaced by a rename, so a page being
    /// served is either the old one or the new one, never half of each.
    pub fn commit(&self) -> Result<Committed, BuildError> {
        let pending = std::mem::take(&mut *lock(&self.pending));
        let mut current = lock(&self.current);
        // Until this commit succeeds, what is on disk is unknown: a failure
        // half-way makes the next rebuild write everything again.
        let previous = current.take();
        let mut written = Vec::with_capacity(pending.changed.len());
        for (rel, bytes) in pending.changed {
            replace(&self.dir, &rel, &bytes)?;
            written.push(rel);
        }
        let removed = match &previous {
            Some(old) => remove_stale(&self.dir, old, &pending.state)?,
            None => remove_unknown(&self.dir, &pending.state)?,
        };
        *current = Some(pending.state);
        Ok(Committed { written, removed })
    }
}

impl Sink for LiveSite {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), BuildError> {
        let hash = hash_bytes(bytes);
        let unchanged = lock(&self.current)
            .as_ref()
            .is_some_and(|s| s.files.get(rel) == Some(&hash));
        let mut pending = lock(&self.pending);
        pending.state.files.insert(rel.to_string(), hash);
        if !unchanged {
            pending.changed.push((rel.to_string(), bytes.to_vec()));
        }
        Ok(())
    }

    fn reuse(&self, rel: &str, key: u64) -> bool {
        let current = lock(&self.current);
        let mut pending = lock(&self.pending);
        pending.state.keys.insert(rel.to_string(), key);
        let Some(old) = current.as_ref().filter(|s| s.keys.get(rel) == Some(&key)) else {
            return false;
        };
        // A folder (`pagefind/`) is reused with every file in it.
        let kept = old.files.iter().filter(|(path, _)| {
            path.as_str() == rel || (rel.ends_with('/') && path.starts_with(rel))
        });
        for (path, hash) in kept {
            pending.state.files.insert(path.clone(), *hash);
        }
        true
    }

    fn remembers(&self) -> bool {
        true
    }
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere while holding the lock leaves plain data behind,
    // still usable.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Write `bytes` beside `rel` and rename it into place.
fn replace(dir: &Path, rel: &str, bytes: &[u8]) -> Result<(), BuildError> {
    let tmp = format!("{rel}.prospectus-tmp");
    write_file(dir, &tmp, bytes)?;
    let (tmp, path) = (dir.join(tmp), dir.join(rel));
    fs::rename(&tmp, &path).map_err(|e| BuildError::io("cannot replace", &path, e))
}

/// Remove the files `old` had that `new` does not.
fn remove_stale(dir: &Path, old: &State, new: &State) -> Result<usize, BuildError> {
    let mut removed = 0;
    for rel in old.files.keys().filter(|rel| !new.files.contains_key(*rel)) {
        let path = dir.join(rel);
        match fs::remove_file(&path) {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(BuildError::io("cannot remove", &path, e)),
        }
    }
    Ok(removed)
}

/// Remove every file below `dir` that `new` does not hold (the first commit,
/// over a folder left by an earlier preview).
fn remove_unknown(dir: &Path, new: &State) -> Result<usize, BuildError> {
    let mut removed = 0;
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = match fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(BuildError::io("cannot read", &folder, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| BuildError::io("cannot read", &folder, e))?;
            let path = entry.path();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir {
                folders.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(dir)
                .map(|r| r.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            if !new.files.contains_key(&rel) {
                fs::remove_file(&path).map_err(|e| BuildError::io("cannot remove", &path, e))?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, LiveSite) {
        let dir = tempfile::tempdir().unwrap();
        let live = LiveSite::new(dir.path().to_path_buf());
        (dir, live)
    }

    fn read(live: &LiveSite, rel: &str) -> Option<String> {
        fs::read_to_string(live.dir().join(rel)).ok()
    }

    #[test]
    fn only_changed_files_are_written_and_dropped_ones_removed() {
        let (_dir, live) = site();
        fs::write(live.dir().join("left-over.html"), "old preview").unwrap();
        live.begin();
        live.write("a/index.html", b"A").unwrap();
        live.write("b/index.html", b"B").unwrap();
        let first = live.commit().unwrap();
        assert_eq!((first.written.len(), first.removed), (2, 1));
        assert_eq!(read(&live, "left-over.html"), None);

        live.begin();
        live.write("a/index.html", b"A").unwrap();
        live.write("c/index.html", b"C").unwrap();
        let second = live.commit().unwrap();
        assert_eq!(second.written, ["c/index.html"]);
        assert_eq!(second.removed, 1);
        assert_eq!(read(&live, "a/index.html").as_deref(), Some("A"));
        assert_eq!(read(&live, "b/index.html"), None);
        assert_eq!(read(&live, "c/index.html").as_deref(), Some("C"));
    }

    #[test]
    fn a_failed_rebuild_writes_nothing() {
        let (_dir, live) = site();
        live.begin();
        live.write("a/index.html", b"A").unwrap();
        live.commit().unwrap();
        live.begin();
        live.write("a/index.html", b"half of a failed build")
            .unwrap();
        // No commit: the next rebuild starts clean.
        live.begin();
        live.write("a/index.html", b"A").unwrap();
        assert_eq!(live.commit().unwrap().written, Vec::<String>::new());
        assert_eq!(read(&live, "a/index.html").as_deref(), Some("A"));
    }

    #[test]
    fn a_page_or_folder_with_the_same_key_is_reused_with_its_files() {
        let (_dir, live) = site();
        live.begin();
        assert!(!live.reuse("a/index.html", 1));
        live.write("a/index.html", b"A").unwrap();
        assert!(!live.reuse("pagefind/", 7));
        live.write("pagefind/x.pf_meta", b"X").unwrap();
        live.write("pagefind/y.pf_index", b"Y").unwrap();
        live.commit().unwrap();

        live.begin();
        assert!(live.reuse("a/index.html", 1));
        assert!(live.reuse("pagefind/", 7));
        let unchanged = live.commit().unwrap();
        assert_eq!((unchanged.written.len(), unchanged.removed), (0, 0));
        assert_eq!(read(&live, "pagefind/y.pf_index").as_deref(), Some("Y"));

        live.begin();
        assert!(!live.reuse("a/index.html", 2), "a new key renders again");
        live.write("a/index.html", b"A2").unwrap();
        // The index is not reused this time: its files go.
        let third = live.commit().unwrap();
        assert_eq!((third.written.len(), third.removed), (1, 2));
    }
}
