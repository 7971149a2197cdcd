//! Byte order of a register as the device sees it.

use super::width::Word;

/// Byte order of a device register. The CPU-side value is always native.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Endianness {
    /// Least significant byte at the lowest address (almost every peripheral).
    #[default]
    Little,
    /// Most significant byte at the lowest address (QEMU fw_cfg's selector, some PCI devices).
    Big,
}

impl Endianness {
    /// Converts between device order and native order (the conversion is its own inverse).
    #[inline(always)]
    pub fn convert<T: Word>(self, value: T) -> T {
        match self {
            Endianness::Little if cfg!(target_endian = "little") => value,
            Endianness::Big if cfg!(target_endian = "big") => value,
            _ => value.swap(),
        }
    }
}

/// A byte order fixed at compile time, for typed handles.
pub trait Endian: Copy + 'static {
    /// The run-time value of this order.
    const ORDER: Endianness;

    /// Converts between device order and native order.
    #[inline(always)]
    fn convert<T: Word>(value: T) -> T {
        Self::ORDER.convert(value)
    }
}

/// Little-endian registers (the default).
#[derive(Clone, Copy, Debug)]
pub struct Le;

/// Big-endian registers.
#[derive(Clone, Copy, Debug)]
pub struct Be;

impl Endian for Le {
    const ORDER: Endianness = Endianness::Little;
}

impl Endian for Be {
    const ORDER: Endianness = Endianness::Big;
}
