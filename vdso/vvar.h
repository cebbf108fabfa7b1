// The [vvar] page: read-only time data mapped for the guest at 0xffffd000, one page below the
// vDSO. The vDSO's __vdso_clock_gettime & co. read it (absolute addresses) and the guest's RDTSC
// to tell the time with no system call, the way Linux's vclock_gettime does with its vvar page.
//
// Layout (i386, little-endian; every field fixed-width and its offset pinned below):
//
//   +0   u32 seq         seqlock counter: odd while vvar_fill is writing; readers retry if it is
//                        odd or changed across their read
//   +4   u32 tsc_mult    \  ns = base_nsec + (((tsc - tsc_ref) * tsc_mult) >> tsc_shift)
//   +8   u32 tsc_shift   /  96-bit product in the guest code; tsc_shift <= 31
//   +12  u32 layout      kVvarLayoutVersion once filled
//   +16  u64 tsc_ref     host TSC at which the per-clock bases were taken
//   +24  u64 tsc_hz      the TSC frequency the multiplier was derived from (informational)
//   +32  VvarClock clocks[8], indexed by clockid_t 0..7 (32 bytes each):
//        +0 u64 sec, +8 u32 nsec (< 1e9), +12 u32 mode, +16 u32 res_nsec, +20 reserved
//
// mode: kVvarModeNone  → the vDSO falls back to int $0x80 for this clock;
//       kVvarModeTsc   → base + TSC extrapolation (REALTIME, MONOTONIC, BOOTTIME);
//       kVvarModeCoarse→ the same, with nsec truncated down to a multiple of res_nsec
//                        (REALTIME_COARSE, MONOTONIC_COARSE: tick-granular like the kernel's).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>

namespace gate386 {

constexpr uint32_t kVvarPageSize = 4096;
constexpr uint32_t kVvarClockCount = 8;  // clockid_t 0..7: REALTIME .. BOOTTIME
constexpr uint32_t kVvarLayoutVersion = 1;

// clockid_t values (include/uapi/linux/time.h); the guest's ids, not the host's macros.
enum : uint32_t {
    kClockRealtime = 0,
    kClockMonotonic = 1,
    kClockProcessCputime = 2,
    kClockThreadCputime = 3,
    kClockMonotonicRaw = 4,
    kClockRealtimeCoarse = 5,
    kClockMonotonicCoarse = 6,
    kClockBoottime = 7,
};

enum : uint32_t { kVvarModeNone = 0, kVvarModeTsc = 1, kVvarModeCoarse = 2 };

struct VvarClock {
    uint64_t sec;       // +0  seconds at tsc_ref
    uint32_t nsec;      // +8  nanoseconds at tsc_ref, < 1e9
    uint32_t mode;      // +12 kVvarMode*
    uint32_t res_nsec;  // +16 what clock_getres reports (1 for hires, the tick for coarse)
    uint32_t reserved[3];
};
static_assert(sizeof(VvarClock) == 32);
static_assert(offsetof(VvarClock, sec) == 0);
static_assert(offsetof(VvarClock, nsec) == 8);
static_assert(offsetof(VvarClock, mode) == 12);
static_assert(offsetof(VvarClock, res_nsec) == 16);

struct VvarData {
    uint32_t seq;        // +0
    uint32_t tsc_mult;   // +4
    uint32_t tsc_shift;  // +8
    uint32_t layout;     // +12
    uint64_t tsc_ref;    // +16
    uint64_t tsc_hz;     // +24
    VvarClock clocks[kVvarClockCount];  // +32
    uint8_t unused[kVvarPageSize - 32 - kVvarClockCount * sizeof(VvarClock)];
};
static_assert(sizeof(VvarData) == kVvarPageSize);
static_assert(offsetof(VvarData, seq) == 0);
static_assert(offsetof(VvarData, tsc_mult) == 4);
static_assert(offsetof(VvarData, tsc_shift) == 8);
static_assert(offsetof(VvarData, layout) == 12);
static_assert(offsetof(VvarData, tsc_ref) == 16);
static_assert(offsetof(VvarData, tsc_hz) == 24);
static_assert(offsetof(VvarData, clocks) == 32);

// Fills `vvar` from the host's clock_gettime/clock_getres for REALTIME, MONOTONIC, BOOTTIME
// (mode Tsc) and REALTIME_COARSE, MONOTONIC_COARSE (mode Coarse, based on their fine clocks),
// as of host TSC value `host_tsc_now` (pass a fresh __rdtsc(): each clock is read between two
// rdtsc and moved back to host_tsc_now), with a multiplier for `tsc_hz` ticks per second.
// Other clocks get mode None. tsc_hz == 0 disables the fast path (all modes None).
//
// May be called again at any time to re-anchor (the core should do so periodically, e.g. once
// a second of guest run time). On a refresh the previous contents are taken into account: if
// the guest's time would step backwards (the old extrapolation is ahead of the host by less than
// a second — TSC frequency error), the clocks are held at the old value and the multiplier is
// slowed for the next period so that the guest converges back on the host without ever going
// backwards. Writes follow the seqlock protocol (seq odd while writing).
void vvar_fill(VvarData& vvar, uint64_t host_tsc_now, uint64_t tsc_hz);

// What the guest code computes for `clock` at TSC value `tsc` (same integer math, including the
// clamp of a TSC below tsc_ref to it). Returns false where the vDSO would make the system call.
// The core can use this to answer clock_gettime system calls on the same timeline as the vDSO.
bool vvar_read(const VvarData& vvar, uint32_t clock, uint64_t tsc, int64_t& sec, uint32_t& nsec);

// Host helpers for the core: the host's TSC (what the emulated RDTSC returns) and a measured TSC
// frequency (about 20 ms of CLOCK_MONOTONIC_RAW against rdtsc; a few parts per million).
uint64_t vvar_host_rdtsc();
uint64_t vvar_measure_tsc_hz();

}  // namespace gate386
