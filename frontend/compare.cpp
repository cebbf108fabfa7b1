// `gate386 compare [--cpus M1,M2,...] [--gates int80,sysenter] [--chart FILE.png|FILE.svg] [--json]
//                  [--cpu MODEL] -- PROGRAM [ARGS...]`
//
// Runs the program once (under --cpu, default pentium4, which decides what CPUID tells it),
// recording every system call (number, gate, whether it came through __kernel_vsyscall) and how
// many user instructions of each class ran; then prices that exact run under every model × gate
// (syscalls/run_pricing.cpp) and prints a table, the ratios between the models, and a bar chart.
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "core/elf_loader.h"
#include "core/exec.h"
#include "core/process.h"
#include "cpu/cpu_models.h"
#include "frontend/chart.h"
#include "frontend/json_util.h"
#include "syscalls/run_pricing.h"
#include "frontend/subcommands.h"
#include "syscalls/gate_costs.h"
#include "syscalls/guest_signals.h"
#include "syscalls/syscall_names.h"

extern char** environ;

namespace gate386 {

namespace {

const char* kUsage =
    "usage: gate386 compare [--cpus M1,M2,...] [--gates int80,sysenter] [--chart FILE.png|FILE.svg]\n"
    "                       [--json] [--cpu MODEL] -- PROGRAM [ARGS...]\n";

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> v;
    size_t at = 0;
    while (at <= s.size()) {
        size_t e = s.find(',', at);
        if (e == std::string::npos) e = s.size();
        if (e > at) v.push_back(s.substr(at, e - at));
        at = e + 1;
    }
    return v;
}

bool write_all(int fd, const void* data, size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) return false;
        p += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}

bool read_all(int fd, std::string& out) {
    char buf[65536];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0) return false;
        if (r == 0) return true;
        out.append(buf, static_cast<size_t>(r));
    }
}

// The child: run the program with recording on, then send the record up the pipe.
[[noreturn]] void record_child(const Options& opts, const std::string& program, const std::vector<std::string>& args,
                               int fd) {
    auto proc = std::make_unique<Process>(opts);
    if (!apply_cpu_model(*proc)) _exit(2);
    start_recording(*proc);
    std::vector<std::string> genv;
    for (char** e = environ; *e; e++) genv.push_back(*e);
    std::string err;
    if (!exec_program(*proc, program, args, genv, err)) {
        std::fprintf(stderr, "gate386: %s\n", err.c_str());
        _exit(126);
    }
    int rc = run_process(*proc);
    std::fflush(stdout);
    RunRecord rec = take_run_record(*proc, rc);
    std::string blob = serialize_run_record(rec);
    bool ok = write_all(fd, blob.data(), blob.size());
    close(fd);
    _exit(ok ? rc : 125);
}

std::string fmt_thousands(uint64_t v) {
    std::string digits = std::to_string(v), s;
    for (size_t k = 0; k < digits.size(); k++) {
        if (k && (digits.size() - k) % 3 == 0) s += ',';
        s += digits[k];
    }
    return s;
}

std::string fmt_time_us(double us) {
    char b[48];
    if (us >= 1e6) std::snprintf(b, sizeof b, "%.3f s", us / 1e6);
    else if (us >= 1e3) std::snprintf(b, sizeof b, "%.3f ms", us / 1e3);
    else std::snprintf(b, sizeof b, "%.3f us", us);
    return b;
}

const char* gate_title(GateKind g) { return g == GateKind::Int80 ? "int $0x80" : "sysenter"; }

void print_table(FILE* out, const RunRecord& rec, const std::vector<PricedRun>& runs, const std::string& command) {
    std::fprintf(out, "gate386 compare: %s\n", command.c_str());
    std::fprintf(out, "one run (recorded as %s, vDSO %s page): %s instructions, %s system calls",
                 rec.model.c_str(), gate_name(rec.vdso_variant), fmt_thousands(rec.instructions).c_str(),
                 fmt_thousands(rec.total_calls()).c_str());
    std::vector<std::pair<uint64_t, uint32_t>> by_count = rec.calls_by_number();
    if (!by_count.empty()) {
        std::fprintf(out, " (");
        for (size_t k = 0; k < by_count.size() && k < 5; k++) {
            const char* n = syscall_name(by_count[k].second);
            std::fprintf(out, "%s%s %s", k ? ", " : "", n && *n ? n : "?", fmt_thousands(by_count[k].first).c_str());
        }
        std::fprintf(out, "%s)", by_count.size() > 5 ? ", ..." : "");
    }
    std::fprintf(out, "\nthrough __kernel_vsyscall: %s calls; raw int $0x80: %s; raw sysenter: %s\n\n",
                 fmt_thousands(rec.calls_by_path(EntryPath::Vdso)).c_str(),
                 fmt_thousands(rec.calls_by_path(EntryPath::Raw, GateKind::Int80)).c_str(),
                 fmt_thousands(rec.calls_by_path(EntryPath::Raw, GateKind::Sysenter)).c_str());
    std::fprintf(out, "%-11s %5s  %-9s %11s %10s %14s %14s %14s %12s %6s\n", "model", "MHz", "gate", "cycles/call",
                 "us/call", "user cycles", "gate cycles", "kernel cycles", "total time", "gate%");
    for (const PricedRun& r : runs) {
        if (!r.available) {
            std::fprintf(out, "%-11s %5u  %-9s %11s  %s\n", r.model.c_str(), r.mhz, gate_name(r.gate), "n/a", r.why.c_str());
            continue;
        }
        std::fprintf(out, "%-11s %5u  %-9s %11.1f %10.3f %14s %14s %14s %12s %5.1f%%\n", r.model.c_str(), r.mhz,
                     gate_name(r.gate), r.cycles_per_call(), r.us_per_call(), fmt_thousands(r.user_mc / kMilliPerCycle).c_str(),
                     fmt_thousands(r.gate_mc / kMilliPerCycle).c_str(), fmt_thousands(r.kernel_mc / kMilliPerCycle).c_str(),
                     fmt_time_us(r.total_us()).c_str(), r.gate_share() * 100);
    }
    // The most frequent calls, one column each.
    std::vector<uint32_t> top;
    for (size_t k = 0; k < by_count.size() && k < 4; k++) top.push_back(by_count[k].second);
    if (!top.empty()) {
        std::fprintf(out, "\n%-11s %-9s", "per call", "gate");
        for (uint32_t nr : top) {
            const char* n = syscall_name(nr);
            std::fprintf(out, " %16s", n && *n ? n : "?");
        }
        std::fprintf(out, "   (cycles per call)\n");
        for (const PricedRun& r : runs) {
            if (!r.available) continue;
            std::fprintf(out, "%-11s %-9s", r.model.c_str(), gate_name(r.gate));
            for (uint32_t nr : top) {
                auto it = r.per_syscall.find(nr);
                std::fprintf(out, " %16.1f", it == r.per_syscall.end() ? 0.0 : it->second.cycles_per_call());
            }
            std::fprintf(out, "\n");
        }
    }
    std::fprintf(out, "\ncycles/call and us/call: the mean round trip of a system call (gate entry + exit + kernel\n"
                      "common path + the call's work, plus the caller's call and the vDSO stub for calls through\n"
                      "__kernel_vsyscall); gate%%: gate crossings' share of the whole run's modelled time.\n");

    // Ratios against the first model, per gate, in cycles and in time.
    // Ratios against the first model priced with each gate, in cycles and in time per call.
    std::fprintf(out, "\nratios per system call:\n");
    for (GateKind g : {GateKind::Int80, GateKind::Sysenter}) {
        const PricedRun* base = nullptr;
        for (const PricedRun& r : runs)
            if (!base && r.gate == g && r.available && r.calls) base = &r;
        if (!base) continue;
        for (const PricedRun& r : runs) {
            if (r.gate != g || !r.available || !r.calls || &r == base) continue;
            std::fprintf(out, "  %-9s %-11s vs %-11s %6.2fx the cycles  %6.2fx the time\n", gate_name(g), r.model.c_str(),
                         base->model.c_str(), r.cycles_per_call() / base->cycles_per_call(),
                         r.us_per_call() / base->us_per_call());
        }
    }
    const PricedRun* p4 = find_run(runs, "pentium4", GateKind::Int80);
    const PricedRun* p3 = find_run(runs, "pentium3", GateKind::Int80);
    if (p4 && p3 && p4->calls && p3->calls) {
        double rc = p4->cycles_per_call() / p3->cycles_per_call();
        double rt = p4->us_per_call() / p3->us_per_call();
        std::fprintf(out,
                     "\nPentium 4 @ %u MHz vs Pentium III @ %u MHz, int $0x80: %.2fx the cycles per call, but %.2fx the\n"
                     "wall time (%.3f us vs %.3f us) because the P4's clock is %.2fx faster. \"Up to an order of magnitude\"\n"
                     "was %.1fx in cycles and %.1fx in time for this run.\n",
                     p4->mhz, p3->mhz, rc, rt, p4->us_per_call(), p3->us_per_call(), double(p4->mhz) / p3->mhz, rc, rt);
    }
}

void print_json(FILE* out, const RunRecord& rec, const std::vector<PricedRun>& runs, const std::string& command) {
    std::string s = "{\"command\": " + json_str(command) + ", \"recorded_model\": " + json_str(rec.model) +
                    ", \"vdso_variant\": " + json_str(gate_name(rec.vdso_variant)) +
                    ", \"instructions\": " + std::to_string(rec.instructions) +
                    ", \"syscalls\": " + std::to_string(rec.total_calls()) + ", \"user_classes\": {";
    for (unsigned k = 0; k < kInsnClassCount; k++) {
        if (k) s += ", ";
        s += json_str(insn_class_name(InsnClass(k))) + ": " + std::to_string(rec.classes[k]);
    }
    s += "},\n \"priced\": [";
    for (size_t i = 0; i < runs.size(); i++) {
        const PricedRun& r = runs[i];
        s += i ? ",\n  " : "\n  ";
        s += "{\"model\": " + json_str(r.model) + ", \"mhz\": " + std::to_string(r.mhz) + ", \"gate\": " +
             json_str(gate_name(r.gate)) + ", \"available\": " + (r.available ? "true" : "false");
        if (!r.available) {
            s += ", \"why\": " + json_str(r.why) + "}";
            continue;
        }
        s += ", \"calls\": " + std::to_string(r.calls) + ", \"cycles_per_call\": " + json_num(r.cycles_per_call()) +
             ", \"us_per_call\": " + json_num(r.us_per_call(), 6) +
             ", \"user_cycles\": " + json_num(double(r.user_mc) / kMilliPerCycle) +
             ", \"gate_cycles\": " + json_num(double(r.gate_mc) / kMilliPerCycle) +
             ", \"kernel_cycles\": " + json_num(double(r.kernel_mc) / kMilliPerCycle) +
             ", \"total_us\": " + json_num(r.total_us()) + ", \"gate_share\": " + json_num(r.gate_share(), 6);
        s += ", \"per_syscall\": {";
        bool first = true;
        for (const auto& [nr, pc] : r.per_syscall) {
            const char* n = syscall_name(nr);
            if (!first) s += ", ";
            first = false;
            std::string name = n && *n ? std::string(n) : std::string("syscall_") + std::to_string(nr);
            s += json_str(name) + ": {\"calls\": " + std::to_string(pc.calls) +
                 ", \"cycles_per_call\": " + json_num(pc.cycles_per_call()) + "}";
        }
        s += "}}";
    }
    s += "\n ]";
    const PricedRun* p4 = find_run(runs, "pentium4", GateKind::Int80);
    const PricedRun* p3 = find_run(runs, "pentium3", GateKind::Int80);
    if (p4 && p3 && p4->calls && p3->calls)
        s += ",\n \"p4_over_p3_int80\": {\"cycles\": " + json_num(p4->cycles_per_call() / p3->cycles_per_call()) +
             ", \"time\": " + json_num(p4->us_per_call() / p3->us_per_call()) + "}";
    s += "}\n";
    std::fputs(s.c_str(), out);
}

BarChart make_chart(const std::vector<PricedRun>& runs, const std::vector<std::string>& models,
                    const std::vector<GateKind>& gates, const std::string& program) {
    BarChart c;
    std::string base = program.substr(program.find_last_of('/') + 1);
    c.title = "Modelled cost of one system call: " + base;
    c.subtitle = "bars: time per call at the model's clock; labels: cycles per call";
    c.y_label = "microseconds per system call";
    c.x_label = "CPU model (clock)";
    for (GateKind g : gates) c.series.push_back(gate_title(g));
    for (const std::string& m : models) {
        BarChart::Group grp;
        for (GateKind g : gates) {
            const PricedRun* r = find_run(runs, m, g);
            if (r && grp.name.empty()) {
                grp.name = m;
                grp.name += " (";
                grp.name += std::to_string(r->mhz);
                grp.name += " MHz)";
            }
            if (r && r->available && r->calls) {
                grp.values.push_back(r->us_per_call());
                char b[32];
                std::snprintf(b, sizeof b, "%.0f", r->cycles_per_call());
                grp.labels.push_back(b);
            } else {
                grp.values.push_back(-1);
                grp.labels.push_back("n/a");
            }
        }
        if (grp.name.empty()) grp.name = m;
        c.groups.push_back(grp);
    }
    return c;
}

}  // namespace

int run_compare_command(int argc, char** argv, const Options& base_opts) {
    Options opts = base_opts;
    std::vector<std::string> models;
    std::vector<GateKind> gates = {GateKind::Int80, GateKind::Sysenter};
    std::string chart;
    bool json = false;
    int k = 0;
    for (; k < argc; k++) {
        std::string a = argv[k];
        auto value = [&]() -> std::string {
            if (k + 1 >= argc) { std::fprintf(stderr, "gate386: compare: %s needs a value\n%s", a.c_str(), kUsage); std::exit(2); }
            return argv[++k];
        };
        if (a == "--") { k++; break; }
        if (a == "--cpus") models = split_list(value());
        else if (a == "--gates") {
            gates.clear();
            for (const std::string& g : split_list(value())) {
                if (g == "int80") gates.push_back(GateKind::Int80);
                else if (g == "sysenter") gates.push_back(GateKind::Sysenter);
                else { std::fprintf(stderr, "gate386: compare: unknown gate '%s' (int80, sysenter)\n", g.c_str()); return 2; }
            }
        } else if (a == "--chart") chart = value();
        else if (a == "--json") json = true;
        else if (a == "--cpu") opts.cpu = value();
        else if (a == "--cpu-file") opts.cpu_file = value();
        else if (a == "--help" || a == "-h") { std::fputs(kUsage, stdout); return 0; }
        else if (!a.empty() && a[0] != '-') break;
        else { std::fprintf(stderr, "gate386: compare: unknown option '%s'\n%s", a.c_str(), kUsage); return 2; }
    }
    if (k >= argc || gates.empty()) { std::fputs(kUsage, stderr); return 2; }
    if (!chart.empty() && !chart_format_known(chart)) {
        std::fprintf(stderr, "gate386: compare: --chart takes a .png or .svg file name, not '%s'\n", chart.c_str());
        return 2;
    }
    if (models.empty()) models = default_compare_models();
    std::vector<CpuModel> priced_models;
    for (const std::string& m : models) {
        priced_models.emplace_back();
        std::string err;
        if (!select_cpu_model(m, "", priced_models.back(), err)) { std::fprintf(stderr, "gate386: %s\n", err.c_str()); return 2; }
    }
    std::string program = argv[k];
    std::string err;
    int status = 0;
    if (!check_elf_file(program, err, status)) { std::fprintf(stderr, "gate386: %s\n", err.c_str()); return status; }
    std::vector<std::string> args(argv + k, argv + argc);
    std::string command;
    for (const std::string& a : args) {
        if (!command.empty()) command += ' ';
        command += a;
    }

    int fds[2];
    if (pipe(fds) != 0) { std::perror("gate386: compare: pipe"); return 1; }
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) { std::perror("gate386: compare: fork"); return 1; }
    if (pid == 0) {
        close(fds[0]);
        record_child(opts, program, args, fds[1]);
    }
    close(fds[1]);
    std::string blob;
    read_all(fds[0], blob);
    close(fds[0]);
    int ws = 0;
    waitpid(pid, &ws, 0);
    if (WIFSIGNALED(ws)) {
        std::fprintf(stderr, "gate386: compare: %s was killed by %s; nothing to price\n", program.c_str(),
                     signal_name(WTERMSIG(ws)));
        return 128 + WTERMSIG(ws);
    }
    RunRecord rec;
    if (!deserialize_run_record(blob, rec)) {
        std::fprintf(stderr, "gate386: compare: the run of %s left no record (exit status %d)\n", program.c_str(),
                     WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
        return WIFEXITED(ws) && WEXITSTATUS(ws) ? WEXITSTATUS(ws) : 1;
    }
    std::vector<PricedRun> runs;
    for (const CpuModel& m : priced_models) {
        GatePrices pr = make_gate_prices(m);
        for (GateKind g : gates) runs.push_back(price_run(rec, pr, g));
    }
    if (json) print_json(stdout, rec, runs, command);
    else print_table(stdout, rec, runs, command);
    if (!chart.empty()) {
        std::vector<std::string> names;
        for (const CpuModel& m : priced_models) names.push_back(m.name);
        BarChart c = make_chart(runs, names, gates, program);
        std::string cerr;
        if (!write_chart(c, chart, cerr)) { std::fprintf(stderr, "gate386: compare: %s\n", cerr.c_str()); return 1; }
        if (!json) std::printf("\nchart: %s\n", chart.c_str());
    }
    return rec.exit_code;
}

}  // namespace gate386
