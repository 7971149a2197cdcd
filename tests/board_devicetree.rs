//! Discovery on a running system, against device-tree folders and iomem files
//! that the tests build: board detection from the root's `compatible` and
//! `model`, peripheral bases found by `compatible` and translated through
//! `#address-cells`/`#size-cells` and `ranges` up to the root (the Raspberry
//! Pi's bus address 0x7e200000 to 0x3f200000 or 0xfe200000, RP1 behind PCIe
//! on the Pi 5), and the fallback to the board file.

use std::path::{Path, PathBuf};

use physreg::board::{detect, detect_among, Board, RelocationStatus};
use physreg::devicetree::{DeviceTree, DtError};
use physreg::iomem::{Iomem, RangeStatus};

/// A device-tree folder under a temporary directory.
struct Dt {
    dir: tempfile::TempDir,
}

impl Dt {
    fn new() -> Self {
        Dt {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn prop(&self, node: &str, name: &str, value: &[u8]) -> &Self {
        let dir: PathBuf = self.root().join(node.trim_start_matches('/'));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), value).unwrap();
        self
    }

    fn cells(&self, node: &str, name: &str, cells: &[u32]) -> &Self {
        let bytes: Vec<u8> = cells.iter().flat_map(|c| c.to_be_bytes()).collect();
        self.prop(node, name, &bytes)
    }

    fn strings(&self, node: &str, name: &str, strings: &[&str]) -> &Self {
        let mut bytes = Vec::new();
        for s in strings {
            bytes.extend_from_slice(s.as_bytes());
            bytes.push(0);
        }
        self.prop(node, name, &bytes)
    }

    /// `#address-cells` and `#size-cells` of a bus node.
    fn bus(&self, node: &str, address: u32, size: u32) -> &Self {
        self.cells(node, "#address-cells", &[address])
            .cells(node, "#size-cells", &[size])
    }

    fn device(&self, node: &str, compatible: &[&str], reg: &[u32]) -> &Self {
        self.strings(node, "compatible", compatible)
            .cells(node, "reg", reg)
    }
}

/// The parts of QEMU raspi3b's device tree (the kernel's
/// bcm2837-rpi-3-b.dtb) that matter here.
fn raspi3b() -> Dt {
    let dt = Dt::new();
    dt.strings(
        "/",
        "compatible",
        &["raspberrypi,3-model-b", "brcm,bcm2837"],
    )
    .strings("/", "model", &["Raspberry Pi 3 Model B"])
    .bus("/", 1, 1)
    .bus("/soc", 1, 1)
    .strings("/soc", "compatible", &["simple-bus"])
    .cells(
        "/soc",
        "ranges",
        &[
            0x7e00_0000,
            0x3f00_0000,
            0x0100_0000,
            0x4000_0000,
            0x4000_0000,
            0x1000,
        ],
    )
    .device(
        "/soc/gpio@7e200000",
        &["brcm,bcm2835-gpio"],
        &[0x7e20_0000, 0xb4],
    )
    .device(
        "/soc/serial@7e201000",
        &["arm,pl011", "arm,primecell"],
        &[0x7e20_1000, 0x200],
    )
    .device(
        "/soc/aux@7e215000",
        &["brcm,bcm2835-aux"],
        &[0x7e21_5000, 0x8],
    )
    .device(
        "/soc/serial@7e215040",
        &["brcm,bcm2835-aux-uart"],
        &[0x7e21_5040, 0x40],
    )
    .device(
        "/soc/i2c@7e205000",
        &["brcm,bcm2835-i2c"],
        &[0x7e20_5000, 0x200],
    )
    .device(
        "/soc/i2c@7e804000",
        &["brcm,bcm2835-i2c"],
        &[0x7e80_4000, 0x1000],
    )
    .device(
        "/soc/i2c@7e805000",
        &["brcm,bcm2835-i2c"],
        &[0x7e80_5000, 0x1000],
    )
    .strings("/soc/i2c@7e805000", "status", &["disabled"])
    .device(
        "/soc/timer@7e003000",
        &["brcm,bcm2835-system-timer"],
        &[0x7e00_3000, 0x1000],
    );
    dt
}

#[test]
fn detects_the_raspberry_pi_3_and_translates_gpio_to_0x3f200000() {
    let dt = raspi3b();
    let d = detect(dt.root()).expect("a Pi 3 is detected");
    assert_eq!(d.board.name(), "rpi3");
    assert_eq!(d.matched_by, "compatible \"raspberrypi,3-model-b\"");
    assert_eq!(d.model.as_deref(), Some("Raspberry Pi 3 Model B"));

    let gpio = d.board.peripheral("gpio").unwrap();
    let r = gpio.resolve_base(dt.root());
    assert_eq!(r.base, 0x3f20_0000);
    assert_eq!(
        r.status,
        RelocationStatus::Confirmed {
            node: "/soc/gpio@7e200000".into()
        }
    );
    assert!(r.from_device_tree());

    // Raw translation, as `physreg info` shows it.
    let tree = DeviceTree::open(dt.root());
    let node = &tree.find_compatible("brcm,bcm2835-gpio")[0];
    assert_eq!(node.reg().unwrap()[0].address, 0x7e20_0000);
    let phys = node.translated_reg().unwrap()[0];
    assert_eq!((phys.address, phys.size), (0x3f20_0000, 0xb4));
}

#[test]
fn several_matching_nodes_pick_the_one_at_the_same_offset() {
    let dt = raspi3b();
    let board = Board::builtin("rpi3").unwrap();
    // Three BSC nodes share a compatible: each peripheral finds its own.
    for (name, addr) in [("bsc0", 0x3f20_5000u64), ("bsc1", 0x3f80_4000)] {
        let r = board.peripheral(name).unwrap().resolve_base(dt.root());
        assert_eq!(r.base, addr, "{name}");
        assert!(
            matches!(r.status, RelocationStatus::Confirmed { .. }),
            "{name}: {:?}",
            r.status
        );
    }
    // The disabled node is not preferred while enabled ones exist, and the
    // board file's address stands.
    let r = board.peripheral("bsc2").unwrap().resolve_base(dt.root());
    assert_eq!(r.base, 0x3f80_5000);
    // PL011 and the mini UART: different compatibles, same 0x7e2xxxxx area.
    let uart0 = board.peripheral("uart0").unwrap().resolve_base(dt.root());
    assert_eq!(uart0.base, 0x3f20_1000);
    let uart1 = board.peripheral("uart1").unwrap().resolve_base(dt.root());
    assert_eq!(uart1.base, 0x3f21_5040);
}

#[test]
fn peripherals_missing_from_the_tree_fall_back_to_the_board_file() {
    let dt = raspi3b();
    let board = Board::builtin("rpi3").unwrap();
    let pwm = board.peripheral("pwm").unwrap().resolve_base(dt.root());
    assert_eq!(pwm.base, 0x3f20_c000);
    assert_eq!(pwm.status, RelocationStatus::NotInTree);
    assert!(!pwm.from_device_tree());

    // No device tree at all (an x86 PC, a container).
    let none = Path::new("/nonexistent/device-tree");
    assert!(detect(none).is_none());
    let r = board.peripheral("gpio").unwrap().resolve_base(none);
    assert_eq!(
        (r.base, r.status),
        (0x3f20_0000, RelocationStatus::NotInTree)
    );

    // A peripheral with no dt-compatible at all: user board files may omit it.
    let custom = Board::from_str_named(
        "name = \"x\"\narch = \"aarch64\"\n[[peripheral]]\nname = \"t\"\nbase = 0x1000\nlayout = \"pl011\"\n",
        "x.toml",
    )
    .unwrap();
    let r = custom.peripheral("t").unwrap().resolve_base(dt.root());
    assert_eq!((r.base, r.status), (0x1000, RelocationStatus::NoCompatible));
}

#[test]
fn a_board_revision_no_file_knows_still_works_through_ranges() {
    // A BCM2711 in "high peripheral" mode: the same bus addresses at
    // 0x4_7e00_0000, with a 2-cell root bus.
    let dt = Dt::new();
    dt.strings(
        "/",
        "compatible",
        &["raspberrypi,4-model-b", "brcm,bcm2711"],
    )
    .bus("/", 2, 1)
    .bus("/soc", 1, 1)
    .cells(
        "/soc",
        "ranges",
        &[0x7e00_0000, 0x4, 0x7e00_0000, 0x0180_0000],
    )
    .device(
        "/soc/gpio@7e200000",
        &["brcm,bcm2711-gpio", "brcm,bcm2835-gpio"],
        &[0x7e20_0000, 0xf4],
    );
    let mut board = detect(dt.root()).unwrap().board;
    assert_eq!(board.name(), "rpi4");
    let before = board.resolve("gpio.GPSET0").unwrap().address;
    assert_eq!(before, 0xfe20_001c);

    let relocations = board.apply_device_tree(dt.root());
    let gpio = relocations.iter().find(|r| r.peripheral == "gpio").unwrap();
    assert_eq!(gpio.base, 0x4_7e20_0000);
    assert_eq!(
        gpio.status,
        RelocationStatus::Moved {
            node: "/soc/gpio@7e200000".into(),
            file_base: 0xfe20_0000
        }
    );
    // Names now resolve to the moved block, and /dev/gpiomem moves with it.
    assert_eq!(board.resolve("gpio.GPSET0").unwrap().address, 0x4_7e20_001c);
    let p = board.peripheral("gpio").unwrap();
    assert_eq!(p.device.as_ref().unwrap().base, 0x4_7e20_0000);
    // Peripherals the tree does not list keep their file addresses.
    assert_eq!(board.peripheral("pwm").unwrap().base, 0xfe20_c000);
}

#[test]
fn raspberry_pi_4_gic_uses_the_second_soc_range_and_reg_entries() {
    let dt = Dt::new();
    dt.strings(
        "/",
        "compatible",
        &["raspberrypi,4-model-b", "brcm,bcm2711"],
    )
    .strings("/", "model", &["Raspberry Pi 4 Model B Rev 1.4"])
    .bus("/", 2, 1)
    .bus("/soc", 1, 1)
    .cells(
        "/soc",
        "ranges",
        &[
            0x7e00_0000,
            0x0,
            0xfe00_0000,
            0x0180_0000, //
            0x7c00_0000,
            0x0,
            0xfc00_0000,
            0x0200_0000, //
            0x4000_0000,
            0x0,
            0xff80_0000,
            0x0080_0000,
        ],
    )
    .device(
        "/soc/interrupt-controller@40041000",
        &["arm,gic-400"],
        &[
            0x4004_1000,
            0x1000,
            0x4004_2000,
            0x2000,
            0x4004_4000,
            0x2000,
            0x4004_6000,
            0x2000,
        ],
    )
    .device(
        "/soc/gpio@7e200000",
        &["brcm,bcm2711-gpio"],
        &[0x7e20_0000, 0xf4],
    );
    let board = detect(dt.root()).unwrap().board;
    assert_eq!(board.name(), "rpi4");
    let gicd = board.peripheral("gicd").unwrap().resolve_base(dt.root());
    let gicc = board.peripheral("gicc").unwrap().resolve_base(dt.root());
    assert_eq!(gicd.base, 0xff84_1000);
    assert_eq!(gicc.base, 0xff84_2000);
    assert!(gicd.from_device_tree() && gicc.from_device_tree());
    let gpio = board.peripheral("gpio").unwrap().resolve_base(dt.root());
    assert_eq!(gpio.base, 0xfe20_0000);
}

#[test]
fn qemu_virt_gic_cpu_interface_is_the_second_reg_entry() {
    let dt = Dt::new();
    dt.strings("/", "compatible", &["linux,dummy-virt"])
        .strings("/", "model", &["linux,dummy-virt"])
        .bus("/", 2, 2)
        .device(
            "/intc@8000000",
            &["arm,cortex-a15-gic"],
            &[0, 0x0800_0000, 0, 0x1_0000, 0, 0x0801_0000, 0, 0x1_0000],
        )
        .prop("/intc@8000000", "ranges", &[])
        .device(
            "/pl011@9000000",
            &["arm,pl011", "arm,primecell"],
            &[0, 0x0900_0000, 0, 0x1000],
        );
    for i in 0..32u32 {
        let addr = 0x0a00_0000 + 0x200 * i;
        dt.device(
            &format!("/virtio_mmio@{addr:x}"),
            &["virtio,mmio"],
            &[0, addr, 0, 0x200],
        );
    }
    let d = detect(dt.root()).unwrap();
    assert_eq!(d.board.name(), "qemu-virt");
    let mut board = d.board;
    let relocations = board.apply_device_tree(dt.root());
    for r in &relocations {
        assert!(
            !matches!(
                r.status,
                RelocationStatus::Moved { .. } | RelocationStatus::Error(_)
            ),
            "{r:?}"
        );
    }
    let find = |n: &str| relocations.iter().find(|r| r.peripheral == n).unwrap();
    assert_eq!(find("gicc").base, 0x0801_0000);
    assert!(find("gicc").from_device_tree());
    // Each of 32 transports finds its own node among 32 with one compatible.
    for i in 0..32u64 {
        let r = find(&format!("virtio{i}"));
        assert_eq!(r.base, 0x0a00_0000 + 0x200 * i);
        assert!(r.from_device_tree(), "{r:?}");
    }
}

#[test]
fn raspberry_pi_5_rp1_translates_through_pcie() {
    let dt = Dt::new();
    dt.strings(
        "/",
        "compatible",
        &["raspberrypi,5-model-b", "brcm,bcm2712"],
    )
    .strings("/", "model", &["Raspberry Pi 5 Model B Rev 1.0"])
    .bus("/", 2, 2)
    .bus("/axi", 2, 2)
    .prop("/axi", "ranges", &[])
    .bus("/axi/pcie@120000", 3, 2)
    .strings("/axi/pcie@120000", "device_type", &["pci"])
    .cells(
        "/axi/pcie@120000",
        "ranges",
        // 32-bit memory space (0x02000000), PCI address 0 -> CPU 0x1f_0000_0000.
        &[0x0200_0000, 0x0, 0x0, 0x1f, 0x0, 0x0, 0xffff_fffc],
    )
    .bus("/axi/pcie@120000/rp1", 2, 2)
    .cells(
        "/axi/pcie@120000/rp1",
        "ranges",
        // RP1 0xc0_4000_0000 -> PCI memory 0 (phys.hi flags differ: relocatable bit).
        &[0xc0, 0x4000_0000, 0x8200_0000, 0x0, 0x0, 0x0, 0x0040_0000],
    )
    .device(
        "/axi/pcie@120000/rp1/gpio@c0400d0000",
        &["raspberrypi,rp1-gpio"],
        &[
            0xc0,
            0x400d_0000,
            0x0,
            0xc000, //
            0xc0,
            0x400e_0000,
            0x0,
            0xc000, //
            0xc0,
            0x400f_0000,
            0x0,
            0xc000,
        ],
    );
    let d = detect(dt.root()).unwrap();
    assert_eq!(d.board.name(), "rpi5");
    let board = d.board;
    for (name, addr) in [
        ("io_bank0", 0x1f_000d_0000u64),
        ("sys_rio0", 0x1f_000e_0000),
        ("pads_bank0", 0x1f_000f_0000),
    ] {
        let r = board.peripheral(name).unwrap().resolve_base(dt.root());
        assert_eq!(r.base, addr, "{name}: {:?}", r.status);
        assert!(
            matches!(r.status, RelocationStatus::Confirmed { .. }),
            "{name}: {:?}",
            r.status
        );
    }
    // RP1's atomic aliases: SET at +0x2000, through /dev/gpiomem0 at offset 0.
    let set = board.resolve("io_bank0.GPIO17_CTRL_SET.OUTOVER").unwrap();
    assert_eq!(set.address, 0x1f_000d_0000 + 0x2000 + 17 * 8 + 4);
    let dev = board
        .peripheral("sys_rio0")
        .unwrap()
        .device
        .clone()
        .unwrap();
    assert_eq!(dev.path, Path::new("/dev/gpiomem0"));
    assert_eq!(dev.base, 0x1f_000d_0000);
}

#[test]
fn detection_prefers_the_most_specific_compatible_and_falls_back_to_model() {
    // A Zero 2 W lists its own compatible before the SoC's.
    let dt = Dt::new();
    dt.strings(
        "/",
        "compatible",
        &["raspberrypi,model-zero-2-w", "brcm,bcm2837"],
    );
    assert_eq!(detect(dt.root()).unwrap().board.name(), "rpi3");

    // Compatible strings no board knows, but a model pattern matches.
    let dt = Dt::new();
    dt.strings("/", "compatible", &["acme,unknown"]).strings(
        "/",
        "model",
        &["Raspberry Pi 4 Model B Rev 9.9"],
    );
    let d = detect(dt.root()).unwrap();
    assert_eq!(d.board.name(), "rpi4");
    assert_eq!(d.matched_by, "model \"Raspberry Pi 4 Model B Rev 9.9\"");

    // Nothing matches.
    let dt = Dt::new();
    dt.strings("/", "compatible", &["acme,unknown"]);
    assert!(detect(dt.root()).is_none());

    // Among user boards.
    let mine = Board::from_str_named(
        "name = \"mine\"\narch = \"arm\"\ncompatible = [\"acme,unknown\"]\n[[peripheral]]\nname = \"u\"\nbase = 0x1000\nlayout = \"pl011\"\n",
        "mine.toml",
    )
    .unwrap();
    let d = detect_among(&[mine], dt.root()).unwrap();
    assert_eq!(d.board.name(), "mine");
}

#[test]
fn malformed_trees_give_errors_not_panics() {
    let dt = Dt::new();
    dt.strings("/", "compatible", &["raspberrypi,3-model-b"])
        .bus("/", 1, 1)
        .bus("/soc", 1, 1)
        .cells("/soc", "ranges", &[0x7e00_0000, 0x3f00_0000]) // not a multiple of 3 cells
        .device(
            "/soc/gpio@7e200000",
            &["brcm,bcm2835-gpio"],
            &[0x7e20_0000, 0xb4],
        )
        .device("/soc/serial@7e201000", &["arm,pl011"], &[0x7e20_1000]) // half an entry
        .prop("/soc/serial@7e201000", "#size-cells", b"\x00\x00") // junk, unused
        .bus("/bus", 1, 1) // no ranges: not memory-mapped
        .device("/bus/i2c@1000", &["brcm,bcm2835-i2c"], &[0x1000, 0x100])
        .prop(
            "/soc/timer@7e003000",
            "compatible",
            b"\xff\xfe\0brcm,bcm2835-system-timer\0",
        )
        .prop("/soc/timer@7e003000", "reg", b"\x01\x02\x03");
    let board = Board::builtin("rpi3").unwrap();
    let tree = DeviceTree::open(dt.root());

    let gpio = &tree.find_compatible("brcm,bcm2835-gpio")[0];
    assert!(matches!(
        gpio.translated_reg(),
        Err(DtError::Malformed { .. })
    ));
    let r = board.peripheral("gpio").unwrap().resolve_base(dt.root());
    assert_eq!(r.base, 0x3f20_0000, "falls back to the board file");
    match &r.status {
        RelocationStatus::Error(e) => assert!(e.contains("/soc") && e.contains("ranges"), "{e}"),
        s => panic!("{s:?}"),
    }
    let uart = &tree.find_compatible("arm,pl011")[0];
    assert!(uart.reg().is_err());
    let i2c = &tree.find_compatible("brcm,bcm2835-i2c")[0];
    let e = i2c.translated_reg().unwrap_err().to_string();
    assert!(e.contains("no `ranges`"), "{e}");
    let timer = &tree.find_compatible("brcm,bcm2835-system-timer")[0];
    assert!(timer.reg().is_err());
    assert!(tree.node("/../etc").is_none());
    assert!(tree
        .node("/soc/gpio@7e200000")
        .unwrap()
        .property("../../x")
        .is_none());
    // apply_device_tree never panics and keeps the file's addresses.
    let mut b = board.clone();
    let rel = b.apply_device_tree(dt.root());
    assert_eq!(rel.len(), b.peripherals().len());
    assert_eq!(b.peripheral("gpio").unwrap().base, 0x3f20_0000);
}

#[test]
fn iomem_tells_ram_drivers_and_idle_windows_per_peripheral() {
    let iomem = Iomem::parse(
        "\
00000000-3b3fffff : System RAM
  00008000-00afffff : Kernel code
3f003000-3f003fff : 3f003000.timer timer@7e003000
3f200000-3f2000b3 : 3f200000.gpio gpio@7e200000
3f201000-3f2011ff : 3f201000.serial serial@7e201000
  3f201000-3f2011ff : uart-pl011
3f215000-3f215007 : 3f215000.aux aux@7e215000
",
        "iomem",
    )
    .unwrap();
    let board = Board::builtin("rpi3").unwrap();
    let status = board.iomem_status(&iomem);
    let of = |n: &str| status.iter().find(|(p, _)| p.name == n).unwrap().1.clone();
    assert_eq!(of("uart0"), RangeStatus::Claimed("uart-pl011".into()));
    // The pinctrl driver's devm_ioremap_resource region.
    assert_eq!(
        of("gpio"),
        RangeStatus::Claimed("3f200000.gpio gpio@7e200000".into())
    );
    assert_eq!(of("pwm"), RangeStatus::Idle);

    // A board file whose window lies in RAM is caught.
    let bad = Board::from_str_named(
        "name = \"b\"\narch = \"arm\"\n[[peripheral]]\nname = \"oops\"\nbase = 0x1000_0000\nlayout = \"pl011\"\n",
        "b.toml",
    )
    .unwrap();
    assert_eq!(bad.iomem_status(&iomem)[0].1, RangeStatus::SystemRam);
}
