//! `physreg read` through the built binary against file-backed devices.
#![cfg(feature = "cli")]

mod cli_util;

use cli_util::{json_lines, Mem};

fn image() -> Mem {
    let m = Mem::new(0x3000);
    m.poke(0x1000, &[0x44, 0x33, 0x22, 0x11, 0x88, 0x77, 0x66, 0x55]);
    m
}

#[test]
fn reads_every_width() {
    let m = image();
    assert_eq!(m.run(["read", "0x1000"]).ok(), "0x00001000: 0x11223344\n");
    assert_eq!(
        m.run(["read", "0x1000", "--width", "8"]).ok(),
        "0x00001000: 0x44\n"
    );
    assert_eq!(
        m.run(["read", "0x1002", "-w", "16"]).ok(),
        "0x00001002: 0x1122\n"
    );
    assert_eq!(
        m.run(["read", "0x1000", "-w", "64"]).ok(),
        "0x00001000: 0x5566778811223344\n"
    );
    // b/h/w/l as devmem spells them.
    assert_eq!(
        m.run(["read", "0x1004", "-w", "w"]).ok(),
        "0x00001004: 0x55667788\n"
    );
}

#[test]
fn number_grammar() {
    let m = image();
    for addr in [
        "0x1000",
        "0X1000",
        "4096",
        "0b1_0000_0000_0000",
        "0x0000_1000",
        "4_096",
    ] {
        assert_eq!(
            m.run(["read", addr]).ok(),
            "0x00001000: 0x11223344\n",
            "{addr}"
        );
    }
}

#[test]
fn several_targets_in_order() {
    let m = image();
    assert_eq!(
        m.run(["read", "0x1004", "0x1000", "-w", "8"]).ok(),
        "0x00001004: 0x88\n0x00001000: 0x44\n"
    );
}

#[test]
fn big_endian() {
    let m = image();
    assert_eq!(
        m.run(["read", "0x1000", "--big-endian"]).ok(),
        "0x00001000: 0x44332211\n"
    );
    assert_eq!(
        m.run(["read", "0x1000", "-w", "16", "--big-endian"]).ok(),
        "0x00001000: 0x4433\n"
    );
}

#[test]
fn json_objects_per_line() {
    let m = image();
    let r = m.run(["--format", "json", "read", "0x1000", "0x1004", "-w", "16"]);
    let v = json_lines(r.ok());
    assert_eq!(v.len(), 2);
    assert_eq!(v[0]["address"], 0x1000);
    assert_eq!(v[0]["width"], 16);
    assert_eq!(v[0]["value"], 0x3344);
    assert_eq!(v[1]["address"], 0x1004);
    assert_eq!(v[1]["value"], 0x7788);
    assert!(v[0].get("name").is_none(), "addresses have no name");
}

#[test]
fn base_shifts_the_file() {
    let m = image();
    let r = m.run(["--base", "0x0900_0000", "read", "0x09001000"]);
    assert_eq!(r.ok(), "0x09001000: 0x11223344\n");
    // Below the base: outside the device.
    let e = m.run(["--base", "0x0900_0000", "read", "0x1000"]);
    assert!(e.fails(1).contains("outside"), "{}", e.stderr);
}

#[test]
fn reads_open_the_device_read_only() {
    use std::os::unix::fs::PermissionsExt;
    let m = image();
    std::fs::set_permissions(&m.path, std::fs::Permissions::from_mode(0o444)).unwrap();
    // Root ignores the mode bits: only check the read works, and, when not
    // root, that a write fails as a runtime error.
    assert_eq!(m.run(["read", "0x1000"]).ok(), "0x00001000: 0x11223344\n");
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        let r = m.run(["write", "0x1000", "1"]);
        assert!(r.fails(1).contains("permission"), "{}", r.stderr);
        assert_eq!(m.peek32(0x1000), 0x11223344);
    }
}

#[test]
fn errors_are_one_line_with_the_right_code() {
    let m = image();
    // Misaligned: usage.
    let r = m.run(["read", "0x1001"]);
    assert!(r.fails(2).contains("not aligned"), "{}", r.stderr);
    // Past the end of the device: runtime.
    let r = m.run(["read", "0x4000"]);
    assert!(r.fails(1).contains("outside"), "{}", r.stderr);
    // Bad syntax and overflow: usage.
    for bad in [
        "0xzz",
        "12ab",
        "0x1_0000_0000_0000_0000",
        "18446744073709551616",
        "1__0",
        "-4",
        "0x",
    ] {
        let r = m.run(["read", bad]);
        r.fails(2);
    }
    let r = m.run(["read", "0x1000", "-w", "12"]);
    assert!(r.fails(2).contains("8, 16, 32 or 64"), "{}", r.stderr);
    // A missing device file.
    let r = cli_util::run(["--device", "/nonexistent/mem.bin", "read", "0x0"]);
    assert!(r.fails(1).contains("does not exist"), "{}", r.stderr);
    // A name with no board.
    let r = m.run(["read", "uart0.FR"]);
    assert!(r.fails(2).contains("--board"), "{}", r.stderr);
}

#[test]
fn nothing_is_read_when_a_later_target_is_bad() {
    let m = image();
    let r = m.run(["read", "0x1000", "0x1001"]);
    r.fails(2);
    assert_eq!(r.stdout, "", "no partial output");
}
