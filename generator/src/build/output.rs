//! Where a build writes: a staging folder beside the output folder (same
//! filesystem, so the final swap is a pair of renames), and the swap itself.

use std::fs;
use std::hash::{DefaultHasher, Hasher};
use std::path::{Component, Path, PathBuf};

use super::BuildError;

/// Refuse an output path that exists but is not a folder.
pub fn check_out(out: &Path) -> Result<(), BuildError> {
    match fs::symlink_metadata(out) {
        Ok(meta) if meta.file_type().is_symlink() => Err(BuildError::OutUnsafe {
            path: out.to_path_buf(),
            why: "is a symbolic link; give the folder it points to instead",
        }),
        Ok(meta) if !meta.is_dir() => Err(BuildError::OutIsFile(out.to_path_buf())),
        _ => Ok(()),
    }
}

/// Refuse an output folder whose replacement would lose data: the site root
/// or a folder holding it, anything inside `content/` or `themes/`, or a
/// folder with files in it that is not a previous build (which always holds
/// `slots.json`).
pub fn check_out_is_safe(root: &Path, out: &Path) -> Result<(), BuildError> {
    let unsafe_out = |why| {
        Err(BuildError::OutUnsafe {
            path: out.to_path_buf(),
            why,
        })
    };
    let (Some(root), Some(target)) = (absolute(root), absolute(out)) else {
        return Ok(());
    };
    if root.starts_with(&target) {
        return unsafe_out(
            "holds the site's own sources (it is the site root or a folder above it)",
        );
    }
    if ["content", "themes"]
        .iter()
        .any(|d| target.starts_with(root.join(d)))
    {
        return unsafe_out("is content/ or themes/ or inside them: the site's own sources");
    }
    let has_files = fs::read_dir(out).is_ok_and(|mut d| d.next().is_some());
    if has_files && !out.join("slots.json").is_file() {
        return unsafe_out(
            "has files in it but is not a site built by prospectus (no slots.json): \
             choose a new or empty folder, or remove it first",
        );
    }
    Ok(())
}

/// `path` made absolute, `.` and `..` folded, and symbolic links resolved
/// as far as it exists, so `public/../content` and `./content` are both seen
/// as `content` even when `public` does not exist.
fn absolute(path: &Path) -> Option<PathBuf> {
    let mut lexical = PathBuf::new();
    for part in std::env::current_dir().ok()?.join(path).components() {
        match part {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other.as_os_str()),
        }
    }
    let mut existing = lexical.as_path();
    let mut missing = Vec::new();
    loop {
        if let Ok(mut resolved) = fs::canonicalize(existing) {
            resolved.extend(missing.iter().rev());
            return Some(resolved);
        }
        missing.push(existing.file_name()?.to_owned());
        existing = existing.parent()?;
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

/// Where a build's files go: a fresh folder for `prospectus build`, or the
/// live folder `prospectus serve` updates in place (`serve::live`).
pub trait Sink: Sync {
    /// Write `bytes` to `rel`, a `/`-separated path below the site root.
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), BuildError>;

    /// Whether `rel` (a file, or with a trailing `/` a folder of files) is
    /// still in place from a previous build of inputs with this `key`, so
    /// its rendering can be skipped. The key is remembered either way.
    fn reuse(&self, _rel: &str, _key: u64) -> bool {
        false
    }

    /// Whether [`Sink::reuse`] can ever say yes: if not, callers skip
    /// computing keys.
    fn remembers(&self) -> bool {
        false
    }
}

/// A key for "the same inputs": anything whose `Debug` output is
/// deterministic (tera contexts are), fed through one hasher without
/// building the text.
pub fn key_of(parts: &[&dyn std::fmt::Debug]) -> u64 {
    struct HashWriter(DefaultHasher);
    impl std::fmt::Write for HashWriter {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let mut writer = HashWriter(DefaultHasher::new());
    for part in parts {
        // Writing into a hasher cannot fail; the separator keeps ("ab", "")
        // apart from ("a", "b").
        let _ = std::fmt::Write::write_fmt(&mut writer, format_args!("{part:?}\u{0}"));
    }
    writer.0.finish()
}

/// Feed a JSON value (a tera context's data) into `h`, walking it rather
/// than formatting it: the preview keys a thousand page contexts per save.
pub fn hash_value(v: &serde_json::Value, h: &mut impl Hasher) {
    use serde_json::Value;
    match v {
        Value::Null => h.write_u8(0),
        Value::Bool(b) => h.write_u8(1 + u8::from(*b)),
        Value::Number(n) => {
            h.write_u8(3);
            match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => h.write_u64(u),
                (None, Some(i)) => h.write_i64(i),
                _ => h.write_u64(n.as_f64().unwrap_or_default().to_bits()),
            }
        }
        Value::String(s) => {
            h.write_u8(4);
            h.write_usize(s.len());
            h.write(s.as_bytes());
        }
        Value::Array(items) => {
            h.write_u8(5);
            h.write_usize(items.len());
            items.iter().for_each(|x| hash_value(x, h));
        }
        Value::Object(map) => {
            h.write_u8(6);
            h.write_usize(map.len());
            for (k, x) in map {
                h.write_usize(k.len());
                h.write(k.as_bytes());
                hash_value(x, h);
            }
        }
    }
}

/// A folder written from scratch (the staging folder of a build).
pub struct DirSink<'a>(pub &'a Path);

impl Sink for DirSink<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), BuildError> {
        write_file(self.0, rel, bytes)
    }
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

#[cfg(test)]
mod tests {
    use super::key_of;

    #[test]
    fn json_values_that_differ_hash_apart() {
        use std::hash::{DefaultHasher, Hasher};
        let hash = |v: serde_json::Value| {
            let mut h = DefaultHasher::new();
            super::hash_value(&v, &mut h);
            h.finish()
        };
        let a = serde_json::json!({"page": {"title": "A", "n": 1}, "hosts": ["x", "y"]});
        assert_eq!(hash(a.clone()), hash(a));
        assert_ne!(
            hash(serde_json::json!(["ab", ""])),
            hash(serde_json::json!(["a", "b"]))
        );
        assert_ne!(
            hash(serde_json::json!({"n": 1})),
            hash(serde_json::json!({"n": 2}))
        );
        assert_ne!(
            hash(serde_json::json!({"n": 1})),
            hash(serde_json::json!({"n": "1"}))
        );
    }

    #[test]
    fn keys_tell_inputs_apart() {
        assert_eq!(key_of(&[&"a", &1]), key_of(&[&"a", &1]));
        assert_ne!(key_of(&[&"a", &1]), key_of(&[&"a", &2]));
        assert_ne!(key_of(&[&"ab", &""]), key_of(&[&"a", &"b"]));
    }
}
