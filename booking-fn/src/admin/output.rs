//! Writing a command's output to a file or stdout. Files are written to a
//! temporary sibling and renamed into place, so a reader (the generator, a
//! spreadsheet) never sees half a file and a failure leaves the old one.

use std::io::Write;
use std::path::Path;

use super::AdminError;

/// Write what `fill` produces to `out`, or to stdout when `out` is `None`.
pub fn write_to<F>(out: Option<&Path>, fill: F) -> Result<(), AdminError>
where
    F: FnOnce(&mut dyn Write) -> Result<(), AdminError>,
{
    let Some(path) = out else {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        fill(&mut lock)?;
        lock.flush()?;
        return Ok(());
    };
    let write_err = |source| AdminError::Write {
        path: path.to_path_buf(),
        source,
    };
    let Some(name) = path.file_name() else {
        return Err(write_err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file name",
        )));
    };
    let mut tmp_name = name.to_os_string();
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let result = (|| {
        let file = std::fs::File::create(&tmp).map_err(write_err)?;
        let mut buffered = std::io::BufWriter::new(file);
        fill(&mut buffered)?;
        let file = buffered
            .into_inner()
            .map_err(|e| write_err(e.into_error()))?;
        file.sync_all().map_err(write_err)?;
        std::fs::rename(&tmp, path).map_err(write_err)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_is_replaced_whole() {
        let dir = std::env::temp_dir().join(format!("bookings-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.json");
        write_to(Some(&path), |w| Ok(w.write_all(b"one")?)).unwrap();
        write_to(Some(&path), |w| Ok(w.write_all(b"two")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        // A failing writer leaves the old file and no temporary behind.
        let err = write_to(Some(&path), |_| {
            Err(AdminError::Io(std::io::Error::other("x")))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_directory_is_a_clear_error() {
        let err = write_to(Some(Path::new("/nonexistent-dir/out.csv")), |_| Ok(())).unwrap_err();
        assert!(
            err.to_string()
                .contains("cannot write /nonexistent-dir/out.csv"),
            "{err}"
        );
    }
}
