#!/bin/sh
# The rpi3 board's registers read by name equal busybox devmem at the addresses the board
# file gives (system timer, PL011, AUX/mini UART, clock manager, GPIO), and fields decode the
# same bits: uart0.CR.UARTEN is CR bit 0, uart0.LCR_H.WLEN bits 6:5, gpio.GPFSEL1.FSEL14/15
# decode as alt5 (function select 010, the mini UART's TXD1/RXD1: the Pi 3 device tree gives
# GPIO14/15 to UART1 and the PL011 to Bluetooth on GPIO32/33), systimer.CLO advances.
set -eu
. /tests/lib.sh
require_bin physreg

rd() { physreg --format json read "$1" | sed 's/.*"value":\([0-9]*\).*/\1/'; }
for r in uart0.CR:0x3f201030 uart0.IBRD:0x3f201024 uart0.LCR_H:0x3f20102c uart0.IMSC:0x3f201038 \
    aux.ENABLES:0x3f215004 uart1.CNTL:0x3f215060 uart1.BAUD:0x3f215068 \
    gpio.GPFSEL1:0x3f200004 gpio.GPLEV0:0x3f200034 cm.GP0CTL:0x3f101070 cm.PWMDIV:0x3f1010a4; do
    name=${r%%:*}
    addr=${r#*:}
    assert_num_eq "$(bb_rd "$addr")" "$(rd "$name")" "$name ($addr)"
done
cr=$(bb_rd 0x3f201030)
assert_num_eq $((cr & 1)) "$(rd uart0.CR.UARTEN)" "uart0.CR.UARTEN"
lcrh=$(bb_rd 0x3f20102c)
assert_num_eq $(((lcrh >> 5) & 3)) "$(rd uart0.LCR_H.WLEN)" "uart0.LCR_H.WLEN"
run physreg read uart0.LCR_H.WLEN
note "$OUT"
[ $(((lcrh >> 5) & 3)) -ne 3 ] || assert_contains "(bits8)" "$OUT" "enumerated name of WLEN"
run physreg read gpio.GPFSEL1.FSEL14 gpio.GPFSEL1.FSEL15
note "$OUT"
sel1=$(bb_rd 0x3f200004)
assert_num_eq $(((sel1 >> 12) & 7)) "$(rd gpio.GPFSEL1.FSEL14)" "gpio.GPFSEL1.FSEL14 = GPFSEL1[14:12]"
assert_num_eq 2 $(((sel1 >> 12) & 7)) "GPIO14 function (010)"
assert_eq 2 "$(echo "$OUT" | grep -c '(alt5)')" "pins 14/15 named alt5 (TXD1/RXD1)"
# The 1 MHz counter against the guest clock (centiseconds), each read bracketed.
u0=$(uptime_cs)
t1=$(rd systimer.CLO)
u1=$(uptime_cs)
sleep 1
u2=$(uptime_cs)
t2=$(rd systimer.CLO)
u3=$(uptime_cs)
assert_range $(((u2 - u1 - 1) * 9900)) $(((u3 - u0 + 1) * 10100)) $((t2 - t1)) "systimer.CLO advance (guest clock ${u1}..${u2} cs)"
