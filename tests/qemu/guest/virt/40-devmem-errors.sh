#!/bin/sh
# Error paths of /dev/mem on this kernel (STRICT_DEVMEM and IO_STRICT_DEVMEM on), seen
# through busybox devmem:
#  - RAM (0x48000000) cannot be mapped: mmap fails with EPERM.
#  - 0x0b000000 (no device: a hole between virtio-mmio and the platform bus) maps, but the
#    32-bit read raises SIGBUS: the shell sees exit 135 (128 + 7).
set -eu
. /tests/lib.sh

expect_exit 1 busybox devmem 0x48000000 32
assert_eq "devmem: mmap: Operation not permitted" "$OUT" "RAM mapping error"

expect_exit 135 busybox devmem 0x0b000000 32
assert_eq "" "$OUT" "output of the killed devmem (the shell itself prints 'Bus error')"
expect_exit 135 busybox devmem 0x0b000000 8

# A device register right below the hole still reads.
assert_eq 0x74726976 "$(bb_rd 0x0a000000)" "virtio-mmio magic (sanity)"
