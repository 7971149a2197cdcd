//! The command's view of a board: peripheral windows and named registers,
//! over `physreg::board`. Owned copies of what a command needs, so that a
//! resolved name outlives the borrow of the board.

use std::path::{Path, PathBuf};

use physreg::board::{self as lib, Access, Field, Peripheral, Register, Relocation};
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
    /// Device file to map it through instead of /dev/mem, and the physical
    /// address at its offset 0.
    pub device: Option<(PathBuf, u64)>,
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
    /// Write one to clear.
    pub w1c: bool,
    /// Enumerated values.
    pub values: Vec<(String, u64)>,
}

impl FieldDesc {
    fn from_lib(f: &Field) -> Self {
        FieldDesc {
            name: f.name.clone(),
            lsb: f.lsb,
            bits: f.width,
            readable: f.access.readable(),
            writable: f.access.writable(),
            w1c: f.access == Access::WriteOneToClear,
            values: f.values.iter().map(|v| (v.name.clone(), v.value)).collect(),
        }
    }

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
    /// An atomic alias (SET/CLR/XOR): a write acts on the register it aliases.
    pub atomic: bool,
    /// Reading changes the device (FIFO, read-to-clear).
    pub read_side_effects: bool,
    /// Fields, lowest bit first.
    pub fields: Vec<FieldDesc>,
    /// Bits a read-modify-write writes as 0 (write-one-to-clear and
    /// write-only fields).
    pub drop_mask: u64,
    /// Bits every write must carry (a password field), and their values in place.
    pub fixed_mask: u64,
    /// See `fixed_mask`.
    pub fixed_bits: u64,
}

impl RegDesc {
    fn from_lib(p: &Peripheral, r: &Register) -> Self {
        RegDesc {
            path: format!("{}.{}", p.name, r.name),
            addr: p.base + r.offset,
            width: r.width,
            endian: r.endian,
            readable: r.access.readable(),
            writable: r.access.writable(),
            atomic: r.atomic.is_some(),
            read_side_effects: r.read_side_effects,
            fields: r.fields.iter().map(FieldDesc::from_lib).collect(),
            drop_mask: r
                .fields
                .iter()
                .filter(|f| matches!(f.access, Access::WriteOneToClear | Access::WriteOnly))
                .fold(0, |m, f| m | f.mask()),
            fixed_mask: r
                .fields
                .iter()
                .filter(|f| f.write_value.is_some())
                .fold(0, |m, f| m | f.mask()),
            fixed_bits: r.apply_write_values(0),
        }
    }

    /// `value` with the bits every write must carry put in.
    pub fn with_fixed(&self, value: u64) -> u64 {
        (value & !self.fixed_mask) | self.fixed_bits
    }
}

/// What a name resolves to.
#[derive(Clone, Debug)]
pub enum Resolved {
    /// A whole register.
    Register(RegDesc),
    /// One field of a register.
    Field(RegDesc, FieldDesc),
}

/// A loaded board, with where its addresses came from.
#[derive(Debug)]
pub struct Board {
    inner: lib::Board,
    /// Per peripheral, whether the device tree confirmed or moved its base.
    pub relocations: Vec<Relocation>,
    /// How the board was recognised, when detected.
    pub matched_by: Option<String>,
}

impl Board {
    /// The board's name.
    pub fn name(&self) -> &str {
        self.inner.name()
    }

    /// The library's board.
    pub fn lib(&self) -> &lib::Board {
        &self.inner
    }

    /// The peripheral window holding `[addr, addr + len)`.
    pub fn window_of(&self, addr: u64, len: u64) -> Option<Window> {
        self.inner.peripheral_at(addr, len).map(window)
    }

    /// Every peripheral window.
    pub fn windows(&self) -> Vec<Window> {
        self.inner.peripherals().iter().map(window).collect()
    }

    /// Resolves `peripheral.REGISTER[.FIELD]`.
    pub fn resolve(&self, name: &str) -> anyhow::Result<Resolved> {
        let r = self.inner.resolve(name)?;
        let reg = RegDesc::from_lib(r.peripheral, r.register);
        Ok(match r.field {
            None => Resolved::Register(reg),
            Some(f) => Resolved::Field(reg, FieldDesc::from_lib(f)),
        })
    }

    /// Every register of a peripheral except aliases (a usage error naming
    /// the closest peripherals when there is none of that name).
    pub fn peripheral_registers(&self, peripheral: &str) -> anyhow::Result<Vec<RegDesc>> {
        let p = self.inner.find_peripheral(peripheral)?;
        Ok(p.layout
            .registers
            .iter()
            .filter(|r| r.alias_of.is_none())
            .map(|r| RegDesc::from_lib(p, r))
            .collect())
    }
}

fn window(p: &Peripheral) -> Window {
    Window {
        name: p.name.clone(),
        base: p.base,
        size: p.size,
        device: p.device.as_ref().map(|d| (d.path.clone(), d.base)),
    }
}

/// Loads a built-in board by name or a board file by path. When the device
/// tree at `dt_root` is of the same board, its peripheral addresses are used.
pub fn load(spec: &str, dt_root: Option<&Path>) -> anyhow::Result<Board> {
    let mut inner = lib::Board::find(spec)?;
    let mut relocations = Vec::new();
    let mut matched_by = None;
    if let Some(root) = dt_root {
        if let Some(d) = lib::detect_among(std::slice::from_ref(&inner), root) {
            relocations = inner.apply_device_tree(root);
            matched_by = Some(d.matched_by);
        }
    }
    Ok(Board {
        inner,
        relocations,
        matched_by,
    })
}

/// Detects the running board from a device-tree folder, with its peripheral
/// addresses taken from the tree.
pub fn detect(root: &Path) -> Option<Board> {
    let d = lib::detect(root)?;
    let mut inner = d.board;
    let relocations = inner.apply_device_tree(root);
    Some(Board {
        inner,
        relocations,
        matched_by: Some(d.matched_by),
    })
}
