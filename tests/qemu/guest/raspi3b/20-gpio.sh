#!/bin/sh
# BCM2837 GPIO (0x3f200000): make GPIO 17 and 27 outputs through GPFSEL1/GPFSEL2 (3-bit
# function fields, 001 = output), set and clear them with GPSET0 (0x1c) / GPCLR0 (0x28) and
# see GPLEV0 (0x34) follow. Restores the function select registers.
set -eu
. /tests/lib.sh

base=0x3f200000
gpset0=$((base + 0x1c))
gpclr0=$((base + 0x28))
gplev0=$((base + 0x34))

sel1=$(bb_rd $((base + 0x04)))
sel2=$(bb_rd $((base + 0x08)))
note "GPFSEL1 $sel1 GPFSEL2 $sel2 GPLEV0 $(bb_rd $gplev0)"
trap 'busybox devmem $((base + 0x04)) 32 $sel1; busybox devmem $((base + 0x08)) 32 $sel2' EXIT

for pin in 17 27; do
    reg=$((base + pin / 10 * 4))
    shift=$(( pin % 10 * 3 ))
    old=$(bb_rd $reg)
    assert_num_eq 0 $(( (old >> shift) & 7 )) "GPIO $pin function before (input)"
    bb_wr $reg 32 $(( (old & ~(7 << shift)) | 1 << shift ))
    assert_num_eq 1 $(( ($(bb_rd $reg) >> shift) & 7 )) "GPIO $pin function (output)"
    assert_num_eq $(( old & ~(7 << shift) )) $(( $(bb_rd $reg) & ~(7 << shift) )) "other pins' functions unchanged"

    bit=$((1 << pin))
    bb_wr $gpset0 32 $bit
    assert_num_eq $bit $(( $(bb_rd $gplev0) & bit )) "GPLEV0 bit $pin after GPSET0"
    bb_wr $gpclr0 32 $bit
    assert_num_eq 0 $(( $(bb_rd $gplev0) & bit )) "GPLEV0 bit $pin after GPCLR0"
    bb_wr $gpset0 32 $bit
    assert_num_eq $bit $(( $(bb_rd $gplev0) & bit )) "GPLEV0 bit $pin after GPSET0 again"
    bb_wr $gpclr0 32 $bit
done
