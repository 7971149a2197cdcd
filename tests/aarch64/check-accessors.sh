#!/usr/bin/env bash
# Disassembles the release build's register accessors for aarch64 and checks
# that none uses writeback (pre-index `[xN, #i]!` or post-index `[xN], #i`)
# addressing, which a hypervisor cannot emulate when the access traps
# (rust-lang/rust#131894). The accessors are the `physreg_probe_*` functions of
# examples/access_probe.rs; its control function, a plain read_volatile walk,
# must show writeback, or this check is not looking properly.
set -euo pipefail
cd "$(dirname "$0")/../.."

TARGET=aarch64-unknown-linux-musl
OBJDUMP=${OBJDUMP:-aarch64-linux-gnu-objdump}
command -v "$OBJDUMP" >/dev/null || { echo "error: $OBJDUMP not found: apt-get install binutils-aarch64-linux-gnu" >&2; exit 1; }

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=rust-lld
CARGO_PROFILE_RELEASE_STRIP=false CARGO_TARGET_DIR=target/aarch64-check \
    cargo build -q --release --target "$TARGET" --example access_probe
bin=target/aarch64-check/$TARGET/release/examples/access_probe

asm=$("$OBJDUMP" -d --no-show-raw-insn "$bin" | awk '/^[0-9a-f]+ <physreg_probe_[a-z0-9_]+>:$/,/^$/')
writeback='(ld|st)[a-z0-9]*[[:space:]].*(\]!|\], #)'
passed=0 failed=0
for fn in $(printf '%s\n' "$asm" | sed -n 's/^[0-9a-f]* <\(physreg_probe_[a-z0-9_]*\)>:$/\1/p'); do
    body=$(printf '%s\n' "$asm" | awk -v f="<$fn>:" '$2 == f {on=1; next} /^$/ {on=0} on')
    memops=$(printf '%s\n' "$body" | grep -cE '(ld|st)[a-z0-9]*[[:space:]]' || true)
    hits=$(printf '%s\n' "$body" | grep -E "$writeback" || true)
    if [ "$fn" = physreg_probe_control_walk ]; then
        if [ -n "$hits" ]; then
            echo "ok   $fn: control shows writeback as expected: $(echo "$hits" | head -1 | sed 's/^ *//')"
            passed=$((passed + 1))
        else
            echo "FAIL $fn: control has no writeback access: the pattern is not catching it"
            failed=$((failed + 1))
        fi
    elif [ -n "$hits" ]; then
        echo "FAIL $fn: writeback addressing:"; echo "$hits"
        failed=$((failed + 1))
    elif [ "$memops" -eq 0 ]; then
        echo "FAIL $fn: no load or store found: the disassembly is not what was expected"
        failed=$((failed + 1))
    else
        echo "ok   $fn: $memops loads/stores, none with writeback"
        passed=$((passed + 1))
    fi
done
if [ $((passed + failed)) -lt 12 ]; then
    echo "FAIL: found only $((passed + failed)) probe functions in $bin"
    failed=$((failed + 1))
fi
echo "accessors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
