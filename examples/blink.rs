//! blink: toggles a GPIO pin on any Raspberry Pi and reads each level back.
//!
//! Needs: a Raspberry Pi (1, Zero, 2, 3, 4, 400 or 5) running Linux, or
//! QEMU's raspi3b. The board is detected from /proc/device-tree/compatible.
//! On a Pi 1 to 4 it uses /dev/gpiomem when present (no root needed), else
//! /dev/mem (root; boot with iomem=relaxed if the kernel's pinctrl driver
//! claims the range). On a Pi 5 it drives RP1's bank 0 through /dev/gpiomem0.
//! Pin 17 (header pin 11) is free on every model; nothing should be wired to
//! the pin you blink except an LED and resistor.
//!
//! Shows: `physreg::drivers::bcm_gpio` (GPFSEL function select, GPSET/GPCLR,
//! GPLEV) and `physreg::drivers::rp1_gpio` (FUNCSEL, pads, SYS_RIO's atomic
//! SET/CLR aliases, RIO_SYNC_IN). The pin's function is restored at the end.
//!
//! ```text
//! blink [--pin N] [--count N] [--period-ms MS] [--base ADDR] [--dev PATH]
//!   --pin        BCM GPIO number (default 17)
//!   --count      level changes (default 10)
//!   --period-ms  time between changes (default 250)
//!   --base       GPIO block address, overriding the detected one
//!   --dev        device to map through, overriding the choice above
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use physreg::drivers::bcm_gpio::{BcmGpio, Chip, Function};
use physreg::drivers::rp1_gpio::{self, Rp1Gpio};
use physreg::map::{Mapping, Mode, Region, Source};

/// The Raspberry Pi SoCs, from the device tree's compatible strings.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Soc {
    Bcm2835,
    Bcm2836,
    Bcm2837,
    Bcm2711,
    Bcm2712,
}

impl Soc {
    fn detect() -> Result<(Soc, String), String> {
        let compat = std::fs::read("/proc/device-tree/compatible").map_err(|e| {
            format!("/proc/device-tree/compatible: {e}: not a device-tree system (use --base and --dev)")
        })?;
        let model = std::fs::read_to_string("/proc/device-tree/model")
            .unwrap_or_default()
            .trim_end_matches('\0')
            .to_string();
        for c in compat.split(|&b| b == 0) {
            let soc = match c {
                b"brcm,bcm2835" => Soc::Bcm2835,
                b"brcm,bcm2836" => Soc::Bcm2836,
                b"brcm,bcm2837" => Soc::Bcm2837,
                b"brcm,bcm2711" => Soc::Bcm2711,
                b"brcm,bcm2712" => Soc::Bcm2712,
                _ => continue,
            };
            return Ok((soc, model));
        }
        Err(format!(
            "not a Raspberry Pi: compatible is {:?}",
            String::from_utf8_lossy(&compat).replace('\0', " ")
        ))
    }

    /// CPU address of the GPIO block (RP1's IO_BANK0 on the BCM2712).
    fn gpio_base(self) -> u64 {
        match self {
            Soc::Bcm2835 => 0x2020_0000,
            Soc::Bcm2836 | Soc::Bcm2837 => 0x3f20_0000,
            Soc::Bcm2711 => 0xfe20_0000,
            Soc::Bcm2712 => 0x1f_000d_0000,
        }
    }
}

fn parse_num(s: &str) -> Option<u64> {
    let s = s.replace('_', "");
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

struct Args {
    pin: u8,
    count: u32,
    period: Duration,
    base: Option<u64>,
    dev: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        pin: 17,
        count: 10,
        period: Duration::from_millis(250),
        base: None,
        dev: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut num = |name: &str| {
            it.next()
                .and_then(|v| parse_num(&v))
                .ok_or(format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--pin" => a.pin = u8::try_from(num("--pin")?).map_err(|_| "no such pin")?,
            "--count" => a.count = u32::try_from(num("--count")?).map_err(|_| "count too large")?,
            "--period-ms" => a.period = Duration::from_millis(num("--period-ms")?),
            "--base" => a.base = Some(num("--base")?),
            "--dev" => a.dev = Some(it.next().ok_or("--dev needs a path")?.into()),
            _ => {
                return Err(format!(
                    "unknown argument {arg}\nusage: blink [--pin N] [--count N] [--period-ms MS] [--base ADDR] [--dev PATH]"
                ))
            }
        }
    }
    Ok(a)
}

fn main() -> ExitCode {
    match parse_args().and_then(|a| run(&a).map_err(|e| e.to_string())) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("blink: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(a: &Args) -> Result<bool, Box<dyn std::error::Error>> {
    let (soc, model) = Soc::detect()?;
    let base = a.base.unwrap_or(soc.gpio_base());
    let rp1 = soc == Soc::Bcm2712;
    // The device: as asked; else gpiomem when the kernel offers it; else /dev/mem.
    let gpiomem = if rp1 { "/dev/gpiomem0" } else { "/dev/gpiomem" };
    let dev = a.dev.clone().unwrap_or_else(|| {
        if Path::new(gpiomem).exists() {
            gpiomem.into()
        } else {
            "/dev/mem".into()
        }
    });
    let source = if dev == Path::new("/dev/mem") {
        Source::devmem()
    } else if dev.starts_with("/dev") {
        Source::gpiomem(&dev, base)
    } else {
        Source::file(&dev, base)
    };
    let size = if rp1 { rp1_gpio::block::SIZE } else { 0x100 };
    let map = Mapping::open(&source, Region::new(base, size), Mode::ReadWrite)?;
    println!(
        "blink: {} ({soc:?}): GPIO at {base:#x} through {}, pin {}",
        if model.is_empty() {
            "Raspberry Pi"
        } else {
            &model
        },
        dev.display(),
        a.pin
    );
    if rp1 {
        blink_rp1(&map, base, a)
    } else {
        let chip = if soc == Soc::Bcm2711 {
            Chip::Bcm2711
        } else {
            Chip::Bcm2835
        };
        blink_bcm(&map, base, chip, a)
    }
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
