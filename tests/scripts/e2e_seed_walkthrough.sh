#!/usr/bin/env bash
# Runs the shared seed walkthrough (../shared/acceptance/seed-walkthrough.sh) unmodified.
#
# Two of its checks grep `readelf --symbols` for '__kernel_vsyscall@@LINUX_2.5'. binutils 2.40
# readelf without -W cuts every versioned dynamic symbol to 21 columns ("__ker[...]@@LINUX_2.5";
# it does the same to this host's own libc.so.6), so no image can pass those two as written. For
# exactly those two, this wrapper checks the same property with `readelf -W` on the page the
# article's program dumped under gate386; any other failure fails the test.
# usage: e2e_seed_walkthrough.sh GATE386 GUESTDIR
set -u
G=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
# The script belongs to the shared project directory next to this repository (or wherever
# GATE386_SHARED_DIR says). A clone without it cannot run it: the test is then skipped (77, ctest's
# SKIP_RETURN_CODE for it); e2e_demo checks the same article steps from the repository alone.
shared=${GATE386_SHARED_DIR:-$here/../../../shared}
script=$shared/acceptance/seed-walkthrough.sh
if [ ! -x "$script" ]; then
  echo "SKIP: no shared acceptance script at $script (set GATE386_SHARED_DIR)"
  exit 77
fi
export GATE386_ACCEPTANCE_CACHE=${GATE386_ACCEPTANCE_CACHE:-$here/../../build-deps/acceptance-cache}
out=$("$script" "$G" 2>&1)
echo "$out"
pass=0 fail=0
other=$(echo "$out" | grep '^FAIL' | grep -Ev '^FAIL article-program-dump32s?: ')
if [ -n "$other" ]; then fail=$((fail + 1)); echo "FAIL walkthrough: $other"; else pass=$((pass + 1)); fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$here/../../frontend/demo/article_dump.c
for flags in "" "-static"; do
  name=article-program${flags:+-static}-readelf-wide
  gcc -m32 -O2 $flags -o "$work/dump" "$src" || { echo "FAIL $name: compile"; fail=$((fail + 1)); continue; }
  rm -f "$work/kernel-gate.so"
  if (cd "$work" && "$G" ./dump >/dev/null 2>&1) && [ -s "$work/kernel-gate.so" ] \
     && readelf -W --symbols "$work/kernel-gate.so" | grep -q '__kernel_vsyscall@@LINUX_2.5'; then
    echo "PASS $name"; pass=$((pass + 1))
  else
    echo "FAIL $name"; fail=$((fail + 1))
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
