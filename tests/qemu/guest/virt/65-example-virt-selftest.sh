#!/bin/sh
# examples/virt_selftest: every qemu-virt peripheral through its driver on the emulated
# devices: PrimeCell IDs of PL011/PL031/PL061, PL011 enabled with its divisors, PL031 time
# within 2 s of the guest clock and set forward and back, PL061 direction bits and
# address-masked data, fw_cfg signature and directory, 32 virtio-mmio transports.
set -eu
. /tests/lib.sh
require_bin virt_selftest

dir=$(bb_rd 0x09030400)
expect_exit 0 virt_selftest
echo "$OUT"
for check in "PL011 uart0 PrimeCell ID" "PL011 uart0 enabled" "PL031 rtc PrimeCell ID" \
    "PL031 rtc time" "PL031 rtc set" "PL061 gpio PrimeCell ID" "PL061 gpio direction" \
    "PL061 gpio masked data" "fw_cfg" "virtio-mmio"; do
    echo "$OUT" | grep -q "^PASS $check: " || fail "no PASS line for '$check'"
    ok "PASS $check"
done
assert_contains "virt_selftest: 10 passed, 0 failed" "$OUT"
assert_contains "PeriphID 0x00141011" "$OUT" "PL011 PeriphID"
assert_eq "$dir" "$(bb_rd 0x09030400)" "GPIODIR restored"
# The RTC was set back: within 2 s of the guest clock again.
rtc=$(bb_rd 0x09010000)
assert_range $(( $(date +%s) - 2 )) $(( $(date +%s) + 2 )) "$((rtc))" "RTCDR after the run"
