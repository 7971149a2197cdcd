//! `physreg read TARGET...`: one load per target, printed decoded.

use std::io::Write;

use clap::Args;

use crate::cli::{parse_target, AccessOpts};
use crate::ctx::Ctx;
use crate::grammar::Target;
use crate::plan::Plan;

/// Read registers or fields, by address or by name.
#[derive(Args, Clone, Debug)]
#[command(after_help = "Examples:
  physreg read 0x09000fe0 --width 8
  physreg read uart0.FR gpio.GPFSEL1.FSEL17
  physreg --format json read uart0.FR")]
pub struct Cmd {
    /// An address (0x hex, decimal, 0b binary) or a register or field name (uart0.FR, gpio.GPFSEL1.FSEL17)
    #[arg(required = true, value_name = "TARGET", value_parser = parse_target)]
    pub targets: Vec<Target>,

    #[command(flatten)]
    pub access: AccessOpts,
}

impl Cmd {
    /// Resolves every target first (so a bad name reads nothing), then reads each once.
    pub fn run(self, ctx: &mut Ctx, out: &mut impl Write) -> anyhow::Result<()> {
        let plans = self
            .targets
            .iter()
            .map(|t| Plan::resolve(ctx, t, &self.access))
            .collect::<anyhow::Result<Vec<_>>>()?;
        for plan in &plans {
            plan.check_readable(ctx.force())?;
        }
        for plan in &plans {
            let raw = plan.read(ctx)?;
            plan.print(out, ctx.format(), raw)?;
        }
        Ok(())
    }
}
