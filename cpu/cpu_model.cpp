#include "cpu/cpu_model.h"

namespace gate386 {

// Every CPUID.1 EDX feature the models report is implemented: x87 (x87_*.cpp), MMX (mmx.cpp),
// FXSR (x87_env.cpp), SSE and SSE2 (sse_*.cpp), checked by tests/guest/x87_*.c, sse_*.c and the
// unit tests. A family that is not complete would be listed here.
uint32_t g_unimplemented_edx_features = 0;

const CpuIdentity& default_cpu_identity() {
    static const CpuIdentity id;
    return id;
}

uint32_t guest_feature_edx(const CpuIdentity& id) { return id.leaf1_edx & ~g_unimplemented_edx_features; }

}  // namespace gate386
