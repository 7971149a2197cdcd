//! The strict schema of board and layout files, over the spanned TOML tree.
//!
//! Every key is looked up by name; whatever a table holds that was not asked
//! for is an unknown key, reported with the closest known ones. Every error
//! names the origin, the line and the key path.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::reg::{Endianness, Width};

use super::error::{closest, BoardError};
use super::model::{Access, AtomicOp, DeviceFile, EnumValue, Field, Layout, Peripheral, Register};
use super::tree::{self, Key, Node, Value};
use super::Board;

/// Most registers one array may expand to.
const MAX_REGISTER_COUNT: u64 = 4096;
/// Most peripherals one array may expand to.
const MAX_PERIPHERAL_COUNT: u64 = 1024;
/// Most fields one array may expand to.
const MAX_FIELD_COUNT: u64 = 64;
/// Most registers one layout may have.
const MAX_LAYOUT_REGISTERS: usize = 16384;

/// Where the text being parsed came from, for errors.
pub(crate) struct Cx<'t> {
    pub(crate) origin: &'t str,
    pub(crate) text: &'t str,
}

impl Cx<'_> {
    pub(crate) fn err(
        &self,
        span: &Range<usize>,
        key: &str,
        message: impl Into<String>,
    ) -> BoardError {
        BoardError::Invalid {
            origin: self.origin.to_string(),
            line: tree::line_of(self.text, span),
            key: if key.is_empty() {
                "(top level)".into()
            } else {
                key.to_string()
            },
            message: message.into(),
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A table being read: remembers which keys were asked for.
struct Tbl<'a, 't> {
    cx: &'a Cx<'t>,
    entries: &'a [(Key, Node)],
    path: String,
    span: Range<usize>,
    asked: Vec<&'static str>,
}

impl<'a, 't> Tbl<'a, 't> {
    fn new(cx: &'a Cx<'t>, node: &'a Node, path: String) -> Result<Self, BoardError> {
        match node.get_ref() {
            Value::Table(entries) => Ok(Tbl {
                cx,
                entries,
                path,
                span: node.span(),
                asked: Vec::new(),
            }),
            other => Err(cx.err(
                &node.span(),
                &path,
                format!("expected a table, found {}", other.type_name()),
            )),
        }
    }

    fn key(&self, key: &str) -> String {
        join(&self.path, key)
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Node> {
        self.asked.push(key);
        self.entries
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v)
    }

    fn missing(&self, key: &str, what: &str) -> BoardError {
        // A misspelt key is the likelier story than a missing one: say that.
        for (k, _) in self.entries {
            let name = k.get_ref().as_str();
            if !self.asked.contains(&name) && super::error::edit_distance(name, key) <= 2 {
                return self.cx.err(
                    &k.span(),
                    &self.key(name),
                    format!("unknown key `{name}`; did you mean `{key}`?"),
                );
            }
        }
        self.cx.err(
            &self.span,
            &self.path,
            format!("missing key `{key}` ({what})"),
        )
    }

    fn wrong(&self, key: &str, node: &Node, expected: &str) -> BoardError {
        self.cx.err(
            &node.span(),
            &self.key(key),
            format!("expected {expected}, found {}", node.get_ref().type_name()),
        )
    }

    fn str(&mut self, key: &'static str) -> Result<Option<(String, Range<usize>)>, BoardError> {
        match self.get(key) {
            None => Ok(None),
            Some(n) => match n.get_ref() {
                Value::Str(s) => Ok(Some((s.clone(), n.span()))),
                _ => Err(self.wrong(key, n, "a string")),
            },
        }
    }

    fn req_str(
        &mut self,
        key: &'static str,
        what: &str,
    ) -> Result<(String, Range<usize>), BoardError> {
        self.str(key)?.ok_or_else(|| self.missing(key, what))
    }

    fn text(&mut self, key: &'static str) -> Result<String, BoardError> {
        Ok(self.str(key)?.map(|(s, _)| s).unwrap_or_default())
    }

    fn bool(&mut self, key: &'static str) -> Result<Option<bool>, BoardError> {
        match self.get(key) {
            None => Ok(None),
            Some(n) => match n.get_ref() {
                Value::Bool(b) => Ok(Some(*b)),
                _ => Err(self.wrong(key, n, "true or false")),
            },
        }
    }

    fn num(&mut self, key: &'static str) -> Result<Option<(u64, Range<usize>)>, BoardError> {
        match self.get(key) {
            None => Ok(None),
            Some(n) => number(self.cx, n, &self.key(key)).map(|v| Some((v, n.span()))),
        }
    }

    fn req_num(
        &mut self,
        key: &'static str,
        what: &str,
    ) -> Result<(u64, Range<usize>), BoardError> {
        self.num(key)?.ok_or_else(|| self.missing(key, what))
    }

    /// A string or an array of strings.
    fn strings(&mut self, key: &'static str) -> Result<Vec<(String, Range<usize>)>, BoardError> {
        let Some(n) = self.get(key) else {
            return Ok(Vec::new());
        };
        match n.get_ref() {
            Value::Str(s) => Ok(vec![(s.clone(), n.span())]),
            Value::Array(items) => items
                .iter()
                .map(|i| match i.get_ref() {
                    Value::Str(s) => Ok((s.clone(), i.span())),
                    _ => Err(self.wrong(key, i, "a string")),
                })
                .collect(),
            _ => Err(self.wrong(key, n, "a string or an array of strings")),
        }
    }

    /// An array of tables (`[[key]]`), or nothing.
    fn tables(&mut self, key: &'static str) -> Result<&'a [Node], BoardError> {
        match self.get(key) {
            None => Ok(&[]),
            Some(n) => match n.get_ref() {
                Value::Array(items) => Ok(items),
                _ => Err(self.wrong(
                    key,
                    n,
                    format!("an array of tables (`[[{}]]`)", self.key(key)).as_str(),
                )),
            },
        }
    }

    /// Fails on any key that was not asked for.
    fn finish(self) -> Result<(), BoardError> {
        for (k, _) in self.entries {
            let name = k.get_ref().as_str();
            if !self.asked.contains(&name) {
                let mut known = self.asked.clone();
                known.sort_unstable();
                known.dedup();
                let near = closest(name, known.iter().copied(), 1);
                let hint = match near.first() {
                    Some(n) => format!("; did you mean `{n}`?"),
                    None => format!("; known keys here: {}", known.join(", ")),
                };
                return Err(self.cx.err(
                    &k.span(),
                    &self.key(name),
                    format!("unknown key `{name}`{hint}"),
                ));
            }
        }
        Ok(())
    }
}

/// A non-negative integer: a TOML integer, or a string in decimal, `0x`, `0o`
/// or `0b` form with optional `_` separators (for values above 2^63 - 1).
fn number(cx: &Cx<'_>, node: &Node, key: &str) -> Result<u64, BoardError> {
    match node.get_ref() {
        Value::Int(i) => {
            u64::try_from(*i).map_err(|_| cx.err(&node.span(), key, format!("{i} is negative")))
        }
        Value::Str(s) => parse_number(s).ok_or_else(|| {
            cx.err(
                &node.span(),
                key,
                format!("`{s}` is not a number (decimal, 0x hex, 0o octal or 0b binary)"),
            )
        }),
        other => Err(cx.err(
            &node.span(),
            key,
            format!("expected a number, found {}", other.type_name()),
        )),
    }
}

/// Parses `123`, `0x7e20_0000`, `0o17`, `0b101` (no sign).
pub fn parse_number(text: &str) -> Option<u64> {
    let t = text.trim();
    let (digits, radix) = match t.get(..2) {
        Some("0x") | Some("0X") => (&t[2..], 16),
        Some("0o") | Some("0O") => (&t[2..], 8),
        Some("0b") | Some("0B") => (&t[2..], 2),
        _ => (t, 10),
    };
    if digits.is_empty() || digits.starts_with('_') || digits.ends_with('_') {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if clean.is_empty() || !clean.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(&clean, radix).ok()
}

/// Names of peripherals, registers and fields: a letter or `_`, then letters,
/// digits and `_` (and `-` where `dash` allows). No dots: they separate a path.
fn check_name(
    cx: &Cx<'_>,
    name: &str,
    span: &Range<usize>,
    key: &str,
    dash: bool,
) -> Result<(), BoardError> {
    let mut chars = name.chars();
    let ok = match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {
            chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (dash && c == '-'))
        }
        _ => false,
    };
    if ok && name.len() <= 64 {
        Ok(())
    } else {
        Err(cx.err(
            span,
            key,
            format!(
                "`{name}` is not a valid name: use a letter or `_`, then letters, digits, `_`{} (at most 64)",
                if dash { " or `-`" } else { "" }
            ),
        ))
    }
}

/// Expands an array name: `{n}` replaced by the index, or the index appended.
fn array_name(pattern: &str, index: u64) -> String {
    if pattern.contains("{n}") {
        pattern.replace("{n}", &index.to_string())
    } else {
        format!("{pattern}{index}")
    }
}

/// `count`, `stride` and `first` of an array declaration.
struct ArraySpec {
    count: u64,
    stride: u64,
    first: u64,
    declared: bool,
}

fn array_spec(
    t: &mut Tbl<'_, '_>,
    default_stride: u64,
    max: u64,
    name: &str,
    name_span: &Range<usize>,
) -> Result<ArraySpec, BoardError> {
    let count = t.num("count")?;
    let stride = t.num("stride")?;
    let first = t.num("first")?;
    match count {
        None => {
            if let Some((_, s)) = stride.as_ref().or(first.as_ref()) {
                return Err(t.cx.err(
                    s,
                    &t.path,
                    "`stride` and `first` need `count` (the number of elements of the array)",
                ));
            }
            if name.contains("{n}") {
                return Err(t.cx.err(
                    name_span,
                    &t.key("name"),
                    "`{n}` in a name needs `count` (this is not an array)",
                ));
            }
            Ok(ArraySpec {
                count: 1,
                stride: 0,
                first: 0,
                declared: false,
            })
        }
        Some((c, span)) => {
            if c == 0 || c > max {
                return Err(t.cx.err(
                    &span,
                    &t.key("count"),
                    format!("count must be from 1 to {max}"),
                ));
            }
            Ok(ArraySpec {
                count: c,
                stride: stride.map_or(default_stride, |s| s.0),
                first: first.map_or(0, |f| f.0),
                declared: true,
            })
        }
    }
}

fn parse_access(t: &mut Tbl<'_, '_>, default: Access) -> Result<Access, BoardError> {
    match t.str("access")? {
        None => Ok(default),
        Some((s, span)) => Access::parse(&s).ok_or_else(|| {
            t.cx.err(
                &span,
                &t.key("access"),
                format!("`{s}` is not an access: use ro, rw, wo or w1c"),
            )
        }),
    }
}

fn parse_endian(t: &mut Tbl<'_, '_>, default: Endianness) -> Result<Endianness, BoardError> {
    match t.str("endian")? {
        None => Ok(default),
        Some((s, span)) => match s.as_str() {
            "little" => Ok(Endianness::Little),
            "big" => Ok(Endianness::Big),
            _ => Err(t.cx.err(
                &span,
                &t.key("endian"),
                format!("`{s}` is not a byte order: use little or big"),
            )),
        },
    }
}

fn parse_width(t: &mut Tbl<'_, '_>, default: Width) -> Result<Width, BoardError> {
    match t.num("width")? {
        None => Ok(default),
        Some((bits, span)) => u32::try_from(bits)
            .ok()
            .and_then(|b| Width::from_bits(b).ok())
            .ok_or_else(|| {
                t.cx.err(
                    &span,
                    &t.key("width"),
                    format!("{bits} is not a register width: use 8, 16, 32 or 64"),
                )
            }),
    }
}

/// Layout-wide defaults.
struct LayoutDefaults {
    width: Width,
    endian: Endianness,
}

/// Parses a layout table: a layout file's top level, or `[layout.NAME]` of a board.
pub(crate) fn layout(
    cx: &Cx<'_>,
    node: &Node,
    path: &str,
    inline_name: Option<(&str, Range<usize>)>,
) -> Result<Layout, BoardError> {
    let mut t = Tbl::new(cx, node, path.to_string())?;
    let (name, name_span) = match inline_name {
        Some((n, s)) => (n.to_string(), s),
        None => t.req_str("name", "the layout's name, used by peripherals' `layout`")?,
    };
    check_name(cx, &name, &name_span, &t.key("name"), true)?;
    let description = t.text("description")?;
    let defaults = LayoutDefaults {
        width: parse_width(&mut t, Width::W32)?,
        endian: parse_endian(&mut t, Endianness::Little)?,
    };
    let size = t.num("size")?;
    if let Some((0, s)) = size {
        return Err(cx.err(&s, &t.key("size"), "size must not be 0"));
    }
    let atomic = match t.get("atomic-aliases") {
        None => Vec::new(),
        Some(n) => atomic_aliases(cx, n, &t.key("atomic-aliases"))?,
    };
    let reg_nodes = t.tables("register")?;
    t.finish()?;

    let mut registers: Vec<Register> = Vec::new();
    let mut lines: Vec<Range<usize>> = Vec::new();
    for (i, rn) in reg_nodes.iter().enumerate() {
        let before = registers.len();
        register(
            cx,
            rn,
            &join(path, &format!("register[{i}]")),
            &defaults,
            &mut registers,
        )?;
        lines.extend(std::iter::repeat(rn.span()).take(registers.len() - before));
        if registers.len() > MAX_LAYOUT_REGISTERS {
            return Err(cx.err(
                &rn.span(),
                path,
                format!("more than {MAX_LAYOUT_REGISTERS} registers"),
            ));
        }
    }
    // Atomic aliases of every writable register.
    if !atomic.is_empty() {
        let base_count = registers.len();
        for (op, delta, span) in &atomic {
            for i in 0..base_count {
                let r = &registers[i];
                if !r.access.writable() || r.alias_of.is_some() {
                    continue;
                }
                let offset = r.offset.checked_add(*delta).ok_or_else(|| {
                    cx.err(
                        span,
                        &join(path, "atomic-aliases"),
                        "alias offset overflows",
                    )
                })?;
                let alias = Register {
                    name: format!("{}_{}", r.name, op.suffix()),
                    offset,
                    width: r.width,
                    access: Access::WriteOnly,
                    read_side_effects: false,
                    reset: None,
                    endian: r.endian,
                    description: format!(
                        "Atomic {} alias of {}: writing v does {}",
                        op.suffix(),
                        r.name,
                        match op {
                            AtomicOp::Xor => "reg ^= v",
                            AtomicOp::Set => "reg |= v",
                            AtomicOp::Clear => "reg &= !v",
                        }
                    ),
                    fields: r
                        .fields
                        .iter()
                        .filter(|f| f.access.writable())
                        .map(|f| Field {
                            access: Access::WriteOnly,
                            read_side_effects: false,
                            ..f.clone()
                        })
                        .collect(),
                    alias_of: Some(r.name.clone()),
                    atomic: Some(*op),
                };
                registers.push(alias);
                lines.push(span.clone());
            }
        }
    }
    let layout = Layout {
        name,
        description,
        size: size.as_ref().map(|s| s.0),
        registers,
    };
    check_layout(cx, path, &layout, &lines)?;
    Ok(layout)
}

fn atomic_aliases(
    cx: &Cx<'_>,
    node: &Node,
    path: &str,
) -> Result<Vec<(AtomicOp, u64, Range<usize>)>, BoardError> {
    let mut t = Tbl::new(cx, node, path.to_string())?;
    let mut out = Vec::new();
    for (key, op) in [
        ("xor", AtomicOp::Xor),
        ("set", AtomicOp::Set),
        ("clr", AtomicOp::Clear),
    ] {
        if let Some((delta, span)) = t.num(key)? {
            if delta == 0 {
                return Err(cx.err(
                    &span,
                    &t.key(key),
                    "an alias offset of 0 would overlap the registers themselves",
                ));
            }
            out.push((op, delta, span));
        }
    }
    t.finish()?;
    Ok(out)
}

fn register(
    cx: &Cx<'_>,
    node: &Node,
    path: &str,
    d: &LayoutDefaults,
    out: &mut Vec<Register>,
) -> Result<(), BoardError> {
    let mut t = Tbl::new(cx, node, path.to_string())?;
    let (name, name_span) = t.req_str("name", "the register's name")?;
    // Name the register in the key path from here on.
    t.path = join(
        path.rsplit_once('.').map_or("", |p| p.0),
        &format!("register.{name}"),
    );
    let (offset, offset_span) =
        t.req_num("offset", "its byte offset from the peripheral's base")?;
    let width = parse_width(&mut t, d.width)?;
    let access = parse_access(&mut t, Access::ReadWrite)?;
    let read_side_effects = t.bool("read-side-effects")?.unwrap_or(false);
    let reset = t.num("reset")?;
    let endian = parse_endian(&mut t, d.endian)?;
    let description = t.text("description")?;
    let alias_of = t.str("alias-of")?;
    let arr = array_spec(
        &mut t,
        width.bytes() as u64,
        MAX_REGISTER_COUNT,
        &name,
        &name_span,
    )?;
    let field_nodes = t.tables("field")?;
    let key = t.path.clone();
    t.finish()?;

    if let Some((r, span)) = &reset {
        if !width.fits(*r) {
            return Err(cx.err(
                span,
                &join(&key, "reset"),
                format!("reset value {r:#x} does not fit in {} bits", width.bits()),
            ));
        }
    }
    if let Some((a, span)) = &alias_of {
        check_name(cx, a, span, &join(&key, "alias-of"), false)?;
    }
    for pos in 0..arr.count {
        let index = arr.first.checked_add(pos);
        let off = pos
            .checked_mul(arr.stride)
            .and_then(|x| x.checked_add(offset));
        let (Some(index), Some(off)) = (index, off) else {
            return Err(cx.err(&offset_span, &key, "array offsets overflow"));
        };
        let rname = if arr.declared {
            array_name(&name, index)
        } else {
            name.clone()
        };
        check_name(cx, &rname, &name_span, &join(&key, "name"), false)?;
        let mut fields = Vec::new();
        for (fi, fnode) in field_nodes.iter().enumerate() {
            field(
                cx,
                fnode,
                &join(&key, &format!("field[{fi}]")),
                access,
                read_side_effects,
                pos,
                &mut fields,
            )?;
        }
        fields.sort_by_key(|f| f.lsb);
        out.push(Register {
            name: rname,
            offset: off,
            width,
            access,
            read_side_effects,
            reset: reset.as_ref().map(|r| r.0),
            endian,
            description: if arr.declared {
                description.replace("{n}", &index.to_string())
            } else {
                description.clone()
            },
            fields,
            alias_of: alias_of.as_ref().map(|a| a.0.clone()),
            atomic: None,
        });
    }
    Ok(())
}

fn field(
    cx: &Cx<'_>,
    node: &Node,
    path: &str,
    reg_access: Access,
    reg_side: bool,
    reg_pos: u64,
    out: &mut Vec<Field>,
) -> Result<(), BoardError> {
    let mut t = Tbl::new(cx, node, path.to_string())?;
    let (name, name_span) = t.req_str("name", "the field's name")?;
    t.path = join(
        path.rsplit_once('.').map_or("", |p| p.0),
        &format!("field.{name}"),
    );
    let bits = t.get("bits");
    let lsb = t.num("lsb")?;
    let width = t.num("width")?;
    let msb = t.num("msb")?;
    let (lsb, fwidth, bits_span) = match (bits, lsb, width, msb) {
        (Some(b), None, None, None) => {
            let key = t.key("bits");
            let (l, w) = match b.get_ref() {
                Value::Int(_) => {
                    let bit = number(cx, b, &key)?;
                    (bit, 1)
                }
                Value::Str(s) => bit_range(s).ok_or_else(|| {
                    cx.err(&b.span(), &key, format!("`{s}` is not a bit range: use \"msb:lsb\" like \"7:0\", or one bit number"))
                })?,
                other => return Err(cx.err(&b.span(), &key, format!("expected a bit number or \"msb:lsb\", found {}", other.type_name()))),
            };
            (l, w, b.span())
        }
        (None, Some((l, s)), Some((w, _)), None) => (l, w, s),
        (None, Some((l, s)), None, Some((m, _))) => {
            if m < l {
                return Err(cx.err(&s, &t.key("msb"), format!("msb {m} is below lsb {l}")));
            }
            (l, m - l + 1, s)
        }
        _ => {
            return Err(cx.err(
                &name_span,
                &t.path,
                "give the bits as `bits = \"msb:lsb\"` (or one bit number), or as `lsb` with `width` or `msb`",
            ))
        }
    };
    if fwidth == 0 || fwidth > 64 || lsb >= 64 || lsb + fwidth > 64 {
        return Err(cx.err(
            &bits_span,
            &t.path,
            format!(
                "bits {lsb}..{} are not inside 64 bits",
                lsb.saturating_add(fwidth)
            ),
        ));
    }
    let access = parse_access(&mut t, reg_access)?;
    let read_side_effects = t.bool("read-side-effects")?.unwrap_or(reg_side);
    let description = t.text("description")?;
    let values = match t.get("values") {
        None => Vec::new(),
        Some(n) => enum_values(cx, n, &t.key("values"))?,
    };
    let write_value = t.num("write-value")?;
    let arr = array_spec(&mut t, fwidth, MAX_FIELD_COUNT, &name, &name_span)?;
    let last = t.num("last")?;
    let key = t.path.clone();
    t.finish()?;
    if last.is_some() && !arr.declared {
        return Err(cx.err(&name_span, &join(&key, "last"), "`last` needs `count`"));
    }
    for (v, _) in &values {
        if fwidth < 64 && v.value >> fwidth != 0 {
            return Err(cx.err(
                &name_span,
                &join(&key, &format!("values.{}", v.name)),
                format!(
                    "value {:#x} does not fit in the {fwidth}-bit field",
                    v.value
                ),
            ));
        }
    }
    if let Some((w, span)) = &write_value {
        if fwidth < 64 && w >> fwidth != 0 {
            return Err(cx.err(
                span,
                &join(&key, "write-value"),
                format!("{w:#x} does not fit in the {fwidth}-bit field"),
            ));
        }
    }
    let values: Vec<EnumValue> = values.into_iter().map(|v| v.0).collect();
    for pos in 0..arr.count {
        // In a register array, field arrays number on: GPFSEL1 holds FSEL10..19.
        let index = reg_pos
            .checked_mul(arr.count)
            .and_then(|x| x.checked_add(pos))
            .and_then(|x| x.checked_add(arr.first));
        let shift = pos.checked_mul(arr.stride).and_then(|x| x.checked_add(lsb));
        let (Some(index), Some(flsb)) = (index, shift) else {
            return Err(cx.err(&name_span, &key, "field array overflows"));
        };
        if last.as_ref().is_some_and(|(l, _)| index > *l) {
            break;
        }
        if flsb >= 64 || flsb + fwidth > 64 {
            return Err(cx.err(
                &name_span,
                &key,
                format!("field array element {index} (bits from {flsb}) does not fit in 64 bits"),
            ));
        }
        let fname = if arr.declared {
            array_name(&name, index)
        } else {
            name.clone()
        };
        check_name(cx, &fname, &name_span, &join(&key, "name"), false)?;
        out.push(Field {
            name: fname,
            lsb: flsb as u32,
            width: fwidth as u32,
            access,
            read_side_effects,
            values: values.clone(),
            write_value: write_value.as_ref().map(|w| w.0),
            description: if arr.declared {
                description.replace("{n}", &index.to_string())
            } else {
                description.clone()
            },
        });
    }
    Ok(())
}

/// `"7:0"` as (lsb, width).
/// `"msb:lsb"` or a single bit `"n"`, as (lsb, width).
fn bit_range(s: &str) -> Option<(u64, u64)> {
    let (m, l) = s.split_once(':').unwrap_or((s, s));
    let m: u64 = m.trim().parse().ok()?;
    let l: u64 = l.trim().parse().ok()?;
    (m >= l && m < 64).then(|| (l, m - l + 1))
}

fn enum_values(
    cx: &Cx<'_>,
    node: &Node,
    path: &str,
) -> Result<Vec<(EnumValue, Range<usize>)>, BoardError> {
    let Value::Table(entries) = node.get_ref() else {
        return Err(cx.err(
            &node.span(),
            path,
            format!(
                "expected a table of name = value, found {}",
                node.get_ref().type_name()
            ),
        ));
    };
    let mut out: Vec<(EnumValue, Range<usize>)> = Vec::new();
    for (k, v) in entries {
        let name = k.get_ref().clone();
        let key = join(path, &name);
        check_name(cx, &name, &k.span(), &key, true)?;
        if out.iter().any(|(e, _)| e.name.eq_ignore_ascii_case(&name)) {
            return Err(cx.err(
                &k.span(),
                &key,
                format!("two values named `{name}` (names ignore case)"),
            ));
        }
        let (value, description) = match v.get_ref() {
            Value::Table(_) => {
                let mut t = Tbl::new(cx, v, key.clone())?;
                let (value, _) = t.req_num("value", "the field value")?;
                let d = t.text("description")?;
                t.finish()?;
                (value, d)
            }
            _ => (number(cx, v, &key)?, String::new()),
        };
        out.push((
            EnumValue {
                name,
                value,
                description,
            },
            k.span(),
        ));
    }
    Ok(out)
}

fn overlaps(a: (u64, u64), b: (u64, u64)) -> bool {
    a.0 < b.0.saturating_add(b.1) && b.0 < a.0.saturating_add(a.1)
}

fn check_layout(
    cx: &Cx<'_>,
    path: &str,
    layout: &Layout,
    spans: &[Range<usize>],
) -> Result<(), BoardError> {
    let regs = &layout.registers;
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (i, r) in regs.iter().enumerate() {
        let key = join(path, &format!("register.{}", r.name));
        if let Some(&j) = by_name.get(&r.name.to_ascii_lowercase()) {
            return Err(cx.err(
                &spans[i],
                &key,
                format!(
                    "register name `{}` is used twice (also on line {}; names ignore case)",
                    r.name,
                    tree::line_of(cx.text, &spans[j])
                ),
            ));
        }
        by_name.insert(r.name.to_ascii_lowercase(), i);
        let bytes = r.width.bytes() as u64;
        if r.offset % bytes != 0 {
            return Err(cx.err(
                &spans[i],
                &key,
                format!(
                    "offset {:#x} is not aligned to the register's {} bits",
                    r.offset,
                    r.width.bits()
                ),
            ));
        }
        if let Some(size) = layout.size {
            if r.offset.saturating_add(bytes) > size {
                return Err(cx.err(
                    &spans[i],
                    &key,
                    format!(
                        "offset {:#x} + {} bytes is outside the layout's size {size:#x}",
                        r.offset, bytes
                    ),
                ));
            }
        }
        check_fields(cx, &spans[i], &key, r)?;
    }
    for (i, r) in regs.iter().enumerate() {
        if let Some(a) = &r.alias_of {
            if !by_name.contains_key(&a.to_ascii_lowercase()) {
                let near = closest(a, regs.iter().map(|r| r.name.as_str()), 3);
                return Err(cx.err(
                    &spans[i],
                    &join(path, &format!("register.{}.alias-of", r.name)),
                    format!(
                        "no register `{a}` in this layout{}",
                        super::error::Suggest(&near)
                    ),
                ));
            }
        }
    }
    // Overlaps, unless one register is declared an alias of the other.
    let mut order: Vec<usize> = (0..regs.len()).collect();
    order.sort_by_key(|&i| regs[i].offset);
    for (k, &i) in order.iter().enumerate() {
        let a = &regs[i];
        for &j in &order[k + 1..] {
            let b = &regs[j];
            if b.offset >= a.offset.saturating_add(a.width.bytes() as u64) {
                break;
            }
            let related = |x: &Register, y: &Register| {
                x.alias_of
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&y.name))
            };
            let same_target = matches!((&a.alias_of, &b.alias_of), (Some(x), Some(y)) if x.eq_ignore_ascii_case(y));
            if !(related(a, b) || related(b, a) || same_target) {
                let (first, second) = if i < j { (i, j) } else { (j, i) };
                return Err(cx.err(
                    &spans[second],
                    &join(path, &format!("register.{}", regs[second].name)),
                    format!(
                        "overlaps register `{}` (offset {:#x}, line {}); if it is another view of the same register, say `alias-of = \"{}\"`",
                        regs[first].name,
                        regs[first].offset,
                        tree::line_of(cx.text, &spans[first]),
                        regs[first].name
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn check_fields(
    cx: &Cx<'_>,
    span: &Range<usize>,
    key: &str,
    r: &Register,
) -> Result<(), BoardError> {
    let bits = r.width.bits();
    let mut names: HashMap<String, &str> = HashMap::new();
    for (i, f) in r.fields.iter().enumerate() {
        let fkey = join(key, &format!("field.{}", f.name));
        if names.insert(f.name.to_ascii_lowercase(), &f.name).is_some() {
            return Err(cx.err(
                span,
                &fkey,
                format!(
                    "field name `{}` is used twice in {} (names ignore case)",
                    f.name, r.name
                ),
            ));
        }
        if f.msb() >= bits {
            return Err(cx.err(
                span,
                &fkey,
                format!("bits {} are outside the {bits}-bit register", f.bit_range()),
            ));
        }
        // Fields are sorted by lsb: compare with the next one.
        if let Some(g) = r.fields.get(i + 1) {
            if g.lsb <= f.msb() {
                return Err(cx.err(
                    span,
                    &fkey,
                    format!(
                        "bits {} overlap field `{}` {}",
                        f.bit_range(),
                        g.name,
                        g.bit_range()
                    ),
                ));
            }
        }
        let ok = match (r.access, f.access) {
            (_, x) if x == r.access => true,
            (Access::ReadWrite, _) => true,
            (Access::WriteOneToClear, Access::ReadOnly) => true,
            (Access::ReadOnly, _) => false,
            (Access::WriteOnly, _) => false,
            (Access::WriteOneToClear, _) => false,
        };
        if !ok {
            return Err(cx.err(
                span,
                &join(&fkey, "access"),
                format!("a {} field cannot be in a {} register", f.access, r.access),
            ));
        }
    }
    Ok(())
}

/// Where a board file finds the layouts its peripherals name.
pub(crate) trait LayoutLookup {
    /// The layout called `name`, if known (an error if it exists but is broken).
    fn layout(&self, name: &str) -> Option<Result<Arc<Layout>, BoardError>>;
    /// Every known name, for suggestions.
    fn names(&self) -> Vec<String>;
}

/// Parses a board file. `dir` is where `include`d layout files are found
/// (None for text that has no file).
pub(crate) fn board(
    text: &str,
    origin: &str,
    dir: Option<&Path>,
    shared: &dyn LayoutLookup,
) -> Result<Board, BoardError> {
    let root = tree::parse(text, origin)?;
    let cx = Cx { origin, text };
    let mut t = Tbl::new(&cx, &root, String::new())?;
    let (name, name_span) = t.req_str("name", "the board's name, like `rpi4`")?;
    check_name(&cx, &name, &name_span, "name", true)?;
    let aliases = t.strings("aliases")?;
    for (a, s) in &aliases {
        check_name(&cx, a, s, "aliases", true)?;
        if a.eq_ignore_ascii_case(&name)
            || aliases
                .iter()
                .filter(|(b, _)| b.eq_ignore_ascii_case(a))
                .count()
                > 1
        {
            return Err(cx.err(
                s,
                "aliases",
                format!("alias `{a}` is given twice or repeats the name"),
            ));
        }
    }
    let (arch, _) = t.req_str("arch", "the CPU architecture, like `aarch64` or `arm`")?;
    let description = t.text("description")?;
    let compatible = t.strings("compatible")?;
    let model = t.strings("model")?;
    let includes = t.strings("include")?;
    let periph_nodes = t.tables("peripheral")?;
    let local_layouts = t.get("layout");
    t.finish()?;

    // Layouts: this file's own, then included files, then the shared set.
    let mut local: Vec<Arc<Layout>> = Vec::new();
    if let Some(n) = local_layouts {
        let Value::Table(entries) = n.get_ref() else {
            return Err(cx.err(&n.span(), "layout", "expected tables `[layout.NAME]`"));
        };
        for (k, v) in entries {
            let lname = k.get_ref();
            let l = layout(&cx, v, &format!("layout.{lname}"), Some((lname, k.span())))?;
            if local.iter().any(|x| x.name.eq_ignore_ascii_case(&l.name)) {
                return Err(cx.err(
                    &k.span(),
                    &format!("layout.{lname}"),
                    "layout defined twice",
                ));
            }
            local.push(Arc::new(l));
        }
    }
    for (inc, span) in &includes {
        let Some(dir) = dir else {
            return Err(cx.err(span, "include", "`include` needs the board to be loaded from a file (Board::load) so that the path has a folder"));
        };
        let p: PathBuf = dir.join(inc);
        let ltext = std::fs::read_to_string(&p)
            .map_err(|e| cx.err(span, "include", format!("cannot read {}: {e}", p.display())))?;
        let lorigin = p.display().to_string();
        let lcx = Cx {
            origin: &lorigin,
            text: &ltext,
        };
        let lroot = tree::parse(&ltext, &lorigin)?;
        let l = layout(&lcx, &lroot, "", None)?;
        if local.iter().any(|x| x.name.eq_ignore_ascii_case(&l.name)) {
            return Err(cx.err(
                span,
                "include",
                format!("layout `{}` is defined twice", l.name),
            ));
        }
        local.push(Arc::new(l));
    }

    let mut peripherals: Vec<Peripheral> = Vec::new();
    let mut spans: Vec<Range<usize>> = Vec::new();
    for (i, pn) in periph_nodes.iter().enumerate() {
        let before = peripherals.len();
        peripheral(
            &cx,
            pn,
            &format!("peripheral[{i}]"),
            &local,
            shared,
            &mut peripherals,
        )?;
        spans.extend(std::iter::repeat(pn.span()).take(peripherals.len() - before));
    }
    // Unique names, windows not overlapping.
    for (i, p) in peripherals.iter().enumerate() {
        for (j, q) in peripherals.iter().enumerate().take(i) {
            let key = format!("peripheral.{}", p.name);
            if p.name.eq_ignore_ascii_case(&q.name) {
                return Err(cx.err(
                    &spans[i],
                    &key,
                    format!(
                        "peripheral name `{}` is used twice (also line {}; names ignore case)",
                        p.name,
                        tree::line_of(text, &spans[j])
                    ),
                ));
            }
            if overlaps((p.base, p.size), (q.base, q.size)) {
                return Err(cx.err(
                    &spans[i],
                    &key,
                    format!(
                        "window {:#x}..{:#x} overlaps peripheral `{}` ({:#x}..{:#x}, line {})",
                        p.base,
                        p.base + p.size,
                        q.name,
                        q.base,
                        q.base + q.size,
                        tree::line_of(text, &spans[j])
                    ),
                ));
            }
        }
    }
    Ok(Board {
        name,
        aliases: aliases.into_iter().map(|a| a.0).collect(),
        arch,
        description,
        compatible: compatible.into_iter().map(|c| c.0).collect(),
        model: model.into_iter().map(|m| m.0).collect(),
        peripherals,
        origin: origin.to_string(),
    })
}

fn peripheral(
    cx: &Cx<'_>,
    node: &Node,
    path: &str,
    local: &[Arc<Layout>],
    shared: &dyn LayoutLookup,
    out: &mut Vec<Peripheral>,
) -> Result<(), BoardError> {
    let mut t = Tbl::new(cx, node, path.to_string())?;
    let (name, name_span) = t.req_str("name", "the peripheral's name, like `uart0`")?;
    t.path = format!("peripheral.{name}");
    let (base, base_span) = t.req_num("base", "the CPU physical address of its first register")?;
    let size = t.num("size")?;
    let layout_names = t.strings("layout")?;
    if layout_names.is_empty() {
        return Err(t.missing(
            "layout",
            "the name of its register layout, or a list of them",
        ));
    }
    let description = t.text("description")?;
    let device = t.str("device")?;
    let device_base = t.num("device-base")?;
    let dt_compatible = t.strings("dt-compatible")?;
    let dt_reg = t.num("dt-reg")?;
    let key = t.path.clone();
    let arr = array_spec(
        &mut t,
        size.as_ref().map_or(0, |s| s.0),
        MAX_PERIPHERAL_COUNT,
        &name,
        &name_span,
    )?;
    t.finish()?;

    let mut parts: Vec<Arc<Layout>> = Vec::new();
    for (lname, lspan) in &layout_names {
        let l = match local.iter().find(|l| l.name.eq_ignore_ascii_case(lname)) {
            Some(l) => l.clone(),
            None => match shared.layout(lname) {
                Some(l) => l?,
                None => {
                    let mut names: Vec<String> = local.iter().map(|l| l.name.clone()).collect();
                    names.extend(shared.names());
                    let near = closest(lname, names.iter().map(String::as_str), 3);
                    return Err(cx.err(
                        lspan,
                        &join(&key, "layout"),
                        format!("unknown layout `{lname}`{}", super::error::Suggest(&near)),
                    ));
                }
            },
        };
        parts.push(l);
    }
    let layout = if parts.len() == 1 {
        parts.remove(0)
    } else {
        let merged = Layout {
            name: parts
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>()
                .join("+"),
            description: parts[0].description.clone(),
            size: parts.iter().filter_map(|l| l.size).max(),
            registers: parts
                .iter()
                .flat_map(|l| l.registers.iter().cloned())
                .collect(),
        };
        let span = layout_names[0].1.clone();
        let spans = vec![span; merged.registers.len()];
        check_layout(cx, &join(&key, "layout"), &merged, &spans)?;
        Arc::new(merged)
    };
    let size = match (size, layout.size) {
        (Some((0, s)), _) => return Err(cx.err(&s, &join(&key, "size"), "size must not be 0")),
        (Some((s, _)), _) => s,
        (None, Some(s)) => s,
        (None, None) => {
            return Err(cx.err(
                &name_span,
                &key,
                format!(
                    "missing key `size` (layout `{}` declares none)",
                    layout.name
                ),
            ))
        }
    };
    if arr.declared && arr.stride < size && arr.count > 1 {
        return Err(cx.err(
            &name_span,
            &join(&key, "stride"),
            format!(
                "stride {:#x} is smaller than the size {size:#x}: the windows would overlap",
                arr.stride
            ),
        ));
    }
    if let Some((d, s)) = &device {
        if !d.starts_with('/') {
            return Err(cx.err(
                s,
                &join(&key, "device"),
                format!("`{d}` is not an absolute path"),
            ));
        }
    }
    if device_base.is_some() && device.is_none() {
        return Err(cx.err(
            &base_span,
            &join(&key, "device-base"),
            "`device-base` needs `device`",
        ));
    }
    for r in &layout.registers {
        if r.offset.saturating_add(r.width.bytes() as u64) > size {
            return Err(cx.err(
                &name_span,
                &key,
                format!(
                    "register {} at offset {:#x} is outside the window of {size:#x} bytes",
                    r.name, r.offset
                ),
            ));
        }
    }
    for pos in 0..arr.count {
        let b = pos
            .checked_mul(arr.stride)
            .and_then(|x| x.checked_add(base));
        let Some(b) = b.filter(|b| b.checked_add(size).is_some()) else {
            return Err(cx.err(&base_span, &key, "base + size overflows 64 bits"));
        };
        let pname = if arr.declared {
            array_name(&name, arr.first.saturating_add(pos))
        } else {
            name.clone()
        };
        check_name(cx, &pname, &name_span, &join(&key, "name"), true)?;
        let device = device.as_ref().map(|(d, _)| DeviceFile {
            path: PathBuf::from(d),
            base: device_base.as_ref().map_or(b, |x| x.0),
        });
        if let Some(dev) = &device {
            if dev.base > b {
                return Err(cx.err(
                    &base_span,
                    &join(&key, "device-base"),
                    format!(
                        "device-base {:#x} is above the peripheral's base {b:#x}",
                        dev.base
                    ),
                ));
            }
        }
        out.push(Peripheral {
            name: pname,
            base: b,
            size,
            description: description.clone(),
            layout: layout.clone(),
            device,
            dt_compatible: dt_compatible.iter().map(|c| c.0.clone()).collect(),
            dt_reg_index: dt_reg.as_ref().map_or(0, |r| r.0 as usize),
        });
    }
    Ok(())
}

/// Parses a layout file (a `boards/layouts/*.toml`).
pub(crate) fn layout_file(text: &str, origin: &str) -> Result<Layout, BoardError> {
    let root = tree::parse(text, origin)?;
    let cx = Cx { origin, text };
    layout(&cx, &root, "", None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("0x7e20_0000"), Some(0x7e20_0000));
        assert_eq!(parse_number("0b101"), Some(5));
        assert_eq!(parse_number("0o17"), Some(15));
        assert_eq!(parse_number("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_number("0x"), None);
        assert_eq!(parse_number("_1"), None);
        assert_eq!(parse_number("-1"), None);
        assert_eq!(parse_number("0x1_0000_0000_0000_0000"), None);
    }

    #[test]
    fn ranges() {
        assert_eq!(bit_range("7:0"), Some((0, 8)));
        assert_eq!(bit_range("31:31"), Some((31, 1)));
        assert_eq!(bit_range("0:7"), None);
        assert_eq!(bit_range("64:0"), None);
    }

    #[test]
    fn array_names() {
        assert_eq!(array_name("GPFSEL", 3), "GPFSEL3");
        assert_eq!(array_name("GPIO{n}_CTRL", 27), "GPIO27_CTRL");
    }
}
