//! Arm PrimeCell GPIO (PL061): direction, and masked reads and writes.
//!
//! Register map from the PrimeCell GPIO (PL061) Technical Reference Manual
//! (Arm DDI 0190), chapter 3. Eight pins. The data register GPIODATA is
//! address-masked: it occupies 0x000-0x3FC, and address bits `[9:2]` of an
//! access select which pins it touches. A write to `base + (mask << 2)`
//! changes only the pins set in `mask`, with no read-modify-write and so no
//! race with anyone else driving the other pins; a read from there returns
//! the masked pins and zeros elsewhere. QEMU's virt board has one at
//! 0x09030000.

use thiserror::Error;
use tock_registers::interfaces::{Readable, Writeable};

use super::{check_block, reg_info, PrimeCellId, RegInfo};
use crate::map::Mapping;
use crate::reg::{AccessError, RwReg, WoReg};

/// Register offsets from the GPIO block's base (TRM table 3-1).
pub mod offset {
    /// GPIODATA with no pin selected; pin mask `m` is at `DATA + (m << 2)`.
    pub const DATA: u64 = 0x000;
    /// GPIODATA with every pin selected (mask 0xFF).
    pub const DATA_ALL: u64 = 0x3fc;
    /// Direction: 1 = output.
    pub const DIR: u64 = 0x400;
    /// Interrupt sense: 1 = level, 0 = edge.
    pub const IS: u64 = 0x404;
    /// Interrupt on both edges.
    pub const IBE: u64 = 0x408;
    /// Interrupt event: 1 = rising edge or high level.
    pub const IEV: u64 = 0x40c;
    /// Interrupt mask (1 = enabled).
    pub const IE: u64 = 0x410;
    /// Raw interrupt status.
    pub const RIS: u64 = 0x414;
    /// Masked interrupt status.
    pub const MIS: u64 = 0x418;
    /// Interrupt clear (write-only, 1 clears).
    pub const IC: u64 = 0x41c;
    /// Mode control select: 1 = hardware control.
    pub const AFSEL: u64 = 0x420;
    /// PeriphID0: 0x61.
    pub const PERIPH_ID0: u64 = 0xfe0;
}

/// The address of GPIODATA that selects the pins in `mask`.
pub const fn data_offset(mask: u8) -> u64 {
    offset::DATA + ((mask as u64) << 2)
}

/// The registers this driver uses, for the board-file cross-check.
pub const LAYOUT: &[RegInfo] = &[
    reg_info!("DATA", offset::DATA, 32),
    reg_info!("DATA_ALL", offset::DATA_ALL, 32),
    reg_info!("DIR", offset::DIR, 32),
    reg_info!("IS", offset::IS, 32),
    reg_info!("IBE", offset::IBE, 32),
    reg_info!("IEV", offset::IEV, 32),
    reg_info!("IE", offset::IE, 32),
    reg_info!("RIS", offset::RIS, 32),
    reg_info!("MIS", offset::MIS, 32),
    reg_info!("IC", offset::IC, 32),
    reg_info!("AFSEL", offset::AFSEL, 32),
];

/// Number of pins.
pub const PINS: u8 = 8;

/// What can go wrong driving a PL061.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pl061Error {
    /// A register handle could not be made.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// A pin number of 8 or more.
    #[error("PL061 pin {0} does not exist: pins are 0 to 7")]
    BadPin(u8),
}

/// A PL061 GPIO block at a fixed address in a writable mapping.
#[derive(Clone, Copy, Debug)]
pub struct Pl061<'m> {
    map: &'m Mapping,
    base: u64,
    data_all: RwReg<'m, u32>,
    dir: RwReg<'m, u32>,
    ie: RwReg<'m, u32>,
    ris: RwReg<'m, u32>,
    ic: WoReg<'m, u32>,
    afsel: RwReg<'m, u32>,
}

impl<'m> Pl061<'m> {
    /// The GPIO block at `base` in `map` (writable, covering 0x000 to 0x420).
    pub fn new(map: &'m Mapping, base: u64) -> Result<Self, Pl061Error> {
        check_block(map, base, offset::AFSEL + 4)?;
        Ok(Pl061 {
            map,
            base,
            data_all: map.reg(base + offset::DATA_ALL)?,
            dir: map.reg(base + offset::DIR)?,
            ie: map.reg(base + offset::IE)?,
            ris: map.reg(base + offset::RIS)?,
            ic: map.reg(base + offset::IC)?,
            afsel: map.reg(base + offset::AFSEL)?,
        })
    }

    /// The block's base address.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// The GPIODATA handle that selects the pins in `mask`, for loops that
    /// access the same pins again and again. Every address it can make lies
    /// inside the block checked by [`new`](Self::new).
    pub fn data(&self, mask: u8) -> Result<RwReg<'m, u32>, Pl061Error> {
        Ok(self.map.reg(self.base + data_offset(mask))?)
    }

    /// Reads the pins in `mask` (others read as 0): one load from `base + (mask << 2)`.
    pub fn read(&self, mask: u8) -> Result<u8, Pl061Error> {
        Ok(self.data(mask)?.get() as u8)
    }

    /// Sets the pins in `mask` to the matching bits of `value`, leaving the
    /// other pins alone: one store to `base + (mask << 2)`.
    pub fn write(&self, mask: u8, value: u8) -> Result<(), Pl061Error> {
        self.data(mask)?.set(u32::from(value));
        Ok(())
    }

    /// All eight pins (GPIODATA at 0x3FC).
    pub fn read_all(&self) -> u8 {
        self.data_all.get() as u8
    }

    /// The direction register: bit n set = pin n is an output.
    pub fn direction(&self) -> u8 {
        self.dir.get() as u8
    }

    /// Writes the whole direction register.
    pub fn set_direction(&self, outputs: u8) {
        self.dir.set(u32::from(outputs));
    }

    /// Makes `pin` an output (true) or an input (false), leaving the others.
    pub fn set_output(&self, pin: u8, output: bool) -> Result<(), Pl061Error> {
        let bit = pin_bit(pin)?;
        let dir = self.direction();
        self.set_direction(if output { dir | bit } else { dir & !bit });
        Ok(())
    }

    /// Drives `pin` high or low (a masked write touching only that pin).
    pub fn set_pin(&self, pin: u8, high: bool) -> Result<(), Pl061Error> {
        let bit = pin_bit(pin)?;
        self.write(bit, if high { bit } else { 0 })
    }

    /// The level of `pin` (a masked read of only that pin).
    pub fn pin(&self, pin: u8) -> Result<bool, Pl061Error> {
        let bit = pin_bit(pin)?;
        Ok(self.read(bit)? != 0)
    }

    /// The interrupt mask register (1 = enabled).
    pub fn interrupt_mask(&self) -> u8 {
        self.ie.get() as u8
    }

    /// Raw interrupt status.
    pub fn raw_interrupts(&self) -> u8 {
        self.ris.get() as u8
    }

    /// Clears the interrupts in `mask` (GPIOIC).
    pub fn clear_interrupts(&self, mask: u8) {
        self.ic.set(u32::from(mask));
    }

    /// The mode control register: bit n set = pin n is under hardware control.
    pub fn hardware_control(&self) -> u8 {
        self.afsel.get() as u8
    }

    /// The PrimeCell identification registers (PeriphID 0x00041061 on Arm's part).
    pub fn id(&self) -> Result<PrimeCellId, AccessError> {
        PrimeCellId::read(self.map, self.base)
    }
}

fn pin_bit(pin: u8) -> Result<u8, Pl061Error> {
    if pin < PINS {
        Ok(1 << pin)
    } else {
        Err(Pl061Error::BadPin(pin))
    }
}
