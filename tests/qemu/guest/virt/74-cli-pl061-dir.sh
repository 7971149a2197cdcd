#!/bin/sh
# PL061 direction bits written field by field (gpio.DIR.DIRn, by enumerated name and by
# number), read back decoded, with the other pins untouched; --dry-run writes nothing.
# Pin 3 is the power button: pins 4..7 only; GPIODIR restored.
set -eu
. /tests/lib.sh
require_bin physreg

dir=0x09030400
saved=$(bb_rd $dir 8)
trap 'busybox devmem $dir 8 $saved' EXIT
bb_wr $dir 8 $((saved & 0x0F))
for pin in 4 5 6 7; do
    before=$(bb_rd $dir 8)
    physreg write gpio.DIR.DIR$pin output 2>/dev/null
    assert_num_eq $((before | 1 << pin)) "$(bb_rd $dir 8)" "GPIODIR after DIR$pin = output"
    assert_eq "gpio.DIR.DIR$pin @ 0x09030400 [$pin]: 1 (output)" "$(physreg read gpio.DIR.DIR$pin)" "DIR$pin decoded"
done
for pin in 5 7; do
    physreg write gpio.DIR.DIR$pin 0 2>/dev/null
done
assert_num_eq $(( (saved & 0x0F) | 0x50 )) "$(bb_rd $dir 8)" "GPIODIR after DIR5 and DIR7 = 0"
out=$(physreg write gpio.DIR.DIR4 input --dry-run 2>/dev/null)
assert_contains "mask 0x00000010" "$out" "dry run"
assert_num_eq $(( (saved & 0x0F) | 0x50 )) "$(bb_rd $dir 8)" "GPIODIR after the dry run"
out=$(physreg write gpio.DIR.DIR4 input --readback 2>/dev/null)
assert_eq "gpio.DIR.DIR4 @ 0x09030400 [4]: 0 (input)" "$out" "readback"
assert_contains "DIR6 [6] 1 (output)" "$(physreg read gpio.DIR)" "decoded register"
