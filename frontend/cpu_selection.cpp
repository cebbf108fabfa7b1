#include <cstdio>

#include "core/process.h"
#include "cpu/cpu_models.h"
#include "frontend/subcommands.h"
#include "syscalls/gate_costs.h"

namespace gate386 {

// --cpu MODEL[,mhz=N] or --cpu-file FILE: the model's identity, ISA and prices (cpu/models).
bool apply_cpu_model(Process& p) {
    CpuModel m;
    std::string err;
    if (!select_cpu_model(p.opts.cpu, p.opts.cpu_file, m, err)) {
        std::fprintf(stderr, "gate386: %s\n", err.c_str());
        return false;
    }
    install_cpu_model(p, m);
    return true;
}

}  // namespace gate386
