//! `physreg dump ADDRESS LENGTH`: text, JSON and raw, at every width.
#![cfg(feature = "cli")]

mod cli_util;

use cli_util::{json_lines, Mem};

fn image() -> Mem {
    let m = Mem::new(0x3000);
    m.poke(0x1ff0, b"Hello, physreg!\n");
    m.poke(0x2000, &[1, 2, 3, 4, 5, 6, 7, 8]);
    m
}

#[test]
fn text_at_each_width() {
    let m = image();
    assert_eq!(
        m.run(["dump", "0x1ff0", "16"]).ok(),
        "0x00001FF0: 6c6c6548 70202c6f 72737968 0a216765  |Hello, physreg!.|\n"
    );
    assert_eq!(
        m.run(["dump", "0x1ff0", "0x18", "-w", "8"]).ok(),
        "0x00001FF0: 48 65 6c 6c 6f 2c 20 70 68 79 73 72 65 67 21 0a  |Hello, physreg!.|\n\
         0x00002000: 01 02 03 04 05 06 07 08                          |........|\n"
    );
    assert_eq!(
        m.run(["dump", "0x2000", "8", "-w", "16"]).ok(),
        "0x00002000: 0201 0403 0605 0807                      |........|\n"
    );
    assert_eq!(
        m.run(["dump", "0x2000", "8", "-w", "64"]).ok(),
        "0x00002000: 0807060504030201                   |........|\n"
    );
    assert_eq!(
        m.run(["dump", "0x2000", "4", "--big-endian"]).ok(),
        "0x00002000: 01020304                             |....|\n"
    );
}

#[test]
fn raw_bytes_in_memory_order() {
    let m = image();
    for w in ["8", "16", "32", "64"] {
        let r = m.run(["dump", "0x1ff0", "0x18", "--raw", "-w", w]);
        r.ok();
        assert_eq!(r.stdout_bytes, m.peek(0x1ff0, 0x18), "width {w}");
    }
    let r = m.run(["dump", "0x2000", "8", "--raw", "-w", "16", "--big-endian"]);
    r.ok();
    assert_eq!(r.stdout_bytes, [1, 2, 3, 4, 5, 6, 7, 8]);
}

#[test]
fn json_one_object_per_element() {
    let m = image();
    let v = json_lines(
        m.run(["--format", "json", "dump", "0x2000", "8", "-w", "16"])
            .ok(),
    );
    assert_eq!(v.len(), 4);
    for (i, o) in v.iter().enumerate() {
        assert_eq!(o["address"], 0x2000 + 2 * i as u64);
        assert_eq!(o["width"], 16);
    }
    assert_eq!(v[0]["value"], 0x0201);
    assert_eq!(v[3]["value"], 0x0807);
}

#[test]
fn bad_ranges() {
    let m = image();
    m.run(["dump", "0x2000"]).fails(2);
    m.run(["dump", "0x2000", "0"]).fails(2);
    m.run(["dump", "0x2000", "6"]).fails(2);
    m.run(["dump", "0x2002", "8"]).fails(2);
    m.run(["dump", "0xffff_ffff_ffff_fff0", "0x20"]).fails(2);
    let r = m.run(["dump", "0x2ff0", "0x20"]);
    assert!(r.fails(1).contains("outside"), "{}", r.stderr);
    m.run(["dump", "uart0"]).fails(2);
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::process::Stdio;
    let m = Mem::new(0x10_0000);
    let mut c = m.cmd(["dump", "0x0", "0x10_0000", "-w", "8"]);
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
}
