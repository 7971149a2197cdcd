#!/bin/sh
# Bytes written to the PL011 data register UARTDR (0x09000000) appear on the serial console.
# The host checks the console log for the token (expect_console).
set -eu
. /tests/lib.sh

dr=0x09000000
fr=0x09000018
token="uart-dr-$(head -c 8 /proc/sys/kernel/random/uuid)"
expect_console "$token"
# TXFF (bit 5) must be clear before each write; QEMU transmits at once, the loop is bounded.
for c in $(echo "$token" | sed 's/./& /g') CR LF; do
    case $c in CR) v=13 ;; LF) v=10 ;; *) v=$(printf '%d' "'$c") ;; esac
    tries=0
    while [ $(( $(bb_rd $fr) & 0x20 )) != 0 ]; do
        tries=$((tries + 1)); [ $tries -lt 100 ] || fail "UARTFR.TXFF stays set"
    done
    bb_wr $dr 8 "$v"
done
ok "wrote '$token' CR LF to UARTDR"
fr_now=$(bb_rd $fr)
note "UARTFR $fr_now"
assert_num_eq 0 $(( fr_now & 0x20 )) "UARTFR.TXFF"
