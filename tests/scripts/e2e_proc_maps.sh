#!/usr/bin/env bash
# /proc/self/maps under gate386 parses with the same pattern as the host kernel's own, and the
# vDSO line is exactly the 2.6 kernel's.
# usage: e2e_proc_maps.sh GATE386 GUESTDIR
set -u
G=$1
here=$(cd "$(dirname "$0")" && pwd)
bb=$here/../../build-deps/busybox-static/bin/busybox
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
# address range, perms, offset, major:minor, inode, then optional padding and a path or [name]
re='^[0-9a-f]{8,16}-[0-9a-f]{8,16} [r-][w-][x-][ps] [0-9a-f]{8} [0-9a-f]{2,3}:[0-9a-f]{2,5} [0-9]+ *( +[^ ].*)?$'
host=$(cat /proc/self/maps)
[ -z "$(echo "$host" | grep -Ev "$re")" ] && ok host-lines-match-pattern || bad host-lines-match-pattern "$(echo "$host" | grep -Ev "$re" | head -2)"
guest=$("$G" "$bb" cat /proc/self/maps 2>/dev/null)
[ -n "$guest" ] && [ -z "$(echo "$guest" | grep -Ev "$re")" ] && ok guest-lines-match-pattern \
  || bad guest-lines-match-pattern "$(echo "$guest" | grep -Ev "$re" | head -2)"
echo "$guest" | grep -Eq '^ffffe000-fffff000 r-xp 00000000 00:00 0 +\[vdso\]$' && ok vdso-line || bad vdso-line "missing"
echo "$guest" | grep -Eq '^ffffd000-ffffe000 r--p 00000000 00:00 0 +\[vvar\]$' && ok vvar-line || bad vvar-line "missing"
echo "$guest" | grep -Eq ' +\[stack\]$' && ok stack-line || bad stack-line "missing"
echo "$guest" | grep -Eq "r-xp [0-9a-f]{8} [0-9a-f:]+ [1-9][0-9]* +.*busybox$" && ok program-text-line || bad program-text-line "missing"
echo "$guest" | grep -Eq "^fffff000-" && bad top-page "mapped" || ok top-page-unmapped
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
