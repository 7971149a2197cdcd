//! From a target on the command line to the access it means, and how a
//! value read from it is shown.

use std::io::Write;

use anyhow::bail;
use physreg::board::{Field, Resolved};
use physreg::reg::{Endianness, Width};
use serde_json::{Map, Value};

use crate::cli::AccessOpts;
use crate::ctx::{Ctx, Loc};
use crate::error::bail_usage;
use crate::grammar::Target;
use crate::output::{addr, hex, json_access, json_line, Format};

/// A resolved target.
#[derive(Clone, Debug)]
pub enum Plan<'b> {
    /// A bare address.
    Address(Loc),
    /// A named register, or one field of it, in the board.
    Named(Resolved<'b>),
}

impl<'b> Plan<'b> {
    /// Resolves `target` with the access options of the command line.
    pub fn resolve(ctx: &mut Ctx<'b>, target: &Target, opts: &AccessOpts) -> anyhow::Result<Self> {
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
                let named = board.resolve(name)?;
                let reg = named.register;
                if let Some(w) = opts.width {
                    if w != reg.width {
                        bail_usage!(
                            "{} is a {}-bit register: --width applies to addresses only",
                            named.register_path(),
                            reg.width.bits()
                        );
                    }
                }
                if opts.big_endian {
                    bail_usage!(
                        "--big-endian applies to addresses only: {} has its byte order in the board file",
                        named.register_path()
                    );
                }
                Ok(Plan::Named(named))
            }
        }
    }

    /// The register access.
    pub fn loc(&self) -> Loc {
        match self {
            Plan::Address(l) => l.clone(),
            Plan::Named(n) => Loc {
                addr: n.address,
                width: n.register.width,
                endian: n.register.endian,
            },
        }
    }

    /// The register (and field) in the board, for named targets.
    pub fn named(&self) -> Option<&Resolved<'b>> {
        match self {
            Plan::Address(_) => None,
            Plan::Named(n) => Some(n),
        }
    }

    /// What to call the target in messages.
    pub fn label(&self) -> String {
        match self {
            Plan::Address(l) => addr(l.addr),
            Plan::Named(n) => n.path(),
        }
    }

    /// Refuses reads that cannot or should not happen: write-only registers
    /// and fields, and registers whose read has side effects (without --force).
    pub fn check_readable(&self, force: bool) -> anyhow::Result<()> {
        if let Some(n) = self.named() {
            if !n.register.access.readable() {
                bail!("{} is write-only: it cannot be read", n.register_path());
            }
            if n.register.read_has_side_effects() && !force {
                bail!(
                    "reading {} has side effects (it pops a FIFO or clears status): pass --force to read it anyway",
                    n.register_path()
                );
            }
            if n.field.is_some_and(|f| !f.access.readable()) {
                bail!("{} is write-only: it cannot be read", n.path());
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
        match self.named().and_then(|n| n.field) {
            Some(f) => f.extract(raw),
            None => raw,
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
            Plan::Named(n @ Resolved { field: None, .. }) => {
                let r = n.register;
                writeln!(
                    out,
                    "{} @ {}: {}",
                    n.register_path(),
                    addr(n.address),
                    hex(raw, r.width)
                )?;
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
            Plan::Named(n @ Resolved { field: Some(f), .. }) => writeln!(
                out,
                "{} @ {} {}: {}",
                n.path(),
                addr(n.address),
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
            Plan::Named(Resolved { field: Some(_), .. }) => self.print_text(out, raw)?,
            Plan::Named(n) => {
                let r = n.register;
                write!(
                    out,
                    "{} @ {}: {}",
                    n.register_path(),
                    addr(n.address),
                    hex(raw, r.width)
                )?;
                for f in r.fields.iter().rev().filter(|f| f.access.readable()) {
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
            Plan::Named(n) => {
                m.insert("name".into(), n.path().into());
                let (fields, names) = match n.field {
                    None => fields_json(n.register.fields.iter(), raw),
                    Some(f) => {
                        m.insert("register".into(), raw.into());
                        fields_json(std::iter::once(f), raw)
                    }
                };
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
fn field_text(f: &Field, raw: u64) -> String {
    if !f.access.readable() {
        return "- (write-only)".into();
    }
    field_value(f, raw, " ")
}

/// `1`, `0x1f`, or `1(output)`, without spaces.
fn field_short(f: &Field, raw: u64) -> String {
    field_value(f, raw, "")
}

/// The field's value (hex when wider than 4 bits) and its enumerated name
/// after `sep`, if it has one.
fn field_value(f: &Field, raw: u64, sep: &str) -> String {
    let v = f.extract(raw);
    let num = if f.width > 4 {
        format!("{v:#x}")
    } else {
        v.to_string()
    };
    match f.name_of(v) {
        Some(n) => format!("{num}{sep}({n})"),
        None => num,
    }
}

fn fields_json<'a>(
    fields: impl Iterator<Item = &'a Field>,
    raw: u64,
) -> (Map<String, Value>, Map<String, Value>) {
    let mut values = Map::new();
    let mut names = Map::new();
    for f in fields.filter(|f| f.access.readable()) {
        let v = f.extract(raw);
        values.insert(f.name.clone(), v.into());
        if let Some(n) = f.name_of(v) {
            names.insert(f.name.clone(), n.into());
        }
    }
    (values, names)
}
