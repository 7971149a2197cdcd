//! Anonymous zeroed memory, for tests and dry runs.

use std::path::PathBuf;

use super::window::Window;

pub(crate) fn open(base: u64) -> Window {
    Window {
        file: None,
        path: PathBuf::from("anonymous memory"),
        start: base,
        file_offset: 0,
        size: None,
        from_start: true,
        strict_devmem: false,
    }
}
