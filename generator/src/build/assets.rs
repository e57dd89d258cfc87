//! The theme's static files, copied to the site root. Stylesheets and
//! scripts under `assets/` also get a content-fingerprinted copy
//! (`site.3fa2c1d0.css`) that pages link, so browsers can cache them for
//! ever; the plain name stays for the booking API's own pages.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::output::Sink;
use super::BuildError;

#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// Name below `assets/` (e.g. `site.css`) to the fingerprinted URL path
    /// (e.g. `/assets/site.3fa2c1d0.css`).
    pub urls: BTreeMap<String, String>,
    /// Files written, copies included.
    pub files: usize,
}

/// Copy `static_dir` (if the theme has one) into `dir`.
pub fn copy_theme_static(static_dir: &Path, out: &dyn Sink) -> Result<Assets, BuildError> {
    let mut files = Vec::new();
    if static_dir.is_dir() {
        collect(static_dir, static_dir, &mut files)?;
    }
    files.sort();
    let mut assets = Assets::default();
    for rel in files {
        let src = static_dir.join(&rel);
        let bytes = fs::read(&src).map_err(|e| BuildError::io("cannot read", &src, e))?;
        out.write(&rel, &bytes)?;
        assets.files += 1;
        if let Some(name) = rel.strip_prefix("assets/") {
            if let Some(hashed) = fingerprinted_name(name, &bytes) {
                out.write(&format!("assets/{hashed}"), &bytes)?;
                assets.files += 1;
                assets
                    .urls
                    .insert(name.to_string(), format!("/assets/{hashed}"));
            }
        }
    }
    Ok(assets)
}

/// `site.css` -> `site.<hash8>.css`, for stylesheets and scripts only.
fn fingerprinted_name(name: &str, bytes: &[u8]) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    if ext != "css" && ext != "js" {
        return None;
    }
    Some(format!("{stem}.{:08x}.{ext}", fnv1a(bytes) as u32))
}

/// FNV-1a: enough to tell versions of a file apart; not for security.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), BuildError> {
    let entries = fs::read_dir(dir).map_err(|e| BuildError::io("cannot read", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| BuildError::io("cannot read", dir, e))?;
        let path = entry.path();
        if path.is_dir() {
            collect(base, &path, out)?;
        } else {
            let rel = path.strip_prefix(base).unwrap_or(&path);
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push(name);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_css_and_js_only() {
        let a = fingerprinted_name("site.css", b"a").unwrap();
        assert!(
            a.starts_with("site.") && a.ends_with(".css") && a.len() == "site.12345678.css".len()
        );
        assert_ne!(a, fingerprinted_name("site.css", b"b").unwrap());
        assert!(fingerprinted_name("logo.svg", b"a").is_none());
    }
}
