# Shared helpers for the guest test scripts (POSIX sh, run by busybox in the QEMU guest).
# Use:   set -eu
#        . /tests/lib.sh
# A test passes when it exits 0. Every helper that checks something prints what it
# checked, so a failing test's output (shown by tests/qemu/run.sh) tells the story.
#
# Environment set by the runner: PHYSREG_QEMU_MACHINE (virt|raspi3b), PHYSREG_TEST
# (machine/name). Not PHYSREG_BOARD: that is physreg's own --board variable, and every
# physreg in the guest would take the machine's name for a board.

PHYSREG_TEST=${PHYSREG_TEST:-${PHYSREG_QEMU_MACHINE:-unknown}/$(basename "$0" .sh)}

# fail MESSAGE...: stop the test with a one-line reason.
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# note MESSAGE...: a fact worth seeing in the output.
note() {
    echo "note: $*"
}

# ok MESSAGE...: a check that passed.
ok() {
    echo "ok: $*"
}

# assert_eq EXPECTED ACTUAL [WHAT]: exact string equality.
assert_eq() {
    if [ "$1" = "$2" ]; then
        ok "${3:-value} = '$2'"
    else
        fail "${3:-value}: expected '$1', got '$2'"
    fi
}

# assert_ne UNEXPECTED ACTUAL [WHAT]
assert_ne() {
    if [ "$1" != "$2" ]; then
        ok "${3:-value} = '$2' (not '$1')"
    else
        fail "${3:-value}: must not be '$1'"
    fi
}

# assert_num_eq EXPECTED ACTUAL [WHAT]: numeric equality; accepts 0x.. hex and decimal,
# so 0x11 equals 0x00000011.
assert_num_eq() {
    if [ "$(($1))" -eq "$(($2))" ]; then
        ok "${3:-value} = $2 ($(printf '0x%X' "$(($2))"))"
    else
        fail "${3:-value}: expected $1 ($(printf '0x%X' "$(($1))")), got $2 ($(printf '0x%X' "$(($2))"))"
    fi
}

# assert_range LOW HIGH ACTUAL [WHAT]: LOW <= ACTUAL <= HIGH (numbers, hex or decimal).
assert_range() {
    if [ "$(($3))" -ge "$(($1))" ] && [ "$(($3))" -le "$(($2))" ]; then
        ok "${4:-value} = $3 (within $1..$2)"
    else
        fail "${4:-value}: expected within $1..$2, got $3"
    fi
}

# assert_match GLOB STRING [WHAT]: shell pattern match (case syntax).
assert_match() {
    # shellcheck disable=SC2254
    case "$2" in
        $1) ok "${3:-value} '$2' matches '$1'" ;;
        *) fail "${3:-value}: '$2' does not match '$1'" ;;
    esac
}

# assert_contains NEEDLE STRING [WHAT]: substring.
assert_contains() {
    case "$2" in
        *"$1"*) ok "${3:-output} contains '$1'" ;;
        *) fail "${3:-output} does not contain '$1'; it is: $2" ;;
    esac
}

# run CMD [ARGS...]: runs CMD, stdout and stderr captured; sets OUT and RC. Never fails.
run() {
    RC=0
    OUT=$("$@" 2>&1) || RC=$?
}

# expect_exit CODE CMD [ARGS...]: runs CMD and fails the test unless it exits with CODE.
# Sets OUT (stdout+stderr) and RC for further checks. A command killed by signal N
# exits with 128+N as seen by the shell (SIGBUS: 135, SIGSEGV: 139).
expect_exit() {
    _want=$1
    shift
    run "$@"
    if [ "$RC" -eq "$_want" ]; then
        ok "'$*' exited $RC${OUT:+: $OUT}"
    else
        fail "'$*' exited $RC, expected $_want; output: ${OUT:-<none>}"
    fi
}

# require_bin NAME...: fails clearly when a binary is not in the initramfs.
require_bin() {
    for _b in "$@"; do
        command -v "$_b" >/dev/null 2>&1 || fail "'$_b' is not in the guest (not built for aarch64-unknown-linux-musl?)"
    done
}

# bb_rd ADDR [WIDTH]: busybox devmem read (WIDTH in bits, default 32); prints e.g. 0x00000011.
bb_rd() {
    busybox devmem "$1" "${2:-32}" || fail "busybox devmem $1 ${2:-32} failed (exit $?)"
}

# bb_wr ADDR WIDTH VALUE: busybox devmem write.
bb_wr() {
    busybox devmem "$1" "$2" "$3" || fail "busybox devmem $1 $2 $3 failed (exit $?)"
}

# hex VALUE [DIGITS]: formats a number as 0x%0<DIGITS>X (default 8 digits), like devmem.
hex() {
    printf "0x%0${2:-8}X\n" "$(($1))"
}

# uptime_cs: centiseconds since boot, from /proc/uptime (the guest clock).
uptime_cs() {
    read -r _up _rest </proc/uptime
    _frac=${_up#*.}
    _frac=${_frac#0}
    echo $((${_up%.*} * 100 + _frac))
}

# expect_console TOKEN: asks the host to check that TOKEN appears on the serial console
# outside any test's captured output (e.g. bytes written straight to the UART data
# register). The host fails this test if it does not. TOKEN: no spaces.
expect_console() {
    echo "PHYSREG-EXPECT-CONSOLE $PHYSREG_TEST $1"
}

# dt_string PATH: a device-tree property as text (NULs between strings become spaces).
dt_string() {
    _s=$(tr '\0' ' ' <"/proc/device-tree/$1") || fail "no device-tree property $1"
    echo "${_s% }"
}
