//! Arm PrimeCell UART (PL011): enable, baud divisors, bytes in and out.
//!
//! Register map and fields from the PrimeCell UART (PL011) Technical Reference
//! Manual (Arm DDI 0183), chapter 3. QEMU's virt board has one at 0x09000000;
//! every Raspberry Pi has one as UART0 (base + 0x201000).
//!
//! ```
//! use physreg::drivers::pl011::{baud_divisors, Divisors};
//! // The TRM's worked example: 230400 baud from a 4 MHz UARTCLK.
//! assert_eq!(baud_divisors(4_000_000, 230_400)?, Divisors { ibrd: 1, fbrd: 5 });
//! # Ok::<(), physreg::drivers::pl011::Pl011Error>(())
//! ```

use thiserror::Error;
use tock_registers::interfaces::{ReadWriteable, Readable, Writeable};

use super::{check_block, field_info, reg_info, PrimeCellId, RegInfo, SpinLimit};
use crate::map::Mapping;
use crate::reg::{AccessError, RoReg, RwReg, WoReg};

/// Register offsets from the UART's base (TRM table 3-1).
pub mod offset {
    /// Data register: the byte to send, or the byte received with its error bits.
    pub const DR: u64 = 0x000;
    /// Receive status / error clear.
    pub const RSR_ECR: u64 = 0x004;
    /// Flag register: FIFO and modem status.
    pub const FR: u64 = 0x018;
    /// IrDA low-power counter.
    pub const ILPR: u64 = 0x020;
    /// Integer baud rate divisor.
    pub const IBRD: u64 = 0x024;
    /// Fractional baud rate divisor.
    pub const FBRD: u64 = 0x028;
    /// Line control (frame format; writing it latches IBRD and FBRD).
    pub const LCR_H: u64 = 0x02c;
    /// Control register.
    pub const CR: u64 = 0x030;
    /// Interrupt FIFO level select.
    pub const IFLS: u64 = 0x034;
    /// Interrupt mask set/clear.
    pub const IMSC: u64 = 0x038;
    /// Raw interrupt status.
    pub const RIS: u64 = 0x03c;
    /// Masked interrupt status.
    pub const MIS: u64 = 0x040;
    /// Interrupt clear (write 1 to clear).
    pub const ICR: u64 = 0x044;
    /// DMA control.
    pub const DMACR: u64 = 0x048;
    /// PeriphID0: 0x11 (part number bits 7:0).
    pub const PERIPH_ID0: u64 = 0xfe0;
}

/// Register fields (TRM section 3.3).
#[allow(missing_docs)]
pub mod fields {
    use tock_registers::register_bitfields;

    register_bitfields![u32,
        /// UARTDR.
        pub DR [
            /// Received or transmitted byte.
            DATA OFFSET(0) NUMBITS(8) [],
            /// Framing error on the received byte.
            FE OFFSET(8) NUMBITS(1) [],
            /// Parity error.
            PE OFFSET(9) NUMBITS(1) [],
            /// Break error.
            BE OFFSET(10) NUMBITS(1) [],
            /// Overrun error.
            OE OFFSET(11) NUMBITS(1) []
        ],
        /// UARTFR.
        pub FR [
            /// Clear to send.
            CTS OFFSET(0) NUMBITS(1) [],
            /// Data set ready.
            DSR OFFSET(1) NUMBITS(1) [],
            /// Data carrier detect.
            DCD OFFSET(2) NUMBITS(1) [],
            /// Busy transmitting.
            BUSY OFFSET(3) NUMBITS(1) [],
            /// Receive FIFO empty.
            RXFE OFFSET(4) NUMBITS(1) [],
            /// Transmit FIFO full.
            TXFF OFFSET(5) NUMBITS(1) [],
            /// Receive FIFO full.
            RXFF OFFSET(6) NUMBITS(1) [],
            /// Transmit FIFO empty.
            TXFE OFFSET(7) NUMBITS(1) [],
            /// Ring indicator.
            RI OFFSET(8) NUMBITS(1) []
        ],
        /// UARTIBRD.
        pub IBRD [
            /// Integer part of the baud rate divisor.
            BAUDDIVINT OFFSET(0) NUMBITS(16) []
        ],
        /// UARTFBRD.
        pub FBRD [
            /// Fractional part of the baud rate divisor, in 64ths.
            BAUDDIVFRAC OFFSET(0) NUMBITS(6) []
        ],
        /// UARTLCR_H.
        pub LCR_H [
            /// Send break.
            BRK OFFSET(0) NUMBITS(1) [],
            /// Parity enable.
            PEN OFFSET(1) NUMBITS(1) [],
            /// Even parity select.
            EPS OFFSET(2) NUMBITS(1) [],
            /// Two stop bits.
            STP2 OFFSET(3) NUMBITS(1) [],
            /// FIFOs enabled.
            FEN OFFSET(4) NUMBITS(1) [],
            /// Word length.
            WLEN OFFSET(5) NUMBITS(2) [
                Bits5 = 0,
                Bits6 = 1,
                Bits7 = 2,
                Bits8 = 3
            ],
            /// Stick parity.
            SPS OFFSET(7) NUMBITS(1) []
        ],
        /// UARTCR.
        pub CR [
            /// UART enable.
            UARTEN OFFSET(0) NUMBITS(1) [],
            /// SIR enable.
            SIREN OFFSET(1) NUMBITS(1) [],
            /// SIR low-power mode.
            SIRLP OFFSET(2) NUMBITS(1) [],
            /// Loopback enable.
            LBE OFFSET(7) NUMBITS(1) [],
            /// Transmit enable.
            TXE OFFSET(8) NUMBITS(1) [],
            /// Receive enable.
            RXE OFFSET(9) NUMBITS(1) [],
            /// Data transmit ready.
            DTR OFFSET(10) NUMBITS(1) [],
            /// Request to send.
            RTS OFFSET(11) NUMBITS(1) [],
            /// RTS hardware flow control.
            RTSEN OFFSET(14) NUMBITS(1) [],
            /// CTS hardware flow control.
            CTSEN OFFSET(15) NUMBITS(1) []
        ]
    ];
}

use fields::{CR, DR, FBRD, FR, IBRD, LCR_H};

/// The registers and fields this driver uses, for the board-file cross-check
/// (the identification registers are in [`PRIMECELL_LAYOUT`](super::PRIMECELL_LAYOUT):
/// the Raspberry Pi's UART0 lacks them).
pub const LAYOUT: &[RegInfo] = &[
    reg_info!(
        "DR",
        offset::DR,
        32,
        [
            field_info!("DATA", DR::DATA),
            field_info!("FE", DR::FE),
            field_info!("PE", DR::PE),
            field_info!("BE", DR::BE),
            field_info!("OE", DR::OE),
        ]
    ),
    reg_info!(
        "FR",
        offset::FR,
        32,
        [
            field_info!("CTS", FR::CTS),
            field_info!("DSR", FR::DSR),
            field_info!("DCD", FR::DCD),
            field_info!("BUSY", FR::BUSY),
            field_info!("RXFE", FR::RXFE),
            field_info!("TXFF", FR::TXFF),
            field_info!("RXFF", FR::RXFF),
            field_info!("TXFE", FR::TXFE),
            field_info!("RI", FR::RI),
        ]
    ),
    reg_info!(
        "IBRD",
        offset::IBRD,
        32,
        [field_info!("BAUDDIVINT", IBRD::BAUDDIVINT)]
    ),
    reg_info!(
        "FBRD",
        offset::FBRD,
        32,
        [field_info!("BAUDDIVFRAC", FBRD::BAUDDIVFRAC)]
    ),
    reg_info!(
        "LCR_H",
        offset::LCR_H,
        32,
        [
            field_info!("BRK", LCR_H::BRK),
            field_info!("PEN", LCR_H::PEN),
            field_info!("EPS", LCR_H::EPS),
            field_info!("STP2", LCR_H::STP2),
            field_info!("FEN", LCR_H::FEN),
            field_info!("WLEN", LCR_H::WLEN),
            field_info!("SPS", LCR_H::SPS),
        ]
    ),
    reg_info!(
        "CR",
        offset::CR,
        32,
        [
            field_info!("UARTEN", CR::UARTEN),
            field_info!("SIREN", CR::SIREN),
            field_info!("SIRLP", CR::SIRLP),
            field_info!("LBE", CR::LBE),
            field_info!("TXE", CR::TXE),
            field_info!("RXE", CR::RXE),
            field_info!("DTR", CR::DTR),
            field_info!("RTS", CR::RTS),
            field_info!("RTSEN", CR::RTSEN),
            field_info!("CTSEN", CR::CTSEN),
        ]
    ),
    reg_info!("IMSC", offset::IMSC, 32),
    reg_info!("ICR", offset::ICR, 32),
];

/// Size of the PL011's register block.
pub const BLOCK_SIZE: u64 = 0x1000;

/// What can go wrong driving a PL011.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pl011Error {
    /// A register handle could not be made (block outside the mapping, or the mapping is read-only).
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The clock cannot make this baud rate with a 16-bit integer divisor.
    #[error("{baud} baud cannot be made from a {clock_hz} Hz UARTCLK: the divisor {clock_hz}/(16*{baud}) must lie between 1 and 65535")]
    BaudOutOfRange {
        /// UARTCLK in Hz.
        clock_hz: u32,
        /// The rate asked for.
        baud: u32,
    },
    /// A frame format the UART cannot make.
    #[error("a PL011 frame has 5 to 8 data bits, not {0}")]
    BadFormat(u8),
    /// The transmit FIFO stayed full (or the UART stayed busy) for the whole spin budget.
    #[error("the UART at {base:#x} stayed {what} for {polls} polls: is it enabled (CR.UARTEN, CR.TXE) and is its clock running?")]
    Timeout {
        /// The UART's base address.
        base: u64,
        /// `"full"` or `"busy"`.
        what: &'static str,
        /// How many times FR was polled.
        polls: u32,
    },
}

/// Baud rate divisors: UARTCLK / (16 x baud) = `ibrd` + `fbrd`/64.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Divisors {
    /// Integer part (UARTIBRD).
    pub ibrd: u16,
    /// Fractional part in 64ths (UARTFBRD, 6 bits).
    pub fbrd: u8,
}

impl Divisors {
    /// The baud rate these divisors make from a `clock_hz` UARTCLK, rounded
    /// to the nearest integer (0 when `ibrd` is 0, which the UART does not allow).
    pub fn baud(&self, clock_hz: u32) -> u32 {
        let div64 = u64::from(self.ibrd) * 64 + u64::from(self.fbrd & 0x3f);
        if self.ibrd == 0 || div64 == 0 {
            return 0;
        }
        // baud = clock / (16 * div64 / 64) = 4 * clock / div64.
        ((4 * u64::from(clock_hz) + div64 / 2) / div64) as u32
    }
}

/// The divisors for `baud` from a `clock_hz` UARTCLK, as the TRM computes
/// them (section 3.3.6): BAUDDIV = UARTCLK / (16 x baud), IBRD its integer
/// part, FBRD = integer(fraction x 64 + 0.5).
///
/// Rounding 64 x BAUDDIV to the nearest integer gives the same two numbers,
/// carry included, in integer arithmetic: 64 x BAUDDIV = 4 x UARTCLK / baud.
pub fn baud_divisors(clock_hz: u32, baud: u32) -> Result<Divisors, Pl011Error> {
    let out_of_range = Pl011Error::BaudOutOfRange { clock_hz, baud };
    if baud == 0 {
        return Err(out_of_range);
    }
    let div64 = (4 * u64::from(clock_hz) + u64::from(baud) / 2) / u64::from(baud);
    let ibrd = div64 >> 6;
    let fbrd = (div64 & 0x3f) as u8;
    // IBRD 0 is invalid; IBRD 0xFFFF allows no fraction (TRM 3.3.6).
    if ibrd == 0 || ibrd > 0xffff || (ibrd == 0xffff && fbrd != 0) {
        return Err(out_of_range);
    }
    Ok(Divisors {
        ibrd: ibrd as u16,
        fbrd,
    })
}

/// The frame format: data bits, parity and stop bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Format {
    /// Data bits, 5 to 8.
    pub data_bits: u8,
    /// Parity.
    pub parity: Parity,
    /// Two stop bits instead of one.
    pub two_stop_bits: bool,
}

impl Default for Format {
    /// 8N1.
    fn default() -> Self {
        Format {
            data_bits: 8,
            parity: Parity::None,
            two_stop_bits: false,
        }
    }
}

/// Parity of a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parity {
    /// No parity bit.
    None,
    /// Even parity.
    Even,
    /// Odd parity.
    Odd,
}

/// A received byte and the errors the UART flagged with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RxByte {
    /// The byte.
    pub byte: u8,
    /// Framing error.
    pub framing_error: bool,
    /// Parity error.
    pub parity_error: bool,
    /// Break condition.
    pub break_error: bool,
    /// Receive FIFO overrun (a byte was lost before this one).
    pub overrun: bool,
}

impl RxByte {
    /// Whether the byte came with no error.
    pub fn is_ok(&self) -> bool {
        !(self.framing_error || self.parity_error || self.break_error || self.overrun)
    }
}

/// A PL011 UART at a fixed address in a writable mapping.
#[derive(Clone, Copy, Debug)]
pub struct Pl011<'m> {
    map: &'m Mapping,
    base: u64,
    dr: RwReg<'m, u32, DR::Register>,
    fr: RoReg<'m, u32, FR::Register>,
    ibrd: RwReg<'m, u32, IBRD::Register>,
    fbrd: RwReg<'m, u32, FBRD::Register>,
    lcr_h: RwReg<'m, u32, LCR_H::Register>,
    cr: RwReg<'m, u32, CR::Register>,
    imsc: RwReg<'m, u32>,
    icr: WoReg<'m, u32>,
    spin: SpinLimit,
}

impl<'m> Pl011<'m> {
    /// The UART whose block starts at `base` in `map` (which must be writable
    /// and cover the registers up to DMACR).
    pub fn new(map: &'m Mapping, base: u64) -> Result<Self, Pl011Error> {
        check_block(map, base, offset::DMACR + 4)?;
        Ok(Pl011 {
            map,
            base,
            dr: map.reg(base + offset::DR)?,
            fr: map.reg(base + offset::FR)?,
            ibrd: map.reg(base + offset::IBRD)?,
            fbrd: map.reg(base + offset::FBRD)?,
            lcr_h: map.reg(base + offset::LCR_H)?,
            cr: map.reg(base + offset::CR)?,
            imsc: map.reg(base + offset::IMSC)?,
            icr: map.reg(base + offset::ICR)?,
            spin: SpinLimit::default(),
        })
    }

    /// The same UART with another busy-wait budget for [`write_byte`](Self::write_byte) and friends.
    pub fn with_spin_limit(mut self, spin: SpinLimit) -> Self {
        self.spin = spin;
        self
    }

    /// The UART's base address.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// Programs the UART the TRM's way (section 3.3.8): disable, wait for the
    /// current byte to go, flush the FIFOs, write the divisors, then LCR_H
    /// (which latches them), then enable transmit and receive. Interrupts are
    /// masked and cleared. Returns the divisors written.
    pub fn enable(&self, clock_hz: u32, baud: u32, format: Format) -> Result<Divisors, Pl011Error> {
        let div = baud_divisors(clock_hz, baud)?;
        let wlen = match format.data_bits {
            5 => LCR_H::WLEN::Bits5,
            6 => LCR_H::WLEN::Bits6,
            7 => LCR_H::WLEN::Bits7,
            8 => LCR_H::WLEN::Bits8,
            n => return Err(Pl011Error::BadFormat(n)),
        };
        self.cr.modify(CR::UARTEN::CLEAR);
        self.wait_idle()?;
        self.lcr_h.modify(LCR_H::FEN::CLEAR);
        self.imsc.set(0);
        self.icr.set(0x7ff);
        self.ibrd.write(IBRD::BAUDDIVINT.val(u32::from(div.ibrd)));
        self.fbrd.write(FBRD::BAUDDIVFRAC.val(u32::from(div.fbrd)));
        let parity = match format.parity {
            Parity::None => LCR_H::PEN::CLEAR,
            Parity::Even => LCR_H::PEN::SET + LCR_H::EPS::SET,
            Parity::Odd => LCR_H::PEN::SET + LCR_H::EPS::CLEAR,
        };
        let stop = if format.two_stop_bits {
            LCR_H::STP2::SET
        } else {
            LCR_H::STP2::CLEAR
        };
        self.lcr_h.write(wlen + LCR_H::FEN::SET + parity + stop);
        self.cr.write(CR::UARTEN::SET + CR::TXE::SET + CR::RXE::SET);
        Ok(div)
    }

    /// Whether the UART and its transmitter are enabled (CR.UARTEN and CR.TXE).
    pub fn tx_enabled(&self) -> bool {
        let cr = self.cr.extract();
        cr.is_set(CR::UARTEN) && cr.is_set(CR::TXE)
    }

    /// Whether the receiver is enabled (CR.UARTEN and CR.RXE).
    pub fn rx_enabled(&self) -> bool {
        let cr = self.cr.extract();
        cr.is_set(CR::UARTEN) && cr.is_set(CR::RXE)
    }

    /// The divisors in IBRD and FBRD.
    pub fn divisors(&self) -> Divisors {
        Divisors {
            ibrd: self.ibrd.read(IBRD::BAUDDIVINT) as u16,
            fbrd: self.fbrd.read(FBRD::BAUDDIVFRAC) as u8,
        }
    }

    /// The flag register, one load.
    pub fn flags(&self) -> u32 {
        self.fr.get()
    }

    /// Writes `byte` if the transmit FIFO has room: one FR load, then one DR
    /// store. Returns false (and stores nothing) when TXFF is set.
    #[inline]
    pub fn try_write_byte(&self, byte: u8) -> bool {
        if self.fr.is_set(FR::TXFF) {
            return false;
        }
        self.dr.set(u32::from(byte));
        true
    }

    /// Writes `byte`, polling FR until the transmit FIFO has room (bounded by
    /// the spin limit).
    pub fn write_byte(&self, byte: u8) -> Result<(), Pl011Error> {
        if self.spin.wait(|| !self.fr.is_set(FR::TXFF)) {
            self.dr.set(u32::from(byte));
            Ok(())
        } else {
            Err(self.timeout("full"))
        }
    }

    /// Writes every byte of `bytes` (no translation of `\n`).
    pub fn write_all(&self, bytes: &[u8]) -> Result<(), Pl011Error> {
        bytes.iter().try_for_each(|&b| self.write_byte(b))
    }

    /// Waits until the UART has sent everything (FR.BUSY clear), bounded by the spin limit.
    pub fn flush(&self) -> Result<(), Pl011Error> {
        self.wait_idle()
    }

    /// The next received byte, or `None` when the receive FIFO is empty: one
    /// FR load, then one DR load.
    #[inline]
    pub fn try_read_byte(&self) -> Option<RxByte> {
        if self.fr.is_set(FR::RXFE) {
            return None;
        }
        let dr = self.dr.extract();
        Some(RxByte {
            byte: dr.read(DR::DATA) as u8,
            framing_error: dr.is_set(DR::FE),
            parity_error: dr.is_set(DR::PE),
            break_error: dr.is_set(DR::BE),
            overrun: dr.is_set(DR::OE),
        })
    }

    /// The PrimeCell identification registers.
    /// (QEMU's PL011 has them; the Raspberry Pi's UART0 does not.)
    pub fn id(&self) -> Result<PrimeCellId, AccessError> {
        PrimeCellId::read(self.map, self.base)
    }

    fn wait_idle(&self) -> Result<(), Pl011Error> {
        if self.spin.wait(|| !self.fr.is_set(FR::BUSY)) {
            Ok(())
        } else {
            Err(self.timeout("busy"))
        }
    }

    fn timeout(&self, what: &'static str) -> Pl011Error {
        Pl011Error::Timeout {
            base: self.base,
            what,
            polls: self.spin.0.max(1),
        }
    }
}
