//! fw_cfg_ls: lists QEMU's firmware configuration files, like `ls -l`, and
//! prints one of them with `fw_cfg_ls NAME`.
//!
//! Needs: root and /dev/mem in a QEMU guest with fw_cfg in MMIO form (the
//! aarch64 `virt` board puts it at 0x09020000; Debian's qemu_fw_cfg driver
//! is a module, so in an initramfs-only guest the range is idle).
//!
//! Shows: the `physreg::drivers::fw_cfg` driver: the signature check, the
//! feature bitmap, selecting a key with the big-endian selector register,
//! reading the file directory through the data register, and reading a file
//! by name. The data register is read 8 bytes per load.
//!
//! ```text
//! fw_cfg_ls [--dev PATH] [--base ADDR] [NAME]
//!   --dev   /dev/mem (default), or a file standing in for it
//!   --base  the device's address (default 0x09020000)
//!   NAME    print this file: as text if it is text, else as a hex dump
//!           (physreg dump's format: offsets from 0, one byte per element)
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use physreg::drivers::fw_cfg::{self, FwCfg};
use physreg::hexdump;
use physreg::map::{Mapping, Mode, Region};
use physreg::reg::{Endianness, Width};

mod common;
use common::parse_num;

fn main() -> ExitCode {
    let mut dev = PathBuf::from("/dev/mem");
    let mut base = 0x0902_0000u64;
    let mut name = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--dev" => match it.next() {
                Some(p) => dev = p.into(),
                None => return usage("--dev needs a path"),
            },
            "--base" => match it.next().as_deref().and_then(parse_num) {
                Some(b) => base = b,
                None => return usage("--base needs an address"),
            },
            "-h" | "--help" => return usage(""),
            a if a.starts_with("--") => return usage(&format!("unknown option {a}")),
            _ if name.is_none() => name = Some(arg),
            _ => return usage("one file name at most"),
        }
    }
    common::finish("fw_cfg_ls", 1, run(dev, base, name.as_deref()))
}

fn usage(why: &str) -> ExitCode {
    if !why.is_empty() {
        eprintln!("fw_cfg_ls: {why}");
    }
    eprintln!("usage: fw_cfg_ls [--dev PATH] [--base ADDR] [NAME]");
    ExitCode::from(2)
}

fn run(dev: PathBuf, base: u64, name: Option<&str>) -> Result<(), Box<dyn std::error::Error>> {
    let source = common::source(&dev, base);
    let map = Mapping::open(
        &source,
        Region::new(base, fw_cfg::BLOCK_SIZE),
        Mode::ReadWrite,
    )?;
    let fw = FwCfg::probe(&map, base)?;

    if let Some(name) = name {
        let data = fw.read_file(name)?;
        print_file(&data)?;
        return Ok(());
    }

    let features = fw.features();
    let mut files = fw.files()?;
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let mut feature_names = Vec::new();
    if features & fw_cfg::FEATURE_TRADITIONAL != 0 {
        feature_names.push("traditional");
    }
    if features & fw_cfg::FEATURE_DMA != 0 {
        feature_names.push("dma");
    }
    println!(
        "fw_cfg at {base:#x}: signature \"QEMU\", features {features:#x} ({}), {} files",
        feature_names.join(" "),
        files.len()
    );
    let total: u64 = files.iter().map(|f| u64::from(f.size)).sum();
    println!("total {}", total.div_ceil(1024));
    let width = files
        .iter()
        .map(|f| f.size.to_string().len())
        .max()
        .unwrap_or(1);
    for f in &files {
        println!(
            "-r--r--r-- 1 root root {:>width$} {:#06x} {}",
            f.size, f.select, f.name
        );
    }
    Ok(())
}

/// Text files as text; anything else as a hex dump, byte by byte from offset 0.
fn print_file(data: &[u8]) -> std::io::Result<()> {
    let text = std::str::from_utf8(data).ok().filter(|s| {
        s.chars()
            .all(|c| c == '\n' || c == '\t' || c == '\0' || !c.is_control())
    });
    match text {
        Some(s) if !data.is_empty() => {
            let s = s.trim_end_matches('\0');
            print!("{s}");
            if !s.ends_with('\n') {
                println!();
            }
            Ok(())
        }
        _ => {
            let mut out = std::io::stdout().lock();
            hexdump::write_lines(&mut out, 0, data, Width::W8, Endianness::Little)
        }
    }
}
