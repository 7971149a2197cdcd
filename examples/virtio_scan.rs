//! virtio_scan: lists the virtio-mmio transports of a board and the devices
//! behind them.
//!
//! Needs: root and /dev/mem on QEMU virt, whose 32 transports sit at
//! 0x0a000000 + n * 0x200 (Debian's virtio_mmio driver is a module, so in an
//! initramfs-only guest they are idle). QEMU attaches `-device virtio-*-device`
//! devices from the highest transport down.
//!
//! Shows: the `physreg::drivers::virtio_mmio` driver over one mapping of the
//! whole transport range: magic value and version checks, device IDs and
//! names, vendor IDs, and the 64 feature bits read through the feature
//! select register.
//!
//! ```text
//! virtio_scan [--dev PATH] [--base ADDR] [--count N] [--stride BYTES] [--all]
//!   --dev     /dev/mem (default), or a file standing in for it
//!   --base    the first transport (default 0x0a000000)
//!   --count   how many (default 32)
//!   --stride  bytes between them (default 0x200)
//!   --all     list empty transports one per line too (default: summarise them)
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use physreg::drivers::virtio_mmio::{self, feature_names, scan};
use physreg::map::{Mapping, Mode, Region};

mod common;
use common::next_num;

struct Args {
    dev: PathBuf,
    base: u64,
    count: u64,
    stride: u64,
    all: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        dev: PathBuf::from("/dev/mem"),
        base: virtio_mmio::QEMU_VIRT_BASE,
        count: virtio_mmio::QEMU_VIRT_COUNT,
        stride: virtio_mmio::QEMU_VIRT_STRIDE,
        all: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut num = |name: &str| next_num(&mut it, name);
        match arg.as_str() {
            "--dev" => a.dev = it.next().ok_or("--dev needs a path")?.into(),
            "--base" => a.base = num("--base")?,
            "--count" => a.count = num("--count")?,
            "--stride" => a.stride = num("--stride")?,
            "--all" => a.all = true,
            _ => {
                return Err(format!(
                    "unknown argument {arg}\nusage: virtio_scan [--dev PATH] [--base ADDR] [--count N] [--stride BYTES] [--all]"
                ))
            }
        }
    }
    if a.count == 0 || a.count > 4096 || a.stride < 0x100 || a.stride > 0x10_0000 {
        return Err("--count must be 1 to 4096 and --stride 0x100 to 0x100000".into());
    }
    Ok(a)
}

fn main() -> ExitCode {
    common::finish(
        "virtio_scan",
        1,
        parse_args().and_then(|a| run(&a).map_err(|e| e.to_string())),
    )
}

fn run(a: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let source = common::source(&a.dev, a.base);
    // One mapping for every transport: count x stride bytes.
    let map = Mapping::open(
        &source,
        Region::new(a.base, a.count * a.stride),
        Mode::ReadWrite,
    )?;
    let results = scan(&map, a.base, a.stride, a.count);

    let (mut transports, mut devices, mut empty_run) = (0, 0, Vec::new());
    let mut versions = std::collections::BTreeSet::new();
    let mut vendors = std::collections::BTreeSet::new();
    let flush = |run: &mut Vec<u64>| {
        if let (Some(first), Some(last)) = (run.first(), run.last()) {
            if first == last {
                println!("{first:#010x}  no device");
            } else {
                println!(
                    "{first:#010x}..{last:#010x}  no device ({} transports)",
                    run.len()
                );
            }
        }
        run.clear();
    };
    for r in &results {
        match r {
            Ok(t) => {
                transports += 1;
                versions.insert(t.version);
                vendors.insert(
                    t.vendor_text()
                        .unwrap_or_else(|| format!("{:#x}", t.vendor_id)),
                );
                if !t.has_device() {
                    if a.all {
                        println!(
                            "{:#010x}  version {} vendor {}  no device",
                            t.base,
                            t.version,
                            t.vendor_text()
                                .unwrap_or_else(|| format!("{:#x}", t.vendor_id))
                        );
                    } else {
                        empty_run.push(t.base);
                    }
                    continue;
                }
                flush(&mut empty_run);
                devices += 1;
                let features = feature_names(t.features);
                println!(
                    "{:#010x}  version {} vendor {}  device {} ({})  features {:#018x}{}{}",
                    t.base,
                    t.version,
                    t.vendor_text()
                        .unwrap_or_else(|| format!("{:#x}", t.vendor_id)),
                    t.device_id,
                    t.device_name().unwrap_or("unknown"),
                    t.features,
                    if features.is_empty() { "" } else { " " },
                    features.join(" ")
                );
            }
            Err(e) => {
                flush(&mut empty_run);
                println!("{e}");
            }
        }
    }
    flush(&mut empty_run);
    let join =
        |s: &std::collections::BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(",");
    println!(
        "virtio_scan: {transports} transports (magic \"virt\", version {}, vendor {}), {devices} devices, {} not transports",
        versions.iter().map(u32::to_string).collect::<Vec<_>>().join(","),
        join(&vendors),
        results.len() - transports
    );
    if transports == 0 {
        return Err("no virtio-mmio transport found".into());
    }
    Ok(())
}
