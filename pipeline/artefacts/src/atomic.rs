//! Files that appear whole or not at all.
//!
//! Every artefact is written to a temporary name in its final folder, flushed to disk and
//! then renamed over the final name. A run that fails (or is killed) part-way leaves at
//! most a `.tmp-*` file behind, never a truncated artefact under its real name; a dropped
//! [`AtomicFile`] that was not committed removes its temporary file.
//!
//! Every committed file is hashed (SHA-256) as its bytes are written, and [`committed`]
//! gives the digest back while the file is still as it was committed: the runner records
//! each artefact in the manifest twice (the output of one stage, the input of the next),
//! and reading a census-sized artefact back twice to hash it cost more than a second
//! per run at 10 million persons.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// A file being written under a temporary name until [`AtomicFile::commit`].
pub struct AtomicFile {
    final_path: PathBuf,
    temp_path: PathBuf,
    writer: Option<BufWriter<File>>,
    hasher: Sha256,
    bytes: u64,
}

/// The SHA-256 and size of a file this process committed, and what its metadata said
/// right after the commit (a later change of the file shows in its size or time).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Committed {
    sha256: String,
    bytes: u64,
    modified: Option<SystemTime>,
}

fn committed_files() -> &'static Mutex<HashMap<PathBuf, Committed>> {
    static FILES: OnceLock<Mutex<HashMap<PathBuf, Committed>>> = OnceLock::new();
    FILES.get_or_init(Default::default)
}

/// The SHA-256 (lower-case hex) and size of `path` if this process committed it through
/// an [`AtomicFile`] and it still has the size and modification time it had then;
/// `None` otherwise (hash the file).
pub fn committed(path: &Path) -> Option<(String, u64)> {
    let known = committed_files().lock().ok()?.get(path).cloned()?;
    let now = fs::metadata(path).ok()?;
    (now.len() == known.bytes && now.modified().ok() == known.modified)
        .then_some((known.sha256, known.bytes))
}

impl AtomicFile {
    /// Creates the temporary file next to `final_path` (creating the folder if needed).
    pub fn create(final_path: &Path) -> Result<Self> {
        let dir = final_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let name = final_path
            .file_name()
            .ok_or_else(|| Error::internal(format!("no file name in {}", final_path.display())))?;
        let temp_path = dir.join(format!(
            ".{}.tmp-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = File::create(&temp_path).map_err(|e| Error::io(&temp_path, e))?;
        Ok(AtomicFile {
            final_path: final_path.to_path_buf(),
            temp_path,
            writer: Some(BufWriter::with_capacity(1 << 20, file)),
            hasher: Sha256::new(),
            bytes: 0,
        })
    }

    /// The name the file will have once committed.
    pub fn final_path(&self) -> &Path {
        &self.final_path
    }

    /// Flushes, syncs and renames the file to its final name.
    pub fn commit(mut self) -> Result<()> {
        let writer = self.writer.take().expect("writer present until commit");
        let file = writer
            .into_inner()
            .map_err(|e| Error::io(&self.temp_path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&self.temp_path, e))?;
        drop(file);
        fs::rename(&self.temp_path, &self.final_path)
            .map_err(|e| Error::io(&self.final_path, e))?;
        sync_parent(&self.final_path);
        let record = Committed {
            sha256: crate::manifest::hex(&std::mem::take(&mut self.hasher).finalize()),
            bytes: self.bytes,
            modified: fs::metadata(&self.final_path)
                .and_then(|m| m.modified())
                .ok(),
        };
        if let Ok(mut files) = committed_files().lock() {
            files.insert(self.final_path.clone(), record);
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.writer.as_mut().expect("not committed").write(buf)?;
        self.hasher.update(&buf[..written]);
        self.bytes += written as u64;
        Ok(written)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer.as_mut().expect("not committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            // Not committed: the artefact must not appear.
            let _ = fs::remove_file(&self.temp_path);
        }
    }
}

/// Flushes a folder's entries (a rename is durable only once its folder is synced).
/// Best effort: not every platform or file system can sync a folder.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        sync_dir(dir);
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.commit()
}

/// Replaces the folder `final_dir` by `staged_dir` as close to atomically as a file
/// system allows: the old folder is moved aside, the new one renamed in, the old one
/// removed. Readers see either the complete old folder or the complete new one.
pub fn replace_dir(staged_dir: &Path, final_dir: &Path) -> Result<()> {
    let aside = final_dir.with_extension(format!("old-{}", std::process::id()));
    let had_old = final_dir.exists();
    if had_old {
        fs::rename(final_dir, &aside).map_err(|e| Error::io(final_dir, e))?;
    }
    if let Err(e) = fs::rename(staged_dir, final_dir) {
        if had_old {
            let _ = fs::rename(&aside, final_dir);
        }
        return Err(Error::io(final_dir, e));
    }
    sync_parent(final_dir);
    if had_old {
        fs::remove_dir_all(&aside).map_err(|e| Error::io(&aside, e))?;
    }
    Ok(())
}

/// Moves the file or folder `from` to `to`, replacing what is there: folders through
/// [`replace_dir`], files by one rename. Nothing happens when `from` does not exist.
pub fn replace(from: &Path, to: &Path) -> Result<()> {
    if from.is_dir() {
        if to.exists() && !to.is_dir() {
            fs::remove_file(to).map_err(|e| Error::io(to, e))?;
        }
        replace_dir(from, to)
    } else if from.exists() {
        if let Some(dir) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        fs::rename(from, to).map_err(|e| Error::io(to, e))?;
        sync_parent(to);
        Ok(())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_uncommitted_file_never_appears() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        {
            let mut f = AtomicFile::create(&path).unwrap();
            f.write_all(b"half").unwrap();
        }
        assert!(!path.exists());
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            0,
            "temp file removed"
        );
    }

    #[test]
    fn a_committed_file_appears_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/a.txt");
        write_file(&path, b"whole").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"whole");
    }

    #[test]
    fn a_committed_file_is_known_by_its_sha256_until_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        assert_eq!(committed(&path), None);
        write_file(&path, b"abc").unwrap();
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(committed(&path), Some((abc.to_string(), 3)));
        fs::write(&path, b"abcd").unwrap();
        assert_eq!(committed(&path), None, "a changed file is hashed again");
    }

    #[test]
    fn replacing_a_folder_keeps_only_the_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("sdmx"), dir.path().join("staged"));
        write_file(&old.join("x"), b"old").unwrap();
        write_file(&new.join("y"), b"new").unwrap();
        replace_dir(&new, &old).unwrap();
        assert!(!old.join("x").exists());
        assert_eq!(fs::read(old.join("y")).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
