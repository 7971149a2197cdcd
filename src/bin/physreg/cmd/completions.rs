//! `physreg completions SHELL`: a completion script from the clap definitions.

use std::io::Write;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;

/// Print a shell completion script.
#[derive(Args, Clone, Debug)]
#[command(after_help = "Examples:
  physreg completions bash > /etc/bash_completion.d/physreg
  physreg completions zsh > \"${fpath[1]}/_physreg\"")]
pub struct Cmd {
    /// The shell
    #[arg(value_enum)]
    pub shell: Shell,
}

impl Cmd {
    /// Writes the script.
    pub fn run(self, out: &mut impl Write) -> anyhow::Result<()> {
        let mut cmd = Cli::command();
        let mut buf = Vec::new();
        clap_complete::generate(self.shell, &mut cmd, "physreg", &mut buf);
        out.write_all(&buf)?;
        Ok(())
    }
}
