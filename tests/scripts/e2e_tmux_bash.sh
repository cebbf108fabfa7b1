#!/usr/bin/env bash
# End-to-end: an interactive Debian i386 bash in a terminal. tmux gives it a real pseudo-terminal;
# the test types into it with send-keys and reads the screen with capture-pane:
#   a pipeline; `sleep 30` stopped with Ctrl-Z (SIGTSTP to the foreground process group, the job
#   shows as Stopped); `jobs`; `fg` resumes it (SIGCONT, tcsetpgrp); Ctrl-C ends it (SIGINT,
#   status 130); `exit` ends the shell with status 0.
# It needs the job-control ioctls (TIOCGPGRP/TIOCSPGRP), setpgid, termios, and signal delivery.
# The same scenario runs first with the native i386 bash (the sysroot's), which checks the test
# itself, then with gate386 -L SYSROOT SYSROOT/bin/bash --norc -i.
# usage: e2e_tmux_bash.sh GATE386 GUESTDIR
set -u
G=$1
case $G in /*) ;; *) G=$(cd "$(dirname "$G")" && pwd)/$(basename "$G") ;; esac
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
S=${GATE386_SYSROOT:-$top/build-deps/sysroot-i386}
command -v tmux >/dev/null || { echo "e2e_tmux_bash: tmux is not installed (scripts/setup.sh)" >&2; exit 1; }
if [ ! -x "$S/bin/bash" ]; then
  "$here/make_sysroot.sh" "$S" || { echo "e2e_tmux_bash: no sysroot (run scripts/setup.sh)" >&2; exit 1; }
fi
LP=$S/lib/i386-linux-gnu:$S/usr/lib/i386-linux-gnu

work=$(mktemp -d /tmp/e2e_tmux.XXXXXX)
sock=$work/tmux.sock
T() { tmux -S "$sock" "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$work"' EXIT

pass=0 fail=0 failed=()
# The visible screen, trailing blank lines dropped.
screen() { T capture-pane -p -t t:0 | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }
# wait_for REGEX [SECONDS]: polls the screen until a line matches.
wait_for() {
  local re=$1 limit=${2:-20} i
  for ((i = 0; i < limit * 10; i++)); do
    screen | grep -Eq -- "$re" && return 0
    sleep 0.1
  done
  return 1
}
# The number of prompt lines on screen; a new prompt means the shell is back. (capture-pane drops
# trailing blanks: an empty prompt line is "gate$".)
prompts() { screen | grep -Ec '^gate\$( |$)' || true; }
wait_prompt() {  # wait_prompt N: until at least N prompts are on screen
  local n=$1 i
  for ((i = 0; i < 200; i++)); do [ "$(prompts)" -ge "$n" ] && return 0; sleep 0.1; done
  return 1
}
# wait_job: until the terminal's foreground process group is not the shell's own (field 8 of
# /proc/PID/stat, tpgid): the job has started, so Ctrl-Z or Ctrl-C reaches it, not the shell.
wait_job() {
  local i pid tpgid
  pid=$(pgrep -P "$(T display-message -p -t t:0 '#{pane_pid}')" | head -1)   # the shell, under sh
  [ -n "$pid" ] || return 1
  for ((i = 0; i < 300; i++)); do
    tpgid=$(sed -E 's/^.*\) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f6)
    [ -n "$tpgid" ] && [ "$tpgid" != "$pid" ] && [ "$tpgid" != -1 ] && return 0
    sleep 0.1
  done
  return 1
}
step() {  # step LABEL CONDITION...
  local label=$1; shift
  if "$@"; then echo "  ok   $label"; else echo "  FAIL $label"; ok=0; fi
}

scenario() {  # scenario NAME COMMAND...
  local name=$1; shift
  ok=1
  T kill-server 2>/dev/null
  # env -i: a fixed environment; PS1 is imported from it by bash. A sh around it writes the
  # shell's exit status to a file: tmux's own pane_dead_status stayed empty at times under load.
  # remain-on-exit: the pane stays after the shell ends, for the screen dump.
  echo "set -g remain-on-exit on" >"$work/tmux.conf"
  rm -f "$work/status"
  T -f "$work/tmux.conf" new-session -d -s t -x 100 -y 40 \
    sh -c '"$@"; echo "$?" >"$0.tmp"; mv "$0.tmp" "$0"' "$work/status" \
    env -i PATH="$S/usr/bin:$S/bin" LD_LIBRARY_PATH="$LP" HOME="$work" TERM=screen LC_ALL=C TZ=UTC0 \
      PS1='gate$ ' "$@" >/dev/null
  echo "$name:"
  step "prompt" wait_prompt 1
  local n
  n=$(prompts)
  T send-keys -t t 'echo hello world | tr a-z A-Z | sed s/O/0/g | cat -A' Enter
  step "pipeline output" wait_for '^HELL0 W0RLD\$$'
  step "prompt after the pipeline" wait_prompt $((n + 1))
  n=$(prompts)
  T send-keys -t t 'sleep 30' Enter
  step "sleep runs in the foreground" wait_job
  T send-keys -t t C-z
  step "Ctrl-Z stops the job" wait_for '^\[1\]\+ +Stopped +sleep 30$'
  step "prompt after Ctrl-Z" wait_prompt $((n + 1))
  n=$(prompts)
  T send-keys -t t 'jobs' Enter
  step "jobs lists it" wait_for '^\[1\]\+ +Stopped +sleep 30$' 
  step "prompt after jobs" wait_prompt $((n + 1))
  n=$(prompts)
  T send-keys -t t 'fg' Enter
  step "fg resumes it" wait_for '^sleep 30$'
  step "sleep is the foreground job again" wait_job
  sleep 0.5
  # Running in the foreground: no new prompt yet.
  step "the job runs in the foreground" test "$(prompts)" -eq "$n"
  T send-keys -t t C-c
  step "Ctrl-C ends it" wait_prompt $((n + 1))
  T send-keys -t t 'echo "status=$?"' Enter
  step "its status is 130 (SIGINT)" wait_for '^status=130$'
  T send-keys -t t 'exit' Enter
  # The shell's exit status, as the sh around it saw it.
  local i st=""
  for ((i = 0; i < 200; i++)); do
    [ -s "$work/status" ] && { st=$(cat "$work/status"); break; }
    sleep 0.1
  done
  step "exit ends the shell" test -n "$st"
  step "with status 0 (status: ${st:-none})" test "$st" = 0
  if [ $ok = 1 ]; then
    echo "PASS $name"; pass=$((pass + 1))
  else
    echo "FAIL $name; the screen was:"; screen | sed 's/^/  | /'
    echo "  (pane dead: $(T display-message -p -t t:0 '#{pane_dead} status #{pane_dead_status} signal #{pane_dead_signal}' 2>&1))"
    fail=$((fail + 1)); failed+=("$name")
  fi
}

scenario native_bash "$S/bin/bash" --norc --noprofile -i
scenario gate386_bash "$G" -L "$S" "$S/bin/bash" --norc --noprofile -i

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
exit 0
