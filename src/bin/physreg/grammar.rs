//! The command line's grammar for numbers, widths, targets, durations and
//! batch lines. Pure functions over `&str` that never panic (fuzzed by
//! tests/cli_fuzz.rs, which includes this file) and depend only on std.
//!
//! Numbers: `0x` hex, `0b` binary or decimal, with `_` between digits
//! (`0x0900_0000`). Anything that does not fit in 64 bits is an error.

use std::fmt;
use std::time::Duration;

/// What is wrong with a piece of the command line (always a usage error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrammarError(pub String);

impl fmt::Display for GrammarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GrammarError {}

fn err<T>(msg: String) -> Result<T, GrammarError> {
    Err(GrammarError(msg))
}

/// Shortens user input quoted in a message to something readable on one line.
pub fn quote(s: &str) -> String {
    let mut out: String = s.chars().take(40).flat_map(char::escape_default).collect();
    if s.chars().count() > 40 {
        out.push_str("...");
    }
    format!("'{out}'")
}

/// Parses a number: `0x` hex, `0b` binary or decimal, `_` allowed between digits.
pub fn parse_u64(s: &str) -> Result<u64, GrammarError> {
    let (digits, radix, kind) = if let Some(r) = s.strip_prefix("0x").or(s.strip_prefix("0X")) {
        (r, 16, "hex")
    } else if let Some(r) = s.strip_prefix("0b").or(s.strip_prefix("0B")) {
        (r, 2, "binary")
    } else {
        (s, 10, "decimal")
    };
    if s.is_empty() {
        return err("empty number: expected 0x hex, decimal or 0b binary".into());
    }
    if digits.is_empty() {
        return err(format!(
            "invalid number {}: no digits after the prefix",
            quote(s)
        ));
    }
    let mut value: u64 = 0;
    let mut prev_digit = false;
    let bytes = digits.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let next_digit = bytes
                .get(i + 1)
                .is_some_and(|&n| (n as char).is_digit(radix));
            if !prev_digit || !next_digit {
                return err(format!(
                    "invalid number {}: '_' may only stand between two digits",
                    quote(s)
                ));
            }
            prev_digit = false;
            continue;
        }
        let Some(d) = (b as char).to_digit(radix) else {
            let hint = if s.starts_with('-') {
                ": negative numbers are not allowed"
            } else {
                ""
            };
            return err(format!(
                "invalid number {}: {} is not a {kind} digit (write 0x hex, decimal or 0b binary){hint}",
                quote(s),
                quote(&String::from_utf8_lossy(&bytes[i..]).chars().take(1).collect::<String>()),
            ));
        };
        value = match value
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(u64::from(d)))
        {
            Some(v) => v,
            None => {
                return err(format!(
                    "number {} is too large: at most 64 bits (0xffff_ffff_ffff_ffff)",
                    quote(s)
                ))
            }
        };
        prev_digit = true;
    }
    Ok(value)
}

/// Parses an access width: 8, 16, 32 or 64 bits (also `b`, `h`, `w`, `l`, as devmem).
pub fn parse_width_bits(s: &str) -> Result<u32, GrammarError> {
    match s {
        "8" | "b" | "B" => Ok(8),
        "16" | "h" | "H" => Ok(16),
        "32" | "w" | "W" => Ok(32),
        "64" | "l" | "L" => Ok(64),
        _ => err(format!(
            "invalid width {}: use 8, 16, 32 or 64 (or b, h, w, l)",
            quote(s)
        )),
    }
}

/// What a command acts on: a physical address, or a register or field by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A physical address.
    Address(u64),
    /// `peripheral.REGISTER` or `peripheral.REGISTER.FIELD`.
    Name(String),
}

/// Parses a target: anything starting with a digit is an address; anything
/// starting with a letter or `_` is a dotted name.
pub fn parse_target(s: &str) -> Result<Target, GrammarError> {
    let first = match s.chars().next() {
        Some(c) => c,
        None => return err("empty target: give an address (0x...) or a register name".into()),
    };
    if first.is_ascii_digit() {
        return parse_u64(s).map(Target::Address);
    }
    if !(first.is_ascii_alphabetic() || first == '_') {
        return err(format!(
            "invalid target {}: expected an address (0x hex, decimal, 0b binary) or a name like uart0.FR",
            quote(s)
        ));
    }
    for part in s.split('.') {
        if part.is_empty() {
            return err(format!(
                "invalid name {}: empty part between dots",
                quote(s)
            ));
        }
        if let Some(c) = part
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '[' | ']')))
        {
            return err(format!(
                "invalid name {}: {} is not allowed in a register name",
                quote(s),
                quote(&c.to_string())
            ));
        }
    }
    Ok(Target::Name(s.to_string()))
}

/// Parses a duration: `250ms`, `2s`, `1.5s`, `500us`, or a plain number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, GrammarError> {
    let bad = || {
        GrammarError(format!(
            "invalid duration {}: write e.g. 100ms, 2s, 1.5s or 500us",
            quote(s)
        ))
    };
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = s.strip_suffix("us") {
        (n, 1e-6)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else {
        (s, 1.0)
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(bad());
    }
    let value: f64 = num.parse().map_err(|_| bad())?;
    let secs = value * scale;
    if !secs.is_finite() || secs > 86_400.0 * 366.0 {
        return err(format!("duration {} is too long: at most a year", quote(s)));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// The words of a batch line: whitespace separates, and `#` at the start of
/// a word starts a comment that runs to the end of the line.
pub fn batch_words(line: &str) -> impl Iterator<Item = &str> {
    line.split_whitespace().take_while(|w| !w.starts_with('#'))
}

/// BusyBox devmem's number parsing: C `strtoull` with base 0 (`0x` hex,
/// leading-`0` octal, decimal), and BusyBox's `bb_strtoull` checks: the first
/// character must be a letter or digit, nothing may follow the number, and
/// overflow is an error. No `_` separators, no `0b`.
pub fn parse_devmem_number(s: &str) -> Option<u64> {
    let first = *s.as_bytes().first()?;
    if !first.is_ascii_alphanumeric() {
        return None;
    }
    let (digits, radix) = if let Some(r) = s.strip_prefix("0x").or(s.strip_prefix("0X")) {
        // strtoull reads "0x" with no hex digit after it as the number 0 followed
        // by "x": BusyBox then rejects the trailing letter.
        (r, 16)
    } else if s.len() > 1 && s.starts_with('0') {
        (&s[1..], 8)
    } else {
        (s, 10)
    };
    if digits.is_empty() {
        // "0x" alone (trailing 'x') is rejected; a lone "0" never gets here.
        return None;
    }
    let mut value: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        value = value
            .checked_mul(u64::from(radix))?
            .checked_add(u64::from(d))?;
    }
    Some(value)
}

/// BusyBox devmem's WIDTH argument: a decimal number (`xatou`: digits only,
/// nothing else), or one letter of `bhwl` in either case. Returns the width in
/// bits, which may be one BusyBox then refuses ("bad width"), or `None` when
/// BusyBox would say "invalid number".
pub fn parse_devmem_width(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    match b {
        [] => None,
        [c] if !c.is_ascii_digit() => Some(match c | 0x20 {
            b'b' => 8,
            b'h' => 16,
            b'w' => 32,
            b'l' => 64,
            _ => 0,
        }),
        _ => {
            if !b.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let v: u64 = s.parse().ok()?;
            (v <= u64::from(u32::MAX)).then_some(v)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_u64("0x0900_0000"), Ok(0x0900_0000));
        assert_eq!(parse_u64("0b1010"), Ok(10));
        assert_eq!(parse_u64("1_000"), Ok(1000));
        assert_eq!(parse_u64("010"), Ok(10));
        assert_eq!(parse_u64("0xffffffffffffffff"), Ok(u64::MAX));
        assert!(parse_u64("0x1_0000_0000_0000_0000").is_err());
        assert!(parse_u64("18446744073709551616").is_err());
        assert!(parse_u64("_1").is_err());
        assert!(parse_u64("1_").is_err());
        assert!(parse_u64("1__0").is_err());
        assert!(parse_u64("0x").is_err());
        assert!(parse_u64("-1").is_err());
        assert!(parse_u64("").is_err());
        assert!(parse_u64("0xé").is_err());
    }

    #[test]
    fn devmem_numbers() {
        assert_eq!(parse_devmem_number("0x10"), Some(16));
        assert_eq!(parse_devmem_number("010"), Some(8));
        assert_eq!(parse_devmem_number("0"), Some(0));
        assert_eq!(parse_devmem_number("10"), Some(10));
        assert_eq!(parse_devmem_number("08"), None);
        assert_eq!(parse_devmem_number("0x"), None);
        assert_eq!(parse_devmem_number("0x1_0"), None);
        assert_eq!(parse_devmem_number("-1"), None);
        assert_eq!(parse_devmem_number(" 1"), None);
        assert_eq!(parse_devmem_number("0x10000000000000000"), None);
        assert_eq!(parse_devmem_width("w"), Some(32));
        assert_eq!(parse_devmem_width("L"), Some(64));
        assert_eq!(parse_devmem_width("x"), Some(0));
        assert_eq!(parse_devmem_width("08"), Some(8));
        assert_eq!(parse_devmem_width("0x8"), None);
    }

    #[test]
    fn targets_and_lines() {
        assert_eq!(parse_target("0x10"), Ok(Target::Address(16)));
        assert_eq!(
            parse_target("gpio.GPFSEL1.FSEL17"),
            Ok(Target::Name("gpio.GPFSEL1.FSEL17".into()))
        );
        assert!(parse_target("uart0..FR").is_err());
        assert!(parse_target("0xzz").is_err());
        assert_eq!(
            batch_words("  write 0x10 1 # set").collect::<Vec<_>>(),
            ["write", "0x10", "1"]
        );
        assert_eq!(batch_words("# only").count(), 0);
        assert_eq!(batch_words("read 0x10#x").count(), 2);
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("1e999").is_err());
    }
}
