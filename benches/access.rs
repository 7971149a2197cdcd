//! Register access through physreg's handles against raw volatile pointers
//! on the same mapping. Run: `cargo bench --bench access`.
//!
//! Each case runs `OPS` accesses per sample; samples of all cases are
//! interleaved (so machine noise hits every case alike) and the median is
//! kept. The figure that matters is the ratio handle / raw, measured in one
//! run; absolute nanoseconds vary with the machine.

use std::hint::black_box;
use std::time::Instant;

use physreg::map::{Mapping, Mode, Region, Source};
use physreg::reg::{Endianness, RwReg, Width};
use tock_registers::fields::FieldValue;
use tock_registers::interfaces::{ReadWriteable, Readable, Writeable};
use tock_registers::register_bitfields;

register_bitfields![u32,
    CR [
        TXE OFFSET(8) NUMBITS(1) [],
        RXE OFFSET(9) NUMBITS(1) []
    ]
];

const OPS: u32 = 2_000_000;
const SAMPLES: usize = 15;
const BASE: u64 = 0x0900_0000;

fn main() {
    let dir = std::env::temp_dir().join(format!("physreg-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("regs.bin");
    std::fs::write(&path, vec![0u8; 0x1000]).expect("register file");
    let map = Mapping::open(
        &Source::file(&path, BASE),
        Region::new(BASE, 0x1000),
        Mode::ReadWrite,
    )
    .expect("map register file");
    let reg: RwReg<u32, CR::Register> = map.reg(BASE + 0x30).expect("handle");
    let dynreg = map
        .dyn_reg(BASE + 0x30, Width::W32, Endianness::Little, true)
        .expect("dyn handle");
    // The same register looked up by name in the qemu-virt board file, once.
    let board = physreg::board::Board::builtin("qemu-virt").expect("built-in board");
    let by_name: RwReg<u32, CR::Register> = board
        .resolve("uart0.CR")
        .expect("uart0.CR")
        .reg(&map)
        .expect("by-name handle");
    // The raw baseline: the same address, found the way a C program would.
    let raw = reg_ptr(&map);

    let cases: Vec<Case> = vec![
        // SAFETY: `raw` points at an aligned u32 inside the live, writable mapping.
        read_case("raw read_volatile", || unsafe { raw.read_volatile() }),
        read_case("handle get", || reg.get()),
        read_case("by-name handle get", || by_name.get()),
        read_case("dyn handle read", || dynreg.read() as u32),
        // SAFETY: as above.
        write_case("raw write_volatile", |v| unsafe { raw.write_volatile(v) }),
        write_case("handle set", |v| reg.set(v)),
        write_case("by-name handle set", |v| by_name.set(v)),
        modify_case(
            "raw read-modify-write",
            // SAFETY: as above.
            |m, v| unsafe { raw.write_volatile((raw.read_volatile() & !m) | v) },
        ),
        modify_case("handle modify(field)", |m, v| {
            reg.modify(FieldValue::<u32, CR::Register>::new(m, 0, v))
        }),
        modify_case("by-name modify(field)", |m, v| {
            by_name.modify(FieldValue::<u32, CR::Register>::new(m, 0, v))
        }),
    ];

    let mut samples = vec![Vec::with_capacity(SAMPLES); cases.len()];
    for _ in 0..SAMPLES {
        for (i, (_, _, run)) in cases.iter().enumerate() {
            let t = Instant::now();
            run();
            samples[i].push(t.elapsed().as_secs_f64() * 1e9 / f64::from(OPS));
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let med: Vec<f64> = samples.iter_mut().map(median).collect();
    println!("{:<24} {:>10}  {:>8}", "case", "ns/access", "ratio");
    for (i, (name, base, _)) in cases.iter().enumerate() {
        let j = cases.iter().position(|c| c.0 == *base).unwrap_or(i);
        println!("{:<24} {:>10.3}  {:>8.3}", name, med[i], med[i] / med[j]);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// (name, the raw case it is compared with, the timed loop)
type Case<'a> = (&'static str, &'static str, Box<dyn Fn() + 'a>);

// Generic over the access so that it is inlined into the timed loop: the
// only indirect call is one per sample, not one per access.
fn read_case<'a>(name: &'static str, f: impl Fn() -> u32 + 'a) -> Case<'a> {
    let run = move || {
        for _ in 0..OPS {
            black_box(f());
        }
    };
    (name, "raw read_volatile", Box::new(run))
}

fn write_case<'a>(name: &'static str, f: impl Fn(u32) + 'a) -> Case<'a> {
    let run = move || {
        for i in 0..OPS {
            f(black_box(i));
        }
    };
    (name, "raw write_volatile", Box::new(run))
}

fn modify_case<'a>(name: &'static str, f: impl Fn(u32, u32) + 'a) -> Case<'a> {
    let run = move || {
        // Mask and value opaque to the optimiser, like a field's.
        let (mask, value) = black_box((1u32 << 9, 1u32 << 9));
        for _ in 0..OPS {
            f(mask, value);
        }
    };
    (name, "raw read-modify-write", Box::new(run))
}

/// The register's address as a plain pointer, taken once outside the loops.
fn reg_ptr(map: &Mapping) -> *mut u32 {
    map.as_ptr().wrapping_add(0x30).cast::<u32>()
}
