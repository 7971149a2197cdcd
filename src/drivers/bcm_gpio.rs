//! Broadcom BCM2835/6/7 and BCM2711 GPIO (Raspberry Pi 1 to 4).
//!
//! Register map from the BCM2835 ARM Peripherals datasheet, section 6.1, and
//! the BCM2711 ARM Peripherals datasheet, section 5.2. The block sits at bus
//! address 0x7e200000: 0x20200000 (BCM2835), 0x3f200000 (BCM2836/7) or
//! 0xfe200000 (BCM2711) for the CPU, and at offset 0 of /dev/gpiomem.
//!
//! Pulls come in two styles:
//! - BCM2835/6/7: write the pull to GPPUD, wait 150 cycles, clock it into the
//!   pins with GPPUDCLK0/1, wait 150 cycles, then clear GPPUD and GPPUDCLK.
//!   GPPUD: 0 off, 1 pull-down, 2 pull-up. The pull cannot be read back.
//! - BCM2711: GPIO_PUP_PDN_CNTRL_REG0..3, two bits a pin, 16 pins a register,
//!   readable. The values differ: 0 none, 1 pull-up, 2 pull-down.

use std::time::{Duration, Instant};

use thiserror::Error;
use tock_registers::interfaces::{Readable, Writeable};

use super::{check_block, reg_info, RegInfo};
use crate::map::Mapping;
use crate::reg::{AccessError, RoReg, RwReg, WoReg};

/// Register offsets from the GPIO block's base.
pub mod offset {
    /// GPFSEL0; GPFSELn is at `GPFSEL0 + 4n` (n = 0..5), 3 bits a pin, 10 pins a register.
    pub const GPFSEL0: u64 = 0x00;
    /// GPSET0 (pins 0-31); GPSET1 follows.
    pub const GPSET0: u64 = 0x1c;
    /// GPCLR0; GPCLR1 follows.
    pub const GPCLR0: u64 = 0x28;
    /// GPLEV0; GPLEV1 follows.
    pub const GPLEV0: u64 = 0x34;
    /// GPEDS0 (event detect status, write 1 to clear); GPEDS1 follows.
    pub const GPEDS0: u64 = 0x40;
    /// GPREN0 (rising edge detect enable).
    pub const GPREN0: u64 = 0x4c;
    /// GPFEN0 (falling edge).
    pub const GPFEN0: u64 = 0x58;
    /// GPHEN0 (high level).
    pub const GPHEN0: u64 = 0x64;
    /// GPLEN0 (low level).
    pub const GPLEN0: u64 = 0x70;
    /// GPAREN0 (asynchronous rising edge).
    pub const GPAREN0: u64 = 0x7c;
    /// GPAFEN0 (asynchronous falling edge).
    pub const GPAFEN0: u64 = 0x88;
    /// GPPUD (BCM2835/6/7 only): the pull to clock in.
    pub const GPPUD: u64 = 0x94;
    /// GPPUDCLK0 (BCM2835/6/7 only); GPPUDCLK1 follows.
    pub const GPPUDCLK0: u64 = 0x98;
    /// GPIO_PUP_PDN_CNTRL_REG0 (BCM2711 only); REG1..3 follow.
    pub const GPIO_PUP_PDN_CNTRL_REG0: u64 = 0xe4;
}

/// The registers this driver uses, for the board-file cross-check. Register
/// arrays are listed element by element.
pub const LAYOUT: &[RegInfo] = &[
    reg_info!("GPFSEL0", 0x00, 32),
    reg_info!("GPFSEL1", 0x04, 32),
    reg_info!("GPFSEL2", 0x08, 32),
    reg_info!("GPFSEL3", 0x0c, 32),
    reg_info!("GPFSEL4", 0x10, 32),
    reg_info!("GPFSEL5", 0x14, 32),
    reg_info!("GPSET0", 0x1c, 32),
    reg_info!("GPSET1", 0x20, 32),
    reg_info!("GPCLR0", 0x28, 32),
    reg_info!("GPCLR1", 0x2c, 32),
    reg_info!("GPLEV0", 0x34, 32),
    reg_info!("GPLEV1", 0x38, 32),
    reg_info!("GPEDS0", 0x40, 32),
    reg_info!("GPEDS1", 0x44, 32),
    reg_info!("GPREN0", 0x4c, 32),
    reg_info!("GPREN1", 0x50, 32),
    reg_info!("GPFEN0", 0x58, 32),
    reg_info!("GPFEN1", 0x5c, 32),
    reg_info!("GPHEN0", 0x64, 32),
    reg_info!("GPHEN1", 0x68, 32),
    reg_info!("GPLEN0", 0x70, 32),
    reg_info!("GPLEN1", 0x74, 32),
    reg_info!("GPAREN0", 0x7c, 32),
    reg_info!("GPAREN1", 0x80, 32),
    reg_info!("GPAFEN0", 0x88, 32),
    reg_info!("GPAFEN1", 0x8c, 32),
];

/// The BCM2835-style pull registers (absent on BCM2711).
pub const LAYOUT_BCM2835_PULL: &[RegInfo] = &[
    reg_info!("GPPUD", 0x94, 32),
    reg_info!("GPPUDCLK0", 0x98, 32),
    reg_info!("GPPUDCLK1", 0x9c, 32),
];

/// The BCM2711-style pull registers.
pub const LAYOUT_BCM2711_PULL: &[RegInfo] = &[
    reg_info!("GPIO_PUP_PDN_CNTRL_REG0", 0xe4, 32),
    reg_info!("GPIO_PUP_PDN_CNTRL_REG1", 0xe8, 32),
    reg_info!("GPIO_PUP_PDN_CNTRL_REG2", 0xec, 32),
    reg_info!("GPIO_PUP_PDN_CNTRL_REG3", 0xf0, 32),
];

/// Which chip, and so which pin count and pull style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chip {
    /// BCM2835, BCM2836, BCM2837 (Raspberry Pi 1, Zero, 2, 3): 54 pins, GPPUD pulls.
    Bcm2835,
    /// BCM2711 (Raspberry Pi 4, 400, CM4): 58 pins, GPIO_PUP_PDN_CNTRL pulls.
    Bcm2711,
}

impl Chip {
    /// Number of GPIO pins.
    pub const fn pins(self) -> u8 {
        match self {
            Chip::Bcm2835 => 54,
            Chip::Bcm2711 => 58,
        }
    }

    /// Bytes of the register block this driver touches.
    pub const fn block_size(self) -> u64 {
        match self {
            Chip::Bcm2835 => 0xa0,
            Chip::Bcm2711 => 0xf4,
        }
    }
}

/// A pin's function (GPFSEL codes, datasheet table 6-2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    /// 0b000.
    Input,
    /// 0b001.
    Output,
    /// 0b100.
    Alt0,
    /// 0b101.
    Alt1,
    /// 0b110.
    Alt2,
    /// 0b111.
    Alt3,
    /// 0b011.
    Alt4,
    /// 0b010.
    Alt5,
}

impl Function {
    /// The 3-bit GPFSEL code.
    pub const fn code(self) -> u32 {
        match self {
            Function::Input => 0b000,
            Function::Output => 0b001,
            Function::Alt0 => 0b100,
            Function::Alt1 => 0b101,
            Function::Alt2 => 0b110,
            Function::Alt3 => 0b111,
            Function::Alt4 => 0b011,
            Function::Alt5 => 0b010,
        }
    }

    /// The function of a 3-bit code (only the low 3 bits are looked at).
    pub const fn from_code(code: u32) -> Self {
        match code & 7 {
            0b000 => Function::Input,
            0b001 => Function::Output,
            0b100 => Function::Alt0,
            0b101 => Function::Alt1,
            0b110 => Function::Alt2,
            0b111 => Function::Alt3,
            0b011 => Function::Alt4,
            _ => Function::Alt5,
        }
    }

    /// Lower-case name: `input`, `output`, `alt0`...
    pub const fn name(self) -> &'static str {
        match self {
            Function::Input => "input",
            Function::Output => "output",
            Function::Alt0 => "alt0",
            Function::Alt1 => "alt1",
            Function::Alt2 => "alt2",
            Function::Alt3 => "alt3",
            Function::Alt4 => "alt4",
            Function::Alt5 => "alt5",
        }
    }
}

/// A pull resistor setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pull {
    /// No pull.
    None,
    /// Pull-up.
    Up,
    /// Pull-down.
    Down,
}

impl Pull {
    /// The GPPUD code (BCM2835/6/7): 0 off, 1 down, 2 up.
    pub const fn gppud_code(self) -> u32 {
        match self {
            Pull::None => 0,
            Pull::Down => 1,
            Pull::Up => 2,
        }
    }

    /// The GPIO_PUP_PDN_CNTRL code (BCM2711): 0 none, 1 up, 2 down.
    pub const fn bcm2711_code(self) -> u32 {
        match self {
            Pull::None => 0,
            Pull::Up => 1,
            Pull::Down => 2,
        }
    }

    /// The pull of a BCM2711 code (3 is reserved).
    pub const fn from_bcm2711_code(code: u32) -> Option<Self> {
        match code {
            0 => Some(Pull::None),
            1 => Some(Pull::Up),
            2 => Some(Pull::Down),
            _ => None,
        }
    }
}

/// An event the pin's detector can latch into GPEDS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// Synchronous rising edge (GPREN).
    RisingEdge,
    /// Synchronous falling edge (GPFEN).
    FallingEdge,
    /// High level (GPHEN).
    High,
    /// Low level (GPLEN).
    Low,
    /// Asynchronous rising edge (GPAREN).
    AsyncRisingEdge,
    /// Asynchronous falling edge (GPAFEN).
    AsyncFallingEdge,
}

impl Event {
    /// Offset of the bank-0 enable register for this event.
    pub const fn offset(self) -> u64 {
        match self {
            Event::RisingEdge => offset::GPREN0,
            Event::FallingEdge => offset::GPFEN0,
            Event::High => offset::GPHEN0,
            Event::Low => offset::GPLEN0,
            Event::AsyncRisingEdge => offset::GPAREN0,
            Event::AsyncFallingEdge => offset::GPAFEN0,
        }
    }

    const ALL: [Event; 6] = [
        Event::RisingEdge,
        Event::FallingEdge,
        Event::High,
        Event::Low,
        Event::AsyncRisingEdge,
        Event::AsyncFallingEdge,
    ];
}

/// What can go wrong driving the GPIO block.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GpioError {
    /// A register handle could not be made.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The pin does not exist on this chip.
    #[error("GPIO {pin} does not exist on the {chip:?}: it has pins 0 to {}", chip.pins() - 1)]
    BadPin {
        /// The pin asked for.
        pin: u8,
        /// The chip.
        chip: Chip,
    },
    /// The pull register holds the reserved value 3.
    #[error("GPIO {pin}'s pull field holds the reserved value 3")]
    ReservedPull {
        /// The pin.
        pin: u8,
    },
}

/// One register write of the BCM2835 pull sequence, and whether to wait
/// (at least 150 core clock cycles) after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PullStep {
    /// Offset of the register from the block's base.
    pub offset: u64,
    /// The value written.
    pub value: u32,
    /// Wait 150 cycles after this write.
    pub wait_after: bool,
}

/// The BCM2835 datasheet's pull sequence (section 6.1, GPPUDCLK) for `pin`:
/// write the pull to GPPUD, wait 150 cycles, write the pin's bit to
/// GPPUDCLK0/1, wait 150 cycles, write 0 to GPPUD, write 0 to GPPUDCLK0/1.
pub fn bcm2835_pull_sequence(pin: u8, pull: Pull) -> [PullStep; 4] {
    let clk = offset::GPPUDCLK0 + 4 * u64::from(pin / 32);
    let bit = 1u32 << (pin % 32);
    [
        PullStep {
            offset: offset::GPPUD,
            value: pull.gppud_code(),
            wait_after: true,
        },
        PullStep {
            offset: clk,
            value: bit,
            wait_after: true,
        },
        PullStep {
            offset: offset::GPPUD,
            value: 0,
            wait_after: false,
        },
        PullStep {
            offset: clk,
            value: 0,
            wait_after: false,
        },
    ]
}

/// Offset of the GPIO_PUP_PDN_CNTRL register holding `pin`, and the field's lowest bit.
pub const fn bcm2711_pull_field(pin: u8) -> (u64, u32) {
    (
        offset::GPIO_PUP_PDN_CNTRL_REG0 + 4 * (pin as u64 / 16),
        2 * (pin as u32 % 16),
    )
}

/// Offset of the GPFSEL register holding `pin`, and the field's lowest bit.
pub const fn fsel_field(pin: u8) -> (u64, u32) {
    (
        offset::GPFSEL0 + 4 * (pin as u64 / 10),
        3 * (pin as u32 % 10),
    )
}

/// Waits at least 150 cycles of the fastest core clock any Pi runs (the
/// datasheet's requirement between pull steps): 1 microsecond, as Linux's
/// pinctrl-bcm2835 does, and never fewer than 150 spins.
fn wait_150_cycles() {
    let start = Instant::now();
    let mut spins = 0u32;
    while spins < 150 || start.elapsed() < Duration::from_micros(1) {
        core::hint::spin_loop();
        spins = spins.saturating_add(1);
    }
}

/// A Raspberry Pi GPIO block in a writable mapping.
#[derive(Clone, Copy, Debug)]
pub struct BcmGpio<'m> {
    map: &'m Mapping,
    base: u64,
    chip: Chip,
    fsel: [RwReg<'m, u32>; 6],
    set: [WoReg<'m, u32>; 2],
    clr: [WoReg<'m, u32>; 2],
    lev: [RoReg<'m, u32>; 2],
    eds: [RwReg<'m, u32>; 2],
}

impl<'m> BcmGpio<'m> {
    /// The GPIO block of `chip` at `base` in `map` (writable).
    pub fn new(map: &'m Mapping, base: u64, chip: Chip) -> Result<Self, GpioError> {
        // The whole block must be mapped, pull registers included.
        check_block(map, base, chip.block_size())?;
        let r = |off: u64| map.reg(base + off);
        Ok(BcmGpio {
            map,
            base,
            chip,
            fsel: [r(0x00)?, r(0x04)?, r(0x08)?, r(0x0c)?, r(0x10)?, r(0x14)?],
            set: [map.reg(base + 0x1c)?, map.reg(base + 0x20)?],
            clr: [map.reg(base + 0x28)?, map.reg(base + 0x2c)?],
            lev: [map.reg(base + 0x34)?, map.reg(base + 0x38)?],
            eds: [r(0x40)?, r(0x44)?],
        })
    }

    /// The block's base address.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// The chip this driver was made for.
    pub fn chip(&self) -> Chip {
        self.chip
    }

    fn check(&self, pin: u8) -> Result<(usize, u32), GpioError> {
        if pin < self.chip.pins() {
            Ok((usize::from(pin / 32), 1 << (pin % 32)))
        } else {
            Err(GpioError::BadPin {
                pin,
                chip: self.chip,
            })
        }
    }

    fn reg(&self, off: u64) -> Result<RwReg<'m, u32>, GpioError> {
        Ok(self.map.reg(self.base + off)?)
    }

    /// The function of `pin` (one GPFSEL load).
    pub fn function(&self, pin: u8) -> Result<Function, GpioError> {
        self.check(pin)?;
        let (_, shift) = fsel_field(pin);
        let r = self.fsel[usize::from(pin / 10)];
        Ok(Function::from_code(r.get() >> shift))
    }

    /// Sets the function of `pin`: a read-modify-write of its GPFSEL register
    /// (GPFSEL has no set/clear aliases; don't race other writers of the same
    /// ten pins).
    pub fn set_function(&self, pin: u8, function: Function) -> Result<(), GpioError> {
        self.check(pin)?;
        let (_, shift) = fsel_field(pin);
        let r = self.fsel[usize::from(pin / 10)];
        let v = r.get();
        r.set((v & !(7 << shift)) | (function.code() << shift));
        Ok(())
    }

    /// Drives `pin` high (one GPSET store; the pin must be an output to show it).
    pub fn set(&self, pin: u8) -> Result<(), GpioError> {
        let (bank, bit) = self.check(pin)?;
        self.set[bank].set(bit);
        Ok(())
    }

    /// Drives `pin` low (one GPCLR store).
    pub fn clear(&self, pin: u8) -> Result<(), GpioError> {
        let (bank, bit) = self.check(pin)?;
        self.clr[bank].set(bit);
        Ok(())
    }

    /// Drives `pin` high or low.
    pub fn write(&self, pin: u8, high: bool) -> Result<(), GpioError> {
        if high {
            self.set(pin)
        } else {
            self.clear(pin)
        }
    }

    /// Sets the pins in `mask` high and clears those in `clear` in bank `bank`
    /// (0: pins 0-31, 1: pins 32-53/57), one store each.
    pub fn write_bank(&self, bank: usize, set: u32, clear: u32) -> Result<(), GpioError> {
        let (s, c) = self
            .set
            .get(bank)
            .zip(self.clr.get(bank))
            .ok_or(GpioError::BadPin {
                pin: bank.saturating_mul(32).min(255) as u8,
                chip: self.chip,
            })?;
        if set != 0 {
            s.set(set);
        }
        if clear != 0 {
            c.set(clear);
        }
        Ok(())
    }

    /// The level of `pin` (one GPLEV load).
    pub fn level(&self, pin: u8) -> Result<bool, GpioError> {
        let (bank, bit) = self.check(pin)?;
        Ok(self.lev[bank].get() & bit != 0)
    }

    /// The levels of every pin, pin n in bit n (two GPLEV loads).
    pub fn levels(&self) -> u64 {
        u64::from(self.lev[0].get()) | (u64::from(self.lev[1].get()) << 32)
    }

    /// Sets the pull of `pin` in the chip's style (see the module documentation).
    pub fn set_pull(&self, pin: u8, pull: Pull) -> Result<(), GpioError> {
        self.check(pin)?;
        match self.chip {
            Chip::Bcm2835 => {
                for step in bcm2835_pull_sequence(pin, pull) {
                    self.reg(step.offset)?.set(step.value);
                    if step.wait_after {
                        wait_150_cycles();
                    }
                }
            }
            Chip::Bcm2711 => {
                let (off, shift) = bcm2711_pull_field(pin);
                let r = self.reg(off)?;
                let v = r.get();
                r.set((v & !(3 << shift)) | (pull.bcm2711_code() << shift));
            }
        }
        Ok(())
    }

    /// The pull of `pin`: readable on BCM2711 only (`Ok(None)` on BCM2835/6/7,
    /// whose pull latches cannot be read).
    pub fn pull(&self, pin: u8) -> Result<Option<Pull>, GpioError> {
        self.check(pin)?;
        match self.chip {
            Chip::Bcm2835 => Ok(None),
            Chip::Bcm2711 => {
                let (off, shift) = bcm2711_pull_field(pin);
                let code = (self.reg(off)?.get() >> shift) & 3;
                Pull::from_bcm2711_code(code)
                    .map(Some)
                    .ok_or(GpioError::ReservedPull { pin })
            }
        }
    }

    /// Enables or disables detection of `event` on `pin` (read-modify-write
    /// of the event's enable register).
    pub fn set_event(&self, pin: u8, event: Event, enable: bool) -> Result<(), GpioError> {
        let (bank, bit) = self.check(pin)?;
        let r = self.reg(event.offset() + 4 * bank as u64)?;
        let v = r.get();
        r.set(if enable { v | bit } else { v & !bit });
        Ok(())
    }

    /// The events enabled on `pin`.
    pub fn events_enabled(&self, pin: u8) -> Result<Vec<Event>, GpioError> {
        let (bank, bit) = self.check(pin)?;
        let mut out = Vec::new();
        for e in Event::ALL {
            if self.reg(e.offset() + 4 * bank as u64)?.get() & bit != 0 {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Whether an enabled event has been latched for `pin` (GPEDS).
    pub fn event_detected(&self, pin: u8) -> Result<bool, GpioError> {
        let (bank, bit) = self.check(pin)?;
        Ok(self.eds[bank].get() & bit != 0)
    }

    /// Clears `pin`'s latched event: GPEDS is write-1-to-clear, so only its bit is written.
    pub fn clear_event(&self, pin: u8) -> Result<(), GpioError> {
        let (bank, bit) = self.check(pin)?;
        self.eds[bank].set(bit);
        Ok(())
    }
}
