#!/usr/bin/env bash
# --debug-script on a dynamic program (default pentium4 model), headless: stop at
# __kernel_vsyscall, step to the sysenter, across it onto SYSENTER_RETURN and back to the caller,
# asserting the state at every step; a screenshot taken inside must be a non-blank PNG of the
# whole window. The window renders through SDL's offscreen driver (no display needed).
# usage: e2e_debug_script.sh GATE386 GUESTDIR
set -u
G=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

cat >"$work/hello.c" <<'EOF'
#include <unistd.h>
int main(void) {
    write(1, "hello from the gate\n", 20);
    return 3;
}
EOF
gcc -m32 -O1 -o "$work/hello" "$work/hello.c" || { echo "FAIL: cannot build an i386 program"; exit 1; }

# PNG check: the IHDR size, and after inflating and unfiltering, a picture with many colours
# and a good share of pixels that are not the background.
png_check() {  # png_check FILE WIDTH HEIGHT
  python3 - "$@" <<'EOF'
import struct, sys, zlib
path, want_w, want_h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = open(path, 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat, w = 8, b'', 0
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        assert depth == 8 and ctype in (2, 6), 'unexpected PNG format'
        bpp = 4 if ctype == 6 else 3
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
assert (w, h) == (want_w, want_h), 'size %dx%d' % (w, h)
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
rows = []
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(bytes(line))
    prev = line
colours = {}
for line in rows[::3]:
    for x in range(0, stride, bpp * 3):
        px = line[x:x + 3]
        colours[px] = colours.get(px, 0) + 1
total = sum(colours.values())
background = max(colours.values())
assert len(colours) >= 16, 'only %d colours' % len(colours)
assert total - background > total * 0.05, 'almost blank'
print('png ok: %dx%d, %d colours, %.0f%% not background' % (w, h, len(colours), 100.0 * (total - background) / total))
EOF
}

# expect NAME REGEX: a line of the session output matches (fixed-string when given -F).
expect() {
  local name=$1; shift
  if grep -q "$@" "$work/out"; then ok "$name"; else bad "$name: no line matches $*"; fi
}

# The session: at main, then the write's trip through the vDSO, one instruction at a time.
cat >"$work/session.gdb" <<EOF
break main
continue
break __kernel_vsyscall
continue
print \$eip
print/d \$eax
print \$ebp
print \$edx
print \$ecx
print \$esp
x/xw \$esp
x/8xb 0xffffe400
info gate
stepi
print \$eip
stepi
print \$eip
stepi
print \$eip
stepi
print \$eip
info gate
stepi
print \$eip
print \$edx
print \$ebp
info gate
screenshot $work/inside.png
stepi
print \$eip
print \$ebp
stepi
print \$eip
print \$edx
stepi
print \$eip
print \$ecx
stepi
print \$eip
print \$esp
bt
info registers eip
restart
delete
break main
continue
break __kernel_vsyscall
continue
stepi 4
print \$eip
stepi
print \$eip
print \$edx
stepi 4
print \$eip
delete
continue
quit
EOF
env -u DISPLAY -u WAYLAND_DISPLAY timeout 120 "$G" --debug-script "$work/session.gdb" "$work/hello" >"$work/out" 2>"$work/err"
status=$?
[ "$status" = 0 ] && ok "script ran (status 0)" || bad "script status $status: $(head -5 "$work/err" | tr '\n' '|')"

# The values saved at the breakpoint: EBP, EDX, ECX, ESP and the return address at [esp].
val() { grep -m1 "^[$]$1 = " "$work/out" | sed 's/.* = //'; }
ebp0=$(val ebp) edx0=$(val edx) ecx0=$(val ecx) esp0=$(val esp)
ret=$(grep -m1 -E '^0x[0-9a-f]+:	0x[0-9a-f]{8}$' "$work/out" | awk '{print $2}')
ret=$(printf '0x%x' "$ret")
esp_after=$(printf '0x%x' $((esp0 + 4)))
echo "at the breakpoint: ebp=$ebp0 edx=$edx0 ecx=$ecx0 esp=$esp0 return=$ret"

expect "break main" -E '^Breakpoint 1 at 0x[0-9a-f]+ <main>$'
expect "stopped in main" -E '^Breakpoint 1, 0x[0-9a-f]+ in main \(\)$'
expect "break __kernel_vsyscall" -Fx 'Breakpoint 2 at 0xffffe400 <__kernel_vsyscall>'
expect "stopped at __kernel_vsyscall" -Fx 'Breakpoint 2, 0xffffe400 in __kernel_vsyscall ()'
expect "current instruction" -F '=> 0xffffe400 <__kernel_vsyscall>:	push %ecx'
expect "write is call 4" -Fx '$eax = 4'
expect "x/8xb of the vDSO entry" -Fx "$(printf '0xffffe400 <__kernel_vsyscall>:\t0x51\t0x52\t0x55\t0x89\t0xe5\t0x0f\t0x34\t0x90')"
expect "gate: the call about to be made" -F 'about to call:    write(1, "hello from the gate\n", 20)'
expect "gate: variant" -F 'vDSO:             0xffffe000, sysenter'
expect "gate: AT_SYSINFO" -Fx 'AT_SYSINFO:       0xffffe400 (__kernel_vsyscall)'

# The printed EIPs in order: the first session, then the stepi 4 session.
mapfile -t eips < <(grep '^\$eip = ' "$work/out" | sed 's/.* = //')
want=(0xffffe400 0xffffe401 0xffffe402 0xffffe403 0xffffe405 0xffffe410 0xffffe411 0xffffe412 0xffffe413 "$ret"
      0xffffe405 0xffffe410 "$ret")
if [ "${eips[*]}" = "${want[*]}" ]; then ok "eip at every step: ${eips[*]}"; else bad "eip sequence: got ${eips[*]}, want ${want[*]}"; fi

expect "at the sysenter: arg6 from [ebp]" -F 'sysenter via __kernel_vsyscall, arg6 from [ebp] = ['
expect "SYSEXIT to SYSENTER_RETURN" -F 'kernel exit:      SYSEXIT to SYSENTER_RETURN 0xffffe410'
expect "the call's result" -F 'last gate:        sysenter at 0xffffe405: write(1, "hello from the gate\n", 20) = 20'
expect "edx = SYSENTER_RETURN" -Fx '$edx = 0xffffe410'
expect "ebp = 0 after SYSEXIT" -Fx '$ebp = 0x0'
expect "pop %ebp restores ebp" -Fx "\$ebp = $ebp0"
expect "pop %edx restores edx" -Fx "\$edx = $edx0"
expect "pop %ecx restores ecx" -Fx "\$ecx = $ecx0"
expect "ret pops the return address" -Fx "\$esp = $esp_after"
expect "modelled cost line" -F 'modelled cost:'
if "$G" models >/dev/null 2>&1; then
  expect "modelled cost in cycles" -E '^modelled cost: +[0-9]+ cycles \(gate [0-9]+ \+ kernel [0-9]+\)  <sysenter [0-9]+ cycles'
fi
expect "screenshot taken" -Fx "Screenshot $work/inside.png (1400x900)"
expect "back in libc's write" -E "^#0  $ret in (__libc_)?write \(\)$"
expect "bt reaches main" -E '^#1  0x[0-9a-f]+ in main \(\)$'
expect "info registers eip" -E "^eip            $ret +$ret <(__libc_)?write\+[0-9]+>$"
expect "restart" -F "Restarted $work/hello"
expect "program output" -Fx 'hello from the gate'
expect "exit status" -E '^\[Inferior 1 \(process [0-9]+\) exited with code 03\]$'

if [ -f "$work/inside.png" ] && png_check "$work/inside.png" 1400 900; then ok "screenshot is a non-blank 1400x900 PNG"
else bad "screenshot PNG"; fi

echo "e2e_debug_script: $pass passed, $fail failed"
[ "$fail" = 0 ] || { echo "--- session output"; cat "$work/out"; echo "--- stderr"; cat "$work/err"; }
[ "$fail" = 0 ]
