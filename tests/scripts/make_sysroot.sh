#!/usr/bin/env bash
# Builds a Debian i386 sysroot for the real-world tests from Debian's own packages: the listed
# programs plus the closure of their Depends/Pre-Depends, each fetched with `apt-get download
# PKG:i386` (through the configured apt sources) and unpacked with `dpkg -x` -- nothing is
# installed on the host and no maintainer script runs. The result is cached: it is rebuilt only
# when the package list (or the versions apt would pick) change.
#
# usage: make_sysroot.sh [--refresh] [DIR]   DIR defaults to build-deps/sysroot-i386 in the repository
# An existing sysroot made from the same package list is kept as it is; --refresh also asks apt
# whether any package would now come in another version, and rebuilds if so.
#
# Layout: as dpkg -x leaves it (bookworm packages are not usr-merged in their data.tar), so
# programs sit in DIR/bin, DIR/usr/bin, libraries in DIR/lib/i386-linux-gnu and
# DIR/usr/lib/i386-linux-gnu, the loader at DIR/lib/ld-linux.so.2. A few things a package's
# postinst or update-alternatives would create are made here (python3/lua/awk names).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
refresh=0
[ "${1:-}" = --refresh ] && { refresh=1; shift; }
dest=${1:-$top/build-deps/sysroot-i386}

# The programs the tests run (and libraries that are dlopen()ed, so no Depends names them).
roots=(libc6 libgcc-s1 libstdc++6 bash coreutils findutils grep sed gzip bzip2 xz-utils
       python3.11-minimal libpython3.11-stdlib sqlite3 lua5.4 file libmagic-mgc binutils perl-base
       libncursesw6 libreadline8)
# Closure members that only matter for installing a system (pulled in through essential
# packages' dependencies), not for running the programs above.
skip='^(base-files|debianutils|dpkg|install-info|tar|readline-common|mailcap|media-types|mime-support|perl|perl-modules-5\.36|libperl5\.36|gawk|original-awk|libsigsegv2|libmpfr6)$'

command -v apt-get >/dev/null || { echo "make_sysroot: apt-get is needed (Debian host)" >&2; exit 1; }
if ! dpkg --print-foreign-architectures | grep -qx i386; then
  echo "make_sysroot: the i386 architecture is not enabled (dpkg --add-architecture i386; apt-get update)" >&2
  exit 1
fi

closure() {
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
      --no-replaces --no-enhances "${roots[@]/%/:i386}" 2>/dev/null |
    grep -v '^ ' | grep -v '^<' | grep ':i386$' | sed 's/:i386$//' | grep -Ev "$skip" | sort -u
}

# One builder at a time (tests running in parallel may all find the sysroot missing).
mkdir -p "$(dirname "$dest")"
exec 9>"$dest.lock"
flock 9
# The stamp: the package list's definition, then every package with its version.
list_id="roots: ${roots[*]} skip: $skip"
if [ -f "$dest/.sysroot-stamp" ] && [ "$(head -1 "$dest/.sysroot-stamp")" = "$list_id" ] && [ $refresh = 0 ]; then
  exit 0
fi

pkgs=$(closure || true)
if [ -z "$pkgs" ]; then
  apt-get update -qq
  pkgs=$(closure)
fi
# One apt-cache call for all the candidate versions (each call reads the whole cache).
stamp=$(printf '%s\n' "$list_id"
        apt-cache policy $(for p in $pkgs; do echo "$p:i386"; done) |
          awk '/^[^ ].*:$/ {name = $1; sub(/:i386:$/, "", name); sub(/:$/, "", name)}
               /Candidate:/ {print name, $2}')
if [ -f "$dest/.sysroot-stamp" ] && [ "$(cat "$dest/.sysroot-stamp")" = "$stamp" ]; then
  exit 0
fi

echo "make_sysroot: building $dest from $(echo "$pkgs" | wc -w) Debian i386 packages" >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debs"
(cd "$work/debs" && apt-get download -qq $(for p in $pkgs; do echo "$p:i386"; done) >/dev/null 2>"$work/err") || {
  apt-get update -qq
  (cd "$work/debs" && apt-get download -qq $(for p in $pkgs; do echo "$p:i386"; done) >/dev/null) || {
    cat "$work/err" >&2
    exit 1
  }
}
root=$work/root
mkdir -p "$root"
for d in "$work"/debs/*.deb; do dpkg -x "$d" "$root"; done

# What update-alternatives and postinst scripts would have set up.
ln -sf python3.11 "$root/usr/bin/python3"
[ -e "$root/usr/bin/lua5.4" ] && ln -sf lua5.4 "$root/usr/bin/lua"
[ -e "$root/usr/bin/mawk" ] && ln -sf mawk "$root/usr/bin/awk"
[ -e "$root/bin/bash" ] && [ ! -e "$root/bin/sh" ] && ln -s bash "$root/bin/sh"
# file(1) looks for its compiled database at the configured path, /usr/lib/file/magic.mgc
# (libmagic-mgc ships /usr/share/misc/magic.mgc and the link). Nothing to do when present.
# No tmp/ (or other empty top-level directories): under -L a guest path that exists in the
# sysroot is taken from there, and /tmp must stay the host's, as it is for the native runs.
echo "$stamp" >"$root/.sysroot-stamp"

rm -rf "$dest.old"
[ -d "$dest" ] && mv "$dest" "$dest.old"
mkdir -p "$(dirname "$dest")"
mv "$root" "$dest"
rm -rf "$dest.old"
echo "make_sysroot: done ($(du -sh "$dest" | cut -f1))" >&2
