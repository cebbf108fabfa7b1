// The identity the emulated CPU reports through CPUID and the kernel through AT_HWCAP/AT_PLATFORM.
// Features are reported only when gate386 implements them: a program that dispatches on CPUID (as
// glibc's string functions do) must never be steered into instructions that would SIGILL.
#pragma once
#include <cstdint>
#include <string>

namespace gate386 {

struct CpuIdentity {
    std::string name = "pentium4";
    std::string vendor = "GenuineIntel";
    uint32_t max_leaf = 2;
    uint32_t leaf1_eax = 0xF12;          // family 15 model 1 stepping 2 (Willamette)
    uint32_t leaf1_ebx = 0x00010800;     // brand index 8, CLFLUSH line size 8 qwords, 1 logical CPU
    uint32_t leaf1_ecx = 0;
    uint32_t leaf1_edx = 0x3FEBFBFF;     // as the chip reports (gate-costs.md, Bochs p4_willamette)
    std::string brand = "Intel(R) Pentium(R) 4 CPU 1.80GHz";
    uint32_t mhz = 2000;
    bool sep_works = true;               // SYSENTER executes (Pentium Pro: reported but #UD)
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

}  // namespace gate386
