//! Board files are read strictly, and every error names the file, the line
//! and the key path, and says what to do; unknown names list the closest
//! known ones.

use physreg::board::{Board, BoardError};
use physreg::map::Mapping;

fn err(text: &str) -> String {
    match Board::from_str_named(text, "my.toml") {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

const HEAD: &str = "name = \"b\"\narch = \"aarch64\"\n";

/// A board with one peripheral using a local layout whose register table is `regs`.
fn with_layout(regs: &str) -> String {
    format!(
        "{HEAD}[[peripheral]]\nname = \"p\"\nbase = 0x1000\nsize = 0x100\nlayout = \"l\"\n\n[layout.l]\n{regs}"
    )
}

#[test]
fn syntax_errors_give_line_and_column() {
    let e = err("name = \"b\"\narch = \n");
    assert!(e.starts_with("my.toml:2:"), "{e}");
    assert!(e.contains("not valid TOML"), "{e}");
    let e = err("name = \"b\"\narch = \"a\"\nwhen = 1979-05-27\n");
    assert!(e.contains("dates and times"), "{e}");
}

#[test]
fn unknown_keys_are_errors_with_a_suggestion() {
    let e = err(&format!(
        "{HEAD}[[peripheral]]\nname = \"u\"\nbase = 0x1000\nlayot = \"pl011\"\n"
    ));
    assert_eq!(
        e,
        "my.toml:6: peripheral.u.layot: unknown key `layot`; did you mean `layout`?"
    );
    let e = err(&format!("{HEAD}colour = 1\n"));
    assert!(
        e.starts_with("my.toml:3: colour: unknown key `colour`"),
        "{e}"
    );
    let e = err(&with_layout("[[layout.l.register]]\nname = \"R\"\noffset = 0\n[[layout.l.register.field]]\nname = \"F\"\nbits = 1\naccesss = \"ro\"\n"));
    assert!(
        e.contains(
            "layout.l.register.R.field.F.accesss: unknown key `accesss`; did you mean `access`?"
        ),
        "{e}"
    );
    assert!(e.starts_with("my.toml:16:"), "{e}");
}

#[test]
fn missing_and_mistyped_values() {
    let e = err("arch = \"x\"\n");
    assert!(e.contains("missing key `name`"), "{e}");
    let e = err(&format!(
        "{HEAD}[[peripheral]]\nname = \"u\"\nlayout = \"pl011\"\n"
    ));
    assert!(e.contains("peripheral.u: missing key `base`"), "{e}");
    let e = err(&format!(
        "{HEAD}[[peripheral]]\nname = \"u\"\nbase = \"somewhere\"\nlayout = \"pl011\"\n"
    ));
    assert!(
        e.contains("my.toml:5: peripheral.u.base: `somewhere` is not a number"),
        "{e}"
    );
    let e = err(&format!(
        "{HEAD}[[peripheral]]\nname = \"u\"\nbase = -4\nlayout = \"pl011\"\n"
    ));
    assert!(e.contains("is negative"), "{e}");
    let e = err(&format!("{HEAD}aliases = [1]\n"));
    assert!(
        e.contains("aliases: expected a string, found an integer"),
        "{e}"
    );
    let e = err(&format!("{HEAD}peripheral = 3\n"));
    assert!(e.contains("expected an array of tables"), "{e}");
    // Values above i64::MAX are written as strings.
    let b = Board::from_str_named(
        &format!("{HEAD}[[peripheral]]\nname = \"u\"\nbase = \"0xffff_ffff_ffff_0000\"\nsize = 0x100\nlayout = \"pl011\"\n"),
        "my.toml",
    )
    .unwrap();
    assert_eq!(b.peripherals()[0].base, 0xffff_ffff_ffff_0000);
}

#[test]
fn unknown_layout_lists_the_closest() {
    let e = err(&format!(
        "{HEAD}[[peripheral]]\nname = \"u\"\nbase = 0x1000\nlayout = \"pl01\"\n"
    ));
    assert!(
        e.starts_with(
            "my.toml:6: peripheral.u.layout: unknown layout `pl01`; did you mean `pl011`"
        ),
        "{e}"
    );
}

#[test]
fn registers_are_checked() {
    // Misaligned.
    let e = err(&with_layout(
        "[[layout.l.register]]\nname = \"R\"\noffset = 2\n",
    ));
    assert!(
        e.contains("layout.l.register.R: offset 0x2 is not aligned to the register's 32 bits"),
        "{e}"
    );
    // Outside the peripheral's window.
    let e = err(&with_layout(
        "[[layout.l.register]]\nname = \"R\"\noffset = 0x100\n",
    ));
    assert!(
        e.contains("register R at offset 0x100 is outside the window of 0x100 bytes"),
        "{e}"
    );
    // Outside the layout's own size.
    let e = err(&with_layout(
        "size = 0x10\n[[layout.l.register]]\nname = \"R\"\noffset = 0x10\n",
    ));
    assert!(e.contains("outside the layout's size 0x10"), "{e}");
    // Overlapping, unless declared an alias.
    let regs = "[[layout.l.register]]\nname = \"A\"\noffset = 0\nwidth = 64\n[[layout.l.register]]\nname = \"B\"\noffset = 4\n";
    let e = err(&with_layout(regs));
    assert!(
        e.contains("layout.l.register.B: overlaps register `A` (offset 0x0, line 10)"),
        "{e}"
    );
    assert!(e.contains("alias-of = \"A\""), "{e}");
    let ok = with_layout(&format!("{regs}alias-of = \"A\"\n"));
    Board::from_str_named(&ok, "my.toml").unwrap();
    let e = err(&with_layout(&format!("{regs}alias-of = \"Z\"\n")));
    assert!(e.contains("no register `Z` in this layout"), "{e}");
    // Duplicate names, ignoring case.
    let e = err(&with_layout("[[layout.l.register]]\nname = \"R\"\noffset = 0\n[[layout.l.register]]\nname = \"r\"\noffset = 4\n"));
    assert!(
        e.contains("register name `r` is used twice (also on line 10; names ignore case)"),
        "{e}"
    );
    // Widths and reset values.
    let e = err(&with_layout(
        "[[layout.l.register]]\nname = \"R\"\noffset = 0\nwidth = 24\n",
    ));
    assert!(
        e.contains("24 is not a register width: use 8, 16, 32 or 64"),
        "{e}"
    );
    let e = err(&with_layout(
        "[[layout.l.register]]\nname = \"R\"\noffset = 0\nwidth = 8\nreset = 0x100\n",
    ));
    assert!(
        e.contains("reset value 0x100 does not fit in 8 bits"),
        "{e}"
    );
    let e = err(&with_layout(
        "[[layout.l.register]]\nname = \"R\"\noffset = 0\naccess = \"rx\"\n",
    ));
    assert!(
        e.contains("`rx` is not an access: use ro, rw, wo or w1c"),
        "{e}"
    );
    let e = err(&with_layout(
        "[[layout.l.register]]\nname = \"R.X\"\noffset = 0\n",
    ));
    assert!(e.contains("`R.X` is not a valid name"), "{e}");
    let e = err(&with_layout(
        "[[layout.l.register]]\nname = \"R{n}\"\noffset = 0\n",
    ));
    assert!(e.contains("needs `count`"), "{e}");
    let e = err(&with_layout(
        "[[layout.l.register]]\nname = \"R{n}\"\noffset = 0\ncount = 100000\n",
    ));
    assert!(e.contains("count must be from 1 to 4096"), "{e}");
}

#[test]
fn fields_are_checked() {
    let reg = "[[layout.l.register]]\nname = \"R\"\noffset = 0\nwidth = 16\n";
    let f = |body: &str| {
        with_layout(&format!(
            "{reg}[[layout.l.register.field]]\nname = \"F\"\n{body}"
        ))
    };
    let e = err(&f("bits = \"16:15\"\n"));
    assert!(
        e.contains("layout.l.register.R.field.F: bits [16:15] are outside the 16-bit register"),
        "{e}"
    );
    let e = err(&f("bits = \"3:7\"\n"));
    assert!(e.contains("`3:7` is not a bit range"), "{e}");
    let e = err(&f("lsb = 2\n"));
    assert!(e.contains("give the bits as"), "{e}");
    let e = err(&f("bits = 1\nlsb = 1\nwidth = 1\n"));
    assert!(e.contains("give the bits as"), "{e}");
    let e = err(&f("bits = \"3:0\"\nvalues = { big = 16 }\n"));
    assert!(
        e.contains("values.big: value 0x10 does not fit in the 4-bit field"),
        "{e}"
    );
    let e = err(&f("bits = \"3:0\"\nvalues = { a = 1, A = 2 }\n"));
    assert!(e.contains("two values named `A`"), "{e}");
    let e = err(&f("bits = \"3:0\"\nwrite-value = 0x5a\n"));
    assert!(e.contains("0x5a does not fit in the 4-bit field"), "{e}");
    // Overlapping fields.
    let e = err(&with_layout(&format!(
        "{reg}[[layout.l.register.field]]\nname = \"A\"\nbits = \"3:0\"\n[[layout.l.register.field]]\nname = \"B\"\nbits = \"4:3\"\n"
    )));
    assert!(
        e.contains("field.A: bits [3:0] overlap field `B` [4:3]"),
        "{e}"
    );
    // A field more permissive than its register.
    let e = err(&with_layout(
        "[[layout.l.register]]\nname = \"R\"\noffset = 0\naccess = \"ro\"\n[[layout.l.register.field]]\nname = \"F\"\nbits = 0\naccess = \"rw\"\n",
    ));
    assert!(e.contains("a rw field cannot be in a ro register"), "{e}");
}

#[test]
fn peripherals_are_checked() {
    let p = |name: &str, base: u64| {
        format!("[[peripheral]]\nname = \"{name}\"\nbase = {base:#x}\nlayout = \"pl011\"\nsize = 0x100\n")
    };
    let e = err(&format!("{HEAD}{}{}", p("a", 0x1000), p("A", 0x2000)));
    assert!(
        e.contains("peripheral name `A` is used twice (also line 3"),
        "{e}"
    );
    let e = err(&format!("{HEAD}{}{}", p("a", 0x1000), p("b", 0x1080)));
    assert!(
        e.contains(
            "peripheral.b: window 0x1080..0x1180 overlaps peripheral `a` (0x1000..0x1100, line 3)"
        ),
        "{e}"
    );
    let e = err(&format!("{HEAD}[[peripheral]]\nname = \"a\"\nbase = 0x1000\nlayout = \"pl011\"\ndevice = \"dev/gpiomem\"\n"));
    assert!(e.contains("`dev/gpiomem` is not an absolute path"), "{e}");
    let e = err(&format!("{HEAD}[[peripheral]]\nname = \"v{{n}}\"\ncount = 4\nstride = 0x10\nbase = 0x1000\nsize = 0x100\nlayout = \"pl011\"\n"));
    assert!(
        e.contains("stride 0x10 is smaller than the size 0x100"),
        "{e}"
    );
    let e = err(&format!("{HEAD}[[peripheral]]\nname = \"a\"\nbase = \"0xffff_ffff_ffff_fff0\"\nsize = 0x100\nlayout = \"pl011\"\n"));
    assert!(e.contains("base + size overflows 64 bits"), "{e}");
    let e = err(&format!("{HEAD}aliases = [\"B\"]\n"));
    assert!(
        e.contains("alias `B` is given twice or repeats the name"),
        "{e}"
    );
    // A composition whose parts collide.
    let e = err(&format!("{HEAD}[[peripheral]]\nname = \"a\"\nbase = 0x1000\nlayout = [\"pl011\", \"pl011\"]\nsize = 0x1000\n"));
    assert!(e.contains("register name `DR` is used twice"), "{e}");
    // include needs a file.
    let e = err(&format!("{HEAD}include = [\"x.toml\"]\n"));
    assert!(
        e.contains("`include` needs the board to be loaded from a file"),
        "{e}"
    );
}

#[test]
fn user_files_include_layouts_and_use_built_in_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("layouts")).unwrap();
    std::fs::write(
        dir.path().join("layouts/fpga.toml"),
        "name = \"fpga\"\nsize = 0x10\n[[register]]\nname = \"ID\"\noffset = 0\naccess = \"ro\"\nreset = 0xc0ffee\n",
    )
    .unwrap();
    let path = dir.path().join("my-board.toml");
    std::fs::write(
        &path,
        "name = \"mine\"\narch = \"aarch64\"\ninclude = [\"layouts/fpga.toml\"]\n\
         [[peripheral]]\nname = \"fpga\"\nbase = 0x4000_0000\nlayout = \"fpga\"\n\
         [[peripheral]]\nname = \"uart\"\nbase = 0x4000_1000\nlayout = \"pl011\"\n",
    )
    .unwrap();
    let b = Board::find(path.to_str().unwrap()).unwrap();
    assert_eq!(b.name(), "mine");
    assert_eq!(b.origin(), path.display().to_string());
    assert_eq!(b.resolve("fpga.ID").unwrap().register.reset, Some(0xc0ffee));
    assert_eq!(b.resolve("uart.FR.TXFF").unwrap().address, 0x4000_1018);
    assert_eq!(
        b.peripheral("fpga").unwrap().size,
        0x10,
        "the layout's size is the default"
    );

    // Errors inside an included file name that file.
    std::fs::write(
        dir.path().join("layouts/fpga.toml"),
        "name = \"fpga\"\n[[register]]\nname = \"ID\"\noffst = 0\n",
    )
    .unwrap();
    let e = Board::load(&path).unwrap_err().to_string();
    assert!(
        e.contains("layouts/fpga.toml:4: register.ID.offst: unknown key"),
        "{e}"
    );
    let e = Board::load(dir.path().join("nope.toml")).unwrap_err();
    assert!(matches!(e, BoardError::Io { .. }), "{e}");
}

#[test]
fn unknown_names_suggest_the_closest() {
    let b = Board::builtin("rpi3").unwrap();
    let e = b.resolve("gpoi.GPSET0").unwrap_err().to_string();
    assert_eq!(
        e,
        "unknown peripheral `gpoi` in board rpi3; did you mean `gpio`?"
    );
    let e = b.resolve("gpio.GPFSEL9").unwrap_err().to_string();
    assert!(
        e.starts_with("unknown register `GPFSEL9` in gpio; did you mean `GPFSEL0`"),
        "{e}"
    );
    let e = b.resolve("uart0.FR.TXF").unwrap_err().to_string();
    assert_eq!(
        e,
        "unknown field `TXF` in uart0.FR; did you mean `TXFE`, `TXFF` or `RXFE`?"
    );
    let e = b.resolve("uart0").unwrap_err().to_string();
    assert!(
        e.contains("expected peripheral.REGISTER or peripheral.REGISTER.FIELD"),
        "{e}"
    );
    let e = b.resolve("a.b.c.d").unwrap_err().to_string();
    assert!(e.contains("is not a register name"), "{e}");
    let e = Board::find("rpi33").unwrap_err().to_string();
    assert!(
        e.starts_with("unknown board `rpi33`; did you mean `rpi3`"),
        "{e}"
    );
    assert!(
        e.contains("built-in boards: qemu-virt, rpi1, rpi3, rpi4, rpi5"),
        "{e}"
    );

    // Enumerated values and numbers.
    let t = b.resolve("gpio.GPFSEL1.FSEL17").unwrap();
    assert_eq!(t.parse_value("Output").unwrap(), 1);
    assert_eq!(t.parse_value("0b100").unwrap(), 4);
    let e = t.parse_value("outptu").unwrap_err().to_string();
    assert!(
        e.contains("unknown value `outptu` in field gpio.GPFSEL1.FSEL17; did you mean `output`?"),
        "{e}"
    );
    let e = t.insert(0, 8).unwrap_err().to_string();
    assert_eq!(
        e,
        "value 0x8 does not fit in gpio.GPFSEL1.FSEL17, a 3-bit field (at most 0x7)"
    );
    let r = b.resolve("uart0.DR").unwrap();
    assert!(r.insert(0, 1 << 32).is_err());
    assert!(r.parse_value("x").is_err());

    // Writable handles of read-only registers are refused before mapping.
    let map = Mapping::anonymous(0x3f20_1000, 0x200).unwrap();
    let fr = b.resolve("uart0.FR").unwrap();
    let e = fr.dyn_reg(&map, true).unwrap_err().to_string();
    assert_eq!(e, "uart0.FR is read-only");
    assert!(fr.dyn_reg(&map, false).is_ok());
    // Outside the mapping: the core's error.
    let other = Mapping::anonymous(0x1000, 0x100).unwrap();
    assert!(matches!(
        fr.dyn_reg(&other, false),
        Err(BoardError::Access(_))
    ));
}

#[test]
fn one_bit_fields_may_be_a_number_or_a_string() {
    let reg = "[[layout.l.register]]\nname = \"R\"\noffset = 0\n";
    for bits in ["bits = 5", "bits = \"5\"", "bits = \"5:5\""] {
        let text = with_layout(&format!(
            "{reg}[[layout.l.register.field]]\nname = \"F\"\n{bits}\n"
        ));
        let board =
            Board::from_str_named(&text, "my.toml").unwrap_or_else(|e| panic!("{bits}: {e}"));
        let f = board.resolve("p.R.F").unwrap().field.unwrap().clone();
        assert_eq!((f.lsb, f.width), (5, 1), "{bits}");
    }
    let e = err(&with_layout(&format!(
        "{reg}[[layout.l.register.field]]\nname = \"F\"\nbits = \"x\"\n"
    )));
    assert!(e.contains("`x` is not a bit range"), "{e}");
}
