#!/bin/sh
# examples/no_syscalls: maps a register of a real device through /dev/mem, enters seccomp
# strict mode (any system call but read, write, _exit, sigreturn kills it), performs a
# million register accesses, reports through write(2) and ends with exit(2). A run that made
# a system call would die of SIGKILL (exit 137); --cheat makes one on purpose to show it.
set -eu
. /tests/lib.sh
require_bin no_syscalls

# Default: 1,000,000 reads of the PL011's UARTPeriphID0 (0x09000fe0), which reads 0x11.
expect_exit 0 no_syscalls
echo "$OUT"
assert_contains "mapped /dev/mem at 0x09000fe0, 32-bit, read mode, 1000000 rounds" "$OUT"
assert_contains "confined: reads=1000000 writes=0 mismatches=0 value=0x00000011" "$OUT"
assert_contains "1000000 accesses in " "$OUT" "rate line"

# Toggle the PL031's match register (0x09010004, no effect while its interrupt is masked):
# 200,000 writes of alternating values, each read back, then the first value restored.
mr=$(bb_rd 0x09010004)
expect_exit 0 no_syscalls /dev/mem 0x09010004 --toggle --count 200000
echo "$OUT"
assert_contains "confined: reads=200000 writes=200001 mismatches=0" "$OUT"
assert_eq "$mr" "$(bb_rd 0x09010004)" "RTCMR restored"

# The confinement is real: one getpid() in the middle and the kernel kills the process.
expect_exit 137 no_syscalls --count 1000 --cheat
case "$OUT" in *confined:*) fail "the cheating run reported a result: $OUT" ;; esac

# A regular file works the same (simulated memory), in toggle mode by default.
head -c 4096 /dev/zero >/tmp/no_syscalls.bin
expect_exit 0 no_syscalls /tmp/no_syscalls.bin
assert_contains "confined: reads=1000000 writes=1000001 mismatches=0 value=0x00000000" "$OUT"
