#!/usr/bin/env python3
"""Times each workload natively, under qemu-i386 and under gate386, checks that all three print the
same thing, and prints/writes the comparison table. Called by bench/run.sh (which builds the
programs and inputs first); not meant to be run on its own except for --list."""

import argparse
import datetime
import hashlib
import math
import os
import platform
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

STATS_RE = re.compile(r"^gate386 stats: instructions (\d+)\s*$", re.M)

# Best-of-N keeps going until N runs or until one runner has spent this long on one workload
# (so a slow early emulator cannot blow the ~10 minute budget; the table notes when it happened).
RUNNER_BUDGET_S = 60.0


@dataclass
class Workload:
    name: str
    kind: str  # "program" (bench/programs/NAME.c) or "busybox"
    args: list  # argv after the executable
    what: str


WORKLOADS = [
    Workload("sort", "program", [], "quicksort + mergesort of 3M LCG ints"),
    Workload("hash", "program", [], "CRC32 + FNV-1a + xxHash32-style over 16 MiB, 5 passes"),
    Workload("sha256", "program", [], "own SHA-256, 10 x 8 MiB chained"),
    Workload("lzss", "program", [], "LZSS compress + decompress 12 MiB of text"),
    Workload("vm", "program", [], "bytecode VM: sieve + recursive fib"),
    Workload("nqueens", "program", [], "bitmask N-queens, N=1..14, twice"),
    Workload("bb-gzip", "busybox", ["gzip", "-6", "-c", "{data}"], "busybox gzip -6 of 16 MiB text"),
    Workload("bb-sha256sum", "busybox", ["sha256sum", "{data}"], "busybox sha256sum of 16 MiB text"),
    Workload("bb-bzip2", "busybox", ["bzip2", "-c", "{data}"], "busybox bzip2 of 16 MiB text"),
]


@dataclass
class Run:
    ok: bool
    seconds: float
    digest: str = ""
    why: str = ""  # failure reason
    stderr: str = ""


@dataclass
class Result:
    times: list = field(default_factory=list)  # successful run times
    failure: str = ""  # first failure, empty if all good
    digest: str = ""
    budget_cut: bool = False
    missing: bool = False

    @property
    def best(self):
        return min(self.times) if self.times and not self.failure else None


def run_once(argv, out_path, timeout):
    """Runs argv with stdout to out_path; returns a Run with wall seconds (perf_counter)."""
    with open(out_path, "wb") as out, open(out_path + ".stderr", "wb") as err:
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                    start_new_session=True)
        except OSError as e:
            return Run(False, 0.0, why=f"cannot start: {e}")
        # Block in wait4 rather than Popen.wait(timeout=...), which polls with sleeps of up to
        # 50 ms and would quantize the measurement; a timer thread enforces the timeout instead.
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the session we started for this run only
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, _ = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        timer.cancel()
        rc = os.waitstatus_to_exitcode(status)
        proc.returncode = rc
        if timed_out.is_set():
            return Run(False, timeout, why=f"timeout after {timeout:.0f} s")
    with open(out_path + ".stderr", "rb") as f:
        stderr = f.read().decode("utf-8", "replace")
    h = hashlib.sha256()
    with open(out_path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    if rc != 0:
        sig = f" ({signal.Signals(-rc).name})" if rc < 0 and -rc in signal.valid_signals() else ""
        tail = stderr.strip().splitlines()[-1:] if stderr.strip() else []
        return Run(False, elapsed, h.hexdigest(), f"exit {rc}{sig}" + (f": {tail[0][:160]}" if tail else ""), stderr)
    return Run(True, elapsed, h.hexdigest(), stderr=stderr)


def first_lines(path, n=3):
    try:
        with open(path, "rb") as f:
            data = f.read(4096)
    except OSError:
        return ""
    if b"\0" in data or not data:
        return f"<{os.path.getsize(path)} bytes>"
    return " | ".join(data.decode("utf-8", "replace").splitlines()[:n])


def fmt_s(r: Result):
    if r.missing:
        return "missing"
    if r.failure:
        return "FAIL"
    if r.best is None:
        return "-"
    return f"{r.best:.3f}" + ("*" if r.budget_cut else "")


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "n/a"


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception:
        return ""


def machine_info(args):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rev = sh(f"git -C {top} rev-parse --short HEAD 2>/dev/null") or "no commit"
    dirty = sh(f"git -C {top} status --porcelain 2>/dev/null | head -1")
    info = [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("cpu", cpu),
        ("cores", f"{os.cpu_count()} online" + (f" (load avg {os.getloadavg()[0]:.2f})" if hasattr(os, "getloadavg") else "")),
        ("kernel", f"{platform.system()} {platform.release()} {platform.machine()}"),
        ("gcc", sh("gcc --version | head -1")),
        ("qemu-i386", sh(f"{args.qemu} --version | head -1") if args.qemu else "not found"),
        ("gate386", f"{args.gate} (tree {rev}{', modified' if dirty else ''})"),
        ("busybox", (sh(f"{args.busybox} 2>&1 | head -1") or args.busybox) if args.busybox else "not found"),
        ("runs", f"best of {args.runs}" + (" (--quick)" if args.runs == 1 else "")),
    ]
    return info


def build_argv(w: Workload, args):
    if w.kind == "program":
        exe = os.path.join(args.bin_dir, w.name)
        return [exe] + w.args
    return [args.busybox] + [a.replace("{data}", args.data) for a in w.args]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--gate", default="")
    ap.add_argument("--gate-arg", action="append", default=[])
    ap.add_argument("--bin-dir", default="")
    ap.add_argument("--work-dir", default="/tmp")
    ap.add_argument("--busybox", default="")
    ap.add_argument("--data", default="")
    ap.add_argument("--qemu", default="")
    ap.add_argument("--no-qemu", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--results", default="")
    ap.add_argument("--invocation", default="", help="run.sh's own arguments, for the record")
    args = ap.parse_args()

    if args.list:
        for w in WORKLOADS:
            print(f"{w.name:14} {w.what}")
        return 0
    if args.no_qemu:
        args.qemu = ""

    selected = WORKLOADS
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in {w.name for w in WORKLOADS}]
        if unknown:
            print(f"bench: unknown workload(s) {', '.join(unknown)}; known: "
                  f"{', '.join(w.name for w in WORKLOADS)}", file=sys.stderr)
            return 2
        selected = [w for w in WORKLOADS if w.name in names]

    gate_ok = os.path.isfile(args.gate) and os.access(args.gate, os.X_OK)
    if not gate_ok:
        print(f"bench: WARNING: gate386 not found at {args.gate} (build it: scripts/setup.sh); "
              "its columns will say 'missing'", file=sys.stderr)

    info = machine_info(args)
    for k, v in info:
        print(f"{k:10} {v}")
    print(flush=True)

    # Warm the page cache so the first (native) run does not pay for the disk.
    if args.data and os.path.exists(args.data):
        with open(args.data, "rb") as f:
            while f.read(1 << 22):
                pass

    rows = []
    notes = [] if gate_ok else [f"gate386 not found at {args.gate}; build it (scripts/setup.sh) or pass --gate PATH"]
    mismatches = []
    any_bad = False
    t_start = time.perf_counter()
    for w in selected:
        if w.kind == "busybox" and not args.busybox:
            notes.append(f"{w.name}: skipped, busybox-static:i386 not available")
            continue
        argv = build_argv(w, args)
        runners = {"native": argv}
        if args.qemu:
            runners["qemu"] = [args.qemu] + argv
        if gate_ok:
            runners["gate"] = [args.gate] + args.gate_arg + argv
        res = {k: Result() for k in ("native", "qemu", "gate")}
        if not args.qemu:
            res["qemu"].missing = True
        if not gate_ok:
            res["gate"].missing = True
        spent = {k: 0.0 for k in runners}
        print(f"[{w.name}] {' '.join(os.path.basename(a) if i == 0 else a for i, a in enumerate(argv))}",
              file=sys.stderr, flush=True)

        # Interleave the runners round by round so slow drifts of the machine hit all of them.
        for i in range(args.runs):
            for kind, cmd in runners.items():
                r = res[kind]
                if r.failure or (i > 0 and spent[kind] > RUNNER_BUDGET_S):
                    if not r.failure and i > 0 and spent[kind] > RUNNER_BUDGET_S:
                        r.budget_cut = True
                    continue
                if kind == "native":
                    timeout = 300.0
                else:
                    nb = res["native"].best
                    timeout = max(float(os.environ.get("BENCH_MIN_TIMEOUT", 60)), 50.0 * nb) if nb else 600.0
                out = os.path.join(args.work_dir, f"{w.name}.{kind}.out")
                run = run_once(cmd, out, timeout)
                spent[kind] += run.seconds
                if not run.ok:
                    r.failure = run.why
                elif kind != "native" and res["native"].digest and run.digest != res["native"].digest:
                    r.failure = ("MISMATCH: output differs from native: "
                                 f"got '{first_lines(out)}', native '{first_lines(os.path.join(args.work_dir, w.name + '.native.out'))}'")
                else:
                    r.times.append(run.seconds)
                    r.digest = run.digest
                status = f"{run.seconds:.3f}s" if run.ok and not r.failure else f"FAIL ({r.failure})"
                print(f"    {kind:6} run {i + 1}: {status}", file=sys.stderr, flush=True)

        # One extra gate386 run with --stats for the retired-instruction count.
        mips = "n/a"
        if gate_ok and res["gate"].best is not None:
            out = os.path.join(args.work_dir, f"{w.name}.gate-stats.out")
            run = run_once([args.gate, "--stats"] + args.gate_arg + argv, out,
                           max(60.0, 50.0 * (res["native"].best or 6.0)))
            m = STATS_RE.findall(run.stderr)
            if not run.ok or run.digest != res["native"].digest:
                mips = "FAIL"
                notes.append(f"{w.name}: gate386 --stats run failed: "
                             f"{run.why or 'MISMATCH: output differs from native'}")
            elif m:
                insns = int(m[-1])
                mips = f"{insns / res['gate'].best / 1e6:.1f}"
                notes.append(f"{w.name}: {insns} guest instructions retired")
            print(f"    stats  run  : {run.seconds:.3f}s, MIPS {mips}", file=sys.stderr, flush=True)
        elif res["gate"].failure:
            mips = "FAIL"

        n, q, g = res["native"].best, res["qemu"].best, res["gate"].best
        if res["native"].failure:
            notes.append(f"{w.name}: NATIVE FAILED ({res['native'].failure}); the workload itself is broken")
            any_bad = True
        for kind, label in (("qemu", "qemu-i386"), ("gate", "gate386")):
            f = res[kind].failure
            if f:
                any_bad = True
                notes.append(f"{w.name}: {label} {f}")
                if f.startswith("MISMATCH"):
                    mismatches.append(f"{w.name} ({label})")
                    print(f"\n!!!!! MISMATCH: {w.name}: {label} output differs from native !!!!!\n",
                          file=sys.stderr, flush=True)
            if res[kind].budget_cut:
                notes.append(f"{w.name}: {label} ran {len(res[kind].times)} of {args.runs} times "
                             f"(over the {RUNNER_BUDGET_S:.0f} s per-workload budget)")
        gfail = bool(res["gate"].failure)
        row = [
            w.name,
            fmt_s(res["native"]),
            fmt_s(res["qemu"]),
            fmt_s(res["gate"]),
            "FAIL" if gfail else ("missing" if res["gate"].missing else ratio(g, n)),
            "FAIL" if gfail else ("missing" if res["gate"].missing else ratio(g, q)),
            mips if not res["gate"].missing else "missing",
        ]
        rows.append((row, n, q, g))

    # geometric means over workloads where all three succeeded
    def gmean(xs):
        return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None

    gn = [g / n for _, n, q, g in rows if n and g]
    gq = [g / q for _, n, q, g in rows if q and g]
    qn = [q / n for _, n, q, g in rows if n and q]
    header = ["workload", "native s", "qemu-i386 s", "gate386 s", "gate386/native", "gate386/qemu", "guest MIPS"]
    table_rows = [r for r, *_ in rows]
    if len(rows) > 1:
        table_rows.append(["geomean", "", "", "",
                           f"{gmean(gn):.2f}" if gn else "n/a", f"{gmean(gq):.2f}" if gq else "n/a", ""])
    widths = [max(len(str(r[i])) for r in table_rows + [header]) for i in range(len(header))]

    def line(cells):
        return "| " + " | ".join(str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i])
                                 for i, c in enumerate(cells)) + " |"

    table = [line(header), "|" + "|".join("-" * (w + 1) + ("-" if i == 0 else ":") for i, w in enumerate(widths)) + "|"]
    table += [line(r) for r in table_rows]
    extra = []
    if mismatches:
        extra.append(f"**!!! MISMATCH: {', '.join(mismatches)}: output differs from native !!!**")
    if qn:
        extra.append(f"qemu-i386/native geomean: {gmean(qn):.2f}")
    extra.append("times are wall-clock seconds, best of the runs; * = fewer runs (time budget); "
                 "MIPS = guest instructions retired (gate386 --stats) / best gate386 seconds")
    elapsed = time.perf_counter() - t_start

    print()
    print("\n".join(table))
    print()
    for e in extra:
        print(e)
    for n_ in notes:
        print("note: " + n_)
    print(f"total benchmark time {elapsed:.0f} s")

    if args.results:
        os.makedirs(args.results, exist_ok=True)
        md = ["# gate386 benchmark results", ""]
        md += [f"- **{k}**: {v}" for k, v in info]
        md += ["", *table, ""]
        md += [f"{e}  " for e in extra]
        if notes:
            md += ["", "Notes:", ""] + [f"- {n_}" for n_ in notes]
        md += ["", f"Command: `bench/run.sh{(' ' + args.invocation) if args.invocation else ''}`"]
        text = "\n".join(md).rstrip() + "\n"
        latest = os.path.join(args.results, "latest.md")
        with open(latest, "w") as f:
            f.write(text)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        with open(os.path.join(args.results, f"run-{stamp}.md"), "w") as f:
            f.write(text)
        print(f"wrote {latest}")
    return 1 if any_bad else 0


if __name__ == "__main__":
    sys.exit(main())
