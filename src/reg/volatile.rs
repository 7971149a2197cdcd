//! The only place where mapped memory is loaded from or stored to.
//!
//! On aarch64 every access is a hand-written `ldr`/`str` with plain base-register
//! addressing. A compiler-chosen access may use writeback (pre/post-index)
//! addressing, which a hypervisor cannot emulate when the access traps: such a
//! fault reports no instruction syndrome (ISV=0) and KVM kills the guest
//! (rust-lang/rust#131894). Elsewhere `read_volatile`/`write_volatile` are
//! used, which compile to one load or store of the given width.

#[cfg(target_arch = "aarch64")]
mod imp {
    use core::arch::asm;

    macro_rules! load {
        ($name:ident, $t:ty, $insn:literal) => {
            /// One load with base-register addressing.
            ///
            /// # Safety
            /// `ptr` must be aligned and valid for a read of the type's size.
            #[inline(always)]
            pub unsafe fn $name(ptr: *const $t) -> $t {
                let value: $t;
                // SAFETY: the caller promises `ptr` is aligned and valid for this
                // read; the asm touches only that location and no stack or flags.
                unsafe {
                    asm!($insn, v = out(reg) value, p = in(reg) ptr,
                         options(nostack, preserves_flags, readonly));
                }
                value
            }
        };
    }

    macro_rules! store {
        ($name:ident, $t:ty, $insn:literal) => {
            /// One store with base-register addressing.
            ///
            /// # Safety
            /// `ptr` must be aligned and valid for a write of the type's size.
            #[inline(always)]
            pub unsafe fn $name(ptr: *mut $t, value: $t) {
                // SAFETY: the caller promises `ptr` is aligned and valid for this
                // write; the asm touches only that location and no stack or flags.
                unsafe {
                    asm!($insn, v = in(reg) value, p = in(reg) ptr,
                         options(nostack, preserves_flags));
                }
            }
        };
    }

    load!(load8, u8, "ldrb {v:w}, [{p}]");
    load!(load16, u16, "ldrh {v:w}, [{p}]");
    load!(load32, u32, "ldr {v:w}, [{p}]");
    load!(load64, u64, "ldr {v:x}, [{p}]");
    store!(store8, u8, "strb {v:w}, [{p}]");
    store!(store16, u16, "strh {v:w}, [{p}]");
    store!(store32, u32, "str {v:w}, [{p}]");
    store!(store64, u64, "str {v:x}, [{p}]");
}

#[cfg(not(target_arch = "aarch64"))]
mod imp {
    macro_rules! load {
        ($name:ident, $t:ty) => {
            /// One volatile load.
            ///
            /// # Safety
            /// `ptr` must be aligned and valid for a read of the type's size.
            #[inline(always)]
            pub unsafe fn $name(ptr: *const $t) -> $t {
                // SAFETY: the caller promises `ptr` is aligned and valid for reads.
                unsafe { ptr.read_volatile() }
            }
        };
    }

    macro_rules! store {
        ($name:ident, $t:ty) => {
            /// One volatile store.
            ///
            /// # Safety
            /// `ptr` must be aligned and valid for a write of the type's size.
            #[inline(always)]
            pub unsafe fn $name(ptr: *mut $t, value: $t) {
                // SAFETY: the caller promises `ptr` is aligned and valid for writes.
                unsafe { ptr.write_volatile(value) }
            }
        };
    }

    load!(load8, u8);
    load!(load16, u16);
    load!(load32, u32);
    load!(load64, u64);
    store!(store8, u8);
    store!(store16, u16);
    store!(store32, u32);
    store!(store64, u64);
}

pub(crate) use imp::*;
