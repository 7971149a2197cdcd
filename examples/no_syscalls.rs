//! no_syscalls: must a program make a system call to reach a device? This one
//! cannot: it maps a register, then locks itself in seccomp strict mode,
//! where the kernel kills it for any system call but read, write, _exit and
//! sigreturn. It then reads (or toggles) the register a million times, writes
//! its result with write(2), and ends with the raw exit system call. If
//! register access went through the kernel, the kernel would kill it.
//!
//! Needs: Linux. For a device register, root and /dev/mem, or a gpiomem
//! device. With no PATH the register comes from the board detected in
//! /proc/device-tree: a GPIO register through the board's gpiomem device
//! when the kernel offers one (a Raspberry Pi: no root needed), else the
//! UART's PrimeCell UARTPeriphID0 (QEMU virt: 0x09000fe0, which reads 0x11),
//! else GPFSEL0, through /dev/mem (boot with iomem=relaxed when a driver
//! owns the range); on an unknown board, 0x09000fe0. Any regular file works
//! too: it is mapped as simulated physical memory with address = file
//! offset, so `no_syscalls regs.bin` runs anywhere.
//!
//! Shows: `Mapping::open` and a typed handle; every access after the map is
//! one load or store; what it costs (accesses per second).
//!
//! ```text
//! no_syscalls [PATH [ADDRESS]] [--read | --toggle] [--mask M] [--count N] [--cheat]
//!   PATH     /dev/mem, another device file, or a regular file (default: see above)
//!   ADDRESS  the 32-bit register (default: see above; 0 for a file)
//!   --read   read it N times, checking every value equals the first
//!            (the default for devices)
//!   --toggle write value ^ M and value alternately, reading each back, then
//!            restore the first value (the default for regular files)
//!   --count  N rounds (default 1000000)
//!   --cheat  make one getpid() call while confined: the kernel kills the process
//! ```
//! Exit status: 0 when every value read was the one expected, 1 otherwise,
//! 2 on a usage or mapping error; killed by SIGKILL if a system call slipped in.
//!
//! Timing inside the confinement uses clock_gettime(CLOCK_MONOTONIC), which
//! on aarch64 and x86_64 is served by the vDSO (a function in user space
//! reading the CPU's counter) and makes no system call, *when the kernel's
//! clock source allows it*: on some virtual machines the vDSO falls back to
//! the real system call, which strict mode punishes. And on x86 entering
//! strict mode also disables the time-stamp counter for the process (the
//! kernel sets TIF_NOTSC), so the vDSO's rdtsc faults: no clock works inside
//! the confinement there. So before confining itself the program checks: a
//! forked child enters strict mode and calls clock_gettime; only if that
//! child survives is the vDSO used. Otherwise, on aarch64, it reads the
//! CPU's virtual counter itself (CNTVCT_EL0, frequency in CNTFRQ_EL0: one
//! instruction, readable from user space); elsewhere it times an identical
//! unconfined run of the loop just before confining itself, and says so.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use physreg::map::{Mapping, Mode, Region, Source};
use physreg::reg::{RoReg, RwReg};
use tock_registers::interfaces::{Readable, Writeable};

mod common;
use common::{monotonic_ns, next_num, parse_num};

/// QEMU virt's PL011 UARTPeriphID0.
const DEFAULT_ADDRESS: u64 = 0x0900_0fe0;

struct Args {
    source: Source,
    path: PathBuf,
    address: u64,
    toggle: bool,
    mask: u32,
    count: u64,
    cheat: bool,
}

fn usage() -> &'static str {
    "usage: no_syscalls [PATH [ADDRESS]] [--read | --toggle] [--mask M] [--count N] [--cheat]"
}

fn parse_args() -> Result<Args, String> {
    let mut positional = Vec::new();
    let (mut read, mut toggle, mut cheat) = (false, false, false);
    let (mut mask, mut count) = (0xffff_ffffu32, 1_000_000u64);
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| next_num(&mut it, name);
        match arg.as_str() {
            "--read" => read = true,
            "--toggle" => toggle = true,
            "--cheat" => cheat = true,
            "--mask" => mask = u32::try_from(value("--mask")?).map_err(|_| "--mask is 32 bits")?,
            "--count" => count = value("--count")?,
            "-h" | "--help" => return Err(usage().into()),
            a if a.starts_with('-') => return Err(format!("unknown option {a}\n{}", usage())),
            _ => positional.push(arg),
        }
    }
    if read && toggle {
        return Err("--read and --toggle exclude each other".into());
    }
    if positional.len() > 2 {
        return Err(usage().into());
    }
    let (source, path, default_address) = match positional.first() {
        None => board_default(),
        Some(p) if p == "/dev/mem" => (Source::devmem(), PathBuf::from(p), DEFAULT_ADDRESS),
        Some(p) => (
            Source::from_path(Path::new(p), 0),
            PathBuf::from(p),
            DEFAULT_ADDRESS,
        ),
    };
    let is_file = std::fs::metadata(&path).is_ok_and(|m| m.is_file());
    let address = match positional.get(1) {
        Some(a) => parse_num(a).ok_or(format!("bad address {a}"))?,
        None if is_file => 0,
        None => default_address,
    };
    Ok(Args {
        source,
        path,
        address,
        toggle: toggle || (!read && is_file),
        mask,
        count,
        cheat,
    })
}

/// The register to use when none is named, from the board detected in
/// /proc/device-tree (see the top of the file).
fn board_default() -> (Source, PathBuf, u64) {
    let fallback = (Source::devmem(), PathBuf::from("/dev/mem"), DEFAULT_ADDRESS);
    let Some(det) = physreg::board::detect(Path::new("/proc/device-tree")) else {
        return fallback;
    };
    let mut board = det.board;
    board.apply_device_tree(Path::new("/proc/device-tree"));
    let gpio = board
        .peripheral("gpio")
        .or_else(|| board.peripheral("io_bank0"));
    // GPFSEL0 (BCM) or GPIO0_CTRL (RP1): stable values, harmless to read.
    let gpio_reg =
        |p: &physreg::board::Peripheral| p.base + p.register("GPIO0_CTRL").map_or(0, |r| r.offset);
    if let Some(p) = gpio {
        if let (Some(dev), Some(src)) = (&p.device, p.device_source()) {
            if dev.path.exists() {
                return (src, dev.path.clone(), gpio_reg(p));
            }
        }
    }
    if let Some(uart) = board.peripheral("uart0") {
        if let Some(id) = uart.register("PeriphID0") {
            return (Source::devmem(), "/dev/mem".into(), uart.base + id.offset);
        }
    }
    match gpio {
        Some(p) => (Source::devmem(), "/dev/mem".into(), gpio_reg(p)),
        None => fallback,
    }
}

/// A fixed buffer that `write!` formats into without allocating: after the
/// confinement starts, malloc could need brk or mmap, which strict mode forbids.
struct StackBuf {
    bytes: [u8; 1024],
    len: usize,
}

impl std::fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let dst = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// write(2) until everything is out (allowed in strict mode).
fn write_out(bytes: &[u8]) {
    let mut rest = bytes;
    while !rest.is_empty() {
        // SAFETY: the pointer and length describe `rest`, a live byte slice.
        let n = unsafe { libc::write(1, rest.as_ptr().cast(), rest.len()) };
        if n <= 0 {
            return;
        }
        rest = &rest[n as usize..];
    }
}

/// The exit system call: ends this thread (the only one) without exit_group,
/// which strict mode does not allow and `std::process::exit` uses.
fn exit_raw(code: i32) -> ! {
    // SAFETY: SYS_exit takes one integer and does not return.
    unsafe { libc::syscall(libc::SYS_exit, code) };
    // SAFETY: never reached; the exit system call does not return.
    unsafe { std::hint::unreachable_unchecked() }
}

fn enter_strict_mode() -> bool {
    // SAFETY: prctl with these arguments only changes this thread's seccomp mode.
    let rc = unsafe {
        libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_STRICT as libc::c_ulong,
            0,
            0,
            0,
        )
    };
    rc == 0
}

/// Whether clock_gettime makes no system call here: a forked child enters
/// strict mode and calls it; the kernel kills the child if it was a syscall.
fn vdso_clock_is_syscall_free() -> bool {
    // SAFETY: fork in a single-threaded process; the child only calls prctl,
    // clock_gettime and the exit system call, all async-signal-safe.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        if !enter_strict_mode() {
            exit_raw(2);
        }
        monotonic_ns();
        exit_raw(0);
    }
    if pid < 0 {
        return false;
    }
    let mut status = 0;
    // SAFETY: waits for the child just forked; `status` is a valid int.
    let rc = unsafe { libc::waitpid(pid, &mut status, 0) };
    rc == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0
}

/// The CPU's free-running counter, read with one instruction (no kernel).
#[cfg(target_arch = "aarch64")]
fn cpu_ticks() -> u64 {
    let v: u64;
    // SAFETY: reads the virtual counter, which Linux lets user space read
    // (CNTKCTL_EL1.EL0VCTEN); the isb orders it after earlier instructions.
    unsafe { std::arch::asm!("isb", "mrs {}, cntvct_el0", out(reg) v, options(nomem, nostack)) };
    v
}

/// Ticks per second of [`cpu_ticks`].
#[cfg(target_arch = "aarch64")]
fn cpu_ticks_hz() -> Option<f64> {
    let f: u64;
    // SAFETY: reads the counter frequency register, readable from EL0.
    unsafe { std::arch::asm!("mrs {}, cntfrq_el0", out(reg) f, options(nomem, nostack)) };
    (f != 0).then_some(f as f64)
}

#[cfg(not(target_arch = "aarch64"))]
fn cpu_ticks() -> u64 {
    0
}

#[cfg(not(target_arch = "aarch64"))]
fn cpu_ticks_hz() -> Option<f64> {
    None
}

/// What the confined code can measure time with.
#[derive(Clone, Copy)]
enum Clock {
    /// clock_gettime through the vDSO (checked to make no system call).
    Vdso,
    /// The CPU's counter at this many ticks per second.
    Counter(f64),
    /// Nothing usable.
    None,
}

impl Clock {
    fn pick() -> Clock {
        if vdso_clock_is_syscall_free() {
            Clock::Vdso
        } else {
            cpu_ticks_hz().map_or(Clock::None, Clock::Counter)
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Clock::Vdso => "timing with clock_gettime, which makes no system call here (vDSO; checked in a confined child)",
            Clock::Counter(_) => "clock_gettime would fault or make a system call here: timing with the CPU's counter (CNTVCT_EL0) instead",
            Clock::None => "no clock works in strict mode here (x86 disables the TSC in it): the rate comes from an identical unconfined run just before",
        }
    }

    /// A reading in this clock's own units.
    fn now(self) -> u64 {
        match self {
            Clock::Vdso => monotonic_ns(),
            Clock::Counter(_) => cpu_ticks(),
            Clock::None => 0,
        }
    }

    /// Nanoseconds between two readings.
    fn elapsed_ns(self, start: u64, end: u64) -> Option<f64> {
        let d = end.wrapping_sub(start) as f64;
        match self {
            Clock::Vdso => Some(d),
            Clock::Counter(hz) => Some(d * 1e9 / hz),
            Clock::None => None,
        }
    }
    // (Clock::None's rate comes from `confine`'s unconfined run.)
}

fn main() -> ExitCode {
    let result = match parse_args() {
        Ok(args) => run(&args),
        Err(e) => Err(e.into()),
    };
    common::finish("no_syscalls", 2, result)
}

/// Never returns Ok: the confined process ends with the exit system call.
fn run(args: &Args) -> Result<Infallible, Box<dyn std::error::Error>> {
    let source = &args.source;
    let mode = if args.toggle {
        Mode::ReadWrite
    } else {
        Mode::ReadOnly
    };
    let map = Mapping::open(source, Region::new(args.address, 4), mode)?;
    let clock = Clock::pick();
    println!(
        "no_syscalls: mapped {} at {:#010x}, 32-bit, {} mode, {} rounds",
        args.path.display(),
        args.address,
        if args.toggle { "toggle" } else { "read" },
        args.count
    );
    println!("no_syscalls: {}", clock.describe());

    let (reads, writes, mismatches, value, ns) = if args.toggle {
        let reg: RwReg<u32> = map.reg(args.address)?;
        let first = reg.get();
        let other = first ^ args.mask;
        confine(args, clock, |cheat_at| {
            let mut bad = 0u64;
            for i in 0..args.count {
                if i == cheat_at {
                    cheat();
                }
                let v = if i % 2 == 0 { other } else { first };
                reg.set(v);
                bad += u64::from(reg.get() != v);
            }
            reg.set(first);
            (args.count, args.count + 1, bad, first)
        })
    } else {
        let reg: RoReg<u32> = map.reg(args.address)?;
        let first = reg.get();
        confine(args, clock, |cheat_at| {
            let mut bad = 0u64;
            for i in 0..args.count {
                if i == cheat_at {
                    cheat();
                }
                bad += u64::from(reg.get() != first);
            }
            (args.count, 0, bad, first)
        })
    };

    // Still confined: format on the stack, write(2), exit(2).
    let mut out = StackBuf {
        bytes: [0; 1024],
        len: 0,
    };
    let _ = writeln!(
        out,
        "no_syscalls: confined: reads={reads} writes={writes} mismatches={mismatches} value={value:#010x}"
    );
    if let Some(ns) = ns {
        let accesses = reads + writes;
        let secs = ns / 1e9;
        let _ = writeln!(
            out,
            "no_syscalls: {accesses} accesses in {secs:.3} s: {:.2} M accesses/s, {:.1} ns each",
            accesses as f64 / secs.max(1e-9) / 1e6,
            ns / (accesses.max(1)) as f64
        );
    }
    let _ = writeln!(
        out,
        "no_syscalls: no system call between the map and this line but write(2); exiting with exit(2)"
    );
    write_out(&out.bytes[..out.len]);
    exit_raw(i32::from(mismatches != 0));
}

/// Makes a system call strict mode forbids (for `--cheat`).
#[inline(never)]
fn cheat() {
    // SAFETY: getpid has no preconditions; under strict seccomp the kernel kills us.
    unsafe { libc::getpid() };
}

/// Enters strict mode, runs `work` (given the round at which to cheat, or
/// u64::MAX), and returns its result with the nanoseconds it took: measured
/// inside when `clock` works there, otherwise on an unconfined run of the
/// same work just before. On failure to enter strict mode the process
/// reports and exits.
fn confine(
    args: &Args,
    clock: Clock,
    work: impl Fn(u64) -> (u64, u64, u64, u32),
) -> (u64, u64, u64, u32, Option<f64>) {
    clock.now(); // resolve the vDSO symbol (if used) before confinement
    let unconfined_ns = match clock {
        Clock::None => {
            let t0 = monotonic_ns();
            work(u64::MAX);
            Some(monotonic_ns().saturating_sub(t0) as f64)
        }
        _ => None,
    };
    if !enter_strict_mode() {
        eprintln!("no_syscalls: prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) failed: is seccomp enabled in this kernel?");
        std::process::exit(2);
    }
    let t0 = clock.now();
    let cheat_at = if args.cheat { args.count / 2 } else { u64::MAX };
    let (r, w, bad, v) = work(cheat_at);
    let ns = clock.elapsed_ns(t0, clock.now()).or(unconfined_ns);
    (r, w, bad, v, ns)
}
