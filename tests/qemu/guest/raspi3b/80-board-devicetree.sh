#!/bin/sh
# Board discovery on QEMU raspi3b with the kernel's bcm2837-rpi-3-b.dtb: the rpi3 board is
# recognised from compatible "raspberrypi,3-model-b", and every peripheral the tree lists is
# found by compatible and translated through /soc's ranges (bus 0x7e000000 -> 0x3f000000):
# the three BSC nodes share a compatible, each peripheral finds its own. Every base agrees
# with the board file (BCM2835 ARM Peripherals 1.2.3, at 0x3f000000 on the BCM2837).
set -eu
. /tests/lib.sh
require_bin physreg

run physreg info
[ "$RC" -eq 0 ] || fail "physreg info exited $RC: $OUT"
assert_eq 'board: rpi3 (detected: compatible "raspberrypi,3-model-b")' "$(echo "$OUT" | head -n 1)" "detection"
periph=$(echo "$OUT" | sed -n '/^peripherals/,$p' | tail -n +2)
echo "$periph"
check() { # NAME ADDRESS NODE
    line=$(echo "$periph" | grep "^  $1 ") || fail "no line for $1"
    assert_contains "$2 " "$line" "$1 base"
    assert_contains "device tree /soc/$3;" "$line" "$1 node"
}
check systimer 0x3F003000 timer@7e003000
check gpio 0x3F200000 gpio@7e200000
check uart0 0x3F201000 serial@7e201000
check spi0 0x3F204000 spi@7e204000
check bsc0 0x3F205000 i2c@7e205000
check pwm 0x3F20C000 pwm@7e20c000
check aux 0x3F215000 aux@7e215000
check uart1 0x3F215040 serial@7e215040
check bsc1 0x3F804000 i2c@7e804000
check bsc2 0x3F805000 i2c@7e805000
check cm 0x3F101000 cprman@7e101000
assert_eq 0 "$(echo "$periph" | grep -c 'moved\|error')" "no peripheral moved or failed"
