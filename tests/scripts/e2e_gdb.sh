#!/usr/bin/env bash
# gate386 --gdb PORT with stock gdb: gdb connects over loopback, breaks in __kernel_vsyscall
# (found through qXfer:auxv's AT_SYSINFO_EHDR and the vDSO read from memory), steps to the
# sysenter and across it, and `bt` walks out through the vDSO's CFI to the caller and main.
# Every step is bounded in time.
# usage: e2e_gdb.sh GATE386 GUESTDIR
set -u
G=$1
command -v gdb >/dev/null || { echo "SKIP: no gdb"; exit 0; }
work=$(mktemp -d)
stub=
cleanup() { [ -n "$stub" ] && kill "$stub" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

cat >"$work/prog.c" <<'EOF'
#include <unistd.h>
int main(void) {
    write(1, "through the gate\n", 17);
    return 0;
}
EOF
gcc -m32 -O1 -o "$work/prog" "$work/prog.c" || { echo "FAIL: cannot build an i386 program"; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
timeout 60 "$G" --gdb "$port" "$work/prog" >"$work/stub.out" 2>"$work/stub.err" &
stub=$!
for _ in $(seq 100); do grep -q "waiting for gdb" "$work/stub.err" 2>/dev/null && break; sleep 0.1; done
grep -q "waiting for gdb on 127.0.0.1:$port" "$work/stub.err" && ok "stub listens on 127.0.0.1:$port" || bad "stub did not start"
# Loopback only: nothing listens on the port on another address.
if grep -qi "$(printf ':%04X ' "$port")" /proc/net/tcp6 2>/dev/null; then bad "listening on IPv6"; else ok "not on IPv6"; fi

timeout 60 gdb -batch -nx "$work/prog" \
  -ex "target remote 127.0.0.1:$port" \
  -ex 'break main' -ex 'continue' \
  -ex 'break __kernel_vsyscall' -ex 'continue' \
  -ex 'print $pc' -ex 'bt' \
  -ex 'stepi 4' -ex 'print $pc' \
  -ex 'stepi' -ex 'print $pc' -ex 'print/x $edx' -ex 'bt' \
  -ex 'x/8xb 0xffffe400' -ex 'info registers eflags' \
  -ex 'delete' -ex 'continue' >"$work/gdb.out" 2>&1
gstatus=$?
wait "$stub"
sstatus=$?
stub=
expect() {
  local name=$1; shift
  if grep -q "$@" "$work/gdb.out"; then ok "$name"; else bad "$name: no line matches $*"; fi
}
[ "$gstatus" = 0 ] && ok "gdb finished" || bad "gdb status $gstatus"
[ "$sstatus" = 0 ] && ok "gate386 exited 0" || bad "gate386 status $sstatus"
expect "stops in main" -E '^Breakpoint 1, 0x[0-9a-f]+ in main \(\)$'
expect "stops at __kernel_vsyscall" -Fx 'Breakpoint 2, 0xffffe400 in __kernel_vsyscall ()'
expect "pc at the vDSO entry" -Fx '$1 = (void (*)()) 0xffffe400 <__kernel_vsyscall>'
expect "bt frame 0" -Fx '#0  0xffffe400 in __kernel_vsyscall ()'
expect "bt walks out to write" -E '^#1  0x[0-9a-f]+ in (__libc_)?write \(.*\) from .*libc\.so\.6$'
expect "bt reaches main" -E '^#2  0x[0-9a-f]+ in main \(\)$'
expect "stepi 4 reaches sysenter" -Fx '$2 = (void (*)()) 0xffffe405 <__kernel_vsyscall+5>'
expect "stepi lands on SYSENTER_RETURN" -Fx '$3 = (void (*)()) 0xffffe410 <__kernel_vsyscall+16>'
expect "edx = SYSENTER_RETURN" -Fx '$4 = 0xffffe410'
expect "bt from SYSENTER_RETURN" -Fx '#0  0xffffe410 in __kernel_vsyscall ()'
expect "x/8xb of the vDSO" -E '^0xffffe400 <__kernel_vsyscall>:.0x51.0x52.0x55.0x89.0xe5.0x0f.0x34.0x90$'
expect "program ran to its end" -E '^\[Inferior 1 \(process [0-9]+\) exited normally\]$'
grep -q "through the gate" "$work/stub.out" && ok "program output" || bad "program output missing"

echo "e2e_gdb: $pass passed, $fail failed"
[ "$fail" = 0 ] || { echo "--- gdb"; cat "$work/gdb.out"; echo "--- stub stderr"; cat "$work/stub.err"; }
[ "$fail" = 0 ]
