//! Each device backend against files laid out as the kernel lays them out:
//! a PCI device's sysfs folder, a UIO device and its sysfs maps, a gpiomem
//! device that always maps from offset 0, and /dev/mem's offset = address.

use std::path::Path;

use physreg::map::{page_size, MapError, Mapping, Mode, Region, Source};
use physreg::reg::Width;

fn write_words(path: &Path, words: &[(usize, u32)], len: usize) {
    let mut bytes = vec![0u8; len];
    for &(off, w) in words {
        bytes[off..off + 4].copy_from_slice(&w.to_le_bytes());
    }
    std::fs::write(path, bytes).unwrap();
}

/// A sysfs PCI device folder like QEMU's edu device: BAR0 of 1 MiB at 0x10000000.
fn fake_pci(dir: &Path) -> std::path::PathBuf {
    let dev = dir.join("0000:00:02.0");
    std::fs::create_dir(&dev).unwrap();
    std::fs::write(
        dev.join("resource"),
        "0x0000000010000000 0x00000000100fffff 0x0000000000040200\n\
         0x0000000000000000 0x0000000000000000 0x0000000000000000\n",
    )
    .unwrap();
    write_words(&dev.join("resource0"), &[(0, 0x0100_00ed)], 0x10_0000);
    dev
}

#[test]
fn pci_resource_addresses_are_bar_physical_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let dev = fake_pci(dir.path());
    let src = Source::pci_resource(dev.join("resource0"));
    let map = Mapping::open_whole(&src, Mode::ReadWrite).unwrap();
    assert_eq!((map.base(), map.len()), (0x1000_0000, 0x10_0000));
    assert_eq!(map.read(0x1000_0000, Width::W32).unwrap(), 0x0100_00ed);
    // A window inside the BAR maps at its own offset.
    let part = Mapping::open(&src, Region::new(0x1000_0000, 8), Mode::ReadOnly).unwrap();
    assert_eq!(part.read(0x1000_0000, Width::W32).unwrap(), 0x0100_00ed);
    let err = Mapping::open(&src, Region::new(0x100f_fffc, 8), Mode::ReadOnly).unwrap_err();
    assert!(
        matches!(
            err,
            MapError::OutsideSource {
                limit: 0x1010_0000,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn pci_bars_without_a_resource_line_or_size_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let dev = fake_pci(dir.path());
    std::fs::write(dev.join("resource1"), b"").unwrap();
    let err = Mapping::open_whole(&Source::pci_resource(dev.join("resource1")), Mode::ReadOnly)
        .unwrap_err();
    assert!(err.to_string().contains("BAR 1 has size 0"), "{err}");
    std::fs::write(dev.join("resource5"), b"x").unwrap();
    let err = Mapping::open_whole(&Source::pci_resource(dev.join("resource5")), Mode::ReadOnly)
        .unwrap_err();
    assert!(err.to_string().contains("line 6 is not"), "{err}");
}

#[test]
fn uio_maps_are_selected_by_page_offset_and_described_by_sysfs() {
    let page = page_size();
    let dir = tempfile::tempdir().unwrap();
    // Stand-in for /dev/uio0: map 1 is served at file offset one page.
    let dev = dir.path().join("uio0");
    write_words(&dev, &[(page + 0x10, 0xfeed_beef)], 2 * page);
    let info = dir.path().join("map1");
    std::fs::create_dir(&info).unwrap();
    std::fs::write(info.join("addr"), "0xfe201000\n").unwrap();
    std::fs::write(info.join("size"), "0x1000\n").unwrap();
    std::fs::write(info.join("offset"), "0x0\n").unwrap();
    let src = Source::Uio {
        path: dev.clone(),
        map_index: 1,
        info: info.clone(),
    };
    let map = Mapping::open(&src, Region::new(0xfe20_1010, 4), Mode::ReadOnly).unwrap();
    assert_eq!(map.read(0xfe20_1010, Width::W32).unwrap(), 0xfeed_beef);
    let whole = Mapping::open_whole(&src, Mode::ReadOnly).unwrap();
    assert_eq!(whole.base(), 0xfe20_1000 - 0xfe20_1000 % page as u64);
    std::fs::write(info.join("size"), "lots\n").unwrap();
    let err = Mapping::open(&src, Region::new(0xfe20_1010, 4), Mode::ReadOnly).unwrap_err();
    assert!(
        err.to_string()
            .contains("expected a number, found \"lots\""),
        "{err}"
    );
}

#[test]
fn gpiomem_always_maps_from_offset_zero() {
    let dir = tempfile::tempdir().unwrap();
    let dev = dir.path().join("gpiomem");
    // GPLEV0 at offset 0x34 of the GPIO block.
    write_words(&dev, &[(0x34, 0x0002_0000)], 0x1000);
    let src = Source::gpiomem(&dev, 0x3f20_0000);
    let map = Mapping::open(&src, Region::new(0x3f20_0034, 4), Mode::ReadOnly).unwrap();
    assert_eq!(map.read(0x3f20_0034, Width::W32).unwrap(), 0x0002_0000);
    let err = Mapping::open(&src, Region::new(0x3f1f_fffc, 4), Mode::ReadOnly).unwrap_err();
    assert!(matches!(err, MapError::OutsideSource { .. }), "{err:?}");
}

#[test]
fn devmem_offsets_are_physical_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let dev = dir.path().join("mem");
    write_words(&dev, &[(0x3004, 0x1234_5678)], 0x4000);
    let src = Source::DevMem {
        path: dev,
        sync: true,
    };
    let map = Mapping::open(&src, Region::new(0x3004, 4), Mode::ReadOnly).unwrap();
    assert_eq!(map.read(0x3004, Width::W32).unwrap(), 0x1234_5678);
}

#[test]
fn dev_mem_errors_name_the_remedy() {
    let result = Mapping::open(
        &Source::DevMem {
            path: "/dev/mem".into(),
            sync: true,
        },
        Region::new(0x0900_0000, 4),
        Mode::ReadOnly,
    );
    match result {
        // No /dev/mem (this CI machine): the kernel lacks CONFIG_DEVMEM.
        Err(MapError::NoDevMem { path }) => {
            assert!(!Path::new("/dev/mem").exists());
            let msg = MapError::NoDevMem { path }.to_string();
            assert!(
                msg.contains("CONFIG_DEVMEM") && msg.contains("/dev/gpiomem"),
                "{msg}"
            );
        }
        // A machine with /dev/mem: either it maps, or the refusal is explained.
        Ok(_) => assert!(Path::new("/dev/mem").exists()),
        Err(
            e @ (MapError::Permission { .. } | MapError::Lockdown { .. } | MapError::Denied { .. }),
        ) => {
            assert!(Path::new("/dev/mem").exists(), "{e}");
        }
        Err(other) => panic!("unexpected error for /dev/mem: {other}"),
    }
}
