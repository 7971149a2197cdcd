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

use std::path::{Path, PathBuf};

use physreg::board::{Access, AtomicOp};
use physreg::map::Mapping;
use physreg::reg::{Endianness, Width};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn toml_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_file_in_boards_is_built_in_and_loads_from_disk_the_same() {
    let boards: Vec<String> = toml_files(&repo().join("boards"))
        .into_iter()
        .map(|f| format!("boards/{f}"))
        .collect();
    let builtin: Vec<&str> = BUILTIN_BOARDS.iter().map(|f| f.path).collect();
    assert_eq!(boards, builtin, "boards/*.toml and BUILTIN_BOARDS differ");
    let layouts: Vec<String> = toml_files(&repo().join("boards/layouts"))
        .into_iter()
        .map(|f| format!("boards/layouts/{f}"))
        .collect();
    let builtin: Vec<&str> = BUILTIN_LAYOUTS.iter().map(|f| f.path).collect();
    assert_eq!(
        layouts, builtin,
        "boards/layouts/*.toml and BUILTIN_LAYOUTS differ"
    );

    for f in BUILTIN_BOARDS {
        let from_disk = Board::load(repo().join(f.path)).unwrap();
        let built_in = Board::from_str_named(f.text, f.path).unwrap();
        assert_eq!(
            from_disk.peripherals(),
            built_in.peripherals(),
            "{}",
            f.path
        );
        // `--board NAME` and `--board PATH` find the same board.
        let by_name = Board::find(built_in.name()).unwrap();
        assert_eq!(by_name.peripherals(), built_in.peripherals());
        for alias in built_in.aliases() {
            assert_eq!(Board::find(alias).unwrap().name(), built_in.name());
        }
    }
}

#[test]
fn every_register_and_field_resolves_by_name_and_maps() {
    for board in Board::builtins() {
        for p in board.peripherals() {
            assert!(p.size > 0 && p.base.checked_add(p.size).is_some());
            // Anonymous memory standing in for the window.
            let map = Mapping::anonymous(p.base, p.size).unwrap();
            for r in &p.layout.registers {
                let path = format!("{}.{}", p.name, r.name);
                let t = board.resolve(&path).unwrap();
                assert_eq!(t.address, p.base + r.offset, "{path}");
                assert_eq!(t.path(), path);
                // Case does not matter for lookups.
                let t2 = board.resolve(&path.to_ascii_lowercase()).unwrap();
                assert_eq!(t2.address, t.address);
                let h = t.dyn_reg(&map, r.access.writable()).unwrap();
                assert_eq!((h.width(), h.endian()), (r.width, r.endian));
                assert!(p.contains(t.address, r.width.bytes() as u64));
                for f in &r.fields {
                    let fp = format!("{path}.{}", f.name);
                    let t = board.resolve(&fp).unwrap();
                    assert_eq!(t.field.unwrap().name, f.name);
                    assert!(f.msb() < r.width.bits(), "{fp}");
                    for v in &f.values {
                        assert_eq!(f.value_by_name(&v.name), Some(v.value));
                        assert!(v.value <= f.max());
                    }
                }
            }
        }
    }
}

#[test]
fn addresses_from_the_datasheets() {
    let at = |b: &str, path: &str| Board::builtin(b).unwrap().resolve(path).unwrap().address;
    // BCM2835 ARM Peripherals 6.1: GPFSEL0 at bus 0x7e200000, GPSET0 +0x1c,
    // GPLEV0 +0x34, GPPUD +0x94; system timer CLO at 0x7e003004.
    for (b, base) in [
        ("rpi1", 0x2000_0000u64),
        ("rpi3", 0x3f00_0000),
        ("rpi4", 0xfe00_0000),
    ] {
        assert_eq!(at(b, "gpio.GPFSEL0"), base + 0x20_0000);
        assert_eq!(at(b, "gpio.GPSET0"), base + 0x20_001c);
        assert_eq!(at(b, "gpio.GPLEV0"), base + 0x20_0034);
        assert_eq!(at(b, "systimer.CLO"), base + 0x3004);
        assert_eq!(at(b, "uart0.FR"), base + 0x20_1018);
        assert_eq!(at(b, "uart1.IO"), base + 0x21_5040);
        assert_eq!(at(b, "aux.ENABLES"), base + 0x21_5004);
        assert_eq!(at(b, "spi0.CS"), base + 0x20_4000);
        assert_eq!(at(b, "bsc1.C"), base + 0x80_4000);
        assert_eq!(at(b, "pwm.RNG1"), base + 0x20_c010);
        assert_eq!(at(b, "cm.GP0CTL"), base + 0x10_1070);
        assert_eq!(at(b, "cm.PWMDIV"), base + 0x10_10a4);
    }
    // Both pull styles: GPPUD/GPPUDCLK (BCM2835) and GPIO_PUP_PDN_CNTRL (BCM2711).
    assert_eq!(at("rpi3", "gpio.GPPUD"), 0x3f20_0094);
    assert_eq!(at("rpi3", "gpio.GPPUDCLK1"), 0x3f20_009c);
    assert!(Board::builtin("rpi4")
        .unwrap()
        .resolve("gpio.GPPUD")
        .is_err());
    assert_eq!(at("rpi4", "gpio.GPIO_PUP_PDN_CNTRL_REG3"), 0xfe20_00f0);
    let b4 = Board::builtin("rpi4").unwrap();
    let pull = b4
        .resolve("gpio.GPIO_PUP_PDN_CNTRL_REG1.GPIO_PUP_PDN_CNTRL17")
        .unwrap();
    let f = pull.field.unwrap();
    assert_eq!((f.lsb, f.width), (2, 2));
    assert_eq!(f.value_by_name("up"), Some(1)); // BCM2711: 01 = pull up
    let b3 = Board::builtin("rpi3").unwrap();
    let pud = b3.resolve("gpio.GPPUD.PUD").unwrap().field.unwrap().clone();
    assert_eq!(pud.value_by_name("up"), Some(2)); // BCM2835: 10 = pull up
                                                  // GPFSEL5 holds FSEL50..53 on the BCM2835 (54 pins), FSEL50..57 on the BCM2711.
    assert_eq!(b3.resolve("gpio.GPFSEL5").unwrap().register.fields.len(), 4);
    assert_eq!(b4.resolve("gpio.GPFSEL5").unwrap().register.fields.len(), 8);
    let fsel17 = b3
        .resolve("gpio.GPFSEL1.FSEL17")
        .unwrap()
        .field
        .unwrap()
        .clone();
    assert_eq!((fsel17.lsb, fsel17.width), (21, 3));
    assert_eq!(fsel17.value_by_name("alt5"), Some(2));
    assert_eq!(fsel17.name_of(4), Some("alt0"));
    // GIC-400 on the BCM2711 (BCM2711 ARM Peripherals 6.3).
    assert_eq!(at("rpi4", "gicd.CTLR"), 0xff84_1000);
    assert_eq!(at("rpi4", "gicc.IAR"), 0xff84_200c);
    assert_eq!(at("rpi4", "uart5.DR"), 0xfe20_1a00);
}

#[test]
fn qemu_virt_specials() {
    let b = Board::builtin("virt").unwrap();
    assert_eq!(b.name(), "qemu-virt");
    // fw_cfg: data at +0, big-endian 16-bit selector at +8, DMA at +16.
    let sel = b.resolve("fw_cfg.SELECTOR").unwrap();
    assert_eq!(sel.address, 0x0902_0008);
    assert_eq!(
        (sel.register.width, sel.register.endian),
        (Width::W16, Endianness::Big)
    );
    let dma = b.resolve("fw_cfg.DMA").unwrap();
    assert_eq!(
        (dma.address, dma.register.width, dma.register.endian),
        (0x0902_0010, Width::W64, Endianness::Big)
    );
    assert!(b.resolve("fw_cfg.DATA").unwrap().read_side_effects());
    // 32 virtio transports every 0x200 from 0x0a000000.
    assert_eq!(
        b.resolve("virtio0.MagicValue").unwrap().address,
        0x0a00_0000
    );
    assert_eq!(b.resolve("virtio31.Status").unwrap().address, 0x0a00_3e70);
    assert!(b.resolve("virtio32.Status").is_err());
    // PrimeCell IDs and GICv2 identification.
    assert_eq!(b.resolve("uart0.PeriphID0").unwrap().address, 0x0900_0fe0);
    assert_eq!(b.resolve("rtc.PCellID3").unwrap().address, 0x0901_0ffc);
    assert_eq!(b.resolve("gpio.PeriphID2").unwrap().address, 0x0903_0fe8);
    assert_eq!(b.resolve("gicd.IIDR").unwrap().address, 0x0800_0008);
    assert_eq!(
        b.resolve("gicd.PIDR2.ArchRev").unwrap().address,
        0x0800_0fe8
    );
    assert_eq!(b.resolve("gicc.IIDR").unwrap().address, 0x0801_00fc);
    assert!(b.resolve("gicc.IAR").unwrap().read_side_effects());
    // Writing a big-endian register through a handle stores big-endian bytes.
    let map = Mapping::anonymous(0x0902_0000, 0x18).unwrap();
    sel.dyn_reg(&map, true).unwrap().write(0x0019).unwrap();
    // SAFETY: reading two bytes of our own anonymous mapping, in bounds.
    let bytes = unsafe { std::ptr::read_volatile(map.as_ptr().add(8).cast::<[u8; 2]>()) };
    assert_eq!(bytes, [0x00, 0x19]);
}

#[test]
fn rp1_atomic_aliases_and_the_clock_password() {
    let b = Board::builtin("rpi5").unwrap();
    let ctrl = b.resolve("io_bank0.GPIO4_CTRL").unwrap();
    assert_eq!(ctrl.address, 0x1f_000d_0024);
    for (suffix, delta, op) in [
        ("XOR", 0x1000, AtomicOp::Xor),
        ("SET", 0x2000, AtomicOp::Set),
        ("CLR", 0x3000, AtomicOp::Clear),
    ] {
        let a = b
            .resolve(&format!("io_bank0.GPIO4_CTRL_{suffix}.FUNCSEL"))
            .unwrap();
        assert_eq!(a.address, ctrl.address + delta);
        assert_eq!(a.register.atomic, Some(op));
        assert_eq!(a.register.alias_of.as_deref(), Some("GPIO4_CTRL"));
        assert_eq!(a.register.access, Access::WriteOnly);
        let rio = b.resolve(&format!("sys_rio0.OUT_{suffix}.GPIO17")).unwrap();
        assert_eq!(rio.address, 0x1f_000e_0000 + delta);
    }
    // Read-only registers have no aliases.
    assert!(b.resolve("io_bank0.GPIO4_STATUS_SET").is_err());
    let fsel = b
        .resolve("io_bank0.GPIO4_CTRL.FUNCSEL")
        .unwrap()
        .field
        .unwrap()
        .clone();
    assert_eq!(fsel.value_by_name("sys_rio"), Some(5));

    // The clock manager's 0x5A password goes into every read-modify-write.
    let b = Board::builtin("rpi4").unwrap();
    let t = b.resolve("cm.GP0CTL.ENAB").unwrap();
    let base = t.register.rmw_base(0x0000_0091); // what a read returns: no password
    let new = t.insert(base, 1).unwrap();
    assert_eq!(new, 0x5a00_0091);
    assert_eq!(t.register.apply_write_values(0x11), 0x5a00_0011);
    // ...and write-one-to-clear bits are not written back.
    let s = b.resolve("bsc1.S.ERR").unwrap();
    assert_eq!(s.register.rmw_base(0x0000_0352), 0x0000_0050);
    let cs = b.resolve("systimer.CS").unwrap();
    assert_eq!(cs.register.rmw_base(0xf), 0);
}

/// The device tree QEMU 7.2 builds for `-M virt` (../shared/reference/qemu),
/// parsed here just enough: nodes, `compatible` and `reg`.
#[derive(Debug, Default)]
struct DtsNode {
    compatible: Vec<String>,
    reg: Vec<u64>,
}

fn parse_dts(text: &str) -> Vec<DtsNode> {
    let mut nodes = Vec::new();
    let mut stack: Vec<DtsNode> = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        if l.ends_with('{') {
            stack.push(DtsNode::default());
        } else if l == "};" {
            if let Some(n) = stack.pop() {
                nodes.push(n);
            }
        } else if let Some(v) = l.strip_prefix("compatible = ") {
            let v = v.trim_end_matches(';').trim_matches('"');
            if let Some(n) = stack.last_mut() {
                n.compatible = v.split("\\0").map(String::from).collect();
            }
        } else if let Some(v) = l.strip_prefix("reg = <") {
            let cells: Vec<u64> = v
                .trim_end_matches(">;")
                .split_whitespace()
                .map(|c| u64::from_str_radix(c.trim_start_matches("0x"), 16).unwrap())
                .collect();
            if let Some(n) = stack.last_mut() {
                n.reg = cells;
            }
        }
    }
    nodes
}

#[test]
fn qemu_virt_agrees_with_qemus_own_device_tree() {
    let dts = repo().join("../shared/reference/qemu/virt-aarch64-qemu7.2.dts");
    let text = std::fs::read_to_string(&dts).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: the reference data in ../shared is needed (CI and every developer machine have it)",
            dts.display()
        )
    });
    let nodes = parse_dts(&text);
    // Every node the root bus lists uses 2 address and 2 size cells.
    let entries = |n: &DtsNode| -> Vec<(u64, u64)> {
        n.reg
            .chunks(4)
            .filter(|c| c.len() == 4)
            .map(|c| ((c[0] << 32) | c[1], (c[2] << 32) | c[3]))
            .collect()
    };
    let board = Board::builtin("qemu-virt").unwrap();
    for p in board.peripherals() {
        assert!(!p.dt_compatible.is_empty(), "{}: no dt-compatible", p.name);
        let hit = nodes.iter().find(|n| {
            n.compatible.iter().any(|c| p.dt_compatible.contains(c))
                && entries(n)
                    .get(p.dt_reg_index)
                    .is_some_and(|e| e.0 == p.base)
        });
        let n = hit.unwrap_or_else(|| panic!("{}: no node at {:#x} in the dts", p.name, p.base));
        assert_eq!(entries(n)[p.dt_reg_index].1, p.size, "{}: size", p.name);
    }
    // And the other way: every device the board should carry is in it.
    for compat in [
        "arm,pl011",
        "arm,pl031",
        "arm,pl061",
        "qemu,fw-cfg-mmio",
        "virtio,mmio",
        "arm,cortex-a15-gic",
    ] {
        for n in nodes
            .iter()
            .filter(|n| n.compatible.iter().any(|c| c == compat))
        {
            for (addr, _) in entries(n) {
                assert!(
                    board.peripherals().iter().any(|p| p.base == addr),
                    "{compat} at {addr:#x} has no peripheral in boards/qemu-virt.toml"
                );
            }
        }
    }
    assert_eq!(
        nodes
            .iter()
            .filter(|n| n.compatible.iter().any(|c| c == "virtio,mmio"))
            .count(),
        32
    );
}
