//! Errors of the mapping layer, each naming the path, the range and the remedy.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// Why the kernel refused to map a /dev/mem range, as far as /proc/iomem tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DenyReason {
    /// The range is System RAM, which STRICT_DEVMEM never lets user space map.
    SystemRam,
    /// A driver has claimed the range (IO_STRICT_DEVMEM).
    ClaimedBy(String),
    /// Nothing in /proc/iomem explains it.
    Unknown,
}

impl std::fmt::Display for DenyReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DenyReason::SystemRam => f.write_str(
                "the range is System RAM, which the kernel's STRICT_DEVMEM never lets user space map",
            ),
            DenyReason::ClaimedBy(owner) => write!(
                f,
                "driver '{owner}' has claimed the range (IO_STRICT_DEVMEM): unbind that driver, or boot with iomem=relaxed"
            ),
            DenyReason::Unknown => f.write_str(
                "the kernel refused (STRICT_DEVMEM): see /proc/iomem for the range's owner, or boot with iomem=relaxed",
            ),
        }
    }
}

/// Why a mapping could not be made.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum MapError {
    /// The device file exists but this process may not open it.
    #[error("{path}: permission denied: {remedy}")]
    Permission {
        /// The device or file.
        path: PathBuf,
        /// What to do about it.
        remedy: &'static str,
    },
    /// The kernel is locked down, which forbids /dev/mem entirely.
    #[error("{path}: kernel lockdown ({mode}) forbids raw physical memory access: boot with lockdown=none (or disable Secure Boot), or use /dev/gpiomem, UIO or a PCI resource file")]
    Lockdown {
        /// The device.
        path: PathBuf,
        /// The lockdown mode in force.
        mode: String,
    },
    /// /dev/mem does not exist.
    #[error("{path} does not exist: the kernel was built without CONFIG_DEVMEM; use /dev/gpiomem, a UIO device or a PCI resource file instead")]
    NoDevMem {
        /// The device.
        path: PathBuf,
    },
    /// Some other file is missing.
    #[error("{path} does not exist{hint}")]
    NotFound {
        /// The file.
        path: PathBuf,
        /// Extra advice, starting with ": " when present.
        hint: &'static str,
    },
    /// The kernel refused the mmap with EPERM.
    #[error("{path}: cannot map {addr:#x}..{end:#x}: {reason}")]
    Denied {
        /// The device.
        path: PathBuf,
        /// First address.
        addr: u64,
        /// One past the last address.
        end: u64,
        /// The explanation.
        reason: DenyReason,
    },
    /// The kernel refused the offset or length (EINVAL, EOVERFLOW, ENXIO).
    #[error("{path}: cannot map {addr:#x}..{end:#x}: {source}: the address is beyond the physical address width or the device's size")]
    BadRange {
        /// The device.
        path: PathBuf,
        /// First address.
        addr: u64,
        /// One past the last address.
        end: u64,
        /// The kernel's error.
        source: io::Error,
    },
    /// The region is empty, or its end overflows the address space.
    #[error("invalid region {addr:#x} + {len:#x}: the length must be non-zero and the end must not pass 2^64")]
    BadRegion {
        /// First address.
        addr: u64,
        /// Length.
        len: u64,
    },
    /// The region lies outside what the source can map.
    #[error("{addr:#x}..{end:#x} lies outside {path}, which covers {start:#x}..{limit:#x}")]
    OutsideSource {
        /// The source.
        path: PathBuf,
        /// First address asked.
        addr: u64,
        /// One past the last address asked.
        end: u64,
        /// First address the source covers.
        start: u64,
        /// One past the last address it covers.
        limit: u64,
    },
    /// A sysfs or other description file holds something unexpected.
    #[error("{path}: {what}")]
    BadDescription {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// Any other I/O failure.
    #[error("{path}: {op}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operation: open, mmap, read...
        op: &'static str,
        /// The error.
        source: io::Error,
    },
}
