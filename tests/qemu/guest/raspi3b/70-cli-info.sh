#!/bin/sh
# physreg info on the Raspberry Pi 3: the board is detected from the device tree, and GPIO's
# base is resolved through the tree's ranges (bus 0x7e200000 -> CPU 0x3f200000).
set -eu
. /tests/lib.sh
require_bin physreg

run physreg info
[ "$RC" -eq 0 ] || fail "physreg info exited $RC: $OUT"
echo "$OUT"
assert_match "board: rpi3 (detected: *" "$(echo "$OUT" | head -n 1)" "detected board"
gpio=$(echo "$OUT" | grep '^  gpio ')
assert_contains "0x3F200000" "$gpio" "GPIO base"
assert_contains "device tree /soc/gpio@7e200000" "$gpio" "GPIO base from"
assert_contains "/dev/mem: usable" "$OUT"
assert_contains "STRICT_DEVMEM: on (probed" "$OUT"
assert_contains "iomem= on the kernel command line: iomem=relaxed" "$OUT"
json=$(physreg --format json info)
assert_contains '"board":"rpi3"' "$json"
assert_contains '"base":1059061760,"from":"device tree /soc/gpio@7e200000","name":"gpio"' "$json" "gpio in JSON"
