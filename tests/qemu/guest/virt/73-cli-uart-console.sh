#!/bin/sh
# Bytes written by name to uart0's data register (uart0.DR, then uart0.DR.DATA, then a batch
# of writes in one process) appear on the serial console. The PL011 driver owns the range:
# physreg warns with the driver's name, once per process.
set -eu
. /tests/lib.sh
require_bin physreg

token="physreg-dr-$(head -c 8 /proc/sys/kernel/random/uuid)"
expect_console "$token"
# The first half by separate writes, the rest (and CR LF) in one batch.
half=$(( ${#token} / 2 ))
first=$(echo "$token" | cut -c1-$half)
rest=$(echo "$token" | cut -c$((half + 1))-)
i=0
for c in $(echo "$first" | sed 's/./& /g'); do
    [ "$(physreg read uart0.FR.TXFF | sed 's/.*: //')" = 0 ] || fail "UARTFR.TXFF set"
    if [ $((i % 2)) = 0 ]; then reg=uart0.DR; else reg=uart0.DR.DATA; fi
    physreg write $reg "$(printf '%d' "'$c")" 2>/tmp/warn || fail "physreg write $reg failed: $(cat /tmp/warn)"
    i=$((i + 1))
done
script=
for c in $(echo "$rest" | sed 's/./& /g'); do
    script="${script}write uart0.DR.DATA $(printf '%d' "'$c")
"
done
script="${script}write uart0.DR 13
write uart0.DR 10
"
printf '%s' "$script" | physreg batch >/tmp/batch.out 2>/tmp/warn || fail "batch: $(cat /tmp/warn)"
ok "wrote '$token' CR LF through uart0.DR"
assert_contains "pl011" "$(cat /tmp/warn)" "driver warning"
assert_eq 1 "$(grep -c warning /tmp/warn)" "warnings in one batch"
