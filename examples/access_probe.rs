//! Needs: nothing (any machine; built for aarch64 by the test suite).
//! Shows: the machine code of every register accessor, kept out of line under
//! fixed names so `tests/aarch64/check-accessors.sh` can disassemble them and
//! prove they use no writeback (pre/post-index) addressing, which a hypervisor
//! cannot emulate for a trapped MMIO access (rust-lang/rust#131894).
//!
//! Run on a host: `cargo run --example access_probe` (it exercises each
//! accessor on anonymous memory and prints a checksum).

use std::hint::black_box;

use physreg::map::Mapping;
use physreg::reg::{Be, DynReg, Endianness, ReadWrite, Reg, RwReg, Width};
use tock_registers::interfaces::{ReadWriteable, Readable, Writeable};
use tock_registers::register_bitfields;

register_bitfields![u32, CTRL [EN OFFSET(3) NUMBITS(2) []]];

macro_rules! probes {
    ($($read:ident $write:ident $t:ty;)*) => {$(
        /// One typed read of this width.
        #[no_mangle]
        #[inline(never)]
        pub fn $read(r: &RwReg<$t>) -> $t {
            r.get()
        }
        /// One typed write of this width.
        #[no_mangle]
        #[inline(never)]
        pub fn $write(r: &RwReg<$t>, v: $t) {
            r.set(v)
        }
    )*};
}

probes! {
    physreg_probe_read8 physreg_probe_write8 u8;
    physreg_probe_read16 physreg_probe_write16 u16;
    physreg_probe_read32 physreg_probe_write32 u32;
    physreg_probe_read64 physreg_probe_write64 u64;
}

/// Big-endian 16-bit read (fw_cfg's selector style).
#[no_mangle]
#[inline(never)]
pub fn physreg_probe_read_be16(r: &Reg<u16, (), ReadWrite, Be>) -> u16 {
    r.get()
}

/// A field read-modify-write.
#[no_mangle]
#[inline(never)]
pub fn physreg_probe_modify(r: &RwReg<u32, CTRL::Register>) {
    r.modify(CTRL::EN.val(2))
}

/// Run-time-width read and write.
#[no_mangle]
#[inline(never)]
pub fn physreg_probe_dyn_read(r: &DynReg) -> u64 {
    r.read()
}

/// Run-time-width write.
#[no_mangle]
#[inline(never)]
pub fn physreg_probe_dyn_write(r: &DynReg, v: u64) -> bool {
    r.write(v).is_ok()
}

/// Control: a plain volatile walk over memory, the pattern for which compilers
/// emit post-index loads. The checker must find writeback here, or it is not
/// looking properly.
///
/// # Safety
/// `p` must be valid for `n` aligned u32 reads.
#[no_mangle]
#[inline(never)]
pub unsafe fn physreg_probe_control_walk(mut p: *const u32, n: usize) -> u32 {
    let mut sum = 0u32;
    for _ in 0..n {
        // SAFETY: the caller promises `n` readable u32s from `p`.
        sum = sum.wrapping_add(unsafe { p.read_volatile() });
        // SAFETY: stays within (or one past) the caller's `n` elements.
        p = unsafe { p.add(1) };
    }
    sum
}

fn main() {
    let map = Mapping::anonymous(0x1000, 0x100).expect("anonymous map");
    let reg8: RwReg<u8> = map.reg(0x1000).expect("register");
    let reg16: RwReg<u16> = map.reg(0x1000).expect("register");
    let reg32: RwReg<u32> = map.reg(0x1000).expect("register");
    let reg64: RwReg<u64> = map.reg(0x1000).expect("register");
    physreg_probe_write8(&reg8, 0x12);
    physreg_probe_write16(&reg16, 0x3456);
    physreg_probe_write32(&reg32, black_box(0x789a_bcde));
    physreg_probe_write64(&reg64, 0x0123_4567_89ab_cdef);
    let mut sum = u64::from(physreg_probe_read8(&reg8))
        + u64::from(physreg_probe_read16(&reg16))
        + u64::from(physreg_probe_read32(&reg32))
        + physreg_probe_read64(&reg64);
    let be: Reg<u16, (), ReadWrite, Be> = map.reg(0x1008).expect("be register");
    sum += u64::from(physreg_probe_read_be16(&be));
    let ctrl: RwReg<u32, CTRL::Register> = map.reg(0x1010).expect("ctrl register");
    physreg_probe_modify(&ctrl);
    let d = map
        .dyn_reg(0x1018, Width::W32, Endianness::Little, true)
        .expect("dyn register");
    physreg_probe_dyn_write(&d, 7);
    sum += physreg_probe_dyn_read(&d) + u64::from(ctrl.get());
    // SAFETY: the mapping has 0x100 bytes from its start: 16 u32s are in bounds.
    sum += u64::from(unsafe { physreg_probe_control_walk(map.as_ptr().cast(), 16) });
    println!("access_probe: checksum {sum:#x}");
}
