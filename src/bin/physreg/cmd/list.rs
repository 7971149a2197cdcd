//! `physreg list [PATTERN]`: boards, peripherals, registers and fields.

use std::io::Write;

use clap::Args;
use physreg::board::{glob_match, Board as LibBoard, Peripheral, Register};
use serde_json::{json, Value};

use crate::board::Board;
use crate::ctx::Ctx;
use crate::error::bail_usage;
use crate::output::{addr, json_line, Format};

/// List boards, peripherals, registers and fields.
#[derive(Args, Clone, Debug)]
#[command(
    after_help = "PATTERN has as many dot-separated parts as what it lists: peripherals \
(uart*), registers (uart0.*, *.FR) or fields (gpio.GPFSEL1.*). '*' matches any text, '?' one \
character, case ignored. A plain peripheral or register name lists what is inside it.

Without a board (none given with --board, none detected), the built-in boards are listed.

Examples:
  physreg list
  physreg --board rpi3 list
  physreg --board qemu-virt list uart0
  physreg --board rpi3 list 'gpio.GPFSEL1.*'
  physreg --board qemu-virt list '*.*ID0'"
)]
pub struct Cmd {
    /// A glob over names: 'uart*', 'uart0.*', '*.FR.*', 'gpio.GPFSEL?'
    #[arg(value_name = "PATTERN")]
    pub pattern: Option<String>,

    /// List the built-in boards even when a board is selected or detected
    #[arg(long)]
    pub boards: bool,
}

/// One line of the listing.
struct Item {
    text: String,
    json: Value,
}

impl Cmd {
    /// Lists.
    pub fn run(self, ctx: &mut Ctx, out: &mut impl Write) -> anyhow::Result<()> {
        let format = ctx.format();
        let items = match (self.boards, ctx.board()?) {
            (false, Some(b)) => list_board(b, self.pattern.as_deref())?,
            _ => list_boards(self.pattern.as_deref())?,
        };
        for item in items {
            match format {
                Format::Text => writeln!(out, "{}", item.text)?,
                Format::Json => {
                    if let Value::Object(m) = item.json {
                        json_line(out, m)?;
                    }
                }
            }
        }
        Ok(())
    }
}

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?'])
}

fn list_boards(pattern: Option<&str>) -> anyhow::Result<Vec<Item>> {
    if pattern.is_some_and(|p| p.contains('.')) {
        bail_usage!(
            "listing registers needs a board: pass --board NAME (boards: {})",
            LibBoard::builtin_names().join(", ")
        );
    }
    let boards = LibBoard::builtins();
    let w = boards.iter().map(|b| b.name().len()).max().unwrap_or(0);
    let items: Vec<Item> = boards
        .iter()
        .filter(|b| match pattern {
            None => true,
            Some(p) => glob_match(p, b.name()) || b.aliases().iter().any(|a| glob_match(p, a)),
        })
        .map(|b| {
            let aliases = if b.aliases().is_empty() {
                String::new()
            } else {
                format!(" (also {})", b.aliases().join(", "))
            };
            Item {
                text: format!(
                    "{:w$}  {}  {}{aliases}",
                    b.name(),
                    b.arch(),
                    b.description()
                ),
                json: json!({
                    "kind": "board",
                    "name": b.name(),
                    "aliases": b.aliases(),
                    "arch": b.arch(),
                    "description": b.description(),
                }),
            }
        })
        .collect();
    if items.is_empty() {
        bail_usage!(
            "no built-in board matches '{}' (boards: {})",
            pattern.unwrap_or(""),
            LibBoard::builtin_names().join(", ")
        );
    }
    Ok(items)
}

fn list_board(board: &Board, pattern: Option<&str>) -> anyhow::Result<Vec<Item>> {
    let pattern = pattern.unwrap_or("*");
    let parts: Vec<&str> = pattern.split('.').collect();
    // A plain name lists what is inside it.
    let (parts, inside) = if !is_glob(pattern) && parts.len() < 3 {
        let mut p = parts.clone();
        p.push("*");
        (p, true)
    } else {
        (parts, false)
    };
    let mut items = Vec::new();
    for p in board.peripherals() {
        if !glob_match(parts[0], &p.name) {
            continue;
        }
        if parts.len() == 1 {
            items.push(peripheral_item(p));
            continue;
        }
        for r in &p.layout.registers {
            if !glob_match(parts[1], &r.name) {
                continue;
            }
            if parts.len() == 2 {
                items.push(register_item(p, r));
                continue;
            }
            for f in &r.fields {
                if parts.len() == 3 && glob_match(parts[2], &f.name) {
                    let values: Vec<String> = f
                        .values
                        .iter()
                        .map(|v| format!("{}={}", v.name, v.value))
                        .collect();
                    let mut vtext = if values.is_empty() {
                        String::new()
                    } else {
                        format!("  values: {}", values.join(", "))
                    };
                    if f.read_side_effects {
                        vtext.push_str(" (read has side effects)");
                    }
                    items.push(Item {
                        text: format!(
                            "{}.{}.{}  {} {}  {}  {}{vtext}",
                            p.name,
                            r.name,
                            f.name,
                            addr(p.base + r.offset),
                            f.bit_range(),
                            f.access,
                            f.description
                        ),
                        json: json!({
                            "kind": "field",
                            "name": format!("{}.{}.{}", p.name, r.name, f.name),
                            "address": p.base + r.offset,
                            "lsb": f.lsb,
                            "bits": f.width,
                            "access": f.access.as_str(),
                            "read_side_effects": f.read_side_effects,
                            "values": f.values.iter().map(|v| (v.name.clone(), Value::from(v.value))).collect::<serde_json::Map<_, _>>(),
                            "description": f.description,
                        }),
                    });
                }
            }
        }
    }
    if items.is_empty() {
        if inside {
            // A register with no fields, or a name that is not there: let the
            // resolver say which (with suggestions).
            let plain = pattern;
            if plain.contains('.') {
                board.resolve(plain)?;
            } else {
                board.find_peripheral(plain)?;
            }
            bail_usage!("{plain} has no fields");
        }
        bail_usage!(
            "nothing in board {} matches '{pattern}' (try 'physreg list' for its peripherals)",
            board.name()
        );
    }
    Ok(items)
}

fn peripheral_item(p: &Peripheral) -> Item {
    let dev = p
        .device
        .as_ref()
        .map(|d| format!(" (also through {})", d.path.display()))
        .unwrap_or_default();
    Item {
        text: format!(
            "{}  {} +{:#x}  {}  {}{dev}",
            p.name,
            addr(p.base),
            p.size,
            p.layout.name,
            p.description
        ),
        json: json!({
            "kind": "peripheral",
            "name": p.name,
            "base": p.base,
            "size": p.size,
            "layout": p.layout.name,
            "description": p.description,
        }),
    }
}

fn register_item(p: &Peripheral, r: &Register) -> Item {
    let mut notes = Vec::new();
    if r.read_has_side_effects() {
        notes.push("read has side effects".to_string());
    }
    if let Some(a) = &r.alias_of {
        notes.push(format!("alias of {a}"));
    }
    if let Some(reset) = r.reset {
        notes.push(format!("reset {reset:#x}"));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join(", "))
    };
    Item {
        text: format!(
            "{}.{}  {}  {}-bit {}  {}{notes}",
            p.name,
            r.name,
            addr(p.base + r.offset),
            r.width.bits(),
            r.access,
            r.description
        ),
        json: json!({
            "kind": "register",
            "name": format!("{}.{}", p.name, r.name),
            "address": p.base + r.offset,
            "width": r.width.bits(),
            "access": r.access.as_str(),
            "read_side_effects": r.read_has_side_effects(),
            "reset": r.reset,
            "description": r.description,
            "fields": r.fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
        }),
    }
}
