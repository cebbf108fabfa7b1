// The identity the emulated CPU reports through CPUID and the kernel through AT_HWCAP/AT_PLATFORM.
// Features are reported only when gate386 implements them: a program that dispatches on CPUID (as
// glibc's string functions do) must never be steered into instructions that would SIGILL.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace gate386 {

// Instruction-set extensions a model executes. The decoder turns an instruction that needs a
// feature the model lacks into a SIGILL record at decode time, as the real chip raises #UD
// (cpu/decoder.cpp, isa_required). kIsaNever marks extensions no modelled chip has (SSE3 ...).
enum IsaFeature : uint32_t {
    kIsaX87 = 1u << 0, kIsaCmov = 1u << 1, kIsaCx8 = 1u << 2, kIsaTsc = 1u << 3, kIsaSep = 1u << 4,
    kIsaMmx = 1u << 5, kIsaFxsr = 1u << 6, kIsaSse = 1u << 7, kIsaSse2 = 1u << 8,
    kIsaClflush = 1u << 9, kIsaMmxExt = 1u << 10, kIsa3dnow = 1u << 11, kIsaNever = 1u << 31,
};

// Classes of ordinary instructions for the modelled user-code cost (cpu/models/README.md). Mem is
// not an instruction class: it is added once for an instruction with an explicit memory operand.
enum class InsnClass : uint8_t {
    Alu, Mem, Branch, CallRet, PushPop, Shift, Mul, Div, String, Atomic, Decimal, X87, Simd, Rdtsc,
    Cpuid, Gate, Other, Count
};
constexpr unsigned kInsnClassCount = static_cast<unsigned>(InsnClass::Count);
const char* insn_class_name(InsnClass c);   // the model files' spelling: "alu", "call_ret", ...

struct ClassRecorder;   // cpu/decoder.h

// A CPUID leaf returned as is (leaves 0, 1 and the brand string are built from the fields below).
struct CpuidLeaf {
    uint32_t leaf = 0, eax = 0, ebx = 0, ecx = 0, edx = 0;
};

struct CpuIdentity {
    std::string name = "pentium4";
    std::string vendor = "GenuineIntel";
    uint32_t max_leaf = 2;
    uint32_t leaf1_eax = 0xF12;          // family 15 model 1 stepping 2 (Willamette)
    uint32_t leaf1_ebx = 0x00010800;     // brand index 0, CLFLUSH line size 8 qwords, 1 logical CPU
    uint32_t leaf1_ecx = 0;
    uint32_t leaf1_edx = 0x3FEBFBFF;     // as the chip reports (gate-costs.md, Bochs p4_willamette)
    std::string brand = "              Intel(R) Pentium(R) 4 CPU 2.00GHz";
    uint32_t mhz = 2000;
    bool sep_works = true;               // SYSENTER executes (Pentium Pro: reported but #UD)
    uint32_t max_ext_leaf = 0x80000004;  // CPUID.80000000h EAX (0: no extended leaves)
    std::vector<CpuidLeaf> leaves = {{2, 0x665B5001, 0, 0, 0x007A7040}, {0x80000001u, 0, 0, 0, 0}};
    uint32_t isa = kIsaX87 | kIsaCmov | kIsaCx8 | kIsaTsc | kIsaSep | kIsaMmx | kIsaFxsr | kIsaSse |
                   kIsaSse2 | kIsaClflush;
    // --rdtsc=model: RDTSC reads the modelled cycle counter (milli-cycles) at *model_clock, plus,
    // while gate386 compare records, the user cycles its block profiles hold (cpu/decoder.h).
    bool rdtsc_model = false;
    const uint64_t* model_clock = nullptr;
    const ClassRecorder* recorder = nullptr;
};

// CPUID.1 EDX bits (SDM Vol.2A Table 3-11).
enum : uint32_t {
    kCpuidFpu = 1u << 0, kCpuidTsc = 1u << 4, kCpuidCx8 = 1u << 8, kCpuidSep = 1u << 11,
    kCpuidCmov = 1u << 15, kCpuidMmx = 1u << 23, kCpuidFxsr = 1u << 24, kCpuidSse = 1u << 25,
    kCpuidSse2 = 1u << 26,
};

// Feature bits of instruction families gate386 does not execute yet; cleared from what the guest
// sees (CPUID and AT_HWCAP) so that feature-dispatching code stays on paths that run.
extern uint32_t g_unimplemented_edx_features;

const CpuIdentity& default_cpu_identity();
// CPUID.1 EDX as the guest sees it.
uint32_t guest_feature_edx(const CpuIdentity& id);
// CPUID.80000001h EDX as the guest sees it: AMD mirrors the leaf-1 bits there, and 3DNow! and the
// MMX extensions go with MMX.
uint32_t guest_ext_feature_edx(uint32_t edx);
// What CPUID returns for leaf `leaf` (SDM Vol.2A CPUID; AMD CPUID Specification 25481).
void cpuid_query(const CpuIdentity& id, uint32_t leaf, uint32_t out[4]);

}  // namespace gate386
