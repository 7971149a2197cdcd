//! No input makes the mapping layer panic: random regions, addresses, widths
//! and values against a file-backed mapping either work or return an error,
//! and what the checks accept is exactly what lies inside and aligned.

use physreg::map::{Mapping, Mode, Region, Source};
use physreg::reg::{Endianness, Width};
use proptest::prelude::*;

const BASE: u64 = 0x1000_0000;
const LEN: u64 = 0x2000;

fn file() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mem.bin");
    std::fs::write(&path, vec![0u8; LEN as usize]).unwrap();
    (dir, path)
}

fn width() -> impl Strategy<Value = Width> {
    prop::sample::select(Width::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_region_opens_or_errs(base in prop_oneof![any::<u64>(), BASE - 16..BASE + LEN + 16], size in prop_oneof![any::<u64>(), 0..LEN + 16]) {
        let (_d, path) = file();
        let result = Mapping::open(&Source::file(&path, BASE), Region::new(base, size), Mode::ReadOnly);
        let inside = size > 0 && base >= BASE && base.checked_add(size).is_some_and(|e| e <= BASE + LEN);
        prop_assert_eq!(result.is_ok(), inside, "region {:#x}+{:#x}", base, size);
    }

    #[test]
    fn handles_exist_exactly_for_aligned_in_bounds_accesses(
        addr in prop_oneof![any::<u64>(), BASE - 16..BASE + LEN + 16],
        w in width(),
        value in any::<u64>(),
        big in any::<bool>(),
    ) {
        let (_d, path) = file();
        let map = Mapping::open(&Source::file(&path, BASE), Region::new(BASE, LEN), Mode::ReadWrite).unwrap();
        let endian = if big { Endianness::Big } else { Endianness::Little };
        let ok = addr >= BASE
            && addr.checked_add(w.bytes() as u64).is_some_and(|e| e <= BASE + LEN)
            && addr % w.bytes() as u64 == 0;
        match map.dyn_reg(addr, w, endian, true) {
            Ok(reg) => {
                prop_assert!(ok);
                let fits = w.fits(value);
                prop_assert_eq!(reg.write(value).is_ok(), fits);
                if fits {
                    prop_assert_eq!(reg.read(), value);
                }
            }
            Err(_) => prop_assert!(!ok),
        }
    }
}
