#!/bin/sh
# The Pi 3's PL011 (uart0 at 0x3f201000, bus address 0x7e201000). On a real Pi 3 it drives
# Bluetooth; QEMU's raspi3b wires it to the serial console (console=ttyAMA0).
# PrimeCell IDs as on virt, and bytes written to UARTDR appear on the console.
set -eu
. /tests/lib.sh

base=0x3f201000
assert_eq "0x00000011 0x00000010 0x00000014 0x00000000" \
    "$(bb_rd $((base + 0xFE0))) $(bb_rd $((base + 0xFE4))) $(bb_rd $((base + 0xFE8))) $(bb_rd $((base + 0xFEC)))" \
    "UARTPeriphID0..3"
assert_eq "0x0000000D 0x000000F0 0x00000005 0x000000B1" \
    "$(bb_rd $((base + 0xFF0))) $(bb_rd $((base + 0xFF4))) $(bb_rd $((base + 0xFF8))) $(bb_rd $((base + 0xFFC)))" \
    "UARTPCellID0..3"

token="rpi-uart-dr-$(head -c 8 /proc/sys/kernel/random/uuid)"
expect_console "$token"
for c in $(echo "$token" | sed 's/./& /g') CR LF; do
    case $c in CR) v=13 ;; LF) v=10 ;; *) v=$(printf '%d' "'$c") ;; esac
    tries=0
    while [ $(( $(bb_rd $((base + 0x18))) & 0x20 )) != 0 ]; do
        tries=$((tries + 1)); [ $tries -lt 100 ] || fail "UARTFR.TXFF stays set"
    done
    bb_wr $base 8 "$v"
done
ok "wrote '$token' CR LF to UARTDR"
