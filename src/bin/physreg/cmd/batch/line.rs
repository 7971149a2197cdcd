//! One batch line to the command it means: `read`, `write` or `sleep` with
//! the options of the command line, parsed by hand.
//!
//! The grammar is the command line's (`physreg read --help`, `physreg write
//! --help`): options before, between or after the operands, `--opt VALUE`,
//! `--opt=VALUE`, `-w VALUE` and `-wVALUE`, and `--` to end the options.
//! clap parsed these lines once; at a few microseconds of allocation per
//! line it was most of a batch's time, so the three commands are parsed
//! here, and a test compares every accepted line against clap's reading.

use std::time::Duration;

use crate::cli::{parse_duration, parse_number, parse_target, parse_width, AccessOpts};
use crate::cmd::{read, write};
use crate::grammar::GrammarError;

/// A parsed batch line.
#[derive(Debug)]
pub enum LineCmd {
    /// `read TARGET... [--width BITS] [--big-endian]`
    Read(read::Cmd),
    /// `write TARGET VALUE [--mask MASK] [--readback] [--dry-run] [--width BITS] [--big-endian]`
    Write(write::Cmd),
    /// `sleep DURATION`
    Sleep(Duration),
}

/// The options each command takes (for messages), and whether each takes a value.
const READ_OPTS: &[(&str, bool)] = &[("--width", true), ("--big-endian", false)];
const WRITE_OPTS: &[(&str, bool)] = &[
    ("--width", true),
    ("--big-endian", false),
    ("--mask", true),
    ("--readback", false),
    ("--dry-run", false),
];

/// Parses the words of one line (the first is the command). The error is the
/// message without the line number.
pub fn parse(words: &[&str]) -> Result<LineCmd, String> {
    let (&command, rest) = words.split_first().ok_or("empty line")?;
    let opts = match command {
        "read" => READ_OPTS,
        "write" => WRITE_OPTS,
        "sleep" => &[],
        _ => {
            return Err(format!(
                "unknown command '{command}': a batch line is read, write or sleep (see 'physreg batch --help')"
            ))
        }
    };
    let mut operands: Vec<&str> = Vec::new();
    let mut given = Given::default();
    let mut words = rest.iter();
    let mut options_ended = false;
    while let Some(&word) = words.next() {
        if options_ended || !word.starts_with('-') || word == "-" {
            operands.push(word);
            continue;
        }
        if word == "--" {
            options_ended = true;
            continue;
        }
        // --name, --name=VALUE, -w, -wVALUE, -w=VALUE
        let (name, inline): (&str, Option<&str>) = if let Some(long) = word.strip_prefix("--") {
            match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            }
        } else if let Some(v) = word.strip_prefix("-w") {
            (
                "width",
                (!v.is_empty()).then(|| v.strip_prefix('=').unwrap_or(v)),
            )
        } else {
            return Err(unknown_option(command, word, opts));
        };
        let Some(&(long, takes_value)) = opts.iter().find(|(o, _)| &o[2..] == name) else {
            return Err(unknown_option(command, word, opts));
        };
        let value = match (takes_value, inline) {
            (true, Some(v)) => Some(v),
            (true, None) => match words.next() {
                Some(&v) if !(v.starts_with('-') && v.len() > 1) => Some(v),
                _ => return Err(format!("{long} needs a value")),
            },
            (false, Some(_)) => return Err(format!("{long} takes no value")),
            (false, None) => None,
        };
        given.set(long, value)?;
    }
    match command {
        "read" => {
            if operands.is_empty() {
                return Err(
                    "read needs at least one TARGET (an address or a register name)".into(),
                );
            }
            let targets = operands
                .iter()
                .map(|t| parse_target(t).map_err(|e| invalid("TARGET", t, e)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(LineCmd::Read(read::Cmd {
                targets,
                access: given.access()?,
            }))
        }
        "write" => {
            let [target, value] = operands[..] else {
                return Err(match operands.len() {
                    0 => "write needs a TARGET and a VALUE".to_string(),
                    1 => format!("write {} needs a VALUE", operands[0]),
                    _ => format!("unexpected argument '{}' for write", operands[2]),
                });
            };
            if given.readback && given.dry_run {
                return Err("--readback and --dry-run cannot be used together".into());
            }
            Ok(LineCmd::Write(write::Cmd {
                target: parse_target(target).map_err(|e| invalid("TARGET", target, e))?,
                value: value.to_string(),
                mask: given
                    .mask
                    .map(|m| parse_number(m).map_err(|e| invalid("--mask <MASK>", m, e)))
                    .transpose()?,
                readback: given.readback,
                dry_run: given.dry_run,
                access: given.access()?,
            }))
        }
        _ => match operands[..] {
            [d] => parse_duration(d)
                .map(LineCmd::Sleep)
                .map_err(|e| invalid("DURATION", d, e)),
            [] => Err("sleep needs a DURATION (10ms, 1s...)".into()),
            [_, extra, ..] => Err(format!("unexpected argument '{extra}' for sleep")),
        },
    }
}

/// The options seen on a line (each at most once).
#[derive(Default)]
struct Given<'a> {
    width: Option<&'a str>,
    big_endian: bool,
    mask: Option<&'a str>,
    readback: bool,
    dry_run: bool,
}

impl<'a> Given<'a> {
    fn set(&mut self, long: &str, value: Option<&'a str>) -> Result<(), String> {
        let twice = || format!("{long} is given more than once");
        match long {
            "--width" if self.width.is_none() => self.width = value,
            "--mask" if self.mask.is_none() => self.mask = value,
            "--big-endian" if !self.big_endian => self.big_endian = true,
            "--readback" if !self.readback => self.readback = true,
            "--dry-run" if !self.dry_run => self.dry_run = true,
            _ => return Err(twice()),
        }
        Ok(())
    }

    fn access(&self) -> Result<AccessOpts, String> {
        Ok(AccessOpts {
            width: self
                .width
                .map(|w| parse_width(w).map_err(|e| invalid("--width <BITS>", w, e)))
                .transpose()?,
            big_endian: self.big_endian,
        })
    }
}

fn invalid(what: &str, text: &str, e: GrammarError) -> String {
    format!("invalid value '{text}' for '{what}': {}", e.0)
}

fn unknown_option(command: &str, word: &str, opts: &[(&str, bool)]) -> String {
    if opts.is_empty() {
        return format!("unexpected argument '{word}' for {command}: it takes no options");
    }
    let names: Vec<&str> = opts.iter().map(|(o, _)| *o).collect();
    format!(
        "unknown option '{word}' for {command}: it takes {}",
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    //! The hand parser against clap's reading of the same words: every line
    //! one accepts the other accepts with the same meaning, and every line
    //! clap refuses is refused.

    use clap::{Args, Parser, Subcommand};

    use super::*;
    use crate::grammar::Target;

    #[derive(Parser, Debug)]
    #[command(name = "physreg", no_binary_name = true, disable_version_flag = true)]
    struct ClapLine {
        #[command(subcommand)]
        cmd: ClapCmd,
    }

    #[derive(Subcommand, Debug)]
    enum ClapCmd {
        Read(read::Cmd),
        Write(write::Cmd),
        Sleep(ClapSleep),
    }

    #[derive(Args, Debug)]
    struct ClapSleep {
        #[arg(value_parser = parse_duration)]
        duration: Duration,
    }

    /// Both parsers' readings as comparable text (None: refused).
    fn both(line: &str) -> (Option<String>, Option<String>) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let mine = parse(&words).ok().map(|c| match c {
            LineCmd::Read(r) => format!("read {:?} {:?}", r.targets, r.access),
            LineCmd::Write(w) => format!(
                "write {:?} {} {:?} {} {} {:?}",
                w.target, w.value, w.mask, w.readback, w.dry_run, w.access
            ),
            LineCmd::Sleep(d) => format!("sleep {d:?}"),
        });
        let clap = ClapLine::try_parse_from(&words).ok().map(|l| match l.cmd {
            ClapCmd::Read(r) => format!("read {:?} {:?}", r.targets, r.access),
            ClapCmd::Write(w) => format!(
                "write {:?} {} {:?} {} {} {:?}",
                w.target, w.value, w.mask, w.readback, w.dry_run, w.access
            ),
            ClapCmd::Sleep(s) => format!("sleep {:?}", s.duration),
        });
        (mine, clap)
    }

    #[test]
    fn agrees_with_clap() {
        let lines = [
            "read 0x1000",
            "read 0x1000 0x1004 uart0.FR",
            "read 0x1000 -w 8",
            "read 0x1000 -w8",
            "read 0x1000 -w=8",
            "read -w 16 0x1000",
            "read 0x1000 --width 64 --big-endian",
            "read 0x1000 --width=b",
            "read --big-endian -- 0x1000",
            "read 0x1000 --width",
            "read 0x1000 -w 12",
            "read 0x1000 -w 8 -w 16",
            "read 0x1000 --big-endian --big-endian",
            "read 0x1000 --big-endian=yes",
            "read 0x1000 --mask 3",
            "read 0x1000 --bogus",
            "read 0x1000 -x",
            "read",
            "read 0x1zz",
            "read uart0..FR",
            "write 0x1000 0x41",
            "write 0x1000 0x41 -w 8",
            "write uart0.CR 0x301 --dry-run",
            "write gpio.GPFSEL1.FSEL17 output --readback",
            "write 0x1000 0x10 --mask 0x30",
            "write 0x1000 0x10 --mask=0x30 -w16",
            "write --mask 0x30 0x1000 0x10",
            "write 0x1000 0x10 --mask",
            "write 0x1000 0x10 --mask zz",
            "write 0x1000 0x10 --mask 3 --mask 3",
            "write 0x1000 0x10 --readback --dry-run",
            "write 0x1000 0x10 --readback --readback",
            "write 0x1000",
            "write",
            "write 0x1000 1 2",
            "write 0x1000 -- -1",
            "write 0x1000 0x41 --width -w",
            "sleep 10ms",
            "sleep 1.5s",
            "sleep",
            "sleep 1s 2s",
            "sleep forever",
            "sleep -w 8 1s",
            "frobnicate 1",
            "Read 0x1000",
            "help",
            "read --help",
            "read 0x1000 -h",
        ];
        let mut accepted = 0;
        for line in lines {
            let (mine, clap) = both(line);
            assert_eq!(mine, clap, "{line:?}");
            accepted += usize::from(mine.is_some());
        }
        // Both kinds are compared, not only refusals.
        assert_eq!(accepted, 19, "lines both parsers accept");
    }

    /// Lines of random words from the grammar's vocabulary (a fixed-seed
    /// generator, so a failure repeats): both parsers agree on each.
    #[test]
    fn agrees_with_clap_on_random_lines() {
        const WORDS: &[&str] = &[
            "read",
            "write",
            "sleep",
            "0x1000",
            "4096",
            "uart0.FR",
            "gpio.GPFSEL1.FSEL17",
            "0x1zz",
            "output",
            "1ms",
            "-w",
            "-w8",
            "-w=16",
            "--width",
            "--width=32",
            "8",
            "12",
            "b",
            "--big-endian",
            "--mask",
            "--mask=0x30",
            "0x30",
            "--readback",
            "--dry-run",
            "--",
            "-",
            "-1",
            "-x",
            "--bogus",
            "--big-endian=1",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        };
        let mut accepted = 0;
        for _ in 0..20_000 {
            let mut line = String::from(["read", "write", "sleep"][next(3)]);
            for _ in 0..next(6) {
                line.push(' ');
                line.push_str(WORDS[next(WORDS.len())]);
            }
            let (mine, clap) = both(&line);
            assert_eq!(mine, clap, "{line:?}");
            accepted += usize::from(mine.is_some());
        }
        assert!(
            accepted > 1000,
            "only {accepted} lines accepted: the test compares too few"
        );
    }

    #[test]
    fn messages_name_the_problem() {
        let msg = |line: &str| parse(&line.split_whitespace().collect::<Vec<_>>()).unwrap_err();
        assert!(msg("frobnicate 1").contains("unknown command 'frobnicate'"));
        assert!(msg("read").contains("at least one TARGET"));
        assert!(msg("write 0x10").contains("needs a VALUE"));
        assert!(msg("write 0x10 1 2").contains("unexpected argument '2'"));
        assert!(msg("read 0x10 -w 12").contains("invalid value '12' for '--width <BITS>'"));
        assert!(msg("read 0x10 --mask 1").contains("unknown option '--mask' for read"));
        assert!(msg("read 0x10 -w").contains("--width needs a value"));
        assert!(msg("read 0x10 -w 8 -w 8").contains("--width is given more than once"));
        assert!(msg("write 0x10 1 --readback --dry-run").contains("cannot be used together"));
        assert!(msg("sleep 1s 2s").contains("unexpected argument '2s'"));
        assert!(msg("read 0x1zz").contains("'0x1zz'"));
    }

    #[test]
    fn targets_and_values_are_kept() {
        let LineCmd::Write(w) = parse(&["write", "uart0.CR", "enable", "--readback"]).unwrap()
        else {
            panic!("not a write")
        };
        assert_eq!(w.target, Target::Name("uart0.CR".into()));
        assert_eq!(w.value, "enable");
        assert!(w.readback);
    }
}
