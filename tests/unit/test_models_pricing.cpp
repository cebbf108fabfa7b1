// `gate386 compare` prices one recorded run under every model × gate (syscalls/run_pricing.h).
#include <doctest.h>

#include "cpu/cpu_models.h"
#include "syscalls/run_pricing.h"

using namespace gate386;

namespace {

// 1000 getppid through __kernel_vsyscall recorded on the sysenter page, and exit_group raw.
RunRecord getppid_record() {
    RunRecord r;
    r.model = "pentium4";
    r.vdso_variant = GateKind::Sysenter;
    r.instructions = 20000;
    r.classes[static_cast<unsigned>(InsnClass::Alu)] = 3000;      // mov + dec per loop, + the stub's mov
    r.classes[static_cast<unsigned>(InsnClass::Branch)] = 1000;
    r.classes[static_cast<unsigned>(InsnClass::CallRet)] = 2000;  // call + the stub's ret
    r.classes[static_cast<unsigned>(InsnClass::PushPop)] = 6000;  // the stub's pushes and pops
    r.classes[static_cast<unsigned>(InsnClass::Gate)] = 1001;
    r.calls.push_back({64, GateKind::Sysenter, EntryPath::Vdso, false, 1000, 0});
    r.calls.push_back({252, GateKind::Int80, EntryPath::Raw, false, 1, 0});
    return r;
}

GatePrices prices(const char* m) { return make_gate_prices(*find_cpu_model(m)); }

}  // namespace

TEST_CASE("a recorded run is priced per model and gate, swapping the vDSO stub") {
    RunRecord r = getppid_record();
    PricedRun p4s = price_run(r, prices("pentium4"), GateKind::Sysenter);
    REQUIRE(p4s.available);
    CHECK(p4s.calls == 1001);
    CHECK(p4s.per_syscall[64].cycles_per_call() == doctest::Approx(640));
    PricedRun p4i = price_run(r, prices("pentium4"), GateKind::Int80);
    // Through the int80 page: 1760 + the caller's call and the page's ret.
    CHECK(p4i.per_syscall[64].cycles_per_call() == doctest::Approx(1760 + 4 + 4));
    // The int80 page has no pushes and pops: the priced user code lost them.
    CHECK(p4i.user_mc < p4s.user_mc);
    CHECK(p4s.user_mc - p4i.user_mc == 1000 * (6 * 1 + 1 * 1) * kMilliPerCycle);
    PricedRun p3i = price_run(r, prices("pentium3"), GateKind::Int80);
    CHECK(p3i.per_syscall[64].cycles_per_call() == doctest::Approx(330 + 2 + 2));
    // P4 against P3 through int $0x80: ~5x the cycles, ~2.2x the time.
    double rc = p4i.per_syscall[64].cycles_per_call() / p3i.per_syscall[64].cycles_per_call();
    CHECK(rc == doctest::Approx(5.29).epsilon(0.01));
    CHECK(rc * 850 / 2000 == doctest::Approx(2.25).epsilon(0.01));
    // The Pentium Pro has no working SYSENTER.
    PricedRun pps = price_run(r, prices("pentiumpro"), GateKind::Sysenter);
    CHECK_FALSE(pps.available);
    CHECK(price_run(r, prices("pentiumpro"), GateKind::Int80).available);
}

TEST_CASE("a program's own sysenter keeps its gate, and cannot run on a Pentium Pro") {
    RunRecord r;
    r.calls.push_back({20, GateKind::Sysenter, EntryPath::Raw, false, 10, 0});
    PricedRun a = price_run(r, prices("pentium4"), GateKind::Int80);
    REQUIRE(a.available);
    CHECK(a.gate_mc == 10 * prices("pentium4").gate(GateKind::Sysenter, false));
    CHECK_FALSE(price_run(r, prices("pentiumpro"), GateKind::Int80).available);
}

TEST_CASE("run records survive the trip through the pipe") {
    RunRecord r = getppid_record();
    r.calls.push_back({3, GateKind::Int80, EntryPath::Vdso, true, 5, 12345});
    RunRecord back;
    REQUIRE(deserialize_run_record(serialize_run_record(r), back));
    CHECK(back.model == "pentium4");
    CHECK(back.instructions == 20000);
    CHECK(back.total_calls() == 1006);
    CHECK(back.calls.size() == 3);
    CHECK(back.calls[2].iret);
    CHECK(back.calls[2].bytes == 12345);
    CHECK(back.classes[static_cast<unsigned>(InsnClass::PushPop)] == 6000);
    CHECK_FALSE(deserialize_run_record("garbage", back));
    CHECK_FALSE(deserialize_run_record("gate386-run 1\nmodel x\n", back));   // truncated
}

TEST_CASE("compare's default models run from the slowest clock to the fastest") {
    std::vector<std::string> m = default_compare_models();
    REQUIRE(m.size() == 4);
    CHECK(m[0] == "pentiumpro");
    CHECK(m[1] == "athlon");
    CHECK(m[2] == "pentium3");
    CHECK(m[3] == "pentium4");
}
