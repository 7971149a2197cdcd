//! The command's view of a board: peripheral windows and named registers,
//! over `physreg::board`. Owned copies of what a command needs, so that a
//! resolved name outlives the borrow of the board.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use physreg::board::{
    self as lib, Access, Field, Peripheral, Register, Relocation, RelocationStatus,
};
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

/// A loaded board. When it is the running system's, a peripheral's address
/// is looked up in the device tree the first time the peripheral is used
/// (walking the tree for every peripheral at once is slow on small boards).
#[derive(Debug)]
pub struct Board {
    inner: RefCell<lib::Board>,
    /// The device tree the board was matched against, if any.
    dt_root: Option<PathBuf>,
    /// Peripherals already looked up in the device tree.
    relocated: RefCell<Vec<Relocation>>,
    /// How the board was recognised, when detected.
    pub matched_by: Option<String>,
}

impl Board {
    fn new(inner: lib::Board, dt_root: Option<PathBuf>, matched_by: Option<String>) -> Self {
        Board {
            inner: RefCell::new(inner),
            dt_root,
            relocated: RefCell::new(Vec::new()),
            matched_by,
        }
    }

    /// The board's name.
    pub fn name(&self) -> String {
        self.inner.borrow().name().to_string()
    }

    /// Looks the peripheral `name` up in the device tree (once).
    fn relocate(&self, name: &str) {
        let Some(root) = &self.dt_root else { return };
        if self
            .relocated
            .borrow()
            .iter()
            .any(|r| r.peripheral.eq_ignore_ascii_case(name))
        {
            return;
        }
        let reloc = match self.inner.borrow().peripheral(name) {
            Some(p) => p.resolve_base(root),
            None => return,
        };
        if matches!(reloc.status, RelocationStatus::Moved { .. }) {
            self.inner
                .borrow_mut()
                .set_base(&reloc.peripheral, reloc.base);
        }
        self.relocated.borrow_mut().push(reloc);
    }

    /// Looks every peripheral up in the device tree.
    fn relocate_all(&self) {
        let names: Vec<String> = self
            .inner
            .borrow()
            .peripherals()
            .iter()
            .map(|p| p.name.clone())
            .collect();
        for n in names {
            self.relocate(&n);
        }
    }

    /// The library's board, every peripheral at its device-tree address.
    pub fn lib(&self) -> std::cell::Ref<'_, lib::Board> {
        self.relocate_all();
        self.inner.borrow()
    }

    /// Where each peripheral's address came from (device tree or board file).
    pub fn relocations(&self) -> Vec<Relocation> {
        self.relocate_all();
        self.relocated.borrow().clone()
    }

    /// The peripheral window holding `[addr, addr + len)`. The board file's
    /// windows are tried first; the whole device tree is read only when the
    /// address is in none of them or its peripheral has moved.
    pub fn window_of(&self, addr: u64, len: u64) -> Option<Window> {
        let candidate = self
            .inner
            .borrow()
            .peripheral_at(addr, len)
            .map(|p| p.name.clone());
        if let Some(name) = candidate {
            self.relocate(&name);
            if let Some(w) = self.inner.borrow().peripheral_at(addr, len).map(window) {
                if w.name == name || self.dt_root.is_none() {
                    return Some(w);
                }
            }
        }
        self.relocate_all();
        self.inner.borrow().peripheral_at(addr, len).map(window)
    }

    /// Every peripheral window.
    pub fn windows(&self) -> Vec<Window> {
        self.lib().peripherals().iter().map(window).collect()
    }

    /// Resolves `peripheral.REGISTER[.FIELD]`.
    pub fn resolve(&self, name: &str) -> anyhow::Result<Resolved> {
        let periph = self.inner.borrow().resolve(name)?.peripheral.name.clone();
        self.relocate(&periph);
        let inner = self.inner.borrow();
        let r = inner.resolve(name)?;
        let reg = RegDesc::from_lib(r.peripheral, r.register);
        Ok(match r.field {
            None => Resolved::Register(reg),
            Some(f) => Resolved::Field(reg, FieldDesc::from_lib(f)),
        })
    }

    /// Every register of a peripheral except aliases (a usage error naming
    /// the closest peripherals when there is none of that name).
    pub fn peripheral_registers(&self, peripheral: &str) -> anyhow::Result<Vec<RegDesc>> {
        let name = self
            .inner
            .borrow()
            .find_peripheral(peripheral)?
            .name
            .clone();
        self.relocate(&name);
        let inner = self.inner.borrow();
        let p = inner.find_peripheral(&name)?;
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
    let inner = lib::Board::find(spec)?;
    let detection = dt_root.and_then(|root| {
        lib::detect_among(std::slice::from_ref(&inner), root).map(|d| (root, d.matched_by))
    });
    Ok(match detection {
        Some((root, m)) => Board::new(inner, Some(root.to_path_buf()), Some(m)),
        None => Board::new(inner, None, None),
    })
}

/// Detects the running board from a device-tree folder; its peripheral
/// addresses are then taken from the tree.
pub fn detect(root: &Path) -> Option<Board> {
    let d = lib::detect(root)?;
    Some(Board::new(
        d.board,
        Some(root.to_path_buf()),
        Some(d.matched_by),
    ))
}
