#!/bin/sh
# PL011 UART (0x09000000): PrimeCell identification registers, checked field by field
# against the PL011 TRM (ARM DDI 0183): UARTPeriphID0..3 at 0xFE0..0xFEC hold part number
# 0x011, designer 0x41 ('A', ARM), revision, configuration 0; UARTPCellID0..3 at
# 0xFF0..0xFFC hold 0x0D 0xF0 0x05 0xB1.
# QEMU 7.2 reads 0x11 0x10 0x14 0x00: revision 1 (the TRM's r1p5 silicon reads 0x34).
set -eu
. /tests/lib.sh

base=0x09000000
id0=$(bb_rd $((base + 0xFE0))); id1=$(bb_rd $((base + 0xFE4)))
id2=$(bb_rd $((base + 0xFE8))); id3=$(bb_rd $((base + 0xFEC)))
note "UARTPeriphID0..3 = $id0 $id1 $id2 $id3"

assert_num_eq 0x011 $(( id0 | (id1 & 0xF) << 8 )) "part number"
assert_num_eq 0x41 $(( (id1 >> 4) | (id2 & 0xF) << 4 )) "designer"
assert_num_eq 0x00 "$id3" "configuration (UARTPeriphID3)"
rev=$(( id2 >> 4 ))
note "revision field $rev"
assert_range 0 3 "$rev" "revision"
# The exact values QEMU 7.2's pl011 model shows.
assert_eq "0x00000011 0x00000010 0x00000014 0x00000000" "$id0 $id1 $id2 $id3" "UARTPeriphID0..3"

assert_eq "0x0000000D 0x000000F0 0x00000005 0x000000B1" \
    "$(bb_rd $((base + 0xFF0))) $(bb_rd $((base + 0xFF4))) $(bb_rd $((base + 0xFF8))) $(bb_rd $((base + 0xFFC)))" \
    "UARTPCellID0..3"

# 8-bit reads of the same registers give the same values.
assert_eq "0x11" "$(bb_rd $((base + 0xFE0)) 8)" "8-bit UARTPeriphID0"
