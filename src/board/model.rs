//! The data of a loaded board: peripherals, layouts, registers, fields.
//!
//! Every value here has passed the checks of the parser (names unique,
//! registers inside their window and aligned, fields inside their register and
//! not overlapping, enumerated values fitting their field). The types are
//! `#[non_exhaustive]`: read their fields, but make them only by loading a
//! board file.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::map::{Region, Source};
use crate::reg::{Endianness, Width};

use super::error::{closest, BoardError};

/// How software may access a register or a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    /// Read-only (`ro`): writes are refused.
    ReadOnly,
    /// Read-write (`rw`).
    ReadWrite,
    /// Write-only (`wo`): reads return nothing meaningful.
    WriteOnly,
    /// Write one to clear (`w1c`): readable; writing 1 to a bit clears it,
    /// writing 0 leaves it alone. A read-modify-write of another field must
    /// write 0s here, not the value read.
    WriteOneToClear,
}

impl Access {
    /// Whether reads return the register's contents.
    pub fn readable(self) -> bool {
        !matches!(self, Access::WriteOnly)
    }

    /// Whether writes are allowed.
    pub fn writable(self) -> bool {
        !matches!(self, Access::ReadOnly)
    }

    /// The board-file spelling: `ro`, `rw`, `wo` or `w1c`.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::ReadOnly => "ro",
            Access::ReadWrite => "rw",
            Access::WriteOnly => "wo",
            Access::WriteOneToClear => "w1c",
        }
    }

    /// Parses the board-file spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ro" => Some(Access::ReadOnly),
            "rw" => Some(Access::ReadWrite),
            "wo" => Some(Access::WriteOnly),
            "w1c" => Some(Access::WriteOneToClear),
            _ => None,
        }
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The operation a write to an atomic alias register performs (RP1, RP2040:
/// the same registers seen again at +0x1000, +0x2000 and +0x3000).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AtomicOp {
    /// Writing `v` does `reg ^= v`.
    Xor,
    /// Writing `v` does `reg |= v`.
    Set,
    /// Writing `v` does `reg &= !v`.
    Clear,
}

impl AtomicOp {
    /// `XOR`, `SET` or `CLR`: the suffix of alias register names.
    pub fn suffix(self) -> &'static str {
        match self {
            AtomicOp::Xor => "XOR",
            AtomicOp::Set => "SET",
            AtomicOp::Clear => "CLR",
        }
    }
}

/// A named value of a field (`FSEL`: `input` = 0, `output` = 1, `alt0` = 4...).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnumValue {
    /// Its name.
    pub name: String,
    /// The field value.
    pub value: u64,
    /// What it means (may be empty).
    pub description: String,
}

/// A bit field of a register.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Field {
    /// Its name, unique within the register (ignoring case).
    pub name: String,
    /// Lowest bit.
    pub lsb: u32,
    /// Number of bits (at least 1).
    pub width: u32,
    /// How it may be accessed (by default the register's access).
    pub access: Access,
    /// Whether reading it changes the device (by default the register's flag).
    pub read_side_effects: bool,
    /// Named values, in file order.
    pub values: Vec<EnumValue>,
    /// A value every write of the register must carry in this field (the
    /// BCM2835 clock manager's password, 0x5A): read-modify-writes put it in.
    pub write_value: Option<u64>,
    /// What it is (may be empty).
    pub description: String,
}

impl Field {
    /// Highest bit.
    pub fn msb(&self) -> u32 {
        self.lsb + self.width - 1
    }

    /// The largest value the field holds.
    pub fn max(&self) -> u64 {
        if self.width >= 64 {
            u64::MAX
        } else {
            (1u64 << self.width) - 1
        }
    }

    /// The field's bits in place in its register.
    pub fn mask(&self) -> u64 {
        self.max() << self.lsb
    }

    /// The field's value in a register value.
    #[inline]
    pub fn extract(&self, reg_value: u64) -> u64 {
        (reg_value >> self.lsb) & self.max()
    }

    /// `reg_value` with this field replaced by `field_value`; an error if the
    /// value does not fit in the field.
    #[inline]
    pub fn insert(&self, reg_value: u64, field_value: u64) -> Result<u64, BoardError> {
        if field_value > self.max() {
            return Err(BoardError::ValueTooWide {
                path: self.name.clone(),
                value: field_value,
                bits: self.width,
                max: self.max(),
            });
        }
        Ok((reg_value & !self.mask()) | (field_value << self.lsb))
    }

    /// The value named `name` (ignoring ASCII case).
    pub fn value_by_name(&self, name: &str) -> Option<u64> {
        self.values
            .iter()
            .find(|v| v.name.eq_ignore_ascii_case(name))
            .map(|v| v.value)
    }

    /// The value named `name`, or an error listing the closest names.
    pub fn lookup_value(&self, name: &str) -> Result<u64, BoardError> {
        self.value_by_name(name)
            .ok_or_else(|| BoardError::UnknownName {
                kind: "value",
                name: name.to_string(),
                within: format!("field {}", self.name),
                suggestions: if self.values.is_empty() {
                    Vec::new()
                } else {
                    let mut s = closest(name, self.values.iter().map(|v| v.name.as_str()), 3);
                    if s.is_empty() {
                        s = self.values.iter().take(8).map(|v| v.name.clone()).collect();
                    }
                    s
                },
            })
    }

    /// The name of `value`, if it has one.
    pub fn name_of(&self, value: u64) -> Option<&str> {
        self.values
            .iter()
            .find(|v| v.value == value)
            .map(|v| v.name.as_str())
    }

    /// `[7]` or `[23:21]`.
    pub fn bit_range(&self) -> String {
        if self.width == 1 {
            format!("[{}]", self.lsb)
        } else {
            format!("[{}:{}]", self.msb(), self.lsb)
        }
    }
}

/// A register of a layout.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Register {
    /// Its name, unique within the layout (ignoring case). Register arrays are
    /// expanded: `GPFSEL0` .. `GPFSEL5` are six registers.
    pub name: String,
    /// Byte offset from the peripheral's base (a multiple of the width).
    pub offset: u64,
    /// Access width.
    pub width: Width,
    /// How it may be accessed.
    pub access: Access,
    /// Whether a read changes the device (a FIFO pop, a read-to-clear status):
    /// tools should not read it unasked.
    pub read_side_effects: bool,
    /// Value after reset, if documented.
    pub reset: Option<u64>,
    /// Byte order of the register (fw_cfg's selector is big-endian).
    pub endian: Endianness,
    /// What it is (may be empty).
    pub description: String,
    /// Fields, lowest bit first.
    pub fields: Vec<Field>,
    /// The register this one is an alias of (it may overlap it).
    pub alias_of: Option<String>,
    /// For an atomic alias (`GPIO0_CTRL_SET`): what a write does.
    pub atomic: Option<AtomicOp>,
}

impl Register {
    /// The field named `name` (ignoring ASCII case).
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The fields and their values in `value`, lowest bit first.
    pub fn decode(&self, value: u64) -> impl Iterator<Item = (&Field, u64)> + '_ {
        self.fields.iter().map(move |f| (f, f.extract(value)))
    }

    /// Whether a read of this register changes the device: its own
    /// `read_side_effects`, or any of its fields' (a read takes every field, so
    /// reading one field of a register that holds a FIFO-pop field pops it).
    pub fn read_has_side_effects(&self) -> bool {
        self.read_side_effects || self.fields.iter().any(|f| f.read_side_effects)
    }

    /// The value a read-modify-write should start from, given the value read:
    /// write-one-to-clear and write-only bits are zeroed (writing back a 1
    /// read from a w1c bit would clear it; a write-only field reads as
    /// nothing), and fields with a [`write_value`](Field::write_value) get it.
    /// For a write-only register there is nothing to read: start from 0.
    pub fn rmw_base(&self, read_value: u64) -> u64 {
        if !self.access.readable()
            || (self.access == Access::WriteOneToClear && self.fields.is_empty())
        {
            return self.apply_write_values(0);
        }
        let drop = self
            .fields
            .iter()
            .filter(|f| matches!(f.access, Access::WriteOneToClear | Access::WriteOnly))
            .fold(0, |m, f| m | f.mask());
        self.apply_write_values(read_value & !drop)
    }

    /// `value` with every field that has a [`write_value`](Field::write_value)
    /// set to it (for whole-register writes that should carry a password).
    pub fn apply_write_values(&self, value: u64) -> u64 {
        self.fields.iter().fold(value, |v, f| match f.write_value {
            Some(w) => (v & !f.mask()) | ((w << f.lsb) & f.mask()),
            None => v,
        })
    }
}

/// A register layout: what a kind of peripheral (PL011, BCM2835 GPIO) looks
/// like, independent of where it sits. Shared between peripherals and boards.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Layout {
    /// Its name (`pl011`, `bcm2835-gpio`).
    pub name: String,
    /// What it is (may be empty).
    pub description: String,
    /// Size of the register window the layout needs, if declared.
    pub size: Option<u64>,
    /// Registers in file order (arrays expanded in place).
    pub registers: Vec<Register>,
}

impl Layout {
    /// The register named `name` (ignoring ASCII case).
    pub fn register(&self, name: &str) -> Option<&Register> {
        self.registers
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name))
    }

    /// The register (not alias) at `offset`, or an alias if nothing else is there.
    pub fn register_at(&self, offset: u64) -> Option<&Register> {
        let mut alias = None;
        for r in &self.registers {
            if r.offset == offset {
                if r.alias_of.is_none() {
                    return Some(r);
                }
                alias.get_or_insert(r);
            }
        }
        alias
    }
}

/// The device file a peripheral can be mapped through instead of /dev/mem.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeviceFile {
    /// The device (`/dev/gpiomem`, `/dev/gpiomem0`).
    pub path: PathBuf,
    /// The physical address at the device's offset 0.
    pub base: u64,
}

/// A peripheral of a board: a layout placed at an address.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Peripheral {
    /// Its name, unique within the board (ignoring case).
    pub name: String,
    /// CPU physical address of its first register.
    pub base: u64,
    /// Size of its register window in bytes.
    pub size: u64,
    /// What it is (may be empty).
    pub description: String,
    /// Its registers.
    pub layout: Arc<Layout>,
    /// A device file that maps it without /dev/mem, if any.
    pub device: Option<DeviceFile>,
    /// Device-tree `compatible` strings that find it on a running system.
    pub dt_compatible: Vec<String>,
    /// Which entry of the matching node's `reg` is this peripheral (the GIC
    /// node lists its distributor first and CPU interface second).
    pub dt_reg_index: usize,
}

impl Peripheral {
    /// Its address window.
    pub fn region(&self) -> Region {
        Region::new(self.base, self.size)
    }

    /// Whether `[addr, addr + len)` lies inside the window.
    pub fn contains(&self, addr: u64, len: u64) -> bool {
        addr.checked_sub(self.base)
            .and_then(|off| off.checked_add(len))
            .is_some_and(|end| end <= self.size)
    }

    /// The register named `name` (ignoring ASCII case).
    pub fn register(&self, name: &str) -> Option<&Register> {
        self.layout.register(name)
    }

    /// Moves it to `base` (found in the device tree, say). Its device file's
    /// base moves with it. Returns false, moving nothing, if the window would
    /// run past the end of the address space.
    pub fn set_base(&mut self, base: u64) -> bool {
        if base.checked_add(self.size).is_none() {
            return false;
        }
        if let Some(d) = &mut self.device {
            // Keep the peripheral's offset within the device.
            let off = self.base - d.base;
            d.base = base.saturating_sub(off);
        }
        self.base = base;
        true
    }

    /// The source mapping the peripheral through its device file, if it has one.
    pub fn device_source(&self) -> Option<Source> {
        self.device
            .as_ref()
            .map(|d| Source::gpiomem(d.path.clone(), d.base))
    }
}
