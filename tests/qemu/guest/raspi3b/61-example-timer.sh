#!/bin/sh
# examples/timer on the emulated Raspberry Pi 3: the system timer (0x3f003000) read as a
# 64-bit microsecond counter, its rate measured against CLOCK_MONOTONIC (1 MHz within 10%
# under emulation), and compare channel 1 armed 10 ms ahead and seen to match.
set -eu
. /tests/lib.sh
require_bin timer

expect_exit 0 timer --seconds 2
echo "$OUT"
assert_contains "system timer at 0x3f003000" "$OUT"
hz=$(echo "$OUT" | sed -n 's/.*CLOCK_MONOTONIC: \([0-9]*\) Hz.*/\1/p')
assert_range 900000 1100000 "$hz" "system timer rate (Hz)"
assert_contains "compare channel 1 armed for CLO = 0x" "$OUT"
assert_match "*matched after * us*" "$OUT" "compare match"
assert_contains "counts at 1 MHz and its compare channel matches" "$OUT"
