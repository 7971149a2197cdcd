//! Read-modify-writes from concurrent physreg processes lose no update: the
//! flock around every write (around a batch's run of writes) serializes them.
#![cfg(feature = "cli")]

mod cli_util;

use std::fmt::Write as _;

use cli_util::Mem;

const REG: u64 = 0x100;
const PROCS: u32 = 8;

/// Process `p` owns bits 4p..4p+3 of the register.
fn nibble(p: u32) -> u32 {
    0xf << (4 * p)
}

/// 8 processes, each setting and clearing its own bits 500 times (a batch of
/// masked writes, each read back): every read-back shows the process's own
/// bits as it left them, and the register ends with every bit right.
#[test]
fn eight_processes_set_and_clear_their_own_bits_500_times() {
    let m = Mem::new(0x1000);
    let handles: Vec<_> = (0..PROCS)
        .map(|p| {
            let mut script = String::new();
            for _ in 0..500 {
                writeln!(
                    script,
                    "write {REG:#x} {:#x} --mask {:#x} --readback",
                    nibble(p),
                    nibble(p)
                )
                .unwrap();
                writeln!(
                    script,
                    "write {REG:#x} 0 --mask {:#x} --readback",
                    nibble(p)
                )
                .unwrap();
            }
            // End with a value of its own: p + 1 in its nibble.
            writeln!(
                script,
                "write {REG:#x} {:#x} --mask {:#x}",
                (p + 1) << (4 * p),
                nibble(p)
            )
            .unwrap();
            let cmd = m.cmd(["batch"]);
            std::thread::spawn(move || (p, cli_util::run_with_stdin(cmd, script.as_bytes())))
        })
        .collect();
    for h in handles {
        let (p, r) = h.join().unwrap();
        let out = r.ok();
        let mut lines = 0;
        for (i, line) in out.lines().enumerate().take(1000) {
            // "0x00000100 <- 0x........ (read back 0x........)"
            let back = line
                .rsplit("read back ")
                .next()
                .unwrap()
                .trim_end_matches(')');
            let back = u32::from_str_radix(back.trim_start_matches("0x"), 16).unwrap();
            let want = if i % 2 == 0 { nibble(p) } else { 0 };
            assert_eq!(back & nibble(p), want, "process {p}, write {i}: {line}");
            lines += 1;
        }
        assert_eq!(lines, 1000);
    }
    assert_eq!(m.peek32(REG), 0x8765_4321);
}

/// The same through one process per write (the lock is per write, not per
/// batch): 8 workers, 50 set/clear cycles each.
#[test]
fn separate_write_processes_do_not_lose_updates() {
    let m = std::sync::Arc::new(Mem::new(0x1000));
    let handles: Vec<_> = (0..PROCS)
        .map(|p| {
            let m = std::sync::Arc::clone(&m);
            std::thread::spawn(move || {
                let mask = format!("{:#x}", nibble(p));
                for _ in 0..50 {
                    m.run(["write", "0x100", &mask, "--mask", &mask]).ok();
                    m.run(["write", "0x100", "0", "--mask", &mask]).ok();
                }
                let v = format!("{:#x}", (p + 1) << (4 * p));
                m.run(["write", "0x100", &v, "--mask", &mask]).ok();
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(m.peek32(REG), 0x8765_4321);
}

#[test]
fn an_unusable_lock_file_is_a_clear_error_and_no_lock_skips_it() {
    let m = Mem::new(0x1000);
    let mut c = m.cmd(["write", "0x100", "1"]);
    c.env("PHYSREG_LOCK_FILE", "/nonexistent/dir/physreg.lock");
    let r = cli_util::run_cmd(c);
    assert!(r.fails(1).contains("--no-lock"), "{}", r.stderr);
    assert_eq!(m.peek32(REG), 0, "no write without the lock");
    let mut c = m.cmd(["--no-lock", "write", "0x100", "1"]);
    c.env("PHYSREG_LOCK_FILE", "/nonexistent/dir/physreg.lock");
    cli_util::run_cmd(c).ok();
    assert_eq!(m.peek32(REG), 1);
}
