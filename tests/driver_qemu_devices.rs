//! fw_cfg and virtio-mmio drivers against fake register files laid out as
//! QEMU's specifications say (docs/specs/fw_cfg.rst; VIRTIO 1.2 section 4.2.2).
//!
//! fw_cfg's data register is a stream (each read returns the next bytes of
//! the selected item) and virtio's DeviceFeatures shows the half that
//! DeviceFeaturesSel selects: a file models neither. So the directory parser
//! is tested on bytes built as QEMU lays them out, the selector's byte order
//! and the data register's byte order on the file, and the stream and the
//! feature halves in the QEMU suite.

mod driver_support;

use driver_support::Fake;
use physreg::drivers::fw_cfg::{
    self, parse_directory, FwCfg, FwCfgError, FwCfgFile, FEATURE_DMA, FEATURE_TRADITIONAL,
};
use physreg::drivers::virtio_mmio::{self, feature_names, scan, VirtioError, VirtioMmio};

const FW_CFG: u64 = 0x0902_0000;

/// A directory as QEMU serialises it: BE count, then per file BE size, BE
/// select, reserved u16, and the name padded with NULs to 56 bytes.
fn directory(files: &[(u32, u16, &str)]) -> Vec<u8> {
    let mut b = (files.len() as u32).to_be_bytes().to_vec();
    for &(size, select, name) in files {
        b.extend_from_slice(&size.to_be_bytes());
        b.extend_from_slice(&select.to_be_bytes());
        b.extend_from_slice(&[0, 0]);
        let mut n = [0u8; 56];
        n[..name.len()].copy_from_slice(name.as_bytes());
        b.extend_from_slice(&n);
    }
    b
}

#[test]
fn fw_cfg_directory_parses_like_qemu_writes_it() {
    let bytes = directory(&[
        (4, 0x0020, "etc/boot-fail-wait"),
        (0, 0x0021, "bootorder"),
        (0x1_0000, 0x0022, "etc/acpi/tables"),
    ]);
    assert_eq!(bytes.len(), 4 + 3 * 64);
    let files = parse_directory(&bytes).unwrap();
    assert_eq!(
        files,
        vec![
            FwCfgFile {
                size: 4,
                select: 0x20,
                name: "etc/boot-fail-wait".into()
            },
            FwCfgFile {
                size: 0,
                select: 0x21,
                name: "bootorder".into()
            },
            FwCfgFile {
                size: 0x1_0000,
                select: 0x22,
                name: "etc/acpi/tables".into()
            },
        ]
    );
    // An empty directory.
    assert_eq!(parse_directory(&0u32.to_be_bytes()).unwrap(), vec![]);
    // A name filling all 56 bytes has no NUL: it is taken whole.
    let long = "x".repeat(56);
    let files = parse_directory(&directory(&[(1, 0x20, &long)])).unwrap();
    assert_eq!(files[0].name, long);
}

#[test]
fn fw_cfg_bad_directories_are_errors_not_panics() {
    assert!(matches!(
        parse_directory(&[0, 0]),
        Err(FwCfgError::BadDirectory(_))
    ));
    // Claims two files, holds one.
    let mut b = directory(&[(4, 0x20, "a")]);
    b[3] = 2;
    assert!(matches!(
        parse_directory(&b),
        Err(FwCfgError::BadDirectory(_))
    ));
    // An absurd count.
    assert!(parse_directory(&u32::MAX.to_be_bytes()).is_err());
    // Non-UTF-8 names do not panic.
    let mut b = directory(&[(4, 0x20, "a")]);
    b[12] = 0xff;
    assert!(parse_directory(&b).is_ok());
}

#[test]
fn fw_cfg_selector_is_a_big_endian_16_bit_store_at_8() {
    let fake = Fake::new(FW_CFG, 0x18);
    let map = fake.map();
    let dev = FwCfg::new(&map, FW_CFG).unwrap();
    dev.select(fw_cfg::key::FILE_DIR);
    // 0x0019 big-endian: 0x00 then 0x19, at offsets 8 and 9; nothing else written.
    assert_eq!(fake.peek_bytes(8, 2), vec![0x00, 0x19]);
    assert_eq!(fake.nonzero_words(), vec![(8, 0x1900)]);
    dev.select(0x1234);
    assert_eq!(fake.peek_bytes(8, 2), vec![0x12, 0x34]);
}

#[test]
fn fw_cfg_data_register_bytes_come_in_memory_order() {
    let fake = Fake::new(FW_CFG, 0x18);
    // A device whose data register shows "QEMU" and then zeros: the signature item.
    fake.poke_bytes(0, b"QEMU\0\0\0\0");
    let map = fake.map();
    let dev = FwCfg::probe(&map, FW_CFG).unwrap();
    assert_eq!(dev.signature(), fw_cfg::SIGNATURE);
    assert_eq!(
        fake.peek_bytes(8, 2),
        vec![0, 0],
        "signature key 0x0000 selected"
    );
    // Reads of every length split into 8-, 4-, 2- and 1-byte loads, each
    // returning the register's bytes in memory order (a file repeats them).
    let mut buf = [0u8; 15];
    dev.read(&mut buf);
    assert_eq!(&buf, b"QEMU\0\0\0\0QEMUQEQ");

    // The feature bitmap is a little-endian u32: 3 = traditional + DMA.
    fake.poke_bytes(0, &[3, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(dev.features(), FEATURE_TRADITIONAL | FEATURE_DMA);
    assert_eq!(fake.peek_bytes(8, 2), vec![0, 1], "ID key 0x0001 selected");
}

#[test]
fn fw_cfg_probe_rejects_a_device_without_the_signature() {
    let fake = Fake::new(FW_CFG, 0x18);
    fake.poke_bytes(0, b"NOPE");
    let map = fake.map();
    match FwCfg::probe(&map, FW_CFG) {
        Err(FwCfgError::NoDevice { base, found }) => {
            assert_eq!((base, &found), (FW_CFG, b"NOPE"));
        }
        other => panic!("{other:?}"),
    }
    // A directory whose count is absurd (the file repeats 0xFFFFFFFF) is refused
    // before anything is allocated for it.
    fake.poke_bytes(0, &[0xff; 8]);
    let dev = FwCfg::new(&map, FW_CFG).unwrap();
    assert!(matches!(dev.files(), Err(FwCfgError::BadDirectory(_))));
    assert!(matches!(
        dev.read_item_vec(0x20, u32::MAX),
        Err(FwCfgError::TooLarge { .. })
    ));
    // The block must fit the mapping.
    assert!(FwCfg::new(&map, FW_CFG + 0x10).is_err());
}

// ---- virtio-mmio ------------------------------------------------------------

const VIRTIO: u64 = virtio_mmio::QEMU_VIRT_BASE;

/// Lays out a transport as the specification's register table says.
fn transport(fake: &Fake, index: u64, version: u32, device: u32, features_lo: u32) {
    let at = index * virtio_mmio::QEMU_VIRT_STRIDE;
    fake.poke_bytes(at, b"virt"); // MagicValue 0x74726976, little-endian "virt"
    fake.poke32(at + 0x04, version);
    fake.poke32(at + 0x08, device);
    fake.poke_bytes(at + 0x0c, b"QEMU"); // VendorID 0x554d4551
    fake.poke32(at + 0x10, features_lo);
    fake.poke32(at + 0x70, 0);
}

#[test]
fn virtio_scan_reports_ids_versions_and_features() {
    let fake = Fake::new(VIRTIO, 32 * 0x200);
    for i in 0..32 {
        transport(&fake, i, 1, 0, 0);
    }
    // A legacy block device behind transport 31 (QEMU fills from the top),
    // and a version-2 entropy device behind transport 30.
    transport(&fake, 31, 1, 2, 1 << 28);
    transport(&fake, 30, 2, 4, 1 << 29);
    let map = fake.map();
    let found = scan(&map, VIRTIO, 0x200, 32);
    assert_eq!(found.len(), 32);
    let infos: Vec<_> = found.into_iter().map(Result::unwrap).collect();
    assert!(infos[..30]
        .iter()
        .all(|t| !t.has_device() && t.features == 0));
    assert!(infos
        .iter()
        .all(|t| t.vendor_id == virtio_mmio::VENDOR_QEMU));
    assert_eq!(infos[0].vendor_text().as_deref(), Some("QEMU"));
    assert_eq!(infos[0].base, VIRTIO);
    assert_eq!(infos[31].base, 0x0a00_3e00);
    assert_eq!(
        (
            infos[31].version,
            infos[31].device_id,
            infos[31].device_name()
        ),
        (1, 2, Some("block"))
    );
    assert_eq!(infos[30].device_name(), Some("entropy"));
    // The file shows the same 32 bits whichever half is selected, so both
    // halves read 1 << 28 here; QEMU shows the real halves.
    assert_eq!(infos[31].features, (1 << 28) | (1 << 60));
    assert_eq!(
        feature_names((1 << 28) | (1 << 32)),
        ["RING_INDIRECT_DESC", "VERSION_1"]
    );
    // Reading the features left DeviceFeaturesSel at 0 (it wrote 0, 1, 0).
    assert_eq!(fake.peek32(31 * 0x200 + 0x14), 0);
    // No device: the feature selector was never written.
    assert!(infos[0].features == 0);
}

#[test]
fn virtio_bad_transports_are_errors() {
    let fake = Fake::new(VIRTIO, 0x400);
    transport(&fake, 0, 3, 1, 0);
    let map = fake.map();
    match VirtioMmio::new(&map, VIRTIO).unwrap().probe() {
        Err(VirtioError::BadVersion { version: 3, .. }) => {}
        other => panic!("{other:?}"),
    }
    // Transport 1 is all zeros: no magic.
    match VirtioMmio::new(&map, VIRTIO + 0x200).unwrap().probe() {
        Err(VirtioError::BadMagic { found: 0, .. }) => {}
        other => panic!("{other:?}"),
    }
    // Scanning past the mapping gives errors, not panics.
    let found = scan(&map, VIRTIO, 0x200, 4);
    assert!(matches!(found[2], Err(VirtioError::Access(_))));
    assert!(scan(&map, u64::MAX - 0x10, u64::MAX, 3)
        .iter()
        .all(Result::is_err));
    assert_eq!(virtio_mmio::device_name(9999), None);
}
