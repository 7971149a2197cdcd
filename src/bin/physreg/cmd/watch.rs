//! `physreg watch TARGET`: poll, and print a timestamped line on every change.

use std::io::Write;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clap::Args;

use crate::cli::{parse_duration, parse_target, AccessOpts};
use crate::ctx::Ctx;
use crate::grammar::Target;
use crate::output::Format;
use crate::plan::Plan;

/// Poll a register and print a line whenever its value changes.
#[derive(Args, Clone, Debug)]
#[command(after_help = "Examples:
  physreg watch 0x09010000 --interval 1s --count 3
  physreg watch gpio.GPLEV0 --interval 10ms")]
pub struct Cmd {
    /// An address or a register or field name
    #[arg(value_name = "TARGET", value_parser = parse_target)]
    pub target: Target,

    /// Time between reads: 100ms, 1s, 1.5s, 500us
    #[arg(long, short = 'i', value_name = "DURATION", default_value = "100ms", value_parser = parse_duration)]
    pub interval: Duration,

    /// Stop after printing this many lines (the first value counts)
    #[arg(long, short = 'n', value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    #[command(flatten)]
    pub access: AccessOpts,
}

impl Cmd {
    /// Polls until `--count` lines are printed (or forever).
    pub fn run(self, ctx: &mut Ctx, out: &mut impl Write) -> anyhow::Result<()> {
        let plan = Plan::resolve(ctx, &self.target, &self.access)?;
        plan.check_readable(ctx.force())?;
        let start = Instant::now();
        let mut last: Option<u64> = None;
        let mut last_raw: Option<u64> = None;
        let mut printed = 0u64;
        let mut next = start;
        loop {
            let raw = plan.read(ctx)?;
            let shown = plan.shown(raw);
            if last != Some(shown) {
                let elapsed = start.elapsed().as_secs_f64();
                match ctx.format() {
                    Format::Text => {
                        write!(out, "+{elapsed:.3}s ")?;
                        plan.print_compact(out, raw, last_raw)?;
                    }
                    Format::Json => {
                        let mut m = plan.json(raw);
                        let now = SystemTime::now()
                            .duration_since(UNIX_EPOCH)
                            .unwrap_or_default()
                            .as_secs_f64();
                        m.insert("time".into(), now.into());
                        m.insert("elapsed".into(), elapsed.into());
                        crate::output::json_line(out, m)?;
                    }
                }
                out.flush()?;
                last = Some(shown);
                last_raw = Some(raw);
                printed += 1;
                if self.count.is_some_and(|n| printed >= n) {
                    return Ok(());
                }
            }
            next += self.interval;
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            } else {
                next = now;
            }
        }
    }
}
