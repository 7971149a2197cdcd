//! `physreg dump ADDRESS LENGTH` (hexdump, each element read exactly once at
//! the width) and `physreg dump PERIPHERAL` (every register decoded).

use std::io::{BufWriter, Write};

use clap::Args;
use physreg::hexdump::{self, LINE_BYTES};
use physreg::reg::{Endianness, Width};

use crate::cli::{parse_number, parse_target, AccessOpts};
use crate::ctx::Ctx;
use crate::error::bail_usage;
use crate::grammar::Target;
use crate::output::{addr, json_access, json_line, Format};
use crate::plan::Plan;
use crate::sigbus;

/// Hexdump a range, or decode every register of a peripheral.
#[derive(Args, Clone, Debug)]
#[command(after_help = "Examples:
  physreg dump 0x09000fe0 32 --width 8
  physreg dump 0x0a000000 0x200 --raw > virtio0.bin
  physreg --board qemu-virt dump uart0")]
pub struct Cmd {
    /// Start address, or a peripheral name (then every register of it is read and decoded)
    #[arg(value_name = "ADDRESS|PERIPHERAL", value_parser = parse_target)]
    pub start: Target,

    /// Number of bytes to dump from ADDRESS (a multiple of the width)
    #[arg(value_name = "LENGTH", value_parser = parse_number)]
    pub length: Option<u64>,

    #[command(flatten)]
    pub access: AccessOpts,

    /// Write the bytes (in memory order) to stdout instead of a hexdump
    #[arg(long)]
    pub raw: bool,
}

impl Cmd {
    /// Dumps.
    pub fn run(self, ctx: &mut Ctx, out: &mut impl Write) -> anyhow::Result<()> {
        match &self.start {
            Target::Address(a) => self.dump_range(ctx, out, *a),
            Target::Name(name) => self.dump_peripheral(ctx, out, name),
        }
    }

    fn dump_range(&self, ctx: &mut Ctx, out: &mut impl Write, start: u64) -> anyhow::Result<()> {
        let Some(len) = self.length else {
            bail_usage!(
                "dump {} needs a LENGTH in bytes (dump ADDRESS LENGTH)",
                addr(start)
            );
        };
        let width = self.access.width.unwrap_or(Width::W32);
        let endian = if self.access.big_endian {
            Endianness::Big
        } else {
            Endianness::Little
        };
        let step = width.bytes() as u64;
        if len == 0 || len % step != 0 {
            bail_usage!(
                "length {len:#x} must be a non-zero multiple of the width ({} bytes for {} bits)",
                step,
                width.bits()
            );
        }
        if start % step != 0 {
            bail_usage!(
                "address {} is not aligned for a {}-bit access: it must be a multiple of {step}",
                addr(start),
                width.bits()
            );
        }
        if start.checked_add(len).is_none() {
            bail_usage!(
                "{} + {len:#x} runs past the end of the address space",
                addr(start)
            );
        }
        let format = ctx.format();
        let raw = self.raw;
        let map = ctx.map_range(start, len)?;
        let mut out = BufWriter::new(out);
        let mut line: Vec<u8> = Vec::with_capacity(LINE_BYTES);
        let mut line_start = start;
        let mut a = start;
        while a < start + len {
            let reg = map.dyn_reg(a, width, endian, false)?;
            let value = {
                let _in_flight = sigbus::Access::read(a, width.bits());
                reg.read()
            };
            let bytes = memory_bytes(value, width, endian);
            match (raw, format) {
                (true, _) => out.write_all(&bytes)?,
                (false, Format::Json) => json_line(&mut out, json_access(a, width, value))?,
                (false, Format::Text) => {
                    line.extend_from_slice(&bytes);
                    if line.len() >= LINE_BYTES || a + step == start + len {
                        writeln!(out, "{}", hexdump::line(line_start, &line, width, endian))?;
                        // Seen before the next read, should that one fault.
                        out.flush()?;
                        line.clear();
                        line_start = a + step;
                    }
                }
            }
            a += step;
        }
        out.flush()?;
        Ok(())
    }

    fn dump_peripheral(
        &self,
        ctx: &mut Ctx,
        out: &mut impl Write,
        name: &str,
    ) -> anyhow::Result<()> {
        if self.length.is_some() || self.raw || self.access.width.is_some() {
            bail_usage!(
                "dump {name} reads every register of the peripheral at its own width: LENGTH, --width and --raw apply to addresses only"
            );
        }
        let board = ctx.require_board(&format!("dump {name}"))?;
        let regs = board.peripheral_registers(name)?;
        let format = ctx.format();
        for reg in regs {
            let plan = Plan::Named(reg);
            if let Err(why) = plan.check_readable(ctx.force()) {
                match format {
                    Format::Text => writeln!(
                        out,
                        "{} @ {}: not read: {why}",
                        reg.register_path(),
                        addr(reg.address)
                    )?,
                    Format::Json => {
                        let mut m = serde_json::Map::new();
                        m.insert("address".into(), reg.address.into());
                        m.insert("width".into(), reg.register.width.bits().into());
                        m.insert("name".into(), reg.register_path().into());
                        m.insert("skipped".into(), why.to_string().into());
                        json_line(out, m)?;
                    }
                }
                continue;
            }
            let raw = plan.read(ctx)?;
            plan.print(out, format, raw)?;
            out.flush()?;
        }
        Ok(())
    }
}

/// The element's bytes as they lie in memory.
fn memory_bytes(value: u64, width: Width, endian: Endianness) -> Vec<u8> {
    let n = width.bytes();
    match endian {
        Endianness::Little => value.to_le_bytes()[..n].to_vec(),
        Endianness::Big => value.to_be_bytes()[8 - n..].to_vec(),
    }
}
