#!/usr/bin/env bash
# End-to-end: multi-threaded i386 programs are refused cleanly until gate386 runs threads.
# pthread_create is clone(CLONE_VM|CLONE_THREAD|...): gate386 prints one line naming the reason,
# the call fails with ENOSYS, and the program decides what to do -- within seconds, no crash.
#   - tests/e2e/threads.c, built here with gcc -m32 -static -pthread (gcc-multilib);
#   - python3 from the i386 sysroot starting a threading.Thread (dynamic glibc), when present.
# usage: e2e_threads.sh GATE386 GUESTDIR
set -u
G=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
S=${GATE386_SYSROOT:-$top/build-deps/sysroot-i386}
work=$(mktemp -d /tmp/e2e_threads.XXXXXX)
trap 'rm -rf "$work"' EXIT
msg='gate386: multi-threaded programs are not supported yet (clone with CLONE_VM)'

pass=0 fail=0 failed=()
check() {  # check NAME EXPECTED_STATUS EXPECTED_STDOUT EXPECTED_STDERR ACTUAL_STATUS
  local name=$1
  if [ "$5" = "$2" ] && [ "$(cat "$work/out")" = "$3" ] && [ "$(cat "$work/err")" = "$4" ]; then
    echo "PASS $name"; pass=$((pass + 1))
  else
    echo "FAIL $name (status $5, expected $2)"
    sed 's/^/  stdout: /' "$work/out" | head -10
    sed 's/^/  stderr: /' "$work/err" | head -10
    fail=$((fail + 1)); failed+=("$name")
  fi
}

if gcc -m32 -static -pthread -O1 -o "$work/threads" "$top/tests/e2e/threads.c" 2>"$work/cc.err"; then
  "$work/threads" >"$work/out" 2>"$work/err"
  check native_threads 0 "thread ran, shared=42" "" $?
  timeout -k 5 30 "$G" "$work/threads" >"$work/out" 2>"$work/err"
  check gate386_threads_refused 3 "pthread_create: Function not implemented
again: Function not implemented" "$msg" $?
else
  echo "FAIL build threads.c"; sed 's/^/  /' "$work/cc.err" | head; fail=$((fail + 1)); failed+=(build)
fi

if [ -x "$S/usr/bin/python3.11" ]; then
  LP=$S/lib/i386-linux-gnu:$S/usr/lib/i386-linux-gnu
  py='import threading
t = threading.Thread(target=print, args=("in thread",))
try:
    t.start()
    t.join()
except RuntimeError as e:
    print("RuntimeError:", e)
print("main goes on")'
  env -i LD_LIBRARY_PATH="$LP" PYTHONHOME="$S/usr" PYTHONDONTWRITEBYTECODE=1 \
    timeout -k 5 60 "$G" -L "$S" "$S/usr/bin/python3.11" -c "$py" >"$work/out" 2>"$work/err"
  check python_thread_refused 0 "RuntimeError: can't start new thread
main goes on" "$msg" $?
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
exit 0
