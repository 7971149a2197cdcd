//! Broadcom BCM283x/BCM2711 system timer: a free-running 64-bit microsecond
//! counter and four compare channels.
//!
//! Register map from the BCM2835 ARM Peripherals datasheet, chapter 12. The
//! block sits at bus address 0x7e003000: 0x20003000, 0x3f003000 or
//! 0xfe003000 for the CPU. The counter runs at 1 MHz and is read as two
//! 32-bit halves, CLO and CHI, which no single load can read together: see
//! [`read_split_counter`]. Compare channels 0 and 2 belong to the VideoCore
//! GPU firmware and channel 3 to Linux on 32-bit kernels; channel 1 is the
//! one free for a program.

use thiserror::Error;
use tock_registers::interfaces::{Readable, Writeable};

use super::{check_block, field_info, reg_info, RegInfo};
use crate::map::Mapping;
use crate::reg::{AccessError, RoReg, RwReg};

/// Register offsets from the timer's base.
pub mod offset {
    /// Control/status: match flags M0..M3, write 1 to clear.
    pub const CS: u64 = 0x00;
    /// Counter, lower 32 bits.
    pub const CLO: u64 = 0x04;
    /// Counter, upper 32 bits.
    pub const CHI: u64 = 0x08;
    /// Compare 0; Cn is at `C0 + 4n`.
    pub const C0: u64 = 0x0c;
}

/// Register fields.
#[allow(missing_docs)]
pub mod fields {
    use tock_registers::register_bitfields;

    register_bitfields![u32,
        /// CS.
        pub CS [
            /// Channel 0 matched.
            M0 OFFSET(0) NUMBITS(1) [],
            /// Channel 1 matched.
            M1 OFFSET(1) NUMBITS(1) [],
            /// Channel 2 matched.
            M2 OFFSET(2) NUMBITS(1) [],
            /// Channel 3 matched.
            M3 OFFSET(3) NUMBITS(1) []
        ]
    ];
}

use fields::CS;

/// The registers and fields this driver uses, for the board-file cross-check.
pub const LAYOUT: &[RegInfo] = &[
    reg_info!(
        "CS",
        offset::CS,
        32,
        [
            field_info!("M0", CS::M0),
            field_info!("M1", CS::M1),
            field_info!("M2", CS::M2),
            field_info!("M3", CS::M3),
        ]
    ),
    reg_info!("CLO", offset::CLO, 32),
    reg_info!("CHI", offset::CHI, 32),
    reg_info!("C0", 0x0c, 32),
    reg_info!("C1", 0x10, 32),
    reg_info!("C2", 0x14, 32),
    reg_info!("C3", 0x18, 32),
];

/// Counter frequency: 1 MHz.
pub const TICKS_PER_SECOND: u64 = 1_000_000;

/// How many times [`read_split_counter`] retries before giving up. Two reads
/// always suffice for a counter that carries into the upper half at most
/// once per 2^32 ticks; more only happen when something is badly wrong.
pub const MAX_TRIES: u32 = 8;

/// What can go wrong with the system timer.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimerError {
    /// A register handle could not be made.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// There are compare channels 0 to 3 only.
    #[error("the system timer has compare channels 0 to 3, not {0}")]
    BadChannel(u8),
    /// CHI changed on every one of the tries.
    #[error("the system timer's upper half (CHI) changed during each of {0} reads: the counter is not counting at 1 MHz")]
    Unstable(u32),
    /// The counter did not advance far enough within the poll budget.
    #[error("the system timer's counter (CLO) did not advance by {us} us within {polls} polls: is it running?")]
    Stalled {
        /// The delay asked for.
        us: u32,
        /// Polls made.
        polls: u64,
    },
}

/// Reads a 64-bit counter exposed as two 32-bit halves without tearing:
/// read the upper half, the lower half, then the upper half again; if the
/// upper half changed, the lower half may belong to either side of the
/// carry, so read again. Returns `None` after `max_tries` unstable reads.
///
/// Reading CLO then CHI instead would be wrong at a carry: CLO = 0xFFFFFFFF,
/// then CHI already incremented, gives a value 2^32 too high.
pub fn read_split_counter(
    mut hi: impl FnMut() -> u32,
    mut lo: impl FnMut() -> u32,
    max_tries: u32,
) -> Option<u64> {
    for _ in 0..max_tries {
        let h1 = hi();
        let l = lo();
        let h2 = hi();
        if h1 == h2 {
            return Some((u64::from(h1) << 32) | u64::from(l));
        }
    }
    None
}

/// The system timer at a fixed address in a writable mapping.
#[derive(Clone, Copy, Debug)]
pub struct SystemTimer<'m> {
    base: u64,
    cs: RwReg<'m, u32, CS::Register>,
    clo: RoReg<'m, u32>,
    chi: RoReg<'m, u32>,
    c: [RwReg<'m, u32>; 4],
}

impl<'m> SystemTimer<'m> {
    /// The timer whose block starts at `base` in `map` (writable).
    pub fn new(map: &'m Mapping, base: u64) -> Result<Self, TimerError> {
        check_block(map, base, 0x1c)?;
        Ok(SystemTimer {
            base,
            cs: map.reg(base + offset::CS)?,
            clo: map.reg(base + offset::CLO)?,
            chi: map.reg(base + offset::CHI)?,
            c: [
                map.reg(base + 0x0c)?,
                map.reg(base + 0x10)?,
                map.reg(base + 0x14)?,
                map.reg(base + 0x18)?,
            ],
        })
    }

    /// The timer's base address.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// The lower 32 bits of the counter: one load, wrapping every 71.6 minutes.
    #[inline]
    pub fn low(&self) -> u32 {
        self.clo.get()
    }

    /// The full 64-bit count of microseconds, safe across the CLO/CHI carry
    /// (three loads, rarely six).
    pub fn now(&self) -> Result<u64, TimerError> {
        read_split_counter(|| self.chi.get(), || self.clo.get(), MAX_TRIES)
            .ok_or(TimerError::Unstable(MAX_TRIES))
    }

    fn channel(&self, ch: u8) -> Result<RwReg<'m, u32>, TimerError> {
        self.c
            .get(usize::from(ch))
            .copied()
            .ok_or(TimerError::BadChannel(ch))
    }

    /// Compare register `ch`.
    pub fn compare(&self, ch: u8) -> Result<u32, TimerError> {
        Ok(self.channel(ch)?.get())
    }

    /// Sets compare register `ch`: the channel matches when CLO equals `value`.
    pub fn set_compare(&self, ch: u8, value: u32) -> Result<(), TimerError> {
        self.channel(ch)?.set(value);
        Ok(())
    }

    /// Clears channel `ch`'s match flag, then arms it `delay_us` microseconds
    /// from now. Returns the CLO value it will match.
    pub fn arm(&self, ch: u8, delay_us: u32) -> Result<u32, TimerError> {
        let reg = self.channel(ch)?;
        self.clear_match(ch)?;
        let target = self.low().wrapping_add(delay_us);
        reg.set(target);
        Ok(target)
    }

    /// Whether channel `ch` has matched since its flag was last cleared (CS.Mn).
    pub fn matched(&self, ch: u8) -> Result<bool, TimerError> {
        self.channel(ch)?;
        Ok(self.cs.get() & (1 << ch) != 0)
    }

    /// Clears channel `ch`'s match flag: CS is write-1-to-clear, so only its bit is written.
    pub fn clear_match(&self, ch: u8) -> Result<(), TimerError> {
        self.channel(ch)?;
        self.cs.set(1 << ch);
        Ok(())
    }

    /// Busy-waits `us` microseconds on CLO (wrap-safe), returning the count
    /// of polls. Does not return early; bounded by `us` itself as long as the
    /// counter runs, and by `max_polls` if it does not.
    pub fn delay_us(&self, us: u32, max_polls: u64) -> Result<u64, TimerError> {
        let start = self.low();
        let mut polls = 0u64;
        while self.low().wrapping_sub(start) < us {
            polls += 1;
            if polls >= max_polls {
                return Err(TimerError::Stalled { us, polls });
            }
            core::hint::spin_loop();
        }
        Ok(polls)
    }
}
