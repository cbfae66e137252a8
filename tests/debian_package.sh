#!/bin/sh
# debian_package.sh DEBIAN_DIR VERSION SOVERSION SYMBOLS... - debian/ agrees with the build:
# the changelog's version is the project's, the shared library package is named after
# the soname, and its symbols file lists exactly the functions the library exports
# (the SYMBOLS lists: docs/exported-symbols.txt and docs/interposed-symbols.txt, which the
# test exported_symbols holds to the library). The package build itself fails if the library and the symbols file differ
# (dpkg-gensymbols -c4, debian/rules); this catches the drift before a package is built.
set -eu
debian=$1 version=$2 so=$3
shift 3
status=0
fail() { echo "$*"; status=1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

top=$(sed -n '1s/^vpspin (\([^)]*\)).*/\1/p' "$debian/changelog")
[ "$top" = "$version" ] || fail "debian/changelog is at '$top', the project at $version"

grep -qx "Package: libvpspin$so" "$debian/control" || fail "debian/control has no package libvpspin$so"
[ -f "$debian/libvpspin$so.symbols" ] || { echo "no $debian/libvpspin$so.symbols"; exit 1; }
head -1 "$debian/libvpspin$so.symbols" | grep -qx "libvpspin.so.$so libvpspin$so #MINVER#" ||
    fail "debian/libvpspin$so.symbols does not start with 'libvpspin.so.$so libvpspin$so #MINVER#'"

sed -n 's/^ \([^@ ]*\)@Base .*/\1/p' "$debian/libvpspin$so.symbols" | LC_ALL=C sort >"$tmp/deb"
cat "$@" | sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' | LC_ALL=C sort >"$tmp/api"
missing=$(LC_ALL=C comm -13 "$tmp/deb" "$tmp/api")
extra=$(LC_ALL=C comm -23 "$tmp/deb" "$tmp/api")
[ -z "$missing" ] || fail "exported but not in debian/libvpspin$so.symbols (add with the version that adds it):
$missing"
[ -z "$extra" ] || fail "in debian/libvpspin$so.symbols but not exported (an ABI break: bump the soname):
$extra"
[ $status = 0 ] && echo "debian/: version $version, libvpspin$so, $(wc -l <"$tmp/deb") symbols as exported"
exit $status
