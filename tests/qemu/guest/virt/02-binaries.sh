#!/bin/sh
# The project's binaries packed by run.sh (listed in /etc/physreg-bins) are static aarch64
# ELF executables that the guest kernel runs. physreg itself is started with --help: any
# exit code but 126/127 (cannot execute / not found) or a signal shows it ran.
set -eu
. /tests/lib.sh

n=0
while read -r name; do
    [ -n "$name" ] || continue
    n=$((n + 1))
    f=/bin/$name
    [ -x "$f" ] || fail "$f is not an executable file"
    # ELF magic, 64-bit, little-endian; e_machine (offset 18) 0xB7 = AArch64.
    hdr=$(head -c 20 "$f" | od -An -tx1 | tr -d ' \n')
    assert_match '7f454c460201*' "$hdr" "$name ELF header"
    assert_eq b700 "$(echo "$hdr" | cut -c37-40)" "$name e_machine (AArch64)"
done </etc/physreg-bins
note "$n packed binaries: $(tr '\n' ' ' </etc/physreg-bins)"

if [ -x /bin/physreg ]; then
    run physreg --help
    note "physreg --help exited $RC: $(echo "$OUT" | head -n 3)"
    [ "$RC" -lt 126 ] || fail "physreg did not run (exit $RC): $OUT"
    ok "physreg runs in the guest"
fi
