#!/bin/sh
# examples/uart_hello: writes a line through the PL011 at 0x09000000 (the console UART), one
# store to UARTDR per byte. The host checks the console for the token; the example's own
# output (on stdout, captured) reports the PrimeCell ID and the divisors it read back.
set -eu
. /tests/lib.sh
require_bin uart_hello

token="uart-hello-$(head -c 8 /proc/sys/kernel/random/uuid)"
expect_console "$token"
expect_exit 0 uart_hello "physreg example says $token"
assert_contains "PeriphID 0x00141011" "$OUT" "uart_hello output"
assert_match "*wrote $((${#token} + 23)) bytes to the data register at 0x9000000*" "$OUT" "byte count"
# Not a PL011 there (the RTC): the example warns and still finds the UART disabled.
expect_exit 1 uart_hello --base 0x09010000 nothing
assert_contains "does not identify as a PL011" "$OUT"
