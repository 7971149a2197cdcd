#!/bin/sh
# PL061 GPIO (0x09030000): PrimeCell IDs (part 0x061; QEMU 7.2 shows revision 0: ID2 0x04),
# and the direction register GPIODIR (0x400) written and read back bit by bit.
# Pin 3 is the power button (gpio-keys, input): the test uses pins 4..7 and restores GPIODIR.
set -eu
. /tests/lib.sh

base=0x09030000
assert_eq "0x00000061 0x00000010 0x00000004 0x00000000" \
    "$(bb_rd $((base + 0xFE0))) $(bb_rd $((base + 0xFE4))) $(bb_rd $((base + 0xFE8))) $(bb_rd $((base + 0xFEC)))" \
    "GPIOPeriphID0..3"
assert_eq "0x0000000D 0x000000F0 0x00000005 0x000000B1" \
    "$(bb_rd $((base + 0xFF0))) $(bb_rd $((base + 0xFF4))) $(bb_rd $((base + 0xFF8))) $(bb_rd $((base + 0xFFC)))" \
    "GPIOPCellID0..3"

dir=$((base + 0x400))
saved=$(bb_rd $dir 8)
note "GPIODIR was $saved"
trap 'busybox devmem $dir 8 $saved' EXIT
for bit in 4 5 6 7; do
    want=$(( (saved & 0x0F) | 1 << bit ))
    bb_wr $dir 8 "$want"
    assert_num_eq "$want" "$(bb_rd $dir 8)" "GPIODIR after setting bit $bit only"
done
bb_wr $dir 8 $((saved & 0x0F))
assert_num_eq $((saved & 0x0F)) "$(bb_rd $dir 8)" "GPIODIR with pins 4..7 input again"
