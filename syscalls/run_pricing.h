// One recorded run, priced under any CPU model and gate (`gate386 compare`). The record is what
// the run did, independent of prices: user instructions per class, and the system calls by number,
// gate, path (raw instruction or __kernel_vsyscall) and exit (SYSEXIT or IRET).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "syscalls/gate_costs.h"

namespace gate386 {

struct Process;

struct RecordedEntry {
    uint32_t nr = 0;
    GateKind gate = GateKind::Int80;
    EntryPath path = EntryPath::Raw;
    bool iret = false;
    uint64_t count = 0, bytes = 0;
};

struct RunRecord {
    std::string model;                       // the model the run executed under
    GateKind vdso_variant = GateKind::Sysenter;
    int exit_code = 0;
    uint64_t instructions = 0;
    uint64_t classes[kInsnClassCount] = {};  // executed user instructions per class
    std::vector<RecordedEntry> calls;

    uint64_t total_calls() const;
    uint64_t calls_by_path(EntryPath path) const;
    uint64_t calls_by_path(EntryPath path, GateKind gate) const;
    // (count, number), most frequent first, ties by number.
    std::vector<std::pair<uint64_t, uint32_t>> calls_by_number() const;
};

RunRecord take_run_record(const Process& p, int exit_code);
std::string serialize_run_record(const RunRecord& r);
bool deserialize_run_record(const std::string& s, RunRecord& r);

struct PricedCall {
    uint64_t calls = 0, mc = 0;
    double cycles_per_call() const { return calls ? double(mc) / kMilliPerCycle / double(calls) : 0; }
};

struct PricedRun {
    std::string model;
    uint32_t mhz = 0;
    GateKind gate = GateKind::Int80;         // the gate of calls through __kernel_vsyscall
    bool available = true;
    std::string why;                         // when not available
    uint64_t calls = 0;
    uint64_t user_mc = 0, gate_mc = 0, kernel_mc = 0;
    uint64_t path_mc = 0;                    // caller's call + vDSO stub of vDSO calls (inside user_mc)
    std::map<uint32_t, PricedCall> per_syscall;

    uint64_t total_mc() const { return user_mc + gate_mc + kernel_mc; }
    double cycles_per_call() const {
        return calls ? double(gate_mc + kernel_mc + path_mc) / kMilliPerCycle / double(calls) : 0;
    }
    double us_per_call() const { return cycles_per_call() / mhz; }
    double total_us() const { return double(total_mc()) / kMilliPerCycle / mhz; }
    double gate_share() const { return total_mc() ? double(gate_mc) / double(total_mc()) : 0; }
};

// Prices `r` with `pr`; calls through __kernel_vsyscall take `vdso_gate` (and its stub), raw
// int $0x80 / sysenter keep their own gate.
PricedRun price_run(const RunRecord& r, const GatePrices& pr, GateKind vdso_gate);
const PricedRun* find_run(const std::vector<PricedRun>& runs, const std::string& model, GateKind gate);
// The built-in models by clock: pentiumpro, athlon, pentium3, pentium4.
std::vector<std::string> default_compare_models();

}  // namespace gate386
