//! Guest tool for the QEMU suite: `timeit [-n RUNS] PROGRAM [ARGS...]` runs a
//! program RUNS times (default 1), its output discarded, and prints the
//! median wall time as `timeit: median_ns=N runs=R`. Exit status: 1 if any run
//! failed, naming its exit status.

use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut runs = 1usize;
    if args.first().map(String::as_str) == Some("-n") {
        runs = match args.get(1).and_then(|n| n.parse().ok()).filter(|&n| n > 0) {
            Some(n) => n,
            None => usage(),
        };
        args.drain(..2);
    }
    let Some((program, rest)) = args.split_first() else {
        usage()
    };
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let status = Command::new(program)
            .args(rest)
            .stdout(Stdio::null())
            .status()
            .unwrap_or_else(|e| {
                eprintln!("timeit: {program}: {e}");
                std::process::exit(1)
            });
        times.push(start.elapsed().as_nanos());
        if !status.success() {
            eprintln!("timeit: {program} failed: {status}");
            std::process::exit(1);
        }
    }
    times.sort_unstable();
    println!("timeit: median_ns={} runs={runs}", times[times.len() / 2]);
}

fn usage() -> ! {
    eprintln!("usage: timeit [-n RUNS] PROGRAM [ARGS...]");
    std::process::exit(2)
}
