//! `--simulate`: each peripheral of the board is fresh memory holding its
//! registers' reset values, so every command works with no hardware (the
//! README's first command uses it).
#![cfg(feature = "cli")]

mod cli_util;

use cli_util::{physreg_cmd, run, run_with_stdin};

#[test]
fn named_reads_show_reset_values_decoded() {
    // The PL011 TRM: UARTCR resets to 0x0300 (TXE and RXE set), UARTFR to 0b1001_0000 (TXFE, RXFE).
    let out = run([
        "--board",
        "qemu-virt",
        "--simulate",
        "read",
        "uart0.CR",
        "uart0.FR",
    ]);
    let text = out.ok();
    assert!(
        text.starts_with("uart0.CR @ 0x09000030: 0x00000300\n"),
        "{text}"
    );
    assert!(
        text.contains("  TXE    [8]  1\n") && text.contains("  UARTEN [0]  0\n"),
        "{text}"
    );
    assert!(
        text.contains("uart0.FR @ 0x09000018: 0x00000090\n"),
        "{text}"
    );
}

#[test]
fn a_batch_sees_its_own_writes_in_one_simulated_copy() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = physreg_cmd(dir.path());
    c.args(["--board", "rpi3", "--simulate", "batch"]);
    let out = run_with_stdin(
        c,
        b"write gpio.GPFSEL1.FSEL17 output\nread gpio.GPFSEL1.FSEL17\nread 0x3f200004\n",
    );
    let text = out.ok();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1].ends_with(": 1 (output)"), "{text}");
    assert_eq!(lines[2], "0x3F200004: 0x00200000", "{text}");
}

#[test]
fn simulation_needs_a_board_and_covers_only_its_peripherals() {
    let e = run(["--simulate", "read", "0x09000000"])
        .fails(2)
        .to_string();
    assert!(e.contains("--simulate needs a board"), "{e}");
    let e = run(["--board", "qemu-virt", "--simulate", "read", "0x0b000000"])
        .fails(2)
        .to_string();
    assert!(
        e.contains("0x0B000000 is not inside a peripheral of board qemu-virt"),
        "{e}"
    );
    let e = run([
        "--board",
        "qemu-virt",
        "--simulate",
        "--device",
        "x.bin",
        "read",
        "uart0.CR",
    ])
    .fails(2)
    .to_string();
    assert!(e.contains("cannot be used with"), "{e}");
}
