//! The boards and layouts built into the library (`boards/*.toml`,
//! `boards/layouts/*.toml`, embedded with `include_str!`).

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

// Parsing is lazy, file by file: a command that names one board pays for that
// board and the layouts it uses, not for every built-in file (under QEMU's
// emulation, parsing them all took a fifth of a second).

/// Built-in layout `i`, parsed on first use (None: it does not parse).
fn layout_at(i: usize) -> Option<Arc<Layout>> {
    static PARSED: OnceLock<Vec<OnceLock<Option<Arc<Layout>>>>> = OnceLock::new();
    let parsed = PARSED.get_or_init(|| BUILTIN_LAYOUTS.iter().map(|_| OnceLock::new()).collect());
    parsed[i]
        .get_or_init(|| {
            let f = &BUILTIN_LAYOUTS[i];
            parse::layout_file(f.text, f.path).ok().map(Arc::new)
        })
        .clone()
}

/// Built-in board `i`, parsed on first use (None: it does not parse).
fn board_at(i: usize) -> Option<&'static Board> {
    static PARSED: OnceLock<Vec<OnceLock<Option<Board>>>> = OnceLock::new();
    let parsed = PARSED.get_or_init(|| BUILTIN_BOARDS.iter().map(|_| OnceLock::new()).collect());
    parsed[i]
        .get_or_init(|| {
            let f = &BUILTIN_BOARDS[i];
            Board::from_str_named(f.text, f.path).ok()
        })
        .as_ref()
}

/// What finding a built-in board by name and recognising it from a device
/// tree need, read without parsing its peripherals.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct Header {
    pub(crate) name: String,
    pub(crate) aliases: Vec<String>,
    pub(crate) compatible: Vec<String>,
    pub(crate) model: Vec<String>,
}

impl Header {
    fn is_called(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    }
}

/// The header of every built-in board file, in file order. TOML puts a
/// file's top-level keys before its first table, so only that part is read.
pub(crate) fn headers() -> &'static [Header] {
    static HEADERS: OnceLock<Vec<Header>> = OnceLock::new();
    HEADERS.get_or_init(|| {
        BUILTIN_BOARDS
            .iter()
            .map(|f| {
                let end = f
                    .text
                    .match_indices("\n[")
                    .map(|(i, _)| i + 1)
                    .next()
                    .unwrap_or(f.text.len());
                toml::from_str(&f.text[..end]).unwrap_or_default()
            })
            .collect()
    })
}

/// The built-in board called `name` or having it as an alias.
pub(crate) fn board_called(name: &str) -> Option<&'static Board> {
    let i = headers().iter().position(|h| h.is_called(name))?;
    board_at(i)
}

/// Built-in board number `i` of [`headers`].
pub(crate) fn board_number(i: usize) -> Option<&'static Board> {
    board_at(i)
}

/// The built-in boards that load, in name order.
pub(crate) fn boards() -> &'static [Board] {
    static BOARDS: OnceLock<Vec<Board>> = OnceLock::new();
    BOARDS.get_or_init(|| {
        let mut v: Vec<Board> = (0..BUILTIN_BOARDS.len())
            .filter_map(|i| board_at(i).cloned())
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    })
}

/// The built-in layouts, found by name (a layout's name is its file's stem).
pub(crate) struct SharedLayouts;

impl LayoutLookup for SharedLayouts {
    fn layout(&self, name: &str) -> Option<Result<Arc<Layout>, BoardError>> {
        let i = BUILTIN_LAYOUTS
            .iter()
            .position(|f| stem(f.path).eq_ignore_ascii_case(name))?;
        Some(match layout_at(i) {
            Some(l) => Ok(l),
            // It does not parse: parse it again for the error.
            None => {
                let f = &BUILTIN_LAYOUTS[i];
                parse::layout_file(f.text, f.path).map(Arc::new)
            }
        })
    }

    fn names(&self) -> Vec<String> {
        BUILTIN_LAYOUTS
            .iter()
            .map(|f| stem(f.path).to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lookups by file stem are right only if each layout calls itself so.
    #[test]
    fn every_layout_is_named_after_its_file() {
        for (i, f) in BUILTIN_LAYOUTS.iter().enumerate() {
            let l = layout_at(i).unwrap_or_else(|| panic!("{} does not parse", f.path));
            assert_eq!(l.name, stem(f.path), "{}", f.path);
        }
    }

    /// The headers read from the top of each file are the parsed boards' own.
    #[test]
    fn headers_match_the_boards() {
        assert_eq!(headers().len(), BUILTIN_BOARDS.len());
        for (i, h) in headers().iter().enumerate() {
            let b =
                board_at(i).unwrap_or_else(|| panic!("{} does not parse", BUILTIN_BOARDS[i].path));
            assert_eq!(h.name, b.name);
            assert_eq!(h.aliases, b.aliases);
            assert_eq!(h.compatible, b.compatible);
            assert_eq!(h.model, b.model);
            assert!(!h.name.is_empty());
        }
    }
}
