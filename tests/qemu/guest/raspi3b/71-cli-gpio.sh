#!/bin/sh
# BCM2837 GPIO by name: GPIO 17's function set to output by field and enumerated value, set
# and cleared through GPSET0.SET17 / GPCLR0.CLR17 (write-only: written without a read), and
# GPLEV0.LEV17 follows; the other pins' functions are untouched. Restored at the end.
set -eu
. /tests/lib.sh
require_bin physreg

sel1=$(bb_rd 0x3f200004)
trap 'busybox devmem 0x3f200004 32 $sel1' EXIT
physreg write gpio.GPFSEL1.FSEL17 output
assert_eq "gpio.GPFSEL1.FSEL17 @ 0x3F200004 [23:21]: 1 (output)" "$(physreg read gpio.GPFSEL1.FSEL17)"
assert_num_eq $(( (sel1 & ~(7 << 21)) | 1 << 21 )) "$(bb_rd 0x3f200004)" "GPFSEL1: only FSEL17 changed"
physreg write gpio.GPSET0.SET17 1
assert_eq "gpio.GPLEV0.LEV17 @ 0x3F200034 [17]: 1" "$(physreg read gpio.GPLEV0.LEV17 | sed 's/ (.*//')" "level after SET17"
physreg write gpio.GPCLR0.CLR17 1
assert_eq "gpio.GPLEV0.LEV17 @ 0x3F200034 [17]: 0" "$(physreg read gpio.GPLEV0.LEV17 | sed 's/ (.*//')" "level after CLR17"
printf 'write gpio.GPSET0.SET17 1\nread gpio.GPLEV0.LEV17\nwrite gpio.GPCLR0.CLR17 1\nread gpio.GPLEV0.LEV17\n' | physreg batch >/tmp/b
assert_eq "1 0" "$(grep LEV17 /tmp/b | sed 's/.*\]: \([01]\).*/\1/' | tr '\n' ' ' | sed 's/ $//')" "batch set/clear"
physreg write gpio.GPFSEL1.FSEL17 input
assert_num_eq "$sel1" "$(bb_rd 0x3f200004)" "GPFSEL1 restored by name"
