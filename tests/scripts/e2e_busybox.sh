#!/usr/bin/env bash
# End-to-end: Debian's unmodified busybox-static (i386) running shell scripts natively and under
# gate386.  Every case runs `busybox sh -c SCRIPT` twice, in two fresh directories holding the same
# input files, with the same clean environment: once natively, once as `GATE386 busybox sh -c`.
# stdout, stderr and the exit status must be identical.  busybox sh forks and re-executes itself
# (/proc/self/exe) for most applets; PATH holds only symlinks to busybox, so every exec is the i386
# binary.  No awk and nothing floating point; no absolute paths, times or pids in the output.
# usage: e2e_busybox.sh GATE386 GUESTDIR      (E2E_VERBOSE=1 also prints each native output)
set -u
G=$1
case $G in /*) ;; *) G=$(cd "$(dirname "$G")" && pwd)/$(basename "$G") ;; esac  # cases cd around
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=$top/build-deps
bb=$cache/busybox-static/bin/busybox

# Same fetch as scripts/setup.sh: apt-get download + dpkg -x into build-deps/busybox-static.
if [ ! -x "$bb" ]; then
  echo "e2e_busybox: fetching busybox-static:i386 into $cache" >&2
  mkdir -p "$cache"
  tmp=$(mktemp -d)
  ( cd "$tmp" && apt-get download -qq busybox-static:i386 >/dev/null 2>&1 ) ||
    { apt-get update -qq && ( cd "$tmp" && apt-get download -qq busybox-static:i386 >/dev/null 2>&1 ); }
  rm -rf "$cache/busybox-static.partial"
  if ls "$tmp"/*.deb >/dev/null 2>&1 && dpkg -x "$tmp"/*.deb "$cache/busybox-static.partial"; then
    [ -d "$cache/busybox-static" ] || mv "$cache/busybox-static.partial" "$cache/busybox-static"
  fi
  rm -rf "$tmp" "$cache/busybox-static.partial"
fi
if [ ! -x "$bb" ]; then
  echo "e2e_busybox: cannot get $bb (run scripts/setup.sh)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
for a in $("$bb" --list); do ln -s "$bb" "$work/bin/$a"; done

# Input files, created the same way in every case directory.
fixtures() {
  local d=$1
  mkdir -p "$d"
  printf 'the quick brown fox\njumps over\nthe lazy dog\n\nlast line without newline' >"$d/input.txt"
  printf 'banana\napple\ncherry\napple\ndate\nbanana\nelderberry\nfig\napple\n' >"$d/words.txt"
  printf 'apple\nbanana\ncoconut\ndate\n' >"$d/words2.txt"
  printf '10\n9\n100\n-3\n42\n7\n0\n' >"$d/nums.txt"
  printf 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nuser:x:1000:1000:A User:/home/user:/bin/sh\n' >"$d/passwd.txt"
  printf 'AB\000\001\177\200\377z' >"$d/small.bin"
  local i
  for i in $(seq 1 300); do printf 'line %d: %s\n' "$i" "lorem ipsum dolor sit amet $((i * 7919 % 1000))"; done >"$d/big.txt"
  touch -d '2020-01-02 03:04:05' "$d"/*.txt "$d/small.bin"
}

pass=0 fail=0 failed=()
# run NAME SCRIPT
run() {
  local name=$1 script=$2
  local n=$work/native/$name e=$work/emu/$name
  fixtures "$n"
  fixtures "$e"
  ( cd "$n" && env -i PATH="$work/bin" HOME=/nonexistent LC_ALL=C TZ=UTC0 \
      timeout 60 "$bb" sh -c "$script" </dev/null >"$work/n.out" 2>"$work/n.err" )
  local ns=$?
  ( cd "$e" && env -i PATH="$work/bin" HOME=/nonexistent LC_ALL=C TZ=UTC0 \
      timeout 120 "$G" "$bb" sh -c "$script" </dev/null >"$work/e.out" 2>"$work/e.err" )
  local es=$?
  if [ "${E2E_VERBOSE:-0}" = 1 ]; then
    echo "---- $name: native status $ns"; cat "$work/n.out"; sed 's/^/stderr: /' "$work/n.err"
  fi
  if cmp -s "$work/n.out" "$work/e.out" && cmp -s "$work/n.err" "$work/e.err" && [ "$ns" = "$es" ]; then
    echo "PASS $name"
    pass=$((pass + 1))
  else
    echo "FAIL $name (status native $ns, gate386 $es)"
    diff "$work/n.out" "$work/e.out" | head -20 | sed 's/^/  stdout: /'
    diff "$work/n.err" "$work/e.err" | head -10 | sed 's/^/  stderr: /'
    fail=$((fail + 1))
    failed+=("$name")
  fi
}

run echo_printf 'echo hello world; echo -n "no newline"; echo; echo -e "a\tb\\c"; echo
printf "%s-%d-%x-%o-%5s|%-5s|%03d\n" abc 42 255 8 x y 7
printf "%s\n" one two three; printf "%c%c\n" A B; printf "%%\n"'

run cat_wc 'cat input.txt; echo; cat input.txt words.txt | wc -l; wc -c <input.txt; wc input.txt words.txt
cat -n words.txt | head -3; wc -w big.txt; cat nonexistent; echo "status $?"'

run sort_uniq 'sort words.txt | uniq -c; sort -r words.txt | head -3; sort -n nums.txt | tr "\n" " "; echo
sort -u words.txt | wc -l; sort -t: -k3,3n passwd.txt | cut -d: -f1; uniq -d words.txt; sort words.txt | uniq -u
sort -k2,2 -t" " big.txt | head -2; sort -rn nums.txt | head -1'

run sed 'sed -n "2,4p" input.txt; sed "s/o/0/g" input.txt | head -3; sed -e "/^b/d" words.txt
sed "s/\(a\)\(p*\)/[\2\1]/g" words.txt | head -3; sed -n "\$=" big.txt; sed "3q" words.txt; sed -n "/cherry/,/date/p" words.txt
printf "x\ny\n" | sed "1i\\
top"; sed -i "s/apple/APPLE/" words.txt; grep -c APPLE words.txt'

run grep 'grep -n an words.txt; grep -c . input.txt; grep -v a words.txt; grep -E "^(ap|ba)" words.txt | sort -u
grep -q zzz words.txt; echo "status $?"; grep -i THE input.txt; grep -o "a[a-z]" words.txt | head -4
grep -l apple *.txt; grep -w dog input.txt; grep -F "o." input.txt; echo "status $?"; grep -r lazy . | sort'

run cut_tr 'cut -d: -f1,3 passwd.txt; cut -c1-5 input.txt; echo Hello World | tr a-z A-Z
tr -d aeiou <words.txt | head -3; echo aaabbbccc | tr -s ab; echo hello | tr el ip; cut -d" " -f2- input.txt'

run head_tail 'head -n 2 input.txt; tail -n 2 input.txt; echo; tail -c 10 input.txt; echo
head -c 5 input.txt; echo; tail -n +299 big.txt; head -n -298 words.txt; tac words.txt | head -2'

run hashes 'md5sum input.txt words.txt; sha1sum words.txt; sha256sum input.txt small.bin; sha512sum words.txt
cat big.txt | md5sum; sha3sum input.txt; crc32 input.txt; md5sum -c /dev/null; echo "status $?"'

run gzip_roundtrip 'gzip -c input.txt >i.gz; gunzip -c i.gz | cmp - input.txt && echo same
gzip -9 -c big.txt | gunzip | md5sum; zcat i.gz | wc -l; gzip big.txt; ls big*; gunzip big.txt.gz; md5sum big.txt
echo corrupt >bad.gz; gunzip -c bad.gz; echo "status $?"'

run bzip2 'bzip2 -c big.txt | bunzip2 | md5sum; bzip2 -c words.txt >w.bz2; bzcat w.bz2 | sort -u | wc -l
bzip2 -1 big.txt; ls big*; bunzip2 big.txt.bz2; md5sum big.txt'

run tar 'mkdir -p t/a/b; echo x >t/a/b/f; echo y >t/g; tar cf t.tar t; tar tf t.tar | sort
mkdir out; tar xf t.tar -C out; find out -type f | sort; cat out/t/a/b/f
tar czf t.tgz t; mkdir out2; tar xzf t.tgz -C out2; cat out2/t/g; tar tvf t.tar >/dev/null; echo "tvf $?"'

run find 'find . -name "*.txt" | sort; find . -type d | sort; find . -size +1k | sort
mkdir -p d1/d2; touch d1/d2/z; find d1 | sort; find . -name "*.bin" -exec md5sum {} \;
find . -newer input.txt -name "*.bin"; echo done'

run expr_test 'expr 3 + 4; expr 10 / 3; expr 10 % 3; expr -7 / 2; expr length hello; expr substr hello 2 3
expr index hello l; expr abc : "a\(.\)"; expr 5 \> 3; expr 0; echo "status $?"
test 3 -lt 5 && echo lt; [ -f input.txt ] && echo file; [ -d . ] && echo dir; [ -z "" ] && echo empty
[ abc = abd ] || echo differ; [ -s nums.txt ] && echo nonempty; [ ! -e nope ] && echo missing
echo $((7*6)) $((1<<10)) $((-7/2)) $((-7%3)) $((0x10)) $((2147483647+1)) $((~5)) $((3>2))'

run od_hexdump 'printf "ABC\001\377" | od -An -tx1; od -c small.bin; echo abcd | od -tx2; od -An -tu4 small.bin
hexdump -C small.bin; xxd small.bin; printf "\x41\x42" | xxd -p; strings -n 3 big.txt | head -2'

run dd 'dd if=input.txt bs=4 count=3 status=none; echo; dd if=/dev/zero bs=512 count=4 status=none | wc -c
dd if=input.txt of=out.txt bs=1 skip=4 count=11 status=noxfer; cat out.txt; echo
dd if=input.txt bs=6 count=2 conv=swab status=none; echo; dd if=nope status=none; echo "status $?"'

run cp_mv_rm 'cp input.txt c1; mkdir t; cp words.txt nums.txt t; cp -r t t2
mv c1 c2; ls; rm c2; rm -r t2; ls -a | sort; rm nonexistent; echo "rm status $?"; mv nope x; echo "mv status $?"
cp -p input.txt kept; stat -c "%s %Y" kept; rmdir t; echo "rmdir status $?"; rm -rf t; ls -d t; echo "ls status $?"'

run ln_readlink 'ln -s input.txt sl; ln input.txt hl; readlink sl; stat -c "%n %s %h %F" input.txt sl hl
ls -1; ln -s dangling dl; readlink dl; cat dl; echo "status $?"; ln -sf words.txt sl; readlink sl
readlink -f sl | sed "s|.*/||"; unlink hl; stat -c %h input.txt'

run xargs 'printf "a\nb\nc\n" | xargs echo; seq 1 10 | xargs -n 3 echo; find . -name "*.txt" | sort | xargs wc -l
echo "1 2 3" | xargs -n1 expr 10 +; printf "x y\n" | xargs -I{} echo "[{}]"'

run base64 'base64 input.txt | head -2; base64 input.txt | base64 -d | cmp - input.txt && echo roundtrip
echo hi | base64; echo aGkK | base64 -d; base64 small.bin; uuencode small.bin x | uudecode -o dec.bin; cmp small.bin dec.bin && echo uu'

run cmp_diff 'cmp input.txt input.txt; echo $?; cmp input.txt words.txt; echo $?; diff words.txt words2.txt; echo $?
diff -u words2.txt words.txt | tail -n +3; cmp -l small.bin small.bin; echo $?'

run names 'basename /a/b/c.txt .txt; dirname /a/b/c.txt; basename dir/; dirname file; dirname /; basename /
pwd | sed "s|.*/||"; cd .. && basename "$OLDPWD"'

run seq_yes 'seq 5; seq 2 3 20; seq -s, 1 5; seq 5 -1 1 | tr "\n" " "; echo; seq -w 8 11
yes | head -3; yes abc | head -n 2; seq 1 100000 | tail -1'

run mkdir_touch_ls 'mkdir -p m/n/o; touch -d "2020-01-02 03:04:05" m/f; ls -R m; ls -ln m/f | sed "s/  */ /g"
mkdir m; echo "mkdir status $?"; touch m/n/new; ls m/n; ls -l small.bin | sed "s/  */ /g"
mkdir -m 700 priv; stat -c %a priv; ls -d m/*'

run tee 'echo teed | tee t1.txt t2.txt; cat t1.txt t2.txt; echo more | tee -a t1.txt >/dev/null; cat t1.txt
seq 3 | tee t3.txt | wc -l; cat t3.txt'

run env_true_false 'env -i A=1 B=2 env; env | grep -c "^PATH="; X=5 env | grep ^X=
true; echo $?; false; echo $?; ! false; echo $?; sh -c "exit 7"; echo $?; (exit 300); echo $?'

run shell_control 'for i in 1 2 3; do echo "i=$i"; done; x=$(echo inner); echo $x; i=0
while [ $i -lt 5 ]; do i=$((i+1)); done; echo $i; echo a | (read v; echo got $v); { echo g1; echo g2; } | wc -l
until [ $i -eq 0 ]; do i=$((i-1)); done; echo $i; for f in *.txt; do echo "$f"; done
f() { echo "f:$1:$#"; return 3; }; f a b; echo $?; case abc in a*) echo star;; *) echo none;; esac
set -- x y z; echo $2 $#; shift; echo "$@"; echo ${#x} ${x#in} ${x%er} ${unset:-dflt}
a=$( (echo sub; exit 4) ); echo "$a $?"; echo $(( $(echo 6) * 7 )); eval "y=9"; echo $y
trap "echo trapped" EXIT; echo before'

run pipelines 'seq 1 2000 | sort -r | md5sum; seq 1 500 | sed "s/$/ x/" | tr " " "\n" | sort | uniq -c | sort -rn | head -3
cat big.txt | grep 7 | cut -d: -f2 | sort | uniq | wc -l; yes ab | head -1000 | tr -d "\n" | wc -c
seq 1 50 | paste - - | head -2; seq 1 20 | xargs | fold -w 10'

run text_tools 'nl words.txt | head -3; printf "abcdefghij\n" | fold -w 3; paste words.txt nums.txt | head -3
rev words.txt | head -2; expand -t4 <<EOF
a	b
EOF
printf "a\r\nb\r\n" | dos2unix | od -c | head -2; factor 360 97 1001'

run stat_truncate 'stat -c "%s %a %F %Y" input.txt; truncate -s 100 tr.bin; stat -c %s tr.bin; truncate -s 10 tr.bin
stat -c %s tr.bin; mkfifo ff; stat -c %F ff; date -u -d @1234567890 "+%Y-%m-%d %H:%M:%S"'

run exit_status 'echo out; echo err >&2; ls nonexistent; exit 42'

run misc_applets 'id -u >/dev/null && echo id ok; uname -s; echo hello | wc; usleep 100000; echo slept
printf "3\n1\n2\n" | sort | head -1; echo "a b c" | cut -d" " -f2; busybox echo direct
echo "2^64" | bc; echo "7 6 * p" | dc; nproc >/dev/null && echo nproc ok'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
exit 0
