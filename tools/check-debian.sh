#!/usr/bin/env bash
# check-debian.sh [OUT_DIR] - builds the Debian packages (dpkg-buildpackage -us -uc -b, in
# a copy of the source tree so that nothing is written beside it), checks them with
# lintian (an error or warning, or lintian failing, fails; every tag is printed), installs
# them in this machine (apt-get install ./*.deb: root), checks what is installed and
# builds and runs examples/ against it with pkg-config and CMake (tools/check-install.sh
# --installed /usr), runs the installed programs, and removes the packages again.
# The .deb, .changes and .buildinfo files and lintian's output stay in OUT_DIR (default
# build/debian). Needs: dpkg-dev, debhelper, lintian, and the Build-Depends of
# debian/control (.ci/run installs them all).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$root/build/debian}" && cd "${1:-$root/build/debian}" && pwd)
step() { echo "check-debian: $*"; }
die() { echo "check-debian: FAILED: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "installing the packages needs root"

version=$(sed -n '1s/^vpspin (\([^)]*\)).*/\1/p' "$root/debian/changelog")
src=$out/vpspin-$version
rm -rf "$src" "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mkdir -p "$src"
# The tree as it is, without builds or git's files.
tar -C "$root" --exclude=./build --exclude=./.git --exclude='./obj-*' -cf - . | tar -C "$src" -xf -

step "dpkg-buildpackage -us -uc -b (log: $out/build.log)"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 ||
    { tail -n 60 "$out/build.log"; die "dpkg-buildpackage"; }
changes=$(ls "$out"/vpspin_"$version"_*.changes)
ls "$out"/*.deb | sed 's/^/  /'

step "lintian $(basename "$changes") (log: $out/lintian.log)"
status=0
lintian --fail-on error,warning --info --display-info --pedantic --tag-display-limit 0 \
    "$changes" >"$out/lintian.log" 2>&1 || status=$?
cat "$out/lintian.log"
[ "$status" = 0 ] || die "lintian exited $status (errors or warnings, or it failed)"

step "apt-get install ./*.deb"
trap 'apt-get purge -y -qq libvpspin0 libvpspin-dev vpspin-tools >/dev/null 2>&1 || true; rm -rf "$src"' EXIT
apt-get install -y -qq --no-install-recommends "$out"/libvpspin0_*.deb "$out"/libvpspin-dev_*.deb \
    "$out"/vpspin-tools_*.deb >"$out/install.log" 2>&1 || { cat "$out/install.log"; die "install"; }
dpkg -L libvpspin0 libvpspin-dev vpspin-tools >"$out/files.txt"

bash "$root/tools/check-install.sh" --installed /usr
step "vpspin-torture --seconds 1 --writers 4"
vpspin-torture --seconds 1 --writers 4 | grep SUCCESS
man -w vpspin-torture >/dev/null && man -w vpspin_load_miniport >/dev/null || die "man pages not found"
step "OK: $(ls "$out"/*.deb | grep -vc dbgsym) packages (and their -dbgsym) built, lintian clean, installed, examples built and run"
