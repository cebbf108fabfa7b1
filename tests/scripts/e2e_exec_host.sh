#!/usr/bin/env bash
# What gate386 refuses, and how: an i386 guest that execve()s a host (x86-64) program gets
# -ENOEXEC and gate386 says so in one line; a guest that starts a thread (clone with CLONE_VM) is
# told no (pthread_create fails) with one clear line, without hanging or crashing.
# These differ from a native run on purpose, so they are checked here rather than differentially.
# usage: e2e_exec_host.sh GATE386 GUEST_DIR
set -u
gate=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0
fail=0
check() {   # check NAME CONDITION-EXIT-STATUS [DETAIL]
    if [ "$2" = 0 ]; then
        echo "PASS $1"; pass=$((pass + 1))
    else
        echo "FAIL $1${3:+: $3}"; fail=$((fail + 1))
    fi
}

cat >"$dir/exec_host.c" <<'EOF'
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
int main(void)
{
    char *args[] = {"true", NULL};
    execve("/bin/true", args, NULL);
    printf("execve /bin/true: %s\n", errno == ENOEXEC ? "ENOEXEC" : "other error");
    return 0;
}
EOF
cat >"$dir/thread.c" <<'EOF'
#include <pthread.h>
#include <stdio.h>
#include <string.h>
static void *run(void *arg) { return arg; }
int main(void)
{
    pthread_t t;
    int e = pthread_create(&t, NULL, run, NULL);
    printf("pthread_create: %s\n", e == 0 ? "started" : strerror(e));
    if (e == 0) pthread_join(t, NULL);
    e = pthread_create(&t, NULL, run, NULL);
    printf("pthread_create again: %s\n", e == 0 ? "started" : strerror(e));
    if (e == 0) pthread_join(t, NULL);
    printf("still running\n");
    return 0;
}
EOF
if ! gcc -m32 -static -O1 -o "$dir/exec_host" "$dir/exec_host.c" ||
   ! gcc -m32 -static -O1 -pthread -o "$dir/thread" "$dir/thread.c"; then
    echo "FAIL cannot build the i386 test programs (gcc -m32 -static)"
    echo "0 passed, 1 failed"
    exit 1
fi

# 1. execve of a host program: -ENOEXEC to the guest, one line from gate386, guest carries on.
timeout 30 "$gate" "$dir/exec_host" >"$dir/1.out" 2>"$dir/1.err"
st=$?
check "exec of /bin/true: guest exits normally" "$([ $st = 0 ]; echo $?)" "status $st"
check "exec of /bin/true: the guest sees ENOEXEC" "$(grep -qx 'execve /bin/true: ENOEXEC' "$dir/1.out"; echo $?)" \
      "stdout: $(head -c 200 "$dir/1.out")"
want='gate386: refusing to run host program /bin/true (an x86-64 ELF) from an i386 guest'
check "exec of /bin/true: gate386 prints exactly the one refusal line" \
      "$([ "$(cat "$dir/1.err")" = "$want" ]; echo $?)" "stderr: $(head -c 300 "$dir/1.err")"

# 2. A thread: refused with one line, pthread_create returns an error, no hang, no crash.
timeout 30 "$gate" "$dir/thread" >"$dir/2.out" 2>"$dir/2.err"
st=$?
check "pthread_create: no hang or crash (exit status 0)" "$([ $st = 0 ]; echo $?)" "status $st"
check "pthread_create: both calls fail cleanly and the program goes on" \
      "$(grep -q '^pthread_create: ' "$dir/2.out" && ! grep -q 'started' "$dir/2.out" &&
         grep -qx 'still running' "$dir/2.out"; echo $?)" "stdout: $(head -c 300 "$dir/2.out")"
want='gate386: multi-threaded programs are not supported yet (clone with CLONE_VM)'
check "pthread_create: gate386 says so once, in one line" \
      "$([ "$(cat "$dir/2.err")" = "$want" ]; echo $?)" "stderr: $(head -c 300 "$dir/2.err")"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
