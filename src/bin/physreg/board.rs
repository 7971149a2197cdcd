//! The command's view of a board: peripheral windows and named registers.
//! (Adapter over `physreg::board`; until that lands, boards are unavailable.)
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use physreg::reg::{Endianness, Width};

/// A peripheral's address window.
#[derive(Clone, Debug)]
pub struct Window {
    /// Peripheral name.
    pub name: String,
    /// First address.
    pub base: u64,
    /// Size in bytes.
    pub size: u64,
    /// Device file to map it through instead of /dev/mem, if any.
    pub device: Option<PathBuf>,
}

/// A field of a register.
#[derive(Clone, Debug)]
pub struct FieldDesc {
    /// Name.
    pub name: String,
    /// Lowest bit.
    pub lsb: u32,
    /// Number of bits.
    pub bits: u32,
    /// Readable.
    pub readable: bool,
    /// Writable.
    pub writable: bool,
    /// Enumerated values.
    pub values: Vec<(String, u64)>,
}

impl FieldDesc {
    /// The field's bits in its register.
    pub fn mask(&self) -> u64 {
        let ones = if self.bits >= 64 {
            u64::MAX
        } else {
            (1u64 << self.bits) - 1
        };
        ones << self.lsb
    }

    /// The field's value in a register value.
    pub fn extract(&self, reg: u64) -> u64 {
        (reg & self.mask()) >> self.lsb
    }

    /// The enumerated name of a value.
    pub fn value_name(&self, v: u64) -> Option<&str> {
        self.values
            .iter()
            .find(|(_, x)| *x == v)
            .map(|(n, _)| n.as_str())
    }

    /// `[7]` or `[23:21]`.
    pub fn bit_range(&self) -> String {
        if self.bits == 1 {
            format!("[{}]", self.lsb)
        } else {
            format!("[{}:{}]", self.lsb + self.bits - 1, self.lsb)
        }
    }
}

/// A register, resolved to an address.
#[derive(Clone, Debug)]
pub struct RegDesc {
    /// `peripheral.REGISTER`.
    pub path: String,
    /// Physical address.
    pub addr: u64,
    /// Access width.
    pub width: Width,
    /// Byte order.
    pub endian: Endianness,
    /// Readable.
    pub readable: bool,
    /// Writable.
    pub writable: bool,
    /// Write 1 to clear.
    pub w1c: bool,
    /// Reading changes the device (FIFO, read-to-clear).
    pub read_side_effects: bool,
    /// Reset value.
    pub reset: Option<u64>,
    /// Description.
    pub description: String,
    /// Fields, lowest bit first.
    pub fields: Vec<FieldDesc>,
}

/// What a name resolves to.
#[derive(Clone, Debug)]
pub enum Resolved {
    /// A whole register.
    Register(RegDesc),
    /// One field of a register.
    Field(RegDesc, FieldDesc),
}

/// A loaded board.
#[derive(Debug)]
pub struct Board {
    name: String,
}

impl Board {
    /// The board's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The peripheral window holding `[addr, addr + len)`.
    pub fn window_of(&self, _addr: u64, _len: u64) -> Option<Window> {
        None
    }

    /// Every peripheral window.
    pub fn windows(&self) -> Vec<Window> {
        Vec::new()
    }

    /// Resolves `peripheral.REGISTER[.FIELD]`.
    pub fn resolve(&self, name: &str) -> anyhow::Result<Resolved> {
        Err(crate::error::usage(format!("unknown register '{name}'")))
    }

    /// Every register of a peripheral (a usage error naming the closest
    /// peripherals when there is none of that name).
    pub fn peripheral_registers(&self, peripheral: &str) -> anyhow::Result<Vec<RegDesc>> {
        Err(crate::error::usage(format!(
            "unknown peripheral '{peripheral}'"
        )))
    }
}

/// Loads a built-in board by name or a board file by path.
pub fn load(spec: &str) -> anyhow::Result<Board> {
    anyhow::bail!("cannot load board '{spec}': board support is not built into this physreg yet")
}

/// Detects the running board from a device-tree folder.
pub fn detect(_root: &Path) -> Option<Board> {
    None
}
