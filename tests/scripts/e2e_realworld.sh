#!/usr/bin/env bash
# End-to-end: unmodified dynamically linked Debian i386 programs (bash, coreutils, gzip, bzip2, xz,
# python3.11, lua5.4, sqlite3, file, objdump, perl) run natively and under gate386, with stdout,
# stderr and the exit status compared byte for byte.
#
# The programs come from the Debian i386 sysroot that tests/scripts/make_sysroot.sh builds into
# build-deps/sysroot-i386 (scripts/setup.sh runs it; this script runs it when the sysroot is missing).
#
# How the two runs are made identical:
#   native:   env -i ... LD_LIBRARY_PATH=SYSROOT/lib/i386-linux-gnu:SYSROOT/usr/lib/i386-linux-gnu
#             SYSROOT/usr/bin/PROG ARGS      (the host kernel starts it with PT_INTERP
#             /lib/ld-linux.so.2, the host's libc6:i386 loader, which must be the same file as the
#             sysroot's -- checked below; the libraries come from the sysroot through the path)
#   gate386:  the same environment, GATE386 -L SYSROOT SYSROOT/usr/bin/PROG ARGS (PT_INTERP found
#             under the sysroot, the libraries through the same LD_LIBRARY_PATH)
# so argv, the environment, /proc/self/exe, the loader and every library are the same in both, and
# so are the programs the cases start themselves (bash running coreutils, python running python):
# PATH names the sysroot's directories and LD_LIBRARY_PATH is inherited. Running through the loader
# (SYSROOT/lib/ld-linux.so.2 --library-path ... PROG) also works for one program, but its children
# would then be started by the kernel with a different loader invocation than the parent.
# Both runs happen one after the other in the same freshly made directory, so paths match too.
#
# usage: e2e_realworld.sh GATE386 GUESTDIR [CASE...]     (E2E_VERBOSE=1 prints native outputs)
set -u
G=$1
case $G in /*) ;; *) G=$(cd "$(dirname "$G")" && pwd)/$(basename "$G") ;; esac
shift 2
only=("$@")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
S=${GATE386_SYSROOT:-$top/build-deps/sysroot-i386}

if [ ! -x "$S/bin/bash" ]; then
  echo "e2e_realworld: building the i386 sysroot in $S" >&2
  "$here/make_sysroot.sh" "$S" || { echo "e2e_realworld: no sysroot (run scripts/setup.sh)" >&2; exit 1; }
fi
if ! cmp -s "$S/lib/i386-linux-gnu/ld-linux.so.2" /lib/i386-linux-gnu/ld-linux.so.2; then
  echo "e2e_realworld: the host's /lib/ld-linux.so.2 (libc6:i386) is not the sysroot's; native runs" >&2
  echo "  would mix two glibc builds. Install the same libc6:i386 version or rebuild the sysroot." >&2
  exit 1
fi

LP=$S/lib/i386-linux-gnu:$S/usr/lib/i386-linux-gnu
work=$(mktemp -d /tmp/e2e_realworld.XXXXXX)
trap 'rm -rf "$work"' EXIT
dir=$work/case

pass=0 fail=0 failed=()
setup=:        # shell code run in the case directory before each of the two runs
stdin=/dev/null

# run NAME PROGRAM ARGS... : PROGRAM is a path inside the sysroot (bin/bash, usr/bin/python3 ...)
run() {
  local name=$1 prog=$S/$2
  shift 2
  if [ ${#only[@]} -gt 0 ] && [[ " ${only[*]} " != *" $name "* ]]; then setup=:; stdin=/dev/null; return; fi
  local mode st ns=0 es=0
  for mode in native emu; do
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" && eval "$setup") >/dev/null 2>&1
    local pre=()
    [ $mode = emu ] && pre=("$G" -L "$S")
    # (The braces keep the runner's own "Killed"-style job reports out of the log.)
    { (cd "$dir" && env -i PATH="$S/usr/bin:$S/bin" LD_LIBRARY_PATH="$LP" HOME="$dir" LC_ALL=C TZ=UTC0 \
        TERM=dumb PYTHONHOME="$S/usr" PYTHONDONTWRITEBYTECODE=1 \
        PERL5LIB="$S/usr/lib/i386-linux-gnu/perl-base" \
        timeout -k 5 120 "${pre[@]}" "$prog" "$@" <"$stdin" >"$work/$mode.out" 2>"$work/$mode.err"); } 2>/dev/null
    st=$?
    [ $mode = native ] && ns=$st || es=$st
  done
  if [ "${E2E_VERBOSE:-0}" = 1 ]; then
    echo "---- $name: native status $ns"; cat "$work/native.out"; sed 's/^/stderr: /' "$work/native.err"
  fi
  if cmp -s "$work/native.out" "$work/emu.out" && cmp -s "$work/native.err" "$work/emu.err" && [ "$ns" = "$es" ]; then
    echo "PASS $name"
    pass=$((pass + 1))
  else
    echo "FAIL $name (status native $ns, gate386 $es)"
    diff "$work/native.out" "$work/emu.out" | head -15 | sed 's/^/  stdout: /'
    diff "$work/native.err" "$work/emu.err" | head -8 | sed 's/^/  stderr: /'
    fail=$((fail + 1))
    failed+=("$name")
  fi
  setup=:
  stdin=/dev/null
}

# ---------------------------------------------------------------------------------------------
# bash

setup='cat >t.sh <<"EOF"
# pipes, subshells, arrays, functions, here-docs, arithmetic, string operations
set -u
arr=(zero one two "three four" five)
echo "count=${#arr[@]} second=${arr[1]} slice=${arr[@]:1:3} last=${arr[-1]}"
arr+=(six); unset "arr[0]"; echo "keys=${!arr[*]} all=${arr[*]}"
declare -A map=([apple]=1 [banana]=2 [cherry]=3)
for k in $(printf "%s\n" "${!map[@]}" | sort); do echo "$k=${map[$k]}"; done
s="Hello, World"; echo "${s^^} ${s,,} ${s:7} ${s/World/There} ${#s} ${s//l/L}"
f() { local n=$1; (( n <= 1 )) && { echo 1; return; }; echo $(( n * $(f $((n - 1))) )); }
echo "fact10=$(f 10)"
echo $(( 2**31 - 1 )) $(( -17 / 5 )) $(( -17 % 5 )) $(( 0xff ^ 0x0f )) $(( 1 << 40 )) $(( 7 > 3 ? 10 : 20 ))
seq 1 20 | grep 1 | tr "\n" " " | sed "s/ $/\n/"
printf "%s\n" c a b | sort | paste -sd, -
( cd /; echo "subshell in $PWD"; exit 3 ); echo "subshell status $?"
x=outer; ( x=inner; echo "in $x" ); echo "after $x"
{ echo grouped; echo lines; } | wc -l
v=$(echo a; echo b); echo "captured [$v]"
cat <<END
here-doc with $s and $(echo command) and $((6 * 7))
END
while read -r a b; do echo "read: $a|$b"; done <<< "one two three
four five"
IFS=: read -ra parts <<< "a:b::c"; echo "parts=${#parts[@]} ${parts[2]:-empty}"
case "file.tar.gz" in *.tar.gz) echo tarball;; *) echo other;; esac
[[ "abc123" =~ ^([a-z]+)([0-9]+)$ ]] && echo "match ${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
for ((i = 0; i < 3; i++)); do printf "%d " $i; done; echo
diff <(printf "a\nb\n") <(printf "a\nc\n"); echo "diff status $?"
printf "%5.2f|%-6s|%x|%o|%e\n" 3.14159 ab 255 8 12345.678
echo "pipestatus: $(false | true; echo ${PIPESTATUS[@]})"
set -o pipefail; false | true; echo "pipefail $?"
mapfile -t lines < <(seq 3); echo "mapfile ${lines[*]}"
ls nonexistent; echo "ls status $?"
exit 3
EOF'
run bash_script bin/bash t.sh

setup='cat >t.sh <<"EOF"
# traps: ERR, signals sent to the shell itself and to a child, ignored signals, EXIT
f() { trap "echo err trap in f" ERR; false; echo "after false"; trap - ERR; }
f
trap "echo got USR1" USR1
kill -USR1 $$
echo after usr1
trap "echo got TERM" TERM
kill -TERM $$
echo after term
( trap "echo sub exit" EXIT; echo in sub )
sleep 5 &
pid=$!
kill $pid
wait $pid
echo "killed child status $?"
trap "" INT
kill -INT $$
echo "ignored INT"
trap "echo exit trap, status \$?" EXIT
exit 4
EOF'
run bash_traps bin/bash t.sh

setup='cat >t.sh <<"EOF"
# job control in a non-interactive script
set -m
sleep 0.2 & echo "job started"
jobs | sed "s/[0-9][0-9]*$//"
wait %1; echo "waited $?"
( exit 5 ) & wait $!; echo "bg status $?"
sleep 10 & kill -STOP %1; sleep 0.1; jobs -l | awk "{print \$1, \$3}"
kill -CONT %1; kill %1; wait %1; echo "killed $?"
for i in 1 2 3; do (sleep 0.$i; echo "job $i done") & done; wait; echo "all waited"
EOF'
run bash_jobs bin/bash t.sh

# ---------------------------------------------------------------------------------------------
# coreutils

tree='mkdir -p d/sub; printf "hello\n" >d/a.txt; printf "%0100d\n" 0 >d/b.dat; ln -s a.txt d/link
chmod 640 d/a.txt; chmod 755 d/sub; touch -h -d "2005-08-14 12:34:56 UTC" d/a.txt d/b.dat d/link d/sub d'

setup=$tree
run ls_l bin/ls -l --time-style=+%Y-%m-%dT%H:%M:%S -n d d/sub
setup=$tree
run ls_variants bin/ls -lAR --full-time -n -F --group-directories-first d
setup=$tree
run stat_fields usr/bin/stat -c '%n|%s|%a|%A|%F|%h|%u|%g|%Y|%y|%N' d/a.txt d/b.dat d/link d/sub
setup='printf "%s\n" 10 -3.5 1e3 0x10 2.5e-1 inf -inf nan 7 1.5e+2 0.001 -0 99 >n.txt'
run sort_g usr/bin/sort -g n.txt
setup='seq 1 3000 >a; printf "" >empty; head -c 100000 /dev/zero | tr "\0" x >big'
run sha256sum usr/bin/sha256sum a empty big
setup='seq 1 3000 >a'
run md5_sha512 bin/sh -c 'md5sum a; sha1sum a; sha512sum a; b2sum a; cksum a; sum a'
setup='seq 1 20000 >in'
run dd bin/sh -c 'dd if=in of=out bs=1000 skip=3 count=7 status=none && cmp out <(tail -c +3001 in | head -c 7000) && echo same
dd if=in bs=4096 count=2 conv=ucase,swab status=none | sha256sum; dd if=/dev/zero bs=1k count=64 2>&1 >/dev/null | sed "s/,.*//"
dd if=in of=part bs=1 count=10 seek=5 conv=notrunc status=none; od -c part'
run date_d bin/sh -c 'date -d "2005-08-14 UTC" +%s; date -u -d @1123977600 "+%F %T %A %j %U %z"
date -u -d "2005-08-14 12:00 +2 days 3 hours" "+%c"; date -u -d "@0" -R; date -u -d "1999-12-31 23:59:59 +1 second" +%F_%T'
run printf_floats usr/bin/printf '%f|%e|%g|%.3f|%10.4e|%-12g|%G|%a\n' 3.14159265358979 1e-10 123456789 2.0005 6.02214076e23 0.0001 1e100 1.5 -0.0 0.1 1e-320 1.7976931348623157e308 2.5 3.5 100 1e6
run seq_fractions usr/bin/seq -f '%.4f' 0 0.1 1.05
run seq_more bin/sh -c 'seq 1 0.25 3; seq -w 0.5 0.5 10; seq 10 -2.5 0; seq -s " " 1e3 1e3 5e3; seq 0.1 0.1 0.5'
run factor usr/bin/factor 1 2 360 97 1001 4294967291 4294967297 18446744073709551615 170141183460469231731687303715884105727 600851475143
run numfmt usr/bin/numfmt --to=iec --from=auto 1 1023 1024 1048575 123456789 1K 1.5Mi 10G
run numfmt_more bin/sh -c 'numfmt --to=si 999 1000 1500000 3e9; numfmt --from=iec --to=si 4M; numfmt --format="%.3f" --to=iec-i 1000000; numfmt --grouping 1234567 2>&1; echo 1.5K | numfmt --from=si --padding=10'
setup='printf "\x18\x2d\x44\x54\xfb\x21\x09\x40\x00\x00\x00\x00\x00\x00\xf0\x7f\x9a\x99\x99\x99\x99\x99\xb9\x3f\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80" >f.bin'
run od_f8 usr/bin/od -A d -t f8 -t x8 f.bin
setup='printf "\x00\x00\x80\x3f\x00\x00\xc0\x7f\xdb\x0f\x49\x40\x01\x00\x00\x00" >f.bin'
run od_more usr/bin/od -t f4 -t d2 -t o1 -t c -w8 f.bin
run coreutils_misc bin/sh -c 'echo "3 + 4 * 2" | tr -d " "; expr 17 / 5 % 3; basename /a/b.txt .txt; wc -c </etc/hostname >/dev/null && echo wc
printf "b 2\na 10\nc 1\n" | sort -k2,2n; printf "x\ny\nx\n" | sort | uniq -c; echo abc | rev 2>/dev/null || echo norev
tr a-z A-Z <<<"mixed Case"; cut -d: -f1,3 <<<"r:x:0:0"; yes | head -3; nl -ba <<<"one"; fmt -w 20 <<<"a b c d e f g h i j k l m n o p"
printf "%s\n" 5 3 8 | sort -n | tac; echo "$((16#ff))"; env -u PATH true; nproc >/dev/null && echo nproc; test 2 -lt 10 && echo lt'

# ---------------------------------------------------------------------------------------------
# compressors

data='seq 1 50000 >data; head -c 65536 /dev/zero >zeros; printf "%s\n" "the quick brown fox jumps over the lazy dog" >small
for i in $(seq 1 200); do echo "line $i $((i * i * 7919 % 100003))"; done >text'
setup=$data
run gzip_roundtrip bin/sh -c 'for f in data zeros small text; do gzip -9 -n -c $f >$f.gz; gzip -l $f.gz | tail -1 | awk "{print \$1, \$2}"; md5sum <$f.gz; gzip -dc $f.gz | cmp - $f && echo "$f ok"; done
gzip -1 -n data && gunzip data.gz && md5sum data; echo garbage >bad.gz; gzip -t bad.gz; echo "status $?"'
setup=$data
run bzip2_roundtrip bin/sh -c 'for f in data zeros small text; do bzip2 -9 -c $f >$f.bz2; md5sum <$f.bz2; bzip2 -dc $f.bz2 | cmp - $f && echo "$f ok"; done
bzip2 -1 data && bunzip2 data.bz2 && md5sum data; bzip2 -t small.bz2 && echo tested'
setup=$data
run xz_roundtrip bin/sh -c 'for f in data zeros small text; do xz -6 -c $f >$f.xz; md5sum <$f.xz; xz -dc $f.xz | cmp - $f && echo "$f ok"; done
xz -l data.xz | tail -1 | awk "{print \$5, \$6, \$7}"; xz -9e -c text | md5sum; xz --format=lzma -c small | unlzma | cat; xz -t data.xz && echo tested'

# ---------------------------------------------------------------------------------------------
# interpreters and tools

setup='cat >t.py <<"EOF"
import math, struct, json, re, hashlib, decimal, subprocess, sys
xs = [0.1, 1/3, 2.5e-308, 1e308, -0.0, 123456.789, math.pi, math.e, 5e-324]
for x in xs:
    print(repr(x), x.hex(), "%.17g" % x, f"{x:e}", f"{x:.3f}", f"{x:g}")
print(0.1 + 0.2, 1e16 + 1, 2**0.5, 10**-5, 7 / 3, 7 // 3, -7 // 3, 7 % -3, divmod(-7.5, 2))
for f in (math.sin, math.cos, math.tan, math.exp, math.log, math.sqrt, math.atan, math.log10, math.log2,
          math.log1p, math.expm1, math.sinh, math.cosh, math.tanh, math.asinh, math.gamma, math.lgamma,
          math.erf, math.erfc, math.acos, math.asin):
    print(f.__name__, repr(f(0.75)), repr(f(0.125)))
print(math.atan2(1, -1), math.hypot(3, 4), math.fmod(10.5, 3), math.pow(2, 0.5), math.fsum([0.1] * 10))
print(math.factorial(30), math.comb(50, 20), math.isqrt(10**40 + 1), math.gcd(2**64, 6**30))
print(math.floor(-2.5), math.ceil(-2.5), round(2.5), round(3.5), round(2.675, 2), math.trunc(-3.9))
print(float("inf"), -float("inf"), float("nan"), math.isclose(1.0, 1.0 + 1e-10), 1e300 * 1e10)
print(sum(1 / k**2 for k in range(1, 20000)), int(1e20), float(2**80), 3.0 ** 200, 2 ** -1074)
print(sorted([3.5, -1.25, 2e10, 0.0, 1e-9]), min(xs), max(xs), float("1e-400"), float.fromhex("0x1.8p1"))
b = struct.pack("<dfeiqH", math.pi, 1 / 3, 0.5, -2, 2**40, 65535)
print(b.hex(), struct.unpack("<dfeiqH", b))
print(struct.pack(">d", 1e-320).hex(), struct.unpack(">f", bytes.fromhex("7f7fffff")), struct.calcsize("P"), struct.calcsize("@id"))
doc = {"a": [1, 2.5, -3e-7, True, None], "b": {"x": "y\u00e9\n", "pi": math.pi}, "big": 2**70}
s = json.dumps(doc, sort_keys=True)
print(s)
print(json.loads(s) == doc, json.dumps(json.loads("[1e400, 0.1, 123456789012345678901234567890]")))
text = "The year 1999 and 2024-03-15; emails a.b@x.org, c@y.com. Phone +1-555-0100."
print(re.findall(r"\b\d{4}\b", text), re.sub(r"(\w+)@(\w+)", r"\2 at \1", text))
print(re.split(r"[;,.]\s*", text), bool(re.fullmatch(r"[A-Z]\w+", "Hello")), re.search(r"(?P<d>\d+)-(\d+)", text).groupdict())
data = b"gate386 real-world test " * 1000
for name in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "blake2b", "blake2s"):
    print(name, hashlib.new(name, data).hexdigest())
decimal.getcontext().prec = 50
D = decimal.Decimal
print(D(1) / D(7), D(2).sqrt(), D("1.1") + D("2.2"), D(10).ln(), D("0.1") * 3 == D("0.3"))
print(D("123.456").quantize(D("0.01"), rounding=decimal.ROUND_HALF_EVEN), D(1).exp(), D(2) ** D("0.5"))
r = subprocess.run([sys.executable, "-c", "import sys; print(\"child\", sum(range(100))); sys.exit(3)"],
                   capture_output=True, text=True)
print("subprocess", r.returncode, r.stdout.strip())
p = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdout.write(sys.stdin.read().upper())"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
out, _ = p.communicate(b"piped text\n")
print(out, p.returncode)
print(subprocess.check_output(["sh", "-c", "echo from sh; ls -d /"], text=True), end="")
class MyError(Exception):
    pass
def f(n):
    if n == 0:
        raise MyError("bottom")
    return f(n - 1)
try:
    f(5)
except MyError as e:
    print("caught", repr(e))
for expr in ("1/0", "[][1]", "{}[\"k\"]", "int(\"x\")", "None.attr", "1.0/0", "math.sqrt(-1)", "math.exp(1000)"):
    try:
        eval(expr)
    except Exception as e:
        print(expr, type(e).__name__, e)
try:
    try:
        raise ValueError("inner")
    finally:
        print("finally ran")
except ValueError as e:
    print("outer", e)
raise SystemExit("uncaught at the end")
EOF'
run python3 usr/bin/python3 t.py

setup='cat >t.py <<"EOF"
import signal, time, os
got = []
def on_alarm(sig, frame):
    got.append(sig)
    raise TimeoutError("alarm fired")
signal.signal(signal.SIGALRM, on_alarm)
signal.alarm(1)
try:
    while True:
        time.sleep(0.05)
except TimeoutError as e:
    print("alarm", e, got)
signal.alarm(0)
signal.signal(signal.SIGUSR1, lambda s, f: print("usr1 handler", s))
os.kill(os.getpid(), signal.SIGUSR1)
print("after kill")
def boom():
    raise KeyError("traceback to stderr")
boom()
EOF'
run python3_signals usr/bin/python3 t.py

setup='cat >t.lua <<"EOF"
print(1/3, 2^0.5, math.pi, math.huge, -math.huge, 0/0 ~= 0/0, 7 // 2, 7.0 // 2, -7 % 3, 3 % -2.5)
print(math.sin(1), math.cos(1), math.exp(1), math.log(10), math.log(8, 2), math.sqrt(2), math.fmod(7.5, 2))
print(string.format("%.17g %e %g %a %5.2f", 0.1, 123.456, 1e-5, 1.0, math.pi))
print(math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger, 1e308 * 10, math.tointeger(3.0))
print(math.floor(-2.5), math.ceil(-2.5), math.abs(-0.0), math.ult(1, -1), 3 | 5, 3 ~ 5, ~0, 1 << 63, 256 >> 4)
local t = {}
for i = 1, 10 do t[i] = i * i end
print(table.concat(t, ","), #t, select("#", 1, 2, 3), table.unpack({1, 2, 3}))
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, " "))
local s = "Hello, Lua 5.4 world"
print(s:upper(), s:len(), s:sub(8, 10), s:rep(2, "|"), s:find("Lua"), s:match("(%d+)%.(%d+)"))
print((s:gsub("%w+", function(w) return w:reverse() end)))
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do io.write(k, ":", v, " ") end print()
local co = coroutine.create(function(a, b)
  local c = coroutine.yield(a + b)
  local d, e = coroutine.yield(c * 2)
  return d + e
end)
print(coroutine.resume(co, 1, 2)) print(coroutine.resume(co, 10)) print(coroutine.resume(co, 3, 4)) print(coroutine.resume(co))
print(pcall(error, {code = 42}), select(2, pcall(error, "msg", 0)), pcall(function() return nil + 1 end))
local mt = {__add = function(a, b) return a.v + b.v end, __tostring = function(a) return "V(" .. a.v .. ")" end}
local a, b = setmetatable({v = 1.5}, mt), setmetatable({v = 2.25}, mt)
print(a + b, tostring(a), rawequal(a, b))
print(string.pack("<d", 0.1):byte(1, -1))
print(string.unpack("<i4", "\255\255\255\127"), utf8.char(233, 8364), utf8.len("h\u{e9}llo"))
local fib = {}
local function f(n) if n < 2 then return n end if fib[n] then return fib[n] end local r = f(n-1) + f(n-2) fib[n] = r return r end
print(f(90), 2^53 + 1, math.type(1), math.type(1.0), math.type("1"))
print(os.time({year = 2005, month = 8, day = 14, hour = 0}), os.date("!%Y-%m-%d %H:%M:%S", 1123977600))
io.stderr:write("to stderr\n")
os.exit(7)
EOF'
run lua5.4 usr/bin/lua5.4 t.lua

setup='cat >t.sql <<"EOF"
CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, x REAL, blob BLOB);
INSERT INTO t(name, x, blob) VALUES ("a", 1.5, x"00ff"), ("b", -2.25e-10, NULL), ("c", 1e300, x"deadbeef");
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000) INSERT INTO t(name, x) SELECT "n" || n, n * 0.1 FROM c;
SELECT count(*), sum(x), avg(x), min(x), max(x), total(id) FROM t;
SELECT name, x, hex(blob), typeof(x) FROM t WHERE id <= 4 ORDER BY x;
SELECT round(3.14159, 3), 7 / 2, 7.0 / 2, 7 % 3, abs(-4.5), 1e308 * 10, -0.0, 0.1 + 0.2, printf("%.20f|%e|%g", 0.1, 2.0/3, 1e-7);
SELECT upper("mixed"), substr("abcdef", 2, 3), replace("a-b-c", "-", "+"), length("héllo"), instr("hello", "ll"), trim("  x  ");
SELECT group_concat(name, ",") FROM (SELECT name FROM t ORDER BY id LIMIT 8);
CREATE INDEX ix ON t(x);
EXPLAIN QUERY PLAN SELECT * FROM t WHERE x > 5;
SELECT name FROM t WHERE x BETWEEN 49.95 AND 50.25 ORDER BY x DESC;
SELECT datetime(1123977600, "unixepoch"), julianday("2005-08-14"), strftime("%s", "2005-08-14 00:00:00"), date("2005-08-14", "+1 month", "-1 day");
BEGIN; UPDATE t SET x = x * 2 WHERE id % 100 = 0; SELECT sum(x) FROM t; ROLLBACK; SELECT sum(x) FROM t;
SELECT nosuchfunction(1);
EOF'
run sqlite3 usr/bin/sqlite3 -batch -bail db.sqlite '.read t.sql'
setup='printf "1,2.5,x\n3,4.75,y\n" >in.csv'
run sqlite3_csv usr/bin/sqlite3 -batch :memory: '.mode csv' '.import in.csv t' '.mode column' '.headers on' 'select *, typeof(a) from t;' '.mode json' 'select * from t;' '.schema'

setup='printf "#!/bin/sh\necho hi\n" >script.sh; printf "hello\n" >text.txt; printf "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0" >img.png
printf "%s" "{\"a\": 1}" >j.json; gzip -n -c text.txt >t.gz; printf "<?xml version=\"1.0\"?>\n<a/>\n" >x.xml; printf "PK\x03\x04" >z.zip; : >empty'
run file usr/bin/file -m "$S/usr/lib/file/magic.mgc" script.sh text.txt img.png j.json t.gz x.xml z.zip empty "$S/bin/bash" "$S/lib/i386-linux-gnu/libc.so.6" "$S/usr/lib/python3.11/json/__init__.py" /nonexistent
run file_mime usr/bin/file -m "$S/usr/lib/file/magic.mgc" -i "$S/bin/bash" "$S/usr/share/doc/bash/copyright"

run objdump_d usr/bin/objdump -d --no-show-raw-insn "$S/bin/true"
run objdump_x usr/bin/objdump -x -T -R "$S/bin/true"
run objdump_s usr/bin/objdump -s -j .rodata -j .eh_frame_hdr -W "$S/usr/bin/sha256sum"

setup='cat >t.pl <<"EOF"
use strict; use warnings;
my @a = map { $_ * $_ } 1 .. 10;
print "@a\n", scalar(@a), " ", join(",", reverse @a[0..2]), "\n";
my %h = (one => 1, two => 2, three => 3);
print join(" ", map { "$_=$h{$_}" } sort keys %h), "\n";
printf("%.17g %e %g %.3f %x %o %b %s\n", 0.1, 1/3, 1e-5, 2.0005, 255, 8, 10, 1e21);
print 2**0.5, " ", sqrt(2), " ", exp(1), " ", log(10), " ", sin(1), " ", cos(1), " ", atan2(1, 1) * 4, "\n";
print 10/3, " ", int(-7/2), " ", -7 % 3, " ", 2**53 + 1, " ", 9**20, " ", 0.1 + 0.2 == 0.3 ? "eq" : "ne", "\n";
my $s = "The quick brown fox jumps over the lazy dog";
(my $t = $s) =~ s/(\w+)/\u$1/g;
print "$t\n", join("|", $s =~ /\b(\w{5})\b/g), " ", scalar(() = $s =~ /o/g), "\n";
print join(",", split(/\s*,\s*/, "a , b,c ,d")), " ", lc("MiXeD"), " ", ucfirst("word"), " ", length($s), "\n";
my @sorted = sort { $b <=> $a } (3.5, -1, 1e3, 0.25, 42);
print "@sorted\n";
my $ref = { list => [1, [2, 3], { k => "v" }], code => sub { return "called with @_" } };
print $ref->{list}[1][1], " ", $ref->{list}[2]{k}, " ", $ref->{code}->(1, 2), "\n";
print pack("N n C a4", 1, 2, 3, "abcd") eq "\0\0\0\1\0\2\3abcd" ? "pack ok\n" : "pack bad\n";
print join(",", unpack("d< f< l<", pack("d< f< l<", 3.14159, 0.5, -5))), "\n";
eval { die { code => 42 } }; print "died with $@->{code}\n";
eval { my $x = 1 / 0; }; print "error: $@";
local $SIG{__WARN__} = sub { print "warned: $_[0]" }; warn "a warning\n";
my $out = `echo backtick`; print "got $out";
open(my $fh, ">", "f.txt") or die; print $fh "line $_\n" for 1 .. 5; close $fh;
open($fh, "<", "f.txt") or die; my @lines = <$fh>; close $fh; print scalar(@lines), " lines, last: $lines[-1]";
print sprintf("%s", join ",", map { sprintf "%.2f", $_ / 7 } 1 .. 5), "\n";
print STDERR "to stderr\n";
exit 3;
EOF'
run perl usr/bin/perl t.pl

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
exit 0
