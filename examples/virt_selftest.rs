//! virt_selftest: the bring-up self-test of QEMU's aarch64 `virt` board:
//! every peripheral identified and exercised through its driver, one line per
//! check, PASS or FAIL.
//!
//! Needs: root and /dev/mem in a QEMU virt guest booted with iomem=relaxed
//! (Linux's PL011, PL031 and PL061 drivers claim their ranges). The checks
//! change nothing permanently: the RTC is set forward and back, two unused
//! PL061 pins (0 and 1; pin 3 is the power button) are driven and then
//! returned to inputs.
//!
//! Shows: one mapping per peripheral from the `qemu-virt` board file, and
//! the drivers working on real (emulated) devices: PrimeCell IDs (PL011,
//! PL031, PL061), PL011 divisors, PL031 time against the system clock and
//! setting it, PL061 direction and address-masked data, fw_cfg's signature
//! and directory, virtio-mmio transports.
//!
//! ```text
//! virt_selftest
//! ```

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use physreg::board::Board;
use physreg::drivers::fw_cfg::FwCfg;
use physreg::drivers::pl011::Pl011;
use physreg::drivers::pl031::Pl031;
use physreg::drivers::pl061::Pl061;
use physreg::drivers::virtio_mmio::{self, VirtioMmio};
use physreg::drivers::PrimeCellId;
use physreg::map::{Mapping, Mode, Source};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

struct Report {
    failed: u32,
    passed: u32,
}

impl Report {
    fn check(&mut self, what: &str, ok: bool, detail: impl std::fmt::Display) {
        if ok {
            self.passed += 1;
            println!("PASS {what}: {detail}");
        } else {
            self.failed += 1;
            println!("FAIL {what}: {detail}");
        }
    }
}

fn main() -> ExitCode {
    let mut r = Report {
        failed: 0,
        passed: 0,
    };
    if let Err(e) = run(&mut r) {
        eprintln!("virt_selftest: {e}");
        return ExitCode::from(2);
    }
    println!("virt_selftest: {} passed, {} failed", r.passed, r.failed);
    if r.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Maps the named peripheral of `board` through /dev/mem.
fn map(board: &Board, name: &str) -> Res<(Mapping, u64)> {
    let p = board
        .peripheral(name)
        .ok_or_else(|| format!("the qemu-virt board has no {name}"))?;
    Ok((
        Mapping::open(&Source::devmem(), p.region(), Mode::ReadWrite)?,
        p.base,
    ))
}

fn primecell(r: &mut Report, map: &Mapping, base: u64, name: &str, part: u16) -> Res<()> {
    let id = PrimeCellId::read(map, base)?;
    r.check(
        &format!("{name} PrimeCell ID"),
        id.part() == part && id.designer() == 0x41 && id.is_primecell(),
        format_args!(
            "PeriphID {:#010x} (part {:#05x}, designer {:#x}, revision {}), PCellID {:#010x}",
            id.periph_id(),
            id.part(),
            id.designer(),
            id.revision(),
            id.cell_id()
        ),
    );
    Ok(())
}

fn run(r: &mut Report) -> Res<()> {
    let board = Board::builtin("qemu-virt").ok_or("no built-in qemu-virt board")?;

    // PL011 UART0: identification, enabled, divisors as Linux left them.
    let (m, base) = map(&board, "uart0")?;
    primecell(r, &m, base, "PL011 uart0", 0x011)?;
    let uart = Pl011::new(&m, base)?;
    let d = uart.divisors();
    r.check(
        "PL011 uart0 enabled",
        uart.tx_enabled() && uart.rx_enabled(),
        format_args!(
            "UARTEN TXE RXE set; IBRD {} FBRD {} ({} baud from virt's 24 MHz apb-pclk)",
            d.ibrd,
            d.fbrd,
            d.baud(24_000_000)
        ),
    );

    // PL031 RTC: the time agrees with the system clock; set forward and back.
    let (m, base) = map(&board, "rtc")?;
    primecell(r, &m, base, "PL031 rtc", 0x031)?;
    let rtc = Pl031::new(&m, base)?;
    let now = || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    };
    let (sys, rtc_secs) = (now(), u64::from(rtc.seconds()));
    r.check(
        "PL031 rtc time",
        rtc.is_started() && sys.abs_diff(rtc_secs) <= 2,
        format_args!("RTCDR {rtc_secs}, system clock {sys} (RTCCR.RTCSTART set)"),
    );
    let ahead = rtc.seconds().wrapping_add(100_000);
    rtc.set_seconds(ahead);
    let read = rtc.seconds();
    rtc.set_time(SystemTime::now())?;
    let back = u64::from(rtc.seconds());
    r.check(
        "PL031 rtc set",
        read.wrapping_sub(ahead) <= 2 && now().abs_diff(back) <= 2,
        format_args!("loaded {ahead}, read {read}; set back to {back}"),
    );

    // PL061 GPIO: direction bits one by one, address-masked data writes.
    let (m, base) = map(&board, "gpio")?;
    primecell(r, &m, base, "PL061 gpio", 0x061)?;
    let gpio = Pl061::new(&m, base)?;
    let dir = gpio.direction();
    gpio.set_output(0, true)?;
    gpio.set_output(1, true)?;
    let outputs = gpio.direction();
    r.check(
        "PL061 gpio direction",
        outputs == dir | 0b11,
        format_args!("GPIODIR {dir:#04x} -> {outputs:#04x} (pins 0 and 1 made outputs)"),
    );
    gpio.write(0b11, 0b01)?; // pin 0 high, pin 1 low: one store at 0x00c
    gpio.write(0b10, 0b10)?; // pin 1 high, pin 0 untouched: one store at 0x008
    let both = gpio.read(0b11)?;
    let one = gpio.read(0b01)?;
    gpio.write(0b01, 0)?; // pin 0 low, pin 1 untouched
    let after = gpio.read(0b11)?;
    r.check(
        "PL061 gpio masked data",
        both == 0b11 && one == 0b01 && after == 0b10,
        format_args!(
            "after masked writes pins 1:0 = {both:02b}, mask 0b01 reads {one:02b}, after clearing pin 0 {after:02b}"
        ),
    );
    gpio.write(0b11, 0)?;
    gpio.set_direction(dir);

    // fw_cfg: signature, features, directory.
    let (m, base) = map(&board, "fw_cfg")?;
    let fw = FwCfg::probe(&m, base)?;
    let files = fw.files()?;
    r.check(
        "fw_cfg",
        files.iter().any(|f| f.name == "bootorder"),
        format_args!(
            "signature \"QEMU\", features {:#x}, {} files",
            fw.features(),
            files.len()
        ),
    );

    // virtio-mmio: 32 transports.
    let first = board.peripheral("virtio0").ok_or("no virtio0")?.base;
    let m = Mapping::open(
        &Source::devmem(),
        physreg::map::Region::new(
            first,
            virtio_mmio::QEMU_VIRT_COUNT * virtio_mmio::QEMU_VIRT_STRIDE,
        ),
        Mode::ReadWrite,
    )?;
    let mut good = 0;
    for i in 0..virtio_mmio::QEMU_VIRT_COUNT {
        let t = VirtioMmio::new(&m, first + i * virtio_mmio::QEMU_VIRT_STRIDE)?;
        if t.probe()
            .is_ok_and(|info| info.vendor_id == virtio_mmio::VENDOR_QEMU)
        {
            good += 1;
        }
    }
    r.check(
        "virtio-mmio",
        good == virtio_mmio::QEMU_VIRT_COUNT,
        format_args!(
            "{good} of 32 transports have magic \"virt\", a known version and vendor \"QEMU\""
        ),
    );
    Ok(())
}
