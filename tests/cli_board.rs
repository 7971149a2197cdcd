//! Named registers and fields through the binary: the built-in qemu-virt and
//! rpi3 boards over file-backed devices, user board files, list, dump
//! PERIPHERAL, info with device-tree detection.
#![cfg(feature = "cli")]

mod cli_util;

use std::path::Path;

use cli_util::{json_lines, Mem, Run};

/// A file standing in for QEMU virt's devices from 0x08000000 (GIC) to the
/// end of the virtio-mmio transports.
const VIRT_BASE: u64 = 0x0800_0000;

struct Virt(Mem);

impl Virt {
    fn new() -> Self {
        let m = Mem::new(0x0a00_4000 - VIRT_BASE);
        let v = Virt(m);
        v.poke32(0x0900_0018, 0x90); // UARTFR: TXFE, RXFE
        for (i, id) in [0x11u32, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]
            .iter()
            .enumerate()
        {
            v.poke32(0x0900_0fe0 + 4 * i as u64, *id);
        }
        v
    }

    fn poke32(&self, addr: u64, v: u32) {
        self.0.poke32(addr - VIRT_BASE, v);
    }

    fn peek32(&self, addr: u64) -> u32 {
        self.0.peek32(addr - VIRT_BASE)
    }

    fn run(&self, args: &[&str]) -> Run {
        let base = format!("{VIRT_BASE:#x}");
        let mut all = vec!["--board", "qemu-virt", "--base", &base];
        all.extend_from_slice(args);
        self.0.run(all)
    }
}

#[test]
fn reads_a_register_decoded() {
    let v = Virt::new();
    assert_eq!(
        v.run(&["read", "uart0.FR"]).ok(),
        "\
uart0.FR @ 0x09000018: 0x00000090
  RI   [8] 0
  TXFE [7] 1
  RXFF [6] 0
  TXFF [5] 0
  RXFE [4] 1
  BUSY [3] 0
  DCD  [2] 0
  DSR  [1] 0
  CTS  [0] 0
"
    );
    // Names ignore case; the file's spelling is shown.
    assert_eq!(
        v.run(&["read", "UART0.fr.txfe", "uart0.PeriphID0"])
            .ok()
            .lines()
            .next(),
        Some("uart0.FR.TXFE @ 0x09000018 [7]: 1")
    );
}

#[test]
fn json_has_name_and_fields() {
    let v = Virt::new();
    let o = &json_lines(v.run(&["--format", "json", "read", "uart0.FR"]).ok())[0];
    assert_eq!(o["address"], 0x0900_0018);
    assert_eq!(o["width"], 32);
    assert_eq!(o["value"], 0x90);
    assert_eq!(o["name"], "uart0.FR");
    assert_eq!(o["fields"]["TXFE"], 1);
    assert_eq!(o["fields"]["RXFE"], 1);
    assert_eq!(o["fields"]["BUSY"], 0);
    let o = &json_lines(v.run(&["--format", "json", "read", "uart0.FR.RXFE"]).ok())[0];
    assert_eq!(o["name"], "uart0.FR.RXFE");
    assert_eq!(o["value"], 1);
    assert_eq!(o["register"], 0x90);
    assert_eq!(o["fields"]["RXFE"], 1);
    // Enumerated names ride along.
    let o = &json_lines(v.run(&["--format", "json", "read", "gpio.DIR"]).ok())[0];
    assert_eq!(o["field_names"]["DIR0"], "input");
}

#[test]
fn field_writes_change_only_their_field() {
    let v = Virt::new();
    v.poke32(0x0903_0400, 0xa0); // GPIODIR: pins 5 and 7 out
    v.run(&["write", "gpio.DIR.DIR3", "output"]).ok();
    assert_eq!(v.peek32(0x0903_0400), 0xa8);
    v.run(&["write", "gpio.DIR.DIR7", "0"]).ok();
    assert_eq!(v.peek32(0x0903_0400), 0x28);
    assert_eq!(
        v.run(&["write", "gpio.DIR.DIR0", "1", "--readback"]).ok(),
        "gpio.DIR.DIR0 @ 0x09030400 [0]: 1 (output)\n"
    );
    assert_eq!(v.peek32(0x0903_0400), 0x29);
    let r = v.run(&["write", "gpio.DIR.DIR1", "output", "--dry-run"]);
    assert_eq!(
        r.ok(),
        "dry run: gpio.DIR.DIR1 0x09030400 32-bit: old 0x00000029 new 0x0000002B mask 0x00000002 (nothing written)\n"
    );
    assert_eq!(v.peek32(0x0903_0400), 0x29);
    // A whole register.
    v.run(&["write", "gpio.DIR", "0xff"]).ok();
    assert_eq!(v.peek32(0x0903_0400), 0xff);
}

#[test]
fn refusals_and_their_exit_codes() {
    let v = Virt::new();
    let before = v.0.contents();
    // Unknown names, with suggestions: usage.
    let e = v.run(&["read", "uart0.FRR"]);
    assert!(e.fails(2).contains("did you mean `FR`"), "{}", e.stderr);
    let e = v.run(&["read", "uart9.FR"]);
    assert!(e.fails(2).contains("uart0"), "{}", e.stderr);
    let e = v.run(&["write", "gpio.DIR.DIR9", "1"]);
    assert!(e.fails(2).contains("unknown field"), "{}", e.stderr);
    // Value too wide for the field or register, unknown value name: usage.
    let e = v.run(&["write", "gpio.DIR.DIR3", "2"]);
    assert!(e.fails(2).contains("does not fit"), "{}", e.stderr);
    let e = v.run(&["write", "gpio.DIR.DIR3", "sideways"]);
    assert!(e.fails(2).contains("input, output"), "{}", e.stderr);
    let e = v.run(&["write", "rtc.LR", "0x1_0000_0000"]);
    assert!(e.fails(2).contains("does not fit"), "{}", e.stderr);
    // --width does not apply to names.
    v.run(&["read", "uart0.FR", "--width", "8"]).fails(2);
    v.run(&["write", "uart0.CR", "1", "--mask", "1"]).fails(2);
    // Read-only register and field: runtime.
    let e = v.run(&["write", "uart0.FR", "0"]);
    assert!(e.fails(1).contains("read-only"), "{}", e.stderr);
    let e = v.run(&["write", "uart0.PeriphID0", "0"]);
    assert!(e.fails(1).contains("read-only"), "{}", e.stderr);
    // Write-only register: cannot be read.
    let e = v.run(&["read", "uart0.ECR"]);
    assert!(e.fails(1).contains("write-only"), "{}", e.stderr);
    // A read with side effects needs --force.
    let e = v.run(&["read", "uart0.DR"]);
    assert!(e.fails(1).contains("--force"), "{}", e.stderr);
    v.run(&["--force", "read", "uart0.DR"]).ok();
    // Outside every peripheral of the board: refused unless --force.
    let e = v.run(&["write", "0x0b00_0000", "1"]);
    assert!(
        e.fails(1).contains("outside every peripheral"),
        "{}",
        e.stderr
    );
    let e = v.run(&["write", "0x0900_2000", "1"]);
    assert!(e.fails(1).contains("qemu-virt"), "{}", e.stderr);
    assert_eq!(v.0.contents(), before, "nothing was written");
    v.run(&["--force", "write", "0x0900_2000", "1"]).ok();
    assert_eq!(v.peek32(0x0900_2000), 1);
    // Addresses inside a peripheral need no --force.
    v.run(&["write", "0x0900_0030", "0x301"]).ok();
}

#[test]
fn a_data_register_field_is_written_without_reading_it() {
    // UARTDR's other fields are read-only error flags: writing DATA must not
    // read (pop) the receive FIFO, so it needs no --force.
    let v = Virt::new();
    v.poke32(0x0900_0000, 0xf00);
    v.run(&["write", "uart0.DR.DATA", "0x41"]).ok();
    assert_eq!(v.peek32(0x0900_0000), 0x41);
    v.run(&["write", "uart0.DR", "0x42"]).ok();
    assert_eq!(v.peek32(0x0900_0000), 0x42);
}

#[test]
fn dump_a_peripheral() {
    let v = Virt::new();
    let out = v.run(&["dump", "uart0"]);
    let text = out.ok();
    assert!(
        text.contains("uart0.DR @ 0x09000000: not read: reading uart0.DR has side effects"),
        "{text}"
    );
    assert!(
        text.contains("uart0.FR @ 0x09000018: 0x00000090\n"),
        "{text}"
    );
    assert!(
        text.contains("uart0.PeriphID0 @ 0x09000FE0: 0x00000011\n"),
        "{text}"
    );
    assert!(
        !text.contains("uart0.ECR"),
        "aliases are not dumped: {text}"
    );
    let objs = json_lines(v.run(&["--format", "json", "dump", "uart0"]).ok());
    let fr = objs.iter().find(|o| o["name"] == "uart0.FR").unwrap();
    assert_eq!(fr["value"], 0x90);
    let dr = objs.iter().find(|o| o["name"] == "uart0.DR").unwrap();
    assert!(dr["skipped"].as_str().unwrap().contains("side effects"));
    let forced = v.run(&["--force", "dump", "uart0"]);
    assert!(forced.ok().contains("uart0.DR @ 0x09000000: 0x00000000"));
    let e = v.run(&["dump", "uartx"]);
    assert!(e.fails(2).contains("uart0"), "{}", e.stderr);
    v.run(&["dump", "uart0", "16"]).fails(2);
}

#[test]
fn watch_and_batch_by_name() {
    let v = Virt::new();
    let out = v.run(&["watch", "uart0.FR", "--count", "1"]);
    assert!(
        out.ok()
            .contains("uart0.FR @ 0x09000018: 0x00000090 RI=0 TXFE=1"),
        "{}",
        out.stdout
    );
    let r = v.0.run_stdin(
        ["--board", "qemu-virt", "--base", "0x08000000", "batch"],
        "write gpio.DIR.DIR2 output\nread gpio.DIR.DIR2 uart0.FR\n",
    );
    assert_eq!(
        r.ok(),
        "gpio.DIR.DIR2 @ 0x09030400 <- 0x00000004\n\
         gpio.DIR.DIR2 @ 0x09030400 [2]: 1 (output)\n\
         uart0.FR @ 0x09000018: 0x00000090 RI=0 TXFE=1 RXFF=0 TXFF=0 RXFE=1 BUSY=0 DCD=0 DSR=0 CTS=0\n"
    );
    let r = v.0.run_stdin(
        ["--board", "qemu-virt", "--base", "0x08000000", "batch"],
        "read uart0.FR\nread uart0.FRX\n",
    );
    let e = r.fails(2);
    assert!(e.contains("line 2") && e.contains("did you mean"), "{e}");
    assert_eq!(r.stdout, "", "names are checked before the first line runs");
}

#[test]
fn rpi3_gpio_function_select_by_name() {
    // GPIO at 0x3f200000: a file whose first byte is that address.
    let m = Mem::new(0x2000);
    m.poke32(0x4, 0x3f << 15); // other pins' functions must survive
    let run = |args: &[&str]| {
        let mut all = vec!["--board", "rpi3", "--base", "0x3f20_0000"];
        all.extend_from_slice(args);
        m.run(all)
    };
    run(&["write", "gpio.GPFSEL1.FSEL17", "output"]).ok();
    assert_eq!(m.peek32(0x4), (0x3f << 15) | (1 << 21));
    assert_eq!(
        run(&["read", "gpio.GPFSEL1.FSEL17"]).ok(),
        "gpio.GPFSEL1.FSEL17 @ 0x3F200004 [23:21]: 1 (output)\n"
    );
    run(&["write", "gpio.GPFSEL1.FSEL17", "ALT0"]).ok();
    assert_eq!(
        run(&["read", "gpio.GPFSEL1.FSEL17"]).ok(),
        "gpio.GPFSEL1.FSEL17 @ 0x3F200004 [23:21]: 4 (alt0)\n"
    );
    let e = run(&["write", "gpio.GPFSEL1.FSEL17", "alt9"]);
    assert!(e.fails(2).contains("alt5"), "{}", e.stderr);
    let e = run(&["write", "gpio.GPFSEL1.FSEL17", "8"]);
    e.fails(2);
    assert_eq!(m.peek32(0x4), (0x3f << 15) | (4 << 21));
}

#[test]
fn a_board_file_of_ones_own() {
    let m = Mem::new(0x100);
    std::fs::create_dir_all(m.dir.path().join("layouts")).unwrap();
    m.file(
        "layouts/widget-ctl.toml",
        r#"
name = "widget-ctl"
size = 0x100
[[register]]
name = "MODE"
offset = 0x10
[[register.field]]
name = "SPEED"
bits = "3:2"
values = { slow = 0, fast = 3 }
"#,
    );
    let board = m.file(
        "widget.toml",
        r#"
name = "widget"
arch = "aarch64"
description = "A test board"
include = ["layouts/widget-ctl.toml"]

[[peripheral]]
name = "ctl"
base = 0x0
size = 0x100
layout = "widget-ctl"
"#,
    );
    let b = board.to_str().unwrap();
    let r = m.run(["--board", b, "write", "ctl.MODE.SPEED", "fast"]);
    if r.code != 0 {
        // The board-file format is owned by physreg::board; say what it said.
        panic!("board file not accepted: {}", r.stderr);
    }
    assert_eq!(m.peek32(0x10), 0xc);
    let e = m.run(["--board", "/nonexistent/board.toml", "read", "ctl.MODE"]);
    assert!(
        e.fails(1).contains("/nonexistent/board.toml"),
        "{}",
        e.stderr
    );
    let e = m.run(["--board", "no-such-board", "read", "ctl.MODE"]);
    assert!(e.fails(2).contains("qemu-virt"), "{}", e.stderr);
}

/// A field marked `read-side-effects` makes its whole register's read one
/// with side effects: reading any field of it reads (and pops) them all.
#[test]
fn a_fields_read_side_effects_guard_its_whole_register() {
    let m = Mem::new(0x100);
    std::fs::create_dir_all(m.dir.path().join("layouts")).unwrap();
    m.file(
        "layouts/fifo.toml",
        r#"
name = "fifo"
size = 0x100
[[register]]
name = "RX"
offset = 0x0
[[register.field]]
name = "DATA"
bits = "7:0"
read-side-effects = true
[[register.field]]
name = "EN"
bits = 8
[[register]]
name = "STAT"
offset = 0x4
"#,
    );
    let board = m.file(
        "fifo-board.toml",
        r#"
name = "fifo-board"
arch = "aarch64"
description = "A register whose field pops a FIFO"
include = ["layouts/fifo.toml"]

[[peripheral]]
name = "blk"
base = 0x0
size = 0x100
layout = "fifo"
"#,
    );
    let b = board.to_str().unwrap();
    m.poke32(0x0, 0x1a5);
    m.poke32(0x4, 0x77);
    let before = m.contents();
    for target in ["blk.RX", "blk.RX.DATA", "blk.RX.EN"] {
        let e = m.run(["--board", b, "read", target]);
        assert!(e.fails(1).contains("--force"), "{target}: {}", e.stderr);
    }
    // Writing EN alone must read RX first to keep DATA: refused too.
    let e = m.run(["--board", b, "write", "blk.RX.EN", "0"]);
    assert!(e.fails(1).contains("--force"), "{}", e.stderr);
    assert_eq!(m.contents(), before, "nothing was written");
    let text = m.run(["--board", b, "dump", "blk"]).ok().to_string();
    assert!(text.contains("blk.RX @ 0x00000000: not read"), "{text}");
    assert!(text.contains("blk.STAT @ 0x00000004: 0x00000077"), "{text}");
    let listed = m.run(["--board", b, "list", "blk.RX"]).ok().to_string();
    assert!(
        listed.contains("blk.RX.DATA  0x00000000 [7:0]  rw   (read has side effects)"),
        "{listed}"
    );
    let listed = m.run(["--board", b, "list", "blk.*"]).ok().to_string();
    assert!(
        listed.contains("blk.RX  0x00000000  32-bit rw   (read has side effects)"),
        "{listed}"
    );
    // --force reads it, and writes EN keeping DATA.
    let r = m.run(["--board", b, "--force", "read", "blk.RX.EN"]);
    assert!(r.ok().contains(": 1"), "{}", r.stdout);
    m.run(["--board", b, "--force", "write", "blk.RX.EN", "0"])
        .ok();
    assert_eq!(m.peek32(0x0), 0xa5);
}

#[test]
fn list_boards_peripherals_registers_fields() {
    let boards = cli_util::run(["list"]);
    let text = boards.ok();
    assert!(text.lines().any(|l| l.starts_with("qemu-virt ")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("rpi3 ")), "{text}");
    let json = json_lines(cli_util::run(["--format", "json", "list"]).ok());
    assert!(json.iter().all(|o| o["kind"] == "board"));
    let virt = |args: &[&str]| {
        let mut all = vec!["--board", "qemu-virt", "list"];
        all.extend_from_slice(args);
        cli_util::run(all)
    };
    let p = virt(&[]);
    assert!(
        p.ok()
            .lines()
            .any(|l| l.starts_with("uart0  0x09000000 +0x1000  pl011")),
        "{}",
        p.stdout
    );
    assert_eq!(
        p.stdout.lines().filter(|l| l.starts_with("virtio")).count(),
        32
    );
    let r = virt(&["uart0"]);
    assert!(
        r.ok()
            .lines()
            .any(|l| l.starts_with("uart0.FR  0x09000018  32-bit ro")),
        "{}",
        r.stdout
    );
    let f = virt(&["uart0.FR"]);
    assert!(
        f.ok()
            .lines()
            .any(|l| l.starts_with("uart0.FR.TXFF  0x09000018 [5]  ro")),
        "{}",
        f.stdout
    );
    let g = virt(&["virtio*.MagicValue"]);
    assert_eq!(g.ok().lines().count(), 32, "{}", g.stdout);
    let ids = virt(&["*.PeriphID0"]);
    assert!(ids.ok().lines().count() >= 3, "{}", ids.stdout);
    virt(&["nothing*"]).fails(2);
    virt(&["uart0.NOPE"]).fails(2);
    let j = json_lines(virt(&["--format", "json", "gpio.DIR.DIR0"]).ok());
    assert_eq!(j[0]["kind"], "field");
    assert_eq!(j[0]["values"]["output"], 1);
    cli_util::run(["list", "uart0.*"]).fails(2);
}

/// A minimal Raspberry Pi 3 device tree: root compatible and model, the soc
/// bus mapping 0x7e000000 to `cpu_base`, and the GPIO node.
fn rpi3_tree(dir: &Path, cpu_base: u32) {
    let mk = |p: &str, v: &[u8]| {
        let f = dir.join(p);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, v).unwrap();
    };
    let cells = |v: &[u32]| v.iter().flat_map(|c| c.to_be_bytes()).collect::<Vec<u8>>();
    mk("compatible", b"raspberrypi,3-model-b\0brcm,bcm2837\0");
    mk("model", b"Raspberry Pi 3 Model B Rev 1.2\0");
    mk("#address-cells", &cells(&[1]));
    mk("#size-cells", &cells(&[1]));
    mk("soc/#address-cells", &cells(&[1]));
    mk("soc/#size-cells", &cells(&[1]));
    mk("soc/ranges", &cells(&[0x7e00_0000, cpu_base, 0x0100_0000]));
    mk("soc/gpio@7e200000/compatible", b"brcm,bcm2835-gpio\0");
    mk("soc/gpio@7e200000/reg", &cells(&[0x7e20_0000, 0xb4]));
}

#[test]
fn info_detects_the_board_and_resolves_gpio_through_the_tree() {
    let m = Mem::new(0x100);
    let dt = m.dir.path().join("dt");
    rpi3_tree(&dt, 0x3f00_0000);
    let r = cli_util::run(["--device-tree", dt.to_str().unwrap(), "info"]);
    let text = r.ok();
    assert!(text.starts_with("board: rpi3 (detected: "), "{text}");
    assert!(
        text.contains("device-tree model: Raspberry Pi 3 Model B Rev 1.2"),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.trim_start().starts_with("gpio ")
            && l.contains("0x3F200000")
            && l.contains("device tree /soc/gpio@7e200000")),
        "{text}"
    );
    assert!(
        text.contains(&format!("page size: {}", page_size())),
        "{text}"
    );
    let j = json_lines(
        cli_util::run([
            "--device-tree",
            dt.to_str().unwrap(),
            "--format",
            "json",
            "info",
        ])
        .ok(),
    );
    assert_eq!(j[0]["board"], "rpi3");
    let gpio = j[0]["peripherals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "gpio")
        .unwrap();
    assert_eq!(gpio["base"], 0x3f20_0000);

    // A revision no board file knows: the tree moves the GPIO block, and
    // names resolve to where the tree says.
    let moved = m.dir.path().join("dt-moved");
    rpi3_tree(&moved, 0xfe00_0000);
    let r = cli_util::run(["--device-tree", moved.to_str().unwrap(), "info"]);
    assert!(
        r.ok()
            .lines()
            .any(|l| l.contains("0xFE200000") && l.contains("board file: 0x3F200000")),
        "{}",
        r.stdout
    );
    let mem = Mem::new(0x100);
    mem.poke32(0x4, 1 << 21);
    let r = mem.run([
        "--device-tree",
        moved.to_str().unwrap(),
        "--base",
        "0xfe20_0000",
        "read",
        "gpio.GPFSEL1.FSEL17",
    ]);
    assert_eq!(
        r.ok(),
        "gpio.GPFSEL1.FSEL17 @ 0xFE200004 [23:21]: 1 (output)\n"
    );
}

#[test]
fn info_without_a_board() {
    let m = Mem::new(0x100);
    let empty = m.dir.path().join("no-tree");
    let r = cli_util::run(["--device-tree", empty.to_str().unwrap(), "info"]);
    let text = r.ok();
    assert!(text.starts_with("board: none detected"), "{text}");
    assert!(text.contains("kernel restrictions:"), "{text}");
    assert!(text.contains("lockdown: "), "{text}");
}

fn page_size() -> i64 {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) }
}

#[test]
fn clock_manager_writes_carry_the_password() {
    // rpi3 cm at 0x3f101000; GP0CTL at +0x70, PASSWD [31:24] = 0x5a on every write.
    let m = Mem::new(0x2000);
    m.poke32(0x70, 0x0000_0011); // SRC = 1 (oscillator), ENAB = 1; PASSWD reads as 0
    let run = |args: &[&str]| {
        let mut all = vec!["--board", "rpi3", "--base", "0x3f10_1000"];
        all.extend_from_slice(args);
        m.run(all)
    };
    run(&["write", "cm.GP0CTL.SRC", "6"]).ok();
    assert_eq!(
        m.peek32(0x70),
        0x5a00_0016,
        "field write keeps ENAB and adds the password"
    );
    run(&["write", "cm.GP0CTL", "0x11"]).ok();
    assert_eq!(
        m.peek32(0x70),
        0x5a00_0011,
        "whole-register write gets the password too"
    );
    let r = run(&["write", "cm.GP0CTL.ENAB", "0", "--dry-run"]);
    assert!(r.ok().contains("new 0x5A000001"), "{}", r.stdout);
}
