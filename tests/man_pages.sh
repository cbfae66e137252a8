#!/bin/sh
# man_pages.sh MANDIR SYMBOLS INCLUDEDIR VERSION - the man pages format without a single
# warning, every exported function (SYMBOLS, docs/exported-symbols.txt) and every
# function-like macro of the public headers (in vpspin/wdk/, those named like services)
# has a page (a real one, or a .so link to the
# page that documents it, listing the name in its NAME section), no page is left for a
# name that no longer exists, and every real page says it is vpspin VERSION.
set -eu
mandir=$1 symbols=$2 includedir=$3 version=$4
command -v man >/dev/null || { echo "man not found (Debian: apt-get install man-db groff-base)"; exit 1; }
symbols=$(cd "$(dirname "$symbols")" && pwd)/$(basename "$symbols")
includedir=$(cd "$includedir" && pwd)
cd "$mandir"
export LC_ALL=C.UTF-8 MANWIDTH=80
status=0
fail() { echo "$*"; status=1; }

# 1. Every page formats with all of groff's warnings on, and prints none. A .so link is
#    resolved relative to $mandir, so a link to a missing page warns too.
pages=0
for page in man1/*.1 man3/*.3 man7/*.7; do
    pages=$((pages + 1))
    out=$(man --warnings=w -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null) || fail "$page: man failed"
    [ -z "$out" ] || fail "$page: $out"
done

# 2. Every name has its page, and the page it resolves to lists it under NAME.
names=$( {
    sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$symbols"
    sed -n 's/^#define \([A-Za-z_][A-Za-z_0-9]*\)(.*/\1/p' "$includedir"/vpspin/*.h
    # The WDK headers' macros that stand for services (KeRaiseIrql, KeMemoryBarrier ...);
    # not their language macros (SAL, CTL_CODE, FIELD_OFFSET ...).
    sed -n 's/^#define \(\(Ke\|Kf\|VideoPort\|Ex\|Dbg\)[A-Za-z_0-9]*\)(.*/\1/p' \
        "$includedir"/vpspin/wdk/*.h
} | LC_ALL=C sort -u)
for name in $names; do
    page=man3/$name.3
    [ -f "$page" ] || { fail "$name: no page $mandir/$page"; continue; }
    target=$(sed -n '1s/^\.so //p' "$page")
    [ -n "$target" ] || target=$page
    [ -f "$target" ] || { fail "$page: links to missing $target"; continue; }
    awk -v name="$name" '
        /^\.SH/ { insec = ($0 ~ /^\.SH "?NAME"?$/); next }
        insec { n = split($0, w, /[ ,]+/); for (i = 1; i <= n; i++) if (w[i] == name) found = 1 }
        END { exit !found }' "$target" || fail "$target: $name is not in its NAME section"
done

# 3. No page for a name that is neither exported nor a macro of the headers.
for page in man3/*.3; do
    name=$(basename "$page" .3)
    echo "$names" | grep -qx "$name" || fail "$page: $name is not a public function or macro"
done

# 4. Real pages carry the project's version.
for page in man1/*.1 man3/*.3 man7/*.7; do
    head -1 "$page" | grep -q '^\.so ' && continue
    head -1 "$page" | grep -q "^\.TH .* \"vpspin $version\"" ||
        fail "$page: .TH does not say \"vpspin $version\" (the project's version)"
done

[ $status = 0 ] && echo "$pages man pages, no warnings; all $(echo "$names" | wc -l) public names documented"
exit $status
