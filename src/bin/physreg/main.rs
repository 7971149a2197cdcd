//! `physreg`: read and write memory-mapped hardware registers from a shell.
//!
//! One file per subcommand under `cmd/`, each a clap `Cmd` whose `run`
//! writes to an `impl Write`. Errors are one line on stderr; the exit code
//! says what kind (see `error`).

/// musl's allocator unmaps freed memory at once, which costs an mmap and a
/// munmap per batch line; dlmalloc keeps freed memory for reuse, so that a
/// batch's system calls do not grow with its length (docs/performance.md).
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

mod board;
mod cli;
mod cmd;
mod ctx;
mod error;
mod grammar;
mod lock;
mod output;
mod plan;
mod sigbus;

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;

use clap::error::ErrorKind;
use clap::Parser;

use crate::board::BoardCell;
use crate::cli::Cli;
use crate::ctx::Ctx;
use crate::error::{exit_code, is_broken_pipe, one_line, EXIT_OK, EXIT_RUNTIME, EXIT_USAGE};

fn main() {
    sigbus::install();
    install_panic_hook();
    let args: Vec<OsString> = std::env::args_os().collect();
    let code = if invoked_as_devmem(args.first()) {
        cmd::devmem::run_as_link(args.get(1..).unwrap_or_default())
    } else {
        run_cli(args)
    };
    std::process::exit(code);
}

/// Whether the binary was started through a link named `devmem`.
fn invoked_as_devmem(argv0: Option<&OsString>) -> bool {
    argv0
        .and_then(|a| Path::new(a).file_name())
        .is_some_and(|n| n == "devmem")
}

fn run_cli(args: Vec<OsString>) -> i32 {
    if let Some((globals, rest)) = cmd::devmem::plain_args(&args) {
        let board = BoardCell::new();
        let mut ctx = Ctx::new(globals, &board);
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let result = cmd::devmem::devmem(&mut ctx, &mut out, rest);
        return report(result.and_then(|()| Ok(out.flush()?)));
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return clap_error(e),
    };
    let board = BoardCell::new();
    let mut ctx = Ctx::new(cli.globals, &board);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = cmd::run(cli.command, &mut ctx, &mut out).and_then(|()| Ok(out.flush()?));
    report(result)
}

/// Prints an error as one line and returns its exit code.
pub fn report(result: anyhow::Result<()>) -> i32 {
    match result {
        Ok(()) => EXIT_OK,
        Err(e) if is_broken_pipe(&e) => EXIT_OK,
        Err(e) => {
            eprintln!("physreg: error: {}", one_line(&e));
            exit_code(&e)
        }
    }
}

/// Help and version go to stdout as clap prints them; errors become one line.
fn clap_error(e: clap::Error) -> i32 {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return EXIT_OK;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return EXIT_USAGE;
        }
        _ => {}
    }
    let msg = error::clap_message(&e);
    eprintln!("physreg: error: {msg}");
    EXIT_USAGE
}

/// A panic is a bug: say so on one line instead of a backtrace, and exit 1.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "physreg: internal error: {msg}{at} (a bug in physreg: please report it)"
        );
        std::process::exit(EXIT_RUNTIME);
    }));
}
