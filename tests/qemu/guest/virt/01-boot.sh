#!/bin/sh
# The guest the other virt tests rely on: Debian's cloud kernel on QEMU virt, with
# /dev/mem, iomem=relaxed, and the PL061 GPIO controller registered as /dev/gpiochip0.
set -eu
. /tests/lib.sh

note "kernel $(uname -r) ($(uname -v))"
assert_match '*-cloud-arm64' "$(uname -r)" "kernel release"
assert_eq "linux,dummy-virt" "$(dt_string compatible)" "device-tree compatible"
assert_contains "iomem=relaxed" "$(cat /proc/cmdline)" "kernel command line"

[ -c /dev/mem ] || fail "/dev/mem is missing"
# shellcheck disable=SC2012
assert_match '*1, *1 *' "$(ls -l /dev/mem)" "/dev/mem (char 1,1)"

[ -c /dev/gpiochip0 ] || fail "/dev/gpiochip0 is missing"
note "$(ls -l /dev/gpiochip0)"
assert_match 'pl061*' "$(cat /sys/bus/gpio/devices/gpiochip0/of_node/name 2>/dev/null || basename "$(readlink /sys/bus/gpio/devices/gpiochip0/device)")" "gpiochip0's device"

note "$(grep -c . /proc/iomem) /proc/iomem lines; claimed device ranges:"
grep -e pl0 -e pcie -e PCI /proc/iomem
