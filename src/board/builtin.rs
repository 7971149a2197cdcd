//! The boards and layouts built into the library (`boards/*.toml`,
//! `boards/layouts/*.toml`, embedded with `include_str!`).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::error::BoardError;
use super::model::Layout;
use super::parse::{self, LayoutLookup};
use super::Board;

/// A file built into the library: its repository path and its text.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinFile {
    /// Path in the repository (`boards/rpi4.toml`), used as the origin in errors.
    pub path: &'static str,
    /// The file's text.
    pub text: &'static str,
}

macro_rules! builtin_files {
    ($($path:literal),* $(,)?) => {
        &[$(BuiltinFile { path: $path, text: include_str!(concat!("../../", $path)) }),*]
    };
}

/// The built-in board files.
pub static BUILTIN_BOARDS: &[BuiltinFile] = builtin_files![
    "boards/qemu-virt.toml",
    "boards/rpi1.toml",
    "boards/rpi3.toml",
    "boards/rpi4.toml",
    "boards/rpi5.toml",
];

/// The built-in layout files; each one's `name` is its file stem.
pub static BUILTIN_LAYOUTS: &[BuiltinFile] = builtin_files![
    "boards/layouts/bcm2711-gpio.toml",
    "boards/layouts/bcm2835-aux.toml",
    "boards/layouts/bcm2835-bsc.toml",
    "boards/layouts/bcm2835-cm.toml",
    "boards/layouts/bcm2835-gpio.toml",
    "boards/layouts/bcm2835-mini-uart.toml",
    "boards/layouts/bcm2835-pwm.toml",
    "boards/layouts/bcm2835-spi.toml",
    "boards/layouts/bcm2835-systimer.toml",
    "boards/layouts/gicv2-cpu.toml",
    "boards/layouts/gicv2-distributor.toml",
    "boards/layouts/pl011.toml",
    "boards/layouts/pl031.toml",
    "boards/layouts/pl061.toml",
    "boards/layouts/primecell-id.toml",
    "boards/layouts/qemu-fw-cfg.toml",
    "boards/layouts/rp1-io-bank0.toml",
    "boards/layouts/rp1-pads-bank0.toml",
    "boards/layouts/rp1-sys-rio.toml",
    "boards/layouts/virtio-mmio.toml",
];

fn stem(path: &str) -> &str {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.strip_suffix(".toml").unwrap_or(file)
}

/// The parsed built-in layouts that load (a broken one is reported by
/// [`SharedLayouts::layout`] when a board names it, and by the tests).
fn layouts() -> &'static HashMap<String, Arc<Layout>> {
    static LAYOUTS: OnceLock<HashMap<String, Arc<Layout>>> = OnceLock::new();
    LAYOUTS.get_or_init(|| {
        BUILTIN_LAYOUTS
            .iter()
            .filter_map(|f| parse::layout_file(f.text, f.path).ok())
            .map(|l| (l.name.to_ascii_lowercase(), Arc::new(l)))
            .collect()
    })
}

/// The built-in boards that load, in name order.
pub(crate) fn boards() -> &'static [Board] {
    static BOARDS: OnceLock<Vec<Board>> = OnceLock::new();
    BOARDS.get_or_init(|| {
        let mut v: Vec<Board> = BUILTIN_BOARDS
            .iter()
            .filter_map(|f| Board::from_str_named(f.text, f.path).ok())
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    })
}

/// The built-in layouts, found by name.
pub(crate) struct SharedLayouts;

impl LayoutLookup for SharedLayouts {
    fn layout(&self, name: &str) -> Option<Result<Arc<Layout>, BoardError>> {
        if let Some(l) = layouts().get(&name.to_ascii_lowercase()) {
            return Some(Ok(l.clone()));
        }
        // Not among those that parsed: if a file of that name exists, its error.
        BUILTIN_LAYOUTS
            .iter()
            .find(|f| stem(f.path).eq_ignore_ascii_case(name))
            .map(|f| parse::layout_file(f.text, f.path).map(Arc::new))
    }

    fn names(&self) -> Vec<String> {
        BUILTIN_LAYOUTS
            .iter()
            .map(|f| stem(f.path).to_string())
            .collect()
    }
}
