#include "syscalls/gate_costs.h"

#include <cstdio>

#include "core/process.h"
#include "syscalls/strace.h"
#include "syscalls/syscall_names.h"

namespace gate386 {

namespace {

uint64_t per_class(const GatePrices& pr, InsnClass c) { return pr.insn[static_cast<unsigned>(c)]; }

std::string strace_note(Process& p, uint32_t nr, int32_t result) { return syscall_cost_note(p, nr, result); }

bool is_restart(int32_t r) { return r == -512 || r == -513 || r == -514 || r == -516; }

}  // namespace

const char* gate_name(GateKind g) { return g == GateKind::Sysenter ? "sysenter" : "int80"; }

uint64_t GatePrices::gate(GateKind g, bool iret_exit) const {
    if (g == GateKind::Int80) return int80_entry + int80_exit;
    // A sysenter-entered call with work pending leaves through IRET (gate-costs.md, split notes).
    return sysenter_entry + (iret_exit ? int80_exit : sysenter_exit);
}

uint64_t GatePrices::kernel(uint32_t nr, int32_t result) const {
    uint8_t w = nr < work_of.size() ? work_of[nr] : 0;
    uint64_t mc = common + work[w];
    if (result > 0) mc += uint64_t(result) * work_per_byte[w];
    return mc;
}

void vdso_stub_classes(GateKind variant, uint64_t counts[kInsnClassCount]) {
    for (unsigned k = 0; k < kInsnClassCount; k++) counts[k] = 0;
    auto add = [&](InsnClass c, uint64_t n) { counts[static_cast<unsigned>(c)] += n; };
    // vdso/vdso_image.h: sysenter page 51 52 55 89e5 0f34 ... 5d 5a 59 c3; int80 page cd80 c3.
    add(InsnClass::Gate, 1);
    add(InsnClass::CallRet, 1);
    if (variant == GateKind::Sysenter) {
        add(InsnClass::PushPop, 6);
        add(InsnClass::Alu, 1);
    }
}

GatePrices make_gate_prices(const CpuModel& m) {
    GatePrices pr;
    const CpuCosts& c = m.costs;
    pr.model = m.name;
    pr.mhz = m.mhz;
    pr.has_sysenter = m.identity.sep_works;
    pr.int80_entry = c.int80_entry.mcycles();
    pr.int80_exit = c.int80_exit.mcycles();
    pr.sysenter_entry = c.sysenter_entry.mcycles();
    pr.sysenter_exit = c.sysenter_exit.mcycles();
    pr.common = c.kernel_common.mcycles();
    for (const WorkClass& w : c.work) {
        pr.work.push_back(w.cost.mcycles());
        pr.work_per_byte.push_back(w.per_byte.mcycles());
        pr.work_names.push_back(w.name);
    }
    pr.work_of.assign(kMaxSyscall, 0);
    for (uint32_t nr = 0; nr < kMaxSyscall; nr++) {
        const char* name = syscall_name(nr);
        if (!name || !*name) continue;
        for (size_t k = 1; k < c.work.size(); k++)
            for (const std::string& s : c.work[k].syscalls)
                if (s == name) pr.work_of[nr] = static_cast<uint8_t>(k);
    }
    for (unsigned k = 0; k < kInsnClassCount; k++) pr.insn[k] = c.insn[k].mcycles();
    for (GateKind g : {GateKind::Int80, GateKind::Sysenter}) {
        uint64_t counts[kInsnClassCount];
        vdso_stub_classes(g, counts);
        uint64_t mc = per_class(pr, InsnClass::CallRet);   // the caller's call *AT_SYSINFO
        for (unsigned k = 0; k < kInsnClassCount; k++) mc += counts[k] * pr.insn[k];
        pr.vdso_path[static_cast<unsigned>(g)] = mc;
    }
    return pr;
}

void install_cpu_model(Process& p, const CpuModel& m) {
    p.identity = m.identity;
    p.identity.rdtsc_model = p.opts.rdtsc_model;
    p.identity.model_clock = &p.costs.clock;
    p.cpu.m_model = &p.identity;
    CostModel& cm = p.costs;
    cm.prices = make_gate_prices(m);
    cm.decode.isa = m.identity.isa;
    for (unsigned k = 0; k < kInsnClassCount; k++)
        cm.decode.class_mcycles[k] = static_cast<uint32_t>(cm.prices.insn[k]);
    cm.decode.cost_sink = &cm.clock;
    // Blocks already decoded were priced (and ISA-checked) for the previous model.
    p.cache.invalidate_all();
    strace_set_suffix_provider(strace_note);
}

void start_recording(Process& p) {
    p.costs.recorder = std::make_unique<ClassRecorder>();
    p.costs.decode.recorder = p.costs.recorder.get();
    // RDTSC reads the modelled clock so that the recorded run does not depend on the host's.
    p.identity.rdtsc_model = true;
    p.identity.recorder = p.costs.recorder.get();
    p.cache.invalidate_all();
}

void syscall_entered(Process& p, GateKind g, bool via_vdso, uint32_t nr) {
    SyscallFrame& f = p.costs.frame;
    f.pending = false;
    f.gate = g;
    f.via_vdso = via_vdso;
    f.iret_exit = false;
    f.orig_eax = nr;
    for (unsigned r = 0; r < 8; r++) f.entry_regs[r] = p.cpu.m_regs[r];
}

void syscall_returned(Process& p, uint32_t nr, int32_t result) {
    CostModel& cm = p.costs;
    SyscallFrame& f = cm.frame;
    // A call that does not return (exit, exit_group) crosses the gate one way only.
    uint64_t gate = p.exited ? (f.gate == GateKind::Int80 ? cm.prices.int80_entry : cm.prices.sysenter_entry)
                             : cm.prices.gate(f.gate, false);
    uint64_t kernel = cm.prices.kernel(nr, result);
    cm.gate_mc += gate;
    cm.kernel_mc += kernel;
    cm.clock += gate + kernel;
    CallTally& t = cm.calls[nr < kMaxSyscall ? nr : kMaxSyscall];
    t.count[static_cast<unsigned>(f.gate)]++;
    t.mcycles[static_cast<unsigned>(f.gate)] += gate + kernel;
    if (cm.recorder) {
        RecordedCalls& r = cm.record[RecordKey{nr, uint8_t(f.gate), uint8_t(f.via_vdso), false}];
        r.count++;
        if (result > 0) r.bytes += uint64_t(result);
    }
    f.pending = !p.exited;
    f.return_eip = p.cpu.m_eip;
    f.icount = p.cpu.m_icount;
}

std::string syscall_cost_note(Process& p, uint32_t nr, int32_t result) {
    const CostModel& cm = p.costs;
    const SyscallFrame& f = cm.frame;
    // A call that will be restarted has a signal pending: a sysenter call then leaves by IRET.
    bool iret = f.gate == GateKind::Sysenter && is_restart(result);
    uint64_t mc = cm.prices.gate(f.gate, iret) + cm.prices.kernel(nr, result);
    // Through __kernel_vsyscall the round trip includes the caller's call and the vDSO stub,
    // as the 2002 measurements did (user instruction that enters → next user instruction).
    if (f.via_vdso) mc += cm.prices.vdso_path[static_cast<unsigned>(f.gate)];
    char buf[96];
    std::snprintf(buf, sizeof buf, "<%s%s %.0f cycles, %.2f \xc2\xb5s @ %u MHz>", gate_name(f.gate),
                  iret ? "+iret" : "", double(mc) / kMilliPerCycle, cm.prices.us(mc), cm.prices.mhz);
    return buf;
}

}  // namespace gate386
