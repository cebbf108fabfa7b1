// The [vvar] page: layout, vvar_fill from the host clocks, the reference reader vvar_read (the
// same integer math the guest code does), and the hold-and-slew re-anchoring.
#include <doctest.h>

#include <cstddef>
#include <cstring>
#include <ctime>
#include <memory>

#include "vdso/vdso_image.h"
#include "vdso/vvar.h"

using namespace gate386;

namespace {

int64_t host_ns(clockid_t c) {
    timespec ts{};
    clock_gettime(c, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int64_t read_ns(const VvarData& v, uint32_t clock, uint64_t tsc) {
    int64_t s = 0;
    uint32_t n = 0;
    REQUIRE(vvar_read(v, clock, tsc, s, n));
    CHECK(n < 1000000000u);
    return s * 1000000000 + n;
}

std::unique_ptr<VvarData> fresh() {
    auto v = std::make_unique<VvarData>();
    std::memset(v.get(), 0, sizeof(VvarData));
    return v;
}

uint64_t tsc_hz() {
    static uint64_t hz = vvar_measure_tsc_hz();
    return hz;
}

}  // namespace

TEST_CASE("vvar: layout") {
    CHECK(sizeof(VvarData) == 4096);
    CHECK(kVvarBase == 0xffffd000);
    CHECK(kVvarBase + 4096 == kVdsoBase);  // one page below the vDSO
    CHECK(offsetof(VvarData, seq) == 0);
    CHECK(offsetof(VvarData, tsc_mult) == 4);
    CHECK(offsetof(VvarData, tsc_shift) == 8);
    CHECK(offsetof(VvarData, tsc_ref) == 16);
    CHECK(offsetof(VvarData, clocks) == 32);
    CHECK(sizeof(VvarClock) == 32);
    CHECK(offsetof(VvarData, clocks) + kClockBoottime * sizeof(VvarClock) + sizeof(VvarClock) <= 4096);
    CHECK(kVvarClockCount == 8);
}

TEST_CASE("vvar: fill from the host clocks") {
    REQUIRE(tsc_hz() > 0);
    auto v = fresh();
    int64_t mono_before = host_ns(CLOCK_MONOTONIC);
    uint64_t tsc = vvar_host_rdtsc();
    vvar_fill(*v, tsc, tsc_hz());
    int64_t mono_after = host_ns(CLOCK_MONOTONIC);

    CHECK(v->seq % 2 == 0);
    CHECK(v->seq != 0);
    CHECK(v->layout == kVvarLayoutVersion);
    CHECK(v->tsc_ref == tsc);
    CHECK(v->tsc_hz == tsc_hz());
    CHECK(v->tsc_shift <= 31);
    CHECK(v->tsc_mult != 0);
    // mult / 2^shift is nanoseconds per tick.
    double ns_per_tick = static_cast<double>(v->tsc_mult) / static_cast<double>(1ull << v->tsc_shift);
    CHECK(ns_per_tick * static_cast<double>(tsc_hz()) == doctest::Approx(1e9).epsilon(1e-6));

    CHECK(v->clocks[kClockRealtime].mode == kVvarModeTsc);
    CHECK(v->clocks[kClockMonotonic].mode == kVvarModeTsc);
    CHECK(v->clocks[kClockBoottime].mode == kVvarModeTsc);
    CHECK(v->clocks[kClockRealtimeCoarse].mode == kVvarModeCoarse);
    CHECK(v->clocks[kClockMonotonicCoarse].mode == kVvarModeCoarse);
    CHECK(v->clocks[kClockProcessCputime].mode == kVvarModeNone);
    CHECK(v->clocks[kClockThreadCputime].mode == kVvarModeNone);
    CHECK(v->clocks[kClockMonotonicRaw].mode == kVvarModeNone);

    timespec res{};
    clock_getres(CLOCK_MONOTONIC, &res);
    CHECK(v->clocks[kClockMonotonic].res_nsec == res.tv_nsec);
    CHECK(v->clocks[kClockMonotonic].res_nsec == 1);
    clock_getres(CLOCK_MONOTONIC_COARSE, &res);
    CHECK(v->clocks[kClockMonotonicCoarse].res_nsec == res.tv_nsec);
    CHECK(v->clocks[kClockRealtimeCoarse].res_nsec == res.tv_nsec);

    // The monotonic base is the host's clock at TSC `tsc` (moved back from the read inside
    // vvar_fill by the ticks in between): between the two reads around the rdtsc.
    int64_t base = static_cast<int64_t>(v->clocks[kClockMonotonic].sec) * 1000000000 + v->clocks[kClockMonotonic].nsec;
    CHECK(base >= mono_before - 1000);  // 1 µs: rounding and the TSC calibration error
    CHECK(base <= mono_after);
    CHECK(v->clocks[kClockMonotonic].nsec < 1000000000u);
    int64_t real_base = static_cast<int64_t>(v->clocks[kClockRealtime].sec) * 1000000000 + v->clocks[kClockRealtime].nsec;
    CHECK(std::llabs(real_base - host_ns(CLOCK_REALTIME)) < 50000000);
    for (uint8_t b : v->unused) REQUIRE(b == 0);
}

TEST_CASE("vvar: vvar_read extrapolates with the TSC") {
    auto v = fresh();
    uint64_t tsc = vvar_host_rdtsc();
    vvar_fill(*v, tsc, tsc_hz());
    int64_t base = read_ns(*v, kClockMonotonic, tsc);
    CHECK(base == static_cast<int64_t>(v->clocks[kClockMonotonic].sec) * 1000000000 + v->clocks[kClockMonotonic].nsec);
    // One second of ticks later, one second later (to the precision of the multiplier).
    CHECK(std::llabs(read_ns(*v, kClockMonotonic, tsc + tsc_hz()) - base - 1000000000) < 1000);
    // Ten minutes: the 96-bit product does not overflow.
    CHECK(std::llabs(read_ns(*v, kClockMonotonic, tsc + 600 * tsc_hz()) - base - 600000000000) < 600000);
    // A TSC behind the reference clamps to the base.
    CHECK(read_ns(*v, kClockMonotonic, tsc - 1000) == base);
    // Coarse clocks are the fine ones rounded down to the tick.
    uint32_t res = v->clocks[kClockMonotonicCoarse].res_nsec;
    REQUIRE(res > 1);
    for (uint64_t dt : {uint64_t{0}, uint64_t{12345}, tsc_hz() / 7, tsc_hz() * 3 + 99}) {
        int64_t fine = read_ns(*v, kClockMonotonic, tsc + dt);
        int64_t coarse = read_ns(*v, kClockMonotonicCoarse, tsc + dt);
        CHECK(coarse <= fine);
        CHECK(fine - coarse < res);
        CHECK(coarse % 1000000000 % res == 0);
    }
    // Not served: the vDSO makes the system call.
    int64_t s;
    uint32_t n;
    CHECK_FALSE(vvar_read(*v, kClockProcessCputime, tsc, s, n));
    CHECK_FALSE(vvar_read(*v, kClockMonotonicRaw, tsc, s, n));
    CHECK_FALSE(vvar_read(*v, 8, tsc, s, n));
    CHECK_FALSE(vvar_read(*v, 0xfffffffa, tsc, s, n));
}

TEST_CASE("vvar: the extrapolation tracks clock_gettime") {
    auto v = fresh();
    vvar_fill(*v, vvar_host_rdtsc(), tsc_hz());
    timespec pause{0, 30 * 1000 * 1000};
    nanosleep(&pause, nullptr);
    for (auto [guest, host] : {std::pair{kClockMonotonic, CLOCK_MONOTONIC}, std::pair{kClockRealtime, CLOCK_REALTIME},
                               std::pair{kClockBoottime, CLOCK_BOOTTIME}}) {
        CAPTURE(guest);
        int64_t before = host_ns(host);
        int64_t mine = read_ns(*v, guest, vvar_host_rdtsc());
        int64_t after = host_ns(host);
        CHECK(mine >= before - 200000);  // 0.2 ms: TSC calibration error over 30 ms, generously
        CHECK(mine <= after + 200000);
    }
}

TEST_CASE("vvar: refresh never steps back (hold and slew)") {
    auto v = fresh();
    const uint64_t hz = tsc_hz();
    uint64_t t0 = vvar_host_rdtsc();
    vvar_fill(*v, t0, hz);
    uint32_t nominal = v->tsc_mult;
    timespec pause{0, 20 * 1000 * 1000};
    nanosleep(&pause, nullptr);

    // Pretend the old anchoring was off by 1 ms, the way a slightly wrong TSC frequency leaves it
    // after a while: shift every base of the current page.
    auto shift_bases = [&](int64_t delta_ns) {
        for (VvarClock& c : v->clocks) {
            if (c.mode == kVvarModeNone) continue;
            int64_t ns = static_cast<int64_t>(c.sec) * 1000000000 + c.nsec + delta_ns;
            c.sec = static_cast<uint64_t>(ns / 1000000000);
            c.nsec = static_cast<uint32_t>(ns % 1000000000);
        }
    };
    SUBCASE("guest ahead: hold the value, slow the multiplier") {
        shift_bases(1000000);
        uint64_t t1 = vvar_host_rdtsc();
        int64_t old_value = read_ns(*v, kClockMonotonic, t1);
        int64_t old_real = read_ns(*v, kClockRealtime, t1);
        int64_t host = host_ns(CLOCK_MONOTONIC);
        CHECK(old_value > host);  // the premise: the guest is ahead
        vvar_fill(*v, t1, hz);
        CHECK(read_ns(*v, kClockMonotonic, t1) >= old_value);
        CHECK(read_ns(*v, kClockMonotonic, t1) <= old_value + 2000);
        CHECK(read_ns(*v, kClockRealtime, t1) >= old_real - 20000);  // the same offset for every clock
        CHECK(v->tsc_mult < nominal);
        CHECK(v->tsc_mult >= nominal - nominal / 1000);  // at most 0.1 % slower
        CHECK(v->seq % 2 == 0);
        // A second later, the slowed clock has converged back towards the host (within the hold).
        CHECK(read_ns(*v, kClockMonotonic, t1 + hz) - (host + 1000000000) < 1000000 - 900000);
    }
    SUBCASE("guest behind: step forward to the host") {
        shift_bases(-1000000);
        int64_t before = host_ns(CLOCK_MONOTONIC);
        uint64_t t1 = vvar_host_rdtsc();
        int64_t old_value = read_ns(*v, kClockMonotonic, t1);
        vvar_fill(*v, t1, hz);
        int64_t after = host_ns(CLOCK_MONOTONIC);
        int64_t now = read_ns(*v, kClockMonotonic, t1);
        CHECK(now >= old_value);
        CHECK(now >= before - 1000);
        CHECK(now <= after + 1000);
        CHECK(v->tsc_mult == nominal);
    }
    SUBCASE("a different frequency starts over") {
        vvar_fill(*v, vvar_host_rdtsc(), hz * 2);
        CHECK(v->tsc_hz == hz * 2);
        CHECK(v->tsc_mult > 0);
    }
}

TEST_CASE("vvar: odd sequence, zero frequency, and odd TSC rates") {
    auto v = fresh();
    v->seq = 7;  // garbage, odd
    vvar_fill(*v, 1000, 0);
    CHECK(v->seq % 2 == 0);
    for (const VvarClock& c : v->clocks) CHECK(c.mode == kVvarModeNone);

    for (uint64_t hz : {10000000ull, 100000000ull, 1000000000ull, 2400000000ull, 3000000000ull, 5000000000ull}) {
        CAPTURE(hz);
        auto w = fresh();
        uint64_t t = vvar_host_rdtsc();
        vvar_fill(*w, t, hz);
        CHECK(w->tsc_shift <= 31);
        double ns_per_tick = static_cast<double>(w->tsc_mult) / static_cast<double>(1ull << w->tsc_shift);
        CHECK(ns_per_tick * static_cast<double>(hz) == doctest::Approx(1e9).epsilon(1e-6));
        CHECK(std::llabs(read_ns(*w, kClockMonotonic, t + hz) - read_ns(*w, kClockMonotonic, t) - 1000000000) < 2000);
    }
}
