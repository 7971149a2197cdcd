#!/usr/bin/env bash
# Installs what the QEMU board test suite needs, idempotently:
#   - host packages qemu-system-arm and cpio (apt-get, only if missing)
#   - the Rust target aarch64-unknown-linux-musl (rustup, only if missing)
#   - Debian arm64 packages, downloaded with a private apt state (never touches the
#     host's package lists) and unpacked into the asset cache:
#       linux-image-cloud-arm64's versioned package -> kernel for QEMU virt
#       linux-image-arm64's versioned package       -> kernel + bcm2837-rpi-3-b.dtb for raspi3b
#       busybox-static                              -> the guest's shell and the peer devmem
#
# Asset cache: $PHYSREG_QEMU_ASSETS (default: <repo>/target/qemu-assets). Once complete it is
# reused without any network access; PHYSREG_QEMU_REFRESH=1 downloads the newest packages again.
#
# Exit codes: 0 ready; 77 installing is impossible here (no network, not root, no apt):
# a loud "QEMU SUITE SKIPPED" banner is printed and callers skip the QEMU part only;
# any other non-zero code is a real error.
set -euo pipefail

SKIP_CODE=77
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ASSETS=${PHYSREG_QEMU_ASSETS:-$ROOT/target/qemu-assets}
TARGET=aarch64-unknown-linux-musl

log() { printf 'qemu-setup: %s\n' "$*" >&2; }
die() { printf 'qemu-setup: error: %s\n' "$*" >&2; exit 1; }

skip() {
    {
        echo
        echo "################################################################"
        echo "#"
        echo "#   QEMU SUITE SKIPPED: $1"
        echo "#"
        echo "#   The QEMU board tests did NOT run. Nothing was tested on the"
        echo "#   emulated boards (virt, raspi3b). Other test suites are"
        echo "#   unaffected. See docs/testing.md for what tests/qemu/setup.sh"
        echo "#   needs (root or the packages installed, and access to the"
        echo "#   Debian archive and rustup)."
        echo "#"
        echo "################################################################"
        echo
    } >&2
    exit "$SKIP_CODE"
}

is_root() { [ "$(id -u)" = 0 ]; }

# Runs a command with a time bound; prints its output only when it fails.
quiet_bounded() {
    local secs=$1; shift
    local out
    if out=$(timeout -k 10 "$secs" "$@" 2>&1); then
        return 0
    else
        local rc=$?
        printf '%s\n' "$out" | tail -n 15 >&2
        return "$rc"
    fi
}

# ---- 1. host packages -------------------------------------------------------------------
need_pkgs=()
command -v qemu-system-aarch64 >/dev/null 2>&1 || need_pkgs+=(qemu-system-arm)
command -v cpio >/dev/null 2>&1 || need_pkgs+=(cpio)
for tool in gzip timeout dpkg-deb; do
    command -v "$tool" >/dev/null 2>&1 || die "required host tool '$tool' not found"
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || skip "${need_pkgs[*]} missing and no apt-get on this machine"
    is_root || skip "${need_pkgs[*]} missing and not root (run: sudo apt-get install --no-install-recommends ${need_pkgs[*]})"
    log "installing ${need_pkgs[*]}"
    quiet_bounded 300 apt-get update || skip "apt-get update failed (no network?)"
    DEBIAN_FRONTEND=noninteractive quiet_bounded 600 \
        apt-get install -y --no-install-recommends "${need_pkgs[@]}" \
        || skip "apt-get install ${need_pkgs[*]} failed (no network?)"
    command -v qemu-system-aarch64 >/dev/null 2>&1 || die "qemu-system-aarch64 still missing after install"
fi

# ---- 2. Rust target ---------------------------------------------------------------------
if command -v rustup >/dev/null 2>&1; then
    if ! rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
        log "adding Rust target $TARGET"
        quiet_bounded 600 rustup target add "$TARGET" || skip "rustup target add $TARGET failed (no network?)"
    fi
else
    # No rustup: accept a toolchain that already has the target's standard library.
    sysroot=$(rustc --print sysroot 2>/dev/null) || skip "no rustup and no rustc"
    [ -d "$sysroot/lib/rustlib/$TARGET" ] || skip "no rustup to add the Rust target $TARGET"
fi

# ---- 3. Debian arm64 kernel, device tree and busybox ------------------------------------
STAMP=$ASSETS/.complete
if [ -f "$STAMP" ] && [ "${PHYSREG_QEMU_REFRESH:-0}" != 1 ]; then
    all_there=1
    for f in virt/vmlinuz raspi3b/vmlinuz raspi3b/bcm2837-rpi-3-b.dtb busybox; do
        [ -s "$ASSETS/$f" ] || all_there=0
    done
    if [ "$all_there" = 1 ]; then
        log "assets ready in $ASSETS ($(paste -sd';' "$STAMP"))"
        exit 0
    fi
fi

command -v apt-get >/dev/null 2>&1 || skip "no apt-get to download the Debian arm64 kernel and busybox"
mkdir -p "$ASSETS" || die "cannot create $ASSETS"
APTDIR=$ASSETS/apt
DEBS=$ASSETS/debs
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$DEBS"
: >"$APTDIR/status"
# A private apt state: own package lists, cache and (empty) dpkg status, arm64 only.
# The host's sources are reused. Sandbox user root: the files land in our own folder.
APT_OPTS=(
    -o APT::Architecture=arm64 -o APT::Architectures=arm64
    -o Dir::State::Lists="$APTDIR/lists"
    -o Dir::Cache="$APTDIR/cache"
    -o Dir::State::status="$APTDIR/status"
    -o Acquire::Retries=3
)
# As root, apt would hand the download to user _apt, who cannot write to our folder.
is_root && APT_OPTS+=(-o APT::Sandbox::User=root)
log "updating the arm64 package lists (private state in $APTDIR)"
update_out=$(timeout -k 10 300 apt-get "${APT_OPTS[@]}" update 2>&1) || {
    printf '%s\n' "$update_out" | tail -n 15 >&2
    skip "apt-get update for arm64 failed (no network?)"
}
# apt-get update exits 0 when it cannot reach a source: check that lists arrived.
if ! ls "$APTDIR/lists/"*_Packages* >/dev/null 2>&1; then
    printf '%s\n' "$update_out" | grep -E '^(W|E|Err):' | head -n 10 >&2
    skip "apt-get update fetched no arm64 package list (no network to the Debian archive?)"
fi

# The versioned package a metapackage depends on, e.g. linux-image-6.1.0-28-cloud-arm64.
versioned_dep() {
    local meta=$1 dep
    dep=$(apt-cache "${APT_OPTS[@]}" depends "$meta" 2>/dev/null \
        | sed -n 's/^ *Depends: *\(linux-image-[0-9][^ ]*\).*/\1/p' | head -n 1)
    [ -n "$dep" ] || die "cannot find the versioned kernel package that $meta depends on"
    printf '%s\n' "$dep"
}
VIRT_PKG=$(versioned_dep linux-image-cloud-arm64)
RPI_PKG=$(versioned_dep linux-image-arm64)
log "downloading $VIRT_PKG, $RPI_PKG, busybox-static"
rm -f "$DEBS"/*.deb
(cd "$DEBS" && quiet_bounded 600 apt-get "${APT_OPTS[@]}" download "$VIRT_PKG" "$RPI_PKG" busybox-static) \
    || skip "apt-get download of the arm64 packages failed (no network?)"

only_deb() {
    local pattern=$1 f
    # shellcheck disable=SC2086 # the pattern is a glob
    set -- "$DEBS"/$pattern
    if [ $# != 1 ] || [ ! -f "$1" ]; then die "expected exactly one $pattern in $DEBS"; fi
    printf '%s\n' "$1"
}
VIRT_DEB=$(only_deb "${VIRT_PKG}_*.deb")
RPI_DEB=$(only_deb "${RPI_PKG}_*.deb")
BB_DEB=$(only_deb "busybox-static_*.deb")

rm -f "$STAMP"  # incomplete until every file below is in place
# Unpack only the files the suite uses (the full arm64 kernel package is ~450 MB of modules).
WORK=$ASSETS/.unpack
rm -rf "$WORK"
mkdir -p "$WORK/virt" "$WORK/rpi" "$WORK/bb"
dpkg-deb --fsys-tarfile "$VIRT_DEB" | tar -x -C "$WORK/virt" --wildcards './boot/vmlinuz-*' './boot/config-*' \
    || die "cannot unpack $VIRT_DEB"
dpkg-deb --fsys-tarfile "$RPI_DEB" | tar -x -C "$WORK/rpi" --wildcards './boot/vmlinuz-*' './boot/config-*' \
    './usr/lib/linux-image-*/broadcom/bcm2837-rpi-3-b.dtb' || die "cannot unpack $RPI_DEB"
dpkg-deb -x "$BB_DEB" "$WORK/bb" || die "cannot unpack $BB_DEB"

install_one() { # src dst
    [ -s "$1" ] || die "missing $1 in the downloaded package"
    mkdir -p "$(dirname "$2")"
    cp -f "$1" "$2.tmp" && mv -f "$2.tmp" "$2"
}
set -- "$WORK"/virt/boot/vmlinuz-*;  install_one "$1" "$ASSETS/virt/vmlinuz"
set -- "$WORK"/virt/boot/config-*;   install_one "$1" "$ASSETS/virt/config"
set -- "$WORK"/rpi/boot/vmlinuz-*;   install_one "$1" "$ASSETS/raspi3b/vmlinuz"
set -- "$WORK"/rpi/boot/config-*;    install_one "$1" "$ASSETS/raspi3b/config"
set -- "$WORK"/rpi/usr/lib/linux-image-*/broadcom/bcm2837-rpi-3-b.dtb
install_one "$1" "$ASSETS/raspi3b/bcm2837-rpi-3-b.dtb"
install_one "$WORK/bb/bin/busybox" "$ASSETS/busybox"
chmod 755 "$ASSETS/busybox"

pkgver() { dpkg-deb -f "$1" Package Version | sed 's/^[^:]*: //' | paste -sd' '; }
{
    echo "virt: $(pkgver "$VIRT_DEB")"
    echo "raspi3b: $(pkgver "$RPI_DEB")"
    echo "busybox: $(pkgver "$BB_DEB")"
} >"$STAMP.tmp"
rm -rf "$WORK" "$DEBS"
mv -f "$STAMP.tmp" "$STAMP"
log "assets ready in $ASSETS ($(paste -sd';' "$STAMP"))"
