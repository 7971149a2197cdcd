//! `physreg devmem` and the `devmem` link: BusyBox devmem's parsing and output.
#![cfg(feature = "cli")]

mod cli_util;

use cli_util::{physreg_cmd, run_cmd, Mem, Run, BIN};

fn image() -> Mem {
    let m = Mem::new(0x3000);
    m.poke(0x1000, &[0x44, 0x33, 0x22, 0x11, 0x88, 0x77, 0x66, 0x55]);
    m.poke(0x8, &[0xab]);
    m
}

#[test]
fn reads_print_like_busybox() {
    let m = image();
    let cases: &[(&[&str], &str)] = &[
        (&["0x1000"], "0x11223344\n"),
        (&["0x1000", "32"], "0x11223344\n"),
        (&["0x1000", "8"], "0x44\n"),
        (&["0x1000", "16"], "0x3344\n"),
        (&["0x1000", "64"], "0x5566778811223344\n"),
        (&["0x1000", "b"], "0x44\n"),
        (&["0x1000", "B"], "0x44\n"),
        (&["0x1000", "h"], "0x3344\n"),
        (&["0x1000", "w"], "0x11223344\n"),
        (&["0x1000", "l"], "0x5566778811223344\n"),
        (&["0x1000", "L"], "0x5566778811223344\n"),
        (&["0x1000", "008"], "0x44\n"),
        // strtoull base 0: decimal and leading-zero octal.
        (&["4096"], "0x11223344\n"),
        (&["010000"], "0x11223344\n"),
        (&["0X1004"], "0x55667788\n"),
        (&["8", "8"], "0xAB\n"),
        (&["010", "8"], "0xAB\n"),
        (&["0x0", "8"], "0x00\n"),
        (&["0", "8"], "0x00\n"),
    ];
    for (args, want) in cases {
        let mut a = vec!["devmem"];
        a.extend_from_slice(args);
        assert_eq!(m.run(&a).ok(), *want, "devmem {args:?}");
    }
}

#[test]
fn writes_are_silent_and_truncate_to_the_width() {
    let m = image();
    assert_eq!(m.run(["devmem", "0x2000", "32", "0xcafef00d"]).ok(), "");
    assert_eq!(m.peek32(0x2000), 0xcafe_f00d);
    // As BusyBox: the value is cast to the width.
    assert_eq!(m.run(["devmem", "0x2004", "8", "0x1ff"]).ok(), "");
    assert_eq!(m.peek(0x2004, 2), [0xff, 0]);
    assert_eq!(m.run(["devmem", "0x2008", "h", "077"]).ok(), "");
    assert_eq!(m.peek(0x2008, 2), [0o77, 0]);
    assert_eq!(
        m.run(["devmem", "0x2010", "64", "0xffffffffffffffff"]).ok(),
        ""
    );
    assert_eq!(m.peek(0x2010, 8), [0xff; 8]);
    // Words after VALUE are ignored, as BusyBox does.
    assert_eq!(m.run(["devmem", "0x2020", "32", "5", "extra"]).ok(), "");
    assert_eq!(m.peek32(0x2020), 5);
}

#[test]
fn busybox_rejections() {
    let m = image();
    for args in [
        &["devmem"][..],
        &["devmem", "0x"],
        &["devmem", "0x1_000"],
        &["devmem", "0b100"],
        &["devmem", "08"],
        &["devmem", "-1"],
        &["devmem", "+1"],
        &["devmem", " 1"],
        &["devmem", "0x1000 "],
        &["devmem", "0x10000000000000000"],
        &["devmem", "0x1000", "x"],
        &["devmem", "0x1000", "12"],
        &["devmem", "0x1000", "0x20"],
        &["devmem", "0x1000", "-8"],
        &["devmem", "0x1000", ""],
        &["devmem", "0x1000", "32", "0xzz"],
        &["devmem", "0x1000", "32", "-1"],
    ] {
        let r = m.run(args);
        r.fails(2);
    }
    let before = m.contents();
    m.run(["devmem", "0x2000", "32", "1x"]).fails(2);
    assert_eq!(m.contents(), before);
}

fn link(dir: &std::path::Path) -> std::path::PathBuf {
    let l = dir.join("devmem");
    std::os::unix::fs::symlink(BIN, &l).unwrap();
    l
}

fn run_link(m: &Mem, args: &[&str]) -> Run {
    let l = link(m.dir.path());
    let mut c = physreg_cmd(m.dir.path());
    c.env("PHYSREG_DEVICE", &m.path);
    // Start the link itself, so argv[0] is its name.
    let mut cmd = std::process::Command::new(&l);
    for (k, v) in c.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.args(args);
    let r = run_cmd(cmd);
    std::fs::remove_file(&l).unwrap();
    r
}

#[test]
fn the_devmem_link_behaves_the_same() {
    let m = image();
    assert_eq!(run_link(&m, &["0x1000"]).ok(), "0x11223344\n");
    assert_eq!(run_link(&m, &["0x1000", "b"]).ok(), "0x44\n");
    assert_eq!(run_link(&m, &["0x2000", "16", "0xbeef"]).ok(), "");
    assert_eq!(m.peek(0x2000, 2), [0xef, 0xbe]);
    let r = run_link(&m, &["nonsense"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("devmem: "), "{}", r.stderr);
    cli_util::assert_one_line(&r.stderr);
    let r = run_link(&m, &["--help"]);
    assert!(r.ok().contains("devmem ADDRESS [WIDTH [VALUE]]"));
    let r = run_link(&m, &[]);
    assert_eq!(r.code, 2);
}

#[test]
fn misaligned_is_refused_not_faulted() {
    let m = image();
    let r = m.run(["devmem", "0x1001", "32"]);
    assert!(r.fails(2).contains("not aligned"), "{}", r.stderr);
}

#[test]
fn the_same_as_physreg_read() {
    // physreg devmem and physreg read agree on every width.
    let m = image();
    for w in ["8", "16", "32", "64"] {
        let devmem = m.run(["devmem", "0x1000", w]);
        let read = m.run(["read", "0x1000", "-w", w]);
        let value = read.ok().trim().rsplit(' ').next().unwrap().to_string();
        assert_eq!(devmem.ok().trim(), value, "width {w}");
    }
}

/// `physreg devmem ARGS` with no option takes a shorter path (no full command
/// line parser, its globals from the same environment variables); it answers
/// exactly as the full path does, with and without those variables.
#[test]
fn the_plain_devmem_path_answers_as_the_full_one() {
    let m = image();
    let device = m.path.to_str().unwrap().to_string();
    let envs: [&[(&str, &str)]; 6] = [
        &[],
        &[("PHYSREG_DEVICE", &device)],
        &[("PHYSREG_DEVICE", &device), ("PHYSREG_BASE", "0x1000")],
        &[("PHYSREG_DEVICE", &device), ("PHYSREG_BASE", "zz")],
        &[
            ("PHYSREG_DEVICE", &device),
            ("PHYSREG_BOARD", "no-such-board"),
        ],
        &[("PHYSREG_DEVICE", "")],
    ];
    for env in envs {
        for args in [
            &["0x1000"][..],
            &["0x1000", "b"],
            &["0x1001", "16"],
            &["0x2000", "8", "0x141"],
            &["0x0", "32"],
            &["zz"],
            &["0x10", "12"],
            &["0x10", "8", "1", "ignored"],
        ] {
            let run = |full: bool| {
                let mut c = physreg_cmd(m.dir.path());
                if full {
                    c.args(["--format", "text"]);
                }
                c.arg("devmem").args(args).envs(env.iter().copied());
                run_cmd(c)
            };
            let (plain, full) = (run(false), run(true));
            assert_eq!(
                (plain.code, &plain.stdout, &plain.stderr),
                (full.code, &full.stdout, &full.stderr),
                "devmem {args:?} with {env:?}"
            );
        }
    }
    // The environment reached the plain path: the image was read through it.
    let mut c = physreg_cmd(m.dir.path());
    c.args(["devmem", "0x1004"]).env("PHYSREG_DEVICE", &device);
    assert_eq!(run_cmd(c).ok(), "0x55667788\n");
}
