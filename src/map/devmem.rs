//! `/dev/mem`: the whole physical address space, file offset = address.

use std::path::Path;

use super::error::MapError;
use super::mmap::Mode;
use super::window::{open_file, Window};

pub(crate) fn open(path: &Path, sync: bool, mode: Mode) -> Result<Window, MapError> {
    let flags = if sync { libc::O_SYNC } else { 0 };
    let file = open_file(
        path,
        mode,
        flags,
        "needs root or CAP_SYS_RAWIO (run with sudo)",
    )?;
    Ok(Window {
        file: Some(file),
        path: path.to_path_buf(),
        start: 0,
        file_offset: 0,
        size: None,
        from_start: false,
        strict_devmem: true,
    })
}
