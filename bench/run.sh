#!/usr/bin/env bash
# gate386 benchmark harness: native vs qemu-i386 vs gate386, side by side, best of N.
# usage: bench/run.sh [--quick] [--runs N] [--gate PATH] [--gate-arg ARG]... [--only NAME[,NAME]]
#                     [--no-qemu] [--list] [--help]
# Builds bench/programs/*.c into bench/build/, prepares the busybox inputs, then hands over to
# bench/tools/bench.py which times, checks outputs and writes bench/results/latest.md.
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$bench/.." && pwd)

usage() {
  cat <<'EOF'
usage: bench/run.sh [options]
  --quick          one run per runner instead of best of 3
  --runs N         best of N runs (default 3)
  --gate PATH      gate386 binary (default: ../build/gate386 relative to bench/)
  --gate-arg ARG   extra argument put before the program on every gate386 run (repeatable),
                   e.g. --gate-arg=--cpu=pentium4
  --only NAMES     comma-separated workload names (see --list)
  --no-qemu        skip qemu-i386
  --list           list workloads and exit
  --help           this text
Exit status: 0 when every run that was attempted agreed with native, 1 on any FAIL/MISMATCH,
2 on usage or setup errors.
EOF
}

invocation="$*"
runs=3
gate="$top/build/gate386"
only=""
py_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) runs=1 ;;
    --runs) runs=${2:?--runs needs a number}; shift ;;
    --runs=*) runs=${1#*=} ;;
    --gate) gate=${2:?--gate needs a path}; shift ;;
    --gate=*) gate=${1#*=} ;;
    --gate-arg) py_args+=(--gate-arg="${2:?--gate-arg needs a value}"); shift ;;
    --gate-arg=*) py_args+=(--gate-arg="${1#*=}") ;;
    --only) only=${2:?--only needs a name}; shift ;;
    --only=*) only=${1#*=} ;;
    --no-qemu) py_args+=(--no-qemu) ;;
    --list) exec python3 "$bench/tools/bench.py" --list ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
case "$runs" in ''|*[!0-9]*|0) echo "run.sh: --runs wants a positive integer" >&2; exit 2 ;; esac
# A relative --gate is relative to where the user stands, not to bench/.
case "$gate" in /*) ;; *) [ -e "$gate" ] && gate="$(cd "$(dirname "$gate")" && pwd)/$(basename "$gate")" ;; esac

build="$bench/build"
mkdir -p "$build/bin" "$build/obj" "$build/tools" "$build/data" "$build/work"

# ---- 1. our own i386 programs -------------------------------------------------------------
# -march=i686 has no MMX/SSE; -mno-sse/-mno-mmx make sure of it. The programs use no floating
# point at all, so no x87 either (checked below on our own object code; glibc's static
# archive keeps its ifunc-selected SSE2 string functions, which pick by CPUID at run time).
cflags=(-m32 -O2 -march=i686 -mtune=generic -mno-sse -mno-mmx -fno-pie -Wall -Wextra -Werror)
ldflags=(-m32 -static -no-pie)
stamp="$build/obj/flags.txt"
flags_now="$(gcc --version | head -1) ${cflags[*]} ${ldflags[*]}"
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$flags_now" ] || { rm -f "$build"/obj/*.o; echo "$flags_now" >"$stamp"; }
for src in "$bench"/programs/*.c; do
  name=$(basename "$src" .c)
  obj="$build/obj/$name.o" exe="$build/bin/$name"
  if [ ! -x "$exe" ] || [ "$src" -nt "$exe" ] || [ "$bench/programs/bench_common.h" -nt "$exe" ] \
     || [ "$stamp" -nt "$exe" ]; then
    echo "bench: building $name" >&2
    gcc "${cflags[@]}" -c "$src" -o "$obj"
    # x87/MMX/SSE in our own code would make the programs unrunnable on an integer-only emulator.
    if objdump -d --no-show-raw-insn "$obj" | grep -Eq '^\s+[0-9a-f]+:\s+f[a-z0-9]+\b|%[xy]?mm[0-9]|%st\b'; then
      echo "bench: $name.o contains floating-point/SIMD instructions; keep the programs integer-only" >&2
      objdump -d --no-show-raw-insn "$obj" | grep -E '^\s+[0-9a-f]+:\s+f[a-z0-9]+\b|%[xy]?mm[0-9]|%st\b' | head >&2
      exit 2
    fi
    gcc "${ldflags[@]}" "$obj" -o "$exe.tmp" && mv "$exe.tmp" "$exe"
  fi
done

# host tool that writes the deterministic busybox input
if [ ! -x "$build/tools/gendata" ] || [ "$bench/tools/gendata.c" -nt "$build/tools/gendata" ] \
   || [ "$bench/programs/bench_common.h" -nt "$build/tools/gendata" ]; then
  gcc -O2 -Wall -Wextra -Werror "$bench/tools/gendata.c" -o "$build/tools/gendata"
fi

# ---- 2. busybox (Debian's unmodified busybox-static:i386) and its input --------------------
busybox=""
for cand in "$top/build-deps/busybox-static/bin/busybox" "$build/deps/busybox-static/bin/busybox"; do
  [ -x "$cand" ] && { busybox=$cand; break; }
done
if [ -z "$busybox" ]; then
  # Same recipe as scripts/setup.sh, but into bench/build/ (the harness stays inside bench/).
  echo "bench: fetching busybox-static:i386 into bench/build/deps" >&2
  tmp=$(mktemp -d)
  if ( cd "$tmp" && { apt-get download -qq busybox-static:i386 >/dev/null 2>&1 ||
                      { apt-get update -qq && apt-get download -qq busybox-static:i386 >/dev/null 2>&1; }; } ) &&
     mkdir -p "$build/deps" && dpkg -x "$tmp"/busybox-static_*.deb "$build/deps/busybox-static"; then
    busybox="$build/deps/busybox-static/bin/busybox"
  else
    echo "bench: WARNING: could not get busybox-static:i386; busybox workloads will be skipped" >&2
  fi
  rm -rf "$tmp"
fi

data="$build/data/text-16m.txt"
data_size=$((16 << 20))
if [ ! -f "$data" ] || [ "$(stat -c %s "$data")" != "$data_size" ] || [ "$build/tools/gendata" -nt "$data" ]; then
  echo "bench: generating $data" >&2
  "$build/tools/gendata" "$data_size" 1 >"$data.tmp" && mv "$data.tmp" "$data"
fi

# ---- 3. qemu-i386 ---------------------------------------------------------------------------
qemu=$(command -v qemu-i386 || true)
if [ -z "$qemu" ] && [[ " ${py_args[*]-} " != *" --no-qemu "* ]]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bench: qemu-i386 missing; installing qemu-user" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user >/dev/null || true
    qemu=$(command -v qemu-i386 || true)
  fi
  [ -n "$qemu" ] || echo "bench: WARNING: qemu-i386 not found (apt-get install qemu-user); its column will be empty" >&2
fi

# ---- 4. measure ------------------------------------------------------------------------------
exec python3 "$bench/tools/bench.py" \
  --runs "$runs" --gate "$gate" --bin-dir "$build/bin" --work-dir "$build/work" \
  --busybox "$busybox" --data "$data" --qemu "$qemu" --only "$only" \
  --results "$bench/results" --invocation="$invocation" ${py_args[@]+"${py_args[@]}"}
