#!/bin/sh
# examples/pci_edu: finds QEMU's edu device (-device edu) in sysfs, maps BAR0 through its
# resource file (not /dev/mem), checks the identification 0x010000ed, the liveness register
# (inverts), and factorials; the device's enable state is left as it was found.
set -eu
. /tests/lib.sh
require_bin pci_edu

dev=
for d in /sys/bus/pci/devices/*; do
    if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ]; then dev=$d; fi
done
[ -n "$dev" ] || fail "no edu device"
before=$(cat "$dev/enable")
expect_exit 0 pci_edu 5 10 12
echo "$OUT"
assert_contains "identification: 0x010000ed (version 1.0) ok" "$OUT"
assert_contains "liveness: wrote 0x12345678, read 0xedcba987 ok (inverted)" "$OUT"
assert_contains "factorial: 5! = 120 " "$OUT"
assert_contains "factorial: 10! = 3628800 " "$OUT"
assert_contains "factorial: 12! = 479001600 " "$OUT"
assert_contains "through /sys/bus/pci/devices/" "$OUT"
assert_contains "all checks passed" "$OUT"
assert_eq "$before" "$(cat "$dev/enable")" "sysfs enable after the run"
# 13! overflows 32 bits; the device wraps like the example's own arithmetic.
expect_exit 0 pci_edu 13
assert_contains "factorial: 13! = 1932053504 " "$OUT"
