//! `/proc/iomem`: which physical ranges are System RAM, which a driver has
//! claimed, and which are idle. Used to explain STRICT_DEVMEM refusals and to
//! keep writes off RAM.

use std::path::Path;

use thiserror::Error;

/// Why `/proc/iomem` could not be read or understood.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum IomemError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A line is not `start-end : name`.
    #[error("{path}:{line}: not an iomem line (expected `start-end : name`)")]
    Syntax {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
    },
}

/// One line of `/proc/iomem`: an inclusive range, its name and nesting depth.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IomemEntry {
    /// First address.
    pub start: u64,
    /// Last address (inclusive).
    pub end: u64,
    /// The resource's name: "System RAM", a driver or device name, a node name.
    pub name: String,
    /// Indentation level (0 for top-level resources).
    pub depth: usize,
}

impl IomemEntry {
    /// Whether `[start, end]` (inclusive) overlaps this entry.
    pub fn overlaps(&self, start: u64, end: u64) -> bool {
        self.start <= end && start <= self.end
    }

    /// Whether this is RAM that the kernel manages.
    pub fn is_system_ram(&self) -> bool {
        self.name == "System RAM" || self.name.starts_with("System RAM ")
    }
}

/// What `/proc/iomem` says of a physical range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RangeStatus {
    /// Some of the range is System RAM.
    SystemRam,
    /// A driver holds (part of) the range: the deepest resource's name.
    Claimed(String),
    /// Listed only as a bus or device node, or not listed: no driver holds it.
    Idle,
    /// Every listed address is zero: the caller lacks root, so nothing can be told.
    Hidden,
}

/// A parsed `/proc/iomem`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Iomem {
    entries: Vec<IomemEntry>,
}

impl Iomem {
    /// The running system's `/proc/iomem`.
    pub fn load() -> Result<Self, IomemError> {
        Self::load_from(Path::new("/proc/iomem"))
    }

    /// An iomem file at `path` (tests build their own).
    pub fn load_from(path: &Path) -> Result<Self, IomemError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| IomemError::Read {
            path: name.clone(),
            source,
        })?;
        Self::parse(&text, &name)
    }

    /// Parses iomem text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, IomemError> {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let entry = parse_line(line).ok_or_else(|| IomemError::Syntax {
                path: origin.to_string(),
                line: i + 1,
            })?;
            entries.push(entry);
        }
        Ok(Iomem { entries })
    }

    /// All entries in file order.
    pub fn entries(&self) -> &[IomemEntry] {
        &self.entries
    }

    /// Entries overlapping `[start, start + len)`, outermost first.
    pub fn overlapping(&self, start: u64, len: u64) -> impl Iterator<Item = &IomemEntry> {
        let end = start.saturating_add(len.max(1) - 1);
        self.entries.iter().filter(move |e| e.overlaps(start, end))
    }

    /// Classifies `[start, start + len)`.
    pub fn status(&self, start: u64, len: u64) -> RangeStatus {
        if !self.entries.is_empty() && self.entries.iter().all(|e| e.start == 0 && e.end == 0) {
            return RangeStatus::Hidden;
        }
        let hits: Vec<&IomemEntry> = self.overlapping(start, len).collect();
        if hits.iter().any(|e| e.is_system_ram()) {
            return RangeStatus::SystemRam;
        }
        match hits
            .iter()
            .filter(|e| is_claim(&e.name))
            .max_by_key(|e| e.depth)
        {
            Some(e) => RangeStatus::Claimed(e.name.clone()),
            None => RangeStatus::Idle,
        }
    }
}

/// Whether an iomem name is a driver's request (busy) rather than a device's
/// or bus's own resource. /proc/iomem shows no flags, so this goes by the
/// names the kernel gives: a device-tree node (`pl011@9000000`), a PCI
/// function (`0000:00:01.0`) or a bus window are not requests; a driver's
/// `devm_ioremap_resource` region (`9000000.pl011 pl011@9000000`, with a
/// space) and a named request (`rtc-pl031`, `serial`, `PCI ECAM`) are.
fn is_claim(name: &str) -> bool {
    let node = name.split_once('@').is_some_and(|(head, addr)| {
        !head.contains(' ') && !addr.is_empty() && addr.chars().all(|c| c.is_ascii_hexdigit())
    });
    !(node || is_pci_function(name))
}

/// `DDDD:BB:DD.F`.
fn is_pci_function(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 12
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b':',
            10 => *c == b'.',
            _ => c.is_ascii_hexdigit(),
        })
}

fn parse_line(line: &str) -> Option<IomemEntry> {
    let depth = (line.len() - line.trim_start().len()) / 2;
    let (range, name) = line.trim_start().split_once(" : ")?;
    let (start, end) = range.split_once('-')?;
    let start = u64::from_str_radix(start.trim(), 16).ok()?;
    let end = u64::from_str_radix(end.trim(), 16).ok()?;
    (start <= end).then(|| IomemEntry {
        start,
        end,
        name: name.trim().to_string(),
        depth,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Excerpts of /proc/iomem as seen in the QEMU suite's guests (QEMU 7.2,
    /// Debian's 6.1 arm64 kernels).
    const VIRT: &str = "\
09000000-09000fff : pl011@9000000
  09000000-09000fff : 9000000.pl011 pl011@9000000
09010000-09010fff : pl031@9010000
  09010000-09010fff : rtc-pl031
09030000-09030fff : pl061@9030000
  09030000-09030fff : 9030000.pl061 pl061@9030000
10000000-3efeffff : pcie@10000000
  10000000-100fffff : 0000:00:01.0
40000000-5fffffff : System RAM
  40210000-4158ffff : Kernel code
  48000000-481fdfff : reserved
4010000000-401fffffff : PCI ECAM
";
    const RASPI3B: &str = "\
00000000-3bffffff : System RAM
  00210000-0185ffff : Kernel code
3f00b880-3f00b8bf : 3f00b880.mailbox mailbox@7e00b880
3f200000-3f2000b3 : 3f200000.gpio gpio@7e200000
3f201000-3f2011ff : serial@7e201000
  3f201000-3f2011ff : 3f201000.serial serial@7e201000
3f215040-3f21507f : serial
";

    #[test]
    fn classifies_ram_driver_and_idle_on_virt() {
        let io = Iomem::parse(VIRT, "iomem").unwrap();
        assert_eq!(io.status(0x4800_0000, 4096), RangeStatus::SystemRam);
        assert_eq!(
            io.status(0x0900_0000, 4096),
            RangeStatus::Claimed("9000000.pl011 pl011@9000000".into())
        );
        assert_eq!(
            io.status(0x0901_0000, 4),
            RangeStatus::Claimed("rtc-pl031".into())
        );
        // The edu device's BAR: a PCI function with no driver is idle.
        assert_eq!(io.status(0x1000_0000, 0x10_0000), RangeStatus::Idle);
        // virtio-mmio (module not loaded) and unlisted space.
        assert_eq!(io.status(0x0a00_0000, 0x200), RangeStatus::Idle);
        assert_eq!(io.status(0x0b00_0000, 4), RangeStatus::Idle);
        assert_eq!(
            io.status(0x40_1000_0000, 4),
            RangeStatus::Claimed("PCI ECAM".into())
        );
    }

    #[test]
    fn classifies_top_level_driver_requests_on_raspi3b() {
        let io = Iomem::parse(RASPI3B, "iomem").unwrap();
        assert_eq!(
            io.status(0x3f20_0000, 0xb4),
            RangeStatus::Claimed("3f200000.gpio gpio@7e200000".into())
        );
        assert_eq!(
            io.status(0x3f20_1000, 4),
            RangeStatus::Claimed("3f201000.serial serial@7e201000".into())
        );
        assert_eq!(
            io.status(0x3f21_5040, 4),
            RangeStatus::Claimed("serial".into())
        );
        assert_eq!(
            io.status(0x3f00_3000, 0x20),
            RangeStatus::Idle,
            "system timer"
        );
        assert_eq!(io.status(0x0100_0000, 4), RangeStatus::SystemRam);
    }

    #[test]
    fn zeroed_addresses_mean_hidden() {
        let io = Iomem::parse("00000000-00000000 : System RAM\n", "x").unwrap();
        assert_eq!(io.status(0x1000, 4), RangeStatus::Hidden);
    }

    #[test]
    fn bad_line_names_its_number() {
        let err = Iomem::parse("00-10 : a\nnonsense\n", "f").unwrap_err();
        assert_eq!(
            err.to_string(),
            "f:2: not an iomem line (expected `start-end : name`)"
        );
    }
}
