//! One source of truth for register layouts: every register, offset, width,
//! byte order and field each driver uses equals what the board files say.
//!
//! The drivers publish their layouts as `LAYOUT` tables built from the very
//! constants they access registers with (tock-registers fields included), and
//! their per-pin arithmetic (GPFSEL fields, pull fields, RP1 per-pin
//! registers) is checked pin by pin against the board files' expanded arrays.
//! A layout is looked up through the built-in boards that use it, and also on
//! its own (through a one-peripheral board) so that layouts no built-in board
//! uses yet are checked too. A driver whose layout file does not exist yet is
//! listed as pending, and checked as soon as the file lands.

use std::collections::BTreeMap;
use std::sync::Arc;

use physreg::board::{Board, Layout, BUILTIN_LAYOUTS};
use physreg::drivers::bcm_gpio::{self, bcm2711_pull_field, fsel_field, Chip, Event, Function};
use physreg::drivers::{
    bcm_timer, fw_cfg, pl011, pl031, pl061, rp1_gpio, virtio_mmio, RegInfo, PRIMECELL_ID_OFFSET,
    PRIMECELL_LAYOUT,
};
use physreg::reg::{Endianness, Width};

/// The layout file called `name`, loaded through a one-peripheral board
/// (so that layouts no built-in board uses yet are checked too). `None` when
/// no such layout file exists.
fn layout(name: &str) -> Option<Arc<Layout>> {
    let exists = BUILTIN_LAYOUTS
        .iter()
        .any(|f| f.path.ends_with(&format!("/{name}.toml")));
    if !exists {
        return None;
    }
    let text = format!(
        "name = \"layout-check\"\narch = \"aarch64\"\n\n[[peripheral]]\nname = \"p\"\nbase = 0x1000_0000\nsize = 0x10_0000\nlayout = \"{name}\"\n"
    );
    let board = Board::from_str_named(&text, "tests/driver_layouts.rs")
        .unwrap_or_else(|e| panic!("built-in layout {name} does not load: {e}"));
    Some(board.peripherals()[0].layout.clone())
}

/// Compares a driver's table with a layout; returns the differences.
fn compare(driver: &str, table: &[RegInfo], layout: &Layout) -> Vec<String> {
    let mut errors = Vec::new();
    for r in table {
        let Some(board) = layout.registers.iter().find(|b| b.name == r.name) else {
            let hint = layout
                .register(r.name)
                .map(|b| format!(" (it has {:?}: spell it the same)", b.name))
                .unwrap_or_default();
            errors.push(format!(
                "{driver}: register {} is not in layout {}{hint}",
                r.name, layout.name
            ));
            continue;
        };
        if board.offset != r.offset {
            errors.push(format!(
                "{driver}: {} at offset {:#x}, layout {} says {:#x}",
                r.name, r.offset, layout.name, board.offset
            ));
        }
        if board.width.bits() != r.bits {
            errors.push(format!(
                "{driver}: {} is {} bits wide, layout {} says {}",
                r.name,
                r.bits,
                layout.name,
                board.width.bits()
            ));
        }
        if board.endian != r.endian {
            errors.push(format!(
                "{driver}: {} is {:?}-endian, layout {} says {:?}",
                r.name, r.endian, layout.name, board.endian
            ));
        }
        for f in r.fields {
            match board.fields.iter().find(|b| b.name == f.name) {
                None => errors.push(format!(
                    "{driver}: field {}.{} is not in layout {}",
                    r.name, f.name, layout.name
                )),
                Some(b) if (b.lsb, b.width) != (f.lsb, f.width) => errors.push(format!(
                    "{driver}: {}.{} is [{}:{}], layout {} says [{}:{}]",
                    r.name,
                    f.name,
                    f.msb(),
                    f.lsb,
                    layout.name,
                    b.msb(),
                    b.lsb
                )),
                Some(_) => {}
            }
        }
    }
    errors
}

/// Every driver table and the layout file it must agree with.
fn tables() -> Vec<(&'static str, &'static str, Vec<RegInfo>)> {
    let both = |a: &[RegInfo], b: &[RegInfo]| a.iter().chain(b).copied().collect::<Vec<_>>();
    vec![
        ("PrimeCellId", "primecell-id", PRIMECELL_LAYOUT.to_vec()),
        ("pl011", "pl011", pl011::LAYOUT.to_vec()),
        ("pl031", "pl031", pl031::LAYOUT.to_vec()),
        ("pl061", "pl061", pl061::LAYOUT.to_vec()),
        ("fw_cfg", "qemu-fw-cfg", fw_cfg::LAYOUT.to_vec()),
        ("virtio_mmio", "virtio-mmio", virtio_mmio::LAYOUT.to_vec()),
        (
            "bcm_gpio (BCM2835)",
            "bcm2835-gpio",
            both(bcm_gpio::LAYOUT, bcm_gpio::LAYOUT_BCM2835_PULL),
        ),
        (
            "bcm_gpio (BCM2711)",
            "bcm2711-gpio",
            both(bcm_gpio::LAYOUT, bcm_gpio::LAYOUT_BCM2711_PULL),
        ),
        ("bcm_timer", "bcm2835-systimer", bcm_timer::LAYOUT.to_vec()),
        (
            "rp1_gpio IO_BANK0",
            "rp1-io-bank0",
            rp1_gpio::LAYOUT_IO_BANK0.to_vec(),
        ),
        (
            "rp1_gpio SYS_RIO0",
            "rp1-sys-rio",
            rp1_gpio::LAYOUT_SYS_RIO0.to_vec(),
        ),
        (
            "rp1_gpio PADS_BANK0",
            "rp1-pads-bank0",
            rp1_gpio::LAYOUT_PADS_BANK0.to_vec(),
        ),
    ]
}

#[test]
fn driver_tables_equal_the_board_layouts() {
    let mut errors = Vec::new();
    let mut checked = BTreeMap::new();
    let mut pending = Vec::new();
    for (driver, name, table) in tables() {
        match layout(name) {
            Some(l) => {
                errors.extend(compare(driver, &table, &l));
                checked.insert(driver, table.len());
            }
            None => pending.push(format!("{driver} (no boards/layouts/{name}.toml yet)")),
        }
    }
    println!("checked: {checked:?}");
    if !pending.is_empty() {
        println!("pending, checked once their layout files exist: {pending:?}");
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The layouts the QEMU virt and Raspberry Pi 1-4 drivers use exist now.
    for must in [
        "pl011",
        "pl031",
        "pl061",
        "fw_cfg",
        "virtio_mmio",
        "bcm_gpio (BCM2835)",
    ] {
        assert!(checked.contains_key(must), "{must} was not checked");
    }
}

#[test]
fn primecell_id_registers_match_the_layout() {
    let Some(l) = layout("primecell-id") else {
        println!("pending: no boards/layouts/primecell-id.toml yet");
        return;
    };
    for i in 0..4u64 {
        for (reg, base) in [
            ("PeriphID", PRIMECELL_ID_OFFSET),
            ("PCellID", PRIMECELL_ID_OFFSET + 0x10),
        ] {
            let r = l
                .register(&format!("{reg}{i}"))
                .unwrap_or_else(|| panic!("no {reg}{i}"));
            assert_eq!(r.offset, base + 4 * i, "{reg}{i}");
            let f = r.field("ID").expect("ID field");
            assert_eq!(
                (f.lsb, f.width),
                (0, 8),
                "{reg}{i}.ID: PrimeCellId keeps bits 7:0"
            );
        }
    }
}

/// Every built-in board peripheral that uses a driver's layout (alone or
/// combined with others) agrees with the driver too.
#[test]
fn built_in_boards_agree_with_the_drivers() {
    let mut errors = Vec::new();
    let mut seen = 0;
    for board in Board::builtins() {
        for p in board.peripherals() {
            for (driver, name, table) in tables() {
                let uses = p
                    .layout
                    .name
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                    .any(|part| part.eq_ignore_ascii_case(name));
                if uses {
                    seen += 1;
                    for e in compare(driver, &table, &p.layout) {
                        errors.push(format!("board {} peripheral {}: {e}", board.name(), p.name));
                    }
                }
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(seen > 0, "no built-in board uses a driver's layout");
}

/// The addresses the virtio driver scans are QEMU virt's transports.
#[test]
fn qemu_virt_virtio_transports_are_where_the_driver_scans() {
    let board = Board::builtin("qemu-virt").expect("qemu-virt board");
    for i in 0..virtio_mmio::QEMU_VIRT_COUNT {
        let p = board
            .peripheral(&format!("virtio{i}"))
            .unwrap_or_else(|| panic!("no virtio{i}"));
        assert_eq!(
            p.base,
            virtio_mmio::QEMU_VIRT_BASE + i * virtio_mmio::QEMU_VIRT_STRIDE,
            "virtio{i}"
        );
    }
    assert!(board
        .peripheral(&format!("virtio{}", virtio_mmio::QEMU_VIRT_COUNT))
        .is_none());
}

#[test]
fn pl061_masked_data_and_direction_bits() {
    let l = layout("pl061").expect("pl061 layout");
    let all = l.register("DATA_ALL").expect("DATA_ALL");
    assert_eq!(all.offset, pl061::data_offset(0xff));
    assert_eq!(all.offset, pl061::offset::DATA_ALL);
    let dir = l.register("DIR").expect("DIR");
    for pin in 0..pl061::PINS {
        let f = dir.field(&format!("DIR{pin}")).expect("DIR field");
        assert_eq!((f.lsb, f.width), (u32::from(pin), 1), "DIR{pin}");
    }
}

/// Per pin: the driver's GPFSEL, set/clear/level/event and pull arithmetic
/// against the board file's expanded register and field arrays.
fn check_bcm_gpio(name: &str, chip: Chip) {
    let l = layout(name).unwrap_or_else(|| panic!("no {name} layout"));
    for pin in 0..chip.pins() {
        let (off, lsb) = fsel_field(pin);
        let reg = l.register_at(off).expect("GPFSEL");
        let f = reg
            .field(&format!("FSEL{pin}"))
            .unwrap_or_else(|| panic!("{name}: {} has no FSEL{pin}", reg.name));
        assert_eq!((f.lsb, f.width), (lsb, 3), "{name} FSEL{pin}");
        for func in [
            Function::Input,
            Function::Output,
            Function::Alt0,
            Function::Alt1,
            Function::Alt2,
            Function::Alt3,
            Function::Alt4,
            Function::Alt5,
        ] {
            assert_eq!(
                f.value_by_name(func.name()),
                Some(u64::from(func.code())),
                "{name} FSEL{pin} {}",
                func.name()
            );
        }
        let bank = u64::from(pin / 32);
        let bit = u32::from(pin % 32);
        let arrays = [
            ("GPSET", "SET", bcm_gpio::offset::GPSET0),
            ("GPCLR", "CLR", bcm_gpio::offset::GPCLR0),
            ("GPLEV", "LEV", bcm_gpio::offset::GPLEV0),
            ("GPEDS", "EDS", bcm_gpio::offset::GPEDS0),
            ("GPREN", "REN", Event::RisingEdge.offset()),
            ("GPFEN", "FEN", Event::FallingEdge.offset()),
            ("GPHEN", "HEN", Event::High.offset()),
            ("GPLEN", "LEN", Event::Low.offset()),
            ("GPAREN", "AREN", Event::AsyncRisingEdge.offset()),
            ("GPAFEN", "AFEN", Event::AsyncFallingEdge.offset()),
        ];
        for (reg, field, first) in arrays {
            let r = l
                .register(&format!("{reg}{bank}"))
                .unwrap_or_else(|| panic!("{name}: no {reg}{bank}"));
            assert_eq!(r.offset, first + 4 * bank, "{name} {reg}{bank}");
            let f = r
                .field(&format!("{field}{pin}"))
                .unwrap_or_else(|| panic!("{name}: {reg}{bank} has no {field}{pin}"));
            assert_eq!((f.lsb, f.width), (bit, 1), "{name} {field}{pin}");
        }
        match chip {
            Chip::Bcm2835 => {
                let steps = bcm_gpio::bcm2835_pull_sequence(pin, bcm_gpio::Pull::Up);
                let pud = l.register_at(steps[0].offset).expect("GPPUD");
                assert_eq!(pud.name, "GPPUD");
                let clk = l.register_at(steps[1].offset).expect("GPPUDCLK");
                assert_eq!(clk.name, format!("GPPUDCLK{bank}"));
                let f = clk.field(&format!("PUDCLK{pin}")).expect("PUDCLK field");
                assert_eq!(
                    1u64 << f.lsb,
                    u64::from(steps[1].value),
                    "{name} PUDCLK{pin}"
                );
                let code = pud.field("PUD").expect("PUD field");
                for p in [
                    bcm_gpio::Pull::None,
                    bcm_gpio::Pull::Down,
                    bcm_gpio::Pull::Up,
                ] {
                    let vname = match p {
                        bcm_gpio::Pull::None => "off",
                        bcm_gpio::Pull::Down => "down",
                        bcm_gpio::Pull::Up => "up",
                    };
                    assert_eq!(code.value_by_name(vname), Some(u64::from(p.gppud_code())));
                }
            }
            Chip::Bcm2711 => {
                let (off, lsb) = bcm2711_pull_field(pin);
                let r = l.register_at(off).expect("GPIO_PUP_PDN_CNTRL_REG");
                assert_eq!(r.name, format!("GPIO_PUP_PDN_CNTRL_REG{}", pin / 16));
                let f = r
                    .field(&format!("GPIO_PUP_PDN_CNTRL{pin}"))
                    .expect("pull field");
                assert_eq!((f.lsb, f.width), (lsb, 2), "{name} pull field of {pin}");
                for (p, vname) in [
                    (bcm_gpio::Pull::None, "none"),
                    (bcm_gpio::Pull::Up, "up"),
                    (bcm_gpio::Pull::Down, "down"),
                ] {
                    assert_eq!(f.value_by_name(vname), Some(u64::from(p.bcm2711_code())));
                }
            }
        }
    }
    // Nothing beyond the last pin: the driver refuses pin `pins()`, the layout has no field for it.
    let last = chip.pins();
    assert!(l
        .registers
        .iter()
        .all(|r| r.field(&format!("FSEL{last}")).is_none()));
}

#[test]
fn bcm2835_gpio_pin_arithmetic_matches_the_layout() {
    check_bcm_gpio("bcm2835-gpio", Chip::Bcm2835);
}

#[test]
fn bcm2711_gpio_pin_arithmetic_matches_the_layout() {
    check_bcm_gpio("bcm2711-gpio", Chip::Bcm2711);
}

#[test]
fn system_timer_channels_match_the_layout() {
    let Some(l) = layout("bcm2835-systimer") else {
        println!("pending: no boards/layouts/bcm2835-systimer.toml yet");
        return;
    };
    let cs = l.register("CS").expect("CS");
    for ch in 0..4u32 {
        let c = l.register(&format!("C{ch}")).expect("Cn");
        assert_eq!(c.offset, bcm_timer::offset::C0 + 4 * u64::from(ch));
        let m = cs.field(&format!("M{ch}")).expect("Mn");
        assert_eq!((m.lsb, m.width), (ch, 1));
    }
}

#[test]
fn rp1_per_pin_registers_match_the_layouts() {
    let (Some(io), Some(pads)) = (layout("rp1-io-bank0"), layout("rp1-pads-bank0")) else {
        println!("pending: no RP1 layout files yet (boards/layouts/rp1-*.toml)");
        return;
    };
    for pin in 0..rp1_gpio::PINS {
        let n = u64::from(pin);
        let ctrl = io
            .register(&format!("GPIO{pin}_CTRL"))
            .unwrap_or_else(|| panic!("no GPIO{pin}_CTRL"));
        assert_eq!(ctrl.offset, rp1_gpio::offset::GPIO_CTRL + 8 * n);
        let status = io.register(&format!("GPIO{pin}_STATUS")).expect("STATUS");
        assert_eq!(status.offset, rp1_gpio::offset::GPIO_STATUS + 8 * n);
        let pad = pads.register(&format!("GPIO{pin}")).expect("pad");
        assert_eq!(pad.offset, rp1_gpio::offset::PAD_GPIO0 + 4 * n);
    }
}

/// The Raspberry Pi 5 board places RP1's blocks where the driver expects
/// them relative to IO_BANK0, and maps them through /dev/gpiomem0 from there.
#[test]
fn rpi5_places_the_rp1_blocks_where_the_driver_expects() {
    let Some(board) = Board::builtin("rpi5") else {
        println!("pending: no rpi5 board yet");
        return;
    };
    let base = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| board.peripheral(n))
            .unwrap_or_else(|| panic!("rpi5 has none of {names:?}"))
            .clone()
    };
    let io = base(&["io_bank0", "gpio"]);
    let rio = base(&["sys_rio0", "rio0"]);
    let pads = base(&["pads_bank0", "pads0"]);
    assert_eq!(rio.base - io.base, rp1_gpio::block::SYS_RIO0);
    assert_eq!(pads.base - io.base, rp1_gpio::block::PADS_BANK0);
    if let Some(dev) = &io.device {
        assert_eq!(dev.base, io.base, "/dev/gpiomem0's offset 0 is IO_BANK0");
    }
}

#[test]
fn widths_are_ones_the_library_knows() {
    for (_, _, table) in tables() {
        for r in table {
            assert!(
                Width::from_bits(r.bits).is_ok(),
                "{}: {} bits",
                r.name,
                r.bits
            );
            assert!(
                r.offset % u64::from(r.bits / 8) == 0,
                "{} misaligned",
                r.name
            );
            for f in r.fields {
                assert!(f.width > 0 && f.msb() < r.bits, "{}.{}", r.name, f.name);
            }
            let _ = Endianness::Little;
        }
    }
}
