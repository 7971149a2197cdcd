#!/bin/sh
# CLI performance in one guest run, printed as `PERF NAME VALUE UNIT` lines for
# tests/perf/run.sh and docs/performance.md. Timing ratios are printed, never asserted (the
# goals live in docs/performance.md; these machines are noisy). What is asserted: every
# value read back is right, and the system-call counts behave as docs/syscalls.md says.
#  (a) 1,000 writes + 1,000 reads of the edu device's liveness register (BAR0 + 4, returns
#      the inverted value): 2,000 `busybox devmem` processes against one `physreg batch`.
#  (b) one `physreg devmem ADDR` process against one `busybox devmem ADDR` (timeit medians).
#  (c) system calls (syscount, a ptrace counter) for N = 10, 100, 1000 accesses: physreg
#      batch (reads; writes; writes with --no-lock) and gpio_ioctl_loop on /dev/gpiochip0.
#      Asserted: the ioctl loop grows by exactly one ioctl per access; physreg's counts do
#      not grow with N except output write() (one per 16 KiB) and input read() (logarithmic);
#      flock() is two per batch of writes, none with --no-lock. Every count is printed.
set -eu
. /tests/lib.sh
require_bin physreg busybox timeit syscount gpio_ioctl_loop
echo "PERF guest_kernel $(uname -r) -"

# aarch64 system call numbers (asm-generic/unistd.h).
NR_IOCTL=29 NR_FLOCK=32 NR_READ=63 NR_WRITE=64

perf() { echo "PERF $1 $2 $3"; }
# ratio A B DECIMALS: A/B rounded to DECIMALS (1 or 2) decimals, integer arithmetic.
ratio() {
    if [ "$3" = 1 ]; then
        _r=$(( ($1 * 10 + $2 / 2) / $2 )); printf '%d.%d\n' $((_r / 10)) $((_r % 10))
    else
        _r=$(( ($1 * 100 + $2 / 2) / $2 )); printf '%d.%02d\n' $((_r / 100)) $((_r % 100))
    fi
}
median_ns() { # timeit output -> N
    echo "$1" | sed -n 's/^timeit: median_ns=\([0-9]*\) .*/\1/p'
}

# ---- the edu device: scratch register for (a) and (c) --------------------------------------
edu=/sys/bus/pci/devices/0000:00:01.0
assert_eq "0x1234 0x11e8" "$(cat $edu/vendor) $(cat $edu/device)" "edu vendor and device"
read -r start _ <$edu/resource
bar=$((start))
live=$(hex $((bar + 4)))
was=$(cat $edu/enable)
gpiodir=0x09030400
savedir=$(bb_rd $gpiodir 8)
trap 'echo "$was" >$edu/enable 2>/dev/null || true; busybox devmem $gpiodir 8 $savedir' EXIT
[ "$was" = 1 ] || echo 1 >$edu/enable
assert_eq 0x010000ED "$(bb_rd $bar)" "edu identification register"
note "scratch register: edu liveness $live (reads back the inverted value written)"
# The edu BAR is outside the qemu-virt board's peripherals: physreg writes there need --force.

# ---- (a) 1,000 writes + 1,000 reads ---------------------------------------------------------
note "start at $(uptime_cs)0 ms of uptime"
N=1000
t0=$(uptime_cs)
: >bb.sh; : >bb.want; : >pr.txt; : >pr.want
i=0
while [ $i -lt $N ]; do
    v=$(( (0x5A000000 + i * 0x10001) & 0xFFFFFFFF )); nv=$(( ~v & 0xFFFFFFFF ))
    printf 'busybox devmem %s 32 0x%08X\nbusybox devmem %s 32\n' "$live" $v "$live" >>bb.sh
    printf '0x%08X\n' $nv >>bb.want
    printf 'write %s 0x%08X\nread %s\n' "$live" $v "$live" >>pr.txt
    printf '%s <- 0x%08X\n%s: 0x%08X\n' "$live" $v "$live" $nv >>pr.want
    i=$((i + 1))
done
note "scripts written in $(( $(uptime_cs) - t0 ))0 ms"

# 2,000 busybox processes from a shell script, as a user would write it. The timed run's
# output is kept and checked.
t=$(timeit -n 1 sh -c 'sh bb.sh >bb.out') || fail "busybox devmem script failed: $t"
bb_ns=$(median_ns "$t")
cmp -s bb.want bb.out || fail "busybox devmem: $(cmp bb.want bb.out 2>&1 | head -1)"
ok "busybox devmem: $N liveness reads returned the inverted values written"
# The checked run doubles as the warm-up of the timed one.
physreg --force batch pr.txt >pr.out 2>pr.err || fail "physreg batch failed: $(cat pr.err)"
cmp -s pr.want pr.out || fail "physreg batch output: $(cmp pr.want pr.out 2>&1 | head -1); first lines: $(head -2 pr.out)"
ok "physreg batch: $N writes and $N reads, every read the inverted value written"
if [ -s pr.err ]; then note "physreg batch stderr: $(head -1 pr.err)"; fi
t=$(timeit -n 1 physreg --force batch pr.txt) || fail "timeit physreg batch: $t"
pr_ns=$(median_ns "$t")
if [ -z "$bb_ns" ] || [ -z "$pr_ns" ]; then fail "timeit printed no median"; fi
perf a_busybox_2000_processes_ns "$bb_ns" ns
perf a_busybox_per_access_ns $((bb_ns / (2 * N))) ns
perf a_physreg_batch_2000_ns "$pr_ns" ns
perf a_physreg_batch_per_access_ns $((pr_ns / (2 * N))) ns
perf a_speedup "$(ratio "$bb_ns" "$pr_ns" 1)" x

note "(a) done at $(uptime_cs)0 ms of uptime"

# ---- (b) one devmem process each ------------------------------------------------------------
addr=0x09000FE0
assert_eq "$(bb_rd $addr)" "$(physreg devmem $addr)" "physreg devmem $addr equals busybox devmem"
runs=31
bbs="" prs=""
for _ in 1 2 3; do
    t=$(timeit -n $runs busybox devmem $addr) || fail "timeit busybox devmem: $t"
    bbs="$bbs $(median_ns "$t")"
    t=$(timeit -n $runs physreg devmem $addr) || fail "timeit physreg devmem: $t"
    prs="$prs $(median_ns "$t")"
done
med3() { echo "$1" | tr ' ' '\n' | sed '/^$/d' | sort -n | sed -n 2p; }
bb1=$(med3 "$bbs"); pr1=$(med3 "$prs")
note "medians of $runs runs, 3 rounds alternating: busybox$bbs; physreg$prs"
perf b_busybox_devmem_ns "$bb1" ns
perf b_physreg_devmem_ns "$pr1" ns
perf b_time_ratio "$(ratio "$pr1" "$bb1" 2)" x

# One process each, counted.
sc_total() { sed -n 's/^syscount: total=//p' "$1"; }
sc_nr() { # FILE NR -> count (0 when absent)
    _c=$(sed -n "s/^syscount: nr=$2 count=//p" "$1")
    echo "${_c:-0}"
}
syscount busybox devmem $addr >/dev/null 2>sc.bb || fail "syscount busybox devmem: $(cat sc.bb)"
syscount physreg devmem $addr >/dev/null 2>sc.pr || fail "syscount physreg devmem: $(cat sc.pr)"
perf b_busybox_devmem_syscalls "$(sc_total sc.bb)" syscalls
perf b_physreg_devmem_syscalls "$(sc_total sc.pr)" syscalls
note "busybox devmem: $(sed -n 's/^syscount: nr=\([0-9]*\) count=\([0-9]*\)/\1:\2/p' sc.bb | tr '\n' ' ')"
note "physreg devmem: $(sed -n 's/^syscount: nr=\([0-9]*\) count=\([0-9]*\)/\1:\2/p' sc.pr | tr '\n' ' ')"

# One named read (the board detected from the device tree, its file and the layouts it
# uses parsed): what a register name costs a process, beside (b)'s address.
assert_eq "$(physreg devmem 0x09000FE0)" "$(physreg read uart0.PeriphID0 | sed -n '1s/.*: \(0x[0-9A-F]*\).*/\1/p')" \
    "uart0.PeriphID0 by name (board detected) equals the address read"
t=$(timeit -n 11 physreg read uart0.PeriphID0) || fail "timeit physreg read uart0.PeriphID0: $t"
perf b_physreg_named_read_ns "$(median_ns "$t")" ns

note "(b) done at $(uptime_cs)0 ms of uptime"

# ---- (c) system calls against N -------------------------------------------------------------
# rest FILE: every system call except read, write and flock.
rest() { echo $(( $(sc_total "$1") - $(sc_nr "$1" $NR_READ) - $(sc_nr "$1" $NR_WRITE) - $(sc_nr "$1" $NR_FLOCK) )); }
for n in 10 100 1000; do
    : >r$n.txt; : >w$n.txt
    i=0
    while [ $i -lt $n ]; do
        echo "read $live" >>r$n.txt
        printf 'write %s 0x%08X\n' "$live" $((0x33000000 + i)) >>w$n.txt
        i=$((i + 1))
    done
    syscount physreg --force batch r$n.txt >/dev/null 2>sc.r$n || fail "syscount physreg batch r$n.txt: $(cat sc.r$n)"
    syscount physreg --force batch w$n.txt >/dev/null 2>sc.w$n || fail "syscount physreg batch w$n.txt: $(cat sc.w$n)"
    syscount physreg --force --no-lock batch w$n.txt >/dev/null 2>sc.u$n || fail "syscount physreg --no-lock batch: $(cat sc.u$n)"
    assert_eq "$(hex $(( ~(0x33000000 + n - 1) & 0xFFFFFFFF )))" "$(bb_rd "$live")" "liveness after the batch of $n writes"
    syscount gpio_ioctl_loop /dev/gpiochip0 4 $n >/dev/null 2>sc.g$n || fail "syscount gpio_ioctl_loop: $(cat sc.g$n)"
    for k in r w u g; do
        f=sc.$k$n
        case $k in r) what=physreg_batch_read ;; w) what=physreg_batch_write ;;
            u) what=physreg_batch_write_nolock ;; g) what=gpio_ioctl_loop ;; esac
        perf "c_${what}_N${n}_total" "$(sc_total $f)" syscalls
        perf "c_${what}_N${n}_write" "$(sc_nr $f $NR_WRITE)" syscalls
        perf "c_${what}_N${n}_read" "$(sc_nr $f $NR_READ)" syscalls
        perf "c_${what}_N${n}_flock" "$(sc_nr $f $NR_FLOCK)" syscalls
        perf "c_${what}_N${n}_ioctl" "$(sc_nr $f $NR_IOCTL)" syscalls
        perf "c_${what}_N${n}_rest" "$(rest $f)" syscalls
    done
done
for k in r w u; do
    note "physreg batch ($k) by number, N=10:   $(sed -n 's/^syscount: nr=\([0-9]*\) count=\([0-9]*\)/\1:\2/p' sc.${k}10 | tr '\n' ' ')"
    note "physreg batch ($k) by number, N=1000: $(sed -n 's/^syscount: nr=\([0-9]*\) count=\([0-9]*\)/\1:\2/p' sc.${k}1000 | tr '\n' ' ')"
done
note "gpio_ioctl_loop by number, N=1000: $(sed -n 's/^syscount: nr=\([0-9]*\) count=\([0-9]*\)/\1:\2/p' sc.g1000 | tr '\n' ' ')"

note "(c) counted at $(uptime_cs)0 ms of uptime"

# What grows with N, system call by system call (N=10 to N=1000), and why:
#   write (64): one per 16 KiB of output, in whole lines (batch holds its output, and its
#               SIGBUS handler writes what is held before the error): N=1000 prints 23-26 KB;
#   read (63):  reading the input file with a doubling buffer: logarithmic in its size.
# flock (32) does not grow: a batch takes the write lock once, at its first write.
# Nothing else may grow: the register accesses themselves are loads and stores.
name_of() {
    case $1 in
        25) echo fcntl ;; 29) echo ioctl ;; 32) echo flock ;; 48) echo faccessat ;;
        56) echo openat ;; 57) echo close ;; 63) echo read ;; 64) echo write ;;
        79) echo newfstatat ;; 80) echo fstat ;; 214) echo brk ;; 215) echo munmap ;;
        216) echo mremap ;; 222) echo mmap ;; 226) echo mprotect ;; *) echo "nr$1" ;;
    esac
}
grown=""
for k in r w u g; do
    nrs=$(sed -n 's/^syscount: nr=\([0-9]*\) .*/\1/p' sc.${k}10 sc.${k}1000 | sort -nu)
    for nr in $nrs; do
        d=$(( $(sc_nr sc.${k}1000 "$nr") - $(sc_nr sc.${k}10 "$nr") ))
        [ "$d" = 0 ] && continue
        perf "c_growth_${k}_$(name_of "$nr")" "$d" syscalls
        case $k:$nr in
            [rwu]:64) [ "$d" -le 2 ] && continue; want="at most 2" ;; # write
            [rwu]:63) [ "$d" -le 12 ] && continue; want="at most 12" ;; # read
            g:29) want=990 ;; # ioctl
            *) want=0 ;;
        esac
        [ "$d" = "$want" ] && continue
        grown="$grown; $k: $(name_of "$nr") +$d (expected $want)"
    done
done
# The kernel driver's way: one ioctl per access.
for n in 10 100 1000; do
    assert_eq $((n + 1)) "$(sc_nr sc.g$n $NR_IOCTL)" "gpio_ioctl_loop N=$n: ioctl() calls (N + the line request)"
done
assert_eq 990 $(( $(sc_total sc.g1000) - $(sc_total sc.g10) )) "gpio_ioctl_loop: system calls added from N=10 to N=1000"
assert_eq 0 "$(sc_nr sc.u1000 $NR_FLOCK)" "physreg --no-lock batch: flock() calls"
assert_eq 0 "$(sc_nr sc.r1000 $NR_FLOCK)" "physreg batch of reads: flock() calls"
assert_eq 2 "$(sc_nr sc.w1000 $NR_FLOCK)" "physreg batch of 1000 writes: flock() calls (lock once, unlock once)"
# r = batch of reads, w = batch of writes, u = writes with --no-lock, g = gpio_ioctl_loop.
if [ -n "$grown" ]; then
    fail "system calls that grow with the number of register accesses (N=10 -> 1000)${grown}"
fi
ok "physreg batch: only output write() (per 16 KiB) and input read() grow with N"
