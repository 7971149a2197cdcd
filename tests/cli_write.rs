//! `physreg write`: plain, masked, --readback, --dry-run, and the refusals.
#![cfg(feature = "cli")]

mod cli_util;

use cli_util::{json_lines, Mem};

const IOMEM: &str = "\
00000000-00000fff : reserved
00001000-00001fff : 9000000.pl011 9000000.pl011
  00001000-00001fff : uart-pl011
00002000-00002fff : System RAM
";

#[test]
fn writes_are_silent_and_land() {
    let m = Mem::new(0x2000);
    assert_eq!(m.run(["write", "0x1000", "0xdead_beef"]).ok(), "");
    assert_eq!(m.peek32(0x1000), 0xdead_beef);
    assert_eq!(m.run(["write", "0x1004", "0x41", "--width", "8"]).ok(), "");
    assert_eq!(m.peek(0x1004, 2), [0x41, 0]);
    assert_eq!(
        m.run(["write", "0x1008", "0x0102030405060708", "-w", "64"])
            .ok(),
        ""
    );
    assert_eq!(m.peek(0x1008, 8), [8, 7, 6, 5, 4, 3, 2, 1]);
    assert_eq!(
        m.run(["write", "0x1010", "0x1234", "-w", "16", "--big-endian"])
            .ok(),
        ""
    );
    assert_eq!(m.peek(0x1010, 2), [0x12, 0x34]);
}

#[test]
fn readback_prints_what_the_register_holds() {
    let m = Mem::new(0x2000);
    assert_eq!(
        m.run(["write", "0x1000", "0b1010", "--readback"]).ok(),
        "0x00001000: 0x0000000A\n"
    );
    let v = json_lines(
        m.run([
            "--format",
            "json",
            "write",
            "0x1000",
            "7",
            "--readback",
            "-w",
            "8",
        ])
        .ok(),
    );
    assert_eq!(v[0]["address"], 0x1000);
    assert_eq!(v[0]["width"], 8);
    assert_eq!(v[0]["value"], 7);
}

#[test]
fn mask_changes_only_its_bits() {
    let m = Mem::new(0x2000);
    m.poke32(0x1000, 0xffff_0000);
    m.run(["write", "0x1000", "0x0000_00a0", "--mask", "0x0000_00f0"])
        .ok();
    assert_eq!(m.peek32(0x1000), 0xffff_00a0);
    m.run(["write", "0x1000", "0", "--mask", "0xff00_0000"])
        .ok();
    assert_eq!(m.peek32(0x1000), 0x00ff_00a0);
    // Bits outside the mask: usage error, nothing written.
    let r = m.run(["write", "0x1000", "0x1", "--mask", "0xf0"]);
    assert!(r.fails(2).contains("outside --mask"), "{}", r.stderr);
    assert_eq!(m.peek32(0x1000), 0x00ff_00a0);
    let r = m.run(["write", "0x1000", "0", "--mask", "0x100", "-w", "8"]);
    r.fails(2);
}

#[test]
fn dry_run_reports_and_writes_nothing() {
    let m = Mem::new(0x2000);
    m.poke32(0x1000, 0x1234_5678);
    let before = m.contents();
    let r = m.run([
        "write",
        "0x1000",
        "0x0000_0a00",
        "--mask",
        "0x0000_0f00",
        "--dry-run",
    ]);
    assert_eq!(
        r.ok(),
        "dry run: 0x00001000 32-bit: old 0x12345678 new 0x12345A78 mask 0x00000F00 (nothing written)\n"
    );
    let v = json_lines(
        m.run([
            "--format",
            "json",
            "write",
            "0x1000",
            "0x55",
            "-w",
            "8",
            "--dry-run",
        ])
        .ok(),
    );
    assert_eq!(v[0]["address"], 0x1000);
    assert_eq!(v[0]["width"], 8);
    assert_eq!(v[0]["old"], 0x78);
    assert_eq!(v[0]["new"], 0x55);
    assert_eq!(v[0]["mask"], 0xff);
    assert_eq!(v[0]["dry_run"], true);
    assert_eq!(m.contents(), before, "a dry run writes nothing");
}

#[test]
fn value_too_wide_is_a_usage_error_and_writes_nothing() {
    let m = Mem::new(0x2000);
    let before = m.contents();
    for (value, width) in [("0x100", "8"), ("0x1_0000", "16"), ("0x1_0000_0000", "32")] {
        let r = m.run(["write", "0x1000", value, "-w", width]);
        assert!(r.fails(2).contains("does not fit"), "{}", r.stderr);
    }
    let r = m.run(["write", "0x1000", "0x1_0000_0000_0000_0000", "-w", "64"]);
    assert!(r.fails(2).contains("too large"), "{}", r.stderr);
    let r = m.run(["write", "0x1000", "banana"]);
    r.fails(2);
    let r = m.run(["write", "0x1002", "1"]);
    assert!(r.fails(2).contains("not aligned"), "{}", r.stderr);
    assert_eq!(m.contents(), before);
}

#[test]
fn system_ram_is_refused_unless_forced() {
    let m = Mem::new(0x3000);
    let iomem = m.file("iomem", IOMEM);
    let iomem = iomem.to_str().unwrap();
    let r = m.run(["--iomem", iomem, "write", "0x2000", "1"]);
    assert!(r.fails(1).contains("System RAM"), "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(m.peek32(0x2000), 0);
    // Also through devmem, and for a dry run.
    m.run(["--iomem", iomem, "devmem", "0x2000", "32", "1"])
        .fails(1);
    m.run(["--iomem", iomem, "write", "0x2000", "1", "--dry-run"])
        .fails(1);
    assert_eq!(m.peek32(0x2000), 0);
    m.run(["--iomem", iomem, "--force", "write", "0x2000", "1"])
        .ok();
    assert_eq!(m.peek32(0x2000), 1);
    // Reads of RAM are fine.
    m.run(["--iomem", iomem, "read", "0x2000"]).ok();
}

#[test]
fn claimed_ranges_warn_with_the_driver_name() {
    let m = Mem::new(0x3000);
    let iomem = m.file("iomem", IOMEM);
    let r = m.run([
        "--iomem",
        iomem.to_str().unwrap(),
        "write",
        "0x1000",
        "0x41",
    ]);
    r.ok();
    assert!(
        r.stderr.contains("warning") && r.stderr.contains("uart-pl011"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1);
    assert_eq!(m.peek32(0x1000), 0x41);
}

#[test]
fn usage_errors() {
    let m = Mem::new(0x2000);
    m.run(["write", "0x1000"]).fails(2);
    m.run(["write"]).fails(2);
    m.run(["write", "0x1000", "1", "--dry-run", "--readback"])
        .fails(2);
    m.run(["write", "0x1000", "1", "--bogus"]).fails(2);
}
