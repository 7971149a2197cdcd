//! pci_edu: drives QEMU's `edu` teaching PCI device through its sysfs
//! resource file: identification, liveness check and factorials.
//!
//! Needs: root, sysfs, and a QEMU guest started with `-device edu` (vendor
//! 0x1234, device 0x11e8). No /dev/mem: BAR0 is mapped through
//! /sys/bus/pci/devices/BDF/resource0, which works under lockdown and with
//! STRICT_DEVMEM. With no driver bound the device's memory decoding is off;
//! the program turns it on through sysfs `enable` and back off at the end.
//!
//! Shows: finding a PCI device by ID in sysfs, `Source::pci_bar`, and
//! registers from QEMU's docs/specs/edu.rst:
//! 0x00 identification 0xRRrr00ed (1.0: 0x010000ed), 0x04 liveness check
//! (reads back the bitwise inverse of what was written), 0x08 factorial
//! (write n, read n! when 0x20 bit 0, "computing", clears).
//!
//! ```text
//! pci_edu [--bdf DDDD:BB:DD.F] [N...]     (default N: 5 10 12)
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use physreg::map::{Mapping, Mode, Source};
use physreg::reg::{RoReg, RwReg};
use tock_registers::interfaces::{Readable, Writeable};

mod common;

const VENDOR: &str = "0x1234";
const DEVICE: &str = "0x11e8";

/// Finds the edu device: the first PCI device whose vendor and device files match.
fn find_edu() -> Result<String, String> {
    let dir = Path::new("/sys/bus/pci/devices");
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let read = |f: &str| std::fs::read_to_string(path.join(f)).unwrap_or_default();
        if read("vendor").trim() == VENDOR && read("device").trim() == DEVICE {
            found.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    found.sort();
    found.into_iter().next().ok_or_else(|| {
        "no PCI device 1234:11e8 in /sys/bus/pci/devices: start QEMU with -device edu".into()
    })
}

/// Turns memory decoding on through sysfs `enable` if it is off; the guard
/// turns it back off when dropped.
struct Enabled(Option<PathBuf>);

impl Enabled {
    fn new(bdf: &str) -> Result<Self, String> {
        let path = PathBuf::from(format!("/sys/bus/pci/devices/{bdf}/enable"));
        let was = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if was.trim() == "0" {
            std::fs::write(&path, "1").map_err(|e| {
                format!(
                    "{}: {e}: cannot enable the device (run as root)",
                    path.display()
                )
            })?;
            println!(
                "pci_edu: enabled memory decoding through {}",
                path.display()
            );
            Ok(Enabled(Some(path)))
        } else {
            Ok(Enabled(None))
        }
    }
}

impl Drop for Enabled {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            let _ = std::fs::write(path, "0");
        }
    }
}

fn main() -> ExitCode {
    let mut bdf = None;
    let mut ns = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--bdf" => bdf = it.next(),
            a => match a.parse::<u32>() {
                Ok(n) => ns.push(n),
                Err(_) => {
                    eprintln!("usage: pci_edu [--bdf DDDD:BB:DD.F] [N...]");
                    return ExitCode::from(2);
                }
            },
        }
    }
    if ns.is_empty() {
        ns = vec![5, 10, 12];
    }
    common::finish("pci_edu", 1, run(bdf, &ns))
}

fn run(bdf: Option<String>, ns: &[u32]) -> Result<bool, Box<dyn std::error::Error>> {
    let bdf = match bdf {
        Some(b) => b,
        None => find_edu()?,
    };
    let source = Source::pci_bar(&bdf, 0)?;
    let _enabled = Enabled::new(&bdf)?;
    let map = Mapping::open_whole(&source, Mode::ReadWrite)?;
    let base = map.base();
    println!(
        "pci_edu: edu at {bdf}, BAR0 {:#x}..{:#x} through {}",
        base,
        base + map.len() as u64,
        source.path().display()
    );

    let id: RoReg<u32> = map.reg(base)?;
    let live: RwReg<u32> = map.reg(base + 0x04)?;
    let fact: RwReg<u32> = map.reg(base + 0x08)?;
    let status: RoReg<u32> = map.reg(base + 0x20)?;
    let mut ok = true;

    let ident = id.get();
    let good = ident & 0xff == 0xed;
    ok &= good;
    println!(
        "identification: {ident:#010x} (version {}.{}) {}",
        ident >> 24,
        (ident >> 16) & 0xff,
        if good {
            "ok"
        } else {
            "FAIL: low byte is not 0xed"
        }
    );

    for x in [0x1234_5678u32, 0, 0xffff_ffff, 0xa5a5_0f0f] {
        live.set(x);
        let back = live.get();
        let good = back == !x;
        ok &= good;
        println!(
            "liveness: wrote {x:#010x}, read {back:#010x} {}",
            if good {
                "ok (inverted)"
            } else {
                "FAIL: expected the inverse"
            }
        );
    }

    for &n in ns {
        // Wait until the device is idle, write n, wait for "computing" to clear.
        let idle = |what: &str| -> Result<(), String> {
            let start = Instant::now();
            while status.get() & 1 != 0 {
                if start.elapsed() > Duration::from_secs(2) {
                    return Err(format!("factorial still computing after 2 s ({what})"));
                }
                std::hint::spin_loop();
            }
            Ok(())
        };
        idle("before writing")?;
        fact.set(n);
        let start = Instant::now();
        idle("after writing")?;
        let got = fact.get();
        let want = (1..=n).fold(1u32, |acc, k| acc.wrapping_mul(k));
        let good = got == want;
        ok &= good;
        println!(
            "factorial: {n}! = {got} in {} us {}",
            start.elapsed().as_micros(),
            if good {
                "ok".to_string()
            } else {
                format!("FAIL: expected {want}")
            }
        );
    }
    println!(
        "pci_edu: {}",
        if ok { "all checks passed" } else { "FAILED" }
    );
    Ok(ok)
}
