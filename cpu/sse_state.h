// The SSE register state: XMM0..XMM7 and MXCSR (SDM Vol.1 10.2).
#pragma once
#include <cstdint>

namespace gate386 {

struct alignas(16) XmmReg {
    uint8_t b[16] = {};
};

// MXCSR bits (SDM Vol.1 10.2.3, Figure 10-3).
constexpr uint32_t kMxcsrIE = 1u << 0, kMxcsrDE = 1u << 1, kMxcsrZE = 1u << 2, kMxcsrOE = 1u << 3,
                   kMxcsrUE = 1u << 4, kMxcsrPE = 1u << 5, kMxcsrDAZ = 1u << 6,
                   kMxcsrFTZ = 1u << 15;
constexpr uint32_t kMxcsrFlags = 0x3f;
constexpr uint32_t kMxcsrMasks = 0x3fu << 7;
constexpr uint32_t kMxcsrDefault = 0x1f80;     // all exceptions masked, round to nearest
// Bits LDMXCSR/FXRSTOR accept: every defined bit up to FTZ, DAZ included (SDM Vol.1 11.6.6;
// what FXSAVE reports as MXCSR_MASK). Anything else raises #GP.
constexpr uint32_t kMxcsrMask = 0xffff;

struct SseState {
    XmmReg xmm[8];
    uint32_t mxcsr = kMxcsrDefault;
};

}  // namespace gate386
