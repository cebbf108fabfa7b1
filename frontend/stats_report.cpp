#include "frontend/stats_report.h"

#include <cinttypes>

#include "core/process.h"
#include "frontend/model_stats.h"

namespace gate386 {

// The text form keeps one fact per line with a fixed prefix so that scripts (bench/run.sh) can
// read it: "gate386 stats: instructions N".
void print_stats(const Process& p, FILE* out) {
    uint64_t decoded = p.cache.blocks_decoded();
    uint64_t executed = p.stats.blocks_executed;
    if (p.opts.stats_json) {
        std::fprintf(out,
                     "{\"instructions\": %" PRIu64 ", \"blocks_decoded\": %" PRIu64
                     ", \"blocks_executed\": %" PRIu64 ", \"blocks_invalidated\": %" PRIu64
                     ", \"syscalls\": %" PRIu64 ", \"model\": %s}\n",
                     p.cpu.m_icount, decoded, executed, p.cache.invalidations(), p.stats.syscalls,
                     model_stats_json(p).c_str());
        return;
    }
    std::fprintf(out, "gate386 stats: instructions %" PRIu64 "\n", p.cpu.m_icount);
    std::fprintf(out, "gate386 stats: blocks decoded %" PRIu64 ", executed %" PRIu64 " (%.1f executions per decode)\n",
                 decoded, executed, decoded ? double(executed) / double(decoded) : 0.0);
    std::fprintf(out, "gate386 stats: blocks invalidated %" PRIu64 "\n", p.cache.invalidations());
    std::fprintf(out, "gate386 stats: syscalls %" PRIu64 "\n", p.stats.syscalls);
    print_model_stats(p, out);
}

}  // namespace gate386
