#include "vdso/vvar.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <x86intrin.h>

namespace gate386 {

namespace {

constexpr uint64_t kNsPerSec = 1000000000;

struct Scale {
    uint32_t mult = 0;
    uint32_t shift = 0;
};

// The largest shift (<= 31, so the guest's shrd by cl works) whose multiplier still fits 32 bits:
// ns = (ticks * mult) >> shift with mult = 1e9 * 2^shift / tsc_hz.
Scale scale_for(uint64_t tsc_hz) {
    for (int shift = 31; shift >= 0; --shift) {
        unsigned __int128 mult = ((static_cast<unsigned __int128>(kNsPerSec) << shift) + tsc_hz / 2) / tsc_hz;
        if (mult > 0 && mult <= 0xffffffffu) return {static_cast<uint32_t>(mult), static_cast<uint32_t>(shift)};
    }
    return {};
}

bool host_ns(clockid_t clock, int64_t& ns) {
    struct timespec ts {};
    if (clock_gettime(clock, &ts) != 0) return false;
    ns = static_cast<int64_t>(ts.tv_sec) * static_cast<int64_t>(kNsPerSec) + ts.tv_nsec;
    return true;
}

// The host clock as it was at TSC value `tsc_ref`: read it with the TSC bracketing the read, and
// take off the time between tsc_ref and the read, so the base and tsc_ref describe one instant
// (otherwise the guest runs ahead of the host by the latency of the call).
bool host_ns_at(clockid_t clock, uint64_t tsc_ref, uint64_t tsc_hz, int64_t& ns) {
    uint64_t before = __rdtsc();
    if (!host_ns(clock, ns)) return false;
    uint64_t after = __rdtsc();
    uint64_t mid = before + (after - before) / 2;
    int64_t ticks = static_cast<int64_t>(mid - tsc_ref);  // usually small and positive
    ns -= static_cast<int64_t>(static_cast<__int128>(ticks) * static_cast<int64_t>(kNsPerSec) /
                               static_cast<int64_t>(tsc_hz));
    return true;
}

uint32_t host_res(clockid_t clock) {
    struct timespec ts {};
    if (clock_getres(clock, &ts) != 0 || ts.tv_sec != 0 || ts.tv_nsec <= 0) return 0;
    return static_cast<uint32_t>(ts.tv_nsec);
}

void set_clock(VvarClock& c, int64_t ns, uint32_t mode, uint32_t res) {
    c = VvarClock{};
    if (ns < 0 || res == 0) return;  // not representable: leave mode None (system call)
    c.sec = static_cast<uint64_t>(ns) / kNsPerSec;
    c.nsec = static_cast<uint32_t>(static_cast<uint64_t>(ns) % kNsPerSec);
    c.mode = mode;
    c.res_nsec = res;
}

}  // namespace

bool vvar_read(const VvarData& v, uint32_t clock, uint64_t tsc, int64_t& sec, uint32_t& nsec) {
    if (clock >= kVvarClockCount) return false;
    const VvarClock& c = v.clocks[clock];
    if (c.mode == kVvarModeNone) return false;
    // Mirrors the guest code: sub/sbb, clamp a negative delta to 0, 96-bit product, shrd.
    uint64_t delta = tsc - v.tsc_ref;
    if (static_cast<int64_t>(delta) < 0) delta = 0;
    unsigned __int128 product = static_cast<unsigned __int128>(delta) * v.tsc_mult;
    uint64_t ns = static_cast<uint64_t>(product >> (v.tsc_shift & 31));
    ns += c.nsec;
    uint64_t s = c.sec + ns / kNsPerSec;
    uint32_t n = static_cast<uint32_t>(ns % kNsPerSec);
    if (c.mode == kVvarModeCoarse && c.res_nsec != 0) n -= n % c.res_nsec;
    sec = static_cast<int64_t>(s);
    nsec = n;
    return true;
}

void vvar_fill(VvarData& v, uint64_t host_tsc_now, uint64_t tsc_hz) {
    // What the guest would read right now with the current contents, to avoid stepping back.
    int64_t old_mono_ns = -1;
    uint64_t old_tsc_ref = v.tsc_ref;
    {
        int64_t s = 0;
        uint32_t n = 0;
        if (v.layout == kVvarLayoutVersion && v.seq % 2 == 0 && v.tsc_hz == tsc_hz && tsc_hz != 0 &&
            host_tsc_now > v.tsc_ref && vvar_read(v, kClockMonotonic, host_tsc_now, s, n) &&
            v.clocks[kClockMonotonic].mode == kVvarModeTsc)
            old_mono_ns = s * static_cast<int64_t>(kNsPerSec) + n;
    }

    int64_t real = -1, mono = -1, boot = -1;
    bool ok = tsc_hz != 0 && host_ns_at(CLOCK_REALTIME, host_tsc_now, tsc_hz, real) &&
              host_ns_at(CLOCK_MONOTONIC, host_tsc_now, tsc_hz, mono) &&
              host_ns_at(CLOCK_BOOTTIME, host_tsc_now, tsc_hz, boot);
    Scale scale = tsc_hz ? scale_for(tsc_hz) : Scale{};
    if (scale.mult == 0) ok = false;

    // Hold-and-slew: if the old extrapolation is ahead of the host (TSC frequency slightly off),
    // keep the guest's clocks where they are and run the multiplier slower by the error spread
    // over the last period (capped at 0.1%), so the next refresh finds guest and host together.
    int64_t hold = 0;
    if (ok && old_mono_ns >= 0 && old_mono_ns > mono && old_mono_ns - mono < static_cast<int64_t>(kNsPerSec)) {
        hold = old_mono_ns - mono;
        uint64_t period_ns = static_cast<uint64_t>(
            static_cast<unsigned __int128>(host_tsc_now - old_tsc_ref) * kNsPerSec / tsc_hz);
        uint64_t cut = static_cast<uint64_t>(static_cast<unsigned __int128>(scale.mult) *
                                             static_cast<uint64_t>(hold) / std::max<uint64_t>(period_ns, 1));
        scale.mult -= static_cast<uint32_t>(std::min<uint64_t>(cut, scale.mult / 1000));
    }

    uint32_t res_real = host_res(CLOCK_REALTIME), res_mono = host_res(CLOCK_MONOTONIC);
    uint32_t res_boot = host_res(CLOCK_BOOTTIME);
    uint32_t res_real_coarse = host_res(CLOCK_REALTIME_COARSE);
    uint32_t res_mono_coarse = host_res(CLOCK_MONOTONIC_COARSE);

    // Seqlock write side: seq odd while the page is inconsistent.
    std::atomic_ref<uint32_t> seq(v.seq);
    uint32_t writing = seq.load(std::memory_order_relaxed) | 1u;
    seq.store(writing, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);

    v.tsc_mult = scale.mult;
    v.tsc_shift = scale.shift;
    v.layout = kVvarLayoutVersion;
    v.tsc_ref = host_tsc_now;
    v.tsc_hz = tsc_hz;
    for (VvarClock& c : v.clocks) c = VvarClock{};
    std::memset(v.unused, 0, sizeof v.unused);
    if (ok) {
        set_clock(v.clocks[kClockRealtime], real + hold, kVvarModeTsc, res_real);
        set_clock(v.clocks[kClockMonotonic], mono + hold, kVvarModeTsc, res_mono);
        set_clock(v.clocks[kClockBoottime], boot + hold, kVvarModeTsc, res_boot);
        // Coarse clocks ride on their fine clock, truncated to the tick by the reader: monotonic,
        // never ahead of the fine clock, and no staleness if the core refreshes rarely.
        set_clock(v.clocks[kClockRealtimeCoarse], real + hold, kVvarModeCoarse, res_real_coarse);
        set_clock(v.clocks[kClockMonotonicCoarse], mono + hold, kVvarModeCoarse, res_mono_coarse);
    }

    seq.store(writing + 1, std::memory_order_release);
}

uint64_t vvar_host_rdtsc() { return __rdtsc(); }

uint64_t vvar_measure_tsc_hz() {
    auto sample = [](int64_t& ns, uint64_t& tsc) {
        // rdtsc bracketed by two clock reads; keep the tightest of a few tries.
        int64_t best_gap = INT64_MAX;
        for (int i = 0; i < 5; ++i) {
            int64_t a = 0, b = 0;
            host_ns(CLOCK_MONOTONIC_RAW, a);
            uint64_t t = __rdtsc();
            host_ns(CLOCK_MONOTONIC_RAW, b);
            if (b - a < best_gap) {
                best_gap = b - a;
                ns = a + (b - a) / 2;
                tsc = t;
            }
        }
    };
    int64_t ns0 = 0, ns1 = 0;
    uint64_t tsc0 = 0, tsc1 = 0;
    sample(ns0, tsc0);
    struct timespec wait {0, 20 * 1000 * 1000};
    nanosleep(&wait, nullptr);
    sample(ns1, tsc1);
    if (ns1 <= ns0 || tsc1 <= tsc0) return 0;
    return static_cast<uint64_t>(static_cast<unsigned __int128>(tsc1 - tsc0) * kNsPerSec /
                                 static_cast<uint64_t>(ns1 - ns0));
}

}  // namespace gate386
