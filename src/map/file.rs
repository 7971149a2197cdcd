//! A regular file as simulated physical memory: address = `base` + file offset.

use std::path::Path;

use super::error::MapError;
use super::mmap::Mode;
use super::window::{file_size, open_file, Window};

pub(crate) fn open(path: &Path, base: u64, mode: Mode) -> Result<Window, MapError> {
    let file = open_file(path, mode, 0, "check the file's permissions")?;
    let size = file_size(&file, path)?;
    Ok(Window {
        file: Some(file),
        path: path.to_path_buf(),
        start: base,
        file_offset: 0,
        size: Some(size),
        from_start: false,
        strict_devmem: false,
    })
}
