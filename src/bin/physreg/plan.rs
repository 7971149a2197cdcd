//! From a target on the command line to the access it means, and how a
//! value read from it is shown.

use std::io::Write;

use anyhow::bail;
use physreg::reg::{Endianness, Width};
use serde_json::{Map, Value};

use crate::board::{FieldDesc, RegDesc, Resolved};
use crate::cli::AccessOpts;
use crate::ctx::{Ctx, Loc};
use crate::error::bail_usage;
use crate::grammar::Target;
use crate::output::{addr, hex, json_access, json_line, Format};

/// A resolved target.
#[derive(Clone, Debug)]
pub enum Plan {
    /// A bare address.
    Address(Loc),
    /// A named register.
    Register(RegDesc),
    /// One field of a named register.
    Field(RegDesc, FieldDesc),
}

impl Plan {
    /// Resolves `target` with the access options of the command line.
    pub fn resolve(ctx: &mut Ctx, target: &Target, opts: &AccessOpts) -> anyhow::Result<Self> {
        match target {
            Target::Address(a) => {
                let width = opts.width.unwrap_or(Width::W32);
                let endian = if opts.big_endian {
                    Endianness::Big
                } else {
                    Endianness::Little
                };
                if a % width.bytes() as u64 != 0 {
                    bail_usage!(
                        "address {} is not aligned for a {}-bit access: it must be a multiple of {}",
                        addr(*a),
                        width.bits(),
                        width.bytes()
                    );
                }
                Ok(Plan::Address(Loc {
                    addr: *a,
                    width,
                    endian,
                }))
            }
            Target::Name(name) => {
                let board = ctx.require_board(&format!("the name '{name}'"))?;
                let resolved = board.resolve(name)?;
                let reg = match &resolved {
                    Resolved::Register(r) | Resolved::Field(r, _) => r,
                };
                if let Some(w) = opts.width {
                    if w != reg.width {
                        bail_usage!(
                            "{} is a {}-bit register: --width applies to addresses only",
                            reg.path,
                            reg.width.bits()
                        );
                    }
                }
                if opts.big_endian {
                    bail_usage!(
                        "--big-endian applies to addresses only: {} has its byte order in the board file",
                        reg.path
                    );
                }
                Ok(match resolved {
                    Resolved::Register(r) => Plan::Register(r),
                    Resolved::Field(r, f) => Plan::Field(r, f),
                })
            }
        }
    }

    /// The register access.
    pub fn loc(&self) -> Loc {
        match self {
            Plan::Address(l) => l.clone(),
            Plan::Register(r) | Plan::Field(r, _) => Loc {
                addr: r.addr,
                width: r.width,
                endian: r.endian,
            },
        }
    }

    /// The register's description, for named targets.
    pub fn reg(&self) -> Option<&RegDesc> {
        match self {
            Plan::Address(_) => None,
            Plan::Register(r) | Plan::Field(r, _) => Some(r),
        }
    }

    /// What to call the target in messages.
    pub fn label(&self) -> String {
        match self {
            Plan::Address(l) => addr(l.addr),
            Plan::Register(r) => r.path.clone(),
            Plan::Field(r, f) => format!("{}.{}", r.path, f.name),
        }
    }

    /// Refuses reads that cannot or should not happen: write-only registers
    /// and fields, and registers whose read has side effects (without --force).
    pub fn check_readable(&self, force: bool) -> anyhow::Result<()> {
        if let Some(r) = self.reg() {
            if !r.readable {
                bail!("{} is write-only: it cannot be read", r.path);
            }
            if r.read_side_effects && !force {
                bail!(
                    "reading {} has side effects (it pops a FIFO or clears status): pass --force to read it anyway",
                    r.path
                );
            }
        }
        if let Plan::Field(r, f) = self {
            if !f.readable {
                bail!("{}.{} is write-only: it cannot be read", r.path, f.name);
            }
        }
        Ok(())
    }

    /// Reads the register once.
    pub fn read(&self, ctx: &mut Ctx) -> anyhow::Result<u64> {
        self.check_readable(ctx.force())?;
        ctx.read(&self.loc())
    }

    /// The value shown for a register value `raw`: the field's for a field target.
    pub fn shown(&self, raw: u64) -> u64 {
        match self {
            Plan::Field(_, f) => f.extract(raw),
            _ => raw,
        }
    }

    /// Prints a value read from this target.
    pub fn print(&self, out: &mut impl Write, format: Format, raw: u64) -> anyhow::Result<()> {
        match format {
            Format::Text => self.print_text(out, raw),
            Format::Json => Ok(json_line(out, self.json(raw))?),
        }
    }

    fn print_text(&self, out: &mut impl Write, raw: u64) -> anyhow::Result<()> {
        match self {
            Plan::Address(l) => writeln!(out, "{}: {}", addr(l.addr), hex(raw, l.width))?,
            Plan::Register(r) => {
                writeln!(out, "{} @ {}: {}", r.path, addr(r.addr), hex(raw, r.width))?;
                let name_w = r.fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
                let range_w = r
                    .fields
                    .iter()
                    .map(|f| f.bit_range().len())
                    .max()
                    .unwrap_or(0);
                for f in r.fields.iter().rev() {
                    writeln!(
                        out,
                        "  {:name_w$} {:range_w$} {}",
                        f.name,
                        f.bit_range(),
                        field_text(f, raw)
                    )?;
                }
            }
            Plan::Field(r, f) => writeln!(
                out,
                "{}.{} @ {} {}: {}",
                r.path,
                f.name,
                addr(r.addr),
                f.bit_range(),
                field_text(f, raw)
            )?,
        }
        Ok(())
    }

    /// One line for a value: every field as NAME=value, or with `prev` only
    /// the fields that changed, as NAME=old->new (batch and watch).
    pub fn print_compact(
        &self,
        out: &mut impl Write,
        raw: u64,
        prev: Option<u64>,
    ) -> anyhow::Result<()> {
        match self {
            Plan::Address(l) => writeln!(out, "{}: {}", addr(l.addr), hex(raw, l.width))?,
            Plan::Field(..) => self.print_text(out, raw)?,
            Plan::Register(r) => {
                write!(out, "{} @ {}: {}", r.path, addr(r.addr), hex(raw, r.width))?;
                for f in r.fields.iter().rev().filter(|f| f.readable) {
                    match prev {
                        None => write!(out, " {}={}", f.name, field_short(f, raw))?,
                        Some(p) if f.extract(p) != f.extract(raw) => write!(
                            out,
                            " {}={}->{}",
                            f.name,
                            field_short(f, p),
                            field_short(f, raw)
                        )?,
                        Some(_) => {}
                    }
                }
                writeln!(out)?;
            }
        }
        Ok(())
    }

    /// The JSON object for a value read from this target.
    pub fn json(&self, raw: u64) -> Map<String, Value> {
        let loc = self.loc();
        let mut m = json_access(loc.addr, loc.width, self.shown(raw));
        match self {
            Plan::Address(_) => {}
            Plan::Register(r) => {
                m.insert("name".into(), r.path.clone().into());
                let (fields, names) = fields_json(r.fields.iter(), raw);
                m.insert("fields".into(), fields.into());
                if !names.is_empty() {
                    m.insert("field_names".into(), names.into());
                }
            }
            Plan::Field(r, f) => {
                m.insert("name".into(), format!("{}.{}", r.path, f.name).into());
                m.insert("register".into(), raw.into());
                let (fields, names) = fields_json(std::iter::once(f), raw);
                m.insert("fields".into(), fields.into());
                if !names.is_empty() {
                    m.insert("field_names".into(), names.into());
                }
            }
        }
        m
    }
}

/// `1 (output)`, `0x1F`, or `-` for a write-only field.
fn field_text(f: &FieldDesc, raw: u64) -> String {
    if !f.readable {
        return "- (write-only)".into();
    }
    field_value(f, raw, " ")
}

/// `1`, `0x1f`, or `1(output)`, without spaces.
fn field_short(f: &FieldDesc, raw: u64) -> String {
    field_value(f, raw, "")
}

/// The field's value (hex when wider than 4 bits) and its enumerated name
/// after `sep`, if it has one.
fn field_value(f: &FieldDesc, raw: u64, sep: &str) -> String {
    let v = f.extract(raw);
    let num = if f.bits > 4 {
        format!("{v:#x}")
    } else {
        v.to_string()
    };
    match f.value_name(v) {
        Some(n) => format!("{num}{sep}({n})"),
        None => num,
    }
}

fn fields_json<'a>(
    fields: impl Iterator<Item = &'a FieldDesc>,
    raw: u64,
) -> (Map<String, Value>, Map<String, Value>) {
    let mut values = Map::new();
    let mut names = Map::new();
    for f in fields.filter(|f| f.readable) {
        let v = f.extract(raw);
        values.insert(f.name.clone(), v.into());
        if let Some(n) = f.value_name(v) {
            names.insert(f.name.clone(), n.into());
        }
    }
    (values, names)
}
