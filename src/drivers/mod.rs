//! Typed drivers for the peripherals the built-in boards carry.
//!
//! Each driver works on a [`Mapping`] and the address of
//! its block. It makes its register handles once, when it is constructed
//! (that is where bounds, alignment and writability are checked), so every
//! register access afterwards is one load or one store: no lookup, no lock,
//! no system call. Drivers never panic: anything a device or a caller can get
//! wrong comes back as the module's error type.
//!
//! | module | peripheral | boards |
//! | --- | --- | --- |
//! | [`pl011`] | Arm PrimeCell UART | QEMU virt, every Raspberry Pi (UART0) |
//! | [`pl031`] | Arm PrimeCell real-time clock | QEMU virt |
//! | [`pl061`] | Arm PrimeCell GPIO | QEMU virt |
//! | [`fw_cfg`] | QEMU firmware configuration device | QEMU virt |
//! | [`virtio_mmio`] | virtio-mmio transports | QEMU virt |
//! | [`bcm_gpio`] | BCM2835/6/7 and BCM2711 GPIO | Raspberry Pi 1 to 4 |
//! | [`bcm_timer`] | BCM283x/BCM2711 system timer | Raspberry Pi 1 to 4 |
//! | [`rp1_gpio`] | RP1 GPIO (IO_BANK0, SYS_RIO0, PADS_BANK0) | Raspberry Pi 5 |
//!
//! Every module also publishes its register layout as [`RegInfo`] tables
//! (`LAYOUT`), which a test compares with the board files so that drivers and
//! boards cannot drift apart.

use crate::map::Mapping;
use crate::reg::{AccessError, Endianness, RoReg};
use tock_registers::interfaces::Readable;

pub mod bcm_gpio;
pub mod bcm_timer;
pub mod fw_cfg;
pub mod pl011;
pub mod pl031;
pub mod pl061;
pub mod rp1_gpio;
pub mod virtio_mmio;

/// One register of a driver's layout: what the driver believes the datasheet says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegInfo {
    /// The datasheet's name for the register.
    pub name: &'static str,
    /// Byte offset from the block's base.
    pub offset: u64,
    /// Access width in bits.
    pub bits: u32,
    /// Byte order (fw_cfg's selector and DMA address are big-endian).
    pub endian: Endianness,
    /// The fields the driver uses (empty when it uses the register whole).
    pub fields: &'static [FieldInfo],
}

/// One field of a register in a driver's layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldInfo {
    /// The datasheet's name for the field.
    pub name: &'static str,
    /// Lowest bit.
    pub lsb: u32,
    /// Number of bits.
    pub width: u32,
}

impl FieldInfo {
    /// Highest bit.
    pub const fn msb(&self) -> u32 {
        self.lsb + self.width - 1
    }
}

/// Builds a [`FieldInfo`] from a tock-registers field, so that the table and
/// the field the driver uses are the same constant.
macro_rules! field_info {
    ($name:literal, $field:expr) => {
        $crate::drivers::FieldInfo {
            name: $name,
            lsb: $field.shift as u32,
            width: ($field.mask as u64).count_ones(),
        }
    };
}
pub(crate) use field_info;

/// Builds a little-endian [`RegInfo`], with or without fields; `big` first
/// makes it big-endian.
macro_rules! reg_info {
    (big $name:literal, $offset:expr, $bits:expr) => {
        $crate::drivers::RegInfo {
            name: $name,
            offset: $offset,
            bits: $bits,
            endian: $crate::reg::Endianness::Big,
            fields: &[],
        }
    };
    ($name:literal, $offset:expr, $bits:expr) => {
        $crate::drivers::RegInfo {
            name: $name,
            offset: $offset,
            bits: $bits,
            endian: $crate::reg::Endianness::Little,
            fields: &[],
        }
    };
    ($name:literal, $offset:expr, $bits:expr, [$($field:expr),* $(,)?]) => {
        $crate::drivers::RegInfo {
            name: $name,
            offset: $offset,
            bits: $bits,
            endian: $crate::reg::Endianness::Little,
            fields: &[$($field),*],
        }
    };
}
pub(crate) use reg_info;

/// Checks that `[base, base + size)` lies inside `map`, so that a driver
/// can add any offset below `size` to `base` without overflow and make its
/// handles knowing they fit.
pub fn check_block(map: &Mapping, base: u64, size: u64) -> Result<(), AccessError> {
    if map.contains(base, size) {
        Ok(())
    } else {
        Err(AccessError::OutOfBounds {
            addr: base.saturating_add(size.saturating_sub(4)),
            bits: 32,
            start: map.base(),
            end: map.base().saturating_add(map.len() as u64),
        })
    }
}

/// The eight identification registers of an Arm PrimeCell peripheral
/// (PL011, PL031, PL061...), at offsets 0xFE0 to 0xFFC of its 4 KiB block.
///
/// Each register holds one byte in bits 7:0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrimeCellId {
    /// PeriphID0..3 (0xFE0, 0xFE4, 0xFE8, 0xFEC).
    pub periph: [u8; 4],
    /// PCellID0..3 (0xFF0, 0xFF4, 0xFF8, 0xFFC).
    pub cell: [u8; 4],
}

/// The PCellID bytes every PrimeCell carries.
pub const PRIMECELL_CELL_ID: [u8; 4] = [0x0d, 0xf0, 0x05, 0xb1];

/// Offset of PeriphID0 in a PrimeCell block.
pub const PRIMECELL_ID_OFFSET: u64 = 0xfe0;

/// The identification registers [`PrimeCellId::read`] loads, for the
/// board-file cross-check (the `primecell-id` layout).
pub const PRIMECELL_LAYOUT: &[RegInfo] = &[
    reg_info!("PeriphID0", 0xfe0, 32),
    reg_info!("PeriphID1", 0xfe4, 32),
    reg_info!("PeriphID2", 0xfe8, 32),
    reg_info!("PeriphID3", 0xfec, 32),
    reg_info!("PCellID0", 0xff0, 32),
    reg_info!("PCellID1", 0xff4, 32),
    reg_info!("PCellID2", 0xff8, 32),
    reg_info!("PCellID3", 0xffc, 32),
];

impl PrimeCellId {
    /// Reads the eight ID registers of the PrimeCell block at `base` (a
    /// read-only mapping is enough). Eight loads.
    pub fn read(map: &Mapping, base: u64) -> Result<Self, AccessError> {
        check_block(map, base, 0x1000)?;
        let mut id = PrimeCellId {
            periph: [0; 4],
            cell: [0; 4],
        };
        for i in 0..4u64 {
            let p: RoReg<u32> = map.reg(base + PRIMECELL_ID_OFFSET + 4 * i)?;
            let c: RoReg<u32> = map.reg(base + PRIMECELL_ID_OFFSET + 0x10 + 4 * i)?;
            id.periph[i as usize] = p.get() as u8;
            id.cell[i as usize] = c.get() as u8;
        }
        Ok(id)
    }

    /// The part number (`PeriphID1[3:0]` and PeriphID0): 0x011 for a PL011.
    pub fn part(&self) -> u16 {
        u16::from(self.periph[0]) | (u16::from(self.periph[1] & 0xf) << 8)
    }

    /// The designer code (`PeriphID2[3:0]` and `PeriphID1[7:4]`): 0x41 ('A') for Arm.
    pub fn designer(&self) -> u8 {
        (self.periph[1] >> 4) | ((self.periph[2] & 0xf) << 4)
    }

    /// The revision (`PeriphID2[7:4]`).
    pub fn revision(&self) -> u8 {
        self.periph[2] >> 4
    }

    /// The configuration byte (PeriphID3).
    pub fn configuration(&self) -> u8 {
        self.periph[3]
    }

    /// Whether PCellID is the PrimeCell constant 0xB105F00D.
    pub fn is_primecell(&self) -> bool {
        self.cell == PRIMECELL_CELL_ID
    }

    /// The four PeriphID bytes as one number, PeriphID3 highest (0x00141011 for QEMU's PL011).
    pub fn periph_id(&self) -> u32 {
        u32::from_le_bytes(self.periph)
    }

    /// The four PCellID bytes as one number: 0xB105F00D for every PrimeCell.
    pub fn cell_id(&self) -> u32 {
        u32::from_le_bytes(self.cell)
    }
}

/// A bounded busy-wait budget: how many times a driver polls a status bit
/// before it gives up and reports a time-out instead of hanging.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpinLimit(pub u32);

impl Default for SpinLimit {
    /// One million polls: at least a tenth of a second on any hardware, and
    /// far more than a UART byte time at any standard baud rate.
    fn default() -> Self {
        SpinLimit(1_000_000)
    }
}

impl SpinLimit {
    /// Polls `ready` until it returns true, at most `self.0` times (at least once).
    pub fn wait(self, mut ready: impl FnMut() -> bool) -> bool {
        for _ in 0..self.0.max(1) {
            if ready() {
                return true;
            }
            core::hint::spin_loop();
        }
        false
    }
}
