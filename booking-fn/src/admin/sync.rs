//! `bookings sync-slots`: read and check a slot manifest, load it into the
//! store, describe what changed.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use super::AdminError;
use crate::model::SyncReport;
use crate::slots::{SlotManifest, MANIFEST_VERSION};
use crate::store::Store;

/// Read `path` as a slot manifest, naming the line and column of any JSON
/// error, and refuse a manifest of another version or with a repeated id.
pub fn read_manifest(path: &Path) -> Result<SlotManifest, AdminError> {
    let text = std::fs::read_to_string(path).map_err(|error| AdminError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    let manifest = SlotManifest::from_json(&text).map_err(|e| AdminError::BadManifest {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        // serde_json appends " at line L column C"; we say it first.
        message: strip_position(&e.to_string()),
    })?;
    if manifest.version != MANIFEST_VERSION {
        return Err(AdminError::ManifestVersion {
            path: path.to_path_buf(),
            found: manifest.version,
            expected: MANIFEST_VERSION,
        });
    }
    let mut seen = HashSet::new();
    for slot in &manifest.visits {
        if !seen.insert(slot.id.as_str()) {
            return Err(AdminError::DuplicateVisit {
                path: path.to_path_buf(),
                id: slot.id.clone(),
            });
        }
    }
    Ok(manifest)
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

pub async fn sync_slots(store: &dyn Store, path: &Path) -> Result<SyncReport, AdminError> {
    let manifest = read_manifest(path)?;
    Ok(store.sync_slots(&manifest.visits).await?)
}

/// The report as the operator reads it.
pub fn describe(report: &SyncReport) -> String {
    let mut out = String::new();
    let mut list = |label: &str, ids: &[String]| {
        let _ = write!(out, "{label}: {}", ids.len());
        if !ids.is_empty() {
            let _ = write!(out, " ({})", ids.join(", "));
        }
        out.push('\n');
    };
    list("added", &report.added);
    list("updated", &report.updated);
    list("withdrawn", &report.withdrawn);
    let _ = writeln!(out, "unchanged: {}", report.unchanged);
    for (id, asked, kept) in &report.capacity_held {
        let _ = writeln!(
            out,
            "capacity held: {id} asked for {asked} places but {kept} are booked; kept at {kept}"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (std::path::PathBuf, impl Drop) {
        struct Cleanup(std::path::PathBuf);
        impl Drop for Cleanup {
            fn drop(&mut self) {
                let _ = std::fs::remove_file(&self.0);
            }
        }
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "slots-{}-{}.json",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::write(&path, text).unwrap();
        (path.clone(), Cleanup(path))
    }

    #[test]
    fn bad_json_names_line_and_column() {
        let (path, _c) = write("{\n  \"version\": 1,\n  \"visits\": [,]\n}");
        let err = read_manifest(&path).unwrap_err().to_string();
        assert!(err.contains("line 3, column 14"), "{err}");
        assert!(!err.contains(" at line "), "position said once: {err}");
    }

    #[test]
    fn unknown_field_and_wrong_version_are_refused() {
        let (path, _c) = write(r#"{"version": 1, "visits": [], "extra": true}"#);
        let err = read_manifest(&path).unwrap_err().to_string();
        assert!(err.contains("unknown field `extra`"), "{err}");
        let (path, _c) = write(r#"{"version": 9, "visits": []}"#);
        let err = read_manifest(&path).unwrap_err().to_string();
        assert!(err.contains("manifest version 9"), "{err}");
    }

    #[test]
    fn missing_file_is_a_clear_error() {
        let err = read_manifest(Path::new("/nonexistent/slots.json"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cannot read /nonexistent/slots.json"),
            "{err}"
        );
    }

    #[test]
    fn report_lists_ids_and_held_cuts() {
        let report = SyncReport {
            added: vec!["a".into(), "b".into()],
            unchanged: 3,
            capacity_held: vec![("c".into(), 4, 6)],
            ..SyncReport::default()
        };
        let text = describe(&report);
        assert!(text.contains("added: 2 (a, b)\n"), "{text}");
        assert!(text.contains("withdrawn: 0\n"), "{text}");
        assert!(
            text.contains("c asked for 4 places but 6 are booked"),
            "{text}"
        );
    }
}
