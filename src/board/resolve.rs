//! Looking names up: `uart0.FR.TXFF` to a peripheral, register, field and
//! address, once; then a [`DynReg`] whose accesses do no string work.

use crate::map::Mapping;
use crate::reg::{Access, DynReg, Endian, Endianness, Reg, Word};
use tock_registers::RegisterLongName;

use super::error::{closest, BoardError};
use super::model::{Field, Peripheral, Register};
use super::Board;

/// A register (or one of its fields) found by name, with its address.
#[derive(Clone, Copy, Debug)]
pub struct Resolved<'b> {
    /// The peripheral.
    pub peripheral: &'b Peripheral,
    /// The register.
    pub register: &'b Register,
    /// The field, when the path named one.
    pub field: Option<&'b Field>,
    /// Physical address of the register.
    pub address: u64,
}

impl<'b> Resolved<'b> {
    /// The path with the board file's spelling: `uart0.FR.TXFF`.
    pub fn path(&self) -> String {
        match self.field {
            Some(f) => format!("{}.{}.{}", self.peripheral.name, self.register.name, f.name),
            None => self.register_path(),
        }
    }

    /// The register's path: `uart0.FR`.
    pub fn register_path(&self) -> String {
        format!("{}.{}", self.peripheral.name, self.register.name)
    }

    /// Whether the target (the field if one was named, else the register) can be read.
    pub fn readable(&self) -> bool {
        self.field
            .map_or(self.register.access, |f| f.access)
            .readable()
    }

    /// Whether the target can be written.
    pub fn writable(&self) -> bool {
        self.field
            .map_or(self.register.access, |f| f.access)
            .writable()
    }

    /// Whether reading the target changes the device (FIFO pop, read-to-clear):
    /// a field is read with its whole register, so this is the register's
    /// [`read_has_side_effects`](super::Register::read_has_side_effects).
    pub fn read_side_effects(&self) -> bool {
        self.register.read_has_side_effects()
    }

    /// A handle on the register in `map`, with the register's width and byte
    /// order. `write` asks for a handle that stores: refused if the register
    /// is read-only (or the mapping is). Accesses through the handle cost
    /// what the core's do: one load or store.
    pub fn dyn_reg<'m>(&self, map: &'m Mapping, write: bool) -> Result<DynReg<'m>, BoardError> {
        if write && !self.register.access.writable() {
            return Err(BoardError::ReadOnly {
                path: self.register_path(),
            });
        }
        Ok(map.dyn_reg(
            self.address,
            self.register.width,
            self.register.endian,
            write,
        )?)
    }

    /// A typed handle on the register in `map`: the register's width must be
    /// `T`'s and its byte order `E`'s, and a storing access `A` needs a
    /// writable register. Checked here, once; then each access is one load or
    /// store, exactly as for a handle made by address, and tock-registers
    /// fields (`R`) work on it.
    ///
    /// ```
    /// use physreg::board::Board;
    /// use physreg::map::Mapping;
    /// use physreg::reg::RwReg;
    /// use tock_registers::interfaces::{Readable, Writeable};
    ///
    /// let board = Board::builtin("qemu-virt").unwrap();
    /// let cr = board.resolve("uart0.CR")?;
    /// let map = Mapping::anonymous(cr.peripheral.base, cr.peripheral.size)?;
    /// let reg: RwReg<u32> = cr.reg(&map)?;
    /// reg.set(0x301);
    /// assert_eq!(reg.get(), 0x301);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reg<'m, T: Word, R: RegisterLongName, A: Access, E: Endian>(
        &self,
        map: &'m Mapping,
    ) -> Result<Reg<'m, T, R, A, E>, BoardError> {
        if self.register.width != T::WIDTH || self.register.endian != E::ORDER {
            return Err(BoardError::WrongType {
                path: self.register_path(),
                bits: self.register.width.bits(),
                endian: match self.register.endian {
                    Endianness::Little => "little-endian",
                    Endianness::Big => "big-endian",
                },
            });
        }
        if A::WRITES && !self.register.access.writable() {
            return Err(BoardError::ReadOnly {
                path: self.register_path(),
            });
        }
        Ok(map.reg(self.address)?)
    }

    /// For a field target: `reg_value` with the field set to `field_value`
    /// (errors name the field's full path). For a register target: `field_value`
    /// itself, checked against the register's width.
    pub fn insert(&self, reg_value: u64, field_value: u64) -> Result<u64, BoardError> {
        match self.field {
            Some(f) => f.insert(reg_value, field_value).map_err(|e| match e {
                BoardError::ValueTooWide {
                    value, bits, max, ..
                } => BoardError::ValueTooWide {
                    path: self.path(),
                    value,
                    bits,
                    max,
                },
                e => e,
            }),
            None if self.register.width.fits(field_value) => Ok(field_value),
            None => Err(BoardError::ValueTooWide {
                path: self.path(),
                value: field_value,
                bits: self.register.width.bits(),
                max: self.register.width.mask(),
            }),
        }
    }

    /// Parses a value for the target: an enumerated name of the field
    /// (ignoring case), or a number (decimal, 0x, 0o, 0b, `_` separators).
    /// Errors list the known names.
    pub fn parse_value(&self, text: &str) -> Result<u64, BoardError> {
        if let Some(n) = super::parse::parse_number(text) {
            return Ok(n);
        }
        match self.field {
            Some(f) => f.lookup_value(text).map_err(|e| match e {
                BoardError::UnknownName {
                    kind,
                    name,
                    suggestions,
                    ..
                } => BoardError::UnknownName {
                    kind,
                    name,
                    within: format!("field {}", self.path()),
                    suggestions,
                },
                e => e,
            }),
            None => Err(BoardError::BadPath {
                path: text.to_string(),
                message: format!(
                    "not a number, and {} is a register, not a field with named values",
                    self.path()
                ),
            }),
        }
    }
}

impl Board {
    /// The peripheral named `name` (ignoring ASCII case), or an error listing
    /// the closest names.
    pub fn find_peripheral(&self, name: &str) -> Result<&Peripheral, BoardError> {
        self.peripheral(name)
            .ok_or_else(|| BoardError::UnknownName {
                kind: "peripheral",
                name: name.to_string(),
                within: format!("board {}", self.name),
                suggestions: closest(name, self.peripherals.iter().map(|p| p.name.as_str()), 3),
            })
    }

    /// Resolves `peripheral.REGISTER` or `peripheral.REGISTER.FIELD`. Names
    /// match ignoring ASCII case; the result keeps the file's spelling.
    /// Unknown names give an error listing the closest known names.
    ///
    /// ```
    /// let board = physreg::board::Board::builtin("qemu-virt").unwrap();
    /// let t = board.resolve("uart0.fr.txff")?;
    /// assert_eq!(t.path(), "uart0.FR.TXFF");
    /// assert_eq!(t.address, 0x0900_0018);
    /// assert_eq!(t.field.unwrap().lsb, 5);
    /// assert!(board.resolve("uart0.FRR").unwrap_err().to_string().contains("`FR`"));
    /// # Ok::<(), physreg::board::BoardError>(())
    /// ```
    pub fn resolve(&self, path: &str) -> Result<Resolved<'_>, BoardError> {
        let parts: Vec<&str> = path.trim().split('.').collect();
        if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
            return Err(BoardError::BadPath {
                path: path.to_string(),
                message: "expected peripheral.REGISTER or peripheral.REGISTER.FIELD".into(),
            });
        }
        let p = self.find_peripheral(parts[0])?;
        let r = p
            .register(parts[1])
            .ok_or_else(|| BoardError::UnknownName {
                kind: "register",
                name: parts[1].to_string(),
                within: p.name.clone(),
                suggestions: closest(
                    parts[1],
                    p.layout.registers.iter().map(|r| r.name.as_str()),
                    3,
                ),
            })?;
        let field = match parts.get(2) {
            None => None,
            Some(f) => Some(r.field(f).ok_or_else(|| BoardError::UnknownName {
                kind: "field",
                name: f.to_string(),
                within: format!("{}.{}", p.name, r.name),
                suggestions: closest(f, r.fields.iter().map(|x| x.name.as_str()), 3),
            })?),
        };
        Ok(Resolved {
            peripheral: p,
            register: r,
            field,
            address: p.base + r.offset,
        })
    }

    /// The register at physical address `addr` (not an alias, if there is a
    /// choice), for naming raw addresses.
    pub fn register_at(&self, addr: u64) -> Option<Resolved<'_>> {
        let p = self.peripheral_at(addr, 1)?;
        let r = p.layout.register_at(addr - p.base)?;
        Some(Resolved {
            peripheral: p,
            register: r,
            field: None,
            address: addr,
        })
    }
}
