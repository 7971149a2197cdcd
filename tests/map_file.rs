//! The mapping layer over regular files and anonymous memory: every width and
//! byte order, bounds, alignment, read-only enforcement, mid-page and
//! page-crossing mappings, and each error a file can produce.

use std::path::{Path, PathBuf};

use physreg::map::{page_size, MapError, Mapping, Mode, Region, Source};
use physreg::reg::{
    AccessError, Be, DynReg, Endianness, Le, ReadWrite, Reg, RoReg, RwReg, Width, WoReg,
};
use tock_registers::interfaces::{ReadWriteable, Readable, Writeable};
use tock_registers::register_bitfields;

const BASE: u64 = 0x3f20_0000;

/// A temp folder holding a file of `len` bytes where byte i is `i as u8`.
fn image(len: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mem.bin");
    let bytes: Vec<u8> = (0..len).map(|i| i as u8).collect();
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn open(path: &Path, base: u64, off: u64, len: u64, mode: Mode) -> Mapping {
    Mapping::open(
        &Source::file(path, base),
        Region::new(base + off, len),
        mode,
    )
    .unwrap()
}

fn file_bytes(path: &Path, at: usize, n: usize) -> Vec<u8> {
    std::fs::read(path).unwrap()[at..at + n].to_vec()
}

#[test]
fn reads_every_width_little_endian() {
    let (_d, path) = image(0x100);
    let map = open(&path, BASE, 0, 0x100, Mode::ReadOnly);
    let b: RoReg<u8> = map.reg(BASE + 0x11).unwrap();
    let h: RoReg<u16> = map.reg(BASE + 0x12).unwrap();
    let w: RoReg<u32> = map.reg(BASE + 0x14).unwrap();
    let d: RoReg<u64> = map.reg(BASE + 0x18).unwrap();
    assert_eq!(b.get(), 0x11);
    assert_eq!(h.get(), 0x1312);
    assert_eq!(w.get(), 0x1716_1514);
    assert_eq!(d.get(), 0x1f1e_1d1c_1b1a_1918);
}

#[test]
fn big_endian_handles_swap_on_both_paths() {
    let (_d, path) = image(0x100);
    let map = open(&path, BASE, 0, 0x100, Mode::ReadWrite);
    let sel: Reg<u16, (), ReadWrite, Be> = map.reg(BASE + 8).unwrap();
    assert_eq!(sel.get(), 0x0809);
    sel.set(0x0019); // fw_cfg's FW_CFG_FILE_DIR selector, big-endian on the bus
    drop(map);
    assert_eq!(file_bytes(&path, 8, 2), [0x00, 0x19]);

    let map = open(&path, BASE, 0, 0x100, Mode::ReadWrite);
    let d = map
        .dyn_reg(BASE + 0x20, Width::W32, Endianness::Big, true)
        .unwrap();
    d.write(0x5145_4d55).unwrap(); // "QEMU"
    assert_eq!(d.read(), 0x5145_4d55);
    let le: Reg<u32, (), ReadWrite, Le> = map.reg(BASE + 0x20).unwrap();
    assert_eq!(le.get(), 0x554d_4551);
    drop(map);
    assert_eq!(file_bytes(&path, 0x20, 4), *b"QEMU");
}

#[test]
fn writes_every_width_reach_the_file() {
    let (_d, path) = image(0x40);
    let map = open(&path, BASE, 0, 0x40, Mode::ReadWrite);
    for (i, width) in Width::ALL.into_iter().enumerate() {
        let addr = BASE + 8 * (i as u64 + 1);
        let value = 0xa5a5_a5a5_a5a5_a5a5 & width.mask();
        map.write(addr, width, value).unwrap();
        assert_eq!(map.read(addr, width).unwrap(), value, "{width}");
    }
    let w: WoReg<u32> = map.reg(BASE).unwrap();
    w.set(0xcafe_f00d);
    drop(map);
    assert_eq!(file_bytes(&path, 0, 4), 0xcafe_f00du32.to_le_bytes());
    assert_eq!(file_bytes(&path, 8, 1), [0xa5]);
    assert_eq!(file_bytes(&path, 16, 3), [0xa5, 0xa5, 0x12]);
}

#[test]
fn bounds_are_checked_when_a_handle_is_made() {
    let (_d, path) = image(0x100);
    let map = open(&path, BASE, 0x10, 0x20, Mode::ReadOnly);
    assert_eq!(map.base(), BASE + 0x10);
    assert_eq!(map.len(), 0x20);
    assert!(map.read(BASE + 0x2c, Width::W32).is_ok());
    let err = map.read(BASE + 0x30, Width::W32).unwrap_err();
    assert_eq!(
        err,
        AccessError::OutOfBounds {
            addr: BASE + 0x30,
            bits: 32,
            start: BASE + 0x10,
            end: BASE + 0x30
        }
    );
    assert!(
        err.to_string()
            .contains("32-bit access at 0x3f200030 is outside"),
        "{err}"
    );
    assert!(
        map.read(BASE + 0x2c, Width::W64).is_err(),
        "straddles the end"
    );
    assert!(map.read(BASE + 0xc, Width::W32).is_err(), "below the start");
    assert!(
        map.read(u64::MAX - 1, Width::W32).is_err(),
        "address overflow"
    );
    assert!(map.reg::<u64, (), ReadWrite, Le>(0).is_err());
}

#[test]
fn misaligned_accesses_are_refused_with_address_and_width() {
    let (_d, path) = image(0x100);
    let map = open(&path, BASE, 0, 0x100, Mode::ReadWrite);
    for width in [Width::W16, Width::W32, Width::W64] {
        let err = map.read(BASE + 1, width).unwrap_err();
        assert_eq!(
            err,
            AccessError::Misaligned {
                addr: BASE + 1,
                bits: width.bits()
            }
        );
    }
    assert!(map.read(BASE + 1, Width::W8).is_ok());
    let msg = map.read(BASE + 2, Width::W32).unwrap_err().to_string();
    assert_eq!(
        msg,
        "address 0x3f200002 is not aligned for a 32-bit access: it must be a multiple of 4"
    );
}

#[test]
fn base_that_disagrees_with_page_alignment_still_gives_aligned_pointers() {
    // Address 0x1002 sits at file offset 1: a 16-bit access there would be a
    // misaligned load, so the mapping refuses it even though 0x1002 % 2 == 0.
    let (_d, path) = image(0x40);
    let map = Mapping::open(
        &Source::file(&path, 0x1001),
        Region::new(0x1001, 0x20),
        Mode::ReadOnly,
    )
    .unwrap();
    assert_eq!(map.read(0x1001, Width::W8).unwrap(), 0);
    assert!(matches!(
        map.read(0x1002, Width::W16),
        Err(AccessError::Misaligned { .. })
    ));
}

#[test]
fn read_only_mappings_refuse_writable_handles_and_leave_the_file_alone() {
    let (_d, path) = image(0x40);
    let before = std::fs::read(&path).unwrap();
    let map = open(&path, BASE, 0, 0x40, Mode::ReadOnly);
    let err = map.write(BASE, Width::W32, 1).unwrap_err();
    assert!(
        matches!(err, AccessError::ReadOnlyMapping { addr: BASE, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("mapped read-only"), "{err}");
    assert!(map.reg::<u32, (), ReadWrite, Le>(BASE).is_err());
    assert!(map
        .dyn_reg(BASE, Width::W8, Endianness::Little, true)
        .is_err());
    let ro: RoReg<u32> = map.reg(BASE).unwrap();
    assert_eq!(ro.get(), 0x0302_0100);
    drop(map);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn values_wider_than_the_register_are_refused_and_not_written() {
    let (_d, path) = image(0x40);
    let map = open(&path, BASE, 0, 0x40, Mode::ReadWrite);
    let err = map.write(BASE, Width::W8, 0x100).unwrap_err();
    assert_eq!(
        err,
        AccessError::ValueTooWide {
            value: 0x100,
            bits: 8
        }
    );
    assert_eq!(map.read(BASE, Width::W8).unwrap(), 0);
    assert_eq!(
        Width::from_bits(12).unwrap_err(),
        AccessError::BadWidth { bits: 12 }
    );
}

#[test]
fn mappings_start_mid_page_and_cross_pages() {
    let page = page_size() as u64;
    let (_d, path) = image(3 * page as usize);
    // Starts 8 bytes before a page boundary and runs 8 bytes past it.
    let start = page - 8;
    let map = open(&path, BASE, start, 16, Mode::ReadWrite);
    let before: RwReg<u64> = map.reg(BASE + start).unwrap();
    let after: RwReg<u64> = map.reg(BASE + page).unwrap();
    let expect = |off: u64| u64::from_le_bytes(std::array::from_fn(|i| (off + i as u64) as u8));
    assert_eq!(before.get(), expect(start));
    assert_eq!(after.get(), expect(page));
    after.set(0x0123_4567_89ab_cdef);
    drop(map);
    assert_eq!(
        file_bytes(&path, page as usize, 8),
        0x0123_4567_89ab_cdefu64.to_le_bytes()
    );
}

#[test]
fn a_mapping_can_cover_a_whole_file() {
    let (_d, path) = image(0x300);
    let map = Mapping::open_whole(&Source::file(&path, BASE), Mode::ReadOnly).unwrap();
    assert_eq!((map.base(), map.len()), (BASE, 0x300));
    assert_eq!(map.read(BASE + 0x2ff, Width::W8).unwrap(), 0xff);
}

#[test]
fn regions_outside_the_file_are_refused_before_mapping() {
    let (_d, path) = image(0x100);
    let src = Source::file(&path, BASE);
    let err = Mapping::open(&src, Region::new(BASE + 0xf0, 0x20), Mode::ReadOnly).unwrap_err();
    assert!(
        matches!(err, MapError::OutsideSource { start: BASE, limit, .. } if limit == BASE + 0x100),
        "{err:?}"
    );
    assert!(err.to_string().contains("lies outside"), "{err}");
    let err = Mapping::open(&src, Region::new(BASE - 4, 8), Mode::ReadOnly).unwrap_err();
    assert!(matches!(err, MapError::OutsideSource { .. }), "{err:?}");
}

#[test]
fn empty_and_overflowing_regions_are_refused() {
    let (_d, path) = image(0x100);
    let src = Source::file(&path, 0);
    for region in [Region::new(0, 0), Region::new(u64::MAX - 3, 8)] {
        let err = Mapping::open(&src, region, Mode::ReadOnly).unwrap_err();
        assert!(matches!(err, MapError::BadRegion { .. }), "{err:?}");
    }
}

#[test]
fn missing_files_and_directories_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.bin");
    let err = Mapping::open(
        &Source::file(&missing, 0),
        Region::new(0, 4),
        Mode::ReadOnly,
    )
    .unwrap_err();
    assert!(matches!(err, MapError::NotFound { .. }), "{err:?}");
    assert!(
        err.to_string().ends_with("nope.bin does not exist"),
        "{err}"
    );
    let err = Mapping::open(
        &Source::file(dir.path(), 0),
        Region::new(0, 4),
        Mode::ReadWrite,
    )
    .unwrap_err();
    assert!(matches!(err, MapError::Io { op: "open", .. }), "{err:?}");
}

#[test]
fn anonymous_memory_starts_zeroed_and_keeps_writes() {
    let map = Mapping::anonymous(0x8000_0000, 64).unwrap();
    assert_eq!(map.read(0x8000_0038, Width::W64).unwrap(), 0);
    map.write(0x8000_0038, Width::W64, u64::MAX).unwrap();
    assert_eq!(map.read(0x8000_003c, Width::W32).unwrap(), 0xffff_ffff);
    let d: DynReg<'_> = map
        .dyn_reg(0x8000_0000, Width::W16, Endianness::Little, true)
        .unwrap();
    assert!(d.writable());
    assert_eq!((d.addr(), d.width()), (0x8000_0000, Width::W16));
}

register_bitfields![u32,
    /// A PL011 control register (UARTCR, offset 0x30), as the TRM lays it out.
    CR [
        UARTEN OFFSET(0) NUMBITS(1) [],
        LBE OFFSET(7) NUMBITS(1) [],
        TXE OFFSET(8) NUMBITS(1) [],
        RXE OFFSET(9) NUMBITS(1) []
    ],
    /// UARTLCR_H (offset 0x2c).
    LCR_H [
        FEN OFFSET(4) NUMBITS(1) [],
        WLEN OFFSET(5) NUMBITS(2) [
            Bits5 = 0, Bits6 = 1, Bits7 = 2, Bits8 = 3
        ]
    ]
];

#[test]
fn tock_register_fields_work_through_handles() {
    let (_d, path) = image(0x1000);
    let map = open(&path, 0x0900_0000, 0, 0x1000, Mode::ReadWrite);
    let cr: RwReg<u32, CR::Register> = map.reg(0x0900_0030).unwrap();
    let lcr: RwReg<u32, LCR_H::Register> = map.reg(0x0900_002c).unwrap();
    cr.write(CR::UARTEN::SET + CR::TXE::SET);
    assert_eq!(cr.get(), 0x101);
    cr.modify(CR::RXE::SET);
    assert!(cr.is_set(CR::RXE) && cr.is_set(CR::UARTEN) && !cr.is_set(CR::LBE));
    lcr.set(0);
    lcr.modify(LCR_H::WLEN::Bits8 + LCR_H::FEN::SET);
    assert_eq!(lcr.read(LCR_H::WLEN), 3);
    assert_eq!(
        lcr.read_as_enum(LCR_H::WLEN),
        Some(LCR_H::WLEN::Value::Bits8)
    );
    drop(map);
    assert_eq!(file_bytes(&path, 0x30, 4), 0x301u32.to_le_bytes());
    assert_eq!(file_bytes(&path, 0x2c, 4), 0x70u32.to_le_bytes());
}
