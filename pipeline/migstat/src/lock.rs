//! `DIR/.migstat.lock`: one run at a time per run folder.
//!
//! The lock file holds the PID of the run that owns it, and that run keeps an exclusive
//! `flock` on it while it works: the kernel drops the `flock` when the process ends in
//! any way (even `kill -9`), so a lock left by a dead run is recognised and taken over,
//! with a note. A lock file whose PID is alive is respected even without a `flock`
//! (written by hand or by another tool). The file is removed when the run ends.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use migstat_artefacts::layout::RunDir;
use migstat_artefacts::Error;

use crate::failure::Failure;
use crate::log;

/// The held lock; released (and its file removed) when dropped.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
    _file: File,
}

impl RunLock {
    /// Takes the lock of `dir` (which must exist), or says who holds it.
    pub fn acquire(dir: &RunDir) -> Result<RunLock, Failure> {
        let path = dir.lock_file();
        let me = std::process::id();
        for _ in 0..8 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            if !try_lock(&file) {
                return Err(Failure::Locked {
                    pid: read_pid(&path),
                    path,
                });
            }
            // The holder before us may have removed the file between our open and our
            // lock: then we locked a file nobody else sees. Start again.
            if !same_file(&file, &path) {
                continue;
            }
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            if let Some(pid) = parse_pid(&text).filter(|p| *p != me) {
                if alive(pid) {
                    return Err(Failure::Locked {
                        pid: Some(pid),
                        path,
                    });
                }
                log::note(
                    "stale_lock",
                    &format!(
                        "taking over the lock {} left by migstat PID {pid}, which is no longer running",
                        path.display()
                    ),
                );
            }
            let write = |file: &mut File| -> std::io::Result<()> {
                file.set_len(0)?;
                file.seek(SeekFrom::Start(0))?;
                writeln!(file, "{me}")?;
                file.sync_all()
            };
            write(&mut file).map_err(|e| Error::io(&path, e))?;
            return Ok(RunLock { path, _file: file });
        }
        Err(Failure::Locked {
            pid: read_pid(&path),
            path,
        })
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Removed while still locked; the flock goes with the file handle right after.
        let _ = fs::remove_file(&self.path);
    }
}

fn parse_pid(text: &str) -> Option<u32> {
    text.trim().parse().ok()
}

fn read_pid(path: &Path) -> Option<u32> {
    fs::read_to_string(path).ok().and_then(|t| parse_pid(&t))
}

#[cfg(unix)]
fn try_lock(file: &File) -> bool {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock on a file descriptor we own; no memory is shared.
    unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> bool {
    true
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// Whether a process with this PID exists (permission denied still means it does).
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_folder_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let run = RunDir::new(dir.path());
        let held = RunLock::acquire(&run).unwrap();
        assert_eq!(
            read_pid(&run.lock_file()),
            Some(std::process::id()),
            "the lock file holds our PID"
        );
        // flock locks are per open file description: a second open conflicts even in
        // the same process.
        match RunLock::acquire(&run) {
            Err(Failure::Locked { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected Locked, got {other:?}"),
        }
        drop(held);
        assert!(!run.lock_file().exists(), "released locks leave no file");
        let again = RunLock::acquire(&run).unwrap();
        drop(again);
    }

    #[test]
    fn a_lock_left_by_a_dead_process_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let run = RunDir::new(dir.path());
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        fs::write(run.lock_file(), format!("{dead}\n")).unwrap();
        let lock = RunLock::acquire(&run).unwrap();
        assert_eq!(read_pid(&run.lock_file()), Some(std::process::id()));
        drop(lock);
    }
}
