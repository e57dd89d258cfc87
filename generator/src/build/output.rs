//! Where a build writes: a staging folder beside the output folder (same
//! filesystem, so the final swap is a pair of renames), and the swap itself.

use std::fs;
use std::path::{Path, PathBuf};

use super::BuildError;

/// Refuse an output path that exists but is not a folder.
pub fn check_out(out: &Path) -> Result<(), BuildError> {
    match fs::symlink_metadata(out) {
        Ok(meta) if !meta.is_dir() => Err(BuildError::OutIsFile(out.to_path_buf())),
        _ => Ok(()),
    }
}

/// A staging folder that becomes the output folder on [`Staging::commit`]
/// and disappears on [`Staging::discard`] (or when dropped uncommitted).
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    done: bool,
}

impl Staging {
    /// Create `.<name>.staging` next to `out`, clearing a leftover from a
    /// crashed build.
    pub fn create(out: &Path) -> Result<Self, BuildError> {
        let dir = sibling(out, "staging");
        let parent = dir.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .map_err(|e| BuildError::io("cannot create the folder", parent, e))?;
        if dir.exists() {
            fs::remove_dir_all(&dir)
                .map_err(|e| BuildError::io("cannot clear the old staging folder", &dir, e))?;
        }
        fs::create_dir(&dir)
            .map_err(|e| BuildError::io("cannot create the staging folder", &dir, e))?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            done: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Swap the staging folder in: the old output is renamed aside, the
    /// staging folder renamed into place, then the old output deleted. If the
    /// second rename fails the old output is put back.
    pub fn commit(mut self) -> Result<(), BuildError> {
        let old = sibling(&self.out, "old");
        if old.exists() {
            fs::remove_dir_all(&old)
                .map_err(|e| BuildError::io("cannot clear the previous old folder", &old, e))?;
        }
        // The output may have become a file since the build started.
        check_out(&self.out)?;
        let had_old = self.out.exists();
        if had_old {
            fs::rename(&self.out, &old)
                .map_err(|e| BuildError::io("cannot move the previous site aside", &self.out, e))?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.out) {
            if had_old {
                let _ = fs::rename(&old, &self.out);
            }
            return Err(BuildError::io(
                "cannot move the new site into place",
                &self.out,
                e,
            ));
        }
        self.done = true;
        if had_old {
            // The new site is in place; a failure to tidy up is not a build
            // failure, and the next build clears the leftover.
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    }

    /// Remove the staging folder after a failed build.
    pub fn discard(mut self) {
        self.remove();
    }

    fn remove(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.dir);
            self.done = true;
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // A panic in a render step must not leave the staging folder behind.
        self.remove();
    }
}

/// `.<name>.<what>` in the same folder as `out`.
fn sibling(out: &Path, what: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_string());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parent.join(format!(".{name}.{what}"))
}

/// Write `bytes` to `dir/rel`, creating folders as needed.
pub fn write_file(dir: &Path, rel: &str, bytes: &[u8]) -> Result<(), BuildError> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| BuildError::io("cannot create the folder", parent, e))?;
    }
    fs::write(&path, bytes).map_err(|e| BuildError::io("cannot write", &path, e))
}
