//! The command line: global options, shared option groups and the subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use physreg::reg::Width;

use crate::cmd;
use crate::grammar::{self, GrammarError, Target};
use crate::output::Format;

const ABOUT: &str = "Read and write memory-mapped hardware registers by address or by name";

const LONG_ABOUT: &str = "\
Read and write memory-mapped hardware registers by address or by name.

physreg maps physical memory through /dev/mem (or /dev/gpiomem, a PCI resource \
file, /dev/uioN, or a regular file standing in for memory with --device) and \
performs exactly one load or store of the asked width per register access.

Numbers are 0x hex, decimal or 0b binary, with _ between digits (0x0900_0000).

Exit codes: 0 success; 1 runtime error (permission, mapping, validation); \
2 usage error (bad syntax, unknown name, value too wide); 3 bus error (SIGBUS).";

/// The `physreg` command.
#[derive(Parser, Debug)]
#[command(name = "physreg", version, about = ABOUT, long_about = LONG_ABOUT)]
#[command(propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Options every subcommand takes.
    #[command(flatten)]
    pub globals: Globals,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand takes.
#[derive(Args, Clone, Debug, Default)]
pub struct Globals {
    /// Board to name registers by: a built-in board (see 'physreg list') or a board TOML file [default: detected from the device tree]
    #[arg(
        long,
        global = true,
        value_name = "NAME|FILE",
        env = "PHYSREG_BOARD",
        hide_env_values = true
    )]
    pub board: Option<String>,

    /// Map this file instead of /dev/mem: /dev/gpiomem*, a PCI resourceN file, /dev/uioN, or a regular file standing in for physical memory
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        env = "PHYSREG_DEVICE",
        hide_env_values = true
    )]
    pub device: Option<PathBuf>,

    /// Physical address of the first byte of a --device file (regular files: default 0; /dev/gpiomem: default the board's GPIO base)
    #[arg(long, global = true, value_name = "ADDRESS", value_parser = parse_number, env = "PHYSREG_BASE", hide_env_values = true)]
    pub base: Option<u64>,

    /// Simulate the board instead of mapping a device: each peripheral is fresh memory holding its registers' reset values (needs --board; try commands with no hardware)
    #[arg(long, global = true, conflicts_with_all = ["device", "base"])]
    pub simulate: bool,

    /// Output format: text for people, json for one JSON object per line
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Allow writes to System RAM and outside the board's peripherals, and reads of registers whose read has side effects
    #[arg(long, global = true)]
    pub force: bool,

    /// Do not serialize writes with other physreg processes (the lock file is /run/lock/physreg.lock, or $PHYSREG_LOCK_FILE)
    #[arg(long, global = true)]
    pub no_lock: bool,

    /// Read this file instead of /proc/iomem (tests; also applies its checks to --device files)
    #[arg(long, global = true, value_name = "FILE", hide = true)]
    pub iomem: Option<PathBuf>,

    /// Detect the board from this folder instead of /proc/device-tree (tests)
    #[arg(long, global = true, value_name = "DIR", hide = true)]
    pub device_tree: Option<PathBuf>,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Read registers or fields, by address or by name
    Read(cmd::read::Cmd),
    /// Write a register or a field (a field write changes only that field)
    Write(cmd::write::Cmd),
    /// Hexdump a range at a chosen width, or decode every register of a peripheral
    Dump(cmd::dump::Cmd),
    /// Poll a register and print a timestamped line on every change
    Watch(cmd::watch::Cmd),
    /// List boards, peripherals, registers and fields (with globs)
    List(cmd::list::Cmd),
    /// Show the detected board, device files and kernel restrictions
    Info(cmd::info::Cmd),
    /// Run read and write commands from a file or stdin, one per line
    Batch(cmd::batch::Cmd),
    /// BusyBox devmem compatible: devmem ADDRESS [WIDTH [VALUE]]
    Devmem(cmd::devmem::Cmd),
    /// Print a shell completion script
    Completions(cmd::completions::Cmd),
    /// Print the man page (roff), or write one page per subcommand into a folder
    Man(cmd::man::Cmd),
}

/// Access width and byte order for address targets.
#[derive(Args, Clone, Debug, Default)]
pub struct AccessOpts {
    /// Access width in bits: 8, 16, 32 or 64 (also b, h, w, l) [default: 32, or the register's own width]
    #[arg(long, short = 'w', value_name = "BITS", value_parser = parse_width)]
    pub width: Option<Width>,

    /// The register is big-endian (named registers know their own byte order)
    #[arg(long)]
    pub big_endian: bool,
}

/// A number in the command-line grammar.
pub fn parse_number(s: &str) -> Result<u64, GrammarError> {
    grammar::parse_u64(s)
}

/// An access width.
pub fn parse_width(s: &str) -> Result<Width, GrammarError> {
    let bits = grammar::parse_width_bits(s)?;
    Width::from_bits(bits).map_err(|e| GrammarError(e.to_string()))
}

/// An address or a register name.
pub fn parse_target(s: &str) -> Result<Target, GrammarError> {
    grammar::parse_target(s)
}

/// A duration.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, GrammarError> {
    grammar::parse_duration(s)
}
