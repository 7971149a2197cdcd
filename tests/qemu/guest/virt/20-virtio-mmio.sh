#!/bin/sh
# The 32 virtio-mmio transports at 0x0a000000 + n * 0x200: MagicValue 0x74726976 ("virt"),
# Version 1 (QEMU's legacy default), DeviceID 0 (nothing plugged), VendorID 0x554D4551 ("QEMU").
set -eu
. /tests/lib.sh

n=0
while [ $n -lt 32 ]; do
    a=$((0x0a000000 + n * 0x200))
    got="$(bb_rd $a) $(bb_rd $((a + 4))) $(bb_rd $((a + 8))) $(bb_rd $((a + 12)))"
    [ "$got" = "0x74726976 0x00000001 0x00000000 0x554D4551" ] \
        || fail "transport $n at $(hex $a): magic/version/device/vendor = $got"
    n=$((n + 1))
done
ok "32 transports: magic 0x74726976, version 1, device 0, vendor 0x554D4551"
# The magic's bytes in memory order spell "virt". Only aligned 32-bit accesses are defined
# for these registers (virtio spec 4.2.2.2): QEMU answers an 8-bit read at +1 with 0.
m=$(bb_rd 0x0a003e00)
text=
for shift in 0 8 16 24; do
    text="$text$(printf "\\$(printf '%03o' $(( (m >> shift) & 0xFF )))")"
done
assert_eq virt "$text" "last transport's magic as text"
note "8-bit read at magic+1: $(bb_rd 0x0a003e01 8) (undefined access size)"
