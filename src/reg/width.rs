//! Access widths: the runtime [`Width`] and the compile-time [`Word`] trait.

use core::fmt;

use tock_registers::UIntLike;

use super::error::AccessError;
use super::volatile;

/// A register access width known at run time (8, 16, 32 or 64 bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Width {
    /// One byte.
    W8,
    /// Two bytes.
    W16,
    /// Four bytes.
    W32,
    /// Eight bytes.
    W64,
}

impl Width {
    /// All widths, narrowest first.
    pub const ALL: [Width; 4] = [Width::W8, Width::W16, Width::W32, Width::W64];

    /// The width for `bits`, or [`AccessError::BadWidth`].
    pub fn from_bits(bits: u32) -> Result<Self, AccessError> {
        match bits {
            8 => Ok(Width::W8),
            16 => Ok(Width::W16),
            32 => Ok(Width::W32),
            64 => Ok(Width::W64),
            _ => Err(AccessError::BadWidth { bits }),
        }
    }

    /// Width in bits.
    pub const fn bits(self) -> u32 {
        match self {
            Width::W8 => 8,
            Width::W16 => 16,
            Width::W32 => 32,
            Width::W64 => 64,
        }
    }

    /// Width in bytes.
    pub const fn bytes(self) -> usize {
        self.bits() as usize / 8
    }

    /// All-ones mask of this width.
    pub const fn mask(self) -> u64 {
        match self {
            Width::W64 => u64::MAX,
            w => (1u64 << w.bits()) - 1,
        }
    }

    /// Whether `value` fits in this width.
    pub const fn fits(self, value: u64) -> bool {
        value & !self.mask() == 0
    }
}

impl fmt::Display for Width {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-bit", self.bits())
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for u8 {}
    impl Sealed for u16 {}
    impl Sealed for u32 {}
    impl Sealed for u64 {}
}

/// An unsigned integer that can be one register access: `u8`, `u16`, `u32` or `u64`.
///
/// Sealed: the load and store of each width are implemented once, in the
/// crate's volatile backend, so that every access is a single instruction.
pub trait Word: UIntLike + sealed::Sealed + fmt::LowerHex + fmt::UpperHex + Send + Sync {
    /// The run-time width of this type.
    const WIDTH: Width;

    /// One volatile load.
    ///
    /// # Safety
    /// `ptr` must be aligned for `Self` and valid for a read of `size_of::<Self>()`
    /// bytes of mapped memory for the duration of the call.
    unsafe fn load(ptr: *const Self) -> Self;

    /// One volatile store.
    ///
    /// # Safety
    /// `ptr` must be aligned for `Self` and valid for a write of `size_of::<Self>()`
    /// bytes of writable mapped memory for the duration of the call.
    unsafe fn store(ptr: *mut Self, value: Self);

    /// Reverses the byte order.
    fn swap(self) -> Self;

    /// Zero-extends to `u64`.
    fn to_u64(self) -> u64;

    /// Truncates `value` to this width.
    fn truncate(value: u64) -> Self;
}

macro_rules! word {
    ($t:ty, $w:expr, $load:ident, $store:ident) => {
        impl Word for $t {
            const WIDTH: Width = $w;

            #[inline(always)]
            unsafe fn load(ptr: *const Self) -> Self {
                // SAFETY: forwarded from this function's own contract.
                unsafe { volatile::$load(ptr) }
            }

            #[inline(always)]
            unsafe fn store(ptr: *mut Self, value: Self) {
                // SAFETY: forwarded from this function's own contract.
                unsafe { volatile::$store(ptr, value) }
            }

            #[inline(always)]
            fn swap(self) -> Self {
                self.swap_bytes()
            }

            #[inline(always)]
            fn to_u64(self) -> u64 {
                self as u64
            }

            #[inline(always)]
            fn truncate(value: u64) -> Self {
                value as $t
            }
        }
    };
}

word!(u8, Width::W8, load8, store8);
word!(u16, Width::W16, load16, store16);
word!(u32, Width::W32, load32, store32);
word!(u64, Width::W64, load64, store64);
