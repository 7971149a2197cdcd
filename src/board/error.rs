//! [`BoardError`]: everything that can go wrong loading a board file or
//! looking a name up in one.

use std::fmt;

use thiserror::Error;

use crate::reg::AccessError;

/// Why a board could not be loaded, or a name not resolved in it.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BoardError {
    /// A board or layout file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not TOML.
    #[error("{origin}:{line}:{column}: not valid TOML: {message}")]
    Syntax {
        /// The file (or other origin) of the text.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// The TOML parser's message.
        message: String,
    },
    /// The TOML is well formed but not a valid board or layout: an unknown or
    /// missing key, a value of the wrong type, or a failed check (overlap,
    /// alignment, duplicate name...).
    #[error("{origin}:{line}: {key}: {message}")]
    Invalid {
        /// The file (or other origin) of the text.
        origin: String,
        /// 1-based line of the offending key or value.
        line: usize,
        /// Key path, like `peripheral.uart0.layout` or `register.FR.field.TXFF.bits`.
        key: String,
        /// What is wrong, and what to do.
        message: String,
    },
    /// No built-in board has this name or alias.
    #[error("unknown board `{name}`{}; built-in boards: {}, or give the path of a board file", Suggest(suggestions), known.join(", "))]
    UnknownBoard {
        /// The name asked for.
        name: String,
        /// The closest known names.
        suggestions: Vec<String>,
        /// Every built-in board name.
        known: Vec<String>,
    },
    /// A peripheral, register, field or enumerated value is not known.
    #[error("unknown {kind} `{name}` in {within}{}", Suggest(suggestions))]
    UnknownName {
        /// `peripheral`, `register`, `field` or `value`.
        kind: &'static str,
        /// The name asked for.
        name: String,
        /// Where it was looked for (`board rpi3`, `uart0`, `gpio.GPFSEL1.FSEL17`).
        within: String,
        /// The closest known names (by edit distance), best first.
        suggestions: Vec<String>,
    },
    /// A register path that is not `peripheral.REGISTER[.FIELD]`.
    #[error("`{path}` is not a register name: {message}")]
    BadPath {
        /// The text given.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A value does not fit in a field.
    #[error("value {value:#x} does not fit in {path}, a {bits}-bit field (at most {max:#x})")]
    ValueTooWide {
        /// The field's path.
        path: String,
        /// The value given.
        value: u64,
        /// Width of the field in bits.
        bits: u32,
        /// The largest value that fits.
        max: u64,
    },
    /// A typed handle whose width or byte order differs from the register's.
    #[error("{path} is a {bits}-bit {endian} register: ask for a handle of that width and byte order (or use dyn_reg)")]
    WrongType {
        /// The register's path.
        path: String,
        /// Its width in bits.
        bits: u32,
        /// `little-endian` or `big-endian`.
        endian: &'static str,
    },
    /// A write to a register or field that cannot be written.
    #[error("{path} is read-only")]
    ReadOnly {
        /// The register's or field's path.
        path: String,
    },
    /// A register handle could not be made.
    #[error(transparent)]
    Access(#[from] AccessError),
}

/// Formats `; did you mean `a`, `b` or `c`?`, or nothing.
pub(crate) struct Suggest<'a>(pub &'a [String]);

impl fmt::Display for Suggest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = self.0;
        if names.is_empty() {
            return Ok(());
        }
        f.write_str("; did you mean ")?;
        for (i, n) in names.iter().enumerate() {
            if i > 0 {
                f.write_str(if i + 1 == names.len() { " or " } else { ", " })?;
            }
            write!(f, "`{n}`")?;
        }
        f.write_str("?")
    }
}

/// Levenshtein distance between two names, ignoring ASCII case.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Up to `max` known names closest to `name`: those within an edit distance
/// of a third of the name's length (at least 2), or that start with it,
/// best first.
pub(crate) fn closest<'a, I>(name: &str, known: I, max: usize) -> Vec<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let limit = (name.chars().count() / 3).max(2);
    let lower = name.to_ascii_lowercase();
    let mut scored: Vec<(usize, &str)> = known
        .into_iter()
        .filter_map(|k| {
            let d = edit_distance(name, k);
            let prefix = !lower.is_empty() && k.to_ascii_lowercase().starts_with(&lower);
            if d <= limit {
                Some((d, k))
            } else if prefix {
                Some((limit + 1, k))
            } else {
                None
            }
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(max)
        .map(|(_, k)| k.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert_eq!(edit_distance("FR", "fr"), 0);
        assert_eq!(edit_distance("uart0", "uart1"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn suggestions() {
        let known = ["DR", "FR", "IBRD", "FBRD", "LCR_H", "CR"];
        assert_eq!(closest("FRR", known, 3), vec!["FR", "CR", "DR"]);
        assert!(closest("zzzzzzzzzz", known, 3).is_empty());
        assert_eq!(
            Suggest(&["a".into(), "b".into(), "c".into()]).to_string(),
            "; did you mean `a`, `b` or `c`?"
        );
    }
}
