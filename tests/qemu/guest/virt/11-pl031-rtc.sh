#!/bin/sh
# PL031 RTC (0x09010000): PrimeCell IDs (part 0x031), and the data register RTCDR counts
# seconds since the epoch, within 2 s of the guest's clock.
set -eu
. /tests/lib.sh

base=0x09010000
assert_eq "0x00000031 0x00000010 0x00000014 0x00000000" \
    "$(bb_rd $((base + 0xFE0))) $(bb_rd $((base + 0xFE4))) $(bb_rd $((base + 0xFE8))) $(bb_rd $((base + 0xFEC)))" \
    "RTCPeriphID0..3"
assert_eq "0x0000000D 0x000000F0 0x00000005 0x000000B1" \
    "$(bb_rd $((base + 0xFF0))) $(bb_rd $((base + 0xFF4))) $(bb_rd $((base + 0xFF8))) $(bb_rd $((base + 0xFFC)))" \
    "RTCPCellID0..3"

rtc=$(bb_rd $base)
now=$(date +%s)
note "RTCDR $rtc = $((rtc)) s; date +%s = $now"
assert_range $((now - 2)) $((now + 2)) $((rtc)) "RTCDR"
