//! PCI BARs through sysfs `resourceN` files. The BAR's physical address is
//! line N of the sibling `resource` file; its size is the resource file's size.

use std::path::{Path, PathBuf};

use super::error::MapError;
use super::mmap::Mode;
use super::source::pci_bar_index;
use super::window::{file_size, open_file, Window};

pub(crate) fn open(path: &Path, mode: Mode) -> Result<Window, MapError> {
    let bad = |what: String| MapError::BadDescription {
        path: path.to_path_buf(),
        what,
    };
    let bar = pci_bar_index(path)
        .ok_or_else(|| bad("not a PCI resource file: expected a name like resource0".into()))?;
    let start = bar_address(&path.with_file_name("resource"), bar)?;
    let file = open_file(path, mode, 0, "needs root")?;
    let size = file_size(&file, path)?;
    if size == 0 {
        return Err(bad(format!(
            "BAR {bar} has size 0: it is unassigned, or an I/O-port BAR that cannot be mapped"
        )));
    }
    Ok(Window {
        file: Some(file),
        path: path.to_path_buf(),
        start,
        file_offset: 0,
        size: Some(size),
        from_start: false,
        strict_devmem: false,
    })
}

/// Start address of BAR `bar` from a sysfs `resource` table (`start end flags` per line).
fn bar_address(table: &Path, bar: usize) -> Result<u64, MapError> {
    let text = std::fs::read_to_string(table).map_err(|source| MapError::Io {
        path: PathBuf::from(table),
        op: "read",
        source,
    })?;
    let line = text.lines().nth(bar).unwrap_or("");
    line.split_whitespace()
        .next()
        .and_then(|w| w.strip_prefix("0x"))
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .ok_or_else(|| MapError::BadDescription {
            path: table.to_path_buf(),
            what: format!("line {} is not `0xSTART 0xEND 0xFLAGS`", bar + 1),
        })
}
