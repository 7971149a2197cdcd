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
    // The raw baseline: the same address, found the way a C program would.
    let raw = reg_ptr(&map);

    type Case<'a> = (&'static str, Box<dyn Fn() + 'a>);
    let cases: Vec<Case> = vec![
        (
            "raw read_volatile",
            Box::new(|| {
                for _ in 0..OPS {
                    // SAFETY: `raw` points at an aligned u32 inside the live mapping.
                    black_box(unsafe { raw.read_volatile() });
                }
            }),
        ),
        (
            "handle get",
            Box::new(|| {
                for _ in 0..OPS {
                    black_box(reg.get());
                }
            }),
        ),
        (
            "dyn handle read",
            Box::new(|| {
                for _ in 0..OPS {
                    black_box(dynreg.read());
                }
            }),
        ),
        (
            "raw write_volatile",
            Box::new(|| {
                for i in 0..OPS {
                    // SAFETY: as above; the mapping is writable.
                    unsafe { raw.write_volatile(black_box(i)) };
                }
            }),
        ),
        (
            "handle set",
            Box::new(|| {
                for i in 0..OPS {
                    reg.set(black_box(i));
                }
            }),
        ),
        (
            "raw read-modify-write",
            Box::new(|| {
                // Mask and value opaque to the optimiser, as the field's are below.
                let (mask, value) = black_box((1u32 << 9, 1u32 << 9));
                for _ in 0..OPS {
                    // SAFETY: as above.
                    unsafe { raw.write_volatile((raw.read_volatile() & !mask) | value) };
                }
            }),
        ),
        (
            "handle modify(field)",
            Box::new(|| {
                let field = black_box(CR::RXE::SET);
                for _ in 0..OPS {
                    reg.modify(field);
                }
            }),
        ),
    ];

    let mut samples = vec![Vec::with_capacity(SAMPLES); cases.len()];
    for _ in 0..SAMPLES {
        for (i, (_, run)) in cases.iter().enumerate() {
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
    let baseline = [0, 0, 0, 3, 3, 5, 5];
    for (i, (name, _)) in cases.iter().enumerate() {
        println!(
            "{:<24} {:>10.3}  {:>8.3}",
            name,
            med[i],
            med[i] / med[baseline[i]]
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The register's address as a plain pointer, taken once outside the loops.
fn reg_ptr(map: &Mapping) -> *mut u32 {
    map.as_ptr().wrapping_add(0x30).cast::<u32>()
}
