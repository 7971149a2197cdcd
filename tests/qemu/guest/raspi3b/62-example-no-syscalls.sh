#!/bin/sh
# examples/no_syscalls on the emulated Raspberry Pi 3: with no arguments it detects the
# board and reads GPFSEL0 (0x3f200000) through /dev/mem (this kernel has no /dev/gpiomem)
# a million times under seccomp strict mode; then it toggles the system timer's free
# compare register C1 (0x3f003010) and restores it.
set -eu
. /tests/lib.sh
require_bin no_syscalls

fsel0=$(bb_rd 0x3f200000)
expect_exit 0 no_syscalls
echo "$OUT"
assert_contains "mapped /dev/mem at 0x3f200000, 32-bit, read mode, 1000000 rounds" "$OUT"
assert_contains "confined: reads=1000000 writes=0 mismatches=0 value=$(echo "$fsel0" | tr 'A-F' 'a-f')" "$OUT"
assert_contains "accesses in " "$OUT" "rate line"

c1=$(bb_rd 0x3f003010)
expect_exit 0 no_syscalls /dev/mem 0x3f003010 --toggle --count 200000
echo "$OUT"
assert_contains "confined: reads=200000 writes=200001 mismatches=0" "$OUT"
assert_eq "$c1" "$(bb_rd 0x3f003010)" "C1 restored"
expect_exit 137 no_syscalls --count 10 --cheat
