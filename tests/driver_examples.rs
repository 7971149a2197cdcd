//! The examples, run on the host against register files (the QEMU suite runs
//! them against the real emulated devices).
//!
//! `cargo test` builds the examples before it runs the tests; when this test
//! runs on its own and finds them missing, it builds them into a separate
//! target folder.

mod driver_support;

use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Command, Output};

use driver_support::Fake;

fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    // target/<profile>/deps/driver_examples-HASH -> target/<profile>/examples/NAME
    let profile_dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let built = profile_dir.join("examples").join(name);
    if built.exists() {
        return built;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("target").join("driver-examples");
    let cargo = option_env!("CARGO").unwrap_or("cargo");
    let status = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--no-default-features",
            "--example",
            name,
        ])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&root)
        .status()
        .expect("run cargo build --example");
    assert!(status.success(), "cargo build --example {name} failed");
    target.join("debug").join("examples").join(name)
}

fn run(name: &str, args: &[&str]) -> (Output, String) {
    let out = Command::new(example(name))
        .args(args)
        .output()
        .expect("run example");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out, text)
}

#[test]
fn no_syscalls_toggles_a_file_register_under_seccomp() {
    let fake = Fake::new(0, 0x1000);
    fake.poke32(0, 0x1234_5678);
    let path = fake.path.to_str().unwrap();
    let (out, text) = run("no_syscalls", &[path]);
    assert!(out.status.success(), "{:?}: {text}", out.status);
    assert!(
        text.contains("toggle mode, 1000000 rounds"),
        "regular files default to toggling: {text}"
    );
    assert!(
        text.contains("confined: reads=1000000 writes=1000001 mismatches=0 value=0x12345678"),
        "{text}"
    );
    assert!(text.contains("accesses in "), "a rate is reported: {text}");
    assert_eq!(fake.peek32(0), 0x1234_5678, "first value restored");

    // --mask limits the toggled bits; the last store is the first value again.
    let (out, text) = run(
        "no_syscalls",
        &[path, "0x10", "--mask", "0x1", "--count", "1001"],
    );
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("reads=1001 writes=1002 mismatches=0 value=0x00000000"),
        "{text}"
    );
    assert_eq!(fake.peek32(0x10), 0);
}

#[test]
fn no_syscalls_reads_a_file_register_under_seccomp() {
    let fake = Fake::new(0, 0x1000);
    fake.poke32(0xfe0, 0x11);
    let path = fake.path.to_str().unwrap();
    let (out, text) = run("no_syscalls", &[path, "0xfe0", "--read"]);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("confined: reads=1000000 writes=0 mismatches=0 value=0x00000011"),
        "{text}"
    );
    assert_eq!(fake.peek32(0xfe0), 0x11);
}

#[test]
fn no_syscalls_dies_when_it_makes_a_system_call() {
    let fake = Fake::new(0, 0x1000);
    let (out, text) = run("no_syscalls", &[fake.path.to_str().unwrap(), "--cheat"]);
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGKILL),
        "the getpid() under strict mode must be fatal: {:?} {text}",
        out.status
    );
    assert!(!text.contains("confined:"), "{text}");
}

#[test]
fn no_syscalls_reports_bad_arguments() {
    let (out, text) = run("no_syscalls", &["/nonexistent/regs.bin"]);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("/nonexistent/regs.bin"), "{text}");
    let (out, _) = run("no_syscalls", &["--read", "--toggle"]);
    assert_eq!(out.status.code(), Some(2));
    let fake = Fake::new(0, 0x1000);
    let (out, text) = run("no_syscalls", &[fake.path.to_str().unwrap(), "0x1000"]);
    assert_eq!(out.status.code(), Some(2), "past the file's end: {text}");
}

fn fake_pl011() -> Fake {
    let fake = Fake::new(0x0900_0000, 0x1000);
    for (i, b) in [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]
        .into_iter()
        .enumerate()
    {
        fake.poke32(0xfe0 + 4 * i as u64, b);
    }
    fake
}

#[test]
fn uart_hello_writes_through_the_data_register() {
    let fake = fake_pl011();
    let path = fake.path.to_str().unwrap();
    // Disabled UART: refused, nothing written.
    let (out, text) = run("uart_hello", &["--dev", path, "hi"]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("not enabled for transmit"), "{text}");
    assert_eq!(fake.peek32(0), 0);

    // --init programs 115200 baud from 48 MHz (IBRD 26, FBRD 3), then writes.
    let (out, text) = run(
        "uart_hello",
        &[
            "--dev", path, "--clock", "48000000", "--init", "115200", "hi",
        ],
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("IBRD 26 FBRD 3"), "{text}");
    assert!(text.contains("PeriphID 0x00141011"), "{text}");
    assert!(text.contains("wrote 4 bytes"), "h i CR LF: {text}");
    assert_eq!((fake.peek32(0x24), fake.peek32(0x28)), (26, 3));
    assert_eq!(fake.peek32(0x30), 0x301, "UARTEN TXE RXE");
    assert_eq!(fake.peek32(0), u32::from(b'\n'), "the last byte stored");
}

#[test]
fn virtio_scan_and_fw_cfg_ls_on_register_files() {
    let fake = Fake::new(0x0a00_0000, 4 * 0x200);
    for i in 0..4u64 {
        fake.poke_bytes(i * 0x200, b"virt");
        fake.poke32(i * 0x200 + 4, 2);
        fake.poke_bytes(i * 0x200 + 0xc, b"QEMU");
    }
    fake.poke32(3 * 0x200 + 8, 1); // a network device behind transport 3
    let path = fake.path.to_str().unwrap();
    let (out, text) = run("virtio_scan", &["--dev", path, "--count", "4"]);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("0x0a000000..0x0a000400  no device (3 transports)"),
        "{text}"
    );
    assert!(
        text.contains("0x0a000600  version 2 vendor QEMU  device 1 (network)"),
        "{text}"
    );
    assert!(
        text.contains("4 transports (magic \"virt\", version 2, vendor QEMU), 1 devices"),
        "{text}"
    );

    // The same file is no fw_cfg device.
    let (out, text) = run("fw_cfg_ls", &["--dev", path, "--base", "0x0a000000"]);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("no fw_cfg device at 0xa000000"), "{text}");
}

#[test]
fn blink_drives_a_named_boards_gpio_in_a_register_file() {
    // rpi3's GPIO block as a file: the example sets pin 17's function, sets
    // and clears it, and restores the function. A file's GPLEV0 does not
    // follow (no pins behind it), so every read-back is a mismatch: exit 1.
    let fake = Fake::new(0x3f20_0000, 0x1000);
    fake.poke32(0x04, 0o7 << 21); // GPFSEL1: pin 17 at alt3
    let path = fake.path.to_str().unwrap();
    let (out, text) = run(
        "blink",
        &[
            "--board",
            "rpi3",
            "--dev",
            path,
            "--count",
            "2",
            "--period-ms",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("GPIO (bcm2835-gpio) at 0x3f200000"), "{text}");
    assert!(text.contains("pin 17 was alt3, now output"), "{text}");
    assert!(text.contains("set   GPLEV0 bit 17 = 0 MISMATCH"), "{text}");
    assert_eq!(fake.peek32(0x1c), 1 << 17, "GPSET0");
    assert_eq!(fake.peek32(0x28), 1 << 17, "GPCLR0");
    assert_eq!(fake.peek32(0x04), 0o7 << 21, "GPFSEL1 restored");

    // A Pi 5's RP1 window: output through SYS_RIO0's SET and CLR aliases.
    let rp1 = Fake::new(0x1f_000d_0000, 0x3_0000);
    rp1.poke32(0x8c, 0x1f); // GPIO17_CTRL: FUNCSEL null
    let path = rp1.path.to_str().unwrap();
    let (out, text) = run(
        "blink",
        &[
            "--board",
            "rpi5",
            "--dev",
            path,
            "--count",
            "2",
            "--period-ms",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("RP1 GPIO at 0x1f000d0000"), "{text}");
    assert_eq!(rp1.peek32(0x1_2000), 1 << 17, "OUT_SET alias");
    assert_eq!(rp1.peek32(0x1_3000), 1 << 17, "OUT_CLR alias");
    assert_eq!(rp1.peek32(0x1_3004), 1 << 17, "OE_CLR alias: back to input");
    assert_eq!(rp1.peek32(0x8c), 0x1f, "FUNCSEL restored");
}
