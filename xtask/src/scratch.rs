//! Fresh temporary folders for one run (data directories, logs).

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};

/// Creates a new, empty folder under the system's temporary folder, named `<prefix>-<unique>`.
pub fn fresh_dir(prefix: &str) -> Result<PathBuf> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
    // `create_dir` (not `_all`) fails if the folder exists: it is always a new one.
    std::fs::create_dir(&dir)
        .map_err(|err| Error::io(format!("creating {}", dir.display()), &err))?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_new_and_distinct() {
        let first = fresh_dir("parley-xtask-test");
        let second = fresh_dir("parley-xtask-test");
        assert!(matches!((&first, &second), (Ok(a), Ok(b)) if a != b && a.is_dir() && b.is_dir()));
        for dir in [first, second].into_iter().flatten() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}
