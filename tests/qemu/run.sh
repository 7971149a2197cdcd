#!/usr/bin/env bash
# QEMU board test suite: builds physreg for aarch64-unknown-linux-musl, packs it with
# busybox and the guest test scripts into an initramfs, boots Debian's arm64 kernel on
# QEMU's emulated boards, and reports the guest tests' results from the serial console.
#
# Usage: tests/qemu/run.sh [--shell] [-v] [virt|raspi3b|all] [TEST-GLOB...]
#   TEST-GLOB matches a script name with or without .sh, or board/name:
#     tests/qemu/run.sh virt '10-*'      tests/qemu/run.sh all pl011-id   ('*' added around)
#   --shell (or PHYSREG_QEMU_SHELL=1): boot one board (default virt) into a busybox shell.
#   -v (or PHYSREG_QEMU_VERBOSE=1): show every test's output, not only the failures'.
# Environment:
#   PHYSREG_QEMU_ASSETS        asset cache (default target/qemu-assets), filled by setup.sh
#   PHYSREG_QEMU_NO_BUILD=1    do not run cargo; pack only what is already built
#   PHYSREG_QEMU_TEST_TIMEOUT  seconds per guest test (default 180)
#   PHYSREG_QEMU_BOOT_TIMEOUT  seconds allowed for boot (default: virt 60, raspi3b 180)
#   PHYSREG_QEMU_SHELL_TIMEOUT seconds an interactive shell session may last (default 3600)
# Exit: 0 all passed; 1 a test failed, a board did not finish, or no test ran;
#       77 QEMU suite skipped because setup.sh could not install what it needs.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ASSETS=${PHYSREG_QEMU_ASSETS:-$ROOT/target/qemu-assets}
TARGET=aarch64-unknown-linux-musl
BUILD_DIR=$ROOT/target/qemu-build
RUN_DIR=$ROOT/target/qemu-run
TEST_TIMEOUT=${PHYSREG_QEMU_TEST_TIMEOUT:-180}
ALL_BOARDS=(virt raspi3b)

die() { printf 'qemu: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'qemu: %s\n' "$*"; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

# ---- arguments ----------------------------------------------------------------------------
shell=${PHYSREG_QEMU_SHELL:-0}
verbose=${PHYSREG_QEMU_VERBOSE:-0}
board_arg=
globs=()
for arg in "$@"; do
    case "$arg" in
        --shell) shell=1 ;;
        -v | --verbose) verbose=1 ;;
        -h | --help) usage; exit 0 ;;
        -*) die "unknown option '$arg' (see --help)" ;;
        virt | raspi3b | all)
            if [ -z "$board_arg" ] && [ ${#globs[@]} = 0 ]; then board_arg=$arg; else globs+=("$arg"); fi ;;
        *) globs+=("$arg") ;;
    esac
done
if [ -z "$board_arg" ]; then
    if [ "$shell" = 1 ]; then board_arg=virt; else board_arg=all; fi
fi
if [ "$board_arg" = all ]; then boards=("${ALL_BOARDS[@]}"); else boards=("$board_arg"); fi
[[ $TEST_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "PHYSREG_QEMU_TEST_TIMEOUT must be a positive number of seconds"
if [ "$shell" = 1 ] && [ ${#boards[@]} != 1 ]; then
    die "--shell needs one board: tests/qemu/run.sh virt --shell  or  tests/qemu/run.sh raspi3b --shell"
fi

# ---- setup (idempotent; 77 = cannot install here: skip the QEMU suite) ----------------------
set +e
bash "$HERE/setup.sh"
rc=$?
set -e
[ "$rc" = 0 ] || exit "$rc"

# ---- select the guest tests -----------------------------------------------------------------
matches() { # board name
    local g
    [ ${#globs[@]} = 0 ] && return 0
    for g in "${globs[@]}"; do
        g=${g%.sh}
        # shellcheck disable=SC2053
        [[ $2 == $g || "$1/$2" == $g || $2 == *$g* ]] && return 0
    done
    return 1
}
declare -A selected=()
total=0
for b in "${boards[@]}"; do
    selected[$b]=
    [ -d "$HERE/guest/$b" ] || die "no guest test folder tests/qemu/guest/$b"
    for t in "$HERE/guest/$b"/*.sh; do
        [ -f "$t" ] || continue
        name=$(basename "$t" .sh)
        [[ $name =~ ^[A-Za-z0-9_.-]+$ ]] || die "guest test name '$name' has characters other than A-Z a-z 0-9 _ . -"
        if [ "$shell" = 1 ] || matches "$b" "$name"; then
            selected[$b]+="$name "
            total=$((total + 1))
        fi
    done
done
if [ "$total" = 0 ] && [ "$shell" != 1 ]; then
    die "no guest test matches '${globs[*]:-}' on ${boards[*]} (tests are tests/qemu/guest/BOARD/NN-name.sh)"
fi

# ---- build the aarch64 binaries -------------------------------------------------------------
bins=()
json=$RUN_DIR/cargo-build.json
if [ "${PHYSREG_QEMU_NO_BUILD:-0}" = 1 ]; then
    say "PHYSREG_QEMU_NO_BUILD=1: not building; packing what the last build produced, if any"
elif [ ! -f "$ROOT/Cargo.toml" ]; then
    say "no Cargo.toml: packing busybox and the guest scripts only"
else
    say "building release bins and examples for $TARGET (CARGO_TARGET_DIR=${BUILD_DIR#"$ROOT"/})"
    export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=${CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER:-rust-lld}
    mkdir -p "$RUN_DIR"
    if ! (cd "$ROOT" && CARGO_TARGET_DIR=$BUILD_DIR timeout 1800 cargo build --release --target "$TARGET" \
        --bins --examples --message-format=json-render-diagnostics >"$json.tmp"); then
        die "cargo build --release --target $TARGET --bins --examples failed (see the errors above)"
    fi
    mv -f "$json.tmp" "$json"
fi
# The executables that cargo's last build produced (not stale ones lying in the target folder).
if [ -f "$json" ] && { [ "${PHYSREG_QEMU_NO_BUILD:-0}" = 1 ] || [ -f "$ROOT/Cargo.toml" ]; }; then
    while IFS= read -r exe; do
        [ -n "$exe" ] && [ -f "$exe" ] && bins+=("$exe")
    done < <(grep -o '"executable":"[^"]*"' "$json" | sed 's/^"executable":"//; s/"$//' | sort -u)
fi

# ---- initramfs --------------------------------------------------------------------------------
STAGE=$RUN_DIR/rootfs
INITRD=$RUN_DIR/initramfs.cpio.gz
rm -rf "$STAGE"
mkdir -p "$STAGE"/{bin,sbin,dev,proc,sys,tmp,run,etc,tests}
cp "$ASSETS/busybox" "$STAGE/bin/busybox"
ln -s busybox "$STAGE/bin/sh"
cp "$HERE/initramfs/init" "$STAGE/init"
cp "$HERE/initramfs/physreg-run-tests" "$STAGE/bin/physreg-run-tests"
cp "$HERE/guest/lib.sh" "$STAGE/tests/lib.sh"
packed=()
for exe in ${bins[@]+"${bins[@]}"}; do
    name=$(basename "$exe")
    [ -e "$STAGE/bin/$name" ] && die "two built executables named '$name'"
    cp "$exe" "$STAGE/bin/$name"
    packed+=("$name")
done
# What was packed, for the guest tests (one name a line; empty when nothing was built).
printf '%s\n' ${packed[@]+"${packed[@]}"} | sed '/^$/d' >"$STAGE/etc/physreg-bins"
for b in "${boards[@]}"; do
    mkdir -p "$STAGE/tests/$b"
    for name in ${selected[$b]}; do
        cp "$HERE/guest/$b/$name.sh" "$STAGE/tests/$b/$name.sh"
    done
done
chmod 755 "$STAGE/init" "$STAGE/bin"/*
(cd "$STAGE" && find . -mindepth 1 -print0 | LC_ALL=C sort -z \
    | cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$INITRD"
say "initramfs $(du -k "$INITRD" | cut -f1) KiB: busybox${packed[*]:+ ${packed[*]}}, $total test(s)"

# ---- QEMU -------------------------------------------------------------------------------------
qemu_cmd() { # board -> QEMU_CMD array
    local b=$1 append
    append="physreg_board=$b physreg_timeout=$TEST_TIMEOUT"
    [ "$shell" = 1 ] && append+=" physreg_shell=1"
    case "$b" in
        virt)
            QEMU_CMD=(qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512 -nographic -no-reboot -nic none
                -kernel "$ASSETS/virt/vmlinuz" -initrd "$INITRD" -device edu
                -append "console=ttyAMA0 iomem=relaxed panic=-1 $append") ;;
        raspi3b)
            QEMU_CMD=(qemu-system-aarch64 -M raspi3b -nographic
                -kernel "$ASSETS/raspi3b/vmlinuz" -dtb "$ASSETS/raspi3b/bcm2837-rpi-3-b.dtb"
                -initrd "$INITRD" -append "console=ttyAMA0 iomem=relaxed $append") ;;
        *) die "unknown board '$b'" ;;
    esac
}

boot_allowance() {
    if [ -n "${PHYSREG_QEMU_BOOT_TIMEOUT:-}" ]; then echo "$PHYSREG_QEMU_BOOT_TIMEOUT"; return; fi
    case "$1" in virt) echo 60 ;; *) echo 180 ;; esac
}

if [ "$shell" = 1 ]; then
    b=${boards[0]}
    qemu_cmd "$b"
    say "booting $b into a guest shell (leave with 'exit'; Ctrl-A X quits QEMU)"
    exec timeout --foreground "${PHYSREG_QEMU_SHELL_TIMEOUT:-3600}" "${QEMU_CMD[@]}"
fi

# run_board BOARD: boots the board, waits for the end marker (bounded), stops QEMU.
# Sets BOARD_STATUS: "ok" (end marker seen) or a reason why the run did not finish.
run_board() {
    local b=$1 log=$RUN_DIR/$1.log n limit qpid start waited rc
    n=$(wc -w <<<"${selected[$b]}")
    limit=$(($(boot_allowance "$b") + n * (TEST_TIMEOUT + 5) + 10))
    qemu_cmd "$b"
    printf '%s\n' "${QEMU_CMD[*]}" >"$RUN_DIR/$b.cmd"
    say "$b: booting (${n} test(s), limit ${limit}s, console log ${log#"$ROOT"/})"
    start=$SECONDS
    # setsid: QEMU gets its own process group, so stopping it cannot hit this script.
    setsid timeout -k 5 "$limit" "${QEMU_CMD[@]}" </dev/null >"$log" 2>&1 &
    qpid=$!
    QEMU_PGID=$qpid
    BOARD_STATUS=
    local t0 booted=
    t0=$(date +%s%N)
    while :; do
        if [ -z "$booted" ] && grep -aq '^PHYSREG-BEGIN ' "$log"; then
            booted=$(( ($(date +%s%N) - t0) / 1000000 ))
            say "$b: /init running after $((booted / 1000)).$((booted % 1000 / 100))s"
        fi
        if grep -aq '^PHYSREG-END ' "$log"; then BOARD_STATUS=ok; break; fi
        if grep -aq 'Kernel panic - not syncing' "$log"; then BOARD_STATUS="kernel panic"; break; fi
        if ! kill -0 "$qpid" 2>/dev/null; then break; fi
        if [ $((SECONDS - start)) -gt $((limit + 10)) ]; then break; fi
        sleep 0.2
    done
    # virt powers off by itself after the end marker; raspi3b never does.
    waited=0
    if [ "$b" = virt ] && [ "$BOARD_STATUS" = ok ]; then
        while kill -0 "$qpid" 2>/dev/null && [ "$waited" -lt 50 ]; do sleep 0.1; waited=$((waited + 1)); done
    fi
    if kill -0 "$qpid" 2>/dev/null; then
        kill -TERM -- "-$qpid" 2>/dev/null || true
        waited=0
        while kill -0 "$qpid" 2>/dev/null && [ "$waited" -lt 50 ]; do sleep 0.1; waited=$((waited + 1)); done
        kill -KILL -- "-$qpid" 2>/dev/null || true
    fi
    rc=0
    wait "$qpid" 2>/dev/null || rc=$?
    QEMU_PGID=
    if [ -z "$BOARD_STATUS" ]; then
        if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
            BOARD_STATUS="timed out after ${limit}s"
        else
            BOARD_STATUS="QEMU exited (code $rc) before the end marker"
        fi
    fi
    # The serial console ends lines with CR LF, and the boot log may hold NUL bytes.
    tr -d '\000\r' <"$log" >"$log.tmp" && mv -f "$log.tmp" "$log"
    local total=$(( ($(date +%s%N) - t0) / 1000000 ))
    say "$b: QEMU ran $((total / 1000)).$((total % 1000 / 100))s"
}

# report_board BOARD: prints each selected test's result; adds to passed/failed.
report_board() {
    local b=$1 log=$RUN_DIR/$1.log name id result endline exit_info out token tokens
    for name in ${selected[$b]}; do
        id=$b/$name
        result=$(sed -nE "s#^PHYSREG-RESULT (PASS|FAIL) $id\$#\1#p" "$log" | tail -n 1)
        endline=$(sed -n "s|^PHYSREG-OUTPUT-END $id ||p" "$log" | tail -n 1)
        # The test's own output: the lines between its BEGIN and END markers.
        out=$(awk -v id="$id" '
            $0 == "PHYSREG-OUTPUT-BEGIN " id { inside = 1; next }
            index($0, "PHYSREG-OUTPUT-END " id " ") == 1 { inside = 0 }
            inside { print }' "$log")
        exit_info=${endline:+ ($endline)}
        if [ -z "$result" ]; then
            result=FAIL
            exit_info=" (no result: the guest stopped before this test finished: $BOARD_STATUS)"
        fi
        # Console expectations: a token that the test asked to see on the console, outside
        # every test's captured output.
        if [ "$result" = PASS ]; then
            tokens=$(sed -n "s|^PHYSREG-EXPECT-CONSOLE $id ||p" "$log" | sort -u)
            for token in $tokens; do
                if ! awk -v tok="$token" '
                    /^PHYSREG-OUTPUT-BEGIN / { inside = 1; next }
                    /^PHYSREG-OUTPUT-END / { inside = 0; next }
                    !inside && index($0, tok) { found = 1 }
                    END { exit !found }' "$log"; then
                    result=FAIL
                    out+=$'\n'"host: '$token' did not appear on the serial console"
                fi
            done
        fi
        if [ "$result" = PASS ]; then
            passed=$((passed + 1))
            printf 'PASS %s%s\n' "$id" "$exit_info"
        else
            failed=$((failed + 1))
            printf 'FAIL %s%s\n' "$id" "$exit_info"
        fi
        if [ "$result" = FAIL ] || [ "$verbose" = 1 ]; then
            if [ -n "$out" ]; then printf '%s\n' "$out" | sed 's/^/    | /'; fi
        fi
    done
}

# If this script is interrupted, stop the QEMU it started (it runs in its own session).
QEMU_PGID=
trap '[ -n "$QEMU_PGID" ] && kill -KILL -- "-$QEMU_PGID" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
mkdir -p "$RUN_DIR"
passed=0
failed=0
incomplete=()
suite_start=$SECONDS
for b in "${boards[@]}"; do
    [ -n "${selected[$b]}" ] || { say "$b: no selected test, not booting"; continue; }
    run_board "$b"
    report_board "$b"
    if [ "$BOARD_STATUS" != ok ]; then
        incomplete+=("$b")
        say "$b: did not finish: $BOARD_STATUS. Last console lines (${RUN_DIR#"$ROOT"/}/$b.log):"
        tail -n 40 "$RUN_DIR/$b.log" | sed 's/^/    > /'
    fi
done
say "total wall time $((SECONDS - suite_start))s"
ran=$((passed + failed))
[ "$ran" -gt 0 ] || say "no test ran"
echo "qemu: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ ${#incomplete[@]} = 0 ] && [ "$ran" -gt 0 ]
