//! `physreg write TARGET VALUE`: one store; a field (or `--mask`) write is a
//! read-modify-write under the lock, changing only those bits.

use std::io::Write;

use anyhow::bail;
use clap::Args;
use physreg::board::{Access, Field, Resolved};
use physreg::reg::Width;
use serde_json::Value;

use crate::cli::{parse_number, parse_target, AccessOpts};
use crate::ctx::{Ctx, Loc};
use crate::error::bail_usage;
use crate::grammar::{parse_u64, quote, Target};
use crate::output::{addr, hex, json_access, json_line, Format};
use crate::plan::Plan;

/// Write a register or a field.
#[derive(Args, Clone, Debug)]
#[command(after_help = "Examples:
  physreg write 0x09000000 0x41 --width 8
  physreg write 0x09030400 0x04 --mask 0x04 --width 8   (set bit 2 only)
  physreg write gpio.GPFSEL1.FSEL17 output --readback
  physreg write uart0.CR 0x301 --dry-run")]
pub struct Cmd {
    /// An address (0x hex, decimal, 0b binary) or a register or field name
    #[arg(value_name = "TARGET", value_parser = parse_target)]
    pub target: Target,

    /// The value: a number, or for a field one of its enumerated names (output, alt0...)
    #[arg(value_name = "VALUE")]
    pub value: String,

    /// Change only the bits set in MASK, keeping the others (a read-modify-write; addresses only)
    #[arg(long, value_name = "MASK", value_parser = parse_number)]
    pub mask: Option<u64>,

    /// Read the register after the write and print what it holds
    #[arg(long)]
    pub readback: bool,

    /// Print the address, width, old value, new value and mask, and write nothing
    #[arg(long, conflicts_with = "readback")]
    pub dry_run: bool,

    #[command(flatten)]
    pub access: AccessOpts,
}

/// What a write will do to its register.
#[derive(Clone, Debug)]
pub struct Change<'b> {
    /// The target.
    pub plan: Plan<'b>,
    /// The bits being changed.
    pub mask: u64,
    /// Their new contents (already shifted into place, inside `mask`).
    pub bits: u64,
    /// Whether the other bits come from reading the register first.
    pub rmw: bool,
}

impl Change<'_> {
    /// The register's new value given its old one (when read). The bits
    /// outside `mask` are the old value's in a read-modify-write, else 0; for
    /// a named register, as [`Register::rmw_base`](physreg::board::Register::rmw_base)
    /// makes them (write-one-to-clear and write-only fields 0, a password
    /// field its value).
    pub fn new_value(&self, old: Option<u64>) -> u64 {
        let register = self.plan.named().map(|n| n.register);
        let rest = match (old, register) {
            (Some(v), Some(r)) if self.rmw => r.rmw_base(v),
            (Some(v), None) if self.rmw => v,
            (_, Some(r)) => r.apply_write_values(0),
            (_, None) => 0,
        };
        (rest & !self.mask) | self.bits
    }
}

/// The result of a write, for printing.
#[derive(Clone, Debug)]
pub struct Outcome<'b> {
    /// The target and change.
    pub change: Change<'b>,
    /// The register before (read for a read-modify-write or a dry run).
    pub old: Option<u64>,
    /// The value stored (or that would be).
    pub new: u64,
    /// The value read back, with --readback.
    pub readback: Option<u64>,
}

impl Cmd {
    /// Writes, then prints the readback or the dry run.
    pub fn run(self, ctx: &mut Ctx, out: &mut impl Write) -> anyhow::Result<()> {
        let outcome = self.execute(ctx)?;
        if self.dry_run {
            print_dry_run(out, ctx.format(), &outcome)?;
        } else if let Some(raw) = outcome.readback {
            outcome.change.plan.print(out, ctx.format(), raw)?;
        }
        Ok(())
    }

    /// Checks the target and value without touching the device (batch pre-pass).
    pub fn validate(&self, ctx: &mut Ctx) -> anyhow::Result<()> {
        let change = self.change(ctx)?;
        if self.readback {
            change.plan.check_readable(ctx.force())?;
        }
        Ok(())
    }

    /// Validates everything, then writes (or, with --dry-run, only reads).
    pub fn execute<'b>(&self, ctx: &mut Ctx<'b>) -> anyhow::Result<Outcome<'b>> {
        let change = self.change(ctx)?;
        let loc = change.plan.loc();
        if self.readback {
            change.plan.check_readable(ctx.force())?;
        }
        ctx.check_write(loc.addr, loc.width, true)?;
        if self.dry_run {
            let readable = match change.plan.named() {
                None => true,
                Some(n) => {
                    n.register.access.readable()
                        && (!n.register.read_has_side_effects() || ctx.force())
                }
            };
            let old = if readable {
                Some(ctx.read(&loc)?)
            } else {
                None
            };
            let new = change.new_value(old);
            return Ok(Outcome {
                change,
                old,
                new,
                readback: None,
            });
        }
        ctx.prepare_write(&loc)?;
        let (old, new) = {
            let _lock = ctx.lock()?;
            let old = if change.rmw {
                Some(ctx.read(&loc)?)
            } else {
                None
            };
            let new = change.new_value(old);
            ctx.write(&loc, new)?;
            (old, new)
        };
        let readback = if self.readback {
            Some(ctx.read(&loc)?)
        } else {
            None
        };
        Ok(Outcome {
            change,
            old,
            new,
            readback,
        })
    }

    /// Works out the mask and bits, refusing what cannot be written.
    fn change<'b>(&self, ctx: &mut Ctx<'b>) -> anyhow::Result<Change<'b>> {
        let plan = Plan::resolve(ctx, &self.target, &self.access)?;
        let force = ctx.force();
        let loc: Loc = plan.loc();
        let change = match &plan {
            Plan::Address(l) => {
                let value = parse_value(&self.value)?;
                check_fits(value, l.width, &self.value)?;
                match self.mask {
                    None => Change {
                        mask: l.width.mask(),
                        bits: value,
                        rmw: false,
                        plan: plan.clone(),
                    },
                    Some(mask) => {
                        if !l.width.fits(mask) {
                            bail_usage!(
                                "--mask {} does not fit in {} bits",
                                hex(mask, Width::W64),
                                l.width.bits()
                            );
                        }
                        if value & !mask != 0 {
                            bail_usage!(
                                "value {} has bits outside --mask {}: give the bits in place (write 0x10 --mask 0x30, not 1)",
                                hex(value, l.width),
                                hex(mask, l.width)
                            );
                        }
                        Change {
                            mask,
                            bits: value,
                            rmw: mask != l.width.mask(),
                            plan: plan.clone(),
                        }
                    }
                }
            }
            Plan::Named(n @ Resolved { field: None, .. }) => {
                let r = n.register;
                if self.mask.is_some() {
                    bail_usage!(
                        "--mask applies to addresses only: name a field of {} instead",
                        n.register_path()
                    );
                }
                if !r.access.writable() {
                    bail!("{} is read-only: it cannot be written", n.register_path());
                }
                let value = parse_value(&self.value)?;
                check_fits(value, r.width, &self.value)?;
                // A password field the board file declares goes into every write.
                Change {
                    mask: r.width.mask(),
                    bits: r.apply_write_values(value),
                    rmw: false,
                    plan: plan.clone(),
                }
            }
            Plan::Named(n @ Resolved { field: Some(f), .. }) => {
                let r = n.register;
                if self.mask.is_some() {
                    bail_usage!(
                        "--mask applies to addresses only: {} is already a field",
                        n.path()
                    );
                }
                if !r.access.writable() || !f.access.writable() {
                    bail!("{} is read-only: it cannot be written", n.path());
                }
                let value = field_value(f, &n.register_path(), &self.value)?;
                // Read the register first only when another writable field
                // must keep its value: not for atomic SET/CLR/XOR aliases,
                // write-only registers (the other bits are written as 0, as
                // docs/board-format.md says) or registers whose other fields
                // are read-only or write-one-to-clear (a UART data register,
                // a status register).
                let others_to_keep = r.fields.iter().any(|g| {
                    !g.name.eq_ignore_ascii_case(&f.name)
                        && g.access.writable()
                        && g.access != Access::WriteOneToClear
                });
                let rmw = r.access.readable() && r.atomic.is_none() && others_to_keep;
                if rmw && r.read_has_side_effects() && !force {
                    bail!(
                        "writing the field {} reads {} first, and that read has side effects: pass --force, or write the whole register",
                        n.path(),
                        n.register_path()
                    );
                }
                Change {
                    mask: f.mask(),
                    bits: value << f.lsb,
                    rmw,
                    plan: plan.clone(),
                }
            }
        };
        debug_assert_eq!(loc.addr, change.plan.loc().addr);
        Ok(change)
    }
}

/// A number in the command-line grammar, as a usage error when it is not one.
fn parse_value(s: &str) -> anyhow::Result<u64> {
    parse_u64(s).map_err(|e| crate::error::usage(e.0))
}

fn check_fits(value: u64, width: Width, text: &str) -> anyhow::Result<()> {
    if !width.fits(value) {
        bail_usage!(
            "value {} does not fit in {} bits (at most {})",
            quote(text),
            width.bits(),
            hex(width.mask(), width)
        );
    }
    Ok(())
}

/// A field's value: a number or one of its enumerated names.
fn field_value(f: &Field, reg: &str, text: &str) -> anyhow::Result<u64> {
    let starts_numeric = text.starts_with(|c: char| c.is_ascii_digit());
    let value = if starts_numeric {
        parse_value(text)?
    } else if let Some(v) = f.value_by_name(text) {
        v
    } else if f.values.is_empty() {
        bail_usage!(
            "{reg}.{} takes a number ({} bits), not {}",
            f.name,
            f.width,
            quote(text)
        );
    } else {
        let names: Vec<&str> = f.values.iter().map(|v| v.name.as_str()).collect();
        bail_usage!(
            "{} is not a value of {reg}.{}: use a number or one of {}",
            quote(text),
            f.name,
            names.join(", ")
        );
    };
    if value > f.max() {
        bail_usage!(
            "value {} does not fit in the {}-bit field {reg}.{} (at most {})",
            quote(text),
            f.width,
            f.name,
            f.max()
        );
    }
    Ok(value)
}

/// `--dry-run` output: address, width, old, new and mask.
pub fn print_dry_run(out: &mut impl Write, format: Format, o: &Outcome<'_>) -> anyhow::Result<()> {
    let loc = o.change.plan.loc();
    match format {
        Format::Text => {
            let old = o
                .old
                .map(|v| hex(v, loc.width))
                .unwrap_or_else(|| "unread".into());
            let name = match o.change.plan.named() {
                Some(_) => format!("{} ", o.change.plan.label()),
                None => String::new(),
            };
            writeln!(
                out,
                "dry run: {name}{} {}-bit: old {old} new {} mask {} (nothing written)",
                addr(loc.addr),
                loc.width.bits(),
                hex(o.new, loc.width),
                hex(o.change.mask, loc.width)
            )?;
        }
        Format::Json => {
            let mut m = json_access(loc.addr, loc.width, o.new);
            m.remove("value");
            if o.change.plan.named().is_some() {
                m.insert("name".into(), o.change.plan.label().into());
            }
            m.insert("old".into(), o.old.map_or(Value::Null, Value::from));
            m.insert("new".into(), o.new.into());
            m.insert("mask".into(), o.change.mask.into());
            m.insert("dry_run".into(), true.into());
            json_line(out, m)?;
        }
    }
    Ok(())
}

/// One line for a write in a batch: what was stored (and read back).
pub fn print_written(out: &mut impl Write, format: Format, o: &Outcome<'_>) -> anyhow::Result<()> {
    let loc = o.change.plan.loc();
    match format {
        Format::Text => {
            let name = match o.change.plan.named() {
                Some(_) => format!("{} @ ", o.change.plan.label()),
                None => String::new(),
            };
            write!(out, "{name}{} <- {}", addr(loc.addr), hex(o.new, loc.width))?;
            if let Some(rb) = o.readback {
                write!(out, " (read back {})", hex(rb, loc.width))?;
            }
            writeln!(out)?;
        }
        Format::Json => {
            let mut m = json_access(loc.addr, loc.width, o.new);
            m.remove("value");
            if o.change.plan.named().is_some() {
                m.insert("name".into(), o.change.plan.label().into());
            }
            m.insert("written".into(), o.new.into());
            if let Some(rb) = o.readback {
                m.insert("value".into(), rb.into());
            }
            json_line(out, m)?;
        }
    }
    Ok(())
}
