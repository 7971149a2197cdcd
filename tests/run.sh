#!/usr/bin/env bash
# The whole test suite, as README.md and .ci/run call it:
#   1. host tests (cargo test: unit, integration, CLI-through-the-binary, doc tests);
#   2. the library without its command-line dependencies;
#   3. the aarch64 accessor disassembly check and the QEMU board suite (real kernel, real /dev/mem) on virt and raspi3b.
# Only step 3 may be skipped, and only when its tools cannot be installed; it
# then says so loudly. A failing test is never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== host tests"
cargo test

echo "== library without the cli feature"
cargo build --lib --no-default-features
if cargo tree -e normal --no-default-features --prefix none | grep -q '^clap'; then
    echo "error: the library pulls in clap without the cli feature" >&2
    exit 1
fi

echo "== QEMU board suite"
set +e
bash tests/qemu/setup.sh
rc=$?
set -e
if [ "$rc" -eq 77 ]; then
    echo "!! QEMU board suite NOT RUN (setup.sh said why above); host tests only." >&2
    exit 0
elif [ "$rc" -ne 0 ]; then
    echo "error: tests/qemu/setup.sh failed with exit code $rc" >&2
    exit "$rc"
fi
echo "== aarch64 accessors: no writeback addressing"
bash tests/aarch64/check-accessors.sh

bash tests/qemu/run.sh all
