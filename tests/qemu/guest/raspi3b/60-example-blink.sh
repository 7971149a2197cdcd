#!/bin/sh
# examples/blink on the emulated Raspberry Pi 3: detects the board (rpi3) from the device
# tree and confirms the GPIO address there (0x3f200000), makes pin 17 an output, sets and
# clears it and sees GPLEV0 follow, then restores the pin's function (checked with busybox
# devmem on GPFSEL1).
set -eu
. /tests/lib.sh
require_bin blink

fsel1=$(bb_rd 0x3f200004)
expect_exit 0 blink --pin 17 --count 6 --period-ms 50
echo "$OUT"
assert_contains "board rpi3 (matched by compatible \"raspberrypi,3-model-b\", GPIO address from the device tree)" "$OUT"
assert_contains "GPIO (bcm2835-gpio) at 0x3f200000 through /dev/" "$OUT"
assert_num_eq 3 "$(echo "$OUT" | grep -c '^blink: set   GPLEV0 bit 17 = 1 ok$')" "high levels read back"
assert_num_eq 3 "$(echo "$OUT" | grep -c '^blink: clear GPLEV0 bit 17 = 0 ok$')" "low levels read back"
assert_contains "6 changes, the level followed every one" "$OUT"
assert_eq "$fsel1" "$(bb_rd 0x3f200004)" "GPFSEL1 restored"
# Pin 40 is in the second bank.
expect_exit 0 blink --pin 40 --count 2 --period-ms 10
assert_contains "set   GPLEV1 bit 8 = 1 ok" "$OUT"
expect_exit 2 blink --pin 54
assert_contains "GPIO 54 does not exist" "$OUT"
