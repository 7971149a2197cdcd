#!/bin/sh
# examples/virtio_scan: the 32 virtio-mmio transports of QEMU virt (0x0a000000, every 0x200)
# all carry the magic "virt", a known version and vendor "QEMU"; the suite's QEMU command
# line adds no virtio device, so none has a device behind it.
set -eu
. /tests/lib.sh
require_bin virtio_scan

expect_exit 0 virtio_scan
echo "$OUT"
last=$(echo "$OUT" | tail -n 1)
assert_match 'virtio_scan: 32 transports (magic "virt", version [12], vendor QEMU), 0 devices, 0 not transports' "$last" "summary"
assert_contains "0x0a000000..0x0a003e00  no device (32 transports)" "$OUT"
# --all lists each transport.
expect_exit 0 virtio_scan --all
assert_num_eq 32 "$(echo "$OUT" | grep -c ' no device$')" "transports listed one per line"
# The scan cross-checks against busybox devmem: device ID of the last transport.
assert_num_eq 0 "$(bb_rd 0x0a003e08)" "DeviceID of transport 31 by busybox devmem"
# Not a transport (the PL031, whose offset 0 is the read-only time): reported, exit 1.
expect_exit 1 virtio_scan --base 0x09010000 --count 1
assert_contains "no virtio-mmio transport at 0x9010000" "$OUT"
