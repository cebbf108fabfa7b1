#!/usr/bin/env bash
# System-call restart through both vDSO variants (issue 5, "SA_RESTART and restart through the
# vDSO"): tests/guest/sig_restart runs under --gate sysenter and --gate int80 with --strace; its
# output must equal the native run's, and the strace must show each restart and the path taken:
# after sysenter the jmp at 0xffffe40e (SYSENTER_RETURN - 2) back onto mov %esp,%ebp; sysenter,
# under the int80 page the int $0x80 at 0xffffe400, and a raw int $0x80 re-executed in place.
# usage: e2e_restart.sh GATE386 GUESTDIR
set -u
G=$1
P=$2/sig_restart
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
check() {   # NAME FILE REGEX [COUNT]: at least COUNT (default 1) lines of FILE match REGEX
  local n; n=$(grep -Ec -- "$3" "$2")
  if [ "$n" -ge "${4:-1}" ]; then echo "PASS $1"; pass=$((pass + 1))
  else echo "FAIL $1: $n lines match '$3' in $(basename "$2")"; fail=$((fail + 1)); fi
}

"$P" >"$work/native.out" 2>&1 </dev/null
for gate in sysenter int80; do
  "$G" --strace --gate "$gate" "$P" >"$work/$gate.out" 2>"$work/$gate.err" </dev/null
  if cmp -s "$work/native.out" "$work/$gate.out"; then
    echo "PASS $gate: output identical to the native run"; pass=$((pass + 1))
  else
    echo "FAIL $gate: output differs"; diff "$work/native.out" "$work/$gate.out" | head -20; fail=$((fail + 1))
  fi
  # Six interrupted reads (three with SA_RESTART, three without), each followed by the signal.
  check "$gate: interrupted reads" "$work/$gate.err" '^read\([0-9]+, 0x[0-9a-f]+, 1\) = \? ERESTARTSYS \(To be restarted if SA_RESTART is set\)' 6
  check "$gate: signal lines" "$work/$gate.err" '^--- SIGALRM \{si_signo=SIGALRM, si_code=SI_KERNEL\} ---$' 7
  # The raw int $0x80 restarts on its own instruction in the program, under either page.
  check "$gate: raw int \$0x80 restart" "$work/$gate.err" '^--- restart read via int \$0x80 at 0x8[0-9a-f]+ ---$'
  # nanosleep interrupted with a handler: never restarted.
  check "$gate: nanosleep EINTR" "$work/$gate.err" '^clock_nanosleep(_time64)?\(0, 0, .*\) = \? ERESTART_RESTARTBLOCK \(Interrupted by signal\)'
done
# Through __kernel_vsyscall (libc and call *%gs:0x10): the restart path of each page.
check "sysenter: restart through the vDSO jmp" "$work/sysenter.err" \
  '^--- restart read via 0xffffe40e \(vDSO jmp to 0xffffe403: mov %esp,%ebp; sysenter\) ---$' 2
check "int80: restart through the vDSO int \$0x80" "$work/int80.err" \
  '^--- restart read via int \$0x80 at 0xffffe400 \(vDSO\) ---$' 2
# The restarted read then completes with the child's byte.
check "sysenter: restarted read completes" "$work/sysenter.err" '^read\([0-9]+, "x", 1\) = 1' 3
check "int80: restarted read completes" "$work/int80.err" '^read\([0-9]+, "x", 1\) = 1' 3
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
