#!/bin/sh
# Every register of the built-in qemu-virt board that may be read is read by name, in one
# batch process, on the real devices: a line per register, no error, no bus error. Write-only
# registers and registers whose read has side effects (FIFO data, fw_cfg's streaming data
# register) are not read; the count of each is shown.
set -eu
. /tests/lib.sh
require_bin physreg

physreg list '*.*' >/tmp/regs.txt
total=$(wc -l </tmp/regs.txt)
wo=$(awk '$4 == "wo"' /tmp/regs.txt | wc -l)
side=$(awk '$4 != "wo" && /read has side effects/' /tmp/regs.txt | wc -l)
awk '$4 != "wo" && !/read has side effects/ { print "read " $1 }' /tmp/regs.txt >/tmp/every.batch
n=$(wc -l </tmp/every.batch)
note "$total registers: $n readable, $wo write-only, $side with read side effects"
[ "$n" -gt 1000 ] || fail "only $n readable registers listed"

run physreg batch /tmp/every.batch
[ "$RC" -eq 0 ] || fail "batch of every register exited $RC: $(echo "$OUT" | tail -n 3)"
assert_eq "$n" "$(echo "$OUT" | grep -c '^[a-z_0-9]*\.[A-Za-z_0-9]* @ 0x[0-9A-F]*: 0x[0-9A-F]*')" "registers read by name"
# Spot checks against the hardware: identification values among the lines.
assert_contains "uart0.PeriphID0 @ 0x09000FE0: 0x00000011" "$OUT"
assert_contains "virtio31.MagicValue @ 0x0A003E00: 0x74726976" "$OUT"
assert_contains "gicd.IIDR @ 0x08000008: 0x0000043B" "$OUT"
