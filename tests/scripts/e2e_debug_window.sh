#!/usr/bin/env bash
# The real debug window under Xvfb: it opens, answers keys sent with xdotool (F12 screenshot,
# F11 step into, F5 continue, Ctrl+Q quit) and redraws — the screenshots before and after each
# key differ, and each is a non-blank image of the whole window. Bounded in time.
# usage: e2e_debug_window.sh GATE386 GUESTDIR
set -u
G=$1
for tool in Xvfb xdotool python3 gcc; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (scripts/setup.sh installs it)"; exit 0; }
done
work=$(mktemp -d)
xvfb= app=
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null
  [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

cat >"$work/prog.c" <<'EOF'
#include <unistd.h>
int main(void) {
    for (int i = 0; i < 3; i++) getppid();
    return 0;
}
EOF
gcc -m32 -O1 -o "$work/prog" "$work/prog.c" || { echo "FAIL: cannot build an i386 program"; exit 1; }

# A free display number.
disp=
for n in $(seq 91 140); do
  [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || { disp=$n; break; }
done
[ -n "$disp" ] || { echo "FAIL: no free X display"; exit 1; }
Xvfb ":$disp" -screen 0 1600x1000x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb=$!
for _ in $(seq 100); do [ -e "/tmp/.X11-unix/X$disp" ] && break; sleep 0.1; done
export DISPLAY=":$disp"

printf 'break __kernel_vsyscall\ncontinue\n' >"$work/init.gdb"
GATE386_SCREENSHOT_DIR=$work timeout 60 "$G" --debug --debug-script "$work/init.gdb" "$work/prog" >"$work/out" 2>"$work/err" &
app=$!

# wait_for PATTERN [COUNT]: until the session output has COUNT lines matching (10 s at most).
wait_for() {
  local want=${2:-1}
  for _ in $(seq 100); do
    [ "$(grep -c -- "$1" "$work/out" 2>/dev/null)" -ge "$want" ] && return 0
    sleep 0.1
  done
  return 1
}
wait_for 'Breakpoint 1, 0xffffe400 in __kernel_vsyscall' && ok "stopped at __kernel_vsyscall" || bad "no first stop"
wid=$(timeout 10 xdotool search --sync --name 'gate386 debug' | head -1)
[ -n "$wid" ] && ok "the window exists ($wid)" || bad "no window"
xdotool windowfocus --sync "$wid" 2>/dev/null || xdotool windowactivate "$wid" 2>/dev/null
geom=$(xdotool getwindowgeometry "$wid" 2>/dev/null | grep Geometry)
[ "$geom" = "  Geometry: 1400x900" ] && ok "window is 1400x900" || bad "window geometry: $geom"

key() { xdotool key --window "$wid" "$1" 2>/dev/null || xdotool key "$1"; }
shot() {  # shot N: F12 saves gate386-debug-N.png
  key F12
  wait_for "screenshot saved $work/gate386-debug-$1.png" && [ -s "$work/gate386-debug-$1.png" ]
}
shot 1 && ok "F12: screenshot 1 (at the breakpoint)" || bad "screenshot 1"
key F11
wait_for '^\[debug\] 0xffffe401 in __kernel_vsyscall ()' && ok "F11 stepped to 0xffffe401" || bad "F11 did not step"
shot 2 && ok "F12: screenshot 2 (after the step)" || bad "screenshot 2"
key F5
wait_for '^\[debug\] Breakpoint 1, 0xffffe400 in __kernel_vsyscall ()' && ok "F5 continued to the next call" || bad "F5 did not continue"
shot 3 && ok "F12: screenshot 3 (after continue)" || bad "screenshot 3"
key ctrl+q
for _ in $(seq 100); do kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$app" 2>/dev/null; then bad "Ctrl+Q did not quit"; else ok "Ctrl+Q quit"; fi
app=

# The three pictures: each a non-blank 1400x900 image, each different from the one before.
python3 - "$work"/gate386-debug-{1,2,3}.png <<'EOF' && ok "screenshots are non-blank and differ after each key" || bad "screenshot comparison"
import struct, sys, zlib
def pixels(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat = 8, b''
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        if kind == b'IHDR': w, h = struct.unpack('>II', data[pos + 8:pos + 16])
        if kind == b'IDAT': idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw = zlib.decompress(idat)
    assert (w, h) == (1400, 900), (w, h)
    # Distinct filtered scanlines are enough to tell pictures apart and blank ones from drawn.
    stride = w * 4 + 1
    return [raw[y * stride:(y + 1) * stride] for y in range(h)]
shots = [pixels(p) for p in sys.argv[1:]]
for k, rows in enumerate(shots):
    distinct = len(set(rows))
    assert distinct > 100, 'screenshot %d looks blank (%d distinct rows)' % (k + 1, distinct)
for k in range(1, len(shots)):
    changed = sum(1 for a, b in zip(shots[k - 1], shots[k]) if a != b)
    assert changed > 10, 'screenshot %d equals %d' % (k + 1, k)
    print('screenshot %d: %d rows changed' % (k + 1, changed))
EOF

echo "e2e_debug_window: $pass passed, $fail failed"
[ "$fail" = 0 ] || { echo "--- output"; cat "$work/out"; echo "--- stderr"; cat "$work/err"; }
[ "$fail" = 0 ]
