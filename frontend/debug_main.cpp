// gate386 --debug / --debug-script / --gdb: load the program into a Debugger and hand it to the
// window, the script interpreter or the gdb stub.
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "core/debugger.h"
#include "frontend/debug_commands.h"
#include "frontend/debug_frontend.h"
#include "frontend/debug_text.h"
#include "frontend/debug_view.h"
#include "frontend/subcommands.h"

namespace gate386 {

int run_debug_frontend(const DebugLaunch& launch, const Options& opts, const std::string& program,
                       const std::vector<std::string>& argv, const std::vector<std::string>& envp) {
    if (launch.gdb_port > 0) return run_gdb_stub(launch.gdb_port, opts, program, argv, envp);
    std::ifstream script;
    if (!launch.script.empty()) {
        script.open(launch.script);
        if (!script) {
            std::fprintf(stderr, "gate386: cannot read debug script %s\n", launch.script.c_str());
            return 2;
        }
    }
    Debugger dbg;
    std::string err;
    if (!dbg.load(opts, program, argv, envp, err, [](Process& p) { return apply_cpu_model(p); })) {
        std::fprintf(stderr, "gate386: %s\n", err.c_str());
        return 126;
    }
    // With a display the window shows, scripts included; without one it renders offscreen.
    const char* disp = std::getenv("DISPLAY");
    bool visible = launch.window || (disp && *disp);
    std::unique_ptr<DebugView> window = load_debug_view(dbg, err);
    if (window && !window->open(visible, err)) window.reset();
    if (!window) {
        if (launch.window) {
            std::fprintf(stderr, "gate386: %s\n", err.c_str());
            return 2;
        }
        std::fprintf(stderr, "gate386: %s; running the script without a window\n", err.c_str());
    }
    DebugCommands commands(dbg, window.get());
    if (window) window->set_commands(&commands);
    int status = 0;
    if (script.is_open()) {
        std::string line;
        while (!commands.quit_requested() && std::getline(script, line)) {
            std::string out;
            if (!commands.execute(line, out)) status = 1;
            std::fputs(out.c_str(), stdout);
            std::fflush(stdout);
            if (window) window->render_frames(1);
        }
        if (commands.quit_requested() || !launch.window) return status;
    }
    if (!script.is_open()) {
        std::fputs(describe_stop(dbg, dbg.last_stop()).c_str(), stdout);
        std::fflush(stdout);
    }
    window->run();
    return status;
}

}  // namespace gate386
