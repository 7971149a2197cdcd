//! blink: toggles a GPIO pin on any Raspberry Pi and reads each level back.
//!
//! Needs: a Raspberry Pi (1, Zero, 2, 3, 4, 400 or 5) running Linux, or
//! QEMU's raspi3b. The board is detected from /proc/device-tree with
//! `physreg::board::detect`, and the GPIO block's address is confirmed (or
//! corrected) from the device tree's `reg` and `ranges`. On a Pi 1 to 4 it
//! uses /dev/gpiomem when present (no root needed), else /dev/mem (root;
//! boot with iomem=relaxed if the kernel's pinctrl driver claims the range).
//! On a Pi 5 it drives RP1's bank 0 through /dev/gpiomem0. Pin 17 (header
//! pin 11) is free on every model; wire nothing to the pin you blink but an
//! LED and its resistor.
//!
//! Shows: board detection, `physreg::drivers::bcm_gpio` (GPFSEL function
//! select, GPSET/GPCLR, GPLEV) and `physreg::drivers::rp1_gpio` (FUNCSEL,
//! pads, SYS_RIO's atomic SET/CLR aliases, SYNC_IN). The pin's function is
//! restored at the end.
//!
//! ```text
//! blink [--pin N] [--count N] [--period-ms MS] [--board NAME] [--dev PATH]
//!   --pin        BCM GPIO number (default 17)
//!   --count      level changes (default 10)
//!   --period-ms  time between changes (default 250)
//!   --board      a built-in board name (rpi1, rpi3, rpi4, rpi5...) instead of detecting
//!   --dev        the device to map through (or a register file), instead of the choice above
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use physreg::board::{detect, Board, Peripheral};
use physreg::drivers::bcm_gpio::{BcmGpio, Chip, Function};
use physreg::drivers::rp1_gpio::{self, Rp1Gpio};
use physreg::map::{Mapping, Mode, Region, Source};

mod common;
use common::next_num;

const DT: &str = "/proc/device-tree";

/// The board, detected (with addresses checked against the device tree) or named.
fn find_board(name: Option<&str>) -> Result<(Board, String), String> {
    if let Some(name) = name {
        let board = Board::find(name).map_err(|e| e.to_string())?;
        return Ok((board, format!("board {name} as asked")));
    }
    let det = detect(Path::new(DT)).ok_or(
        "no built-in board matches /proc/device-tree: not a Raspberry Pi? (name one with --board)",
    )?;
    let mut board = det.board;
    let relocations = board.apply_device_tree(Path::new(DT));
    let gpio = relocations
        .iter()
        .find(|r| r.peripheral == "gpio" || r.peripheral == "io_bank0")
        .map(|r| {
            if r.from_device_tree() {
                ", GPIO address from the device tree"
            } else {
                ", GPIO address from the board file"
            }
        })
        .unwrap_or("");
    let why = format!(
        "{}, board {} (matched by {}{gpio})",
        det.model.as_deref().unwrap_or("Raspberry Pi"),
        board.name(),
        det.matched_by
    );
    Ok((board, why))
}

/// The source for a peripheral: `--dev` if given (a device under /dev is a
/// gpiomem-style device, anything else a register file); else its device
/// file if the kernel offers it; else /dev/mem.
fn source_for(p: &Peripheral, dev: Option<&Path>) -> (Source, PathBuf) {
    match dev {
        Some(d) if d == Path::new("/dev/mem") => (Source::devmem(), d.into()),
        Some(d) if d.starts_with("/dev") => (Source::gpiomem(d, p.base), d.into()),
        Some(d) => (Source::file(d, p.base), d.into()),
        None => match (&p.device, p.device_source()) {
            (Some(file), Some(src)) if file.path.exists() => (src, file.path.clone()),
            _ => (Source::devmem(), "/dev/mem".into()),
        },
    }
}

struct Args {
    pin: u8,
    count: u32,
    period: Duration,
    board: Option<String>,
    dev: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        pin: 17,
        count: 10,
        period: Duration::from_millis(250),
        board: None,
        dev: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut num = |name: &str| next_num(&mut it, name);
        match arg.as_str() {
            "--pin" => a.pin = u8::try_from(num("--pin")?).map_err(|_| "no such pin")?,
            "--count" => a.count = u32::try_from(num("--count")?).map_err(|_| "count too large")?,
            "--period-ms" => a.period = Duration::from_millis(num("--period-ms")?),
            "--board" => a.board = Some(it.next().ok_or("--board needs a name")?),
            "--dev" => a.dev = Some(it.next().ok_or("--dev needs a path")?.into()),
            _ => {
                return Err(format!(
                    "unknown argument {arg}\nusage: blink [--pin N] [--count N] [--period-ms MS] [--board NAME] [--dev PATH]"
                ))
            }
        }
    }
    Ok(a)
}

fn main() -> ExitCode {
    common::finish(
        "blink",
        2,
        parse_args().and_then(|a| run(&a).map_err(|e| e.to_string())),
    )
}

fn run(a: &Args) -> Result<bool, Box<dyn std::error::Error>> {
    let (board, why) = find_board(a.board.as_deref())?;
    // RP1 (Raspberry Pi 5): IO_BANK0, SYS_RIO0 and PADS_BANK0 in one window.
    if let Some(io) = board.peripheral("io_bank0") {
        let (source, dev) = source_for(io, a.dev.as_deref());
        let map = Mapping::open(
            &source,
            Region::new(io.base, rp1_gpio::block::SIZE),
            Mode::ReadWrite,
        )?;
        println!(
            "blink: {why}: RP1 GPIO at {:#x} through {}, pin {}",
            io.base,
            dev.display(),
            a.pin
        );
        return blink_rp1(&map, io.base, a);
    }
    let gpio = board
        .peripheral("gpio")
        .ok_or_else(|| format!("board {} has no peripheral named gpio", board.name()))?;
    let chip = match gpio.layout.name.as_str() {
        "bcm2835-gpio" => Chip::Bcm2835,
        "bcm2711-gpio" => Chip::Bcm2711,
        other => {
            return Err(format!("gpio has layout {other}: not a Raspberry Pi GPIO block").into())
        }
    };
    let (source, dev) = source_for(gpio, a.dev.as_deref());
    let map = Mapping::open(
        &source,
        Region::new(gpio.base, chip.block_size()),
        Mode::ReadWrite,
    )?;
    println!(
        "blink: {why}: GPIO ({}) at {:#x} through {}, pin {}",
        gpio.layout.name,
        gpio.base,
        dev.display(),
        a.pin
    );
    blink_bcm(&map, gpio.base, chip, a)
}

fn blink_bcm(
    map: &Mapping,
    base: u64,
    chip: Chip,
    a: &Args,
) -> Result<bool, Box<dyn std::error::Error>> {
    let gpio = BcmGpio::new(map, base, chip)?;
    let was = gpio.function(a.pin)?;
    gpio.set_function(a.pin, Function::Output)?;
    println!("blink: pin {} was {}, now output", a.pin, was.name());
    let mut ok = true;
    for i in 0..a.count {
        let high = i % 2 == 0;
        gpio.write(a.pin, high)?;
        std::thread::sleep(a.period);
        let level = gpio.level(a.pin)?;
        ok &= level == high;
        println!(
            "blink: {} GPLEV{} bit {} = {} {}",
            if high { "set  " } else { "clear" },
            a.pin / 32,
            a.pin % 32,
            u8::from(level),
            if level == high { "ok" } else { "MISMATCH" }
        );
    }
    gpio.clear(a.pin)?;
    gpio.set_function(a.pin, was)?;
    println!(
        "blink: {} changes, {}; pin {} back to {}",
        a.count,
        if ok {
            "the level followed every one"
        } else {
            "the level did NOT follow"
        },
        a.pin,
        was.name()
    );
    Ok(ok)
}

fn blink_rp1(map: &Mapping, base: u64, a: &Args) -> Result<bool, Box<dyn std::error::Error>> {
    let gpio = Rp1Gpio::new(map, base)?;
    let was = gpio.function(a.pin)?;
    gpio.make_output(a.pin)?;
    println!(
        "blink: pin {} had FUNCSEL {was:#x}, now SYS_RIO output",
        a.pin
    );
    let mut ok = true;
    for i in 0..a.count {
        let high = i % 2 == 0;
        gpio.write(a.pin, high)?; // RIO_OUT's SET or CLR alias: one store
        std::thread::sleep(a.period);
        let level = gpio.level(a.pin)?;
        ok &= level == high;
        println!(
            "blink: {} SYNC_IN bit {} = {} {}",
            if high { "set  " } else { "clear" },
            a.pin,
            u8::from(level),
            if level == high { "ok" } else { "MISMATCH" }
        );
    }
    gpio.set_low(a.pin)?;
    gpio.make_input(a.pin)?;
    gpio.set_function(a.pin, was)?;
    println!(
        "blink: {} changes, {}",
        a.count,
        if ok {
            "the level followed every one"
        } else {
            "the level did NOT follow"
        }
    );
    Ok(ok)
}
