//! `/dev/gpiomem` (BCM2835..BCM2711) and `/dev/gpiomem0..4` (RP1 on the
//! Raspberry Pi 5). The kernel ignores the mmap offset and maps its block from
//! the start, so the window always maps from offset 0.

use std::path::Path;

use super::error::MapError;
use super::mmap::Mode;
use super::window::{open_file, Window};

pub(crate) fn open(path: &Path, base: u64, mode: Mode) -> Result<Window, MapError> {
    let file = open_file(
        path,
        mode,
        libc::O_SYNC,
        "run as root or add the user to the 'gpio' group",
    )?;
    Ok(Window {
        file: Some(file),
        path: path.to_path_buf(),
        start: base,
        file_offset: 0,
        size: None,
        from_start: true,
        strict_devmem: false,
    })
}
