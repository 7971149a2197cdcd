//! Arm PrimeCell real-time clock (PL031): read and set the time, the match alarm.
//!
//! Register map from the PrimeCell RTC (PL031) Technical Reference Manual
//! (Arm DDI 0224), chapter 3. The counter (RTCDR) counts seconds; Linux keeps
//! UTC seconds since 1970 in it. Setting the time writes the load register
//! (RTCLR), from which the counter goes on counting. QEMU's virt board has
//! one at 0x09010000.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use thiserror::Error;
use tock_registers::interfaces::{Readable, Writeable};

use super::{check_block, field_info, reg_info, PrimeCellId, RegInfo};
use crate::map::Mapping;
use crate::reg::{AccessError, RoReg, RwReg, WoReg};

/// Register offsets from the RTC's base (TRM table 3-1).
pub mod offset {
    /// Data register: the current counter value (read-only).
    pub const DR: u64 = 0x000;
    /// Match register: raises the interrupt when the counter reaches it.
    pub const MR: u64 = 0x004;
    /// Load register: writing it sets the counter.
    pub const LR: u64 = 0x008;
    /// Control register: bit 0 starts the counter.
    pub const CR: u64 = 0x00c;
    /// Interrupt mask set/clear.
    pub const IMSC: u64 = 0x010;
    /// Raw interrupt status.
    pub const RIS: u64 = 0x014;
    /// Masked interrupt status.
    pub const MIS: u64 = 0x018;
    /// Interrupt clear (write-only).
    pub const ICR: u64 = 0x01c;
    /// PeriphID0: 0x31.
    pub const PERIPH_ID0: u64 = 0xfe0;
}

/// Register fields.
#[allow(missing_docs)]
pub mod fields {
    use tock_registers::register_bitfields;

    register_bitfields![u32,
        /// RTCCR.
        pub CR [
            /// RTC start: once set, only a reset clears it.
            RTCSTART OFFSET(0) NUMBITS(1) []
        ],
        /// RTCIMSC.
        pub IMSC [
            /// Match interrupt enabled.
            RTCIMSC OFFSET(0) NUMBITS(1) []
        ],
        /// RTCRIS.
        pub RIS [
            /// The counter has reached the match register.
            RTCRIS OFFSET(0) NUMBITS(1) []
        ]
    ];
}

use fields::{CR, IMSC, RIS};

/// The registers and fields this driver uses, for the board-file cross-check.
pub const LAYOUT: &[RegInfo] = &[
    reg_info!("DR", offset::DR, 32),
    reg_info!("MR", offset::MR, 32),
    reg_info!("LR", offset::LR, 32),
    reg_info!(
        "CR",
        offset::CR,
        32,
        [field_info!("RTCSTART", CR::RTCSTART)]
    ),
    reg_info!(
        "IMSC",
        offset::IMSC,
        32,
        [field_info!("RTCIMSC", IMSC::RTCIMSC)]
    ),
    reg_info!("RIS", offset::RIS, 32, [field_info!("RTCRIS", RIS::RTCRIS)]),
    reg_info!("MIS", offset::MIS, 32),
    reg_info!("ICR", offset::ICR, 32),
];

/// What can go wrong driving a PL031.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pl031Error {
    /// A register handle could not be made.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The time does not fit the RTC's 32-bit count of seconds since 1970.
    #[error("{0:?} is outside what a 32-bit seconds counter holds (1970-01-01 to 2106-02-07)")]
    TimeOutOfRange(SystemTime),
}

/// A PL031 RTC at a fixed address in a writable mapping.
#[derive(Clone, Copy, Debug)]
pub struct Pl031<'m> {
    map: &'m Mapping,
    base: u64,
    dr: RoReg<'m, u32>,
    mr: RwReg<'m, u32>,
    lr: RwReg<'m, u32>,
    cr: RwReg<'m, u32, CR::Register>,
    imsc: RwReg<'m, u32, IMSC::Register>,
    ris: RoReg<'m, u32, RIS::Register>,
    icr: WoReg<'m, u32>,
}

impl<'m> Pl031<'m> {
    /// The RTC whose block starts at `base` in `map` (writable).
    pub fn new(map: &'m Mapping, base: u64) -> Result<Self, Pl031Error> {
        check_block(map, base, offset::ICR + 4)?;
        Ok(Pl031 {
            map,
            base,
            dr: map.reg(base + offset::DR)?,
            mr: map.reg(base + offset::MR)?,
            lr: map.reg(base + offset::LR)?,
            cr: map.reg(base + offset::CR)?,
            imsc: map.reg(base + offset::IMSC)?,
            ris: map.reg(base + offset::RIS)?,
            icr: map.reg(base + offset::ICR)?,
        })
    }

    /// The RTC's base address.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// The counter (RTCDR): seconds since 1970 as Linux keeps it. One load.
    pub fn seconds(&self) -> u32 {
        self.dr.get()
    }

    /// The counter as a time.
    pub fn time(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(u64::from(self.seconds()))
    }

    /// Sets the counter (one store to RTCLR).
    pub fn set_seconds(&self, seconds: u32) {
        self.lr.set(seconds);
    }

    /// Sets the counter to `time`, truncated to whole seconds.
    pub fn set_time(&self, time: SystemTime) -> Result<(), Pl031Error> {
        let secs = time
            .duration_since(UNIX_EPOCH)
            .ok()
            .and_then(|d| u32::try_from(d.as_secs()).ok())
            .ok_or(Pl031Error::TimeOutOfRange(time))?;
        self.set_seconds(secs);
        Ok(())
    }

    /// The value last loaded (RTCLR).
    pub fn loaded(&self) -> u32 {
        self.lr.get()
    }

    /// Whether the counter runs (RTCCR.RTCSTART).
    pub fn is_started(&self) -> bool {
        self.cr.is_set(CR::RTCSTART)
    }

    /// Starts the counter.
    pub fn start(&self) {
        self.cr.write(CR::RTCSTART::SET);
    }

    /// The match register.
    pub fn alarm(&self) -> u32 {
        self.mr.get()
    }

    /// Sets the match register; with `interrupt`, unmasks the match interrupt.
    pub fn set_alarm(&self, seconds: u32, interrupt: bool) {
        self.mr.set(seconds);
        self.imsc.write(if interrupt {
            IMSC::RTCIMSC::SET
        } else {
            IMSC::RTCIMSC::CLEAR
        });
    }

    /// Whether the counter has reached the match register (RTCRIS).
    pub fn alarm_fired(&self) -> bool {
        self.ris.is_set(RIS::RTCRIS)
    }

    /// Clears the match interrupt (RTCICR).
    pub fn clear_alarm(&self) {
        self.icr.set(1);
    }

    /// The PrimeCell identification registers (PeriphID 0x00041031 on Arm's part).
    pub fn id(&self) -> Result<PrimeCellId, AccessError> {
        PrimeCellId::read(self.map, self.base)
    }
}
