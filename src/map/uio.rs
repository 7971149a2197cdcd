//! UIO devices: map M of `/dev/uioN` is at mmap offset M pages; its physical
//! address and size come from `/sys/class/uio/uioN/maps/mapM`.
//! The kernel always maps a UIO map from its start.

use std::path::Path;

use super::error::MapError;
use super::mmap::{page_size, Mode};
use super::window::{open_file, read_number, Window};

pub(crate) fn open(
    path: &Path,
    map_index: usize,
    info: &Path,
    mode: Mode,
) -> Result<Window, MapError> {
    let addr = read_number(&info.join("addr"))?;
    let size = read_number(&info.join("size"))?;
    let file = open_file(
        path,
        mode,
        0,
        "needs root, or a udev rule granting access to the UIO device",
    )?;
    let file_offset = (map_index as u64)
        .checked_mul(page_size() as u64)
        .ok_or_else(|| MapError::BadDescription {
            path: info.to_path_buf(),
            what: format!("map index {map_index} is too large"),
        })?;
    // The kernel maps from the page holding `addr`; drivers that round `addr`
    // down report the in-page part in `offset` and include it in `size`.
    let page_start = addr - addr % page_size() as u64;
    Ok(Window {
        file: Some(file),
        path: path.to_path_buf(),
        start: page_start,
        file_offset,
        size: Some((addr - page_start).saturating_add(size)),
        from_start: true,
        strict_devmem: false,
    })
}
