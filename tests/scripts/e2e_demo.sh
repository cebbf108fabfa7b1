#!/usr/bin/env bash
# `gate386 demo` (the README's first command) walks the article "What is linux-gate.so.1?" inside
# gate386. Each step's output is held against what the article shows on a 2005 kernel: the [vdso]
# line of /proc/self/maps, the page read out of /proc/self/mem, file(1) and objdump(1) on it, the
# exact bytes of __kernel_vsyscall, the auxiliary vector, ldd, the article's own program, and the
# int $0x80 page of a CPU without working SEP.
# usage: e2e_demo.sh GATE386 GUESTDIR
set -u
G=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
check() {  # check NAME GREP-ARGS...: a line of the demo's output matches
  local name=$1; shift
  if grep -q "$@" "$work/out"; then echo "PASS $name"; pass=$((pass + 1))
  else echo "FAIL $name: no line matches $*"; fail=$((fail + 1)); fi
}
(cd "$work" && timeout 300 "$G" demo) >"$work/out" 2>&1
status=$?
if [ "$status" = 0 ]; then echo "PASS demo exits 0"; pass=$((pass + 1))
else echo "FAIL demo exit status $status"; tail -20 "$work/out"; fail=$((fail + 1)); fi

check "maps: the vDSO page" -E '^ffffe000-fffff000 r-xp 00000000 00:00 0 +\[vdso\]$'
check "maps: the stack" -E '^[0-9a-f]{8}-c0000000 rw-p 00000000 00:00 0 +\[stack\]$'
check "dd out of /proc/self/mem" -Fx '1+0 records out'
check "file -b" -E '^ELF 32-bit LSB shared object, Intel 80386, version 1 \(SYSV\)'
check "objdump -T __kernel_vsyscall" -P '^ffffe400 g +DF \.text\t00000014 +LINUX_2\.5 +__kernel_vsyscall$'
check "objdump -T __kernel_sigreturn" -P '^ffffe420 g +DF \.text\t00000008 +LINUX_2\.5 +__kernel_sigreturn$'
check "objdump -T __kernel_rt_sigreturn" -P '^ffffe440 g +DF \.text\t00000007 +LINUX_2\.5 +__kernel_rt_sigreturn$'
# __kernel_vsyscall of the sysenter page, byte for byte as in 2.6-era kernels.
bytes=$(grep -E '^ffffe4(0[0-9a-f]|1[0-3]):' "$work/out" | head -17 | awk -F'\t' '{gsub(/ +$/, "", $2); print $1 $2}' | tr '\n' ' ')
want='ffffe400:51 ffffe401:52 ffffe402:55 ffffe403:89 e5 ffffe405:0f 34 ffffe407:90 ffffe408:90 ffffe409:90 ffffe40a:90 ffffe40b:90 ffffe40c:90 ffffe40d:90 ffffe40e:eb f3 ffffe410:5d ffffe411:5a ffffe412:59 ffffe413:c3 '
if [ "$bytes" = "$want" ]; then echo "PASS __kernel_vsyscall bytes"; pass=$((pass + 1))
else echo "FAIL __kernel_vsyscall bytes: $bytes"; fail=$((fail + 1)); fi
check "objdump names the restart jmp" -P '^ffffe40e:\teb f3 +\tjmp +ffffe403 <__kernel_vsyscall\+0x3>$'
check "auxv AT_SYSINFO" -E '^AT_SYSINFO: +0xffffe400$'
check "auxv AT_SYSINFO_EHDR" -E '^AT_SYSINFO_EHDR: +0xffffe000$'
check "auxv AT_HWCAP has sep" -E '^AT_HWCAP:.* sep( |$)'
check "ldd lists linux-gate.so.1" -P '^\tlinux-gate\.so\.1 \(0xffffe000\)$'
check "the article's program" -E '^wrote 4096 bytes of linux-gate.so.1 to kernel-gate.so$'
check "readelf on what it wrote" -P '^ +1: ffffe400 +20 FUNC +GLOBAL DEFAULT +7 __kernel_vsyscall$'
check "pentiumpro: int \$0x80 page" -P '^ffffe400:\tcd 80 +\tint +\$0x80$'
check "pentiumpro: then ret" -P '^ffffe402:\tc3 +\tret *$'
check "every step ran" -E '^([0-9]+) of \1 steps ran cleanly\.$'
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
