//! Fake register files for the driver tests: a zeroed file standing in for a
//! peripheral's registers at a physical address, mapped through the library
//! like /dev/mem would be, and read and written behind the mapping's back
//! with plain file I/O at the datasheet's offsets (a shared file mapping and
//! pread/pwrite see the same page cache).

#![allow(dead_code)]

use std::os::unix::fs::FileExt;
use std::path::PathBuf;

use physreg::map::{Mapping, Mode, Region, Source};

/// A register file of `size` bytes whose first byte is address `base`.
pub struct Fake {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
    pub base: u64,
    pub size: u64,
}

impl Fake {
    pub fn new(base: u64, size: u64) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("regs.bin");
        std::fs::write(&path, vec![0u8; size as usize]).expect("register file");
        Fake {
            _dir: dir,
            path,
            base,
            size,
        }
    }

    fn file(&self) -> std::fs::File {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.path)
            .expect("open register file")
    }

    /// The whole file, mapped read-write.
    pub fn map(&self) -> Mapping {
        self.map_mode(Mode::ReadWrite)
    }

    pub fn map_mode(&self, mode: Mode) -> Mapping {
        Mapping::open(
            &Source::file(&self.path, self.base),
            Region::new(self.base, self.size),
            mode,
        )
        .expect("map register file")
    }

    /// Stores a little-endian 32-bit value at byte `offset` of the file.
    pub fn poke32(&self, offset: u64, value: u32) {
        self.file()
            .write_all_at(&value.to_le_bytes(), offset)
            .expect("poke");
    }

    /// Stores raw bytes at byte `offset`.
    pub fn poke_bytes(&self, offset: u64, bytes: &[u8]) {
        self.file().write_all_at(bytes, offset).expect("poke");
    }

    /// The little-endian 32-bit value at byte `offset`.
    pub fn peek32(&self, offset: u64) -> u32 {
        let mut b = [0u8; 4];
        self.file().read_exact_at(&mut b, offset).expect("peek");
        u32::from_le_bytes(b)
    }

    /// Raw bytes at byte `offset`.
    pub fn peek_bytes(&self, offset: u64, len: usize) -> Vec<u8> {
        let mut b = vec![0u8; len];
        self.file().read_exact_at(&mut b, offset).expect("peek");
        b
    }

    /// Offsets (multiples of 4) whose 32-bit value is not zero, with the value.
    pub fn nonzero_words(&self) -> Vec<(u64, u32)> {
        let bytes = std::fs::read(&self.path).expect("read register file");
        bytes
            .chunks_exact(4)
            .enumerate()
            .map(|(i, w)| (4 * i as u64, u32::from_le_bytes([w[0], w[1], w[2], w[3]])))
            .filter(|&(_, v)| v != 0)
            .collect()
    }
}
