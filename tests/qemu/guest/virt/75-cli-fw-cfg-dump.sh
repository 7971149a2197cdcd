#!/bin/sh
# fw_cfg's data register (0x09020000) answers only at offset 0, and every read returns the
# selected item's next bytes: so a dump shows each element read exactly once, at its width,
# with no memcpy. One 64-bit element reads "QEMU" (the 4-byte signature, then zeros); a
# byte-wise dump faults at 0x09020001 (one line, exit 3); single-byte dumps read on.
set -eu
. /tests/lib.sh
require_bin physreg

physreg write fw_cfg.SELECTOR 0
assert_eq "QEMU" "$(physreg dump 0x09020000 8 --width 64 --big-endian --raw | head -c 4)" \
    "signature, one 64-bit big-endian element"
physreg write fw_cfg.SELECTOR 0
assert_eq "0x09020000: 51454d5500000000                   |QEMU....|" \
    "$(physreg dump 0x09020000 8 --width 64 --big-endian)" "text dump"
physreg write fw_cfg.SELECTOR 0
out=
for i in 1 2 3 4; do out="$out$(physreg dump 0x09020000 1 --width 8 --raw)"; done
assert_eq "QEMU" "$out" "signature, four 1-byte dumps"
physreg write fw_cfg.SELECTOR 0
expect_exit 3 physreg dump 0x09020000 4 --width 8
assert_contains "8-bit read at 0x09020001" "$OUT"
# fw_cfg.DATA's read has side effects: refused without --force.
expect_exit 1 physreg read fw_cfg.DATA
physreg write fw_cfg.SELECTOR 0
assert_eq "fw_cfg.DATA @ 0x09020000: 0x51" "$(physreg --force read fw_cfg.DATA)" "forced read"
