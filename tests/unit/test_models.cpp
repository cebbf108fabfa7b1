// CPU model files (cpu/models/*.toml): every built-in file parses, every number has a class and
// a source, the default split reproduces the anchored totals, CPUID answers as the chips did, and
// the loader rejects what it should.
#include <doctest.h>

#include <cstring>
#include <set>
#include <string>

#include "cpu/cpu_models.h"
#include "syscalls/gate_costs.h"
#include "syscalls/syscall_names.h"

using namespace gate386;

namespace {

double round_trip_int80(const GatePrices& pr) { return double(pr.gate(GateKind::Int80, false) + pr.common) / kMilliPerCycle; }
double round_trip_sysenter(const GatePrices& pr) {
    return double(pr.gate(GateKind::Sysenter, false) + pr.common + pr.vdso_path[1]) / kMilliPerCycle;
}

std::string cpuid_vendor(const CpuIdentity& id) {
    uint32_t r[4];
    cpuid_query(id, 0, r);
    char v[13] = {};
    std::memcpy(v, &r[1], 4);
    std::memcpy(v + 4, &r[3], 4);
    std::memcpy(v + 8, &r[2], 4);
    return v;
}

std::string cpuid_brand(const CpuIdentity& id) {
    std::string s;
    for (uint32_t leaf = 0x80000002u; leaf <= 0x80000004u; leaf++) {
        uint32_t r[4];
        cpuid_query(id, leaf, r);
        s.append(reinterpret_cast<const char*>(r), 16);
    }
    return s.c_str();
}

const char* kMinimal = R"(
name = "toy"
description = "a test model"
mhz = 100
mhz_source = "test"
sep_works = true
[cpuid]
source = "test"
vendor = "GenuineIntel"
max_leaf = 1
max_ext_leaf = 0
brand = ""
leaf1 = { eax = 0x633, ebx = 0, ecx = 0, edx = 0x0183FBFF }
[isa]
x87 = true
cmov = true
cx8 = true
tsc = true
sep = true
mmx = true
fxsr = true
sse = false
sse2 = false
clflush = false
mmxext = false
amd3dnow = false
[gate]
int80_entry = { cycles = 10, class = "E", source = "t" }
int80_exit = { cycles = 10, class = "E", source = "t" }
sysenter_entry = { cycles = 5, class = "E", source = "t" }
sysenter_exit = { cycles = 5, class = "E", source = "t" }
kernel_common = { cycles = 20, class = "E", source = "t" }
[[work]]
name = "default"
cycles = 7
class = "E"
source = "t"
[insn]
alu = { cycles = 1, class = "E", source = "t" }
mem = { cycles = 1, class = "E", source = "t" }
branch = { cycles = 1, class = "E", source = "t" }
call_ret = { cycles = 1, class = "E", source = "t" }
push_pop = { cycles = 1, class = "E", source = "t" }
shift = { cycles = 1, class = "E", source = "t" }
mul = { cycles = 1, class = "E", source = "t" }
div = { cycles = 1, class = "E", source = "t" }
string = { cycles = 1, class = "E", source = "t" }
atomic = { cycles = 1, class = "E", source = "t" }
decimal = { cycles = 1, class = "E", source = "t" }
x87 = { cycles = 1, class = "E", source = "t" }
simd = { cycles = 1, class = "E", source = "t" }
rdtsc = { cycles = 1, class = "E", source = "t" }
cpuid = { cycles = 1, class = "E", source = "t" }
gate = { cycles = 0, class = "E", source = "t" }
other = { cycles = 1, class = "E", source = "t" }
)";

std::string with(const std::string& from, const std::string& to) {
    std::string s = kMinimal;
    size_t at = s.find(from);
    REQUIRE(at != std::string::npos);
    s.replace(at, from.size(), to);
    return s;
}

}  // namespace

TEST_CASE("the built-in models are pentiumpro, pentium3, pentium4 (default) and athlon") {
    CHECK(known_cpu_model_names() == "athlon, pentium3, pentium4, pentiumpro");
    CHECK(default_cpu_model().name == "pentium4");
    CHECK(default_cpu_model().mhz == 2000);
    CHECK(find_cpu_model("pentium3")->mhz == 850);
    CHECK(find_cpu_model("athlon")->mhz == 750);
    CHECK(find_cpu_model("pentiumpro")->mhz == 200);
    CHECK(default_cpu_identity().name == "pentium4");
}

TEST_CASE("every number of every built-in model has a class and a source") {
    std::set<std::string> names;
    for (uint32_t nr = 0; nr < kMaxSyscall; nr++)
        if (const char* n = syscall_name(nr)) names.insert(n);
    for (const CpuModel& m : builtin_cpu_models()) {
        CAPTURE(m.name);
        const CpuCosts& c = m.costs;
        std::vector<const CostEntry*> all = {&m.clock, &c.int80_entry, &c.int80_exit, &c.kernel_common};
        if (m.identity.sep_works) {
            all.push_back(&c.sysenter_entry);
            all.push_back(&c.sysenter_exit);
        } else {
            CHECK_FALSE(c.sysenter_entry.present);
        }
        for (const WorkClass& w : c.work) {
            all.push_back(&w.cost);
            for (const std::string& s : w.syscalls) {
                CAPTURE(s);
                CHECK(names.count(s) == 1);   // a typo would silently price the call as default
            }
        }
        for (const CostEntry& e : c.insn) all.push_back(&e);
        for (const CostEntry* e : all) {
            CHECK(e->present);
            CHECK((e->cls == 'M' || e->cls == 'D' || e->cls == 'E'));
            CHECK(e->source.size() > 3);
        }
        CHECK(c.work[0].name == "default");
    }
}

TEST_CASE("the default split reproduces the anchored round trips (gate-costs.md)") {
    GatePrices p4 = make_gate_prices(*find_cpu_model("pentium4"));
    CHECK(round_trip_int80(p4) == doctest::Approx(1760));      // row 2: ~1761
    CHECK(round_trip_sysenter(p4) == doctest::Approx(640));    // row 1: 641
    GatePrices p3 = make_gate_prices(*find_cpu_model("pentium3"));
    CHECK(round_trip_int80(p3) == doctest::Approx(330));       // rows 6, 10
    CHECK(round_trip_sysenter(p3) == doctest::Approx(205));    // 330 - 124 (row 4)
    GatePrices k7 = make_gate_prices(*find_cpu_model("athlon"));
    CHECK(round_trip_int80(k7) == doctest::Approx(299.2).epsilon(0.01));   // row 5
    CHECK(round_trip_sysenter(k7) == doctest::Approx(187.9).epsilon(0.01));
    GatePrices pp = make_gate_prices(*find_cpu_model("pentiumpro"));
    CHECK_FALSE(pp.has_sysenter);
    CHECK(round_trip_int80(pp) == doctest::Approx(330));
    // gettimeofday's body is derived from rows 3 and 4.
    CHECK(double(p3.kernel(78, 0)) / kMilliPerCycle == doctest::Approx(120 + 356));
    CHECK(double(p4.kernel(78, 0)) / kMilliPerCycle == doctest::Approx(250 + 655));
    // A sysenter call that leaves through IRET pays the int80 exit.
    CHECK(p4.gate(GateKind::Sysenter, true) == p4.sysenter_entry + p4.int80_exit);
    // Per-byte work of read/write.
    CHECK(p4.kernel(3, 4000) == p4.common + p4.work[p4.work_of[3]] + 1000 * kMilliPerCycle);
}

TEST_CASE("CPUID answers with each model's identity") {
    const CpuIdentity& p3 = find_cpu_model("pentium3")->identity;
    uint32_t r[4];
    CHECK(cpuid_vendor(p3) == "GenuineIntel");
    cpuid_query(p3, 0, r);
    CHECK(r[0] == 3);
    cpuid_query(p3, 1, r);
    CHECK(r[0] == 0x673);
    CHECK((r[3] & kCpuidSep) != 0);
    CHECK((r[3] & kCpuidSse2) == 0);
    cpuid_query(p3, 2, r);
    CHECK(r[0] == 0x03020101);
    CHECK(r[3] == 0x0C040843);

    const CpuIdentity& p4 = find_cpu_model("pentium4")->identity;
    CHECK(cpuid_brand(p4) == "              Intel(R) Pentium(R) 4 CPU 2.00GHz");
    cpuid_query(p4, 1, r);
    CHECK(r[0] == 0xF12);
    cpuid_query(p4, 0x80000000u, r);
    CHECK(r[0] == 0x80000004u);
    // Intel: a leaf above the maximum returns the highest basic leaf (SDM Vol.2A CPUID).
    uint32_t l2[4];
    cpuid_query(p4, 2, l2);
    cpuid_query(p4, 5, r);
    CHECK(r[0] == l2[0]);

    const CpuIdentity& pp = find_cpu_model("pentiumpro")->identity;
    cpuid_query(pp, 1, r);
    CHECK(r[0] == 0x619);
    CHECK((r[3] & kCpuidSep) != 0);   // reported ...
    CHECK_FALSE(pp.sep_works);        // ... but SYSENTER is #UD
    CHECK((r[3] & (kCpuidMmx | kCpuidSse)) == 0);
    cpuid_query(pp, 0x80000000u, r);  // no extended leaves: Intel returns leaf 2's data
    CHECK(r[0] < 0x80000000u);

    const CpuIdentity& k7 = find_cpu_model("athlon")->identity;
    CHECK(cpuid_vendor(k7) == "AuthenticAMD");
    CHECK(cpuid_brand(k7) == "AMD Duron(tm) Processor");
    cpuid_query(k7, 1, r);
    CHECK(r[0] == 0x631);
    cpuid_query(k7, 0x80000001u, r);
    CHECK((r[3] & (1u << 11)) != 0);   // SYSCALL bit as dumped
    cpuid_query(k7, 7, r);             // AMD: zeros above the maximum
    CHECK((r[0] | r[1] | r[2] | r[3]) == 0);
}

TEST_CASE("CPUID and AT_HWCAP hide the families gate386 does not execute yet") {
    uint32_t saved = g_unimplemented_edx_features;
    g_unimplemented_edx_features = kCpuidSse2;
    const CpuIdentity& p4 = find_cpu_model("pentium4")->identity;
    uint32_t r[4];
    cpuid_query(p4, 1, r);
    CHECK((r[3] & kCpuidSse2) == 0);
    CHECK((r[3] & kCpuidSse) != 0);
    CHECK(guest_feature_edx(p4) == r[3]);
    g_unimplemented_edx_features = kCpuidMmx;
    cpuid_query(find_cpu_model("athlon")->identity, 0x80000001u, r);
    CHECK((r[3] & (1u << 31)) == 0);   // no 3DNow! without MMX
    g_unimplemented_edx_features = saved;
}

TEST_CASE("--cpu MODEL,mhz=N and unknown models") {
    CpuModel m;
    std::string err;
    REQUIRE(select_cpu_model("pentium3,mhz=1000", "", m, err));
    CHECK(m.mhz == 1000);
    CHECK(m.identity.mhz == 1000);
    CHECK(m.clock.cls == 'E');
    CHECK_FALSE(select_cpu_model("pentium5", "", m, err));
    CHECK(err == "unknown CPU model 'pentium5' (known: athlon, pentium3, pentium4, pentiumpro)");
    CHECK_FALSE(select_cpu_model("pentium4,ghz=2", "", m, err));
    CHECK(err.find("unknown CPU model option") != std::string::npos);
    CHECK_FALSE(select_cpu_model("pentium4,mhz=0", "", m, err));
    CHECK_FALSE(select_cpu_model("pentium4", "/nonexistent/model.toml", m, err));
    CHECK(err.find("cannot read") != std::string::npos);
}

TEST_CASE("a model file of one's own parses, and mistakes are named") {
    CpuModel m;
    std::string err;
    REQUIRE(parse_cpu_model(kMinimal, "toy.toml", m, err));
    CHECK(m.name == "toy");
    CHECK(m.costs.work.size() == 1);
    CHECK(m.identity.isa == (kIsaX87 | kIsaCmov | kIsaCx8 | kIsaTsc | kIsaSep | kIsaMmx | kIsaFxsr));

    CHECK_FALSE(parse_cpu_model(with("class = \"E\", source = \"t\" }\nint80_exit", "class = \"X\", source = \"t\" }\nint80_exit"), "toy.toml", m, err));
    CHECK(err.find("must be \"M\", \"D\" or \"E\"") != std::string::npos);
    CHECK_FALSE(parse_cpu_model(with("mhz = 100", "mhz = 100\nghz = 1"), "toy.toml", m, err));
    CHECK(err == "toy.toml: unknown key 'ghz' in the model");
    CHECK_FALSE(parse_cpu_model(with("other = { cycles = 1, class = \"E\", source = \"t\" }", ""), "toy.toml", m, err));
    CHECK(err.find("missing cost 'other'") != std::string::npos);
    CHECK_FALSE(parse_cpu_model(with("sep_works = true", "sep_works = false"), "toy.toml", m, err));
    CHECK(err.find("sep") != std::string::npos);
    CHECK_FALSE(parse_cpu_model("name = ", "bad.toml", m, err));
    CHECK(err.rfind("bad.toml:1:", 0) == 0);
}
