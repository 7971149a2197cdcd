#!/bin/sh
# physreg's error paths on a real kernel: a bus error is one line and exit code 3 (BusyBox
# devmem dies of SIGBUS); mapping RAM gives the kernel's EPERM explained; writes to RAM are
# refused before any mapping; unknown names are usage errors with suggestions.
set -eu
. /tests/lib.sh
require_bin physreg

one_line() { # WHAT: OUT must be one line
    [ "$(printf '%s\n' "$OUT" | wc -l)" -eq 1 ] || fail "$1: expected one line, got: $OUT"
    case "$OUT" in *panicked* | *backtrace* | *"core dumped"*) fail "$1: $OUT" ;; esac
}

# 0x0b000000: nothing decodes it; the read raises SIGBUS.
for w in 8 16 32 64; do
    expect_exit 3 physreg devmem 0x0b000000 $w
    one_line "bus error at width $w"
    assert_contains "bus error (SIGBUS)" "$OUT"
    assert_contains "$w-bit read at 0x0b000000" "$OUT"
done
expect_exit 3 physreg read 0x0b000000
one_line "physreg read bus error"
expect_exit 3 physreg dump 0x0b000000 16 --width 8
one_line "physreg dump bus error"
expect_exit 3 sh -c 'printf "read 0x0a000000\nread 0x0b000000\n" | physreg batch'
assert_contains "0x74726976" "$OUT" "batch output before the fault"
assert_contains "(batch line 2)" "$OUT"
ls /core* >/dev/null 2>&1 && fail "a core file was written"

# RAM: the kernel refuses the mapping (STRICT_DEVMEM); physreg says why.
expect_exit 1 physreg read 0x48000000
one_line "RAM read"
assert_contains "System RAM" "$OUT"
assert_contains "STRICT_DEVMEM" "$OUT"
expect_exit 1 physreg devmem 0x48000000
one_line "RAM devmem read"
expect_exit 1 physreg write 0x48000000 1
one_line "RAM write"
assert_contains "refusing to write" "$OUT"
assert_contains "--force" "$OUT"

# Outside every peripheral of the detected board (qemu-virt): writes need --force.
expect_exit 1 physreg write 0x0b000000 1
one_line "write outside the board"
assert_contains "outside every peripheral of board 'qemu-virt'" "$OUT"

# Unknown names: usage errors, with the closest names.
expect_exit 2 physreg read uart0.FRR
one_line "unknown register"
assert_contains "did you mean" "$OUT"
expect_exit 2 physreg read uart7.FR
expect_exit 2 physreg write gpio.DIR.DIR3 2
assert_contains "does not fit" "$OUT"
expect_exit 1 physreg write uart0.FR 0
assert_contains "read-only" "$OUT"
expect_exit 1 physreg read uart0.DR
assert_contains "--force" "$OUT"
expect_exit 2 physreg read 0x09000001
assert_contains "not aligned" "$OUT"
