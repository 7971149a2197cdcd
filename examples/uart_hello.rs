//! uart_hello: writes a line through a PL011 UART by storing each byte into
//! its data register: no system call per byte, no tty, no driver.
//!
//! Needs: root and /dev/mem on QEMU virt (UART0, the serial console, at
//! 0x09000000; boot with iomem=relaxed, since Linux's PL011 driver claims
//! it), or any Raspberry Pi with `--base` set to its UART0 (0x3f201000 on a
//! Pi 2/3, 0xfe201000 on a Pi 4). Works on a register file too (`--dev FILE`).
//!
//! Shows: the `physreg::drivers::pl011` driver: PrimeCell ID check, reading
//! the baud divisors back, honouring the transmit-FIFO-full flag for every
//! byte, and optionally (`--init BAUD`) programming the UART the TRM's way.
//!
//! ```text
//! uart_hello [--dev PATH] [--base ADDR] [--clock HZ] [--init BAUD] [TEXT...]
//!   --dev    /dev/mem (default) or a file standing in for it
//!   --base   the UART's address (default 0x09000000, QEMU virt's UART0)
//!   --clock  UARTCLK in Hz, to report the baud rate (default 24000000, virt's apb-pclk)
//!   --init   reprogram the UART for BAUD 8N1 first (don't, on the console you are using)
//!   TEXT     what to write (default: a greeting); a newline is added
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use physreg::drivers::pl011::{Format, Pl011};
use physreg::drivers::PrimeCellId;
use physreg::map::{Mapping, Mode, Region};

mod common;
use common::next_num;

struct Args {
    dev: PathBuf,
    base: u64,
    clock: u32,
    init: Option<u32>,
    text: String,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        dev: PathBuf::from("/dev/mem"),
        base: 0x0900_0000,
        clock: 24_000_000,
        init: None,
        text: String::new(),
    };
    let mut words = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut num = |name: &str| next_num(&mut it, name);
        match arg.as_str() {
            "--dev" => args.dev = it.next().ok_or("--dev needs a path")?.into(),
            "--base" => args.base = num("--base")?,
            "--clock" => {
                args.clock = u32::try_from(num("--clock")?).map_err(|_| "--clock too large")?
            }
            "--init" => {
                args.init = Some(u32::try_from(num("--init")?).map_err(|_| "--init too large")?)
            }
            "-h" | "--help" => return Err(
                "usage: uart_hello [--dev PATH] [--base ADDR] [--clock HZ] [--init BAUD] [TEXT...]"
                    .into(),
            ),
            a if a.starts_with("--") => return Err(format!("unknown option {a}")),
            _ => words.push(arg),
        }
    }
    args.text = if words.is_empty() {
        "Hello from physreg: these bytes went straight into the PL011's data register".into()
    } else {
        words.join(" ")
    };
    Ok(args)
}

fn main() -> ExitCode {
    common::finish(
        "uart_hello",
        1,
        parse_args().and_then(|a| run(&a).map_err(|e| e.to_string())),
    )
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let source = common::source(&args.dev, args.base);
    let map = Mapping::open(&source, Region::new(args.base, 0x1000), Mode::ReadWrite)?;

    let id = PrimeCellId::read(&map, args.base)?;
    if id.part() != 0x011 || !id.is_primecell() {
        eprintln!(
            "uart_hello: warning: {:#x} does not identify as a PL011 (PeriphID {:#010x}, PCellID {:#010x})",
            args.base,
            id.periph_id(),
            id.cell_id()
        );
    }
    let uart = Pl011::new(&map, args.base)?;
    if let Some(baud) = args.init {
        let d = uart.enable(args.clock, baud, Format::default())?;
        println!(
            "uart_hello: programmed {baud} baud 8N1 from {} Hz: IBRD {} FBRD {}",
            args.clock, d.ibrd, d.fbrd
        );
    }
    if !uart.tx_enabled() {
        return Err(format!(
            "the UART at {:#x} is not enabled for transmit (CR.UARTEN and CR.TXE): use --init BAUD",
            args.base
        )
        .into());
    }
    let d = uart.divisors();
    println!(
        "uart_hello: PL011 at {:#x}, PeriphID {:#010x}, IBRD {} FBRD {} = {} baud at {} Hz",
        args.base,
        id.periph_id(),
        d.ibrd,
        d.fbrd,
        d.baud(args.clock),
        args.clock
    );

    // The line goes out one store per byte; no write(2), no tty layer.
    let mut line = args.text.clone().into_bytes();
    line.extend_from_slice(b"\r\n");
    uart.write_all(&line)?;
    uart.flush()?;
    println!(
        "uart_hello: wrote {} bytes to the data register at {:#x}",
        line.len(),
        args.base
    );
    Ok(())
}
