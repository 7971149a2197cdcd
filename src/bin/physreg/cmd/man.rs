//! `physreg man`: the man page, generated from the same clap definitions.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, CommandFactory};

use crate::cli::Cli;

/// Print the man page, or write every page into a folder.
#[derive(Args, Clone, Debug)]
#[command(after_help = "Examples:
  physreg man | man -l -
  physreg man --dir /usr/local/share/man/man1")]
pub struct Cmd {
    /// Write physreg.1 and one physreg-SUBCOMMAND.1 per subcommand into this folder
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

impl Cmd {
    /// Renders roff.
    pub fn run(self, out: &mut impl Write) -> anyhow::Result<()> {
        let cmd = Cli::command();
        match self.dir {
            Some(dir) => {
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                clap_mangen::generate_to(cmd, &dir).with_context(|| {
                    format!("cannot write the man pages into {}", dir.display())
                })?;
                writeln!(out, "wrote the man pages into {}", dir.display())?;
            }
            None => {
                let mut buf = Vec::new();
                clap_mangen::Man::new(cmd).render(&mut buf)?;
                out.write_all(&buf)?;
            }
        }
        Ok(())
    }
}
