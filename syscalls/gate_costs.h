// What a run costs on the modelled CPU (ARCHITECTURE.md "Gates and costs"): a system call is
// gate entry + gate exit + kernel common path + the call's own work, in the model's cycles;
// ordinary instructions are priced per class at decode time (cpu/decoder.cpp). Everything is kept
// in milli-cycles (kMilliPerCycle) and converted to time with the model's clock.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "cpu/cpu_models.h"
#include "cpu/decoder.h"
#include "syscalls/syscall_table.h"

namespace gate386 {

struct Process;

enum class GateKind : uint8_t { Int80 = 0, Sysenter = 1 };
const char* gate_name(GateKind g);

// The prices of one model, ready for the gates and for `gate386 compare` (milli-cycles).
struct GatePrices {
    std::string model;
    uint32_t mhz = 0;
    bool has_sysenter = false;                 // SYSENTER executes (not #UD)
    uint64_t int80_entry = 0, int80_exit = 0, sysenter_entry = 0, sysenter_exit = 0, common = 0;
    std::vector<uint64_t> work;                // per work class
    std::vector<uint64_t> work_per_byte;       // per work class, milli-cycles per byte
    std::vector<std::string> work_names;
    std::vector<uint8_t> work_of;              // syscall number → work class (0: default)
    std::array<uint64_t, kInsnClassCount> insn{};
    // User instructions of a call through __kernel_vsyscall besides the caller's own: `call`,
    // and the variant's stub (sysenter page: 3 push, mov, 3 pop, ret; int80 page: ret).
    uint64_t vdso_path[2] = {0, 0};            // by GateKind

    uint64_t gate(GateKind g, bool iret_exit) const;        // entry + exit
    uint64_t kernel(uint32_t nr, int32_t result) const;     // common path + the call's work
    double us(uint64_t mcycles) const { return double(mcycles) / kMilliPerCycle / mhz; }
};
GatePrices make_gate_prices(const CpuModel& m);
// The instruction-class counts of the vDSO stub of each variant (what compare swaps per call).
void vdso_stub_classes(GateKind variant, uint64_t counts[kInsnClassCount]);

// How a call reached the kernel, for `gate386 compare`: through __kernel_vsyscall (so the priced
// gate can be swapped) or by a raw instruction of the program (which keeps its gate).
enum class EntryPath : uint8_t { Raw = 0, Vdso = 1 };

struct CallTally {
    uint64_t count[2] = {0, 0};                // by GateKind
    uint64_t mcycles[2] = {0, 0};              // gate + kernel, by GateKind
};

struct RecordedCalls {
    uint64_t count = 0;
    uint64_t bytes = 0;                        // sum of positive results (per-byte work)
};
// (number, gate, path, left through IRET)
using RecordKey = std::tuple<uint32_t, uint8_t, uint8_t, bool>;

// The register frame a system call entered with, kept until the return to user mode so that
// signal delivery can take the IRET exit and restart the call (gate_signal_return, gates.h).
struct SyscallFrame {
    bool pending = false;          // the call has returned and no user instruction ran since
    GateKind gate = GateKind::Int80;
    bool via_vdso = false;
    bool iret_exit = false;        // a sysenter-entered call left through IRET
    uint32_t orig_eax = 0;
    uint32_t entry_regs[8] = {};   // eax..edi at entry (Gpr order)
    uint32_t return_eip = 0;       // after int $0x80, or SYSENTER_RETURN
    uint64_t icount = 0;           // instructions retired at the return
};

struct CostModel {
    GatePrices prices;
    DecodeContext decode;
    // The modelled cycle counter (milli-cycles): user code per block, gate crossings and kernel
    // work; RDTSC reads it under --rdtsc=model.
    uint64_t clock = 0;
    uint64_t gate_mc = 0, kernel_mc = 0;
    uint64_t iret_exits = 0;       // sysenter-entered calls that left through IRET
    std::vector<CallTally> calls = std::vector<CallTally>(kMaxSyscall + 1);   // [kMaxSyscall]: out of range
    SyscallFrame frame;
    // gate386 compare: the run's trace, aggregated, and per-block class counts.
    std::unique_ptr<ClassRecorder> recorder;
    std::map<RecordKey, RecordedCalls> record;

    uint64_t user_mc() const { return clock - gate_mc - kernel_mc; }
};

// Gives the process the model's identity (CPUID, ISA, SEP) and prices; keeps --rdtsc=model.
void install_cpu_model(Process& p, const CpuModel& m);
// gate386 compare: from now on, blocks count instruction classes instead of adding cycles.
void start_recording(Process& p);

// Called by the gates around dispatch (gates.cpp).
void syscall_entered(Process& p, GateKind g, bool via_vdso, uint32_t nr);
void syscall_returned(Process& p, uint32_t nr, int32_t result);
// The strace note for the call being printed: "<sysenter 641 cycles, 0.32 µs @ 2000 MHz>".
std::string syscall_cost_note(Process& p, uint32_t nr, int32_t result);

}  // namespace gate386
