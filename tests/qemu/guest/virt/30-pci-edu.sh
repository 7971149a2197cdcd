#!/bin/sh
# QEMU's edu PCI device (-device edu): found in sysfs by vendor 0x1234 device 0x11e8, its
# BAR0 from the sysfs resource file, memory decoding enabled through sysfs 'enable', then
# ID 0x010000ed, the liveness register (inverts), and the factorial register (computes).
set -eu
. /tests/lib.sh

dev=
for d in /sys/bus/pci/devices/*; do
    if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ]; then dev=$d; fi
done
[ -n "$dev" ] || fail "no PCI device 1234:11e8 in /sys/bus/pci/devices ($(ls /sys/bus/pci/devices))"
note "edu at $dev ($(readlink -f "$dev"))"
[ -f "$dev/resource0" ] || fail "$dev/resource0 is missing"
read -r start end flags <"$dev/resource"
note "BAR0 $start..$end flags $flags"
assert_num_eq 0xFFFFF $((end - start)) "BAR0 size - 1 (1 MiB)"
bar=$((start))

was=$(cat "$dev/enable")
trap 'echo "$was" >"$dev/enable" 2>/dev/null || true' EXIT
note "enable was $was"
if [ "$was" = 0 ]; then
    # No driver: decoding is off and the BAR reads as all ones until enabled.
    assert_eq 0xFFFFFFFF "$(bb_rd $bar)" "ID register before enabling"
    echo 1 >"$dev/enable"
fi

assert_eq 0x010000ED "$(bb_rd $bar)" "edu identification register"
bb_wr $((bar + 4)) 32 0x12345678
assert_eq 0xEDCBA987 "$(bb_rd $((bar + 4)))" "liveness register after writing 0x12345678"

for n in 5 10; do
    bb_wr $((bar + 8)) 32 $n
    tries=0
    while [ $(( $(bb_rd $((bar + 0x20))) & 1 )) = 1 ]; do
        tries=$((tries + 1))
        [ $tries -lt 100 ] || fail "factorial of $n still busy after 100 polls"
        sleep 0.01
    done
    want=1; i=2
    while [ $i -le $n ]; do want=$((want * i)); i=$((i + 1)); done
    assert_num_eq $want "$(bb_rd $((bar + 8)))" "factorial register for $n"
done
