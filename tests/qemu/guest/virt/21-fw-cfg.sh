#!/bin/sh
# fw_cfg (0x09020000): data register at +0, 16-bit selector at +8, which is BIG-endian.
# A little-endian 16-bit write of 0x0100 selects key 0x0001; writing 0x0001 selects 0x0100.
set -eu
. /tests/lib.sh

data=0x09020000
sel=0x09020008

# Key 0x0000 FW_CFG_SIGNATURE: "QEMU", read bytewise (each read advances the offset).
bb_wr $sel 16 0x0000
assert_eq "0x51 0x45 0x4D 0x55" "$(bb_rd $data 8) $(bb_rd $data 8) $(bb_rd $data 8) $(bb_rd $data 8)" \
    "signature bytes ('QEMU')"
# ...and with one 32-bit read: bytes in memory order, so little-endian 0x554D4551.
bb_wr $sel 16 0x0000
assert_eq 0x554D4551 "$(bb_rd $data 32)" "signature as one 32-bit read"

# Key 0x0001 FW_CFG_ID (little-endian feature bits: 1 traditional, 2 DMA).
bb_wr $sel 16 0x0100
assert_eq 0x00000003 "$(bb_rd $data 32)" "FW_CFG_ID selected big-endian (0x0100 written)"
bb_wr $sel 16 0x0001
assert_eq 0x00000000 "$(bb_rd $data 32)" "key 0x0100 (0x0001 written: wrong byte order) reads as nothing"

# Key 0x0019 FW_CFG_FILE_DIR: a big-endian count, then 64-byte entries
# (size BE32, select BE16, reserved, 56-byte name).
bb_wr $sel 16 0x1900
raw=$(bb_rd $data 32)
count=$(( (raw & 0xFF) << 24 | (raw & 0xFF00) << 8 | (raw >> 8) & 0xFF00 | (raw >> 24) & 0xFF ))
note "file directory: $count files (raw $raw)"
assert_range 1 64 "$count" "file count"
skip=0
while [ $skip -lt 8 ]; do bb_rd $data 8 >/dev/null; skip=$((skip + 1)); done
name=
i=0
while [ $i -lt 56 ]; do
    c=$(bb_rd $data 8)
    [ "$((c))" -eq 0 ] && break
    name="$name$(printf "\\$(printf '%03o' "$((c))")")"
    i=$((i + 1))
done
note "first file: '$name'"
assert_match '[a-z]?*' "$name" "first file name"
