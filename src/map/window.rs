//! What a backend hands the mapping layer: an open file and the addresses it covers.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::error::MapError;
use super::mmap::Mode;

/// The stretch of addresses a source covers, and how they lie in its file.
#[derive(Debug)]
pub(crate) struct Window {
    /// The open device or file; `None` for anonymous memory.
    pub file: Option<File>,
    /// The path, for messages.
    pub path: PathBuf,
    /// Address of the byte at `file_offset`.
    pub start: u64,
    /// File offset of `start`.
    pub file_offset: u64,
    /// Number of addresses covered, when the source knows it.
    pub size: Option<u64>,
    /// The kernel maps this source only from `file_offset` (UIO, gpiomem):
    /// map from the window's start and step forward in memory instead.
    pub from_start: bool,
    /// Explain EPERM from mmap through /proc/iomem (only /dev/mem's is STRICT_DEVMEM).
    pub strict_devmem: bool,
}

/// Opens `path` for `mode`, turning the usual failures into messages that say
/// what to do. `remedy` is the advice for permission errors.
pub(crate) fn open_file(
    path: &Path,
    mode: Mode,
    custom_flags: i32,
    remedy: &'static str,
) -> Result<File, MapError> {
    let mut opts = OpenOptions::new();
    opts.read(true)
        .write(mode.writable())
        .custom_flags(custom_flags | libc::O_CLOEXEC);
    opts.open(path).map_err(|e| open_error(path, e, remedy))
}

/// The size of an opened file (a simulation file or a PCI resource file, whose
/// size is its BAR's).
pub(crate) fn file_size(file: &File, path: &Path) -> Result<u64, MapError> {
    file.metadata()
        .map(|m| m.len())
        .map_err(|source| MapError::Io {
            path: path.to_path_buf(),
            op: "stat",
            source,
        })
}

fn open_error(path: &Path, e: io::Error, remedy: &'static str) -> MapError {
    let path = path.to_path_buf();
    match e.raw_os_error() {
        Some(libc::ENOENT) if path == Path::new("/dev/mem") => MapError::NoDevMem { path },
        Some(libc::ENOENT) => MapError::NotFound { path, hint: "" },
        Some(libc::EACCES) => MapError::Permission { path, remedy },
        Some(libc::EPERM) => match lockdown_mode() {
            Some(mode) => MapError::Lockdown { path, mode },
            None => MapError::Permission { path, remedy },
        },
        _ => MapError::Io {
            path,
            op: "open",
            source: e,
        },
    }
}

/// The lockdown mode in force (`integrity` or `confidentiality`), if any.
pub(crate) fn lockdown_mode() -> Option<String> {
    let text = std::fs::read_to_string("/sys/kernel/security/lockdown").ok()?;
    let mode = text.split_whitespace().find(|w| w.starts_with('['))?;
    let mode = mode.trim_matches(['[', ']']);
    (mode != "none").then(|| mode.to_string())
}

/// Reads a sysfs-style number: `0x`-prefixed hex or decimal, trimmed.
pub(crate) fn read_number(path: &Path) -> Result<u64, MapError> {
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => MapError::NotFound {
            path: path.to_path_buf(),
            hint: "",
        },
        _ => MapError::Io {
            path: path.to_path_buf(),
            op: "read",
            source: e,
        },
    })?;
    let t = text.trim();
    let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => t.parse(),
    };
    parsed.map_err(|_| MapError::BadDescription {
        path: path.to_path_buf(),
        what: format!("expected a number, found {t:?}"),
    })
}
