#include <cstdio>

#include "core/process.h"
#include "frontend/subcommands.h"

namespace gate386 {

// The built-in identity is the Pentium 4 default; the models work replaces this with the model
// registry (cpu/models).
bool apply_cpu_model(Process& p) {
    if (p.opts.cpu == "pentium4") return true;
    std::fprintf(stderr, "gate386: unknown CPU model '%s' (known: pentium4)\n", p.opts.cpu.c_str());
    return false;
}

}  // namespace gate386
