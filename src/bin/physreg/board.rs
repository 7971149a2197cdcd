//! The command's view of a board: `physreg::board`'s own board, with each
//! peripheral looked up in the running system's device tree the first time
//! it is used. Names resolve to the library's [`Resolved`], borrowing the
//! board.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use physreg::board::{self as lib, BoardError, Peripheral, Relocation, RelocationStatus, Resolved};

/// Where a command's board is loaded, once, on first use. It is owned by
/// whoever makes the [`Ctx`](crate::ctx::Ctx) and outlives it, so that what
/// the board resolves borrows the board, not the context that maps memory.
pub type BoardCell = OnceCell<Option<Board>>;

/// A loaded board. When it is the running system's, a peripheral's address
/// is looked up in the device tree the first time the peripheral is used
/// (walking the tree for every peripheral at once is slow on small boards).
/// Lookups need only `&self`: a peripheral placed later leaves the names
/// resolved before it as they were.
#[derive(Debug)]
pub struct Board {
    /// The board with its file's addresses.
    lib: lib::Board,
    /// The device tree the board was matched against, if any.
    dt_root: Option<PathBuf>,
    /// Per peripheral of `lib`, in order: its device-tree lookup, once done.
    placed: Vec<OnceCell<Placed>>,
    /// How the board was recognised, when detected.
    pub matched_by: Option<String>,
}

/// A peripheral looked up in the device tree.
#[derive(Debug)]
struct Placed {
    relocation: Relocation,
    /// The peripheral at the tree's address, when that is not its file's.
    moved: Option<Peripheral>,
}

impl Board {
    fn new(lib: lib::Board, dt_root: Option<PathBuf>, matched_by: Option<String>) -> Self {
        let placed = lib.peripherals().iter().map(|_| OnceCell::new()).collect();
        Board {
            lib,
            dt_root,
            placed,
            matched_by,
        }
    }

    /// The board's name.
    pub fn name(&self) -> &str {
        self.lib.name()
    }

    /// Peripheral `i`, at the address known so far.
    fn peripheral(&self, i: usize) -> &Peripheral {
        match self.placed[i].get().and_then(|p| p.moved.as_ref()) {
            Some(moved) => moved,
            None => &self.lib.peripherals()[i],
        }
    }

    /// Peripheral `i`, looked up in the device tree first (once).
    fn place(&self, i: usize) -> &Peripheral {
        if let Some(root) = &self.dt_root {
            self.placed[i].get_or_init(|| {
                let file = &self.lib.peripherals()[i];
                let relocation = file.resolve_base(root);
                let moved = match relocation.status {
                    RelocationStatus::Moved { .. } => {
                        let mut p = file.clone();
                        p.set_base(relocation.base).then_some(p)
                    }
                    _ => None,
                };
                Placed { relocation, moved }
            });
        }
        self.peripheral(i)
    }

    /// Looks every peripheral up in the device tree.
    fn place_all(&self) {
        for i in 0..self.placed.len() {
            self.place(i);
        }
    }

    /// The number of a peripheral that `lib` returned.
    fn index_of(&self, p: &Peripheral) -> usize {
        self.lib
            .peripherals()
            .iter()
            .position(|q| std::ptr::eq(q, p))
            .expect("a peripheral of this board")
    }

    /// The first peripheral whose window, as known so far, holds `[addr, addr + len)`.
    fn index_at(&self, addr: u64, len: u64) -> Option<usize> {
        (0..self.placed.len()).find(|&i| self.peripheral(i).contains(addr, len))
    }

    /// Every peripheral, at its device-tree address.
    pub fn peripherals(&self) -> impl Iterator<Item = &Peripheral> {
        self.place_all();
        (0..self.placed.len()).map(|i| self.peripheral(i))
    }

    /// Where each peripheral's address came from (device tree or board file);
    /// nothing when the board is not the running system's.
    pub fn relocations(&self) -> impl Iterator<Item = &Relocation> {
        self.place_all();
        self.placed
            .iter()
            .filter_map(|p| p.get().map(|p| &p.relocation))
    }

    /// The peripheral holding `[addr, addr + len)`. The board file's windows
    /// are tried first; the whole device tree is read only when the address
    /// is in none of them or its peripheral has moved.
    pub fn window_of(&self, addr: u64, len: u64) -> Option<&Peripheral> {
        if let Some(candidate) = self.index_at(addr, len) {
            self.place(candidate);
            // Still the first to hold it once at its device-tree address?
            if self.index_at(addr, len) == Some(candidate) {
                return Some(self.peripheral(candidate));
            }
        }
        self.place_all();
        self.index_at(addr, len).map(|i| self.peripheral(i))
    }

    /// The peripheral named `name`, at its device-tree address (an error
    /// naming the closest peripherals when there is none of that name).
    pub fn find_peripheral(&self, name: &str) -> Result<&Peripheral, BoardError> {
        let p = self.lib.find_peripheral(name)?;
        Ok(self.place(self.index_of(p)))
    }

    /// Resolves `peripheral.REGISTER[.FIELD]`, at the peripheral's device-tree address.
    pub fn resolve(&self, name: &str) -> Result<Resolved<'_>, BoardError> {
        let r = self.lib.resolve(name)?;
        let p = self.place(self.index_of(r.peripheral));
        Ok(Resolved {
            peripheral: p,
            address: p.base + r.register.offset,
            ..r
        })
    }

    /// Every register of a peripheral except aliases (a usage error naming
    /// the closest peripherals when there is none of that name).
    pub fn peripheral_registers(&self, peripheral: &str) -> Result<Vec<Resolved<'_>>, BoardError> {
        let p = self.find_peripheral(peripheral)?;
        Ok(p.layout
            .registers
            .iter()
            .filter(|r| r.alias_of.is_none())
            .map(|r| Resolved {
                peripheral: p,
                register: r,
                field: None,
                address: p.base + r.offset,
            })
            .collect())
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
