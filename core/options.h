// What the command line asks of a run (qemu-user conventions, frontend/main.cpp parses it).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gate386 {

struct Options {
    std::string sysroot;                           // -L / --sysroot: prefix for absolute guest paths
    std::vector<std::pair<std::string, std::string>> set_env;   // -E VAR=VALUE
    std::vector<std::string> unset_env;            // -U VAR
    bool strace = false;                           // --strace
    bool stats = false;                            // --stats
    bool stats_json = false;                       // --stats=json
    std::string cpu = "pentium4";                  // --cpu MODEL
    std::string gate = "auto";                     // --gate auto|int80|sysenter
    std::string cpu_file;                          // --cpu-file FILE: a user's own model file
    bool rdtsc_model = false;                      // --rdtsc=model: RDTSC reads the modelled cycles
    std::string argv0;                             // -0 ARGV0: guest argv[0] override
    std::string self_path;                         // this gate386 executable (for execve)
    bool exec_host = false;                        // --exec-host (future): a guest execve of a host
                                                   // (x86-64) program really runs it instead of -ENOEXEC
};

}  // namespace gate386
