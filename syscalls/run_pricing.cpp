#include "syscalls/run_pricing.h"

#include <algorithm>
#include <sstream>

#include "core/process.h"
#include "core/vdso_mapping.h"

namespace gate386 {

uint64_t RunRecord::total_calls() const {
    uint64_t n = 0;
    for (const RecordedEntry& e : calls) n += e.count;
    return n;
}

uint64_t RunRecord::calls_by_path(EntryPath path) const {
    uint64_t n = 0;
    for (const RecordedEntry& e : calls) n += e.path == path ? e.count : 0;
    return n;
}

uint64_t RunRecord::calls_by_path(EntryPath path, GateKind gate) const {
    uint64_t n = 0;
    for (const RecordedEntry& e : calls) n += e.path == path && e.gate == gate ? e.count : 0;
    return n;
}

std::vector<std::pair<uint64_t, uint32_t>> RunRecord::calls_by_number() const {
    std::map<uint32_t, uint64_t> by;
    for (const RecordedEntry& e : calls) by[e.nr] += e.count;
    std::vector<std::pair<uint64_t, uint32_t>> v;
    for (auto& [nr, n] : by)
        if (n) v.emplace_back(n, nr);
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    return v;
}

RunRecord take_run_record(const Process& p, int exit_code) {
    RunRecord r;
    r.model = p.costs.prices.model;
    r.vdso_variant = vdso_variant_for(p) == VdsoVariant::Sysenter ? GateKind::Sysenter : GateKind::Int80;
    r.exit_code = exit_code;
    r.instructions = p.cpu.m_icount;
    if (p.costs.recorder) p.costs.recorder->totals(r.classes);
    for (const auto& [key, rc] : p.costs.record) {
        if (!rc.count) continue;
        RecordedEntry e;
        e.nr = std::get<0>(key);
        e.gate = static_cast<GateKind>(std::get<1>(key));
        e.path = static_cast<EntryPath>(std::get<2>(key));
        e.iret = std::get<3>(key);
        e.count = rc.count;
        e.bytes = rc.bytes;
        r.calls.push_back(e);
    }
    return r;
}

std::string serialize_run_record(const RunRecord& r) {
    std::ostringstream s;
    s << "gate386-run 1\nmodel " << r.model << "\nvariant " << int(r.vdso_variant) << "\nexit " << r.exit_code
      << "\ninstructions " << r.instructions << "\nclasses";
    for (unsigned k = 0; k < kInsnClassCount; k++) s << ' ' << r.classes[k];
    s << '\n';
    for (const RecordedEntry& e : r.calls)
        s << "call " << e.nr << ' ' << int(e.gate) << ' ' << int(e.path) << ' ' << int(e.iret) << ' ' << e.count << ' '
          << e.bytes << '\n';
    s << "end\n";
    return s.str();
}

bool deserialize_run_record(const std::string& text, RunRecord& r) {
    std::istringstream s(text);
    std::string word;
    int version = 0;
    if (!(s >> word >> version) || word != "gate386-run" || version != 1) return false;
    r = RunRecord{};
    while (s >> word) {
        if (word == "end") return true;
        if (word == "model") s >> r.model;
        else if (word == "variant") { int v = 0; s >> v; r.vdso_variant = static_cast<GateKind>(v & 1); }
        else if (word == "exit") s >> r.exit_code;
        else if (word == "instructions") s >> r.instructions;
        else if (word == "classes") { for (unsigned k = 0; k < kInsnClassCount; k++) s >> r.classes[k]; }
        else if (word == "call") {
            RecordedEntry e;
            int g = 0, path = 0, iret = 0;
            s >> e.nr >> g >> path >> iret >> e.count >> e.bytes;
            e.gate = static_cast<GateKind>(g & 1);
            e.path = static_cast<EntryPath>(path & 1);
            e.iret = iret != 0;
            r.calls.push_back(e);
        } else {
            return false;
        }
        if (!s) return false;
    }
    return false;
}

PricedRun price_run(const RunRecord& r, const GatePrices& pr, GateKind vdso_gate) {
    PricedRun out;
    out.model = pr.model;
    out.mhz = pr.mhz;
    out.gate = vdso_gate;
    if (vdso_gate == GateKind::Sysenter && !pr.has_sysenter) {
        out.available = false;
        out.why = "SYSENTER raises #UD on this chip: its kernel maps the int $0x80 page";
        return out;
    }
    int64_t classes[kInsnClassCount];
    for (unsigned k = 0; k < kInsnClassCount; k++) classes[k] = static_cast<int64_t>(r.classes[k]);
    for (const RecordedEntry& e : r.calls) {
        GateKind g = e.path == EntryPath::Vdso ? vdso_gate : e.gate;
        if (g == GateKind::Sysenter && !pr.has_sysenter) {
            out.available = false;
            out.why = "the program executes sysenter itself, which raises #UD on this chip";
            return out;
        }
        // exit and exit_group cross the gate one way.
        bool one_way = e.nr == kNrExit || e.nr == kNrExitGroup;
        uint64_t gate = one_way ? (g == GateKind::Int80 ? pr.int80_entry : pr.sysenter_entry) : pr.gate(g, e.iret);
        uint8_t w = e.nr < pr.work_of.size() ? pr.work_of[e.nr] : 0;
        uint64_t kernel = e.count * (pr.common + pr.work[w]) + e.bytes * pr.work_per_byte[w];
        uint64_t path = 0;
        if (e.path == EntryPath::Vdso) {
            path = e.count * pr.vdso_path[static_cast<unsigned>(g)];
            // Swap the recorded variant's stub instructions for the priced one's.
            uint64_t have[kInsnClassCount], want[kInsnClassCount];
            vdso_stub_classes(e.gate, have);
            vdso_stub_classes(g, want);
            for (unsigned k = 0; k < kInsnClassCount; k++)
                classes[k] += static_cast<int64_t>(e.count) * (static_cast<int64_t>(want[k]) - static_cast<int64_t>(have[k]));
        }
        out.calls += e.count;
        out.gate_mc += e.count * gate;
        out.kernel_mc += kernel;
        out.path_mc += path;
        PricedCall& pc = out.per_syscall[e.nr];
        pc.calls += e.count;
        pc.mc += e.count * gate + kernel + path;
    }
    for (unsigned k = 0; k < kInsnClassCount; k++)
        out.user_mc += static_cast<uint64_t>(std::max<int64_t>(classes[k], 0)) * pr.insn[k];
    return out;
}

const PricedRun* find_run(const std::vector<PricedRun>& runs, const std::string& model, GateKind gate) {
    for (const PricedRun& r : runs)
        if (r.model == model && r.gate == gate) return &r;
    return nullptr;
}

std::vector<std::string> default_compare_models() {
    std::vector<const CpuModel*> v;
    for (const CpuModel& m : builtin_cpu_models()) v.push_back(&m);
    std::stable_sort(v.begin(), v.end(), [](const CpuModel* a, const CpuModel* b) { return a->mhz < b->mhz; });
    std::vector<std::string> names;
    for (const CpuModel* m : v) names.push_back(m->name);
    return names;
}

}  // namespace gate386
