//! Helpers shared by the examples in this directory: number arguments, the
//! `main` wrapper that reports an error as `NAME: error` with a given exit
//! status, the source for a `--dev PATH` argument, and CLOCK_MONOTONIC.
//!
//! Cargo does not build this directory as an example of its own (it has no
//! `main.rs`); each example that needs it includes it with `mod common;`.
//! Not every example uses every item, hence `allow(dead_code)`.

#![allow(dead_code)]

use std::convert::Infallible;
use std::fmt::Display;
use std::path::Path;
use std::process::ExitCode;

use physreg::map::Source;

/// A number argument: decimal, or hexadecimal after `0x` or `0X`, with `_`
/// allowed anywhere as a separator.
pub fn parse_num(s: &str) -> Option<u64> {
    let s = s.replace('_', "");
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// The number that follows option `name` among the arguments left in `it`.
pub fn next_num(it: &mut impl Iterator<Item = String>, name: &str) -> Result<u64, String> {
    it.next()
        .and_then(|v| parse_num(&v))
        .ok_or(format!("{name} needs a number"))
}

/// What a successful run means for the exit status.
pub trait Outcome {
    fn exit_code(self) -> ExitCode;
}

/// Success.
impl Outcome for () {
    fn exit_code(self) -> ExitCode {
        ExitCode::SUCCESS
    }
}

/// Whether every check passed: success, or failure (1).
impl Outcome for bool {
    fn exit_code(self) -> ExitCode {
        if self {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}

/// A run that never returns when it succeeds.
impl Outcome for Infallible {
    fn exit_code(self) -> ExitCode {
        match self {}
    }
}

/// The end of `main`: the outcome's exit status, or on an error
/// `NAME: error` on stderr and exit status `error_status`.
pub fn finish<T: Outcome, E: Display>(
    name: &str,
    error_status: u8,
    result: Result<T, E>,
) -> ExitCode {
    match result {
        Ok(outcome) => outcome.exit_code(),
        Err(e) => {
            eprintln!("{name}: {e}");
            ExitCode::from(error_status)
        }
    }
}

/// The source behind `--dev PATH`: /dev/mem itself, or any other file
/// standing in for it, mapped as physical memory from `base`.
pub fn source(dev: &Path, base: u64) -> Source {
    if dev == Path::new("/dev/mem") {
        Source::devmem()
    } else {
        Source::file(dev, base)
    }
}

/// CLOCK_MONOTONIC in nanoseconds (through the vDSO where the kernel offers it).
pub fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for clock_gettime to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec as u64)
}
