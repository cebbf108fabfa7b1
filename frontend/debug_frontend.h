// The debugger's front ends: the window (--debug), scripts (--debug-script) and the gdb remote
// stub (--gdb). All three drive core/debugger.h.
#pragma once
#include <string>
#include <vector>

#include "core/options.h"

namespace gate386 {

struct DebugLaunch {
    bool window = false;        // --debug: the interactive window
    std::string script;         // --debug-script FILE
    int gdb_port = 0;           // --gdb PORT
    bool active() const { return window || !script.empty() || gdb_port > 0; }
};

// Runs PROGRAM under the debugger as `launch` asks; returns the process exit status.
int run_debug_frontend(const DebugLaunch& launch, const Options& opts, const std::string& program,
                       const std::vector<std::string>& argv, const std::vector<std::string>& envp);

// The gdb stub on 127.0.0.1:port (frontend/gdb_stub.cpp).
int run_gdb_stub(int port, const Options& opts, const std::string& program, const std::vector<std::string>& argv,
                 const std::vector<std::string>& envp);

}  // namespace gate386
