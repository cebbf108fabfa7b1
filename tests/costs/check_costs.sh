#!/bin/sh
# The cost-model checks (tests/costs/CMakeLists.txt): the 2002 measurements reproduced by
# construction of the documented split (cpu/models/README.md), the models' identities, and the
# compare / strace / stats reports.
#
# usage: check_costs.sh CHECK GATE386 COSTS_DIR GUEST_DIR
set -u
check=$1 gate=$2 dir=$3 guest=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL [$check]: $*"; exit 1; }

# within VALUE TARGET PERCENT: |VALUE - TARGET| <= PERCENT % of TARGET
within() {
    awk -v v="$1" -v t="$2" -v p="$3" 'BEGIN { d = v - t; if (d < 0) d = -d; exit !(d <= t * p / 100) }'
}
# field FILE PATTERN: the number before " cycles/call" (or "loops/s") on the line matching PATTERN
cycles_of() { sed -n "s/^$2: \([0-9.]*\) cycles\/call.*/\1/p" "$1"; }
loops_of() { sed -n 's/.* \([0-9.]*\) loops\/s.*/\1/p' "$1"; }

run() {   # run OUT ARGS...: gate386 ARGS > OUT, fail unless status 0
    out=$1; shift
    "$gate" "$@" > "$out" 2> "$tmp/stderr" || { cat "$out" "$tmp/stderr"; fail "gate386 $* exited with $?"; }
    cat "$out"
}

case $check in
linus_p4)
    # Rows 1-2: getppid on a P4, 641 cycles through the vDSO's sysenter, ~1761 through int $0x80.
    run "$tmp/o" --cpu pentium4 --rdtsc=model "$dir/getppid_loop" getppid 20000
    i=$(cycles_of "$tmp/o" "getppid int80") s=$(cycles_of "$tmp/o" "getppid sysenter")
    within "$s" 641 2 || fail "sysenter $s cycles/call, not 641 +- 2%"
    within "$i" 1761 2 || fail "int80 $i cycles/call, not 1761 +- 2%"
    ;;
gettimeofday_p3)
    # Row 4: on a P-III, gettimeofday through sysenter is 124 cycles cheaper than through int $0x80.
    run "$tmp/o" --cpu pentium3 --rdtsc=model "$dir/getppid_loop" gettimeofday 20000
    i=$(cycles_of "$tmp/o" "gettimeofday int80") s=$(cycles_of "$tmp/o" "gettimeofday sysenter")
    d=$(awk -v i="$i" -v s="$s" 'BEGIN { print i - s }')
    within "$d" 124 5 || fail "difference $d cycles, not 124 +- 5%"
    within "$i" 686.2 2 || fail "int80 $i cycles/call, not 686.2 +- 2%"
    within "$s" 561.7 2 || fail "sysenter $s cycles/call, not 561.7 +- 2%"
    ;;
athlon)
    # Row 5: Christian Leber's Duron 750, getppid 299.2 (int80) / 187.9 (sysenter).
    run "$tmp/o" --cpu athlon --rdtsc=model "$dir/getppid_loop" getppid 20000
    i=$(cycles_of "$tmp/o" "getppid int80") s=$(cycles_of "$tmp/o" "getppid sysenter")
    within "$i" 299.2 3 || fail "int80 $i cycles/call, not 299.2 +- 3%"
    within "$s" 187.9 3 || fail "sysenter $s cycles/call, not 187.9 +- 3%"
    ;;
byte_p3)
    # Row 6: Hayward's mobile P-III 850, 433,741.8 loops/s; his 2002 kernel had only int $0x80.
    run "$tmp/o" --cpu pentium3 --gate int80 --rdtsc=model "$dir/byte_syscall" 850 20000
    l=$(loops_of "$tmp/o")
    within "$l" 433741.8 5 || fail "$l loops/s, not 433,741.8 +- 5%"
    ;;
byte_p4)
    # Row 7: Hayward's P4 2.0 GHz, 233,637.8 loops/s.
    run "$tmp/o" --cpu pentium4 --gate int80 --rdtsc=model "$dir/byte_syscall" 2000 20000
    l=$(loops_of "$tmp/o")
    within "$l" 233637.8 5 || fail "$l loops/s, not 233,637.8 +- 5%"
    ;;
pentiumpro)
    # SEP reported but SYSENTER is #UD: the kernel maps the int80 page, which works ...
    run "$tmp/o" --cpu pentiumpro --rdtsc=model "$dir/getppid_loop" getppid 1000
    "$gate" --cpu pentiumpro --strace "$dir/getppid_loop" getppid 3 2> "$tmp/strace" > /dev/null
    grep -q 'getppid() = .*<int80 ' "$tmp/strace" || fail "calls through AT_SYSINFO should be int80 on a Pentium Pro"
    grep -q '<sysenter' "$tmp/strace" && fail "a sysenter on a Pentium Pro"
    # ... and a raw sysenter dies of SIGILL (status 132 as a shell sees it).
    "$gate" --cpu pentiumpro "$dir/raw_sysenter" > /dev/null 2>&1
    st=$?
    [ $st -eq 132 ] || fail "raw sysenter on pentiumpro exited $st, not 132"
    run "$tmp/o2" --cpu pentium3 "$dir/raw_sysenter"
    ;;
sse2)
    # The Pentium III has SSE but not SSE2; the Pentium 4 has both.
    "$gate" --cpu pentium3 "$dir/sse2_insn" > /dev/null 2>&1
    st=$?
    [ $st -eq 132 ] || fail "SSE2 on pentium3 exited $st, not 132 (SIGILL)"
    "$gate" --cpu athlon "$dir/sse2_insn" > /dev/null 2>&1
    [ $? -eq 132 ] || fail "SSE2 on athlon should be SIGILL"
    run "$tmp/o" --cpu pentium4 "$dir/sse2_insn"
    grep -q "paddq: 41 42" "$tmp/o" || fail "paddq result"
    ;;
regs6)
    # Six arguments and every register through int $0x80 and through the vDSO, on every model,
    # exactly as natively (tests/guest/syscall_regs.c).
    [ -x "$guest/syscall_regs" ] || fail "missing $guest/syscall_regs"
    "$guest/syscall_regs" > "$tmp/native" || fail "natively"
    for m in pentium4 pentium3 athlon pentiumpro; do
        "$gate" --cpu $m "$guest/syscall_regs" > "$tmp/$m" 2>&1 || { cat "$tmp/$m"; fail "$m exited $?"; }
        cmp -s "$tmp/native" "$tmp/$m" || { diff "$tmp/native" "$tmp/$m"; fail "$m differs from native"; }
    done
    ;;
compare)
    # Hayward's loop (every call through __kernel_vsyscall), priced under every model x gate.
    run "$tmp/o" compare --chart "$tmp/out.png" -- "$dir/byte_syscall" 2000 2000
    row() { awk -v m="$1" -v g="$2" '$1 == m && $3 == g { print $4 }' "$tmp/o"; }
    within "$(row pentium4 int80)" 1768 2 || fail "table: pentium4 int80 cycles/call $(row pentium4 int80)"
    within "$(row pentium4 sysenter)" 640 3 || fail "table: pentium4 sysenter cycles/call $(row pentium4 sysenter)"
    within "$(row pentium3 int80)" 384 2 || fail "table: pentium3 int80 cycles/call $(row pentium3 int80)"
    within "$(row pentium3 sysenter)" 255 2 || fail "table: pentium3 sysenter cycles/call $(row pentium3 sysenter)"
    [ "$(row pentiumpro sysenter)" = "n/a" ] || fail "table: pentiumpro has no sysenter"
    grep -q "^per call .* close .* dup " "$tmp/o" || fail "per-call table"
    # Hayward's own figures (rows 6-7): ~4.4x in cycles, 1.86x in wall time.
    rc=$(sed -n 's/^Pentium 4 @ 2000 MHz vs Pentium III @ 850 MHz, int \$0x80: \([0-9.]*\)x the cycles per call, but \([0-9.]*\)x the$/\1/p' "$tmp/o")
    rt=$(sed -n 's/^Pentium 4 @ 2000 MHz vs Pentium III @ 850 MHz, int \$0x80: \([0-9.]*\)x the cycles per call, but \([0-9.]*\)x the$/\2/p' "$tmp/o")
    [ -n "$rc" ] && [ -n "$rt" ] || fail "the P4/P3 int80 ratio sentence"
    within "$rc" 4.4 10 || fail "P4/P3 int80 cycles ratio $rc, not ~4.4"
    within "$rt" 1.86 10 || fail "P4/P3 int80 time ratio $rt, not ~1.86"
    # A readable PNG: signature, IHDR 960x580 RGB, pixels not all one colour.
    python3 - "$tmp/out.png" <<'EOF' || fail "chart PNG"
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'signature'
w, h, depth, ctype = struct.unpack('>IIBB', data[16:26])
assert (w, h, depth, ctype) == (960, 580, 8, 2), (w, h, depth, ctype)
idat, at = b'', 8
while at < len(data):
    n, kind = struct.unpack('>I4s', data[at:at + 8])
    if kind == b'IDAT':
        idat += data[at + 8:at + 8 + n]
    at += 12 + n
raw = zlib.decompress(idat)
assert len(raw) == h * (1 + 3 * w), len(raw)
colours = set()
for y in range(0, h, 7):
    row = raw[y * (1 + 3 * w) + 1:(y + 1) * (1 + 3 * w)]
    for x in range(0, w, 5):
        colours.add(row[3 * x:3 * x + 3])
assert len(colours) >= 3, 'blank chart'
EOF
    # The same run, twice, prints the same numbers; SVG and JSON forms.
    "$gate" compare --json --chart "$tmp/out.svg" -- "$dir/getppid_loop" getppid 2000 > "$tmp/j1" 2>/dev/null || fail "json"
    "$gate" compare --json -- "$dir/getppid_loop" getppid 2000 > "$tmp/j2" 2>/dev/null || fail "json 2"
    grep -q '"model": "pentium4", "mhz": 2000, "gate": "int80", "available": true, "calls": [0-9]*, "cycles_per_call": 176' "$tmp/j1" \
        || fail "json pentium4 int80"
    sed -n '/^{"command"/,$p' "$tmp/j1" > "$tmp/j1b"
    sed -n '/^{"command"/,$p' "$tmp/j2" > "$tmp/j2b"
    cmp -s "$tmp/j1b" "$tmp/j2b" || fail "compare is not deterministic"
    grep -q '"p4_over_p3_int80"' "$tmp/j1b" || fail "json ratio"
    grep -q '<svg' "$tmp/out.svg" && grep -q 'microseconds per system call' "$tmp/out.svg" || fail "svg"
    ;;
strace_stats)
    "$gate" --strace --stats "$dir/getppid_loop" getppid 2 > /dev/null 2> "$tmp/e" || fail "run"
    grep -q 'getppid() = [0-9]*  <sysenter 640 cycles, 0.32 µs @ 2000 MHz>' "$tmp/e" || { cat "$tmp/e"; fail "strace suffix"; }
    grep -q 'getppid() = [0-9]*  <int80 1760 cycles, 0.88 µs @ 2000 MHz>' "$tmp/e" || fail "strace int80 suffix"
    grep -q '^gate386 stats: modelled cycles .* = user .* + gate crossings .* + kernel work' "$tmp/e" || fail "stats categories"
    grep -q '^gate386 stats: syscall getppid *sysenter *2 calls' "$tmp/e" || fail "stats by name and gate"
    "$gate" --stats=json --cpu pentium3 "$dir/getppid_loop" getppid 2 > /dev/null 2> "$tmp/j" || fail "json run"
    grep -q '"model": {"name": "pentium3", "mhz": 850, "cycles": {"total"' "$tmp/j" || { cat "$tmp/j"; fail "stats json"; }
    ;;
models)
    run "$tmp/o" models
    for m in pentiumpro pentium3 pentium4 athlon; do grep -q "^$m" "$tmp/o" || fail "models lists $m"; done
    grep -q "^pentium4 (default)" "$tmp/o" || fail "default model"
    grep -q "int80_entry .* E  \[split\]" "$tmp/o" || fail "sources of numbers"
    "$gate" --cpu pentium5 "$dir/getppid_loop" > /dev/null 2> "$tmp/e"
    [ $? -eq 2 ] || fail "unknown model exit status"
    grep -qx "gate386: unknown CPU model 'pentium5' (known: athlon, pentium3, pentium4, pentiumpro)" "$tmp/e" || fail "unknown model message"
    # A model file of one's own: pentium3 with another clock.
    "$gate" models --json pentium3 > /dev/null || fail "models --json"
    sed 's/^mhz = 850/mhz = 1000/; s/^name = "pentium3"/name = "mine"/' "$(dirname "$0")/../../cpu/models/pentium3.toml" > "$tmp/mine.toml"
    "$gate" --cpu-file "$tmp/mine.toml" --strace "$dir/getppid_loop" getppid 1 > /dev/null 2> "$tmp/e2" || fail "--cpu-file run"
    grep -q '@ 1000 MHz>' "$tmp/e2" || fail "--cpu-file clock"
    ;;
*)
    fail "unknown check"
    ;;
esac
echo "PASS [$check]"
