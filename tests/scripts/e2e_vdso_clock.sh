#!/usr/bin/env bash
# The vDSO's time functions answer without entering the kernel: under --strace, a program that
# calls them shows no system call for them (the parser test's explicit 2000 syscalls are the only
# clock_gettime lines), and glibc's clock_gettime/gettimeofday in a dynamic program go through
# the vDSO too.
# usage: e2e_vdso_clock.sh GATE386 GUESTDIR
set -u
G=$1 D=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
check() { if [ "$2" = "$3" ]; then echo "PASS $1"; pass=$((pass + 1)); else echo "FAIL $1: got $2, want $3"; fail=$((fail + 1)); fi; }

"$G" --strace "$D/vdso_parse" >"$work/out" 2>"$work/trace"
check parser-status $? 0
check parser-clock_gettime-syscalls "$(grep -c '^clock_gettime' "$work/trace")" 2000

cat >"$work/glibc_clock.c" <<'C'
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
int main(void) {
    struct timespec ts; struct timeval tv; long n = 0;
    for (int i = 0; i < 100; i++) { clock_gettime(CLOCK_REALTIME, &ts); clock_gettime(CLOCK_MONOTONIC, &ts);
                                    gettimeofday(&tv, 0); n += ts.tv_nsec >= 0 && tv.tv_usec >= 0; }
    printf("%ld\n", n);
    return 0;
}
C
gcc -m32 -O1 -o "$work/glibc_clock" "$work/glibc_clock.c"
"$G" --strace "$work/glibc_clock" >"$work/out2" 2>"$work/trace2"
check dynamic-status $? 0
check dynamic-output "$(cat "$work/out2")" 100
check dynamic-time-syscalls "$(grep -cE '^(clock_gettime|clock_gettime64|gettimeofday)\(' "$work/trace2")" 0
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
