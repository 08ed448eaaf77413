//! Every file docproof writes for a reader (reports, transcripts, the lock)
//! reaches its name whole or not at all: it is written to a temporary file
//! in the same folder and renamed over its name. A run stopped half-way
//! leaves no 0-byte or cut-off file for CI to publish. At the crate's top
//! because both the reports and the lock (`features`, which may not import
//! `report`) write through it.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Temporary files start with this, so a folder's leftovers (a run killed
/// with SIGKILL) are recognisably docproof's and the next run removes them.
pub const TEMP_PREFIX: &str = ".docproof-";

/// Writes `contents` to `path`, atomically.
pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let mut staged = Staged::new(path)?;
    staged.write_all(contents.as_ref())?;
    staged.commit()
}

/// A file being written. It appears at its path only on [`Staged::commit`];
/// dropped before that (an error, a signal), it leaves nothing behind.
pub struct Staged {
    file: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Staged {
    /// Starts `path` as a temporary file in its folder (a rename across
    /// file systems would not be atomic).
    pub fn new(path: &Path) -> io::Result<Staged> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(TEMP_PREFIX).suffix(".tmp");
        // A report is read by CI and people, not only by its writer.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        Ok(Staged {
            file: builder.tempfile_in(dir)?,
            path: path.to_path_buf(),
        })
    }

    /// Another handle on the same temporary file, for a writer that must own
    /// one (cucumber's JUnit and JSON writers).
    pub fn handle(&self) -> io::Result<File> {
        self.file.as_file().try_clone()
    }

    /// Renames the temporary file over `path`.
    pub fn commit(mut self) -> io::Result<()> {
        self.file.flush()?;
        self.file.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Write for Staged {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_staged_file_appears_only_when_committed_and_replaces_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junit.xml");
        std::fs::write(&path, "old").unwrap();
        let mut staged = Staged::new(&path).unwrap();
        staged.write_all(b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        staged.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(names(dir.path()), ["junit.xml"]);
    }

    #[test]
    fn a_staged_file_dropped_uncommitted_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cucumber.json");
        let staged = Staged::new(&path).unwrap();
        let mut handle = staged.handle().unwrap();
        handle.write_all(b"[").unwrap();
        drop(staged);
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
    }

    #[test]
    fn write_goes_through_a_handle_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cucumber.json");
        let staged = Staged::new(&path).unwrap();
        staged.handle().unwrap().write_all(b"[]").unwrap();
        staged.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[]");
        write(&path, "[1]").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[1]");
    }
}
