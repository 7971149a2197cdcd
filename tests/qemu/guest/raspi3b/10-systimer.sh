#!/bin/sh
# BCM2837 system timer (0x3f003000): CLO (+0x04) counts at 1 MHz, measured against the
# guest's clock (/proc/uptime, 10 ms resolution). Each CLO read is bracketed by two uptime
# reads, so the check holds whatever the cost of starting busybox devmem under emulation.
set -eu
. /tests/lib.sh

clo=0x3f003004
chi=0x3f003008
assert_num_eq 0 "$(bb_rd $chi)" "CHI (less than 71 minutes since reset)"

a0=$(uptime_cs); c0=$(bb_rd $clo); b0=$(uptime_cs)
sleep 2
a1=$(uptime_cs); c1=$(bb_rd $clo); b1=$(uptime_cs)
ticks=$(( (c1 - c0) & 0xFFFFFFFF ))
# Elapsed time between the two CLO reads lies within [a1 - b0, b1 - a0] (+/- 1 cs each).
lo=$(( (a1 - b0 - 2) * 10000 ))
hi=$(( (b1 - a0 + 2) * 10000 ))
note "CLO $c0 -> $c1: $ticks ticks; guest clock between reads: $(( (a1 - b0) * 10 ))..$(( (b1 - a0) * 10 )) ms"
note "rate about $(( ticks * 200 / (a1 - a0 + b1 - b0) )) Hz"
assert_range "$lo" "$hi" "$ticks" "CLO ticks at 1 MHz"
