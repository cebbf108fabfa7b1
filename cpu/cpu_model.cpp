#include "cpu/cpu_model.h"

namespace gate386 {

// x87, MMX, SSE and SSE2 arrive with the real-world-programs work; FXSR goes with them.
uint32_t g_unimplemented_edx_features = kCpuidFpu | kCpuidMmx | kCpuidFxsr | kCpuidSse | kCpuidSse2;

const CpuIdentity& default_cpu_identity() {
    static const CpuIdentity id;
    return id;
}

uint32_t guest_feature_edx(const CpuIdentity& id) { return id.leaf1_edx & ~g_unimplemented_edx_features; }

}  // namespace gate386
