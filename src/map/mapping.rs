//! [`Mapping`]: a validated, owned mapping; the only type with accessors.

use std::fmt;
use std::ptr::NonNull;

use tock_registers::RegisterLongName;

use super::error::{DenyReason, MapError};
use super::mmap::{self, Mode, RawMap};
use super::source::Source;
use super::window::Window;
use super::{anon, devmem, file, gpiomem, pci, uio};
use crate::iomem::{Iomem, RangeStatus};
use crate::reg::{Access, AccessError, DynReg, Endian, Endianness, Reg, Width, Word};

/// An unvalidated address range, as a board file or a command line gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Region {
    /// First address.
    pub base: u64,
    /// Number of bytes.
    pub size: u64,
}

impl Region {
    /// The range `[base, base + size)`.
    pub fn new(base: u64, size: u64) -> Self {
        Region { base, size }
    }

    /// One past the last address, if the region is non-empty and does not overflow.
    pub fn end(&self) -> Option<u64> {
        (self.size > 0)
            .then(|| self.base.checked_add(self.size))
            .flatten()
    }
}

/// Physical memory mapped into this process.
///
/// Made by [`Mapping::open`], which checks the region against the source;
/// handles made from it check bounds, alignment and writability once, after
/// which every access is one load or store. The mapping is unmapped on drop,
/// and the borrow checker keeps every handle from outliving it.
///
/// A `Mapping` is [`Send`] but not [`Sync`]: two threads storing to the same
/// register through volatile accesses would race, so share it by giving each
/// thread its own mapping.
pub struct Mapping {
    raw: RawMap,
    start: NonNull<u8>,
    base: u64,
    len: usize,
    mode: Mode,
    source: Source,
}

impl Mapping {
    /// Maps `region` of `source` for `mode`.
    pub fn open(source: &Source, region: Region, mode: Mode) -> Result<Self, MapError> {
        let end = region.end().ok_or(MapError::BadRegion {
            addr: region.base,
            len: region.size,
        })?;
        let len = usize::try_from(region.size).map_err(|_| MapError::BadRegion {
            addr: region.base,
            len: region.size,
        })?;
        let window = open_window(source, mode)?;
        let limit = window.size.map(|s| window.start.saturating_add(s));
        if region.base < window.start || limit.is_some_and(|l| end > l) {
            return Err(MapError::OutsideSource {
                path: window.path,
                addr: region.base,
                end,
                start: window.start,
                limit: limit.unwrap_or(u64::MAX),
            });
        }
        let skip = region.base - window.start;
        let (offset, map_len, step) = if window.from_start {
            let total = usize::try_from(end - window.start).map_err(|_| MapError::BadRegion {
                addr: region.base,
                len: region.size,
            })?;
            (window.file_offset, total, skip as usize)
        } else {
            let offset = window
                .file_offset
                .checked_add(skip)
                .ok_or(MapError::BadRegion {
                    addr: region.base,
                    len: region.size,
                })?;
            (offset, len, 0)
        };
        let raw = mmap::map(window.file.as_ref(), offset, map_len, mode)
            .map_err(|e| mmap_error(&window, region.base, end, e))?;
        // SAFETY: `step + len == map_len` when mapping from the window start, and
        // `step == 0` otherwise, so `start` stays inside the new mapping.
        let start = unsafe { raw.start().add(step) };
        Ok(Mapping {
            raw,
            start,
            base: region.base,
            len,
            mode,
            source: source.clone(),
        })
    }

    /// Maps everything a source with a known size covers (a PCI BAR, a UIO
    /// map, a file).
    pub fn open_whole(source: &Source, mode: Mode) -> Result<Self, MapError> {
        let window = open_window(source, mode)?;
        let size = window.size.ok_or_else(|| MapError::BadDescription {
            path: window.path.clone(),
            what: "this source has no size of its own: give the range to map".into(),
        })?;
        drop(window);
        Self::open(source, Region::new(source_start(source, mode)?, size), mode)
    }

    /// Zeroed anonymous memory numbered from `base` (tests, dry runs).
    pub fn anonymous(base: u64, len: u64) -> Result<Self, MapError> {
        Self::open(
            &Source::anonymous(base),
            Region::new(base, len),
            Mode::ReadWrite,
        )
    }

    /// Address of the first mapped byte.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// Number of mapped bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: a mapping has at least one byte.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The mapped range.
    pub fn region(&self) -> Region {
        Region::new(self.base, self.len as u64)
    }

    /// Whether handles that store can be made.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The first mapped byte, for code that does its own volatile accesses
    /// (FFI, baselines in benchmarks). Valid until the mapping is dropped;
    /// never turn it into a reference.
    pub fn as_ptr(&self) -> *mut u8 {
        self.start.as_ptr()
    }

    /// Where the mapping came from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Whether `[addr, addr + len)` lies inside the mapping.
    pub fn contains(&self, addr: u64, len: u64) -> bool {
        addr.checked_sub(self.base)
            .and_then(|off| off.checked_add(len))
            .is_some_and(|end| end <= self.len as u64)
    }

    /// Checks one access and returns its pointer.
    fn check(&self, addr: u64, width: Width, write: bool) -> Result<NonNull<u8>, AccessError> {
        let bits = width.bits();
        if !self.contains(addr, width.bytes() as u64) {
            return Err(AccessError::OutOfBounds {
                addr,
                bits,
                start: self.base,
                end: self.base + self.len as u64,
            });
        }
        if addr % width.bytes() as u64 != 0 {
            return Err(AccessError::Misaligned { addr, bits });
        }
        if write && !self.mode.writable() {
            return Err(AccessError::ReadOnlyMapping {
                addr,
                source_name: self.source.path().display().to_string(),
            });
        }
        // SAFETY: `contains` put `addr - base` inside the mapping.
        let ptr = unsafe { self.start.add((addr - self.base) as usize) };
        // A file's `base` need not match its page alignment: check the pointer too.
        if ptr.as_ptr() as usize % width.bytes() != 0 {
            return Err(AccessError::Misaligned { addr, bits });
        }
        Ok(ptr)
    }

    /// A typed handle for the register at `addr`.
    ///
    /// ```
    /// use physreg::map::Mapping;
    /// use physreg::reg::RwReg;
    /// use tock_registers::interfaces::{Readable, Writeable};
    ///
    /// let map = Mapping::anonymous(0x1000, 0x100)?;
    /// let reg: RwReg<u32> = map.reg(0x1010)?;
    /// reg.set(0xdead_beef);
    /// assert_eq!(reg.get(), 0xdead_beef);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reg<T: Word, R: RegisterLongName, A: Access, E: Endian>(
        &self,
        addr: u64,
    ) -> Result<Reg<'_, T, R, A, E>, AccessError> {
        let ptr = self.check(addr, T::WIDTH, A::WRITES)?;
        // SAFETY: `check` proved the access inside the mapping, aligned for `T`,
        // and the mapping writable if `A` writes; the handle borrows `self`, so
        // the memory stays mapped for its lifetime.
        Ok(unsafe { Reg::from_raw(ptr.cast::<T>(), addr) })
    }

    /// A handle whose width and byte order are chosen at run time. `write`
    /// says whether it will store (which a read-only mapping refuses).
    pub fn dyn_reg(
        &self,
        addr: u64,
        width: Width,
        endian: Endianness,
        write: bool,
    ) -> Result<DynReg<'_>, AccessError> {
        let ptr = self.check(addr, width, write)?;
        // SAFETY: as in `reg`: checked in bounds, aligned to `width`, writable
        // if `write`, and borrowed from `self`.
        Ok(unsafe { DynReg::from_raw(ptr, addr, width, endian, write) })
    }

    /// One checked little-endian read (a handle is cheaper for repeated access).
    pub fn read(&self, addr: u64, width: Width) -> Result<u64, AccessError> {
        Ok(self.dyn_reg(addr, width, Endianness::Little, false)?.read())
    }

    /// One checked little-endian write.
    pub fn write(&self, addr: u64, width: Width, value: u64) -> Result<(), AccessError> {
        self.dyn_reg(addr, width, Endianness::Little, true)?
            .write(value)
    }
}

impl fmt::Debug for Mapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mapping")
            .field("source", &self.source)
            .field("base", &format_args!("{:#x}", self.base))
            .field("len", &format_args!("{:#x}", self.len))
            .field("mode", &self.mode)
            .field("raw", &self.raw)
            .finish()
    }
}

fn open_window(source: &Source, mode: Mode) -> Result<Window, MapError> {
    match source {
        Source::DevMem { path, sync } => devmem::open(path, *sync, mode),
        Source::GpioMem { path, base } => gpiomem::open(path, *base, mode),
        Source::PciResource { path } => pci::open(path, mode),
        Source::Uio {
            path,
            map_index,
            info,
        } => uio::open(path, *map_index, info, mode),
        Source::File { path, base } => file::open(path, *base, mode),
        Source::Anonymous { base } => Ok(anon::open(*base)),
    }
}

fn source_start(source: &Source, mode: Mode) -> Result<u64, MapError> {
    Ok(open_window(source, mode)?.start)
}

fn mmap_error(window: &Window, addr: u64, end: u64, e: std::io::Error) -> MapError {
    let path = window.path.clone();
    match e.raw_os_error() {
        Some(libc::EPERM) if window.strict_devmem => MapError::Denied {
            path,
            addr,
            end,
            reason: deny_reason(addr, end - addr),
        },
        Some(libc::EINVAL | libc::EOVERFLOW | libc::ENXIO) => MapError::BadRange {
            path,
            addr,
            end,
            source: e,
        },
        _ => MapError::Io {
            path,
            op: "mmap",
            source: e,
        },
    }
}

fn deny_reason(addr: u64, len: u64) -> DenyReason {
    match Iomem::load().map(|io| io.status(addr, len)) {
        Ok(RangeStatus::SystemRam) => DenyReason::SystemRam,
        Ok(RangeStatus::Claimed(owner)) => DenyReason::ClaimedBy(owner),
        _ => DenyReason::Unknown,
    }
}
