//! One module per subcommand, each a clap `Cmd` with `run(self, ctx, out)`.

use std::io::Write;

use crate::cli::Command;
use crate::ctx::Ctx;

pub mod batch;
pub mod completions;
pub mod devmem;
pub mod dump;
pub mod info;
pub mod list;
pub mod man;
pub mod read;
pub mod watch;
pub mod write;

/// Runs one subcommand.
pub fn run(command: Command, ctx: &mut Ctx, out: &mut impl Write) -> anyhow::Result<()> {
    match command {
        Command::Read(c) => c.run(ctx, out),
        Command::Write(c) => c.run(ctx, out),
        Command::Dump(c) => c.run(ctx, out),
        Command::Watch(c) => c.run(ctx, out),
        Command::List(c) => c.run(ctx, out),
        Command::Info(c) => c.run(ctx, out),
        Command::Batch(c) => c.run(ctx, out),
        Command::Devmem(c) => c.run(ctx, out),
        Command::Completions(c) => c.run(out),
        Command::Man(c) => c.run(out),
    }
}
