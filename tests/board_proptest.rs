//! No input makes the board parser, the name lookup or the device-tree reader
//! panic: random bytes, random TOML built from the board schema's own keys,
//! damaged copies of the real board files, random register paths and values,
//! and random device-tree property bytes all give a value or an error.

use physreg::board::{parse_number, Board, BUILTIN_BOARDS, BUILTIN_LAYOUTS};
use physreg::devicetree::DeviceTree;
use proptest::prelude::*;

/// Keys the schema knows, so that random documents get past the first check.
const KEYS: &[&str] = &[
    "name",
    "aliases",
    "arch",
    "description",
    "compatible",
    "model",
    "include",
    "peripheral",
    "layout",
    "base",
    "size",
    "device",
    "device-base",
    "dt-compatible",
    "dt-reg",
    "count",
    "stride",
    "first",
    "last",
    "register",
    "field",
    "offset",
    "width",
    "access",
    "read-side-effects",
    "reset",
    "endian",
    "alias-of",
    "bits",
    "lsb",
    "msb",
    "values",
    "write-value",
    "atomic-aliases",
    "xor",
    "set",
    "clr",
];

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        (0u64..0x1_0000).prop_map(|i| format!("{i:#x}")),
        (0u32..70).prop_map(|i| i.to_string()),
        prop::sample::select(vec![
            "\"ro\"",
            "\"rw\"",
            "\"w1c\"",
            "\"7:0\"",
            "\"31:0\"",
            "\"64:0\"",
            "\"pl011\"",
            "\"x{n}\"",
            "\"big\"",
            "true",
            "[]",
            "{}",
            "\"\"",
            "1.5",
            "\"0xffff_ffff_ffff_ffff\"",
            "{ a = 1, b = 2 }",
        ])
        .prop_map(String::from),
        prop::collection::vec("[a-z0-9 ]{0,6}", 0..3).prop_map(|v| format!(
            "[{}]",
            v.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    ]
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        (prop::sample::select(KEYS.to_vec()), scalar()).prop_map(|(k, v)| format!("{k} = {v}")),
        prop::sample::select(vec![
            "[[peripheral]]",
            "[[layout.l.register]]",
            "[[layout.l.register.field]]",
            "[layout.l]",
            "[[register]]",
            "[[register.field]]",
            "[values]",
        ])
        .prop_map(String::from),
        "[ -~]{0,20}",
    ]
}

fn damage(text: &str, edits: &[(usize, u8)]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for &(pos, b) in edits {
        if bytes.is_empty() {
            break;
        }
        let i = pos % bytes.len();
        match b % 4 {
            0 => {
                bytes.remove(i);
            }
            1 => bytes.insert(i, b"0x]=\"[.{n}\n"[(b as usize / 4) % 11]),
            2 => bytes[i] = b' ' + (b % 95),
            _ => {
                // Duplicate a line.
                let start = bytes[..i]
                    .iter()
                    .rposition(|&c| c == b'\n')
                    .map_or(0, |p| p + 1);
                let end = bytes[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(bytes.len(), |p| i + p + 1);
                let dup = bytes[start..end].to_vec();
                bytes.splice(end..end, dup);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Board::from_str_named(&text, "fuzz.toml");
    }

    #[test]
    fn random_schema_documents_never_panic(lines in prop::collection::vec(line(), 0..40)) {
        let text = format!("name = \"f\"\narch = \"x\"\n{}\n", lines.join("\n"));
        if let Ok(b) = Board::from_str_named(&text, "fuzz.toml") {
            // Whatever loads is consistent: every register resolves inside its window.
            for p in b.peripherals() {
                for r in &p.layout.registers {
                    let t = b.resolve(&format!("{}.{}", p.name, r.name)).unwrap();
                    prop_assert!(p.contains(t.address, r.width.bytes() as u64));
                }
            }
        }
    }

    #[test]
    fn damaged_board_files_never_panic(which in 0..BUILTIN_BOARDS.len() + BUILTIN_LAYOUTS.len(), edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..6)) {
        let f = if which < BUILTIN_BOARDS.len() { BUILTIN_BOARDS[which] } else { BUILTIN_LAYOUTS[which - BUILTIN_BOARDS.len()] };
        let text = damage(f.text, &edits);
        if let Err(e) = Board::from_str_named(&text, f.path) {
            // Every error names the file.
            let msg = e.to_string();
            prop_assert!(msg.starts_with(f.path), "{}", msg);
        }
    }

    #[test]
    fn random_paths_and_values_never_panic(path in "[A-Za-z0-9_.]{0,30}", value in "[ -~]{0,12}", v in any::<u64>(), r in any::<u64>()) {
        for b in Board::builtins() {
            if let Ok(t) = b.resolve(&path) {
                let _ = t.parse_value(&value);
                let _ = t.insert(r, v);
                if let Some(f) = t.field {
                    let x = f.extract(r);
                    prop_assert!(x <= f.max());
                    if let Ok(n) = f.insert(r, v & f.max()) {
                        prop_assert_eq!(f.extract(n), v & f.max());
                        prop_assert_eq!(n & !f.mask(), r & !f.mask());
                    }
                }
                let _ = t.register.rmw_base(r);
            }
            let _ = b.find_peripheral(&path);
            let _ = b.register_at(v);
        }
        let _ = Board::find(&path);
        let _ = parse_number(&value);
    }

    #[test]
    fn random_device_tree_properties_never_panic(
        reg in prop::collection::vec(any::<u8>(), 0..40),
        ranges in prop::collection::vec(any::<u8>(), 0..60),
        ac in prop::collection::vec(any::<u8>(), 0..8),
        sc in prop::collection::vec(any::<u8>(), 0..8),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let soc = dir.path().join("soc");
        let gpio = soc.join("gpio@7e200000");
        std::fs::create_dir_all(&gpio).unwrap();
        std::fs::write(dir.path().join("compatible"), b"raspberrypi,3-model-b\0").unwrap();
        std::fs::write(soc.join("#address-cells"), &ac).unwrap();
        std::fs::write(soc.join("#size-cells"), &sc).unwrap();
        std::fs::write(soc.join("ranges"), &ranges).unwrap();
        std::fs::write(gpio.join("compatible"), b"brcm,bcm2835-gpio\0").unwrap();
        std::fs::write(gpio.join("reg"), &reg).unwrap();
        let dt = DeviceTree::open(dir.path());
        for n in dt.find_compatible("brcm,bcm2835-gpio") {
            let _ = n.reg();
            let _ = n.translated_reg();
        }
        let mut board = Board::builtin("rpi3").unwrap();
        let rel = board.apply_device_tree(dir.path());
        prop_assert_eq!(rel.len(), board.peripherals().len());
    }
}
