//! The advisory lock that serializes writes (and so read-modify-writes)
//! between physreg processes: `flock(LOCK_EX)` on one shared lock file.
//!
//! The file is `$PHYSREG_LOCK_FILE` when set, else `/run/lock/physreg.lock`,
//! else `physreg.lock` in the temporary folder when /run/lock cannot be used.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::rc::Rc;

use anyhow::Context as _;

/// An open lock file; [`Locker::lock`] takes the lock until the guard drops.
#[derive(Debug)]
pub struct Locker {
    file: File,
    path: PathBuf,
}

/// Holds the lock; dropping it releases it.
#[derive(Debug)]
pub struct Guard {
    locker: Rc<Locker>,
}

impl Locker {
    /// Opens (creating if needed) the lock file.
    pub fn open() -> anyhow::Result<Self> {
        let candidates: Vec<PathBuf> = match std::env::var_os("PHYSREG_LOCK_FILE") {
            Some(p) if !p.is_empty() => vec![PathBuf::from(p)],
            _ => vec![
                PathBuf::from("/run/lock/physreg.lock"),
                std::env::temp_dir().join("physreg.lock"),
            ],
        };
        let mut last: Option<(PathBuf, io::Error)> = None;
        for path in candidates {
            match open_lock_file(&path) {
                Ok(file) => return Ok(Locker { file, path }),
                Err(e) => last = Some((path, e)),
            }
        }
        let (path, e) = last.unwrap_or_else(|| {
            (
                PathBuf::from("physreg.lock"),
                io::ErrorKind::NotFound.into(),
            )
        });
        Err(e).with_context(|| {
            format!(
                "cannot open the lock file {}: set PHYSREG_LOCK_FILE to a writable path, or pass --no-lock",
                path.display()
            )
        })
    }

    /// Takes the exclusive lock, waiting for other physreg processes.
    pub fn lock(self: &Rc<Self>) -> anyhow::Result<Guard> {
        loop {
            // SAFETY: flock on an fd this struct owns.
            let rc = unsafe { libc::flock(self.file.as_raw_fd(), libc::LOCK_EX) };
            if rc == 0 {
                return Ok(Guard {
                    locker: Rc::clone(self),
                });
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e).with_context(|| {
                    format!(
                        "cannot lock {}: pass --no-lock to write without serializing",
                        self.path.display()
                    )
                });
            }
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        // SAFETY: unlocking an fd the locker owns.
        unsafe {
            libc::flock(self.locker.file.as_raw_fd(), libc::LOCK_UN);
        }
    }
}

fn open_lock_file(path: &std::path::Path) -> io::Result<File> {
    let rw = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o666)
        .custom_flags(libc::O_CLOEXEC)
        .open(path);
    match rw {
        Ok(f) => Ok(f),
        // Another user's lock file: flock works on a read-only descriptor too.
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_CLOEXEC)
            .open(path),
        Err(e) => Err(e),
    }
}
