//! `physreg list [PATTERN]`: boards, peripherals, registers and fields.

use std::io::Write;

use clap::Args;

use crate::ctx::Ctx;

/// List boards, peripherals, registers and fields.
#[derive(Args, Clone, Debug)]
pub struct Cmd {
    /// A glob over names: uart0, 'uart0.*', '*.FR.*', 'gpio.GPFSEL?'
    #[arg(value_name = "PATTERN")]
    pub pattern: Option<String>,
}

impl Cmd {
    /// Lists.
    pub fn run(self, _ctx: &mut Ctx, out: &mut impl Write) -> anyhow::Result<()> {
        writeln!(out, "no boards are built into this physreg yet")?;
        Ok(())
    }
}
