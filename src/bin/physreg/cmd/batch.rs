//! `physreg batch [FILE]`: read and write commands, one per line, with the
//! mappings kept open across lines. Every line is checked (syntax, names,
//! values) before the first one runs; a line that fails at run time stops
//! the batch, and the error names it.

use std::io::{Read as _, Write};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::cli::parse_duration;
use crate::cmd::{read, write};
use crate::ctx::Ctx;
use crate::error::{clap_message, usage};
use crate::grammar::{split_batch_line, BatchLine};
use crate::output::{json_line, Format};
use crate::plan::Plan;
use crate::sigbus;

/// Longest batch input accepted (a bring-up script is far smaller).
const MAX_INPUT: u64 = 64 << 20;

/// Run commands from a file or standard input.
#[derive(Args, Clone, Debug)]
#[command(
    after_help = "Each line is one command in the same grammar as the command line:
  read TARGET... [--width BITS] [--big-endian]
  write TARGET VALUE [--mask MASK] [--readback] [--dry-run] [--width BITS] [--big-endian]
  sleep DURATION
'#' starts a comment. Every read and write prints one line.

Examples:
  physreg batch bringup.txt
  printf 'write 0x09000000 0x41 -w 8\\nread 0x09000018\\n' | physreg batch"
)]
pub struct Cmd {
    /// File of commands; standard input when absent or '-'
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// One line of a batch, parsed by clap like the command line.
#[derive(Parser, Debug)]
#[command(name = "physreg", no_binary_name = true, disable_version_flag = true)]
struct Line {
    #[command(subcommand)]
    cmd: LineCmd,
}

#[derive(Subcommand, Debug)]
enum LineCmd {
    /// Read registers or fields.
    Read(read::Cmd),
    /// Write a register or field.
    Write(write::Cmd),
    /// Wait.
    Sleep(SleepCmd),
}

/// `sleep DURATION`.
#[derive(Args, Debug)]
struct SleepCmd {
    /// 10ms, 1s...
    #[arg(value_parser = parse_duration)]
    duration: std::time::Duration,
}

impl Cmd {
    /// Checks every line, then runs them in order.
    pub fn run(self, ctx: &mut Ctx, out: &mut impl Write) -> anyhow::Result<()> {
        let input = self.input()?;
        // Two passes over the text, parsing each line again rather than
        // keeping every parsed line: memory (and so the allocator's system
        // calls) stays the same whatever the batch's length.
        for item in commands(&input) {
            let (n, line) = item?;
            check(ctx, &line).map_err(|e| at_line(n, e))?;
        }
        for item in commands(&input) {
            let (n, line) = item?;
            sigbus::set_line(n as u64);
            execute(ctx, out, line).map_err(|e| at_line(n, e))?;
            out.flush()?;
        }
        sigbus::set_line(0);
        Ok(())
    }

    fn input(&self) -> anyhow::Result<Vec<u8>> {
        let mut buf = Vec::new();
        match self.file.as_deref() {
            None => {
                std::io::stdin()
                    .lock()
                    .take(MAX_INPUT + 1)
                    .read_to_end(&mut buf)
                    .context("cannot read the batch from standard input")?;
            }
            Some(p) if p.as_os_str() == "-" => {
                std::io::stdin()
                    .lock()
                    .take(MAX_INPUT + 1)
                    .read_to_end(&mut buf)
                    .context("cannot read the batch from standard input")?;
            }
            Some(p) => {
                std::fs::File::open(p)
                    .and_then(|f| {
                        // Sized from the file, so it is read in one go.
                        let size = f.metadata().map_or(0, |m| m.len()).min(MAX_INPUT);
                        buf.reserve(size as usize + 1);
                        f.take(MAX_INPUT + 1).read_to_end(&mut buf)
                    })
                    .with_context(|| format!("cannot read the batch file {}", p.display()))?;
            }
        }
        if buf.len() as u64 > MAX_INPUT {
            return Err(usage(format!(
                "the batch is larger than {} MiB: split it",
                MAX_INPUT >> 20
            )));
        }
        Ok(buf)
    }
}

/// Every command line of the input, numbered from 1, parsed as it is reached;
/// a syntax error names its line.
fn commands(input: &[u8]) -> impl Iterator<Item = anyhow::Result<(usize, LineCmd)>> + '_ {
    // The parser is built once: building it costs more than parsing a line.
    let mut parser = Line::command();
    input
        .split(|&b| b == b'\n')
        .enumerate()
        .filter_map(move |(i, raw)| {
            let n = i + 1;
            let text = match std::str::from_utf8(raw) {
                Ok(t) => t,
                Err(_) => return Some(Err(usage(format!("line {n}: not UTF-8 text")))),
            };
            let text = text.strip_suffix('\r').unwrap_or(text);
            match split_batch_line(text) {
                BatchLine::Words(words) => Some(
                    parser
                        .try_get_matches_from_mut(&words)
                        .and_then(|m| Line::from_arg_matches(&m))
                        .map(|parsed| (n, parsed.cmd))
                        .map_err(|e| usage(format!("line {n}: {}", clap_message(&e)))),
                ),
                BatchLine::Empty => None,
            }
        })
}

/// What can be checked without touching a device: names, widths, values.
fn check(ctx: &mut Ctx, line: &LineCmd) -> anyhow::Result<()> {
    match line {
        LineCmd::Read(c) => {
            for t in &c.targets {
                Plan::resolve(ctx, t, &c.access)?.check_readable(ctx.force())?;
            }
            Ok(())
        }
        LineCmd::Write(c) => c.validate(ctx),
        LineCmd::Sleep(_) => Ok(()),
    }
}

fn execute(ctx: &mut Ctx, out: &mut impl Write, line: LineCmd) -> anyhow::Result<()> {
    let format = ctx.format();
    match line {
        LineCmd::Read(c) => {
            for t in &c.targets {
                let plan = Plan::resolve(ctx, t, &c.access)?;
                let raw = plan.read(ctx)?;
                match format {
                    Format::Text => plan.print_compact(out, raw, None)?,
                    Format::Json => json_line(out, plan.json(raw))?,
                }
            }
        }
        LineCmd::Write(c) => {
            let outcome = c.execute(ctx)?;
            if c.dry_run {
                write::print_dry_run(out, format, &outcome)?;
            } else {
                write::print_written(out, format, &outcome)?;
            }
        }
        LineCmd::Sleep(s) => std::thread::sleep(s.duration),
    }
    Ok(())
}

fn at_line(n: usize, e: anyhow::Error) -> anyhow::Error {
    e.context(format!("line {n}"))
}
