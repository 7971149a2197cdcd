//! `physreg devmem ADDRESS [WIDTH [VALUE]]`, and the binary run through a link
//! named `devmem`: byte-for-byte compatible with BusyBox devmem.
//!
//! As BusyBox: ADDRESS and VALUE are C `strtoull` numbers with base 0 (`0x`
//! hex, leading-`0` octal, decimal, nothing after them); WIDTH is 8, 16, 32
//! or 64, or one of b, h, w, l; a read prints `0x` and upper-case hex
//! zero-padded to the width; a write prints nothing and stores VALUE
//! truncated to the width; words after VALUE are ignored. Unlike BusyBox: a
//! misaligned address is refused instead of faulting, writes to System RAM
//! need --force (PHYSREG_FORCE=1 through the link), a bus error exits 3 with
//! one line, and usage errors exit 2.

use std::ffi::OsString;
use std::io::Write;

use clap::Args;
use physreg::reg::Width;

use crate::board::BoardCell;
use crate::cli::Globals;
use crate::ctx::{Ctx, Loc};
use crate::error::{bail_usage, exit_code, is_broken_pipe, one_line, usage, EXIT_OK};
use crate::grammar::{parse_devmem_number, parse_devmem_width, parse_u64, quote};

const USAGE: &str = "Usage: devmem ADDRESS [WIDTH [VALUE]]

Read/write from physical address

	ADDRESS	Address to act upon
	WIDTH	Width (8/16/...)
	VALUE	Data to be written
";

/// BusyBox devmem compatible access.
#[derive(Args, Clone, Debug)]
#[command(after_help = "Examples:
  physreg devmem 0x09000fe0          (32-bit read: 0x00000011)
  physreg devmem 0x09000fe0 b        (8-bit read: 0x11)
  physreg devmem 0x09000000 8 0x41   (8-bit write, prints nothing)
  ln -s physreg devmem && ./devmem 0x09000fe0")]
pub struct Cmd {
    /// ADDRESS [WIDTH [VALUE]], parsed as BusyBox devmem does (0x hex, 0 octal, decimal; width 8/16/32/64 or b/h/w/l)
    #[arg(value_name = "ARGS", num_args = 0.., allow_hyphen_values = true, trailing_var_arg = true)]
    pub args: Vec<OsString>,
}

impl Cmd {
    /// Runs devmem with the global options of the command line.
    pub fn run(self, ctx: &mut Ctx, out: &mut impl Write) -> anyhow::Result<()> {
        devmem(ctx, out, &self.args)
    }
}

/// The binary started as `devmem`: no physreg options; the environment
/// variables PHYSREG_DEVICE, PHYSREG_BASE, PHYSREG_BOARD, PHYSREG_FORCE=1 and
/// PHYSREG_NO_LOCK=1 stand in for them.
pub fn run_as_link(args: &[OsString]) -> i32 {
    if matches!(args.first().and_then(|a| a.to_str()), Some("--help" | "-h")) {
        print!("{USAGE}");
        return EXIT_OK;
    }
    let result = link_globals().and_then(|globals| {
        let board = BoardCell::new();
        let mut ctx = Ctx::new(globals, &board);
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        devmem(&mut ctx, &mut out, args)?;
        out.flush()?;
        Ok(())
    });
    match result {
        Ok(()) => EXIT_OK,
        Err(e) if is_broken_pipe(&e) => EXIT_OK,
        Err(e) => {
            eprintln!("devmem: {}", one_line(&e));
            exit_code(&e)
        }
    }
}

fn link_globals() -> anyhow::Result<Globals> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let flag = |name: &str| var(name).is_some_and(|v| v != "0");
    let base = match var("PHYSREG_BASE") {
        Some(v) => {
            let text = v.to_str().unwrap_or("");
            Some(parse_u64(text).map_err(|e| usage(format!("PHYSREG_BASE: {e}")))?)
        }
        None => None,
    };
    Ok(Globals {
        board: var("PHYSREG_BOARD").map(|v| v.to_string_lossy().into_owned()),
        device: var("PHYSREG_DEVICE").map(Into::into),
        base,
        force: flag("PHYSREG_FORCE"),
        no_lock: flag("PHYSREG_NO_LOCK"),
        ..Globals::default()
    })
}

/// `physreg devmem ADDRESS [WIDTH [VALUE]]` with no option, as scripts run
/// it once per access: the global options it can have then come only from the
/// environment variables the command line reads (`PHYSREG_BOARD`,
/// `PHYSREG_DEVICE`, `PHYSREG_BASE`), so the whole command line's parser, most
/// of such a short process's own time, need not be built. `None` for anything
/// else (an option, a fourth word, an empty or bad variable): the full parser
/// then gives the same answer or the same error.
pub fn plain_args(args: &[OsString]) -> Option<(Globals, &[OsString])> {
    let rest = args.get(2..)?;
    let plain = args[1] == "devmem"
        && (1..=3).contains(&rest.len())
        && rest
            .iter()
            .all(|a| a.to_str().is_some_and(|a| !a.starts_with('-')));
    if !plain {
        return None;
    }
    let var = |name: &str| match std::env::var_os(name) {
        None => Some(None),
        Some(v) if v.is_empty() => None,
        Some(v) => Some(Some(v)),
    };
    let base = match var("PHYSREG_BASE")? {
        Some(v) => Some(crate::cli::parse_number(v.to_str()?).ok()?),
        None => None,
    };
    let globals = Globals {
        board: var("PHYSREG_BOARD")?
            .map(|v| v.into_string())
            .transpose()
            .ok()?,
        device: var("PHYSREG_DEVICE")?.map(Into::into),
        base,
        ..Globals::default()
    };
    Some((globals, rest))
}

/// devmem ADDRESS [WIDTH [VALUE]].
pub fn devmem(ctx: &mut Ctx, out: &mut impl Write, args: &[OsString]) -> anyhow::Result<()> {
    let text = |i: usize| -> anyhow::Result<Option<&str>> {
        match args.get(i) {
            None => Ok(None),
            Some(a) => a
                .to_str()
                .map(Some)
                .ok_or_else(|| usage(format!("argument {} is not UTF-8 text", i + 1))),
        }
    };
    let Some(address_text) = text(0)? else {
        bail_usage!("missing ADDRESS: devmem ADDRESS [WIDTH [VALUE]]");
    };
    let Some(address) = parse_devmem_number(address_text) else {
        bail_usage!(
            "invalid address {}: devmem takes 0x hex, 0-prefixed octal or decimal, and nothing after the number",
            quote(address_text)
        );
    };
    let width_text = text(1)?.unwrap_or("32");
    let bits = match text(1)? {
        None => 32,
        Some(w) => match parse_devmem_width(w) {
            Some(bits) => bits,
            None => bail_usage!(
                "invalid number {}: WIDTH is 8, 16, 32 or 64, or b, h, w, l",
                quote(w)
            ),
        },
    };
    let value = match text(2)? {
        None => None,
        Some(v) => match parse_devmem_number(v) {
            Some(n) => Some(n),
            None => bail_usage!(
                "invalid value {}: devmem takes 0x hex, 0-prefixed octal or decimal, and nothing after the number",
                quote(v)
            ),
        },
    };
    let width = match bits {
        8 => Width::W8,
        16 => Width::W16,
        32 => Width::W32,
        64 => Width::W64,
        _ => bail_usage!(
            "bad width {}: use 8, 16, 32 or 64 (or b, h, w, l)",
            quote(width_text)
        ),
    };
    let loc = Loc::new(address, width);
    match value {
        None => {
            let v = ctx.read(&loc)?;
            writeln!(out, "0x{:0w$X}", v, w = width.bytes() * 2)?;
        }
        Some(v) => {
            // BusyBox stores the value cast to the width.
            let v = v & width.mask();
            ctx.check_write(address, width, false)?;
            ctx.prepare_write(&loc)?;
            let _lock = ctx.lock()?;
            ctx.write(&loc, v)?;
        }
    }
    Ok(())
}
