//! Errors of the register-access layer: all are found when a handle is made.

use thiserror::Error;

/// Why a register handle could not be made, or a value not written.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccessError {
    /// The access does not lie wholly inside the mapping.
    #[error("{bits}-bit access at {addr:#x} is outside the mapped range {start:#x}..{end:#x}: map a range that covers it")]
    OutOfBounds {
        /// Address of the access.
        addr: u64,
        /// Width in bits.
        bits: u32,
        /// First address of the mapping.
        start: u64,
        /// One past the last address of the mapping.
        end: u64,
    },
    /// The address is not a multiple of the access width.
    #[error("address {addr:#x} is not aligned for a {bits}-bit access: it must be a multiple of {}", bits / 8)]
    Misaligned {
        /// Address of the access.
        addr: u64,
        /// Width in bits.
        bits: u32,
    },
    /// A writable handle was asked of a read-only mapping.
    #[error(
        "cannot write {addr:#x}: {source_name} is mapped read-only; open it read-write to write"
    )]
    ReadOnlyMapping {
        /// Address of the access.
        addr: u64,
        /// What the mapping was made from.
        source_name: String,
    },
    /// An access width other than 8, 16, 32 or 64.
    #[error("unsupported access width {bits}: use 8, 16, 32 or 64")]
    BadWidth {
        /// The width asked for.
        bits: u32,
    },
    /// A value with bits set beyond the access width.
    #[error("value {value:#x} does not fit in {bits} bits")]
    ValueTooWide {
        /// The value.
        value: u64,
        /// Width in bits.
        bits: u32,
    },
}
