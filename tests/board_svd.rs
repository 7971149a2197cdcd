//! Cross-checks the Raspberry Pi board files (BCM2835, BCM2837, BCM2711)
//! against the CMSIS-SVD files in ../shared/reference/svd, an independent
//! description generated from adafruit/broadcom-peripherals.
//!
//! For every peripheral the board and the SVD both describe: the base
//! address; every register of the board's layout (offset, width, access)
//! and every field (position, width, access, enumerated values whose names
//! both use); and every register and field of the SVD that the board lacks.
//! Each difference must be listed in `KNOWN` below with the reason, which is
//! nearly always that the Broadcom datasheet says otherwise: the datasheet
//! wins. A difference not listed fails the test, and so does a listed one
//! that no longer occurs.
//!
//! The SVDs are read with a small XML reader written here (no dependency).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use physreg::board::{glob_match, Access, Board};

// ---------------------------------------------------------------- XML ----

#[derive(Debug, Default, Clone)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    fn text_of(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.trim().to_string())
    }
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Parses the subset of XML that SVD files use: elements, attributes, text,
/// comments, the XML declaration and self-closing tags.
fn parse_xml(text: &str) -> Element {
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").expect("unterminated comment");
            rest = &after[end + 3..];
        } else if let Some(after) = rest.strip_prefix("<?") {
            let end = after.find("?>").expect("unterminated declaration");
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').expect("unterminated end tag");
            let done = stack.pop().expect("unbalanced");
            assert_eq!(done.name, after[..end].trim(), "mismatched end tag");
            stack.last_mut().expect("unbalanced").children.push(done);
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').expect("unterminated tag");
            let mut body = &after[..end];
            let self_closing = body.ends_with('/');
            if self_closing {
                body = &body[..body.len() - 1];
            }
            let mut parts = body.trim().splitn(2, char::is_whitespace);
            let name = parts.next().unwrap_or("").to_string();
            let mut attrs = Vec::new();
            let mut a = parts.next().unwrap_or("").trim();
            while let Some(eq) = a.find('=') {
                let key = a[..eq].trim().to_string();
                let v = a[eq + 1..].trim_start();
                let quote = v.chars().next().expect("attribute value");
                let close = v[1..].find(quote).expect("unterminated attribute") + 1;
                attrs.push((key, unescape(&v[1..close])));
                a = v[close + 1..].trim_start();
            }
            let el = Element {
                name,
                attrs,
                ..Element::default()
            };
            if self_closing {
                stack.last_mut().expect("unbalanced").children.push(el);
            } else {
                stack.push(el);
            }
            rest = &after[end + 1..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            stack.last_mut().expect("unbalanced").text += &unescape(&rest[..end]);
            rest = &rest[end..];
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    stack.pop().unwrap()
}

fn num(s: &str) -> u64 {
    let s = s.trim();
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).unwrap()
    } else if let Some(b) = s.strip_prefix("0b").or_else(|| s.strip_prefix('#')) {
        u64::from_str_radix(b, 2).unwrap()
    } else {
        s.parse().unwrap()
    }
}

// ---------------------------------------------------------------- SVD ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Acc {
    Ro,
    Rw,
    Wo,
    W1c,
}

fn acc_of(access: Option<&str>, modified: Option<&str>, default: Acc) -> Acc {
    match (access, modified) {
        (Some("read-only"), _) => Acc::Ro,
        (Some("write-only"), _) => Acc::Wo,
        (Some("read-write"), Some("oneToClear")) | (None, Some("oneToClear"))
            if default != Acc::Wo && default != Acc::Ro =>
        {
            Acc::W1c
        }
        (Some("read-write"), _) => Acc::Rw,
        _ => default,
    }
}

fn acc_of_board(a: Access) -> Acc {
    match a {
        Access::ReadOnly => Acc::Ro,
        Access::ReadWrite => Acc::Rw,
        Access::WriteOnly => Acc::Wo,
        Access::WriteOneToClear => Acc::W1c,
    }
}

#[derive(Debug, Clone)]
struct SvdField {
    name: String,
    lsb: u32,
    width: u32,
    access: Acc,
    values: Vec<(String, u64)>,
}

#[derive(Debug, Clone)]
struct SvdRegister {
    name: String,
    offset: u64,
    size: u32,
    access: Acc,
    fields: Vec<SvdField>,
}

#[derive(Debug, Clone)]
struct SvdPeripheral {
    base: u64,
    registers: Vec<SvdRegister>,
}

fn field_of(f: &Element, reg_access: Acc) -> SvdField {
    let name = f.text_of("name").unwrap();
    let (lsb, width) = if let Some(o) = f.text_of("bitOffset") {
        (num(&o) as u32, num(&f.text_of("bitWidth").unwrap()) as u32)
    } else if let Some(l) = f.text_of("lsb") {
        let m = num(&f.text_of("msb").unwrap()) as u32;
        let l = num(&l) as u32;
        (l, m - l + 1)
    } else {
        let r = f.text_of("bitRange").unwrap();
        let (m, l) = r.trim_matches(['[', ']']).split_once(':').unwrap();
        let (m, l) = (num(m) as u32, num(l) as u32);
        (l, m - l + 1)
    };
    let access = acc_of(
        f.text_of("access").as_deref(),
        f.text_of("modifiedWriteValues").as_deref(),
        reg_access,
    );
    let values = f
        .children("enumeratedValues")
        .flat_map(|ev| ev.children("enumeratedValue"))
        .filter_map(|v| Some((v.text_of("name")?, num(&v.text_of("value")?))))
        .collect();
    SvdField {
        name,
        lsb,
        width,
        access,
        values,
    }
}

fn registers_of(p: &Element, dev_size: u32, dev_access: Acc) -> Vec<SvdRegister> {
    let p_size = p.text_of("size").map_or(dev_size, |s| num(&s) as u32);
    let p_access = acc_of(p.text_of("access").as_deref(), None, dev_access);
    let mut out = Vec::new();
    let Some(regs) = p.child("registers") else {
        return out;
    };
    for r in regs.children("register") {
        let size = r.text_of("size").map_or(p_size, |s| num(&s) as u32);
        let access = acc_of(
            r.text_of("access").as_deref(),
            r.text_of("modifiedWriteValues").as_deref(),
            p_access,
        );
        let fields: Vec<SvdField> = r
            .child("fields")
            .map(|fs| fs.children("field").map(|f| field_of(f, access)).collect())
            .unwrap_or_default();
        let name = r.text_of("name").unwrap();
        let offset = num(&r.text_of("addressOffset").unwrap());
        match r.text_of("dim") {
            None => out.push(SvdRegister {
                name,
                offset,
                size,
                access,
                fields,
            }),
            Some(d) => {
                let step = num(&r.text_of("dimIncrement").unwrap());
                for i in 0..num(&d) {
                    out.push(SvdRegister {
                        name: name.replace("%s", &i.to_string()),
                        offset: offset + i * step,
                        size,
                        access,
                        fields: fields.clone(),
                    });
                }
            }
        }
    }
    out
}

fn load_svd(file: &str) -> BTreeMap<String, SvdPeripheral> {
    let text = std::fs::read_to_string(shared().join("reference/svd").join(file)).unwrap();
    let root = parse_xml(&text);
    let dev = root.child("device").expect("no <device>");
    let dev_size = dev.text_of("size").map_or(32, |s| num(&s) as u32);
    let dev_access = acc_of(dev.text_of("access").as_deref(), None, Acc::Rw);
    let periph: Vec<&Element> = dev
        .child("peripherals")
        .unwrap()
        .children("peripheral")
        .collect();
    let mut out = BTreeMap::new();
    for p in &periph {
        let name = p.text_of("name").unwrap();
        let base = num(&p.text_of("baseAddress").unwrap());
        let registers = match p.attr("derivedFrom") {
            Some(from) => {
                let src = periph
                    .iter()
                    .find(|q| q.text_of("name").as_deref() == Some(from))
                    .unwrap();
                registers_of(src, dev_size, dev_access)
            }
            None => registers_of(p, dev_size, dev_access),
        };
        out.insert(name, SvdPeripheral { base, registers });
    }
    out
}

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

// -------------------------------------------------------- the mapping ----

/// How an SVD peripheral maps onto the board: (SVD name, board peripheral,
/// offset of the SVD block inside the board peripheral, register renames).
struct Map {
    svd: &'static str,
    board: &'static str,
    offset: u64,
    renames: &'static [(&'static str, &'static str)],
    /// Compare only the base address (the GIC-400 uses the ARM GICv2 layout
    /// shared with qemu-virt, checked against the ARM specification).
    base_only: bool,
}

const fn m(svd: &'static str, board: &'static str) -> Map {
    Map {
        svd,
        board,
        offset: 0,
        renames: &[],
        base_only: false,
    }
}

const COMMON: &[Map] = &[
    m("GPIO", "gpio"),
    m("SYSTMR", "systimer"),
    m("UART0", "uart0"),
    m("SPI0", "spi0"),
    m("BSC0", "bsc0"),
    m("BSC1", "bsc1"),
    m("PWM0", "pwm"),
    m("AUX", "aux"),
    m("UART1", "uart1"),
    Map {
        svd: "CM_PCM",
        board: "cm",
        offset: 0x98,
        renames: &[("CS", "PCMCTL"), ("DIV", "PCMDIV")],
        base_only: false,
    },
    Map {
        svd: "CM_PWM",
        board: "cm",
        offset: 0xa0,
        renames: &[("CS", "PWMCTL"), ("DIV", "PWMDIV")],
        base_only: false,
    },
];

const BCM283X_EXTRA: &[Map] = &[m("BSC2", "bsc2")];

const BCM2711_EXTRA: &[Map] = &[
    m("UART2", "uart2"),
    m("UART3", "uart3"),
    m("UART4", "uart4"),
    m("UART5", "uart5"),
    m("SPI3", "spi3"),
    m("SPI4", "spi4"),
    m("SPI5", "spi5"),
    m("SPI6", "spi6"),
    m("BSC3", "bsc3"),
    m("BSC4", "bsc4"),
    m("BSC5", "bsc5"),
    m("BSC6", "bsc6"),
    m("PWM1", "pwm1"),
    Map {
        svd: "GIC_DIST",
        board: "gicd",
        offset: 0,
        renames: &[],
        base_only: true,
    },
    Map {
        svd: "GIC_CPU",
        board: "gicc",
        offset: 0,
        renames: &[],
        base_only: true,
    },
];

// ---------------------------------------------------- known differences ----

/// Differences between a board file and the SVD, each with its reason. Keys
/// are `soc: PERIPHERAL.REGISTER[.FIELD]: what`, as the comparison prints
/// them; `*` stands for every SoC.
const KNOWN: &[(&str, &str)] = &[
    // --- PL011 (UART0, and UART2-5 on the BCM2711) ---
    (
        "*: pl011.FR*: access rw in the SVD, ro in the board",
        "BCM2835 ARM Peripherals section 13.4 (FR, p. 181) and the PL011 TRM 3.3.3: the flag register and all its bits are read-only",
    ),
    (
        "*: pl011.DR.?E: access rw in the SVD, ro in the board",
        "BCM2835 ARM Peripherals section 13.4 (DR, p. 179): OE, BE, PE and FE are receive status bits, read-only",
    ),
    (
        "*: pl011.CR.LBE: in the board (bits 7+1), not in the SVD",
        "PL011 TRM 3.3.8 and BCM2835 ARM Peripherals p. 185 define CR bit 7 LBE (loopback enable); the SVD omits it",
    ),
    (
        "*: pl011.CR.OUT?: in the board (bits 1?+1), not in the SVD",
        "PL011 TRM 3.3.8 defines OUT1/OUT2 (bits 12, 13); the BCM2835 marks them unsupported, but the layout is the one QEMU's PL011 shares",
    ),
    (
        "*: pl011.ILPR: in the board (offset 0x20), not in the SVD",
        "PL011 TRM 3.3.4 defines ILPR; BCM2835 ARM Peripherals p. 177 lists it as not in use (IrDA is not implemented); kept for the PL011 layout shared with QEMU",
    ),
    // --- AUX and the mini UART ---
    (
        "*: bcm2835-aux.IRQ*: access rw in the SVD, ro in the board",
        "BCM2835 ARM Peripherals section 2.1.1 (AUXIRQ, p. 9): the pending bits are read-only (type R)",
    ),
    (
        "*: bcm2835-mini-uart.BAUD*: ?? bits in the SVD, 32 in the board",
        "BCM2835 ARM Peripherals section 2.2.2 (p. 11): the register table's size column gives the bits used (8 or 16), but the mini UART is accessed 32 bits wide (Linux 8250_bcm2835aux: reg-io-width 4); the used bits are a field",
    ),
    (
        "*: bcm2835-mini-uart.BAUD*: 8 bits in the SVD, 32 in the board",
        "as above: BAUDL and BAUDH hold 8 bits in a 32-bit access",
    ),
    (
        "*: bcm2835-mini-uart.SCRATCH: 8 bits in the SVD, 32 in the board",
        "as above: SCRATCH holds 8 bits in a 32-bit access",
    ),
    (
        "*: bcm2835-mini-uart.*.*: in the board (bits 0+*), not in the SVD",
        "the BAUD, BAUDL, BAUDH and SCRATCH registers' used bits, described as a field because the access is 32 bits wide",
    ),
    (
        "*: bcm2835-mini-uart.IIR.nPENDING: access rw in the SVD, ro in the board",
        "BCM2835 ARM Peripherals p. 13 (AUX_MU_IIR_REG bit 0, interrupt pending): type R",
    ),
    (
        "*: bcm2835-mini-uart.LSR*: access rw in the SVD, ro in the board",
        "BCM2835 ARM Peripherals p. 15 (AUX_MU_LSR_REG): every bit is type R (reading it clears the overrun bit)",
    ),
    (
        "*: bcm2835-mini-uart.MSR*: access rw in the SVD, ro in the board",
        "BCM2835 ARM Peripherals p. 15 (AUX_MU_MSR_REG): type R",
    ),
    (
        "*: bcm2835-mini-uart.MSR.CTS: bits 4+1 in the SVD, 5+1 in the board",
        "BCM2835 ARM Peripherals p. 15 (AUX_MU_MSR_REG): CTS status is bit 5, bit 4 is reserved; the SVD took the 16550's bit 4",
    ),
    (
        "*: bcm2835-mini-uart.STAT*: access rw in the SVD, ro in the board",
        "BCM2835 ARM Peripherals p. 18-19 (AUX_MU_STAT_REG): every bit is type R",
    ),
    // --- BSC, PWM, system timer ---
    (
        "*: bcm2835-bsc.S: access rw in the SVD, w1c in the board",
        "BCM2835 ARM Peripherals section 3.2 (S register, p. 31-32): CLKT, ERR and DONE are cleared by writing 1 and the other bits are read-only, so writing back a value read would clear them: the register is w1c (the SVD marks only the three fields)",
    ),
    (
        "*: bcm2835-pwm.CTL.CLRF1: access rw in the SVD, wo in the board",
        "BCM2835 ARM Peripherals section 9.6 (CTL, p. 143): CLRF1 is a single-shot clear that always reads 0",
    ),
    (
        "*: bcm2835-pwm.STA: access rw in the SVD, w1c in the board",
        "BCM2835 ARM Peripherals section 9.6 (STA, p. 144-145): the error and gap bits are cleared by writing 1, the rest are read-only",
    ),
    (
        "*: bcm2835-pwm.STA.*: access rw in the SVD, w1c in the board",
        "as above: WERR1, RERR1, GAPO1-4 and BERR are write-1-to-clear",
    ),
    (
        "*: bcm2835-pwm.STA.*: access rw in the SVD, ro in the board",
        "as above: FULL1, EMPT1 and STA1-4 are read-only",
    ),
    (
        "*: bcm2835-systimer.CS: access rw in the SVD, w1c in the board",
        "BCM2835 ARM Peripherals section 12.1 (CS, p. 173): a match bit is cleared by writing 1 to it",
    ),
    // --- clock manager ---
    (
        "*: bcm2835-cm.*CTL.SRC: value PLLC = 0x6 in the SVD, 0x5 in the board",
        "BCM2835 ARM Peripherals section 6.3 (CM_GPnCTL, p. 107): SRC 4 = PLLA per, 5 = PLLC per, 6 = PLLD per, 7 = HDMI auxiliary; the SVD has 5 = PLLB, 6 = PLLC",
    ),
    // --- GPIO ---
    (
        "*: bcm27??-gpio.EXTRA_MUX: in the SVD (offset 0xd0), not in the board",
        "not in the GPIO register map of BCM2835 ARM Peripherals section 6.1 or BCM2711 ARM Peripherals section 5.2; an undocumented SD host mux the firmware owns, left out",
    ),
    (
        "*: bcm2835-gpio.EXTRA_MUX: in the SVD (offset 0xd0), not in the board",
        "as above",
    ),
];

// ------------------------------------------------------------ compare ----

fn acc_str(a: Acc) -> &'static str {
    match a {
        Acc::Ro => "ro",
        Acc::Rw => "rw",
        Acc::Wo => "wo",
        Acc::W1c => "w1c",
    }
}

fn compare(
    soc: &str,
    svd_file: &str,
    board_name: &str,
    maps: &[&[Map]],
    found: &mut BTreeSet<String>,
) {
    let svd = load_svd(svd_file);
    let board = Board::builtin(board_name).unwrap();
    for map in maps.iter().flat_map(|m| m.iter()) {
        let sp = svd
            .get(map.svd)
            .unwrap_or_else(|| panic!("{soc}: no {} in the SVD", map.svd));
        let bp = board
            .peripheral(map.board)
            .unwrap_or_else(|| panic!("{board_name}: no {}", map.board));
        let mut diff = |what: String| {
            found.insert(format!("{soc}: {what}"));
        };
        if bp.base + map.offset != sp.base {
            diff(format!(
                "{}: base {:#x} in the SVD, {:#x} in the board",
                map.board,
                sp.base,
                bp.base + map.offset
            ));
        }
        if map.base_only {
            continue;
        }
        // Differences in registers are per layout: uart0 and uart2 share one.
        let layout = bp.layout.name.clone();
        let rename = |svd_name: &str| -> String {
            map.renames
                .iter()
                .find(|(s, _)| *s == svd_name)
                .map_or(svd_name.to_string(), |(_, b)| b.to_string())
        };
        // Board registers inside the SVD block's range (the CM maps a part).
        let span_end = map.offset
            + if map.renames.is_empty() {
                u64::MAX / 2
            } else {
                8
            };
        let board_regs: Vec<_> = bp
            .layout
            .registers
            .iter()
            .filter(|r| r.offset >= map.offset && r.offset < span_end)
            .collect();
        for sr in &sp.registers {
            let name = rename(&sr.name);
            let Some(br) = board_regs
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(&name))
            else {
                diff(format!(
                    "{layout}.{name}: in the SVD (offset {:#x}), not in the board",
                    sr.offset
                ));
                continue;
            };
            let path = format!("{}.{}", layout, br.name);
            if br.offset != sr.offset + map.offset {
                diff(format!(
                    "{path}: offset {:#x} in the SVD, {:#x} in the board",
                    sr.offset + map.offset,
                    br.offset
                ));
            }
            if br.width.bits() != sr.size {
                diff(format!(
                    "{path}: {} bits in the SVD, {} in the board",
                    sr.size,
                    br.width.bits()
                ));
            }
            if acc_of_board(br.access) != sr.access {
                diff(format!(
                    "{path}: access {} in the SVD, {} in the board",
                    acc_str(sr.access),
                    br.access
                ));
            }
            for sf in &sr.fields {
                let Some(bf) = br.field(&sf.name) else {
                    diff(format!(
                        "{path}.{}: in the SVD (bits {}+{}), not in the board",
                        sf.name, sf.lsb, sf.width
                    ));
                    continue;
                };
                let fpath = format!("{path}.{}", bf.name);
                if (bf.lsb, bf.width) != (sf.lsb, sf.width) {
                    diff(format!(
                        "{fpath}: bits {}+{} in the SVD, {}+{} in the board",
                        sf.lsb, sf.width, bf.lsb, bf.width
                    ));
                }
                if acc_of_board(bf.access) != sf.access {
                    diff(format!(
                        "{fpath}: access {} in the SVD, {} in the board",
                        acc_str(sf.access),
                        bf.access
                    ));
                }
                for (vname, v) in &sf.values {
                    if let Some(bv) = bf.value_by_name(vname) {
                        if bv != *v {
                            diff(format!(
                                "{fpath}: value {vname} = {v:#x} in the SVD, {bv:#x} in the board"
                            ));
                        }
                    }
                }
            }
            for bf in &br.fields {
                if !sr
                    .fields
                    .iter()
                    .any(|f| f.name.eq_ignore_ascii_case(&bf.name))
                {
                    diff(format!(
                        "{path}.{}: in the board (bits {}+{}), not in the SVD",
                        bf.name, bf.lsb, bf.width
                    ));
                }
            }
        }
        for br in &board_regs {
            let known = sp
                .registers
                .iter()
                .any(|sr| rename(&sr.name).eq_ignore_ascii_case(&br.name));
            if !known {
                diff(format!(
                    "{layout}.{}: in the board (offset {:#x}), not in the SVD",
                    br.name, br.offset
                ));
            }
        }
    }
}

#[test]
fn raspberry_pi_boards_agree_with_the_svd_files_or_say_why_not() {
    assert!(
        shared().join("reference/svd").is_dir(),
        "../shared/reference/svd is needed (CI and every developer machine have it)"
    );
    let mut found = BTreeSet::new();
    compare(
        "bcm2835",
        "bcm2835_lpa.svd",
        "rpi1",
        &[COMMON, BCM283X_EXTRA],
        &mut found,
    );
    compare(
        "bcm2837",
        "bcm2837_lpa.svd",
        "rpi3",
        &[COMMON, BCM283X_EXTRA],
        &mut found,
    );
    compare(
        "bcm2711",
        "bcm2711_lpa.svd",
        "rpi4",
        &[COMMON, BCM2711_EXTRA],
        &mut found,
    );

    // A known difference applies to a SoC, or to all ("*").
    let matches = |k: &str, d: &str| -> bool {
        let (soc, rest) = d.split_once(": ").unwrap();
        let (ksoc, krest) = k.split_once(": ").unwrap();
        (ksoc == "*" || ksoc == soc) && glob_match(krest, rest)
    };
    let known = |d: &str| KNOWN.iter().any(|(k, _)| matches(k, d));
    let unexplained: Vec<&String> = found.iter().filter(|d| !known(d)).collect();
    let stale: Vec<&str> = KNOWN
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !found.iter().any(|d| matches(k, d)))
        .collect();
    assert!(
        unexplained.is_empty() && stale.is_empty(),
        "unexplained differences from the SVD (fix the board file, or list them in KNOWN with the datasheet's reason):\n  {}\nstale KNOWN entries:\n  {}",
        unexplained.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n  "),
        stale.join("\n  ")
    );
}

#[test]
fn the_xml_reader_reads_what_svd_uses() {
    let x = parse_xml(
        "<?xml version=\"1.0\"?>\n<!-- c --><a k=\"v&amp;w\"><b>1</b><c /><b>x &lt; y</b></a>",
    );
    let a = x.child("a").unwrap();
    assert_eq!(a.attr("k"), Some("v&w"));
    assert_eq!(a.children("b").count(), 2);
    assert_eq!(a.children("b").nth(1).unwrap().text, "x < y");
    assert!(a.child("c").is_some());
}
