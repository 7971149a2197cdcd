//! `physreg watch`, and the bus-error path (SIGBUS from a file-backed device
//! truncated under the mapping stands in for an address nothing answers).
#![cfg(feature = "cli")]

mod cli_util;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use cli_util::{assert_one_line, json_lines, Mem};

#[test]
fn count_one_prints_the_current_value() {
    let m = Mem::new(0x2000);
    m.poke32(0x100, 0xabcd);
    let out = m.run(["watch", "0x100", "--count", "1"]);
    let line = out.ok();
    assert!(line.starts_with("+0.0"), "{line}");
    assert!(line.ends_with("s 0x00000100: 0x0000ABCD\n"), "{line}");
    let v = json_lines(
        m.run(["--format", "json", "watch", "0x100", "-n", "1", "-w", "16"])
            .ok(),
    );
    assert_eq!(v[0]["address"], 0x100);
    assert_eq!(v[0]["width"], 16);
    assert_eq!(v[0]["value"], 0xabcd);
    assert!(v[0]["time"].as_f64().unwrap() > 1.6e9);
    assert!(v[0]["elapsed"].as_f64().unwrap() >= 0.0);
}

#[test]
fn prints_a_line_on_every_change() {
    let m = Mem::new(0x2000);
    let mut c = m.cmd(["watch", "0x100", "--interval", "2ms", "--count", "3"]);
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.ends_with("0x00000100: 0x00000000"), "{first}");
    // Unchanged values print nothing; each change prints one line.
    std::thread::sleep(Duration::from_millis(30));
    m.poke32(0x100, 1);
    let second = lines.next().unwrap().unwrap();
    assert!(second.ends_with("0x00000100: 0x00000001"), "{second}");
    m.poke32(0x100, 2);
    let third = lines.next().unwrap().unwrap();
    assert!(third.ends_with("0x00000100: 0x00000002"), "{third}");
    assert!(lines.next().is_none(), "stops after --count lines");
    assert!(child.wait().unwrap().success());
}

#[test]
fn bad_options() {
    let m = Mem::new(0x2000);
    m.run(["watch", "0x100", "--count", "0"]).fails(2);
    m.run(["watch", "0x100", "--interval", "soon"]).fails(2);
    m.run(["watch", "0x100", "--interval", "-1s"]).fails(2);
    m.run(["watch", "0x102"]).fails(2);
    m.run(["watch", "0x5000", "-n", "1"]).fails(1);
}

/// Starts `args` on `m`, waits for its first line of output, truncates the
/// image under its mapping, and returns the finished run.
fn fault_after_first_line(m: &Mem, args: &[&str], stdin: &str) -> (String, cli_util::Run) {
    fault_after_first_line_keeping(m, args, stdin, 0)
}

/// [`fault_after_first_line`], truncating the device file to `keep` bytes.
fn fault_after_first_line_keeping(
    m: &Mem,
    args: &[&str],
    stdin: &str,
    keep: u64,
) -> (String, cli_util::Run) {
    use std::io::Write;
    let mut c = m.cmd(args);
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&m.path)
        .unwrap()
        .set_len(keep)
        .unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (
        first,
        cli_util::Run {
            code: status.code().unwrap_or(-1),
            stdout: rest,
            stdout_bytes: Vec::new(),
            stderr,
        },
    )
}

#[test]
fn a_bus_error_is_one_line_and_exit_3() {
    let m = Mem::new(0x2000);
    let (first, r) = fault_after_first_line(&m, &["watch", "0x1000", "-i", "1ms", "-w", "16"], "");
    assert!(first.contains("0x00001000: 0x0000"), "{first}");
    assert_eq!(r.code, 3, "stderr: {}", r.stderr);
    assert_one_line(&r.stderr);
    assert!(
        r.stderr.starts_with("physreg: bus error (SIGBUS)")
            && r.stderr.contains("16-bit read at 0x00001000"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("core dumped"));
}

#[test]
fn a_bus_error_in_a_batch_names_the_line() {
    let m = Mem::new(0x2000);
    let (first, r) = fault_after_first_line(
        &m,
        &["batch"],
        "read 0x1000\nsleep 300ms\n# a comment\nread 0x1004 -w 8\n",
    );
    assert_eq!(first, "0x00001000: 0x00000000\n");
    assert_eq!(r.code, 3, "stderr: {}", r.stderr);
    assert_one_line(&r.stderr);
    assert!(r.stderr.contains("8-bit "), "{}", r.stderr);
    assert!(
        r.stderr.contains("0x00001004 (batch line 4)"),
        "{}",
        r.stderr
    );
}

/// A batch holds its output and writes it in large pieces; the lines that ran
/// before a bus error are still printed, before the error.
#[test]
fn a_bus_error_in_a_batch_keeps_the_lines_before_it() {
    let m = Mem::new(0x2000);
    // After the sleep the file keeps its first page only: the reads of page 0
    // answer, the one on page 1 (mapped before the sleep) faults.
    let (first, r) = fault_after_first_line_keeping(
        &m,
        &["batch"],
        "read 0x1000\nsleep 300ms\nread 0x0\nwrite 0x8 0x55 -w 8\nread 0x4 -w 16\nread 0x1004\nread 0x0\n",
        0x1000,
    );
    assert_eq!(first, "0x00001000: 0x00000000\n");
    assert_eq!(r.code, 3, "stderr: {}", r.stderr);
    assert_eq!(
        r.stdout, "0x00000000: 0x00000000\n0x00000008 <- 0x55\n0x00000004: 0x0000\n",
        "the lines between the sleep and the fault"
    );
    assert_one_line(&r.stderr);
    assert!(
        r.stderr.contains("0x00001004 (batch line 6)"),
        "{}",
        r.stderr
    );
    assert_eq!(m.peek32(0x8), 0x55, "the write before the fault happened");
}
