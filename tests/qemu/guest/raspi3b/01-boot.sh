#!/bin/sh
# The guest the other raspi3b tests rely on: Debian's arm64 kernel with the Raspberry Pi 3
# Model B device tree, /dev/mem, iomem=relaxed; the GPIO block's ARM physical address
# 0x3f200000 follows from its bus address 0x7e200000 through the soc node's ranges.
set -eu
. /tests/lib.sh

note "kernel $(uname -r) ($(uname -v)), $(grep -c ^processor /proc/cpuinfo) CPUs"
assert_match '*-arm64' "$(uname -r)" "kernel release"
assert_eq "Raspberry Pi 3 Model B" "$(dt_string model)" "device-tree model"
assert_eq "raspberrypi,3-model-b brcm,bcm2837" "$(dt_string compatible)" "device-tree compatible"
assert_contains "iomem=relaxed" "$(cat /proc/cmdline)" "kernel command line"
[ -c /dev/mem ] || fail "/dev/mem is missing"
[ -c /dev/gpiochip0 ] || fail "/dev/gpiochip0 is missing"
n=0
for c in /dev/gpiochip*; do if [ -c "$c" ]; then n=$((n + 1)); fi; done
note "$n gpiochip devices"

# Big-endian 32-bit cells of a device-tree property, as 0x%08x words.
cells() { od -An -v -tx1 "/proc/device-tree/$1" | tr -s ' \n' ' ' | sed 's/^ //' \
    | awk '{ for (i = 1; i + 3 <= NF; i += 4) printf "0x%s%s%s%s ", $i, $(i+1), $(i+2), $(i+3) }'; }
gpio=$(cd /proc/device-tree/soc && for g in gpio@*; do echo "$g"; break; done)
assert_eq gpio@7e200000 "$gpio" "GPIO node"
reg=$(cells "soc/$gpio/reg")
ranges=$(cells soc/ranges)
note "soc/$gpio/reg = $reg; soc/ranges = $ranges"
# shellcheck disable=SC2086 # split into cells
set -- $reg
bus=$1
# shellcheck disable=SC2086 # split into cells
set -- $ranges
child=$1 parent=$2 size=$3
if [ $((bus)) -lt $((child)) ] || [ $((bus)) -ge $((child + size)) ]; then
    fail "GPIO $bus outside the first range"
fi
assert_num_eq 0x3f200000 $((bus - child + parent)) "GPIO base through ranges"
grep -q '^3f200000-3f2000b3 : .*gpio' /proc/iomem || fail "GPIO not claimed at 3f200000 in /proc/iomem"
ok "/proc/iomem: $(grep '^3f200000' /proc/iomem)"
