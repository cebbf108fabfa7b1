// gate386 command line, in qemu-user's conventions: options, then PROGRAM and its arguments.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

#include "core/elf_loader.h"
#include "core/exec.h"
#include "core/process.h"
#include "cpu/cpu_models.h"
#include "frontend/debug_frontend.h"
#include "frontend/stats_report.h"
#include "frontend/subcommands.h"

extern char** environ;

namespace {

void usage(FILE* out) {
    std::fputs(
        "usage: gate386 [options] PROGRAM [ARGS...]\n"
        "       gate386 demo                       the linux-gate.so.1 walkthrough\n"
        "       gate386 vdso [--cpu M] -o FILE     write the vDSO page a guest sees\n"
        "       gate386 models [--json] [MODEL...]  the CPU models, their cost tables and sources\n"
        "       gate386 compare [--cpus M1,M2] [--gates int80,sysenter] [--chart F.png|F.svg] [--json]\n"
        "                       -- PROGRAM [ARGS...]   run once, price the run under every model x gate\n"
        "Runs a 32-bit x86 (i386) Linux program on this x86-64 host.\n\n"
        "options:\n"
        "  -E VAR=VALUE        set VAR in the guest's environment\n"
        "  -U VAR              remove VAR from the guest's environment\n"
        "  -L DIR, --sysroot DIR\n"
        "                      look absolute guest paths and the ELF interpreter up under DIR first\n"
        "  -0 ARGV0            use ARGV0 as the guest's argv[0]\n"
        "  --cpu MODEL[,mhz=N] the emulated CPU (default pentium4; see gate386 models)\n"
        "  --cpu-file FILE     a CPU model file of your own (format: cpu/models/README.md)\n"
        "  --rdtsc=model       RDTSC reads the modelled cycle counter instead of the host's\n"
        "  --gate G            vDSO gate: auto (sysenter when the CPU has SEP), int80 or sysenter\n"
        "  --strace, -strace   log every system call to stderr, strace style\n"
        "  --debug             step through PROGRAM in the debug window (SDL2 + Dear ImGui; F1: keys)\n"
        "  --debug-script FILE run debugger commands from FILE (break, stepi, print, x, screenshot...),\n"
        "                      output on stdout; the window renders offscreen when there is no display\n"
        "  --gdb PORT, -g PORT serve the GDB remote protocol on 127.0.0.1:PORT (target remote :PORT)\n"
        "  --stats             print an execution summary to stderr at exit (--stats=json: JSON)\n"
        "  --help              this text\n"
        "  --version           gate386's version\n",
        out);
}

[[noreturn]] void die(const std::string& msg, int status = 2) {
    std::fprintf(stderr, "gate386: %s\n", msg.c_str());
    std::exit(status);
}

}  // namespace

int main(int argc, char** argv) {
    gate386::Options opts;
    gate386::DebugLaunch debug;
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) { self[n] = 0; opts.self_path = self; }

    // Subcommands come first: gate386 demo | vdso ...
    if (argc > 1 && std::strcmp(argv[1], "demo") == 0) return gate386::run_demo_command(argc - 2, argv + 2, opts);
    if (argc > 1 && std::strcmp(argv[1], "vdso") == 0) return gate386::run_vdso_command(argc - 2, argv + 2, opts);
    if (argc > 1 && std::strcmp(argv[1], "models") == 0) return gate386::run_models_command(argc - 2, argv + 2, opts);
    if (argc > 1 && std::strcmp(argv[1], "compare") == 0) return gate386::run_compare_command(argc - 2, argv + 2, opts);

    int k = 1;
    auto value = [&](const char* opt) -> std::string {
        if (k + 1 >= argc) die(std::string("option ") + opt + " needs a value (see --help)");
        return argv[++k];
    };
    for (; k < argc; k++) {
        std::string a = argv[k];
        if (a.empty() || a[0] != '-') break;
        if (a == "--") { k++; break; }
        if (a == "-E") {
            std::string v = value("-E");
            size_t eq = v.find('=');
            if (eq == std::string::npos || eq == 0) die("-E takes VAR=VALUE, got '" + v + "'");
            opts.set_env.emplace_back(v.substr(0, eq), v.substr(eq + 1));
        } else if (a == "-U") {
            opts.unset_env.push_back(value("-U"));
        } else if (a == "-L" || a == "--sysroot") {
            opts.sysroot = value(a.c_str());
        } else if (a.rfind("--sysroot=", 0) == 0) {
            opts.sysroot = a.substr(10);
        } else if (a == "-0") {
            opts.argv0 = value("-0");
        } else if (a == "--cpu") {
            opts.cpu = value("--cpu");
        } else if (a.rfind("--cpu=", 0) == 0) {
            opts.cpu = a.substr(6);
        } else if (a == "--cpu-file") {
            opts.cpu_file = value("--cpu-file");
        } else if (a == "--rdtsc=model") {
            opts.rdtsc_model = true;
        } else if (a == "--rdtsc=host") {
            opts.rdtsc_model = false;
        } else if (a == "--gate") {
            opts.gate = value("--gate");
            if (opts.gate != "auto" && opts.gate != "int80" && opts.gate != "sysenter")
                die("unknown gate '" + opts.gate + "' (auto, int80 or sysenter)");
        } else if (a == "--debug") {
            debug.window = true;
        } else if (a == "--debug-script") {
            debug.script = value("--debug-script");
        } else if (a == "--gdb" || a == "-g") {
            std::string v = value(a.c_str());
            debug.gdb_port = std::atoi(v.c_str());
            if (debug.gdb_port <= 0 || debug.gdb_port > 65535) die("--gdb takes a TCP port, got '" + v + "'");
        } else if (a == "--strace" || a == "-strace") {
            opts.strace = true;
        } else if (a == "--stats") {
            opts.stats = true;
        } else if (a == "--stats=json") {
            opts.stats = opts.stats_json = true;
        } else if (a == "--help" || a == "-h") {
            usage(stdout);
            return 0;
        } else if (a == "--version") {
            std::printf("gate386 %s\n", GATE386_VERSION);
            return 0;
        } else {
            die("unknown option '" + a + "' (see --help)");
        }
    }
    if (k >= argc) {
        usage(stderr);
        return 2;
    }
    {
        // An unknown model is a usage error, whatever the program.
        gate386::CpuModel model;
        std::string why;
        if (!gate386::select_cpu_model(opts.cpu, opts.cpu_file, model, why)) die(why, 2);
    }
    std::string program = argv[k];
    if (program.find('/') == std::string::npos && access(program.c_str(), F_OK) != 0) {
        // Like a shell, find a bare name on PATH.
        const char* path = std::getenv("PATH");
        std::string dirs = path ? path : "/usr/bin:/bin";
        size_t s = 0;
        while (s <= dirs.size()) {
            size_t e = dirs.find(':', s);
            if (e == std::string::npos) e = dirs.size();
            std::string cand = dirs.substr(s, e - s) + "/" + program;
            if (access(cand.c_str(), X_OK) == 0) { program = cand; break; }
            s = e + 1;
        }
    }
    std::string err;
    int status = 0;
    if (!gate386::check_elf_file(program, err, status)) die(err, status);

    std::vector<std::string> gargv(argv + k, argv + argc);
    if (!opts.argv0.empty()) gargv[0] = opts.argv0;
    std::vector<std::string> genv;
    for (char** e = environ; *e; e++) {
        std::string v = *e;
        std::string name = v.substr(0, v.find('='));
        bool drop = false;
        for (auto& u : opts.unset_env) drop |= u == name;
        for (auto& s : opts.set_env) drop |= s.first == name;
        if (!drop) genv.push_back(v);
    }
    for (auto& s : opts.set_env) genv.push_back(s.first + "=" + s.second);

    if (debug.active()) return gate386::run_debug_frontend(debug, opts, program, gargv, genv);
    auto proc = std::make_unique<gate386::Process>(opts);
    if (!gate386::apply_cpu_model(*proc)) return 2;
    if (!gate386::exec_program(*proc, program, gargv, genv, err)) die(err, 126);
    int rc = gate386::run_process(*proc);
    if (opts.stats) gate386::print_stats(*proc, stderr);
    return rc;
}
