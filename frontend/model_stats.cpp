#include "frontend/model_stats.h"

#include <cinttypes>
#include <vector>

#include "core/process.h"
#include "frontend/json_util.h"
#include "syscalls/gate_costs.h"
#include "syscalls/syscall_names.h"

namespace gate386 {

namespace {

std::string call_name(uint32_t nr) {
    const char* n = nr < kMaxSyscall ? syscall_name(nr) : nullptr;
    return n && *n ? n : "syscall_" + std::to_string(nr);
}

double cyc(uint64_t mc) { return double(mc) / kMilliPerCycle; }

}  // namespace

void print_model_stats(const Process& p, FILE* out) {
    const CostModel& cm = p.costs;
    const GatePrices& pr = cm.prices;
    uint64_t total = cm.clock;
    auto pct = [&](uint64_t v) { return total ? 100.0 * double(v) / double(total) : 0.0; };
    std::fprintf(out, "gate386 stats: model %s @ %u MHz%s\n", pr.model.c_str(), pr.mhz,
                 cm.recorder ? " (recording: user cycles not priced)" : "");
    std::fprintf(out, "gate386 stats: modelled cycles %.0f = user %.0f (%.1f%%) + gate crossings %.0f (%.1f%%) + kernel work %.0f (%.1f%%)\n",
                 cyc(total), cyc(cm.user_mc()), pct(cm.user_mc()), cyc(cm.gate_mc), pct(cm.gate_mc), cyc(cm.kernel_mc),
                 pct(cm.kernel_mc));
    std::fprintf(out, "gate386 stats: modelled time %.3f us at %u MHz\n", pr.us(total), pr.mhz);
    if (cm.iret_exits)
        std::fprintf(out, "gate386 stats: sysenter calls that left through IRET %" PRIu64 "\n", cm.iret_exits);
    for (uint32_t nr = 0; nr <= kMaxSyscall; nr++) {
        const CallTally& t = cm.calls[nr];
        for (unsigned g = 0; g < 2; g++) {
            if (!t.count[g]) continue;
            std::fprintf(out, "gate386 stats: syscall %-16s %-8s %10" PRIu64 " calls %12.0f cycles  %8.1f cycles/call\n",
                         call_name(nr).c_str(), gate_name(GateKind(g)), t.count[g], cyc(t.mcycles[g]),
                         cyc(t.mcycles[g]) / double(t.count[g]));
        }
    }
}

std::string model_stats_json(const Process& p) {
    const CostModel& cm = p.costs;
    const GatePrices& pr = cm.prices;
    std::string s = "{\"name\": " + json_str(pr.model) + ", \"mhz\": " + std::to_string(pr.mhz) +
                    ", \"cycles\": {\"total\": " + json_num(cyc(cm.clock)) + ", \"user\": " + json_num(cyc(cm.user_mc())) +
                    ", \"gate\": " + json_num(cyc(cm.gate_mc)) + ", \"kernel\": " + json_num(cyc(cm.kernel_mc)) +
                    "}, \"time_us\": " + json_num(pr.us(cm.clock), 6) + ", \"iret_exits\": " + std::to_string(cm.iret_exits) +
                    ", \"syscalls\": [";
    bool first = true;
    for (uint32_t nr = 0; nr <= kMaxSyscall; nr++) {
        const CallTally& t = cm.calls[nr];
        for (unsigned g = 0; g < 2; g++) {
            if (!t.count[g]) continue;
            if (!first) s += ", ";
            first = false;
            s += "{\"name\": " + json_str(call_name(nr)) + ", \"nr\": " + std::to_string(nr) + ", \"gate\": " +
                 json_str(gate_name(GateKind(g))) + ", \"calls\": " + std::to_string(t.count[g]) +
                 ", \"cycles\": " + json_num(cyc(t.mcycles[g])) + "}";
        }
    }
    return s + "]}";
}

}  // namespace gate386
