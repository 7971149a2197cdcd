//! Registers whose width and byte order are chosen at run time (the command
//! line, board files). Checked once when made, like typed handles; each access
//! is one branch on the width and one load or store.

use core::marker::PhantomData;
use core::ptr::NonNull;

use super::endian::Endianness;
use super::error::AccessError;
use super::width::{Width, Word};

/// A register handle with a run-time width and byte order.
#[derive(Clone, Copy, Debug)]
pub struct DynReg<'m> {
    ptr: NonNull<u8>,
    addr: u64,
    width: Width,
    endian: Endianness,
    writable: bool,
    _marker: PhantomData<&'m ()>,
}

impl<'m> DynReg<'m> {
    /// Wraps a pointer that was checked by the mapping.
    ///
    /// # Safety
    /// For all of `'m`, `ptr` must be aligned to `width` and valid for volatile
    /// reads of `width.bytes()` bytes, and for writes too if `writable`.
    pub(crate) unsafe fn from_raw(
        ptr: NonNull<u8>,
        addr: u64,
        width: Width,
        endian: Endianness,
        writable: bool,
    ) -> Self {
        DynReg {
            ptr,
            addr,
            width,
            endian,
            writable,
            _marker: PhantomData,
        }
    }

    /// The register's address.
    pub fn addr(&self) -> u64 {
        self.addr
    }

    /// The access width.
    pub fn width(&self) -> Width {
        self.width
    }

    /// The device byte order.
    pub fn endian(&self) -> Endianness {
        self.endian
    }

    /// Whether [`write`](Self::write) is allowed.
    pub fn writable(&self) -> bool {
        self.writable
    }

    /// One load of the register's width, zero-extended.
    #[inline]
    pub fn read(&self) -> u64 {
        // SAFETY (all arms): `from_raw`'s contract makes `ptr` aligned and
        // readable at this width for the handle's lifetime.
        match self.width {
            Width::W8 => self.load::<u8>(),
            Width::W16 => self.load::<u16>(),
            Width::W32 => self.load::<u32>(),
            Width::W64 => self.load::<u64>(),
        }
    }

    /// One store of the register's width. Fails, storing nothing, if the value
    /// is wider than the register or the mapping is read-only.
    #[inline]
    pub fn write(&self, value: u64) -> Result<(), AccessError> {
        if !self.width.fits(value) {
            return Err(AccessError::ValueTooWide {
                value,
                bits: self.width.bits(),
            });
        }
        if !self.writable {
            return Err(AccessError::ReadOnlyMapping {
                addr: self.addr,
                source_name: "this handle".into(),
            });
        }
        match self.width {
            Width::W8 => self.store::<u8>(value),
            Width::W16 => self.store::<u16>(value),
            Width::W32 => self.store::<u32>(value),
            Width::W64 => self.store::<u64>(value),
        }
        Ok(())
    }

    #[inline(always)]
    fn load<T: Word>(&self) -> u64 {
        debug_assert_eq!(T::WIDTH, self.width);
        // SAFETY: `from_raw`'s contract; callers pick `T` of `self.width`.
        let raw = unsafe { T::load(self.ptr.as_ptr().cast::<T>()) };
        self.endian.convert(raw).to_u64()
    }

    #[inline(always)]
    fn store<T: Word>(&self, value: u64) {
        debug_assert_eq!(T::WIDTH, self.width);
        debug_assert!(self.writable);
        let raw = self.endian.convert(T::truncate(value));
        // SAFETY: `from_raw`'s contract, with `writable` checked by the caller;
        // `T` is of `self.width`.
        unsafe { T::store(self.ptr.as_ptr().cast::<T>(), raw) }
    }
}
