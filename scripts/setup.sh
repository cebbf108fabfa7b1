#!/usr/bin/env bash
# Installs what gate386 needs on a fresh Debian 12 machine (as root) and builds it.
# usage: scripts/setup.sh [release|asan]    builds into build/ (release) or build-asan/ (sanitizers)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

packages=(cmake ninja-build g++ gcc-multilib g++-multilib libzydis-dev libzycore-dev doctest-dev
          qemu-user file binutils libsdl2-dev libimgui-dev libstb-dev libtomlplusplus-dev
          xvfb xauth xdotool gdb tmux strace)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ! dpkg --print-foreign-architectures | grep -qx i386; then
  dpkg --add-architecture i386
  missing+=(libc6:i386)
elif ! dpkg-query -W -f='${Status}' libc6:i386 2>/dev/null | grep -q 'install ok installed'; then
  missing+=(libc6:i386)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Real i386 programs the tests run: Debian's own binaries, unpacked into a cache (not installed).
cache=$top/build-deps
mkdir -p "$cache"
fetch_i386() {  # fetch_i386 PACKAGE -> unpacks into $cache/PACKAGE
  local pkg=$1
  [ -d "$cache/$pkg" ] && return 0
  local tmp; tmp=$(mktemp -d)
  ( cd "$tmp" && apt-get download -qq "$pkg:i386" >/dev/null 2>&1 ) || { apt-get update -qq; ( cd "$tmp" && apt-get download -qq "$pkg:i386" >/dev/null ); }
  dpkg -x "$tmp"/*.deb "$cache/$pkg.partial" && mv "$cache/$pkg.partial" "$cache/$pkg"
  rm -rf "$tmp"
}
fetch_i386 busybox-static
# A Debian i386 sysroot (bash, coreutils, python3, perl, ... and their libraries) for the dynamic
# real-world tests: tests/scripts/make_sysroot.sh, rebuilt only when the package set changes.
"$top/tests/scripts/make_sysroot.sh" "$cache/sysroot-i386" ||
  echo "setup: warning: no i386 sysroot; e2e_realworld and e2e_tmux_bash will try again" >&2

mode=${1:-release}
case "$mode" in
  release) dir=build; flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  asan)    dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DGATE386_SANITIZE=ON) ;;
  *) echo "setup: unknown build mode '$mode' (release or asan)" >&2; exit 2 ;;
esac
[ -f "$dir/build.ninja" ] || cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)"
