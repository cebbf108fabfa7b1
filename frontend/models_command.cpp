// `gate386 models [--json] [--cpu-file FILE] [MODEL...]`: the CPU models with their identity and
// cost tables, and the source and class (M/D/E) of every number.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/cpu_models.h"
#include "frontend/json_util.h"
#include "frontend/subcommands.h"
#include "syscalls/gate_costs.h"

namespace gate386 {

namespace {

std::string isa_list(uint32_t isa) {
    static const struct { uint32_t bit; const char* name; } names[] = {
        {kIsaX87, "x87"}, {kIsaCmov, "cmov"}, {kIsaCx8, "cx8"}, {kIsaTsc, "tsc"}, {kIsaSep, "sep"},
        {kIsaMmx, "mmx"}, {kIsaMmxExt, "mmxext"}, {kIsa3dnow, "3dnow"}, {kIsaFxsr, "fxsr"},
        {kIsaSse, "sse"}, {kIsaSse2, "sse2"}, {kIsaClflush, "clflush"}};
    std::string s;
    for (auto& n : names)
        if (isa & n.bit) {
            if (!s.empty()) s += ' ';
            s += n.name;
        }
    return s;
}

std::string fmt_cycles(double c) {
    char b[32];
    if (c == static_cast<double>(static_cast<long long>(c))) std::snprintf(b, sizeof b, "%lld", static_cast<long long>(c));
    else std::snprintf(b, sizeof b, "%.2f", c);
    return b;
}

// One table row: name, cycles, class, [source key] or source text, and the note.
void row(FILE* out, const char* name, const CostEntry& e, const char* unit = "") {
    std::string src = e.source_key.empty() ? e.source : "[" + e.source_key + "]";
    std::fprintf(out, "    %-16s %8s%s  %c  %s%s%s\n", name, fmt_cycles(e.cycles).c_str(), unit, e.cls, src.c_str(),
                 e.note.empty() ? "" : " -- ", e.note.c_str());
}

void print_text(FILE* out, const CpuModel& m) {
    const CpuIdentity& id = m.identity;
    unsigned family = (id.leaf1_eax >> 8) & 0xf, model = (id.leaf1_eax >> 4) & 0xf, stepping = id.leaf1_eax & 0xf;
    std::fprintf(out, "%s%s — %s\n", m.name.c_str(), m.name == default_cpu_model().name ? " (default)" : "",
                 m.description.c_str());
    std::fprintf(out, "  from %s\n", m.origin.c_str());
    std::fprintf(out, "  CPUID    %s, max leaf %u, family %u model %u stepping %u, leaf 1 EDX %#010x%s%s%s\n",
                 id.vendor.c_str(), id.max_leaf, family, model, stepping, id.leaf1_edx,
                 id.brand.empty() ? "" : ", brand \"", id.brand.c_str(), id.brand.empty() ? "" : "\"");
    std::fprintf(out, "  SEP      %s\n",
                 !(id.leaf1_edx & kCpuidSep) ? "not reported: the kernel maps the int $0x80 page"
                 : id.sep_works ? "reported and working: the kernel maps the sysenter page"
                                : "reported, but SYSENTER raises #UD: the kernel maps the int $0x80 page");
    std::fprintf(out, "  ISA      %s (anything else raises SIGILL)\n", isa_list(id.isa).c_str());
    std::fprintf(out, "  clock    %u MHz  %c  %s\n", m.mhz, m.clock.cls,
                 m.clock.source_key.empty() ? m.clock.source.c_str() : ("[" + m.clock.source_key + "]").c_str());
    const CpuCosts& c = m.costs;
    std::fprintf(out, "  gate crossings (cycles)\n");
    row(out, "int80_entry", c.int80_entry);
    row(out, "int80_exit", c.int80_exit);
    if (c.sysenter_entry.present) {
        row(out, "sysenter_entry", c.sysenter_entry);
        row(out, "sysenter_exit", c.sysenter_exit);
    } else {
        std::fprintf(out, "    %-16s %8s     SYSENTER raises #UD on this chip\n", "sysenter", "-");
    }
    row(out, "kernel_common", c.kernel_common);
    GatePrices pr = make_gate_prices(m);
    double i80 = double(pr.gate(GateKind::Int80, false) + pr.common) / kMilliPerCycle;
    std::fprintf(out, "  null call round trip: int $0x80 %s cycles (%.3f us)", fmt_cycles(i80).c_str(), i80 / m.mhz);
    if (pr.has_sysenter) {
        double se = double(pr.gate(GateKind::Sysenter, false) + pr.common + pr.vdso_path[1]) / kMilliPerCycle;
        std::fprintf(out, ", vDSO sysenter %s cycles (%.3f us, incl. call and stub)", fmt_cycles(se).c_str(), se / m.mhz);
    }
    std::fprintf(out, "\n  kernel work on top of the common path (cycles)\n");
    for (const WorkClass& w : c.work) {
        row(out, w.name.c_str(), w.cost);
        if (w.per_byte.present && w.per_byte.cycles > 0) row(out, (w.name + " per byte").c_str(), w.per_byte);
        if (!w.syscalls.empty()) {
            std::string names;
            for (const std::string& s : w.syscalls) {
                if (!names.empty()) names += ' ';
                names += s;
            }
            std::fprintf(out, "    %-16s %8s     %s\n", "", "", names.c_str());
        }
    }
    std::fprintf(out, "  user instructions (cycles per instruction; mem is added per memory operand)\n");
    for (unsigned k = 0; k < kInsnClassCount; k++) row(out, insn_class_name(InsnClass(k)), c.insn[k]);
    if (!m.sources.empty()) {
        std::fprintf(out, "  sources\n");
        for (auto& [k, v] : m.sources) std::fprintf(out, "    [%s] %s\n", k.c_str(), v.c_str());
    }
}

std::string json_cost(const CostEntry& e) {
    std::string s = "{\"cycles\": " + json_num(e.cycles) + ", \"class\": \"" + std::string(1, e.cls) +
                    "\", \"source\": " + json_str(e.source);
    if (!e.note.empty()) s += ", \"note\": " + json_str(e.note);
    return s + "}";
}

void print_json(FILE* out, const std::vector<const CpuModel*>& models) {
    std::fprintf(out, "[\n");
    for (size_t i = 0; i < models.size(); i++) {
        const CpuModel& m = *models[i];
        const CpuCosts& c = m.costs;
        std::string s = "  {\"name\": " + json_str(m.name) + ", \"description\": " + json_str(m.description) +
                        ", \"origin\": " + json_str(m.origin) + ", \"mhz\": " + std::to_string(m.mhz) +
                        ", \"clock\": " + json_cost(m.clock) + ", \"vendor\": " + json_str(m.identity.vendor) +
                        ", \"cpuid1_eax\": " + std::to_string(m.identity.leaf1_eax) +
                        ", \"cpuid1_edx\": " + std::to_string(m.identity.leaf1_edx) +
                        ", \"brand\": " + json_str(m.identity.brand) +
                        ", \"sep_works\": " + (m.identity.sep_works ? "true" : "false") +
                        ", \"isa\": " + json_str(isa_list(m.identity.isa)) + ",\n   \"gate\": {";
        s += "\"int80_entry\": " + json_cost(c.int80_entry) + ", \"int80_exit\": " + json_cost(c.int80_exit);
        if (c.sysenter_entry.present)
            s += ", \"sysenter_entry\": " + json_cost(c.sysenter_entry) + ", \"sysenter_exit\": " + json_cost(c.sysenter_exit);
        s += ", \"kernel_common\": " + json_cost(c.kernel_common) + "},\n   \"work\": [";
        for (size_t k = 0; k < c.work.size(); k++) {
            const WorkClass& w = c.work[k];
            if (k) s += ", ";
            s += "{\"name\": " + json_str(w.name) + ", \"cost\": " + json_cost(w.cost);
            if (w.per_byte.present) s += ", \"per_byte\": " + json_num(w.per_byte.cycles);
            s += ", \"syscalls\": [";
            for (size_t j = 0; j < w.syscalls.size(); j++) {
                if (j) s += ", ";
                s += json_str(w.syscalls[j]);
            }
            s += "]}";
        }
        s += "],\n   \"insn\": {";
        for (unsigned k = 0; k < kInsnClassCount; k++) {
            if (k) s += ", ";
            s += json_str(insn_class_name(InsnClass(k))) + ": " + json_cost(c.insn[k]);
        }
        s += "}}";
        std::fprintf(out, "%s%s\n", s.c_str(), i + 1 < models.size() ? "," : "");
    }
    std::fprintf(out, "]\n");
}

}  // namespace

int run_models_command(int argc, char** argv, const Options& opts) {
    bool json = false;
    std::string file = opts.cpu_file;
    std::vector<std::string> names;
    for (int k = 0; k < argc; k++) {
        std::string a = argv[k];
        if (a == "--json") json = true;
        else if (a == "--cpu-file" && k + 1 < argc) file = argv[++k];
        else if (!a.empty() && a[0] == '-') {
            std::fprintf(stderr, "gate386: models: unknown option '%s' (usage: gate386 models [--json] [--cpu-file FILE] [MODEL...])\n", a.c_str());
            return 2;
        } else names.push_back(a);
    }
    std::vector<CpuModel> loaded;
    std::vector<const CpuModel*> show;
    std::string err;
    if (!file.empty()) {
        loaded.emplace_back();
        if (!select_cpu_model("", file, loaded.back(), err)) { std::fprintf(stderr, "gate386: %s\n", err.c_str()); return 2; }
    }
    for (const std::string& n : names) {
        loaded.emplace_back();
        if (!select_cpu_model(n, "", loaded.back(), err)) { std::fprintf(stderr, "gate386: %s\n", err.c_str()); return 2; }
    }
    for (const CpuModel& m : loaded) show.push_back(&m);
    if (show.empty())
        for (const CpuModel& m : builtin_cpu_models()) show.push_back(&m);
    if (json) {
        print_json(stdout, show);
        return 0;
    }
    for (size_t i = 0; i < show.size(); i++) {
        if (i) std::fputs("\n", stdout);
        print_text(stdout, *show[i]);
    }
    std::printf("\nM measured, D derived by arithmetic from measured rows, E estimate "
                "(cpu/models/README.md: the format and the derivations).\n");
    return 0;
}

}  // namespace gate386
