//! Board files: which peripherals a board has, where, and what their
//! registers and fields are, so that programs and commands name registers
//! (`uart0.FR.TXFF`, `gpio.GPFSEL1.FSEL17`) rather than addresses.
//!
//! Boards are TOML files (format: `docs/board-format.md`). The ones in the
//! repository's `boards/` folder are built into the library, so a fresh
//! install needs no files; a user's own file goes through the same strict
//! parser with [`Board::load`]. Register layouts (PL011, BCM2835 GPIO...) live
//! in `boards/layouts/` and are shared by every board that names them.
//!
//! Names are matched ignoring ASCII case (`uart0.fr.txff` finds
//! `uart0.FR.TXFF`), and are shown with the file's spelling. Unknown names
//! are errors that list the closest known names.
//!
//! ```
//! use physreg::board::Board;
//! use physreg::map::Mapping;
//!
//! let board = Board::builtin("rpi3").unwrap();
//! let fsel17 = board.resolve("gpio.GPFSEL1.FSEL17")?;
//! assert_eq!(fsel17.address, 0x3f20_0004);
//! let field = fsel17.field.unwrap();
//! assert_eq!((field.lsb, field.width), (21, 3));
//!
//! // Simulated memory standing in for the GPIO block.
//! let gpio = board.find_peripheral("gpio")?;
//! let map = Mapping::anonymous(gpio.base, gpio.size)?;
//! let reg = fsel17.dyn_reg(&map, true)?; // checked once, here
//! let new = field.insert(reg.read(), field.value_by_name("output").unwrap())?;
//! reg.write(new)?;
//! assert_eq!(field.name_of(field.extract(reg.read())), Some("output"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod builtin;
mod detect;
mod error;
mod model;
mod parse;
mod resolve;
mod tree;

use std::path::Path;

pub use builtin::{BuiltinFile, BUILTIN_BOARDS, BUILTIN_LAYOUTS};
pub use detect::{detect, detect_among, Detection, Relocation, RelocationStatus};
pub use error::BoardError;
pub use model::{Access, AtomicOp, DeviceFile, EnumValue, Field, Layout, Peripheral, Register};
pub use parse::parse_number;
pub use resolve::Resolved;

use crate::iomem::{Iomem, RangeStatus};

/// A board: its identity, how to recognise it, and its peripherals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Board {
    pub(crate) name: String,
    pub(crate) aliases: Vec<String>,
    pub(crate) arch: String,
    pub(crate) description: String,
    pub(crate) compatible: Vec<String>,
    pub(crate) model: Vec<String>,
    pub(crate) peripherals: Vec<Peripheral>,
    pub(crate) origin: String,
}

impl Board {
    /// The built-in board called `name` or having it as an alias (ignoring ASCII case).
    pub fn builtin(name: &str) -> Option<Board> {
        builtin::board_called(name).cloned()
    }

    /// Every built-in board, in name order.
    pub fn builtins() -> Vec<Board> {
        builtin::boards().to_vec()
    }

    /// Names of the built-in boards, in order.
    pub fn builtin_names() -> Vec<String> {
        builtin::boards().iter().map(|b| b.name.clone()).collect()
    }

    /// Loads a board file. Layout files named in its `include` key are read
    /// relative to its folder; other layouts come from the built-in set.
    pub fn load(path: impl AsRef<Path>) -> Result<Board, BoardError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| BoardError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let dir = path.parent().map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        });
        parse::board(
            &text,
            &path.display().to_string(),
            dir,
            &builtin::SharedLayouts,
        )
    }

    /// Parses board-file text; `origin` names it in errors. An `include` key
    /// is an error here (there is no folder to find the files in).
    pub fn from_str_named(text: &str, origin: &str) -> Result<Board, BoardError> {
        parse::board(text, origin, None, &builtin::SharedLayouts)
    }

    /// What `--board SPEC` means: a built-in board's name or alias, else a
    /// path to a board file. A name that is neither gives an error listing
    /// the closest built-in names.
    pub fn find(spec: &str) -> Result<Board, BoardError> {
        if let Some(b) = Board::builtin(spec) {
            return Ok(b);
        }
        let looks_like_path = spec.contains('/') || spec.ends_with(".toml");
        if looks_like_path || Path::new(spec).is_file() {
            return Board::load(spec);
        }
        let boards = builtin::boards();
        let names = boards
            .iter()
            .flat_map(|b| std::iter::once(&b.name).chain(b.aliases.iter()))
            .map(String::as_str);
        Err(BoardError::UnknownBoard {
            name: spec.to_string(),
            suggestions: error::closest(spec, names, 3),
            known: Board::builtin_names(),
        })
    }

    /// The board's name (`rpi4`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Other names it answers to (`rpi400`).
    pub fn aliases(&self) -> &[String] {
        &self.aliases
    }

    /// Whether `name` is its name or an alias (ignoring ASCII case).
    pub fn is_called(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    }

    /// CPU architecture (`aarch64`, `arm`).
    pub fn arch(&self) -> &str {
        &self.arch
    }

    /// What the board is.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Device-tree root `compatible` strings that identify it.
    pub fn compatible(&self) -> &[String] {
        &self.compatible
    }

    /// Device-tree `model` patterns that identify it (`*` matches any text).
    pub fn model_patterns(&self) -> &[String] {
        &self.model
    }

    /// Its peripherals, in file order.
    pub fn peripherals(&self) -> &[Peripheral] {
        &self.peripherals
    }

    /// Where it was loaded from (`boards/rpi4.toml` for a built-in board).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The peripheral named `name` (ignoring ASCII case).
    pub fn peripheral(&self, name: &str) -> Option<&Peripheral> {
        self.peripherals
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// The peripheral whose window holds all of `[addr, addr + len)`.
    pub fn peripheral_at(&self, addr: u64, len: u64) -> Option<&Peripheral> {
        self.peripherals.iter().find(|p| p.contains(addr, len))
    }

    /// Moves a peripheral to `base` (found in the device tree, say), as
    /// [`Peripheral::set_base`] does. Returns false if there is no such
    /// peripheral or it does not fit at `base`.
    pub fn set_base(&mut self, peripheral: &str, base: u64) -> bool {
        self.peripherals
            .iter_mut()
            .find(|p| p.name.eq_ignore_ascii_case(peripheral))
            .is_some_and(|p| p.set_base(base))
    }

    /// What `/proc/iomem` says of each peripheral's window: System RAM (a
    /// board file error), claimed by a driver (named), or idle.
    pub fn iomem_status<'b>(&'b self, iomem: &Iomem) -> Vec<(&'b Peripheral, RangeStatus)> {
        self.peripherals
            .iter()
            .map(|p| (p, iomem.status(p.base, p.size)))
            .collect()
    }
}

/// Whether `text` matches a glob `pattern` where `*` matches any run of
/// characters and `?` one character (ASCII case ignored).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().map(|c| c.to_ascii_lowercase()).collect();
    let t: Vec<char> = text.chars().map(|c| c.to_ascii_lowercase()).collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match(
            "Raspberry Pi 3*",
            "Raspberry Pi 3 Model B Rev 1.2"
        ));
        assert!(glob_match("*pi 4*", "Raspberry Pi 4 Model B"));
        assert!(!glob_match("Raspberry Pi 3*", "Raspberry Pi 4 Model B"));
        assert!(glob_match("a?c", "abc"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("", "x"));
    }
}
