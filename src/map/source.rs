//! Where a mapping comes from: the unvalidated description of a source.

use std::path::{Path, PathBuf};

use super::error::MapError;

/// A device or file that physical addresses can be mapped from.
///
/// A `Source` is only a description: nothing is opened until
/// [`Mapping::open`](super::Mapping::open).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// `/dev/mem`: file offset = physical address.
    DevMem {
        /// Usually `/dev/mem`.
        path: PathBuf,
        /// Open with `O_SYNC` (uncached on the CPUs where it matters).
        sync: bool,
    },
    /// `/dev/gpiomem` or `/dev/gpiomem0..4`: the kernel maps the GPIO block at
    /// offset 0 whatever offset is asked, so `base` says what address that is.
    GpioMem {
        /// The device.
        path: PathBuf,
        /// Physical address of the block at offset 0.
        base: u64,
    },
    /// A PCI BAR through `/sys/bus/pci/devices/BDF/resourceN`. Addresses are
    /// the BAR's bus physical addresses (from the sibling `resource` file), and
    /// its size is the file's size.
    PciResource {
        /// The resource file.
        path: PathBuf,
    },
    /// A UIO device map: `/dev/uioN`, map M at offset M pages, its address and
    /// size read from `info` (usually `/sys/class/uio/uioN/maps/mapM`).
    Uio {
        /// The device.
        path: PathBuf,
        /// The map number.
        map_index: usize,
        /// Folder holding `addr`, `size` and `offset` of the map.
        info: PathBuf,
    },
    /// A regular file as simulated physical memory: address = offset + `base`.
    File {
        /// The file.
        path: PathBuf,
        /// Address of the file's first byte.
        base: u64,
    },
    /// Fresh zeroed memory numbered from `base` (tests, dry runs).
    Anonymous {
        /// Address of the first byte.
        base: u64,
    },
}

impl Source {
    /// `/dev/mem` with `O_SYNC`.
    pub fn devmem() -> Self {
        Source::DevMem {
            path: PathBuf::from("/dev/mem"),
            sync: true,
        }
    }

    /// A gpiomem device whose offset 0 is the block at `base`.
    pub fn gpiomem(path: impl Into<PathBuf>, base: u64) -> Self {
        Source::GpioMem {
            path: path.into(),
            base,
        }
    }

    /// A PCI resource file, by path.
    pub fn pci_resource(path: impl Into<PathBuf>) -> Self {
        Source::PciResource { path: path.into() }
    }

    /// BAR `bar` of the PCI device `bdf` (`0000:00:02.0`), under /sys/bus/pci.
    pub fn pci_bar(bdf: &str, bar: u8) -> Result<Self, MapError> {
        if !is_bdf(bdf) || bar > 5 {
            return Err(MapError::BadDescription {
                path: PathBuf::from(bdf),
                what: format!(
                    "not a PCI device and BAR (got BAR {bar}): expected DDDD:BB:DD.F and a BAR from 0 to 5"
                ),
            });
        }
        Ok(Self::pci_resource(format!(
            "/sys/bus/pci/devices/{bdf}/resource{bar}"
        )))
    }

    /// Map `map_index` of `/dev/uio{n}`, described under /sys/class/uio.
    pub fn uio(n: u32, map_index: usize) -> Self {
        Source::Uio {
            path: PathBuf::from(format!("/dev/uio{n}")),
            map_index,
            info: PathBuf::from(format!("/sys/class/uio/uio{n}/maps/map{map_index}")),
        }
    }

    /// A regular file whose first byte is address `base`.
    pub fn file(path: impl Into<PathBuf>, base: u64) -> Self {
        Source::File {
            path: path.into(),
            base,
        }
    }

    /// Anonymous memory whose first byte is address `base`.
    pub fn anonymous(base: u64) -> Self {
        Source::Anonymous { base }
    }

    /// Picks the source a device path implies: `/dev/mem`, `/dev/gpiomem*`
    /// (offset 0 is `base`), `/dev/uioN` (map 0), a PCI `resourceN` file, or
    /// any other path as a file whose first byte is `base`.
    pub fn from_path(path: &Path, base: u64) -> Self {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path == Path::new("/dev/mem") {
            Self::devmem()
        } else if name.starts_with("gpiomem") {
            Self::gpiomem(path, base)
        } else if let Some(n) = name.strip_prefix("uio").and_then(|n| n.parse::<u32>().ok()) {
            Source::Uio {
                path: path.to_path_buf(),
                map_index: 0,
                info: PathBuf::from(format!("/sys/class/uio/uio{n}/maps/map0")),
            }
        } else if pci_bar_index(path).is_some() {
            Self::pci_resource(path)
        } else {
            Self::file(path, base)
        }
    }

    /// The device or file, for messages (`anonymous memory` for none).
    pub fn path(&self) -> &Path {
        match self {
            Source::DevMem { path, .. }
            | Source::GpioMem { path, .. }
            | Source::PciResource { path }
            | Source::Uio { path, .. }
            | Source::File { path, .. } => path,
            Source::Anonymous { .. } => Path::new("anonymous memory"),
        }
    }
}

/// `N` of a `resourceN` or `resourceN_wc` file name.
pub(crate) fn pci_bar_index(path: &Path) -> Option<usize> {
    let name = path.file_name()?.to_str()?;
    let rest = name.strip_prefix("resource")?;
    let digits = rest.strip_suffix("_wc").unwrap_or(rest);
    (digits.len() == 1).then(|| digits.parse().ok()).flatten()
}

fn is_bdf(s: &str) -> bool {
    let b = s.as_bytes();
    let hex = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_hexdigit);
    b.len() == 12
        && hex(0..4)
        && b[4] == b':'
        && hex(5..7)
        && b[7] == b':'
        && hex(8..10)
        && b[10] == b'.'
        && (b'0'..=b'7').contains(&b[11])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_sources_from_paths() {
        assert_eq!(
            Source::from_path(Path::new("/dev/mem"), 0),
            Source::devmem()
        );
        assert!(matches!(
            Source::from_path(Path::new("/dev/gpiomem0"), 0x1f000d0000),
            Source::GpioMem {
                base: 0x1f000d0000,
                ..
            }
        ));
        assert!(matches!(
            Source::from_path(Path::new("/dev/uio3"), 0),
            Source::Uio { .. }
        ));
        assert!(matches!(
            Source::from_path(Path::new("/sys/bus/pci/devices/0000:00:02.0/resource0"), 0),
            Source::PciResource { .. }
        ));
        assert!(matches!(
            Source::from_path(Path::new("dump.bin"), 7),
            Source::File { base: 7, .. }
        ));
    }

    #[test]
    fn bdf_is_validated() {
        assert!(Source::pci_bar("0000:00:02.0", 0).is_ok());
        assert!(Source::pci_bar("00:02.0", 0).is_err());
        assert!(Source::pci_bar("0000:00:02.0", 6).is_err());
        assert!(Source::pci_bar("0000:00:02.8", 0).is_err());
    }
}
