#!/bin/sh
# The clock manager's 0x5A password (BCM2835 ARM Peripherals 6.3): a raw write of GP0DIV
# without it is ignored by QEMU's cprman, while a write by name carries it, because the board
# file declares PASSWD with write-value = 0x5a, and reads back without it (PASSWD reads 0).
# GPCLK0 stays disabled throughout; GP0DIV is restored.
set -eu
. /tests/lib.sh
require_bin physreg

div=0x3f101074
old=$(bb_rd $div)
trap 'busybox devmem $div 32 $((0x5a000000 | old))' EXIT
note "CM_GP0DIV = $old; CM_GP0CTL = $(bb_rd 0x3f101070)"
assert_num_eq 0 $(( $(bb_rd 0x3f101070) & 0x10 )) "GPCLK0 is not enabled (ENAB = 0)"

bb_wr $div 32 $((0x123 << 12))
assert_num_eq "$old" "$(bb_rd $div)" "GP0DIV after a write without the password"
physreg write cm.GP0DIV.DIVI 0x123
assert_num_eq 0x123 $(( ($(bb_rd $div) >> 12) & 0xFFF )) "GP0DIV.DIVI after a write by name"
assert_num_eq 0 $(( $(bb_rd $div) >> 24 )) "PASSWD reads as 0"
run physreg read cm.GP0DIV.DIVI
assert_contains "[23:12]: 0x123" "$OUT" "DIVI by name"
physreg write cm.GP0DIV "$old"
assert_num_eq "$old" "$(bb_rd $div)" "GP0DIV restored by a whole-register write by name"
