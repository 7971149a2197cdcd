#!/usr/bin/env bash
# Reproduces every figure of docs/performance.md and prints a summary:
#   1. the library benchmark (host): cargo bench --bench access;
#   2. the CLI benchmarks in the QEMU virt guest: tests/qemu/run.sh -v virt 90-perf-cli
#      (busybox devmem vs physreg batch and devmem, system call counts);
#   3. the size of the static, stripped aarch64 physreg (built by step 2);
#   4. the aarch64 accessor disassembly check: tests/aarch64/check-accessors.sh.
# Usage: tests/perf/run.sh [--no-bench] [--no-qemu] [--no-disasm]
# Output: the summary on stdout and in target/perf/summary.txt; each step's full output in
# target/perf/*.log. Goals are reported (met / NOT met), never enforced: timings are noisy.
# Exit: 1 if a step failed functionally (a guest check, the disassembly check, a build).
# Environment: PHYSREG_QEMU_ASSETS as for tests/qemu/run.sh; PHYSREG_QEMU_TEST_TIMEOUT
# (default here 300: the perf test runs about a minute and a half under TCG).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
OUT=$ROOT/target/perf
mkdir -p "$OUT"
do_bench=1 do_qemu=1 do_disasm=1
for a in "$@"; do
    case $a in
        --no-bench) do_bench=0 ;;
        --no-qemu) do_qemu=0 ;;
        --no-disasm) do_disasm=0 ;;
        -h | --help) sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) echo "perf: unknown argument '$a' (see --help)" >&2; exit 2 ;;
    esac
done

status=0
S=$OUT/summary.txt
: >"$S"
say() { printf '%s\n' "$*" | tee -a "$S"; }
# goal NAME VALUE OP LIMIT UNIT: one summary line with met / NOT met (awk compares floats).
goal() {
    local verdict
    if [ -z "$2" ]; then
        verdict="not measured"
    elif awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN { exit !((op == "<=") ? v <= l : v >= l) }'; then
        verdict=met
    else
        verdict="NOT met"
    fi
    say "$(printf '%-46s %12s %-5s goal %s %s: %s' "$1" "$2" "$5" "$3" "$4" "$verdict")"
}

say "physreg performance run, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
say "host: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs, $(uname -sr)"
say "rustc: $(rustc --version)"
say "qemu: $(qemu-system-aarch64 --version 2>/dev/null | head -1 || echo 'not installed')"
say ""

# ---- 1. library benchmark -------------------------------------------------------------------
if [ "$do_bench" = 1 ]; then
    say "== library: cargo bench --bench access (host, file-backed mapping)"
    if cargo bench --bench access >"$OUT/bench.log" 2>&1; then
        sed -n '/^case /,$p' "$OUT/bench.log" | tee -a "$S"
        ratio() { awk -v c="$1" 'index($0, c) == 1 { print $NF }' "$OUT/bench.log"; }
        for c in "handle get" "by-name handle get" "handle set" "by-name handle set" \
            "handle modify(field)" "by-name modify(field)"; do
            goal "library: $c / raw" "$(ratio "$c")" "<=" 1.05 x
        done
        # DynReg picks width and byte order at run time (the command line's handle): no goal.
        say "$(printf '%-46s %12s x     (run-time width; no goal)' 'library: dyn handle read / raw' "$(ratio "dyn handle read")")"
    else
        say "cargo bench failed: see $OUT/bench.log"
        tail -n 20 "$OUT/bench.log"
        status=1
    fi
    say ""
fi

# ---- 2. CLI in the QEMU guest, 3. size ------------------------------------------------------
if [ "$do_qemu" = 1 ]; then
    say "== CLI: PHYSREG_QEMU_TEST_TIMEOUT=${PHYSREG_QEMU_TEST_TIMEOUT:-300} bash tests/qemu/run.sh -v virt 90-perf-cli"
    PHYSREG_QEMU_TEST_TIMEOUT=${PHYSREG_QEMU_TEST_TIMEOUT:-300} \
        bash tests/qemu/run.sh -v virt 90-perf-cli >"$OUT/qemu.log" 2>&1
    rc=$?
    grep -E '^(PASS|FAIL) ' "$OUT/qemu.log" | tee -a "$S"
    if [ "$rc" != 0 ]; then
        say "the guest perf test failed (exit $rc): its output is in $OUT/qemu.log; failures:"
        grep -E 'FAIL:|qemu: error' "$OUT/qemu.log" | tee -a "$S"
        status=1
    fi
    sed -n 's/^ *| PERF //p' "$OUT/qemu.log" >"$OUT/perf.txt"
    v() { awk -v k="$1" '$1 == k { print $2 }' "$OUT/perf.txt"; }
    say "guest kernel: $(v guest_kernel)"
    say "$(printf '%-46s %12s' 'busybox devmem x 2000 processes (ns)' "$(v a_busybox_2000_processes_ns)")"
    say "$(printf '%-46s %12s' 'physreg batch, 2000 lines (ns)' "$(v a_physreg_batch_2000_ns)")"
    goal "(a) speedup batch vs 2000 busybox devmem" "$(v a_speedup)" ">=" 100 x
    say "$(printf '%-46s %12s' 'busybox devmem, one process (ns)' "$(v b_busybox_devmem_ns)")"
    say "$(printf '%-46s %12s' 'physreg devmem, one process (ns)' "$(v b_physreg_devmem_ns)")"
    goal "(b) physreg devmem / busybox devmem time" "$(v b_time_ratio)" "<=" 1.5 x
    say "$(printf '%-46s %12s' 'physreg read uart0.PeriphID0 (by name) (ns)' "$(v b_physreg_named_read_ns)")"
    say "$(printf '%-46s %12s' 'system calls: busybox devmem / physreg devmem' "$(v b_busybox_devmem_syscalls) / $(v b_physreg_devmem_syscalls)")"
    say "(c) system calls for N accesses (total; write, read, flock, ioctl; the rest)"
    for what in physreg_batch_read physreg_batch_write physreg_batch_write_nolock gpio_ioctl_loop; do
        for n in 10 100 1000; do
            p=c_${what}_N$n
            say "$(printf '    %-28s N=%-5s %6s  (%s, %s, %s, %s; %s)' "$what" "$n" "$(v "${p}_total")" \
                "$(v "${p}_write")" "$(v "${p}_read")" "$(v "${p}_flock")" "$(v "${p}_ioctl")" "$(v "${p}_rest")")"
        done
    done
    say "    growth N=10 -> 1000 by system call (r reads, w writes, u --no-lock writes, g ioctl loop):"
    sed -n 's/^c_growth_\([a-z]\)_\([a-z0-9]*\) \([0-9-]*\) .*/        \1 \2 +\3/p' "$OUT/perf.txt" | tee -a "$S"
    grown=$(awk '$1 ~ /^c_growth_[rwu]_/ && $1 !~ /_(write|read|flock)$/' "$OUT/perf.txt" | wc -l)
    if grep -q '^c_growth_' "$OUT/perf.txt"; then
        if [ "$grown" = 0 ]; then verdict=met; else verdict="NOT met ($grown system calls besides output/input/lock grow)"; fi
        say "(c) physreg batch count independent of N (but output, input, lock): $verdict"
    fi
    say ""
    bin=$ROOT/target/qemu-build/aarch64-unknown-linux-musl/release/physreg
    say "== size: $bin"
    if [ -f "$bin" ]; then
        say "$(file -b "$bin")"
        size=$(stat -c %s "$bin")
        say "$(printf '%-46s %12s bytes (%s MiB)' 'static aarch64 physreg, stripped' "$size" "$(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }')")"
        goal "size (MiB)" "$(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }')" "<=" 2 MiB
    else
        say "not built"
        status=1
    fi
    say ""
fi

# ---- 4. accessor disassembly ----------------------------------------------------------------
if [ "$do_disasm" = 1 ]; then
    say "== accessors: bash tests/aarch64/check-accessors.sh"
    if bash tests/aarch64/check-accessors.sh >"$OUT/accessors.log" 2>&1; then
        say "$(tail -n 1 "$OUT/accessors.log"): no writeback-addressed loads or stores (met)"
    else
        tee -a "$S" <"$OUT/accessors.log"
        say "the accessor check failed"
        status=1
    fi
fi
say ""
say "summary: $S; step logs in ${OUT#"$ROOT"/}/"
exit $status
