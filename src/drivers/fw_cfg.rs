//! QEMU's firmware configuration device (fw_cfg), memory-mapped form.
//!
//! From QEMU's specification (docs/specs/fw_cfg.rst): on Arm the device is
//! three registers, the data register at +0 (reads of 1 to 8 bytes return
//! the selected item's next bytes in memory order), the 16-bit big-endian
//! selector at +8, and the 64-bit big-endian DMA address at +16. QEMU's virt
//! board has it at 0x09020000. Writing a key to the selector rewinds that
//! item to its first byte.
//!
//! The file directory (key 0x0019) is a big-endian 32-bit count followed by
//! 64-byte entries: size (u32 BE), selector (u16 BE), reserved (u16), name
//! (56 bytes, NUL-terminated).
//!
//! This driver reads through the data register only. The DMA interface is
//! faster for large items but needs the *physical* address of a buffer, which
//! a user-space program cannot get without pinning memory and reading
//! /proc/self/pagemap: not simpler here. [`FwCfg::features`] reports whether
//! the device offers it.

use thiserror::Error;
use tock_registers::interfaces::{Readable, Writeable};

use super::{check_block, reg_info, RegInfo};
use crate::map::Mapping;
use crate::reg::{AccessError, Be, Reg, RoReg, WriteOnly};

/// Register offsets from the device's base.
pub mod offset {
    /// Data register (1 to 8 bytes wide).
    pub const DATA: u64 = 0x00;
    /// Selector register (16 bits, big-endian).
    pub const SELECTOR: u64 = 0x08;
    /// DMA address register (64 bits, big-endian).
    pub const DMA: u64 = 0x10;
}

/// Size of the register block.
pub const BLOCK_SIZE: u64 = 0x18;

/// Well-known selector keys.
pub mod key {
    /// "QEMU" (4 bytes).
    pub const SIGNATURE: u16 = 0x0000;
    /// Feature bitmap (u32 little-endian): bit 0 traditional interface, bit 1 DMA.
    pub const ID: u16 = 0x0001;
    /// The machine's UUID (16 bytes).
    pub const UUID: u16 = 0x0002;
    /// Number of CPUs (u16 little-endian).
    pub const NB_CPUS: u16 = 0x0005;
    /// The file directory.
    pub const FILE_DIR: u16 = 0x0019;
    /// First key used for files.
    pub const FILE_FIRST: u16 = 0x0020;
}

/// Feature bit: the traditional (selector and data register) interface.
pub const FEATURE_TRADITIONAL: u32 = 1 << 0;
/// Feature bit: the DMA interface.
pub const FEATURE_DMA: u32 = 1 << 1;

/// The signature item's value.
pub const SIGNATURE: [u8; 4] = *b"QEMU";

/// Size of one file directory entry.
pub const DIR_ENTRY_SIZE: usize = 64;
/// Bytes of a file name in a directory entry, NUL included.
pub const NAME_SIZE: usize = 56;
/// Largest file count this driver accepts from a directory (the key space
/// leaves room for fewer: 0x4000 keys minus the fixed ones).
pub const MAX_FILES: u32 = 0x4000;
/// Largest item this driver reads into memory.
pub const MAX_READ: u32 = 256 << 20;

/// The registers this driver uses, for the board-file cross-check. The data
/// register takes reads of 8 to 64 bits (the driver uses all four); its
/// natural width is one byte.
pub const LAYOUT: &[RegInfo] = &[
    reg_info!("DATA", offset::DATA, 8),
    reg_info!(big "SELECTOR", offset::SELECTOR, 16),
    reg_info!(big "DMA", offset::DMA, 64),
];

/// What can go wrong talking to fw_cfg.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FwCfgError {
    /// A register handle could not be made.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The signature item is not "QEMU": not a fw_cfg device.
    #[error("no fw_cfg device at {base:#x}: the signature reads {found:02x?}, not \"QEMU\"")]
    NoDevice {
        /// The address tried.
        base: u64,
        /// The four bytes read.
        found: [u8; 4],
    },
    /// The file directory does not parse.
    #[error("fw_cfg file directory: {0}")]
    BadDirectory(String),
    /// No file has this name.
    #[error(
        "fw_cfg has no file named {name:?} (it has {count} files: list them with FwCfg::files)"
    )]
    NoSuchFile {
        /// The name asked for.
        name: String,
        /// How many files there are.
        count: usize,
    },
    /// An item too large to read into memory.
    #[error(
        "fw_cfg item of {size} bytes is larger than the {max} bytes this driver reads at once"
    )]
    TooLarge {
        /// Its size.
        size: u32,
        /// The limit.
        max: u32,
    },
}

/// One entry of the file directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FwCfgFile {
    /// Size in bytes.
    pub size: u32,
    /// The selector key that reads it.
    pub select: u16,
    /// Its name (`etc/...`, `bootorder`...).
    pub name: String,
}

/// Parses a file directory item: the big-endian count and the 64-byte entries.
///
/// `bytes` may be longer than the directory (trailing bytes are ignored); a
/// directory shorter than its count says is an error.
pub fn parse_directory(bytes: &[u8]) -> Result<Vec<FwCfgFile>, FwCfgError> {
    let count_bytes: [u8; 4] = bytes
        .get(0..4)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| FwCfgError::BadDirectory("shorter than its 4-byte count".into()))?;
    let count = u32::from_be_bytes(count_bytes);
    if count > MAX_FILES {
        return Err(FwCfgError::BadDirectory(format!(
            "{count} files claimed, more than the {MAX_FILES} keys can hold"
        )));
    }
    let mut files = Vec::with_capacity(count as usize);
    for i in 0..count as usize {
        let start = 4 + i * DIR_ENTRY_SIZE;
        let entry = bytes.get(start..start + DIR_ENTRY_SIZE).ok_or_else(|| {
            FwCfgError::BadDirectory(format!(
                "{count} files claimed but only {} bytes read: entry {i} is cut short",
                bytes.len()
            ))
        })?;
        let size = u32::from_be_bytes([entry[0], entry[1], entry[2], entry[3]]);
        let select = u16::from_be_bytes([entry[4], entry[5]]);
        let raw = &entry[8..8 + NAME_SIZE];
        let len = raw.iter().position(|&b| b == 0).unwrap_or(NAME_SIZE);
        files.push(FwCfgFile {
            size,
            select,
            name: String::from_utf8_lossy(&raw[..len]).into_owned(),
        });
    }
    Ok(files)
}

/// The fw_cfg device at a fixed address in a writable mapping.
#[derive(Clone, Copy, Debug)]
pub struct FwCfg<'m> {
    base: u64,
    data64: RoReg<'m, u64>,
    data32: RoReg<'m, u32>,
    data16: RoReg<'m, u16>,
    data8: RoReg<'m, u8>,
    selector: Reg<'m, u16, (), WriteOnly, Be>,
}

impl<'m> FwCfg<'m> {
    /// The device at `base` in `map` (writable: selecting an item is a store).
    /// Does not touch the device; see [`probe`](Self::probe).
    pub fn new(map: &'m Mapping, base: u64) -> Result<Self, FwCfgError> {
        check_block(map, base, offset::SELECTOR + 2)?;
        Ok(FwCfg {
            base,
            data64: map.reg(base + offset::DATA)?,
            data32: map.reg(base + offset::DATA)?,
            data16: map.reg(base + offset::DATA)?,
            data8: map.reg(base + offset::DATA)?,
            selector: map.reg(base + offset::SELECTOR)?,
        })
    }

    /// The device at `base`, after checking its signature reads "QEMU".
    pub fn probe(map: &'m Mapping, base: u64) -> Result<Self, FwCfgError> {
        let dev = Self::new(map, base)?;
        let found = dev.signature();
        if found != SIGNATURE {
            return Err(FwCfgError::NoDevice { base, found });
        }
        Ok(dev)
    }

    /// The device's base address.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// Selects `key` and rewinds it: one big-endian 16-bit store.
    pub fn select(&self, key: u16) {
        self.selector.set(key);
    }

    /// Reads the next `buf.len()` bytes of the selected item: 8-byte loads,
    /// then a 4-, 2- and 1-byte load as the tail needs, so that exactly
    /// `buf.len()` bytes are consumed. Past an item's end the device returns
    /// zeros.
    pub fn read(&self, buf: &mut [u8]) {
        // The device returns the item's bytes in memory order: a little-endian
        // handle's value, laid out little-endian, is that order on any host.
        let mut chunks = buf.chunks_exact_mut(8);
        for chunk in &mut chunks {
            chunk.copy_from_slice(&self.data64.get().to_le_bytes());
        }
        let mut tail = chunks.into_remainder();
        if tail.len() >= 4 {
            let (head, rest) = tail.split_at_mut(4);
            head.copy_from_slice(&self.data32.get().to_le_bytes());
            tail = rest;
        }
        if tail.len() >= 2 {
            let (head, rest) = tail.split_at_mut(2);
            head.copy_from_slice(&self.data16.get().to_le_bytes());
            tail = rest;
        }
        if let Some(b) = tail.first_mut() {
            *b = self.data8.get();
        }
    }

    /// Selects `key` and fills `buf` from its first byte.
    pub fn read_item(&self, key: u16, buf: &mut [u8]) {
        self.select(key);
        self.read(buf);
    }

    /// Selects `key` and reads its first `len` bytes into a new vector.
    pub fn read_item_vec(&self, key: u16, len: u32) -> Result<Vec<u8>, FwCfgError> {
        if len > MAX_READ {
            return Err(FwCfgError::TooLarge {
                size: len,
                max: MAX_READ,
            });
        }
        let mut buf = vec![0; len as usize];
        self.read_item(key, &mut buf);
        Ok(buf)
    }

    /// The signature item: "QEMU" on a real device (one 8-byte read: the
    /// item is 4 bytes, the device pads with zeros).
    pub fn signature(&self) -> [u8; 4] {
        let mut sig = [0; 8];
        self.read_item(key::SIGNATURE, &mut sig);
        [sig[0], sig[1], sig[2], sig[3]]
    }

    /// The feature bitmap ([`FEATURE_TRADITIONAL`], [`FEATURE_DMA`]), a
    /// 4-byte little-endian item read with one 8-byte load.
    pub fn features(&self) -> u32 {
        let mut id = [0; 8];
        self.read_item(key::ID, &mut id);
        u32::from_le_bytes([id[0], id[1], id[2], id[3]])
    }

    /// The file directory, in the device's order.
    pub fn files(&self) -> Result<Vec<FwCfgFile>, FwCfgError> {
        self.select(key::FILE_DIR);
        let mut count = [0; 4];
        self.read(&mut count);
        let n = u32::from_be_bytes(count);
        if n > MAX_FILES {
            return Err(FwCfgError::BadDirectory(format!(
                "{n} files claimed, more than the {MAX_FILES} keys can hold"
            )));
        }
        let mut bytes = vec![0; 4 + n as usize * DIR_ENTRY_SIZE];
        bytes[..4].copy_from_slice(&count);
        self.read(&mut bytes[4..]);
        parse_directory(&bytes)
    }

    /// The directory entry named `name`.
    pub fn find(&self, name: &str) -> Result<FwCfgFile, FwCfgError> {
        let files = self.files()?;
        let count = files.len();
        files
            .into_iter()
            .find(|f| f.name == name)
            .ok_or_else(|| FwCfgError::NoSuchFile {
                name: name.to_string(),
                count,
            })
    }

    /// The contents of the file named `name`.
    pub fn read_file(&self, name: &str) -> Result<Vec<u8>, FwCfgError> {
        let file = self.find(name)?;
        self.read_item_vec(file.select, file.size)
    }
}
