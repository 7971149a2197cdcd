//! `physreg info`: what this system offers and restricts.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use physreg::board::{Peripheral, Relocation, RelocationStatus};
use physreg::iomem::{Iomem, RangeStatus};
use physreg::map::page_size;
use serde_json::{Map, Value};

use crate::ctx::Ctx;
use crate::output::{addr, json_line, Format};

/// Show the detected board, device files and kernel restrictions.
#[derive(Args, Clone, Debug)]
#[command(after_help = "Examples:
  physreg info
  physreg --board rpi4 info
  physreg --format json info")]
pub struct Cmd {}

/// One device file and whether this process can open it.
struct DeviceFile {
    path: PathBuf,
    status: String,
}

impl Cmd {
    /// Prints the report.
    pub fn run(self, ctx: &mut Ctx, out: &mut impl Write) -> anyhow::Result<()> {
        let dt = ctx.device_tree_root().to_path_buf();
        let model = dt_string(&dt.join("model"));
        let compatible = dt_string(&dt.join("compatible"));
        let board = ctx.board()?;
        let board_name = board.map(|b| b.name());
        let relocations: Vec<&Relocation> =
            board.map(|b| b.relocations().collect()).unwrap_or_default();
        let matched_by = board.and_then(|b| b.matched_by.as_deref());
        let windows: Vec<&Peripheral> =
            board.map(|b| b.peripherals().collect()).unwrap_or_default();
        let origins: Vec<String> = windows
            .iter()
            .map(|w| {
                relocations
                    .iter()
                    .find(|r| r.peripheral == w.name)
                    .map(|r| match &r.status {
                        RelocationStatus::Confirmed { node } => format!("device tree {node}"),
                        RelocationStatus::Moved { node, file_base } => {
                            format!("device tree {node} (board file: {})", addr(*file_base))
                        }
                        RelocationStatus::NotInTree => "board file (not in the device tree)".into(),
                        RelocationStatus::NoCompatible => "board file".into(),
                        RelocationStatus::Error(e) => format!("board file (device tree: {e})"),
                    })
                    .unwrap_or_else(|| "board file".into())
            })
            .collect();
        let ctx_iomem_given = ctx.globals.iomem.is_some();
        let iomem = match &ctx.globals.iomem {
            Some(p) => Iomem::load_from(p).ok(),
            None => Iomem::load().ok(),
        };
        let devices = device_files();
        let cmdline = std::fs::read_to_string("/proc/cmdline").unwrap_or_default();
        let iomem_param = cmdline
            .split_whitespace()
            .find(|w| w.starts_with("iomem="))
            .map(str::to_string);
        let lockdown = lockdown();
        let (strict, io_strict) = kernel_config();
        let strict = strict.or_else(|| probe_strict_devmem(iomem.as_ref()));
        let owners: Vec<(String, u64, u64, String, String)> = windows
            .iter()
            .zip(origins)
            .map(|(w, origin)| {
                let live = matched_by.is_some() || ctx_iomem_given;
                let owner = match iomem
                    .as_ref()
                    .filter(|_| live)
                    .map(|io| io.status(w.base, w.size))
                {
                    Some(RangeStatus::SystemRam) => "System RAM".to_string(),
                    Some(RangeStatus::Claimed(o)) => format!("claimed by {o}"),
                    Some(RangeStatus::Idle) => "idle (no driver)".to_string(),
                    Some(RangeStatus::Hidden) => {
                        "unknown (run as root to see /proc/iomem)".to_string()
                    }
                    None if !live => "iomem not shown (the board is not this system)".to_string(),
                    None => "unknown (no /proc/iomem)".to_string(),
                };
                (w.name.clone(), w.base, w.size, origin, owner)
            })
            .collect();
        let page = page_size();

        match ctx.format() {
            Format::Text => {
                match (&board_name, &matched_by) {
                    (Some(b), Some(m)) => writeln!(out, "board: {b} (detected: {m})")?,
                    (Some(b), None) => writeln!(
                        out,
                        "board: {b} (from --board; the running system's device tree is not this board)"
                    )?,
                    (None, _) => writeln!(
                        out,
                        "board: none detected (pass --board NAME; 'physreg list' shows the built-in boards)"
                    )?,
                }
                if let Some(m) = &model {
                    writeln!(out, "device-tree model: {m}")?;
                }
                if let Some(c) = &compatible {
                    writeln!(out, "device-tree compatible: {c}")?;
                }
                writeln!(out, "page size: {page}")?;
                writeln!(out, "device files:")?;
                if devices.is_empty() {
                    writeln!(out, "  none of /dev/mem, /dev/gpiomem*, /dev/uio* exists")?;
                }
                for d in &devices {
                    writeln!(out, "  {}: {}", d.path.display(), d.status)?;
                }
                writeln!(out, "kernel restrictions:")?;
                writeln!(
                    out,
                    "  STRICT_DEVMEM: {}",
                    strict
                        .as_deref()
                        .unwrap_or("unknown (no kernel config found)")
                )?;
                writeln!(
                    out,
                    "  IO_STRICT_DEVMEM: {}",
                    io_strict
                        .as_deref()
                        .unwrap_or("unknown (no kernel config found)")
                )?;
                writeln!(
                    out,
                    "  iomem= on the kernel command line: {}",
                    iomem_param.as_deref().unwrap_or("not set")
                )?;
                writeln!(out, "  lockdown: {}", lockdown.as_deref().unwrap_or("none"))?;
                if !owners.is_empty() {
                    writeln!(out, "peripherals (address from; /proc/iomem owner):")?;
                    let w = owners.iter().map(|o| o.0.len()).max().unwrap_or(0);
                    for (name, base, size, origin, owner) in &owners {
                        writeln!(
                            out,
                            "  {name:w$} {} +{size:#x}: {origin}; {owner}",
                            addr(*base)
                        )?;
                    }
                }
            }
            Format::Json => {
                let mut m = Map::new();
                m.insert("board".into(), board_name.map_or(Value::Null, Value::from));
                m.insert(
                    "detected_by".into(),
                    matched_by.map_or(Value::Null, Value::from),
                );
                m.insert("model".into(), model.map_or(Value::Null, Value::from));
                m.insert(
                    "compatible".into(),
                    compatible.map_or(Value::Null, Value::from),
                );
                m.insert("page_size".into(), page.into());
                let devs: Map<String, Value> = devices
                    .iter()
                    .map(|d| (d.path.display().to_string(), Value::from(d.status.clone())))
                    .collect();
                m.insert("devices".into(), devs.into());
                m.insert(
                    "strict_devmem".into(),
                    strict.map_or(Value::Null, Value::from),
                );
                m.insert(
                    "io_strict_devmem".into(),
                    io_strict.map_or(Value::Null, Value::from),
                );
                m.insert(
                    "iomem_param".into(),
                    iomem_param.map_or(Value::Null, Value::from),
                );
                m.insert("lockdown".into(), lockdown.map_or(Value::Null, Value::from));
                let periphs: Vec<Value> = owners
                    .into_iter()
                    .map(|(name, base, size, origin, owner)| {
                        serde_json::json!({"name": name, "base": base, "size": size, "from": origin, "owner": owner})
                    })
                    .collect();
                m.insert("peripherals".into(), periphs.into());
                json_line(out, m)?;
            }
        }
        Ok(())
    }
}

/// A device-tree string property, NULs between strings shown as ", ".
fn dt_string(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let parts: Vec<String> = bytes
        .split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// /dev/mem, /dev/gpiomem*, /dev/uio*: those that exist, and whether they open.
fn device_files() -> Vec<DeviceFile> {
    let mut paths = vec![PathBuf::from("/dev/mem")];
    if let Ok(dir) = std::fs::read_dir("/dev") {
        let mut more: Vec<PathBuf> = dir
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("gpiomem") || n.starts_with("uio"))
            })
            .collect();
        more.sort();
        paths.extend(more);
    }
    paths
        .into_iter()
        .filter(|p| p.exists())
        .map(|path| {
            let status = match OpenOptions::new().read(true).write(true).open(&path) {
                Ok(_) => "usable (read-write)".to_string(),
                Err(_) => match OpenOptions::new().read(true).open(&path) {
                    Ok(_) => "usable (read-only)".to_string(),
                    Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                        "present, permission denied (needs root or CAP_SYS_RAWIO)".to_string()
                    }
                    Err(e) => format!("present, cannot open: {e}"),
                },
            };
            DeviceFile { path, status }
        })
        .collect()
}

/// STRICT_DEVMEM found by trying: map (never touch) a page of System RAM
/// read-only through /dev/mem. The kernel refuses it exactly when the option is on.
fn probe_strict_devmem(iomem: Option<&Iomem>) -> Option<String> {
    use physreg::map::{MapError, Mapping, Mode, Region, Source};
    let iomem = iomem?;
    // All-zero addresses: not root, nothing to probe with.
    if iomem.status(0, 1) == RangeStatus::Hidden {
        return None;
    }
    let ram = iomem
        .entries()
        .iter()
        .find(|e| e.is_system_ram() && e.end > e.start)?;
    let page = physreg::map::page_size() as u64;
    // A page from the middle of the range, away from firmware's low pages.
    let start = (ram.start + (ram.end - ram.start) / 2) & !(page - 1);
    if start < ram.start || start.checked_add(page)? > ram.end.saturating_add(1) {
        return None;
    }
    match Mapping::open(&Source::devmem(), Region::new(start, page), Mode::ReadOnly) {
        Ok(_) => Some("off (probed: System RAM can be mapped)".into()),
        Err(MapError::Denied { .. }) => Some("on (probed: mapping System RAM is refused)".into()),
        Err(_) => None,
    }
}

/// The lockdown mode in force, if any.
fn lockdown() -> Option<String> {
    let text = std::fs::read_to_string("/sys/kernel/security/lockdown").ok()?;
    let mode = text.split_whitespace().find(|w| w.starts_with('['))?;
    let mode = mode.trim_matches(['[', ']']);
    (mode != "none").then(|| mode.to_string())
}

/// CONFIG_STRICT_DEVMEM and CONFIG_IO_STRICT_DEVMEM from /boot/config-RELEASE.
fn kernel_config() -> (Option<String>, Option<String>) {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let path = format!("/boot/config-{}", release.trim());
    let Ok(text) = std::fs::read_to_string(path) else {
        return (None, None);
    };
    let get = |key: &str| -> Option<String> {
        for line in text.lines() {
            if let Some(v) = line.strip_prefix(key).and_then(|r| r.strip_prefix('=')) {
                return Some(if v == "y" { "on".into() } else { v.to_string() });
            }
            if line == format!("# {key} is not set") {
                return Some("off".into());
            }
        }
        Some("off".into())
    };
    (get("CONFIG_STRICT_DEVMEM"), get("CONFIG_IO_STRICT_DEVMEM"))
}
