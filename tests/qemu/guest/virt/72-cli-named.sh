#!/bin/sh
# Named registers of the built-in qemu-virt board, detected from the device tree: the
# identification registers read by name match the hardware (PL011, PL031, PL061 PrimeCell
# IDs, virtio-mmio magic and vendor on all 32 transports, GIC IIDR), JSON output carries the
# fields, and a peripheral of each kind dumps (registers whose read has side effects are
# skipped, not read).
set -eu
. /tests/lib.sh
require_bin physreg

run physreg info
note "$(echo "$OUT" | head -n 3)"
assert_match "board: qemu-virt (detected: *" "$(echo "$OUT" | head -n 1)" "detected board"

rd() { physreg --format json read "$1" | sed 's/.*"value":\([0-9]*\).*/\1/'; }
for p in uart0:0x11 rtc:0x31 gpio:0x61; do
    assert_num_eq "${p#*:}" "$(rd "${p%%:*}.PeriphID0")" "${p%%:*}.PeriphID0"
    assert_num_eq 0x0D "$(rd "${p%%:*}.PCellID0")" "${p%%:*}.PCellID0"
    assert_num_eq 0xB1 "$(rd "${p%%:*}.PCellID3")" "${p%%:*}.PCellID3"
done
assert_eq "$(bb_rd 0x09000018)" "$(physreg devmem 0x09000018)" "uart0.FR by address"
run physreg read uart0.FR
note "$OUT"
assert_contains "uart0.FR @ 0x09000018: $(bb_rd 0x09000018)" "$OUT"
assert_contains "TXFE [7] " "$OUT"

# All 32 virtio-mmio transports by name, in one batch process.
script=
i=0
while [ $i -lt 32 ]; do
    script="${script}read virtio$i.MagicValue virtio$i.VendorID
"
    i=$((i + 1))
done
out=$(printf '%s' "$script" | physreg batch)
assert_eq 32 "$(echo "$out" | grep -c 'MagicValue @ 0x0A00.*: 0x74726976')" "virtio magic 'virt' x32"
assert_eq 32 "$(echo "$out" | grep -c 'VendorID @ 0x0A00.*: 0x554D4551')" "virtio vendor 'QEMU' x32"

json=$(physreg --format json read uart0.FR)
assert_contains '"name":"uart0.FR"' "$json"
assert_contains '"fields":{' "$json"
assert_contains '"address":150994968' "$json"

# Every kind of peripheral of the board dumps (one of each layout: a process per dump costs
# a few hundred milliseconds under TCG).
assert_eq 38 "$(physreg list | wc -l)" "peripherals listed"
count=0
for p in gicd gicc uart0 rtc fw_cfg gpio virtio0 virtio31; do
    run physreg dump "$p"
    [ "$RC" -eq 0 ] || fail "physreg dump $p exited $RC: $OUT"
    count=$((count + 1))
done
ok "dumped $count peripherals"
run physreg dump uart0
assert_contains "uart0.DR @ 0x09000000: not read" "$OUT"
assert_contains "uart0.PeriphID0 @ 0x09000FE0: 0x00000011" "$OUT"
