//! `physreg batch [FILE]`: read and write commands, one per line, with the
//! mappings kept open across lines. Every line is checked (syntax, names,
//! values) before the first one runs; a line that fails at run time stops
//! the batch, and the error names it.

use std::io::{IsTerminal as _, Read as _, Write};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;

use crate::cmd::write;
use crate::ctx::Ctx;
use crate::error::usage;
use crate::grammar::batch_words;
use crate::output::{json_line, Format};
use crate::plan::Plan;
use crate::sigbus;

mod line;

use line::LineCmd;

/// Longest batch input accepted (a bring-up script is far smaller).
const MAX_INPUT: u64 = 64 << 20;
/// Output held before a write(2): one system call per few hundred lines.
const HELD_OUTPUT: usize = 16 << 10;

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
        // Output is held and written in large pieces (a bus error still
        // prints it), except to a terminal, where each line shows as it runs.
        let per_line = std::io::stdout().is_terminal();
        let mut held = sigbus::HeldOutput::new(&mut *out, HELD_OUTPUT);
        let result = run_lines(ctx, &mut held, &input, per_line);
        sigbus::set_line(0);
        ctx.release_lock();
        // What ran before an error is printed before the error is.
        let flushed = held.flush();
        result?;
        Ok(flushed?)
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

/// Runs every line in order. The write lock is taken at the first write and
/// kept until a `sleep` line or the end, so that a run of writes costs no
/// system call per line and is not interleaved with another physreg's.
fn run_lines(
    ctx: &mut Ctx,
    out: &mut impl Write,
    input: &[u8],
    per_line: bool,
) -> anyhow::Result<()> {
    for item in commands(input) {
        let (n, line) = item?;
        sigbus::set_line(n as u64);
        match &line {
            LineCmd::Write(c) if !c.dry_run => ctx.hold_lock().map_err(|e| at_line(n, e))?,
            LineCmd::Sleep(_) => {
                ctx.release_lock();
                out.flush()?;
            }
            _ => {}
        }
        execute(ctx, out, line).map_err(|e| at_line(n, e))?;
        if per_line {
            out.flush()?;
        }
    }
    Ok(())
}

/// Every command line of the input, numbered from 1, parsed as it is reached;
/// a syntax error names its line.
fn commands(input: &[u8]) -> impl Iterator<Item = anyhow::Result<(usize, LineCmd)>> + '_ {
    let mut words: Vec<&str> = Vec::new();
    input
        .split(|&b| b == b'\n')
        .enumerate()
        .filter_map(move |(i, raw)| {
            let n = i + 1;
            let text = match std::str::from_utf8(raw) {
                Ok(t) => t,
                Err(_) => return Some(Err(usage(format!("line {n}: not UTF-8 text")))),
            };
            words.clear();
            words.extend(batch_words(text));
            if words.is_empty() {
                return None;
            }
            Some(
                line::parse(&words)
                    .map(|cmd| (n, cmd))
                    .map_err(|e| usage(format!("line {n}: {e}"))),
            )
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
        LineCmd::Sleep(d) => std::thread::sleep(d),
    }
    Ok(())
}

fn at_line(n: usize, e: anyhow::Error) -> anyhow::Error {
    e.context(format!("line {n}"))
}
