//! Output formats: text for people, JSON lines for programs.

use std::io::Write;

use clap::ValueEnum;
use physreg::reg::Width;
use serde_json::{Map, Value};

/// `--format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// `0x` and upper-case hex zero-padded to the width (as BusyBox devmem prints).
pub fn hex(value: u64, width: Width) -> String {
    format!("0x{:0w$X}", value, w = width.bytes() * 2)
}

/// An address: `0x` and at least 8 upper-case hex digits.
pub fn addr(a: u64) -> String {
    format!("0x{a:08X}")
}

/// A JSON object with "address", "width" and "value" (plus more keys added by the caller).
pub fn json_access(address: u64, width: Width, value: u64) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("address".into(), address.into());
    m.insert("width".into(), width.bits().into());
    m.insert("value".into(), value.into());
    m
}

/// Writes one JSON object as a line.
pub fn json_line(out: &mut impl Write, obj: Map<String, Value>) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, &Value::Object(obj))?;
    out.write_all(b"\n")
}
