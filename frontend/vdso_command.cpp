// `gate386 vdso [--cpu MODEL] [--gate auto|int80|sysenter] [--layout 2.6.12|modern] -o FILE`:
// writes the linux-gate.so.1 page a guest would see, for file/objdump/readelf/gdb.
#include <cstdio>
#include <stdexcept>
#include <string>

#include "core/process.h"
#include "core/vdso_mapping.h"
#include "frontend/subcommands.h"
#include "vdso/vdso_file.h"
#include "vdso/vdso_image.h"

namespace gate386 {

int run_vdso_command(int argc, char** argv, Options opts) {
    std::string out;
    VdsoLayout layout = VdsoLayout::Kernel2612;
    for (int k = 0; k < argc; k++) {
        std::string a = argv[k];
        auto value = [&]() -> std::string {
            if (k + 1 >= argc) {
                std::fprintf(stderr, "gate386: vdso: option %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++k];
        };
        if (a == "-o") out = value();
        else if (a == "--gate") opts.gate = value();
        else if (a == "--cpu") opts.cpu = value();
        else if (a == "--layout") {
            std::string l = value();
            if (l == "modern") layout = VdsoLayout::Modern;
            else if (l != "2.6.12") { std::fprintf(stderr, "gate386: vdso: unknown layout '%s' (2.6.12 or modern)\n", l.c_str()); return 2; }
        } else {
            std::fprintf(stderr, "gate386: vdso: unknown argument '%s' (usage: gate386 vdso [--cpu MODEL] [--gate G] [--layout L] -o FILE)\n", a.c_str());
            return 2;
        }
    }
    if (out.empty()) {
        std::fprintf(stderr, "gate386: vdso: -o FILE is required\n");
        return 2;
    }
    if (opts.gate != "auto" && opts.gate != "int80" && opts.gate != "sysenter") {
        std::fprintf(stderr, "gate386: unknown gate '%s' (auto, int80 or sysenter)\n", opts.gate.c_str());
        return 2;
    }
    Process p(opts);
    if (!apply_cpu_model(p)) return 2;
    try {
        write_vdso_file(build_vdso_image(vdso_variant_for(p), layout), out);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gate386: vdso: %s\n", e.what());
        return 1;
    }
    return 0;
}

}  // namespace gate386
