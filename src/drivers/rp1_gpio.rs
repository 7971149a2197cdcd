//! Raspberry Pi 5 GPIO, in the RP1 I/O controller: function select
//! (IO_BANK0), pads (PADS_BANK0), and output through SYS_RIO0's atomic
//! SET/CLR/XOR register aliases.
//!
//! Layout from the RP1 Peripherals datasheet (Raspberry Pi Ltd, chapter 3,
//! GPIO) and Linux's pinctrl-rp1 driver. RP1 sits behind PCIe; the kernel's
//! /dev/gpiomem0 maps RP1's 0x400d0000..0x40100000 (CPU address
//! 0x1f_000d_0000 on a Pi 5) at offset 0, which holds, relative to its start:
//!
//! | offset | block | per pin |
//! | --- | --- | --- |
//! | 0x00000 | IO_BANK0 | GPIOn_STATUS at 8n, GPIOn_CTRL at 8n+4 |
//! | 0x10000 | SYS_RIO0 | bit n of OUT (0x0), OE (0x4), NOSYNC_IN (0x8), SYNC_IN (0xc) |
//! | 0x20000 | PADS_BANK0 | VOLTAGE_SELECT at 0x0, pad n at 4 + 4n |
//!
//! Every RP1 register also appears at three aliases: +0x1000 XORs the
//! written bits in, +0x2000 sets them, +0x3000 clears them, each in one
//! store the hardware applies atomically, so setting pin 17 never disturbs a
//! pin another process drives. Bank 0 holds GPIO 0 to 27, the 40-pin header.
//!
//! No Raspberry Pi 5 exists in this project's test setup (QEMU emulates none):
//! this driver is tested on the host against register files laid out at the
//! datasheet's offsets, which proves the addresses and values it writes but
//! not the hardware's atomic alias behaviour.

use thiserror::Error;
use tock_registers::interfaces::{Readable, Writeable};

use super::{check_block, field_info, reg_info, RegInfo};
use crate::map::Mapping;
use crate::reg::{AccessError, RoReg, RwReg, WoReg};

/// Offsets of the blocks from IO_BANK0 (offset 0 of /dev/gpiomem0).
pub mod block {
    /// IO_BANK0: per-pin STATUS and CTRL (function select, overrides).
    pub const IO_BANK0: u64 = 0x0_0000;
    /// SYS_RIO0: registered I/O, the fast output/output-enable/input path.
    pub const SYS_RIO0: u64 = 0x1_0000;
    /// PADS_BANK0: per-pin pad control (pulls, drive, slew, input enable).
    pub const PADS_BANK0: u64 = 0x2_0000;
    /// Bytes /dev/gpiomem0 maps (IO, RIO and PADS of all three banks).
    pub const SIZE: u64 = 0x3_0000;
}

/// Offsets of the atomic aliases from a register's normal address.
pub mod alias {
    /// Normal read/write access.
    pub const RW: u64 = 0x0000;
    /// Atomic XOR on write.
    pub const XOR: u64 = 0x1000;
    /// Atomic bitmask set on write.
    pub const SET: u64 = 0x2000;
    /// Atomic bitmask clear on write.
    pub const CLR: u64 = 0x3000;
}

/// Register offsets within the blocks.
pub mod offset {
    /// GPIOn_STATUS: `GPIO_STATUS + 8n` in IO_BANK0.
    pub const GPIO_STATUS: u64 = 0x0;
    /// GPIOn_CTRL: `GPIO_CTRL + 8n` in IO_BANK0.
    pub const GPIO_CTRL: u64 = 0x4;
    /// RIO_OUT in SYS_RIO0: output levels.
    pub const RIO_OUT: u64 = 0x0;
    /// RIO_OE in SYS_RIO0: output enables.
    pub const RIO_OE: u64 = 0x4;
    /// RIO_NOSYNC_IN in SYS_RIO0: input levels straight from the pads
    /// (what Linux's pinctrl-rp1 reads).
    pub const RIO_NOSYNC_IN: u64 = 0x8;
    /// RIO_SYNC_IN in SYS_RIO0: input levels synchronised to the system clock.
    pub const RIO_SYNC_IN: u64 = 0xc;
    /// VOLTAGE_SELECT in PADS_BANK0.
    pub const VOLTAGE_SELECT: u64 = 0x0;
    /// Pad n: `PAD_GPIO0 + 4n` in PADS_BANK0.
    pub const PAD_GPIO0: u64 = 0x4;
}

/// Register fields.
#[allow(missing_docs)]
pub mod fields {
    use tock_registers::register_bitfields;

    register_bitfields![u32,
        /// GPIOn_STATUS.
        pub STATUS [
            /// Output signal to the pad, after overrides.
            OUTTOPAD OFFSET(9) NUMBITS(1) [],
            /// Output enable to the pad, after overrides.
            OETOPAD OFFSET(13) NUMBITS(1) [],
            /// Input signal from the pad.
            INFROMPAD OFFSET(17) NUMBITS(1) [],
            /// Level-low event.
            EVENT_LEVEL_LOW OFFSET(22) NUMBITS(1) [],
            /// Level-high event.
            EVENT_LEVEL_HIGH OFFSET(23) NUMBITS(1) []
        ],
        /// GPIOn_CTRL.
        pub CTRL [
            /// Function select: 0-8 alternate functions, 5 is SYS_RIO, 0x1f none.
            FUNCSEL OFFSET(0) NUMBITS(5) [],
            /// Output override.
            OUTOVER OFFSET(12) NUMBITS(2) [
                Peri = 0,
                InvPeri = 1,
                Low = 2,
                High = 3
            ],
            /// Output enable override.
            OEOVER OFFSET(14) NUMBITS(2) [
                Peri = 0,
                InvPeri = 1,
                Disable = 2,
                Enable = 3
            ],
            /// Input override.
            INOVER OFFSET(16) NUMBITS(2) [
                Peri = 0,
                InvPeri = 1,
                Low = 2,
                High = 3
            ]
        ],
        /// PADS_BANK0 GPIOn.
        pub PAD [
            /// Fast slew rate.
            SLEWFAST OFFSET(0) NUMBITS(1) [],
            /// Schmitt trigger on the input.
            SCHMITT OFFSET(1) NUMBITS(1) [],
            /// Pull-down enable.
            PDE OFFSET(2) NUMBITS(1) [],
            /// Pull-up enable.
            PUE OFFSET(3) NUMBITS(1) [],
            /// Drive strength: 2, 4, 8 or 12 mA.
            DRIVE OFFSET(4) NUMBITS(2) [
                Ma2 = 0,
                Ma4 = 1,
                Ma8 = 2,
                Ma12 = 3
            ],
            /// Input enable.
            IE OFFSET(6) NUMBITS(1) [],
            /// Output disable (overrides the output enable).
            OD OFFSET(7) NUMBITS(1) []
        ]
    ];
}

use fields::{CTRL, PAD, STATUS};

/// The IO_BANK0 registers of pin 0 and their fields, for the board-file
/// cross-check (pin n's are 8n bytes further on).
pub const LAYOUT_IO_BANK0: &[RegInfo] = &[
    reg_info!(
        "GPIO0_STATUS",
        offset::GPIO_STATUS,
        32,
        [
            field_info!("OUTTOPAD", STATUS::OUTTOPAD),
            field_info!("OETOPAD", STATUS::OETOPAD),
            field_info!("INFROMPAD", STATUS::INFROMPAD),
            field_info!("EVENT_LEVEL_LOW", STATUS::EVENT_LEVEL_LOW),
            field_info!("EVENT_LEVEL_HIGH", STATUS::EVENT_LEVEL_HIGH),
        ]
    ),
    reg_info!(
        "GPIO0_CTRL",
        offset::GPIO_CTRL,
        32,
        [
            field_info!("FUNCSEL", CTRL::FUNCSEL),
            field_info!("OUTOVER", CTRL::OUTOVER),
            field_info!("OEOVER", CTRL::OEOVER),
            field_info!("INOVER", CTRL::INOVER),
        ]
    ),
];

/// The SYS_RIO0 registers and their atomic aliases.
pub const LAYOUT_SYS_RIO0: &[RegInfo] = &[
    reg_info!("OUT", offset::RIO_OUT, 32),
    reg_info!("OE", offset::RIO_OE, 32),
    reg_info!("NOSYNC_IN", offset::RIO_NOSYNC_IN, 32),
    reg_info!("SYNC_IN", offset::RIO_SYNC_IN, 32),
    reg_info!("OUT_XOR", offset::RIO_OUT + alias::XOR, 32),
    reg_info!("OUT_SET", offset::RIO_OUT + alias::SET, 32),
    reg_info!("OUT_CLR", offset::RIO_OUT + alias::CLR, 32),
    reg_info!("OE_XOR", offset::RIO_OE + alias::XOR, 32),
    reg_info!("OE_SET", offset::RIO_OE + alias::SET, 32),
    reg_info!("OE_CLR", offset::RIO_OE + alias::CLR, 32),
];

/// The PADS_BANK0 registers of pin 0 and their fields.
pub const LAYOUT_PADS_BANK0: &[RegInfo] = &[
    reg_info!("VOLTAGE_SELECT", offset::VOLTAGE_SELECT, 32),
    reg_info!(
        "GPIO0",
        offset::PAD_GPIO0,
        32,
        [
            field_info!("SLEWFAST", PAD::SLEWFAST),
            field_info!("SCHMITT", PAD::SCHMITT),
            field_info!("PDE", PAD::PDE),
            field_info!("PUE", PAD::PUE),
            field_info!("DRIVE", PAD::DRIVE),
            field_info!("IE", PAD::IE),
            field_info!("OD", PAD::OD),
        ]
    ),
];

/// Pins in bank 0 (GPIO 0 to 27).
pub const PINS: u8 = 28;

/// FUNCSEL value routing a pin to SYS_RIO (plain GPIO).
pub const FUNCSEL_SYS_RIO: u8 = 5;
/// FUNCSEL value for no function (the reset value).
pub const FUNCSEL_NULL: u8 = 0x1f;

/// What can go wrong driving RP1 GPIO.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rp1Error {
    /// A register handle could not be made.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The pin is not in bank 0.
    #[error("GPIO {0} is not in RP1 bank 0 (GPIO 0 to 27, the 40-pin header)")]
    BadPin(u8),
    /// A function select value above 8 other than 0x1f.
    #[error("FUNCSEL {0} does not exist: RP1 pins have functions 0 to 8 and 0x1f (none)")]
    BadFunction(u8),
}

/// A pin's pull resistor, as PADS' PUE/PDE bits encode it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pull {
    /// Neither.
    None,
    /// PUE.
    Up,
    /// PDE.
    Down,
    /// Both bits set (a bus keeper).
    Keeper,
}

/// A pad's configuration (PADS_BANK0 GPIOn).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pad {
    /// Fast slew.
    pub slew_fast: bool,
    /// Schmitt trigger.
    pub schmitt: bool,
    /// Pull resistor.
    pub pull: Pull,
    /// Drive strength in mA: 2, 4, 8 or 12.
    pub drive_ma: u8,
    /// Input enabled.
    pub input_enable: bool,
    /// Output disabled.
    pub output_disable: bool,
}

impl Pad {
    /// Decodes a pad register value.
    pub fn from_bits(v: u32) -> Self {
        let pull = match (v & (1 << 3) != 0, v & (1 << 2) != 0) {
            (false, false) => Pull::None,
            (true, false) => Pull::Up,
            (false, true) => Pull::Down,
            (true, true) => Pull::Keeper,
        };
        Pad {
            slew_fast: v & 1 != 0,
            schmitt: v & 2 != 0,
            pull,
            drive_ma: [2, 4, 8, 12][((v >> 4) & 3) as usize],
            input_enable: v & (1 << 6) != 0,
            output_disable: v & (1 << 7) != 0,
        }
    }

    /// Encodes the pad register value (drive rounded down to 2, 4, 8 or 12 mA).
    pub fn bits(&self) -> u32 {
        let pull = match self.pull {
            Pull::None => 0,
            Pull::Up => 1 << 3,
            Pull::Down => 1 << 2,
            Pull::Keeper => 3 << 2,
        };
        let drive = match self.drive_ma {
            0..=3 => 0,
            4..=7 => 1,
            8..=11 => 2,
            _ => 3,
        };
        u32::from(self.slew_fast)
            | (u32::from(self.schmitt) << 1)
            | pull
            | (drive << 4)
            | (u32::from(self.input_enable) << 6)
            | (u32::from(self.output_disable) << 7)
    }
}

/// RP1 bank-0 GPIO, in a writable mapping that covers IO_BANK0 to PADS_BANK0
/// (such as all of /dev/gpiomem0).
#[derive(Clone, Copy, Debug)]
pub struct Rp1Gpio<'m> {
    map: &'m Mapping,
    base: u64,
    out_set: WoReg<'m, u32>,
    out_clr: WoReg<'m, u32>,
    out_xor: WoReg<'m, u32>,
    oe_set: WoReg<'m, u32>,
    oe_clr: WoReg<'m, u32>,
    out: RoReg<'m, u32>,
    oe: RoReg<'m, u32>,
    sync_in: RoReg<'m, u32>,
}

impl<'m> Rp1Gpio<'m> {
    /// RP1 GPIO whose IO_BANK0 is at `base` (0x1f_000d_0000 on a Pi 5: the
    /// start of /dev/gpiomem0).
    pub fn new(map: &'m Mapping, base: u64) -> Result<Self, Rp1Error> {
        // IO_BANK0 to PADS_BANK0, aliases included.
        check_block(map, base, block::SIZE)?;
        let rio = base + block::SYS_RIO0;
        Ok(Rp1Gpio {
            map,
            base,
            out_set: map.reg(rio + offset::RIO_OUT + alias::SET)?,
            out_clr: map.reg(rio + offset::RIO_OUT + alias::CLR)?,
            out_xor: map.reg(rio + offset::RIO_OUT + alias::XOR)?,
            oe_set: map.reg(rio + offset::RIO_OE + alias::SET)?,
            oe_clr: map.reg(rio + offset::RIO_OE + alias::CLR)?,
            out: map.reg(rio + offset::RIO_OUT)?,
            oe: map.reg(rio + offset::RIO_OE)?,
            sync_in: map.reg(rio + offset::RIO_SYNC_IN)?,
        })
    }

    /// The address of IO_BANK0.
    pub fn base(&self) -> u64 {
        self.base
    }

    fn bit(pin: u8) -> Result<u32, Rp1Error> {
        if pin < PINS {
            Ok(1 << pin)
        } else {
            Err(Rp1Error::BadPin(pin))
        }
    }

    /// Address of pin `pin`'s CTRL register.
    pub fn ctrl_addr(&self, pin: u8) -> Result<u64, Rp1Error> {
        Self::bit(pin)?;
        Ok(self.base + block::IO_BANK0 + offset::GPIO_CTRL + 8 * u64::from(pin))
    }

    /// Address of pin `pin`'s STATUS register.
    pub fn status_addr(&self, pin: u8) -> Result<u64, Rp1Error> {
        Self::bit(pin)?;
        Ok(self.base + block::IO_BANK0 + offset::GPIO_STATUS + 8 * u64::from(pin))
    }

    /// Address of pin `pin`'s pad register.
    pub fn pad_addr(&self, pin: u8) -> Result<u64, Rp1Error> {
        Self::bit(pin)?;
        Ok(self.base + block::PADS_BANK0 + offset::PAD_GPIO0 + 4 * u64::from(pin))
    }

    fn ctrl(&self, pin: u8) -> Result<RwReg<'m, u32, CTRL::Register>, Rp1Error> {
        Ok(self.map.reg(self.ctrl_addr(pin)?)?)
    }

    fn pad(&self, pin: u8) -> Result<RwReg<'m, u32, PAD::Register>, Rp1Error> {
        Ok(self.map.reg(self.pad_addr(pin)?)?)
    }

    /// The function select of `pin` (FUNCSEL: 0-8, 5 = SYS_RIO, 0x1f = none).
    pub fn function(&self, pin: u8) -> Result<u8, Rp1Error> {
        Ok(self.ctrl(pin)?.read(CTRL::FUNCSEL) as u8)
    }

    /// Sets the function select of `pin`, and the output and output-enable
    /// overrides back to "from the peripheral". A read-modify-write of CTRL
    /// through its normal address: clearing FUNCSEL and then setting it
    /// through the aliases would pass through function 0 on the way.
    pub fn set_function(&self, pin: u8, funcsel: u8) -> Result<(), Rp1Error> {
        if funcsel > 8 && funcsel != FUNCSEL_NULL {
            return Err(Rp1Error::BadFunction(funcsel));
        }
        let ctrl = self.ctrl(pin)?;
        let mut v = ctrl.extract();
        v.modify(CTRL::FUNCSEL.val(u32::from(funcsel)) + CTRL::OUTOVER::Peri + CTRL::OEOVER::Peri);
        ctrl.set(v.get());
        Ok(())
    }

    /// The STATUS register of `pin`.
    pub fn status(&self, pin: u8) -> Result<u32, Rp1Error> {
        let status: RoReg<u32> = self.map.reg(self.status_addr(pin)?)?;
        Ok(status.get())
    }

    /// The pad configuration of `pin`.
    pub fn pad_config(&self, pin: u8) -> Result<Pad, Rp1Error> {
        Ok(Pad::from_bits(self.pad(pin)?.get()))
    }

    /// Writes the pad configuration of `pin` (bits above 7 are kept).
    pub fn set_pad_config(&self, pin: u8, pad: Pad) -> Result<(), Rp1Error> {
        let r = self.pad(pin)?;
        r.set((r.get() & !0xff) | pad.bits());
        Ok(())
    }

    /// Sets the pull of `pin`: one store to the pad's CLR alias (PUE and
    /// PDE), then one to its SET alias (the new bits), so no other pad bit
    /// is touched.
    pub fn set_pull(&self, pin: u8, pull: Pull) -> Result<(), Rp1Error> {
        let addr = self.pad_addr(pin)?;
        let bits = Pad {
            pull,
            ..Pad::from_bits(0)
        }
        .bits();
        let clr: WoReg<u32> = self.map.reg(addr + alias::CLR)?;
        let set: WoReg<u32> = self.map.reg(addr + alias::SET)?;
        clr.set(0b1100);
        if bits != 0 {
            set.set(bits);
        }
        Ok(())
    }

    /// Makes `pin` a SYS_RIO output: FUNCSEL 5, pad input enabled and output
    /// not disabled, then its RIO_OE bit set through the SET alias.
    pub fn make_output(&self, pin: u8) -> Result<(), Rp1Error> {
        let bit = Self::bit(pin)?;
        self.set_function(pin, FUNCSEL_SYS_RIO)?;
        let pad = self.pad_addr(pin)?;
        let pad_set: WoReg<u32> = self.map.reg(pad + alias::SET)?;
        let pad_clr: WoReg<u32> = self.map.reg(pad + alias::CLR)?;
        pad_clr.set(1 << 7);
        pad_set.set(1 << 6);
        self.oe_set.set(bit);
        Ok(())
    }

    /// Makes `pin` a SYS_RIO input: FUNCSEL 5, pad input enabled, RIO_OE bit
    /// cleared through the CLR alias.
    pub fn make_input(&self, pin: u8) -> Result<(), Rp1Error> {
        let bit = Self::bit(pin)?;
        self.set_function(pin, FUNCSEL_SYS_RIO)?;
        let pad_set: WoReg<u32> = self.map.reg(self.pad_addr(pin)? + alias::SET)?;
        pad_set.set(1 << 6);
        self.oe_clr.set(bit);
        Ok(())
    }

    /// Drives `pin` high: one store of its bit to RIO_OUT's SET alias.
    pub fn set_high(&self, pin: u8) -> Result<(), Rp1Error> {
        self.out_set.set(Self::bit(pin)?);
        Ok(())
    }

    /// Drives `pin` low: one store of its bit to RIO_OUT's CLR alias.
    pub fn set_low(&self, pin: u8) -> Result<(), Rp1Error> {
        self.out_clr.set(Self::bit(pin)?);
        Ok(())
    }

    /// Drives `pin` high or low.
    pub fn write(&self, pin: u8, high: bool) -> Result<(), Rp1Error> {
        if high {
            self.set_high(pin)
        } else {
            self.set_low(pin)
        }
    }

    /// Inverts `pin`'s output: one store of its bit to RIO_OUT's XOR alias.
    pub fn toggle(&self, pin: u8) -> Result<(), Rp1Error> {
        self.out_xor.set(Self::bit(pin)?);
        Ok(())
    }

    /// The level of `pin` (SYNC_IN: synchronised to the system clock).
    pub fn level(&self, pin: u8) -> Result<bool, Rp1Error> {
        Ok(self.sync_in.get() & Self::bit(pin)? != 0)
    }

    /// The output register (RIO_OUT).
    pub fn outputs(&self) -> u32 {
        self.out.get()
    }

    /// The output-enable register (RIO_OE).
    pub fn output_enables(&self) -> u32 {
        self.oe.get()
    }
}
