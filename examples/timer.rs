//! timer: a microsecond clock from the Raspberry Pi's system timer, compared
//! with the kernel's CLOCK_MONOTONIC, and a compare-channel match.
//!
//! Needs: root and /dev/mem on a Raspberry Pi 1 to 4 (or QEMU's raspi3b).
//! The board is detected from /proc/device-tree with `physreg::board::detect`
//! and the timer's address (bus address 0x7e003000: 0x20003000, 0x3f003000
//! or 0xfe003000) confirmed from the device tree.
//!
//! Shows: `physreg::drivers::bcm_timer`: the 64-bit counter read safely
//! across the CLO/CHI carry (CHI, CLO, CHI again), how its rate compares
//! with clock_gettime over an interval, what one read costs compared with
//! clock_gettime, and compare channel 1 (the one the firmware and Linux leave
//! free) arming and matching.
//!
//! ```text
//! timer [--seconds S] [--board NAME]     (default 1 second, board detected)
//! ```

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use physreg::board::{detect, Board};
use physreg::drivers::bcm_timer::{SystemTimer, TICKS_PER_SECOND};
use physreg::map::{Mapping, Mode, Region, Source};

mod common;
use common::monotonic_ns;

const DT: &str = "/proc/device-tree";

/// The system timer's address and a description of the board.
fn find_timer(name: Option<&str>) -> Result<(u64, String), String> {
    let (board, what) = match name {
        Some(n) => (
            Board::find(n).map_err(|e| e.to_string())?,
            format!("board {n}"),
        ),
        None => {
            let det = detect(Path::new(DT)).ok_or(
                "no built-in board matches /proc/device-tree: not a Raspberry Pi? (use --board)",
            )?;
            let mut board = det.board;
            board.apply_device_tree(Path::new(DT));
            let what = format!(
                "{}, board {}",
                det.model.as_deref().unwrap_or("Raspberry Pi"),
                board.name()
            );
            (board, what)
        }
    };
    let timer = board
        .peripheral("systimer")
        .ok_or_else(|| format!("board {} has no system timer (systimer)", board.name()))?;
    Ok((timer.base, what))
}

fn main() -> ExitCode {
    let mut seconds = 1.0f64;
    let mut board = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match (arg.as_str(), it.next()) {
            ("--seconds", Some(v)) if v.parse::<f64>().is_ok_and(|s| s > 0.0 && s < 3600.0) => {
                seconds = v.parse().unwrap_or(1.0)
            }
            ("--board", Some(v)) => board = Some(v),
            _ => {
                eprintln!("usage: timer [--seconds S] [--board NAME]");
                return ExitCode::from(2);
            }
        }
    }
    common::finish("timer", 2, run(seconds, board.as_deref()))
}

fn run(seconds: f64, board: Option<&str>) -> Result<bool, Box<dyn std::error::Error>> {
    let (base, model) = find_timer(board)?;
    let map = Mapping::open(&Source::devmem(), Region::new(base, 0x1c), Mode::ReadWrite)?;
    let timer = SystemTimer::new(&map, base)?;
    let start = timer.now()?;
    println!(
        "timer: {model}: system timer at {base:#x}, counter {start} us ({:.1} s since it started)",
        start as f64 / 1e6
    );

    // Rate against CLOCK_MONOTONIC. Each counter read is bracketed by two
    // clock reads, and the middle of each bracket taken as its time.
    let sample = || -> Result<(u64, u64), Box<dyn std::error::Error>> {
        let a = monotonic_ns();
        let t = timer.now()?;
        let b = monotonic_ns();
        Ok((t, a + (b - a) / 2))
    };
    let (t0, m0) = sample()?;
    std::thread::sleep(Duration::from_secs_f64(seconds));
    let (t1, m1) = sample()?;
    let ticks = t1.saturating_sub(t0);
    let elapsed = (m1 - m0) as f64 / 1e9;
    let hz = ticks as f64 / elapsed;
    let ppm = (hz / TICKS_PER_SECOND as f64 - 1.0) * 1e6;
    println!(
        "timer: {ticks} ticks in {elapsed:.6} s of CLOCK_MONOTONIC: {hz:.0} Hz ({ppm:+.0} ppm from 1 MHz)"
    );
    let rate_ok = (0.9e6..1.1e6).contains(&hz);

    // Cost of one 64-bit read (three loads) against one clock_gettime.
    let n = 10_000u32;
    let t = Instant::now();
    let mut last = 0;
    for _ in 0..n {
        last = timer.now()?;
    }
    let per_read = t.elapsed().as_nanos() as f64 / f64::from(n);
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(monotonic_ns());
    }
    let per_clock = t.elapsed().as_nanos() as f64 / f64::from(n);
    println!(
        "timer: one counter read {per_read:.0} ns, one clock_gettime {per_clock:.0} ns (last count {last})"
    );

    // Compare channel 1: arm 10 ms ahead, poll the match flag.
    let delay = 10_000;
    let target = timer.arm(1, delay)?;
    let armed = Instant::now();
    let mut matched = false;
    while armed.elapsed() < Duration::from_secs(1) {
        if timer.matched(1)? {
            matched = true;
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let after = armed.elapsed().as_micros();
    timer.clear_match(1)?;
    if matched {
        println!("timer: compare channel 1 armed for CLO = {target:#010x} ({delay} us ahead), matched after {after} us");
    } else {
        println!(
            "timer: compare channel 1 armed for CLO = {target:#010x} did NOT match within 1 s"
        );
    }
    let ok = rate_ok && matched;
    println!(
        "timer: {}",
        if ok {
            "the system timer counts at 1 MHz and its compare channel matches"
        } else {
            "FAILED"
        }
    );
    Ok(ok)
}
