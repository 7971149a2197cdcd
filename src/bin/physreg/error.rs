//! Exit codes and the error kinds that choose them.
//!
//! Every failure is one line on stderr and one of these exit codes:
//! 0 success, 1 runtime error (permission, mapping, validation), 2 usage
//! error (bad syntax, unknown name, value too wide), 3 bus error (SIGBUS,
//! reported by the signal handler in `sigbus`).

use std::fmt;

use physreg::board::BoardError;
use physreg::reg::AccessError;

/// Success.
pub const EXIT_OK: i32 = 0;
/// Permission, mapping, validation: the command was well formed but failed.
pub const EXIT_RUNTIME: i32 = 1;
/// Bad syntax, unknown name, value too wide: the command line is wrong.
pub const EXIT_USAGE: i32 = 2;
/// SIGBUS: nothing answered at a physical address.
pub const EXIT_BUS: i32 = 3;

/// A mistake in what the user typed: exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A usage error as an `anyhow::Error`.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(msg.into()))
}

/// Returns early with a usage error built like `format!`.
macro_rules! bail_usage {
    ($($arg:tt)*) => {
        return Err($crate::error::usage(format!($($arg)*)))
    };
}
pub(crate) use bail_usage;

/// The exit code an error calls for.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    for cause in err.chain() {
        if cause.downcast_ref::<UsageError>().is_some() {
            return EXIT_USAGE;
        }
        if let Some(e) = cause.downcast_ref::<BoardError>() {
            return match e {
                BoardError::UnknownBoard { .. }
                | BoardError::UnknownName { .. }
                | BoardError::BadPath { .. }
                | BoardError::ValueTooWide { .. } => EXIT_USAGE,
                BoardError::Access(a) => access_code(a),
                _ => EXIT_RUNTIME,
            };
        }
        if let Some(e) = cause.downcast_ref::<AccessError>() {
            return access_code(e);
        }
    }
    EXIT_RUNTIME
}

fn access_code(e: &AccessError) -> i32 {
    match e {
        AccessError::Misaligned { .. }
        | AccessError::BadWidth { .. }
        | AccessError::ValueTooWide { .. } => EXIT_USAGE,
        _ => EXIT_RUNTIME,
    }
}

/// Whether the error is stdout going away (`physreg dump ... | head`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The one line printed for an error: causes joined with ": ", and any line
/// breaks a message may carry folded into spaces.
pub fn one_line(err: &anyhow::Error) -> String {
    let text = format!("{err:#}");
    let mut line = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    line
}

/// A clap error as one line: its message lines joined, and which `--help` to read.
pub fn clap_message(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut parts: Vec<String> = Vec::new();
    let mut help_for = String::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(usage) = line.strip_prefix("Usage: ") {
            help_for = usage
                .split_whitespace()
                .take_while(|w| !w.starts_with(['[', '<', '-']))
                .collect::<Vec<_>>()
                .join(" ");
            break;
        }
        if line.starts_with("For more information") {
            break;
        }
        if !line.is_empty() {
            parts.push(line.strip_prefix("error: ").unwrap_or(line).to_string());
        }
    }
    let mut msg = parts.join(" ");
    while msg.ends_with(':') {
        msg.pop();
    }
    if help_for.is_empty() {
        msg
    } else {
        format!("{msg} (see '{help_for} --help')")
    }
}
