//! What every command shares: the global options, the open mappings (kept
//! across the lines of a batch), /proc/iomem, the board, and the write lock.

use std::path::Path;
use std::rc::Rc;

use anyhow::{bail, Context as _};
use physreg::board::Peripheral;
use physreg::iomem::{Iomem, RangeStatus};
use physreg::map::{page_size, MapError, Mapping, Mode, Region, Source};
use physreg::reg::{Endianness, Width};

use crate::board::{self, Board, BoardCell};
use crate::cli::Globals;
use crate::lock::Locker;
use crate::output::{addr, Format};
use crate::sigbus;

/// Most mappings a batch keeps open at once (oldest dropped first).
const MAX_MAPPINGS: usize = 64;

/// One register access: where, how wide, which byte order, and through which
/// peripheral window (for named registers and addresses inside a board's
/// peripheral).
#[derive(Clone, Debug)]
pub struct Loc {
    /// Physical address.
    pub addr: u64,
    /// Access width.
    pub width: Width,
    /// Device byte order.
    pub endian: Endianness,
}

impl Loc {
    /// A little-endian access.
    pub fn new(addr: u64, width: Width) -> Self {
        Loc {
            addr,
            width,
            endian: Endianness::Little,
        }
    }
}

/// The shared state of one physreg process. The board lives in a
/// [`BoardCell`] of the caller's, for `'b`: registers resolved in it stay
/// usable while the context maps and accesses memory.
pub struct Ctx<'b> {
    /// The global options.
    pub globals: Globals,
    maps: Vec<Mapping>,
    locker: Option<Rc<Locker>>,
    /// The write lock, while a batch holds it across lines.
    held_lock: Option<crate::lock::Guard>,
    iomem: Option<Option<Iomem>>,
    board: &'b BoardCell,
    /// Drivers already warned about.
    warned: Vec<String>,
    /// Whether /dev/mem opens for reading, and for writing: asked once, not per access.
    devmem_access: [Option<bool>; 2],
}

impl<'b> Ctx<'b> {
    /// A context for `globals`, loading its board (when one is needed) into
    /// `board`; nothing is opened yet.
    pub fn new(globals: Globals, board: &'b BoardCell) -> Self {
        Ctx {
            globals,
            maps: Vec::new(),
            locker: None,
            held_lock: None,
            iomem: None,
            board,
            warned: Vec::new(),
            devmem_access: [None; 2],
        }
    }

    /// The output format.
    pub fn format(&self) -> Format {
        self.globals.format
    }

    /// Whether `--force` was given.
    pub fn force(&self) -> bool {
        self.globals.force
    }

    /// The board in effect: `--board`, or the one detected from the device
    /// tree when mapping /dev/mem (or when `--device-tree` names a folder).
    pub fn board(&self) -> anyhow::Result<Option<&'b Board>> {
        let cell = self.board;
        if let Some(loaded) = cell.get() {
            return Ok(loaded.as_ref());
        }
        let loaded = match &self.globals.board {
            Some(spec) => {
                let root = self.device_tree_root().to_path_buf();
                let live = self.globals.device_tree.is_some() || self.is_devmem();
                Some(board::load(spec, live.then_some(root.as_path()))?)
            }
            // The running system's board: for /dev/mem and the other
            // device files of this system, not for a regular file.
            None if self.globals.device_tree.is_some()
                || is_none_or_dev(self.globals.device.as_deref()) =>
            {
                board::detect(self.device_tree_root())
            }
            None => None,
        };
        Ok(cell.get_or_init(|| loaded).as_ref())
    }

    /// The board, or an error saying how to name one.
    pub fn require_board(&self, what: &str) -> anyhow::Result<&'b Board> {
        match self.board()? {
            Some(b) => Ok(b),
            None => Err(crate::error::usage(format!(
                "{what} needs a board: pass --board NAME or --board FILE.toml (see 'physreg list' for the built-in boards)"
            ))),
        }
    }

    /// The device-tree root to detect the board from.
    pub fn device_tree_root(&self) -> &Path {
        self.globals
            .device_tree
            .as_deref()
            .unwrap_or(Path::new("/proc/device-tree"))
    }

    /// Whether accesses go to /dev/mem: the real physical address space.
    fn is_devmem(&self) -> bool {
        if self.globals.simulate {
            return false;
        }
        match self.globals.device.as_deref() {
            None => true,
            Some(d) => d == Path::new("/dev/mem"),
        }
    }

    /// The parsed /proc/iomem (or `--iomem FILE`) when it describes the
    /// addresses being accessed: only for /dev/mem unless a file is given.
    fn iomem(&mut self) -> Option<&Iomem> {
        if self.iomem.is_none() {
            let loaded = match &self.globals.iomem {
                Some(path) => Iomem::load_from(path).ok(),
                None if self.is_devmem() => Iomem::load().ok(),
                None => None,
            };
            self.iomem = Some(loaded);
        }
        self.iomem.as_ref().and_then(Option::as_ref)
    }

    /// Where an access at `addr` is mapped from, and the window to map.
    fn source_and_window(
        &mut self,
        addr: u64,
        len: u64,
        write: bool,
    ) -> anyhow::Result<(Source, Region)> {
        if self.globals.simulate {
            return self.simulated_window(addr, len);
        }
        // Address accesses do not load the board (detection parses the
        // built-in boards and reads the device tree), unless /dev/mem is out
        // of reach and a peripheral's own device file (/dev/gpiomem) may serve.
        let gpiomem_without_base =
            self.globals.base.is_none() && self.globals.device.as_deref().is_some_and(is_gpiomem);
        if self.board.get().is_none()
            && ((self.globals.device.is_none() && !self.can_open_devmem(write))
                || gpiomem_without_base)
        {
            self.board()?;
        }
        let window: Option<&Peripheral> = self
            .board
            .get()
            .and_then(Option::as_ref)
            .and_then(|b| b.window_of(addr, len))
            .filter(|w| {
                w.base <= addr && addr.saturating_add(len) <= w.base.saturating_add(w.size)
            });
        let page = page_size() as u64;
        let page_base = addr & !(page - 1);
        let page_end = addr.saturating_add(len).div_ceil(page).saturating_mul(page);
        let page_region = Region::new(page_base, page_end.saturating_sub(page_base).max(len));
        let devmem_ok = window.is_some_and(|w| w.device.is_some())
            && self.globals.device.is_none()
            && self.can_open_devmem(write);
        let source = match (&self.globals.device, &window) {
            (Some(dev), w) => {
                let base = match (self.globals.base, w) {
                    (Some(b), _) => b,
                    (None, Some(w)) if is_gpiomem(dev) => match &w.device {
                        Some(d) => d.base,
                        None => w.base,
                    },
                    (None, None) if is_gpiomem(dev) => bail!(crate::error::UsageError(format!(
                        "{}: which physical address is its offset 0? Pass --base ADDRESS, or --board NAME for a board whose GPIO block it maps",
                        dev.display()
                    ))),
                    (None, _) => 0,
                };
                Source::from_path(dev, base)
            }
            // A peripheral with a device file of its own (/dev/gpiomem) is
            // mapped through it when /dev/mem cannot be opened by this user.
            (None, Some(w)) => match &w.device {
                Some(d) if d.path.exists() && !devmem_ok => Source::from_path(&d.path, d.base),
                _ => Source::devmem(),
            },
            (None, None) => Source::devmem(),
        };
        let region = match window {
            Some(w) => Region::new(w.base, w.size),
            None => page_region,
        };
        Ok((source, region))
    }

    /// `--simulate`: the peripheral holding `[addr, addr + len)` as anonymous memory.
    fn simulated_window(&self, addr: u64, len: u64) -> anyhow::Result<(Source, Region)> {
        let board = self.require_board("--simulate")?;
        match board.window_of(addr, len) {
            Some(w) if w.base <= addr && addr.saturating_add(len) <= w.base.saturating_add(w.size) => {
                Ok((Source::anonymous(w.base), Region::new(w.base, w.size)))
            }
            _ => Err(crate::error::usage(format!(
                "{} is not inside a peripheral of board {}: --simulate has only the board's peripherals",
                crate::output::addr(addr),
                board.name()
            ))),
        }
    }

    /// Fills a fresh simulated peripheral with its registers' reset values.
    fn load_reset_values(&self, map: &Mapping) -> anyhow::Result<()> {
        let Some(board) = self.board.get().and_then(Option::as_ref) else {
            return Ok(());
        };
        let Some(periph) = board.peripherals().find(|p| p.base == map.base()) else {
            return Ok(());
        };
        // Aliases (RP1's atomic SET/CLR views) have no storage of their own.
        for reg in periph
            .layout
            .registers
            .iter()
            .filter(|r| r.alias_of.is_none())
        {
            if let Some(reset) = reg.reset {
                map.dyn_reg(periph.base + reg.offset, reg.width, reg.endian, true)?
                    .write(reset & reg.width.mask())?;
            }
        }
        Ok(())
    }

    /// A mapping covering `[addr, addr + len)`, from the cache or newly opened.
    fn mapping(&mut self, addr: u64, len: u64, write: bool) -> anyhow::Result<&Mapping> {
        let (source, region) = self.source_and_window(addr, len, write)?;
        let hit = self.maps.iter().rposition(|m| {
            m.contains(addr, len) && (!write || m.mode().writable()) && *m.source() == source
        });
        if let Some(i) = hit {
            return Ok(&self.maps[i]);
        }
        let mode = if write || self.globals.simulate {
            Mode::ReadWrite
        } else {
            Mode::ReadOnly
        };
        let map = match Mapping::open(&source, region, mode) {
            Ok(m) => m,
            // The window or page reaches past what the source covers (a small
            // file, a PCI BAR): map only the part of it inside the source.
            Err(MapError::OutsideSource { start, limit, .. })
                if start <= addr && addr.saturating_add(len) <= limit =>
            {
                let lo = region.base.max(start);
                let hi = region.base.saturating_add(region.size).min(limit);
                Mapping::open(&source, Region::new(lo, hi - lo), mode)?
            }
            Err(e) => return Err(e.into()),
        };
        if self.globals.simulate {
            // Simulated memory is read-write whatever the access, so that a
            // batch's reads and writes share one copy of each peripheral.
            self.load_reset_values(&map)?;
        }
        if self.maps.len() >= MAX_MAPPINGS {
            self.maps.remove(0);
        }
        self.maps.push(map);
        Ok(self.maps.last().expect("just pushed"))
    }

    /// Maps the whole of `[addr, addr + len)` read-only (dump).
    pub fn map_range(&mut self, addr: u64, len: u64) -> anyhow::Result<&Mapping> {
        if self.globals.simulate {
            return self.mapping(addr, len, false);
        }
        let (source, _) = self.source_and_window(addr, len, false)?;
        let hit = self
            .maps
            .iter()
            .rposition(|m| m.contains(addr, len) && *m.source() == source);
        if let Some(i) = hit {
            return Ok(&self.maps[i]);
        }
        let map = Mapping::open(&source, Region::new(addr, len), Mode::ReadOnly)?;
        self.maps.push(map);
        Ok(self.maps.last().expect("just pushed"))
    }

    /// One read: a single load of the width.
    pub fn read(&mut self, loc: &Loc) -> anyhow::Result<u64> {
        let map = self.mapping(loc.addr, loc.width.bytes() as u64, false)?;
        let reg = map.dyn_reg(loc.addr, loc.width, loc.endian, false)?;
        let _in_flight = sigbus::Access::read(loc.addr, loc.width.bits());
        Ok(reg.read())
    }

    /// One write: a single store of the width. The caller has run
    /// [`check_write`](Self::check_write) and holds the lock.
    pub fn write(&mut self, loc: &Loc, value: u64) -> anyhow::Result<()> {
        if !loc.width.fits(value) {
            bail!(crate::error::UsageError(format!(
                "value {} does not fit in {} bits",
                crate::output::hex(value, Width::W64),
                loc.width.bits()
            )));
        }
        let map = self.mapping(loc.addr, loc.width.bytes() as u64, true)?;
        let reg = map.dyn_reg(loc.addr, loc.width, loc.endian, true)?;
        let _in_flight = sigbus::Access::write(loc.addr, loc.width.bits());
        reg.write(value)?;
        Ok(())
    }

    /// Prepares the mapping a write will use without writing (so that a
    /// mapping error stops the command before any store).
    pub fn prepare_write(&mut self, loc: &Loc) -> anyhow::Result<()> {
        let map = self.mapping(loc.addr, loc.width.bytes() as u64, true)?;
        map.dyn_reg(loc.addr, loc.width, loc.endian, true)?;
        Ok(())
    }

    /// Refuses writes to System RAM and (when `board_windows`) outside the
    /// board's peripheral windows unless `--force`; warns when a driver has
    /// claimed the range.
    pub fn check_write(&mut self, a: u64, width: Width, board_windows: bool) -> anyhow::Result<()> {
        let len = width.bytes() as u64;
        if a % len != 0 {
            bail!(crate::error::UsageError(format!(
                "address {} is not aligned for a {}-bit access: it must be a multiple of {len}",
                addr(a),
                width.bits()
            )));
        }
        let force = self.globals.force;
        let status = self.iomem().map(|io| io.status(a, len));
        match status {
            Some(RangeStatus::SystemRam) if !force => bail!(
                "refusing to write {}: it is System RAM (per /proc/iomem), and a stray store there corrupts the running kernel; pass --force if you really mean it",
                addr(a)
            ),
            // Once per driver and process: a batch of UART writes warns once.
            Some(RangeStatus::Claimed(owner)) if !self.warned.contains(&owner) => {
                eprintln!(
                    "physreg: warning: {} is claimed by the kernel driver '{owner}' (per /proc/iomem): the driver may undo or be confused by this write",
                    addr(a)
                );
                self.warned.push(owner);
            }
            _ => {}
        }
        if !force && board_windows {
            if let Some(b) = self.board()? {
                if b.window_of(a, len).is_none() {
                    bail!(
                        "refusing to write {}: it is outside every peripheral of board '{}'; pass --force to write there anyway",
                        addr(a),
                        b.name()
                    );
                }
            }
        }
        Ok(())
    }

    /// Takes the write lock (unless `--no-lock`) for the guard's lifetime;
    /// nothing to take while [`hold_lock`](Self::hold_lock) holds it.
    pub fn lock(&mut self) -> anyhow::Result<Option<crate::lock::Guard>> {
        if self.globals.no_lock || self.held_lock.is_some() {
            return Ok(None);
        }
        if self.locker.is_none() {
            self.locker = Some(Rc::new(Locker::open()?));
        }
        let locker = self.locker.as_ref().context("lock file")?;
        Ok(Some(locker.lock()?))
    }
}

impl Ctx<'_> {
    /// Takes the write lock until [`release_lock`](Self::release_lock) (a
    /// batch's run of writes), unless `--no-lock` or already held.
    pub fn hold_lock(&mut self) -> anyhow::Result<()> {
        if self.held_lock.is_none() {
            self.held_lock = self.lock()?;
        }
        Ok(())
    }

    /// Releases the lock [`hold_lock`](Self::hold_lock) took.
    pub fn release_lock(&mut self) {
        self.held_lock = None;
    }

    /// Whether /dev/mem can be opened for reading (and writing, if `write`), asked once.
    fn can_open_devmem(&mut self, write: bool) -> bool {
        *self.devmem_access[usize::from(write)].get_or_insert_with(|| devmem_accessible(write))
    }
}

/// access(2) on /dev/mem for reading (and writing, if `write`).
fn devmem_accessible(write: bool) -> bool {
    let mode = if write {
        libc::R_OK | libc::W_OK
    } else {
        libc::R_OK
    };
    // SAFETY: access() with a NUL-terminated path literal.
    unsafe { libc::access(c"/dev/mem".as_ptr(), mode) == 0 }
}

/// Whether a `--device` path is absent or a device of this system (under /dev).
fn is_none_or_dev(device: Option<&Path>) -> bool {
    match device {
        None => true,
        Some(p) => p.starts_with("/dev/"),
    }
}

fn is_gpiomem(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("gpiomem"))
}
