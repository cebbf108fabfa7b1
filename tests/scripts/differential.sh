#!/usr/bin/env bash
# Runs an i386 program natively and under gate386; stdout, stderr and exit status must match.
# usage: differential.sh GATE386 PROGRAM [ARGS...]
set -u
gate=$1; shift
prog=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/native" "$dir/emu"
( cd "$dir/native" && timeout 60 "$prog" "${@:2}" </dev/null >"$dir/n.out" 2>"$dir/n.err" ); n_status=$?
( cd "$dir/emu" && timeout 60 "$gate" "$prog" "${@:2}" </dev/null >"$dir/e.out" 2>"$dir/e.err" ); e_status=$?
# A guest killed by a fault makes gate386 report it in one line (the native run has no such
# line: there the kernel kills silently). That report is gate386's, not the program's output.
sed -i -E '/^gate386: guest SIG[A-Z]+ at eip=0x[0-9a-f]{8} addr=0x[0-9a-f]{8}$/d' "$dir/e.err"
fail=0
if ! cmp -s "$dir/n.out" "$dir/e.out"; then
  echo "stdout differs ($prog):"; diff "$dir/n.out" "$dir/e.out" | head -40; fail=1
fi
if ! cmp -s "$dir/n.err" "$dir/e.err"; then
  echo "stderr differs ($prog):"; diff "$dir/n.err" "$dir/e.err" | head -40; fail=1
fi
if [ "$n_status" != "$e_status" ]; then
  echo "exit status differs ($prog): native $n_status, gate386 $e_status"; fail=1
fi
[ $fail = 0 ] && echo "identical: $(basename "$prog") (status $n_status, $(wc -c <"$dir/n.out") bytes of stdout)"
exit $fail
