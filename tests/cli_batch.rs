//! `physreg batch`: many commands per process, one result per line, stop at
//! the first error naming its line.
#![cfg(feature = "cli")]

mod cli_util;

use cli_util::{json_lines, Mem};

#[test]
fn runs_lines_in_order_from_stdin_and_file() {
    let m = Mem::new(0x3000);
    let script = "\
# bring-up
write 0x1000 0x41 --width 8
read 0x1000 -w 8   # comment after a command

write 0x1004 0xf0 --mask 0xf0 --readback
write 0x1008 0x1 --dry-run
sleep 1ms
read 0x1000 0x1004
";
    let want = "\
0x00001000 <- 0x41
0x00001000: 0x41
0x00001004 <- 0x000000F0 (read back 0x000000F0)
dry run: 0x00001008 32-bit: old 0x00000000 new 0x00000001 mask 0xFFFFFFFF (nothing written)
0x00001000: 0x00000041
0x00001004: 0x000000F0
";
    let r = m.run_stdin(["batch"], script);
    assert_eq!(r.ok(), want);
    assert_eq!(m.peek32(0x1008), 0, "dry run");
    let file = m.file("script.txt", script);
    assert_eq!(m.run(["batch".as_ref(), file.as_os_str()]).ok(), want);
    assert_eq!(m.run_stdin(["batch", "-"], script).ok(), want);
}

#[test]
fn crlf_and_blank_input() {
    let m = Mem::new(0x2000);
    assert_eq!(m.run_stdin(["batch"], "").ok(), "");
    assert_eq!(m.run_stdin(["batch"], "\n\n# nothing\n").ok(), "");
    assert_eq!(
        m.run_stdin(["batch"], "read 0x10 -w 8\r\nread 0x11 -w 8\r\n")
            .ok(),
        "0x00000010: 0x00\n0x00000011: 0x00\n"
    );
}

#[test]
fn json_lines_per_result() {
    let m = Mem::new(0x2000);
    let r = m.run_stdin(
        ["--format", "json", "batch"],
        "write 0x100 5\nread 0x100\nwrite 0x104 1 --readback -w 8\n",
    );
    let v = json_lines(r.ok());
    assert_eq!(v.len(), 3);
    assert_eq!(v[0]["address"], 0x100);
    assert_eq!(v[0]["written"], 5);
    assert_eq!(v[1]["value"], 5);
    assert_eq!(v[1]["width"], 32);
    assert_eq!(v[2]["written"], 1);
    assert_eq!(v[2]["value"], 1);
}

#[test]
fn a_bad_line_stops_the_batch_before_anything_runs() {
    let m = Mem::new(0x2000);
    let r = m.run_stdin(
        ["batch"],
        "write 0x100 1\nread 0x100\nwrite 0x104 0x1zz\nwrite 0x108 1\n",
    );
    let line = r.fails(2);
    assert!(line.contains("line 3"), "{line}");
    assert_eq!(r.stdout, "");
    assert_eq!(
        m.peek32(0x100),
        0,
        "syntax is checked before the first line runs"
    );
    for (script, n) in [
        ("frobnicate 1\n", 1),
        ("read\n", 1),
        ("\n\nwrite 0x100\n", 3),
        ("read 0x100 -w 12\n", 1),
        ("write 0x100 0x100 -w 8\n", 1),
        ("read 0x101\n", 1),
        ("read uart0.FR\n", 1),
    ] {
        let r = m.run_stdin(["batch"], script);
        let line = r.fails(2);
        assert!(line.contains(&format!("line {n}")), "{script:?}: {line}");
    }
}

#[test]
fn a_runtime_error_stops_at_its_line() {
    let m = Mem::new(0x2000);
    let r = m.run_stdin(["batch"], "write 0x100 1\nread 0x5000\nwrite 0x104 1\n");
    let line = r.fails(1);
    assert!(
        line.contains("line 2") && line.contains("outside"),
        "{line}"
    );
    assert_eq!(r.stdout, "0x00000100 <- 0x00000001\n");
    assert_eq!(m.peek32(0x100), 1);
    assert_eq!(m.peek32(0x104), 0, "nothing after the failing line runs");
}

#[test]
fn not_utf8_is_a_usage_error() {
    let m = Mem::new(0x2000);
    let r = cli_util::run_with_stdin(m.cmd(["batch"]), b"read 0x0\nread \xff\n");
    assert!(r.fails(2).contains("line 2"), "{}", r.stderr);
}

#[test]
fn missing_file() {
    let m = Mem::new(0x2000);
    let r = m.run(["batch", "/nonexistent/script"]);
    assert!(r.fails(1).contains("/nonexistent/script"), "{}", r.stderr);
}

#[test]
fn hundreds_of_lines_in_one_process() {
    let m = Mem::new(0x2000);
    let mut script = String::new();
    for i in 0..500u64 {
        script.push_str(&format!("write {:#x} {i}\n", 0x1000 + 4 * (i % 256)));
    }
    for i in 0..256u64 {
        script.push_str(&format!("read {:#x}\n", 0x1000 + 4 * i));
    }
    let r = m.run_stdin(["batch"], &script);
    assert_eq!(r.ok().lines().count(), 756);
    for i in 0..256u64 {
        let last = if i < 500 - 256 { i + 256 } else { i };
        assert_eq!(u64::from(m.peek32(0x1000 + 4 * i)), last);
    }
}

/// Runs `physreg [global] --device FILE batch` on `script` under `strace -e
/// trace=CALL` and returns the lines of the trace.
fn traced(m: &Mem, global: &[&str], call: &str, script: &str) -> Vec<String> {
    assert!(
        std::process::Command::new("strace")
            .arg("-V")
            .output()
            .is_ok(),
        "this test counts system calls with strace: apt-get install strace"
    );
    let out_file = m.dir.path().join("strace.out");
    let mut c = std::process::Command::new("strace");
    c.args(["-f", "-e", &format!("trace={call}"), "-o"])
        .arg(&out_file);
    c.arg(cli_util::BIN)
        .args(global)
        .arg("--device")
        .arg(&m.path)
        .arg("batch");
    c.env("PHYSREG_LOCK_FILE", m.dir.path().join("physreg.lock"));
    let r = cli_util::run_with_stdin(c, script.as_bytes());
    r.ok();
    let trace = std::fs::read_to_string(&out_file).unwrap();
    trace.lines().map(str::to_string).collect()
}

/// The mappings stay open across lines: a batch of 300 accesses to one page
/// makes about as many mmap calls as a batch of one (counted with strace,
/// which .ci/run installs).
#[test]
fn mappings_stay_open_across_lines() {
    let m = Mem::new(0x2000);
    // Mappings of the device: shared, with a file descriptor.
    let count = |script: &str| {
        traced(&m, &[], "mmap", script)
            .iter()
            .filter(|l| l.contains("MAP_SHARED"))
            .count()
    };
    let one = count("read 0x1000\n");
    let mut many = String::new();
    for i in 0..150 {
        many.push_str(&format!(
            "read {:#x}\nwrite {:#x} {i}\n",
            0x1000 + 4 * (i % 64),
            0x1100 + 4 * (i % 32)
        ));
    }
    let lots = count(&many);
    assert!(one >= 1, "the device is mapped");
    assert!(
        lots <= one + 2,
        "{lots} device mappings for 300 lines (one line: {one})"
    );
}

/// The write lock is taken once for a run of writes and given up for a sleep:
/// two runs of 50 writes make two lock-unlock pairs; --no-lock makes none.
#[test]
fn one_lock_for_a_run_of_writes() {
    let m = Mem::new(0x2000);
    let mut script = String::new();
    for i in 0..100u64 {
        if i == 50 {
            script.push_str("sleep 1ms\nread 0x1000\n");
        }
        script.push_str(&format!(
            "write {:#x} {i} --mask 0xff --readback\n",
            0x1000 + 4 * (i % 8)
        ));
    }
    let flocks = |global: &[&str]| {
        let trace = traced(&m, global, "flock", &script);
        let ex = trace.iter().filter(|l| l.contains("LOCK_EX")).count();
        let un = trace.iter().filter(|l| l.contains("LOCK_UN")).count();
        (ex, un)
    };
    assert_eq!(flocks(&[]), (2, 2), "lock and unlock per run of writes");
    assert_eq!(flocks(&["--no-lock"]), (0, 0));
    assert_eq!(m.peek32(0x1000 + 4 * 3), 99);
}
