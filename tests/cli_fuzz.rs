//! No input makes physreg panic: property tests over the command-line grammar
//! (numbers, widths, targets, durations, batch lines, devmem's parsing) and,
//! through the binary, over arguments and batch input. Inputs that once
//! failed are kept in `regressions` below.
#![cfg(feature = "cli")]

mod cli_util;

#[allow(dead_code)]
#[path = "../src/bin/physreg/grammar.rs"]
mod grammar;

use grammar::{
    batch_words, parse_devmem_number, parse_devmem_width, parse_duration, parse_target, parse_u64,
    parse_width_bits, Target,
};
use proptest::prelude::*;

/// Cases per property: `PHYSREG_FUZZ_CASES` for a longer run, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PHYSREG_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Inserts `_` between some digits of `digits`.
fn with_separators(digits: &str, cuts: &[bool]) -> String {
    let mut s = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && cuts.get(i).copied().unwrap_or(false) {
            s.push('_');
        }
        s.push(c);
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(2000), ..ProptestConfig::default() })]

    #[test]
    fn grammar_never_panics(s in "\\PC*") {
        let _ = parse_u64(&s);
        let _ = parse_target(&s);
        let _ = parse_width_bits(&s);
        let _ = parse_duration(&s);
        let _ = batch_words(&s).count();
        let _ = parse_devmem_number(&s);
        let _ = parse_devmem_width(&s);
        let _ = grammar::quote(&s);
    }

    #[test]
    fn grammar_never_panics_on_number_like_text(s in "[0-9a-fA-FxXbB_.+ -]{0,40}(s|ms|us)?") {
        let _ = parse_u64(&s);
        let _ = parse_target(&s);
        let _ = parse_duration(&s);
        let _ = parse_devmem_number(&s);
        let _ = parse_devmem_width(&s);
    }

    #[test]
    fn numbers_round_trip(n in any::<u64>(), cuts in proptest::collection::vec(any::<bool>(), 64)) {
        let hex = format!("{n:x}");
        let dec = n.to_string();
        let bin = format!("{n:b}");
        prop_assert_eq!(parse_u64(&format!("0x{}", with_separators(&hex, &cuts))), Ok(n));
        prop_assert_eq!(parse_u64(&format!("0X{}", hex.to_uppercase())), Ok(n));
        prop_assert_eq!(parse_u64(&with_separators(&dec, &cuts)), Ok(n));
        prop_assert_eq!(parse_u64(&format!("0b{}", with_separators(&bin, &cuts))), Ok(n));
        prop_assert_eq!(parse_target(&format!("{n:#x}")), Ok(Target::Address(n)));
        // devmem: C strtoull with base 0.
        prop_assert_eq!(parse_devmem_number(&format!("{n:#x}")), Some(n));
        prop_assert_eq!(parse_devmem_number(&dec), Some(n));
        prop_assert_eq!(parse_devmem_number(&format!("0{n:o}")), Some(n));
    }

    #[test]
    fn overflow_is_an_error(n in (u64::MAX as u128 + 1)..=u128::MAX) {
        let (hex, dec, bin) = (format!("{n:#x}"), n.to_string(), format!("0b{n:b}"));
        prop_assert!(parse_u64(&hex).is_err());
        prop_assert!(parse_u64(&dec).is_err());
        prop_assert!(parse_u64(&bin).is_err());
        prop_assert!(parse_devmem_number(&hex).is_none());
        prop_assert!(parse_devmem_number(&dec).is_none());
    }

    #[test]
    fn errors_are_one_line(s in "\\PC{0,60}") {
        for e in [parse_u64(&s).err(), parse_target(&s).err(), parse_duration(&s).err()].into_iter().flatten() {
            prop_assert!(!e.0.contains('\n'), "{:?}", e.0);
            prop_assert!(e.0.len() < 400);
        }
    }

    #[test]
    fn batch_lines_split_on_whitespace(words in proptest::collection::vec("[a-z0-9_.x-]{1,8}", 0..6), comment in "( #\\PC*)?") {
        let line = format!("  {}{comment}", words.join(" \t "));
        let split: Vec<&str> = batch_words(&line).collect();
        prop_assert_eq!(split, words);
    }
}

/// Edge cases of the grammar, kept as regression tests. Any input a property
/// test above ever finds failing is added here (proptest also records it
/// under proptest-regressions/).
#[test]
fn regressions() {
    // Multi-byte characters after digits (slicing in the error message).
    assert!(parse_u64("1é").is_err());
    assert!(parse_u64("0xé").is_err());
    assert!(parse_target("é").is_err());
    // Underscore placement.
    for bad in ["_", "0x_1", "1_", "0b_", "1__1", "0x1__0"] {
        assert!(parse_u64(bad).is_err(), "{bad}");
    }
    // Durations: huge, negative, NaN-ish, empty.
    for bad in [
        "",
        "s",
        "ms",
        ".",
        "1e9",
        "99999999999999999999999s",
        "-1ms",
        "NaN",
        "inf",
        "1..2s",
    ] {
        assert!(parse_duration(bad).is_err(), "{bad}");
    }
    // devmem: "0x" then nothing, octal 8 and 9, empty width.
    assert_eq!(parse_devmem_number("0x"), None);
    assert_eq!(parse_devmem_number("09"), None);
    assert_eq!(parse_devmem_width(""), None);
    assert_eq!(parse_devmem_width("99999999999"), None);
}

mod through_the_binary {
    use super::cli_util::Mem;
    use proptest::prelude::*;

    fn check(r: &super::cli_util::Run) -> Result<(), TestCaseError> {
        prop_assert!(
            matches!(r.code, 0..=2),
            "exit {} stderr {:?}",
            r.code,
            r.stderr
        );
        prop_assert!(
            !r.stderr.contains("panicked") && !r.stderr.contains("internal error"),
            "{}",
            r.stderr
        );
        if r.code != 0 {
            prop_assert_eq!(r.stderr.trim_end().lines().count(), 1, "{:?}", r.stderr);
        }
        Ok(())
    }

    fn arg() -> impl Strategy<Value = String> {
        prop_oneof![
            "0x[0-9a-f_]{0,6}",
            "[0-9]{1,22}",
            "0b[01_]{0,10}",
            "(8|16|32|64|b|h|w|l|12|0)",
            "--(width|mask|readback|dry-run|big-endian|interval|count|raw|force)",
            "[a-zA-Z0-9_.]{1,12}",
            "\\PC{0,8}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: super::cases(48), ..ProptestConfig::default() })]

        #[test]
        fn any_arguments(cmd in "(read|write|dump|devmem|watch)", args in proptest::collection::vec(arg(), 0..5)) {
            let m = Mem::new(0x2000);
            let mut all = vec![cmd.clone()];
            all.extend(args);
            if cmd == "watch" {
                all.extend(["--count".to_string(), "1".to_string()]);
            }
            let r = m.run(&all);
            check(&r)?;
        }

        #[test]
        fn any_batch_input(lines in proptest::collection::vec(
            prop_oneof![
                "(read|write|sleep|dump|#)( [0-9a-fx_]{1,6}){0,3}",
                "(read|write) 0x[0-9a-f]{1,3}( [0-9]{1,3})?( --width (8|16|32))?",
                "\\PC{0,30}",
            ], 0..8)) {
            let m = Mem::new(0x2000);
            let r = m.run_stdin(["batch"], &lines.join("\n"));
            check(&r)?;
        }

        #[test]
        fn any_batch_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let m = Mem::new(0x2000);
            let r = super::cli_util::run_with_stdin(m.cmd(["batch"]), &bytes);
            check(&r)?;
        }
    }
}
