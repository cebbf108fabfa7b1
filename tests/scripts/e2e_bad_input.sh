#!/usr/bin/env bash
# Bad input gets one clear line on stderr and a non-zero exit, never a crash.
# usage: e2e_bad_input.sh GATE386 GUESTDIR
set -u
G=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
# expect NAME STATUS REGEX -- COMMAND...: exactly one stderr line matching REGEX, exit STATUS.
expect() {
  local name=$1 want=$2 re=$3; shift 4
  "$@" >"$work/out" 2>"$work/err" </dev/null
  local got=$?
  local lines; lines=$(wc -l <"$work/err")
  if [ "$got" = "$want" ] && [ "$lines" = 1 ] && grep -Eq -- "$re" "$work/err"; then
    echo "PASS $name"; pass=$((pass + 1))
  else
    echo "FAIL $name: status $got (want $want), $lines stderr lines: $(head -3 "$work/err" | tr '\n' '|')"
    fail=$((fail + 1))
  fi
}

printf 'int main(void){return 0;}\n' >"$work/ok.c"
gcc -m32 -O1 -o "$work/ok32" "$work/ok.c"
gcc -m32 -static -O1 -o "$work/ok32s" "$work/ok.c"
gcc -m32 -O1 -Wl,--dynamic-linker=/nonexistent/ld-linux.so.2 -o "$work/nointerp32" "$work/ok.c"
printf 'hello, not a program\n' >"$work/text"
head -c 40 "$work/ok32s" >"$work/truncated_header"
head -c 60 "$work/ok32s" >"$work/truncated_phdrs"
cp "$work/ok32s" "$work/bad_phentsize"
printf '\x07\x00' | dd of="$work/bad_phentsize" bs=1 seek=42 conv=notrunc status=none
cp "$work/ok32s" "$work/arm"
printf '\x28\x00' | dd of="$work/arm" bs=1 seek=18 conv=notrunc status=none
: >"$work/empty"
mkdir "$work/dir"

expect missing-file 127 "^gate386: cannot open '$work/nope': No such file or directory$" -- "$G" "$work/nope"
expect not-an-elf 126 "^gate386: '$work/text' is not an ELF program$" -- "$G" "$work/text"
expect empty-file 126 "is not an ELF program$" -- "$G" "$work/empty"
expect directory 126 "is not a regular file$" -- "$G" "$work/dir"
expect x86-64-elf 126 "^gate386: gate386 runs 32-bit x86 programs; /bin/true is a 64-bit x86-64 program$" -- "$G" /bin/true
expect arm-elf 126 "gate386 runs 32-bit x86 programs; $work/arm is a 32-bit ARM program$" -- "$G" "$work/arm"
expect truncated-header 126 "is truncated" -- "$G" "$work/truncated_header"
expect truncated-phdrs 126 "is truncated" -- "$G" "$work/truncated_phdrs"
expect inconsistent-phdrs 126 "inconsistent ELF headers" -- "$G" "$work/bad_phentsize"
expect missing-interpreter 126 "its ELF interpreter /nonexistent/ld-linux.so.2 is missing" -- "$G" "$work/nointerp32"
expect unknown-option 2 "^gate386: unknown option '--frobnicate' \\(see --help\\)$" -- "$G" --frobnicate "$work/ok32s"
expect missing-option-value 2 "needs a value" -- "$G" -E
expect bad-env-assignment 2 "-E takes VAR=VALUE" -- "$G" -E novalue "$work/ok32s"

# A guest that touches memory outside its mappings: a one-line report and 139, as a shell shows it.
cat >"$work/segv.c" <<'C'
int main(void) { volatile int *p = (int *)0x10; return *p; }
C
gcc -m32 -static -O1 -o "$work/segv32" "$work/segv.c"
expect guest-segv 139 "^gate386: guest SIGSEGV at eip=0x[0-9a-f]{8} addr=0x00000010$" -- "$G" "$work/segv32"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
