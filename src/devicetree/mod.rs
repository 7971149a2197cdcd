//! The running system's device tree, as Linux exposes it under
//! `/proc/device-tree` (a folder per node, a file per property), and the
//! address translation that turns a node's `reg` into CPU physical addresses.
//!
//! The root folder is a parameter everywhere, so tests build their own trees.
//!
//! ```
//! use physreg::devicetree::DeviceTree;
//! # let dir = std::env::temp_dir().join(format!("physreg-dt-doc-{}", std::process::id()));
//! # let mk = |p: &str, v: &[u8]| { let f = dir.join(p); std::fs::create_dir_all(f.parent().unwrap()).unwrap(); std::fs::write(f, v).unwrap(); };
//! # let cells = |v: &[u32]| v.iter().flat_map(|c| c.to_be_bytes()).collect::<Vec<u8>>();
//! // A Raspberry Pi 3's tree, in part: the soc bus maps 0x7e000000 to 0x3f000000.
//! # mk("compatible", b"raspberrypi,3-model-b\0brcm,bcm2837\0");
//! # mk("#address-cells", &cells(&[1])); mk("#size-cells", &cells(&[1]));
//! # mk("soc/#address-cells", &cells(&[1])); mk("soc/#size-cells", &cells(&[1]));
//! # mk("soc/ranges", &cells(&[0x7e00_0000, 0x3f00_0000, 0x0100_0000]));
//! # mk("soc/gpio@7e200000/compatible", b"brcm,bcm2835-gpio\0");
//! # mk("soc/gpio@7e200000/reg", &cells(&[0x7e20_0000, 0xb4]));
//! let dt = DeviceTree::open(&dir);
//! let gpio = &dt.find_compatible("brcm,bcm2835-gpio")[0];
//! assert_eq!(gpio.path(), "/soc/gpio@7e200000");
//! assert_eq!(gpio.reg()?[0].address, 0x7e20_0000); // bus address
//! assert_eq!(gpio.translated_reg()?[0].address, 0x3f20_0000); // CPU address
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), physreg::devicetree::DtError>(())
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use thiserror::Error;

/// Where Linux shows the device tree.
pub const SYSTEM_ROOT: &str = "/proc/device-tree";

/// Largest property this module reads (real ones are a few KiB at most).
const MAX_PROPERTY: u64 = 1 << 20;
/// Deepest node nesting followed.
const MAX_DEPTH: usize = 64;
/// Most nodes visited by one search.
const MAX_NODES: usize = 200_000;
/// Most bus levels followed when translating an address.
const MAX_LEVELS: usize = 32;

/// Why a device-tree node's address could not be found.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DtError {
    /// A property file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The property file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A property does not have the form the specification gives it.
    #[error("device tree {node}: property {property}: {what}")]
    Malformed {
        /// The node's path (`/soc/gpio@7e200000`).
        node: String,
        /// The property.
        property: String,
        /// What is wrong.
        what: String,
    },
    /// An address does not map to the CPU's address space.
    #[error("device tree {node}: address {address:#x} is not translatable through {bus}: {why}")]
    Untranslatable {
        /// The node whose address was being translated.
        node: String,
        /// The address on the bus where translation stopped.
        address: u128,
        /// The bus node that does not map it.
        bus: String,
        /// Why.
        why: String,
    },
}

/// A device tree in a folder (`/proc/device-tree`, or one a test built).
///
/// The first [`find_compatible`](Self::find_compatible) walks the tree once
/// and remembers every node's `compatible`; later searches use that index.
#[derive(Clone, Debug)]
pub struct DeviceTree {
    root: PathBuf,
    /// `compatible` string to node paths, in path order.
    index: OnceLock<HashMap<String, Vec<String>>>,
}

impl PartialEq for DeviceTree {
    fn eq(&self, other: &Self) -> bool {
        self.root == other.root
    }
}

impl Eq for DeviceTree {}

impl DeviceTree {
    /// The tree under `root`.
    pub fn open(root: impl Into<PathBuf>) -> Self {
        DeviceTree {
            root: root.into(),
            index: OnceLock::new(),
        }
    }

    /// The running system's tree (`/proc/device-tree`).
    pub fn system() -> Self {
        Self::open(SYSTEM_ROOT)
    }

    /// The folder.
    pub fn root_path(&self) -> &Path {
        &self.root
    }

    /// Whether the folder exists (it does not on x86 PCs and in containers).
    pub fn exists(&self) -> bool {
        self.root.is_dir()
    }

    /// The root node.
    pub fn root(&self) -> Node<'_> {
        Node {
            tree: self,
            path: String::from("/"),
        }
    }

    /// The root's `compatible` strings, most specific first.
    pub fn compatible(&self) -> Vec<String> {
        self.root().strings("compatible")
    }

    /// The root's `model` (`Raspberry Pi 3 Model B Rev 1.2`).
    pub fn model(&self) -> Option<String> {
        self.root().strings("model").into_iter().next()
    }

    /// The node at `path` (`/soc/gpio@7e200000`), if it exists.
    pub fn node(&self, path: &str) -> Option<Node<'_>> {
        let clean = normalize(path)?;
        let node = Node {
            tree: self,
            path: clean,
        };
        node.dir().is_dir().then_some(node)
    }

    /// Every node whose `compatible` lists `compatible`, in path order.
    pub fn find_compatible(&self, compatible: &str) -> Vec<Node<'_>> {
        let index = self.index.get_or_init(|| {
            let mut index: HashMap<String, Vec<String>> = HashMap::new();
            let mut visited = 0usize;
            self.walk(&self.root(), 0, &mut visited, &mut |n| {
                for c in n.strings("compatible") {
                    index.entry(c).or_default().push(n.path.clone());
                }
            });
            for paths in index.values_mut() {
                paths.sort();
                paths.dedup();
            }
            index
        });
        index
            .get(compatible)
            .map(|paths| {
                paths
                    .iter()
                    .map(|p| Node {
                        tree: self,
                        path: p.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn walk<'t>(
        &'t self,
        node: &Node<'t>,
        depth: usize,
        visited: &mut usize,
        f: &mut dyn FnMut(&Node<'t>),
    ) {
        if depth > MAX_DEPTH || *visited >= MAX_NODES {
            return;
        }
        *visited += 1;
        f(node);
        let Ok(entries) = std::fs::read_dir(node.dir()) else {
            return;
        };
        let mut children: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        children.sort();
        for c in children {
            let child = node.child(&c);
            self.walk(&child, depth + 1, visited, f);
        }
    }
}

/// `/a/b` with no empty, `.` or `..` parts; `/` for the root.
fn normalize(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if parts.iter().any(|p| *p == "." || *p == "..") {
        return None;
    }
    Some(format!("/{}", parts.join("/")))
}

/// One `reg` entry: an address and a size, in some bus's address space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegEntry {
    /// Address (wide enough for three-cell PCI addresses).
    pub address: u128,
    /// Size in bytes.
    pub size: u128,
}

/// A `reg` entry translated to the CPU's physical address space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhysRange {
    /// CPU physical address.
    pub address: u64,
    /// Size in bytes.
    pub size: u64,
}

/// A node of a [`DeviceTree`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node<'t> {
    tree: &'t DeviceTree,
    path: String,
}

impl<'t> Node<'t> {
    /// Its path from the root (`/soc/gpio@7e200000`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Its name (`gpio@7e200000`; empty for the root).
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or("")
    }

    fn dir(&self) -> PathBuf {
        self.tree.root.join(self.path.trim_start_matches('/'))
    }

    fn child(&self, name: &str) -> Node<'t> {
        Node {
            tree: self.tree,
            path: if self.path == "/" {
                format!("/{name}")
            } else {
                format!("{}/{name}", self.path)
            },
        }
    }

    /// Whether this is the root node.
    pub fn is_root(&self) -> bool {
        self.path == "/"
    }

    /// Its parent (None for the root).
    pub fn parent(&self) -> Option<Node<'t>> {
        if self.is_root() {
            return None;
        }
        let (head, _) = self.path.rsplit_once('/')?;
        Some(Node {
            tree: self.tree,
            path: if head.is_empty() {
                "/".into()
            } else {
                head.to_string()
            },
        })
    }

    /// The raw bytes of a property, if it exists and can be read.
    pub fn property(&self, name: &str) -> Option<Vec<u8>> {
        self.try_property(name).ok().flatten()
    }

    fn try_property(&self, name: &str) -> Result<Option<Vec<u8>>, DtError> {
        if name.is_empty() || name.contains('/') || name == "." || name == ".." {
            return Ok(None);
        }
        let path = self.dir().join(name);
        let meta = match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => m,
            Ok(_) => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(DtError::Read {
                    path: path.display().to_string(),
                    source,
                })
            }
        };
        if meta.len() > MAX_PROPERTY {
            return Err(self.malformed(
                name,
                format!("{} bytes is too large for a property", meta.len()),
            ));
        }
        std::fs::read(&path)
            .map(Some)
            .map_err(|source| DtError::Read {
                path: path.display().to_string(),
                source,
            })
    }

    /// Whether the property exists (empty properties like `ranges;` are flags).
    pub fn has_property(&self, name: &str) -> bool {
        self.property(name).is_some()
    }

    /// A string-list property (NUL-separated), empty if absent.
    pub fn strings(&self, name: &str) -> Vec<String> {
        self.property(name)
            .map(|b| {
                b.split(|&c| c == 0)
                    .filter(|s| !s.is_empty())
                    .map(|s| String::from_utf8_lossy(s).into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A one-cell property (a big-endian u32).
    pub fn u32_property(&self, name: &str) -> Option<u32> {
        let b = self.property(name)?;
        let arr: [u8; 4] = b.as_slice().try_into().ok()?;
        Some(u32::from_be_bytes(arr))
    }

    /// Whether `status` is absent, `okay` or `ok`.
    pub fn is_enabled(&self) -> bool {
        match self.strings("status").first() {
            None => true,
            Some(s) => s == "okay" || s == "ok",
        }
    }

    fn malformed(&self, property: &str, what: impl Into<String>) -> DtError {
        DtError::Malformed {
            node: self.path.clone(),
            property: property.to_string(),
            what: what.into(),
        }
    }

    /// `#address-cells` of this node, as its children's bus (default 2).
    pub fn address_cells(&self) -> Result<usize, DtError> {
        self.cells_property("#address-cells", 2, 4)
    }

    /// `#size-cells` of this node, as its children's bus (default 1).
    pub fn size_cells(&self) -> Result<usize, DtError> {
        self.cells_property("#size-cells", 1, 4)
    }

    fn cells_property(&self, name: &str, default: usize, max: usize) -> Result<usize, DtError> {
        match self.try_property(name)? {
            None => Ok(default),
            Some(b) => {
                let arr: [u8; 4] = b.as_slice().try_into().map_err(|_| {
                    self.malformed(name, format!("{} bytes, not one cell", b.len()))
                })?;
                let n = u32::from_be_bytes(arr) as usize;
                if n > max {
                    return Err(self.malformed(name, format!("{n} cells is more than {max}")));
                }
                Ok(n)
            }
        }
    }

    fn is_pci_bus(&self) -> bool {
        self.strings("device_type")
            .first()
            .is_some_and(|t| t == "pci")
    }

    /// The `reg` entries as the parent bus sees them (the parent's
    /// `#address-cells` and `#size-cells`).
    pub fn reg(&self) -> Result<Vec<RegEntry>, DtError> {
        let parent = self
            .parent()
            .ok_or_else(|| self.malformed("reg", "the root node has no bus to be on"))?;
        let ac = parent.address_cells()?;
        let sc = parent.size_cells()?;
        let Some(bytes) = self.try_property("reg")? else {
            return Ok(Vec::new());
        };
        let cells = to_cells(&bytes)
            .ok_or_else(|| self.malformed("reg", "length is not a multiple of 4"))?;
        let per = ac + sc;
        if ac == 0 || per == 0 || cells.len() % per != 0 {
            return Err(self.malformed(
                "reg",
                format!(
                    "{} cells do not divide into entries of {ac} address and {sc} size cells",
                    cells.len()
                ),
            ));
        }
        Ok(cells
            .chunks(per)
            .map(|c| RegEntry {
                address: join_cells(&c[..ac]),
                size: join_cells(&c[ac..]),
            })
            .collect())
    }

    /// The `reg` entries translated through every parent bus's `ranges` to
    /// CPU physical addresses.
    pub fn translated_reg(&self) -> Result<Vec<PhysRange>, DtError> {
        let parent = self
            .parent()
            .ok_or_else(|| self.malformed("reg", "the root node has no bus to be on"))?;
        self.reg()?
            .into_iter()
            .map(|e| {
                let address = translate(self, &parent, e.address)?;
                let size = u64::try_from(e.size)
                    .map_err(|_| self.malformed("reg", "size beyond 64 bits"))?;
                Ok(PhysRange { address, size })
            })
            .collect()
    }
}

fn to_cells(bytes: &[u8]) -> Option<Vec<u32>> {
    if bytes.len() % 4 != 0 {
        return None;
    }
    Some(
        bytes
            .chunks_exact(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

fn join_cells(cells: &[u32]) -> u128 {
    cells
        .iter()
        .fold(0u128, |acc, &c| (acc << 32) | u128::from(c))
}

/// Masks a PCI bus's three-cell address to what ranges are matched on: the
/// space code of phys.hi (bits 24-25) and the 64-bit address.
fn pci_key(address: u128) -> u128 {
    let hi = (address >> 64) as u32 & 0x0300_0000;
    (u128::from(hi) << 64) | (address & u128::from(u64::MAX))
}

/// Translates `address` on `bus` (the node's parent) up to the root.
fn translate(node: &Node<'_>, bus: &Node<'_>, address: u128) -> Result<u64, DtError> {
    let mut addr = address;
    let mut bus = bus.clone();
    for _ in 0..MAX_LEVELS {
        let Some(up) = bus.parent() else {
            // On the root bus: a CPU address.
            return u64::try_from(addr).map_err(|_| DtError::Untranslatable {
                node: node.path.clone(),
                address: addr,
                bus: bus.path.clone(),
                why: "beyond 64 bits".into(),
            });
        };
        let fail = |a: u128, why: &str| DtError::Untranslatable {
            node: node.path.clone(),
            address: a,
            bus: bus.path.clone(),
            why: why.to_string(),
        };
        let Some(ranges) = bus.try_property("ranges")? else {
            return Err(fail(
                addr,
                "the bus has no `ranges` property, so it is not memory-mapped",
            ));
        };
        let child_ac = bus.address_cells()?;
        let child_sc = bus.size_cells()?;
        let parent_ac = up.address_cells()?;
        if ranges.is_empty() {
            // Identity mapping.
            bus = up;
            continue;
        }
        let cells = to_cells(&ranges)
            .ok_or_else(|| bus.malformed("ranges", "length is not a multiple of 4"))?;
        let per = child_ac + parent_ac + child_sc;
        if per == 0 || cells.len() % per != 0 {
            return Err(bus.malformed(
                "ranges",
                format!("{} cells do not divide into entries of {child_ac}+{parent_ac}+{child_sc} cells", cells.len()),
            ));
        }
        let pci = child_ac == 3 && bus.is_pci_bus();
        let key = |a: u128| if pci { pci_key(a) } else { a };
        let hit = cells.chunks(per).find_map(|c| {
            let child = key(join_cells(&c[..child_ac]));
            let parent = join_cells(&c[child_ac..child_ac + parent_ac]);
            let len = join_cells(&c[child_ac + parent_ac..]);
            let a = key(addr);
            (a >= child && a - child < len).then(|| parent.checked_add(a - child))
        });
        match hit {
            Some(Some(a)) => addr = a,
            Some(None) => return Err(fail(addr, "translation overflows")),
            None => return Err(fail(addr, "no `ranges` entry covers it")),
        }
        bus = up;
    }
    Err(DtError::Untranslatable {
        node: node.path.clone(),
        address: addr,
        bus: bus.path.clone(),
        why: format!("more than {MAX_LEVELS} bus levels"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(normalize("/soc//gpio@1/").as_deref(), Some("/soc/gpio@1"));
        assert_eq!(normalize("").as_deref(), Some("/"));
        assert_eq!(normalize("/a/../b"), None);
    }

    #[test]
    fn pci_keys_ignore_flags() {
        let a = (0x8200_0000u128 << 64) | 0x1234;
        assert_eq!(pci_key(a), (0x0200_0000u128 << 64) | 0x1234);
    }
}
