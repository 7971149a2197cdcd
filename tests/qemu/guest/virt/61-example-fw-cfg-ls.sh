#!/bin/sh
# examples/fw_cfg_ls: lists QEMU's fw_cfg files (0x09020000) like ls -l, and reads one by
# name. The listing must agree with the directory's own count and hold the files QEMU's virt
# board always has; reading a file gives exactly its listed size.
set -eu
. /tests/lib.sh
require_bin fw_cfg_ls

expect_exit 0 fw_cfg_ls
echo "$OUT"
head=$(echo "$OUT" | head -n 1)
assert_match 'fw_cfg at 0x9020000: signature "QEMU", features 0x* files' "$head" "header"
n=$(echo "$head" | sed -n 's/.*), \([0-9]*\) files$/\1/p')
lines=$(echo "$OUT" | grep -c '^-r--r--r-- ')
assert_num_eq "$n" "$lines" "listed files = directory count"
[ "$n" -ge 3 ] || fail "only $n fw_cfg files"
for f in bootorder etc/table-loader; do
    echo "$OUT" | grep -q " $f\$" || fail "no $f in the listing"
    ok "$f listed"
done
# Selectors are unique and at least 0x20 (FW_CFG_FILE_FIRST).
dups=$(echo "$OUT" | awk '/^-r--/ {print $6}' | sort | uniq -d)
assert_eq "" "$dups" "duplicate selectors"
low=$(echo "$OUT" | awk '/^-r--/ && $6 < "0x0020" {print}')
assert_eq "" "$low" "selectors below 0x0020"

# Read the table loader by name: a hex dump in physreg dump's format, one byte per element
# ("0x00000010: 01 02 ...  |..|"), holding exactly the listed size.
size=$(echo "$OUT" | awk '$NF == "etc/table-loader" {print $5}')
expect_exit 0 fw_cfg_ls etc/table-loader
assert_match '0x00000000: ?? ?? *' "$(echo "$OUT" | head -n 1)" "first line of the dump"
bytes=$(echo "$OUT" | sed 's/^0x[0-9A-F]*: //; s/  |.*//' | wc -w)
assert_num_eq "$size" "$bytes" "bytes dumped from etc/table-loader"
expect_exit 1 fw_cfg_ls no/such/file
assert_contains 'no file named "no/such/file"' "$OUT"
