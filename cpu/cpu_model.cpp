#include "cpu/cpu_model.h"

#include "cpu/cpu_models.h"

namespace gate386 {

// Every CPUID.1 EDX feature the models report is implemented: x87 (x87_*.cpp), MMX (mmx.cpp),
// FXSR (x87_env.cpp), SSE and SSE2 (sse_*.cpp), checked by tests/guest/x87_*.c, sse_*.c and the
// unit tests. A family that is not complete would be listed here.
uint32_t g_unimplemented_edx_features = 0;

// The default is the pentium4 model file (cpu/models/pentium4.toml), compiled into the binary.
const CpuIdentity& default_cpu_identity() {
    static const CpuIdentity id = default_cpu_model().identity;
    return id;
}

uint32_t guest_feature_edx(const CpuIdentity& id) { return id.leaf1_edx & ~g_unimplemented_edx_features; }

uint32_t guest_ext_feature_edx(uint32_t edx) {
    uint32_t hidden = g_unimplemented_edx_features;
    // AMD CPUID Specification: 80000001h EDX bit 22 MMX extensions, 30 3DNow! extensions, 31 3DNow!.
    // The MMX extensions are SSE's integer subset (mmx.cpp, sse_*.cpp); 3DNow! has no handlers yet,
    // so it stays hidden on every model.
    if (hidden & kCpuidMmx) hidden |= 1u << 22;
    hidden |= (1u << 30) | (1u << 31);
    return edx & ~hidden;
}

const char* insn_class_name(InsnClass c) {
    static const char* const names[kInsnClassCount] = {
        "alu", "mem", "branch", "call_ret", "push_pop", "shift", "mul", "div", "string", "atomic",
        "decimal", "x87", "simd", "rdtsc", "cpuid", "gate", "other"};
    unsigned k = static_cast<unsigned>(c);
    return k < kInsnClassCount ? names[k] : "?";
}

void cpuid_query(const CpuIdentity& id, uint32_t leaf, uint32_t out[4]) {
    out[0] = out[1] = out[2] = out[3] = 0;
    auto chars = [](const std::string& s, unsigned at) {
        uint32_t v = 0;
        for (unsigned k = 0; k < 4; k++)
            v |= uint32_t(at + k < s.size() ? uint8_t(s[at + k]) : 0) << (8 * k);
        return v;
    };
    // Intel returns the highest basic leaf for a leaf above the maximum (SDM Vol.2A CPUID, "If a
    // value entered for CPUID.EAX is higher than the maximum input value..."); AMD returns zeros.
    bool extended = leaf >= 0x80000000u;
    bool beyond = extended ? (id.max_ext_leaf < 0x80000000u || leaf > id.max_ext_leaf) : leaf > id.max_leaf;
    if (beyond) {
        if (id.vendor != "GenuineIntel") return;
        leaf = id.max_leaf;
        extended = false;
    }
    if (leaf == 0) {
        out[0] = id.max_leaf;
        out[1] = chars(id.vendor, 0); out[3] = chars(id.vendor, 4); out[2] = chars(id.vendor, 8);
        return;
    }
    if (leaf == 1) {
        out[0] = id.leaf1_eax; out[1] = id.leaf1_ebx; out[2] = id.leaf1_ecx; out[3] = guest_feature_edx(id);
        return;
    }
    if (leaf == 0x80000000u) {
        out[0] = id.max_ext_leaf;
        return;
    }
    if (leaf >= 0x80000002u && leaf <= 0x80000004u && !id.brand.empty()) {
        unsigned at = (leaf - 0x80000002u) * 16;
        for (unsigned r = 0; r < 4; r++) out[r] = chars(id.brand, at + 4 * r);
        return;
    }
    for (const CpuidLeaf& l : id.leaves) {
        if (l.leaf != leaf) continue;
        out[0] = l.eax; out[1] = l.ebx; out[2] = l.ecx;
        out[3] = leaf == 0x80000001u ? guest_ext_feature_edx(l.edx) : l.edx;
        return;
    }
}

}  // namespace gate386
