#!/bin/sh
# Board discovery on QEMU virt: the built-in qemu-virt board is recognised from the device
# tree's compatible ("linux,dummy-virt"), and every one of its 38 peripherals finds its node
# by compatible: the GIC CPU interface as the second reg entry of the cortex-a15-gic node
# (0x08010000), and each of the 32 virtio-mmio transports its own node among 32 alike
# (0x0a000000 + n*0x200). Every base agrees with the board file.
set -eu
. /tests/lib.sh
require_bin physreg

run physreg info
[ "$RC" -eq 0 ] || fail "physreg info exited $RC: $OUT"
assert_eq 'board: qemu-virt (detected: compatible "linux,dummy-virt")' "$(echo "$OUT" | head -n 1)" "detection"
periph=$(echo "$OUT" | sed -n '/^peripherals/,$p' | tail -n +2)
echo "$periph" | head -n 8
assert_eq 38 "$(echo "$periph" | grep -c .)" "peripherals listed"
assert_eq 38 "$(echo "$periph" | grep -c ': device tree /')" "peripherals whose base the device tree gave"
check() { # NAME ADDRESS NODE
    line=$(echo "$periph" | grep "^  $1 ") || fail "no line for $1"
    assert_contains "$2 " "$line" "$1 base"
    assert_contains "device tree $3;" "$line" "$1 node"
}
check gicd 0x08000000 /intc@8000000
check gicc 0x08010000 /intc@8000000
check uart0 0x09000000 /pl011@9000000
check rtc 0x09010000 /pl031@9010000
check fw_cfg 0x09020000 /fw-cfg@9020000
check gpio 0x09030000 /pl061@9030000
check virtio0 0x0A000000 /virtio_mmio@a000000
check virtio17 0x0A002200 /virtio_mmio@a002200
check virtio31 0x0A003E00 /virtio_mmio@a003e00

# /proc/iomem's owners: the PL011's driver holds its window, fw_cfg's has none loaded.
assert_contains "claimed by" "$(echo "$periph" | grep '^  uart0 ')" "uart0 owner"
assert_contains "idle" "$(echo "$periph" | grep '^  fw_cfg ')" "fw_cfg owner"

# The board's byte order and width for fw_cfg's DMA register (64-bit, big-endian): read by
# name it is "QEMU CFG" as a number, as QEMU's fw_cfg specification gives it.
physreg write fw_cfg.SELECTOR 0
assert_num_eq 0x51454D5520434647 "$(physreg --format json read fw_cfg.DMA | sed 's/.*"value":\([0-9]*\).*/\1/')" "fw_cfg.DMA by name"
# Raw, the bytes "QEMU" come first in memory: a little-endian 32-bit read shows 0x554D4551.
assert_eq "0x554D4551" "$(bb_rd 0x09020010 32)" "its first four bytes, raw"
