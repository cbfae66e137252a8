#!/usr/bin/env bash
# check-install.sh [BUILD_DIR] - install a build (default build/release) to a temporary
# prefix, check what was installed, then build and run examples/miniport.c against it
# the two ways a user would: pkg-config (examples/pkgconfig/Makefile) and find_package
# (examples/cmake/, shared and static). Exits non-zero on the first failure.
# `make check` runs it after `make build`.
# check-install.sh --installed PREFIX - the same checks of what is installed in PREFIX
# already (/usr, by the Debian packages: tools/check-debian.sh).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vpspin-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
step() { echo "check-install: $*"; }
die() { echo "check-install: FAILED: $*" >&2; exit 1; }

if [ "${1:-}" = --installed ]; then
    prefix=${2:?check-install: --installed needs a prefix}
else
    build=${1:-$root/build/release}
    [ -f "$build/CMakeCache.txt" ] || die "no build in $build (run: make build)"
    prefix=$work/prefix
    step "cmake --install $build --prefix $prefix"
    cmake --install "$build" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; die "install"; }
fi

# What was installed. The library directory is whatever GNUInstallDirs chose (lib, lib64...).
pc=$(find "$prefix"/lib* -name vpspin.pc -path '*/pkgconfig/*' | head -1)
[ -n "$pc" ] || die "no vpspin.pc installed"
libdir=$(dirname "$(dirname "$pc")")
for f in include/vpspin/wdm.h include/vpspin/video.h include/vpspin/vpspin.h \
         include/vpspin/adapter.h bin/vpspin-run share/man/man1/vpspin-run.1 \
         include/vpspin/wdk/miniport.h include/vpspin/wdk/video.h include/vpspin/wdk/ntdef.h \
         share/man/man7/vpspin.7 share/man/man3/VideoPortAcquireSpinLock.3; do
    [ -f "$prefix/$f" ] || [ -f "$prefix/$f.gz" ] || die "$f not installed" # (.gz: a package's)
done
# The programs (when built: the benchmark is optional), each with its page.
for tool in vpspin-demo vpspin-torture vpspin-torture-miniport vpspin-bench vpspin-host-bench; do
    [ -x "$prefix/bin/$tool" ] || { case $tool in *bench) continue ;; esac; die "bin/$tool not installed"; }
    [ -f "$prefix/share/man/man1/$tool.1" ] || [ -f "$prefix/share/man/man1/$tool.1.gz" ] ||
        die "share/man/man1/$tool.1 not installed"
done
for f in libvpspin.so libvpspin.so.0 libvpspin.a pkgconfig/vpspin-wdk.pc cmake/vpspin/vpspinConfig.cmake \
         cmake/vpspin/vpspinConfigVersion.cmake cmake/vpspin/vpspinTargets.cmake; do
    [ -e "$libdir/$f" ] || die "$libdir/$f not installed"
done
soname=$(readelf -d "$libdir/libvpspin.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libvpspin.so.0 ] || die "SONAME is '$soname', not libvpspin.so.0"
MANPATH= man -M "$prefix/share/man" -P cat VideoPortReleaseSpinLock 2>&1 | grep '^NAME' >/dev/null ||
    die "man -M $prefix/share/man VideoPortReleaseSpinLock"
step "installed: headers, $soname, libvpspin.a, vpspin.pc, CMake package, programs (vpspin-run too), man pages"

# Whether exe (run with the environment given after it) loads libvpspin.so.0 from $libdir
# (the same directory, /lib and /usr/lib being one on a merged-/usr system).
loads_installed() {
    local exe=$1; shift
    local lib
    lib=$(env "$@" ldd "$exe" | sed -n 's/.*libvpspin\.so\.0 => \([^ ]*\).*/\1/p')
    [ -n "$lib" ] && [ "$(readlink -f "$(dirname "$lib")")" = "$(readlink -f "$libdir")" ]
}

# Runs an example (with the environment given after it), and checks it loaded the
# installed shared library, not the build tree's; "static" instead of an environment
# checks it loads none.
run() {
    local exe=$1; shift
    if [ "${1:-}" = static ]; then
        shift
        ! ldd "$exe" | grep libvpspin >/dev/null || die "$exe is meant to be static but loads libvpspin"
    else
        loads_installed "$exe" "$@" ||
            die "$exe does not load $libdir/libvpspin.so.0: $(env "$@" ldd "$exe" | grep vpspin)"
    fi
    env "$@" "$exe" || die "$exe exited $?"
}

step "pkg-config: $(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs vpspin)"
mkdir "$work/pc"
PKG_CONFIG_PATH=$(dirname "$pc") make -s -C "$work/pc" -f "$root/examples/pkgconfig/Makefile" \
    CFLAGS="-O2 -Wall -Wextra -Werror" || die "build with examples/pkgconfig/Makefile"
run "$work/pc/miniport" LD_LIBRARY_PATH="$libdir"

gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
for kind in shared static; do
    step "find_package(vpspin): vpspin::vpspin$([ $kind = static ] && echo _static)"
    option=OFF; [ $kind = static ] && option=ON
    cmake -S "$root/examples/cmake" -B "$work/cmake-$kind" "${gen[@]}" \
        -DCMAKE_PREFIX_PATH="$prefix" -DVPSPIN_EXAMPLE_STATIC=$option \
        -DCMAKE_C_FLAGS="-Werror" >"$work/cmake.log" ||
        { cat "$work/cmake.log"; die "configure examples/cmake ($kind)"; }
    cmake --build "$work/cmake-$kind" >"$work/build.log" ||
        { cat "$work/build.log"; die "build examples/cmake ($kind)"; }
    if [ $kind = static ]; then run "$work/cmake-$kind/miniport" static; else run "$work/cmake-$kind/miniport"; fi
done

step "the installed demo: vpspin-demo --seconds 1"
loads_installed "$prefix/bin/vpspin-demo" LD_LIBRARY_PATH="$libdir" ||
    die "$prefix/bin/vpspin-demo does not load $libdir/libvpspin.so.0"
env LD_LIBRARY_PATH="$libdir" "$prefix/bin/vpspin-demo" --seconds 1 >"$work/demo.log" 2>&1 ||
    { cat "$work/demo.log"; die "vpspin-demo exited $?"; }
tail -n 1 "$work/demo.log" | grep -qx OK || die "vpspin-demo did not end with OK"
# The WDK header names, as a miniport is built with them: pkg-config vpspin-wdk and vpspin::wdk.
cat >"$work/wdk.c" <<'EOF2'
#include <dderror.h>
#include <devioctl.h>
#include <miniport.h>
#include <ntddvdeo.h>
#include <video.h>
int main(void)
{
    static const WCHAR name[] = L"ok";
    PHYSICAL_ADDRESS pa = {{0x10, 0}};
    return sizeof name == 3 * sizeof(WCHAR) && pa.LowPart == 0x10 &&
                   VideoPortGetCurrentIrql() == 0 ? 0 : 1;
}
EOF2
wdk_flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs vpspin-wdk) || die "pkg-config vpspin-wdk"
step "pkg-config vpspin-wdk: $wdk_flags"
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -pedantic -Werror -o "$work/wdk" "$work/wdk.c" $wdk_flags ||
    die "build a WDK-header program with pkg-config vpspin-wdk"
run "$work/wdk" LD_LIBRARY_PATH="$libdir"
mkdir "$work/wdk-cmake"
cat >"$work/wdk-cmake/CMakeLists.txt" <<'EOF2'
cmake_minimum_required(VERSION 3.16)
project(wdk_check LANGUAGES C)
find_package(vpspin REQUIRED)
add_executable(wdk ../wdk.c)
target_link_libraries(wdk PRIVATE vpspin::wdk)
EOF2
step "find_package(vpspin): vpspin::wdk"
cmake -S "$work/wdk-cmake" -B "$work/wdk-cmake/build" "${gen[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_FLAGS="-Wall -Wextra -pedantic -Werror" >"$work/cmake.log" ||
    { cat "$work/cmake.log"; die "configure the vpspin::wdk check"; }
cmake --build "$work/wdk-cmake/build" >"$work/build.log" || { cat "$work/build.log"; die "build with vpspin::wdk"; }
run "$work/wdk-cmake/build/wdk"

# A miniport and its device model built as shared objects against the install (the
# sample's sources), run by the installed vpspin-run on a description of its adapter.
step "vpspin-run: the sample miniport and its model, built with pkg-config vpspin"
vp_flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs vpspin)
# shellcheck disable=SC2086
cc -shared -fPIC -Wall -Wextra -Werror -o "$work/vpdemo.so" "$root/demo/miniport/vpdemo.c" \
    "$root/demo/miniport/driver_entry.c" $vp_flags || die "build vpdemo.so"
# shellcheck disable=SC2086
cc -shared -fPIC -Wall -Wextra -Werror -o "$work/vpdemo-model.so" \
    "$root/demo/miniport/vpdemo_model.c" "$root/demo/miniport/vpdemo_plugin.c" $vp_flags ||
    die "build vpdemo-model.so"
cp "$root/demo/vpdemo.dev" "$work/"
LD_LIBRARY_PATH="$libdir" "$prefix/bin/vpspin-run" --device "$work/vpdemo.dev" \
    --ioctl 0x232000 --final 0x232010 --seconds 1 "$work/vpdemo.so" >"$work/run.log" 2>&1 ||
    { cat "$work/run.log"; die "the installed vpspin-run on vpdemo.so"; }
tail -1 "$work/run.log" | grep -qx OK || { cat "$work/run.log"; die "vpspin-run did not say OK"; }

step "OK"
