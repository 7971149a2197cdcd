//! Help, version, completions, the man page, and the one-line usage errors.
#![cfg(feature = "cli")]

mod cli_util;

use cli_util::run;

/// Every subcommand, as `--help` lists them.
const COMMANDS: [&str; 10] = [
    "read",
    "write",
    "dump",
    "watch",
    "list",
    "info",
    "batch",
    "devmem",
    "completions",
    "man",
];

#[test]
fn help_and_version() {
    let h = run(["--help"]);
    let text = h.ok();
    for cmd in COMMANDS {
        assert!(
            text.contains(&format!("  {cmd} ")),
            "{cmd} missing from help: {text}"
        );
    }
    assert!(text.contains("Exit codes"), "{text}");
    for cmd in COMMANDS {
        let r = run([cmd, "--help"]);
        assert!(r.ok().contains("Usage: physreg "), "{cmd}");
    }
    let v = run(["--version"]);
    assert_eq!(v.ok(), format!("physreg {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = run(["completions", shell]);
        let script = r.ok();
        assert!(script.len() > 1000, "{shell}");
        assert!(script.contains("physreg"), "{shell}");
        assert!(
            script.contains("devmem") && script.contains("batch"),
            "{shell}"
        );
    }
    run(["completions", "tcsh"]).fails(2);
    run(["completions"]).fails(2);
}

#[test]
fn man_page() {
    let r = run(["man"]);
    let page = r.ok();
    assert!(
        page.contains(".TH physreg 1"),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(
        page.contains("devmem") && page.contains("\\-\\-board"),
        "options and subcommands are in the page"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let r = run(["man", "--dir", out.to_str().unwrap()]);
    r.ok();
    for name in [
        "physreg.1",
        "physreg-read.1",
        "physreg-write.1",
        "physreg-devmem.1",
        "physreg-batch.1",
    ] {
        let p = out.join(name);
        assert!(p.is_file(), "{} missing", p.display());
    }
    let r = run(["man", "--dir", "/proc/no/such/dir"]);
    r.fails(1);
}

#[test]
fn usage_errors_are_one_line_exit_2() {
    for args in [
        &["--bogus"][..],
        &["frobnicate"],
        &["read"],
        &["read", "0x0", "--width"],
        &["read", "0x0", "--width", "7"],
        &["write", "0x0"],
        &["--format", "yaml", "read", "0x0"],
        &["watch"],
        &["dump"],
        &["--base", "zz", "read", "0x0"],
    ] {
        let r = run(args);
        let line = r.fails(2);
        assert!(line.starts_with("physreg: error: "), "{args:?}: {line}");
    }
    // No subcommand: the help, and exit 2.
    let r = run(Vec::<&str>::new());
    assert_eq!(r.code, 2);
}

#[test]
fn every_command_without_a_device_fails_cleanly() {
    // No /dev/mem on the build machines (or no root): a runtime error, one line.
    if std::path::Path::new("/dev/mem").exists() && unsafe { libc::geteuid() } == 0 {
        return; // a machine where this could really map memory: not here
    }
    for args in [
        &["read", "0x1000"][..],
        &["devmem", "0x1000"],
        &["dump", "0x1000", "16"],
    ] {
        let r = run(args);
        let line = r.fails(1);
        assert!(line.contains("/dev/mem"), "{args:?}: {line}");
    }
}

#[test]
fn gpiomem_needs_a_base_or_a_board() {
    // /dev/gpiomem maps the GPIO block at offset 0: without --base or a board
    // physreg cannot tell which address that is.
    let r = run(["--device", "/dev/gpiomem", "read", "0x3f200000"]);
    let line = r.fails(2);
    assert!(line.contains("--base"), "{line}");
}
