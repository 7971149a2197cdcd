//! The founding claim, proved: after the map, register access makes no system call.
//!
//! The test re-runs its own executable as a child. The child maps a register
//! file through the library, makes its handles, then enters seccomp strict
//! mode, where the kernel kills the process on any system call but read,
//! write, _exit and sigreturn. It then performs 3,000,000 register writes and
//! 1,000,000 reads (typed, run-time-width and big-endian handles), writes one
//! result line and calls _exit. If the library made any other system call, the
//! child dies of SIGKILL and the test fails. A control child that calls
//! getpid() once after entering seccomp must be killed, which shows the
//! confinement is real.
//!
//! (harness = false: seccomp applies to one thread, and the child must run its
//! work on its only thread and end it with the raw `exit` system call.)

use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use physreg::map::{Mapping, Mode, Region, Source};
use physreg::reg::{Be, Endianness, ReadWrite, Reg, RwReg, Width};
use tock_registers::interfaces::{Readable, Writeable};

const ROUNDS: u32 = 1_000_000;
const BASE: u64 = 0x0900_0000;
const CHILD_ENV: &str = "PHYSREG_SECCOMP_CHILD";

fn main() {
    if let Some(arg) = std::env::var_os(CHILD_ENV) {
        let arg = arg.into_string().unwrap_or_default();
        let (mode, path) = arg.split_once(':').unwrap_or(("", ""));
        child(path, mode == "control");
    }
    let mut failed = 0;
    for (name, test) in [
        (
            "confined_child_makes_four_million_accesses",
            confined_child_makes_four_million_accesses as fn() -> Result<(), String>,
        ),
        (
            "control_child_dies_on_its_first_syscall",
            control_child_dies_on_its_first_syscall,
        ),
    ] {
        match test() {
            Ok(()) => println!("test {name} ... ok"),
            Err(why) => {
                failed += 1;
                println!("test {name} ... FAILED\n  {why}");
            }
        }
    }
    let passed = 2 - failed;
    let verdict = if failed == 0 { "ok" } else { "FAILED" };
    println!("\ntest result: {verdict}. {passed} passed; {failed} failed; 0 ignored; 0 measured; 0 filtered out");
    std::process::exit(i32::from(failed != 0));
}

fn run_child(mode: &str) -> Result<(std::process::Output, Vec<u8>), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("regs.bin");
    std::fs::write(&path, vec![0u8; 0x1000]).map_err(|e| e.to_string())?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new(exe)
        .env(CHILD_ENV, format!("{mode}:{}", path.display()))
        .output()
        .map_err(|e| e.to_string())?;
    let image = std::fs::read(&path).map_err(|e| e.to_string())?;
    Ok((out, image))
}

fn confined_child_makes_four_million_accesses() -> Result<(), String> {
    let (out, image) = run_child("work")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "child did not exit cleanly: {:?} (signal {:?}); stdout {stdout:?} stderr {:?}",
            out.status,
            out.status.signal(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    // Each round writes i and reads it back through the typed handle; the sum
    // of the values read is sum(0..ROUNDS).
    let expect_sum: u64 = (0..u64::from(ROUNDS)).sum();
    let expect = format!(
        "confined: writes={} reads={ROUNDS} sum={expect_sum}\n",
        3 * ROUNDS
    );
    if stdout != expect {
        return Err(format!("child said {stdout:?}, expected {expect:?}"));
    }
    // The last values stored are in the file: little-endian at 0x0, big-endian at 0x8.
    let last = ROUNDS - 1;
    if image[0..4] != last.to_le_bytes() || image[8..12] != last.to_be_bytes() {
        return Err(format!(
            "register file holds {:02x?}, not the last value {last:#x}",
            &image[0..12]
        ));
    }
    Ok(())
}

fn control_child_dies_on_its_first_syscall() -> Result<(), String> {
    let (out, _) = run_child("control")?;
    match out.status.signal() {
        Some(libc::SIGKILL) => Ok(()),
        _ => Err(format!(
            "control child was not killed by seccomp: {:?}",
            out.status
        )),
    }
}

/// Runs in the child process; never returns.
fn child(path: &str, control: bool) -> ! {
    let source = Source::file(path, BASE);
    let map = match Mapping::open(&source, Region::new(BASE, 0x1000), Mode::ReadWrite) {
        Ok(m) => m,
        Err(e) => die(&e.to_string()),
    };
    let data: RwReg<u32> = map.reg(BASE).unwrap_or_else(|e| die(&e.to_string()));
    let selector: Reg<u32, (), ReadWrite, Be> =
        map.reg(BASE + 8).unwrap_or_else(|e| die(&e.to_string()));
    let flags = map
        .dyn_reg(BASE + 0x18, Width::W32, Endianness::Little, true)
        .unwrap_or_else(|e| die(&e.to_string()));

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
    if rc != 0 {
        die("prctl(PR_SET_SECCOMP) failed");
    }
    if control {
        // SAFETY: getpid has no preconditions; under strict seccomp it is fatal.
        unsafe { libc::getpid() };
    }
    let mut sum: u64 = 0;
    for i in 0..ROUNDS {
        data.set(i);
        selector.set(i);
        if flags.write(u64::from(i & 0xff)).is_err() {
            exit_raw(4);
        }
        sum += u64::from(data.get());
    }
    let (writes, writes_len) = digits(3 * u64::from(ROUNDS));
    let (reads, reads_len) = digits(u64::from(ROUNDS));
    let (total, total_len) = digits(sum);
    let mut buf = [0u8; 96];
    let mut len = 0;
    for part in [
        b"confined: writes=".as_slice(),
        &writes[..writes_len],
        b" reads=",
        &reads[..reads_len],
        b" sum=",
        &total[..total_len],
        b"\n",
    ] {
        buf[len..len + part.len()].copy_from_slice(part);
        len += part.len();
    }
    // SAFETY: `buf[..len]` is initialised; write(2) is allowed in strict mode.
    unsafe { libc::write(1, buf.as_ptr().cast(), len) };
    exit_raw(0)
}

/// Decimal digits of `n` without allocating (allocation could call mmap or brk).
fn digits(mut n: u64) -> ([u8; 20], usize) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut out = [0u8; 20];
    let len = tmp.len() - i;
    out[..len].copy_from_slice(&tmp[i..]);
    (out, len)
}

/// The raw `exit` system call: strict mode allows it, not `exit_group`.
fn exit_raw(code: i32) -> ! {
    // SAFETY: ends this (single-threaded) process; nothing runs after it.
    unsafe { libc::syscall(libc::SYS_exit, code) };
    unreachable!("exit returned")
}

fn die(msg: &str) -> ! {
    eprintln!("child: {msg}");
    std::process::exit(3)
}
