//! Typed register handles: one volatile load or store per access.
//!
//! A [`Reg`] is made by [`Mapping::reg`](crate::map::Mapping::reg) and friends,
//! which check bounds, alignment and writability once. After that, `get` and
//! `set` are exactly one load or store (plus a byte swap for big-endian
//! registers): no lookup, lock or system call. Handles implement
//! tock-registers' [`Readable`] and [`Writeable`], so fields declared with
//! `register_bitfields!` work through `read`, `is_set`, `write` and `modify`.

use core::fmt;
use core::marker::PhantomData;
use core::ptr::NonNull;

use tock_registers::interfaces::{Readable, Writeable};
use tock_registers::RegisterLongName;

use super::endian::{Endian, Le};
use super::width::Word;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::ReadOnly {}
    impl Sealed for super::WriteOnly {}
    impl Sealed for super::ReadWrite {}
}

/// What a handle may do: [`ReadOnly`], [`WriteOnly`] or [`ReadWrite`].
pub trait Access: sealed::Sealed + Copy + 'static {
    /// Whether the handle may store, and so needs a writable mapping.
    const WRITES: bool;
}

/// Handles of this access may load.
pub trait CanRead: Access {}

/// Handles of this access may store.
pub trait CanWrite: Access {}

/// Loads only: status and identification registers.
#[derive(Clone, Copy, Debug)]
pub struct ReadOnly;

/// Stores only: a load could have side effects or return garbage.
#[derive(Clone, Copy, Debug)]
pub struct WriteOnly;

/// Loads and stores.
#[derive(Clone, Copy, Debug)]
pub struct ReadWrite;

impl Access for ReadOnly {
    const WRITES: bool = false;
}
impl Access for WriteOnly {
    const WRITES: bool = true;
}
impl Access for ReadWrite {
    const WRITES: bool = true;
}
impl CanRead for ReadOnly {}
impl CanRead for ReadWrite {}
impl CanWrite for WriteOnly {}
impl CanWrite for ReadWrite {}

/// A register of type `T` in a mapping that lives for `'m`.
///
/// `R` names the tock-registers bitfield set (`()` for none), `A` the access
/// and `E` the device byte order. The handle holds a raw pointer, never a
/// reference, to the mapped memory.
pub struct Reg<'m, T: Word, R: RegisterLongName = (), A: Access = ReadWrite, E: Endian = Le> {
    ptr: NonNull<T>,
    addr: u64,
    _marker: PhantomData<(&'m (), R, A, E)>,
}

/// A read-only little-endian register.
pub type RoReg<'m, T, R = ()> = Reg<'m, T, R, ReadOnly, Le>;
/// A write-only little-endian register.
pub type WoReg<'m, T, R = ()> = Reg<'m, T, R, WriteOnly, Le>;
/// A read-write little-endian register.
pub type RwReg<'m, T, R = ()> = Reg<'m, T, R, ReadWrite, Le>;

impl<'m, T: Word, R: RegisterLongName, A: Access, E: Endian> Reg<'m, T, R, A, E> {
    /// Wraps a pointer that was checked by the mapping.
    ///
    /// # Safety
    /// For all of `'m`, `ptr` must be aligned for `T` and valid for volatile
    /// reads of `size_of::<T>()` bytes, and for writes too if `A::WRITES`.
    #[inline(always)]
    pub(crate) unsafe fn from_raw(ptr: NonNull<T>, addr: u64) -> Self {
        Reg {
            ptr,
            addr,
            _marker: PhantomData,
        }
    }

    /// The register's address (physical, or as the mapping's source numbers it).
    pub fn addr(&self) -> u64 {
        self.addr
    }

    /// The same register viewed with another bitfield set.
    pub fn with_fields<R2: RegisterLongName>(self) -> Reg<'m, T, R2, A, E> {
        Reg {
            ptr: self.ptr,
            addr: self.addr,
            _marker: PhantomData,
        }
    }
}

impl<T: Word, R: RegisterLongName, A: Access, E: Endian> Clone for Reg<'_, T, R, A, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Word, R: RegisterLongName, A: Access, E: Endian> Copy for Reg<'_, T, R, A, E> {}

impl<T: Word, R: RegisterLongName, A: Access, E: Endian> fmt::Debug for Reg<'_, T, R, A, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Reg({}-bit @ {:#x})", T::WIDTH.bits(), self.addr)
    }
}

impl<T: Word, R: RegisterLongName, A: CanRead, E: Endian> Readable for Reg<'_, T, R, A, E> {
    type T = T;
    type R = R;

    #[inline(always)]
    fn get(&self) -> T {
        // SAFETY: `from_raw`'s contract: the pointer stays aligned and readable
        // for the handle's lifetime, which borrows the mapping.
        E::convert(unsafe { T::load(self.ptr.as_ptr()) })
    }
}

impl<T: Word, R: RegisterLongName, A: CanWrite, E: Endian> Writeable for Reg<'_, T, R, A, E> {
    type T = T;
    type R = R;

    #[inline(always)]
    fn set(&self, value: T) {
        // SAFETY: `from_raw`'s contract: `A::WRITES` is true for every `CanWrite`
        // access, so the pointer is aligned and writable for the handle's lifetime.
        unsafe { T::store(self.ptr.as_ptr(), E::convert(value)) }
    }
}
