// Runs the vDSO's time functions natively: a small i386 program (gcc -m32) maps a vvar page
// filled by vvar_fill at 0xffffd000 (free in a 32-bit process on an x86-64 kernel) and the code
// page anywhere (the functions are position-independent apart from the vvar), calls each
// function through a trampoline that checks ebx/esi/edi/ebp survive, and prints what it got next
// to the host's own answers. Skipped if gcc -m32 or the fixed mapping is unavailable.
#include <doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "vdso/vdso_file.h"
#include "vdso/vdso_image.h"
#include "vdso/vvar.h"

using namespace gate386;

namespace {

const char* kHelperSource = R"C(
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

unsigned saved[4];
int call3(void *fn, long a, long b, long c);
/* Sets the callee-saved registers to markers, calls fn(a, b, c) cdecl, records them after. */
__asm__(".text\n.globl call3\ncall3:\n"
        " push %ebp\n push %ebx\n push %esi\n push %edi\n"
        " mov 20(%esp),%eax\n"
        " pushl 32(%esp)\n pushl 32(%esp)\n pushl 32(%esp)\n"
        " mov $0x11111111,%ebx\n mov $0x22222222,%esi\n mov $0x33333333,%edi\n mov $0x44444444,%ebp\n"
        " call *%eax\n add $12,%esp\n"
        " mov %ebx,saved\n mov %esi,saved+4\n mov %edi,saved+8\n mov %ebp,saved+12\n"
        " pop %edi\n pop %esi\n pop %ebx\n pop %ebp\n ret\n");
static int regs_ok(void) {
    return saved[0] == 0x11111111 && saved[1] == 0x22222222 && saved[2] == 0x33333333 && saved[3] == 0x44444444;
}
static long long ns(clockid_t c) { struct timespec t; clock_gettime(c, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }
static void load(const char *path, void *to) {
    int fd = open(path, O_RDONLY);
    if (fd < 0 || read(fd, to, 4096) != 4096) { puts("ERROR load"); exit(2); }
    close(fd);
}
struct ts32 { int32_t sec, nsec; };
struct ts64 { int64_t sec, nsec; };

int main(int argc, char **argv) {
    if (argc != 9) return 2;
    unsigned char *vvar = mmap((void *)0xffffd000, 4096, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (vvar != (void *)0xffffd000) { puts("SKIP cannot map 0xffffd000"); return 77; }
    unsigned char *code = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    load(argv[1], code);
    load(argv[2], vvar);
    mprotect(code, 4096, PROT_READ | PROT_EXEC);
    void *fn[6];
    for (int i = 0; i < 6; i++) fn[i] = code + (strtoul(argv[3 + i], 0, 16) - 0xffffe000u);
    void *gettime = fn[0], *gtod = fn[1], *tm = fn[2], *getres = fn[3], *gettime64 = fn[4], *getcpu = fn[5];

    static const int clocks[] = {0, 1, 5, 6, 7};
    static const int bracket[] = {0, 1, 0, 1, 7};  /* coarse clocks are held against their fine clock */
    for (int k = 0; k < 5; k++) {
        struct ts32 t = {-1, -1};
        long long before = ns(bracket[k]);
        int r = call3(gettime, clocks[k], (long)&t, 0);
        int ok = regs_ok();
        long long after = ns(bracket[k]);
        printf("gettime %d %d %d %lld %lld %lld\n", clocks[k], r, ok, before, t.sec * 1000000000LL + t.nsec, after);
        struct ts64 w; memset(&w, 0xff, sizeof w);
        before = ns(bracket[k]);
        r = call3(gettime64, clocks[k], (long)&w, 0);
        ok = regs_ok();
        after = ns(bracket[k]);
        printf("gettime64 %d %d %d %lld %lld %lld %lld\n", clocks[k], r, ok, before,
               w.sec * 1000000000LL + (int32_t)w.nsec, after, (long long)(w.nsec >> 32));
    }
    /* Clocks the page does not serve go through int $0x80. */
    {
        struct ts32 t = {-1, -1};
        int r = call3(gettime, CLOCK_PROCESS_CPUTIME_ID, (long)&t, 0);
        printf("fallback_cputime %d %d %lld %lld\n", r, regs_ok(), t.sec * 1000000000LL + t.nsec, ns(CLOCK_PROCESS_CPUTIME_ID));
        r = call3(gettime, 100, (long)&t, 0);
        printf("fallback_invalid %d %d\n", r, regs_ok());
        struct ts64 w = {-1, -1};
        r = call3(gettime64, CLOCK_MONOTONIC_RAW, (long)&w, 0);
        long long raw = ns(CLOCK_MONOTONIC_RAW);
        printf("fallback_raw64 %d %d %lld %lld\n", r, regs_ok(), w.sec * 1000000000LL + w.nsec, raw);
        r = call3(gettime, -6, (long)&t, 0);  /* MAKE_PROCESS_CPUCLOCK(0, CPUCLOCK_SCHED) */
        printf("fallback_cpuclock %d %d\n", r, regs_ok());
    }
    {
        struct timeval before, after;
        struct ts32 tv = {-1, -1};
        int32_t tz[2] = {0x5555, 0x5555};
        gettimeofday(&before, 0);
        int r = call3(gtod, (long)&tv, (long)tz, 0);
        int ok = regs_ok();
        gettimeofday(&after, 0);
        printf("gettimeofday %d %d %lld %lld %lld %d %d\n", r, ok, before.tv_sec * 1000000LL + before.tv_usec,
               tv.sec * 1000000LL + tv.nsec, after.tv_sec * 1000000LL + after.tv_usec, tz[0], tz[1]);
        printf("gettimeofday_usec %d\n", tv.nsec);
        r = call3(gtod, 0, 0, 0);
        printf("gettimeofday_null %d %d\n", r, regs_ok());
    }
    {
        int32_t t = -1;
        time_t before = time(0);
        int r = call3(tm, (long)&t, 0, 0);
        int ok = regs_ok();
        time_t after = time(0);
        printf("time %d %d %lld %d %lld\n", r, ok, (long long)before, t, (long long)after);
        r = call3(tm, 0, 0, 0);
        printf("time_null %d %d %lld\n", r, regs_ok(), (long long)time(0));
    }
    static const int res_clocks[] = {0, 1, 5, 6, 7, 2};
    for (int k = 0; k < 6; k++) {
        struct ts32 t = {-1, -1};
        struct timespec native;
        clock_getres(res_clocks[k], &native);
        int r = call3(getres, res_clocks[k], (long)&t, 0);
        printf("getres %d %d %d %d %d %ld\n", res_clocks[k], r, regs_ok(), t.sec, t.nsec, native.tv_nsec);
    }
    printf("getres_null %d %d\n", call3(getres, 1, 0, 0), regs_ok());
    printf("getres_invalid %d %d\n", call3(getres, 100, 0, 0), regs_ok());
    {
        unsigned cpu = 0xffffffff, node = 0xffffffff;
        int r = call3(getcpu, (long)&cpu, (long)&node, 0);
        printf("getcpu %d %d %u %u\n", r, regs_ok(), cpu, node);
        printf("getcpu_null %d %d\n", call3(getcpu, 0, 0, 0), regs_ok());
    }
    {
        long long last = 0, backwards = 0;
        for (int i = 0; i < 20000; i++) {
            struct ts64 w;
            call3(gettime64, CLOCK_MONOTONIC, (long)&w, 0);
            long long v = w.sec * 1000000000LL + w.nsec;
            if (v < last) backwards++;
            last = v;
        }
        printf("monotonic_loop %lld %d\n", backwards, regs_ok());
    }
    /* A clock switched off in the page (mode 0) falls back; so does an unfilled page. */
    {
        uint32_t *mode = (uint32_t *)(vvar + 32 + 32 * 1 + 12);
        *mode = 0;
        struct ts32 t;
        long long before = ns(CLOCK_MONOTONIC);
        int r = call3(gettime, CLOCK_MONOTONIC, (long)&t, 0);
        long long after = ns(CLOCK_MONOTONIC);
        printf("mode_none %d %d %lld %lld %lld\n", r, regs_ok(), before, t.sec * 1000000000LL + t.nsec, after);
        memset(vvar, 0, 4096);
        before = ns(CLOCK_REALTIME);
        struct ts32 tv;
        r = call3(gtod, (long)&tv, 0, 0);
        after = ns(CLOCK_REALTIME);
        printf("unfilled_gtod %d %d %lld %lld %lld\n", r, regs_ok(), before / 1000, tv.sec * 1000000LL + tv.nsec, after / 1000);
        int32_t t2;
        r = call3(tm, (long)&t2, 0, 0);
        printf("unfilled_time %d %d %d %lld\n", r, regs_ok(), t2, (long long)time(0));
    }
    puts("done");
    return 0;
}
)C";

std::string run(const std::string& cmd, int* status = nullptr) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int st = pclose(p);
    if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/gate386-vdso-native-XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        path = tmpl;
    }
    ~TempDir() { run("rm -rf '" + path + "'"); }
};

using Results = std::multimap<std::string, std::vector<long long>>;

Results parse(const std::string& out) {
    Results r;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        std::istringstream ls(line);
        std::string key;
        ls >> key;
        std::vector<long long> values;
        for (long long v; ls >> v;) values.push_back(v);
        r.emplace(key, values);
    }
    return r;
}

std::vector<long long> one(const Results& r, const std::string& key) {
    auto it = r.find(key);
    REQUIRE_MESSAGE(it != r.end(), "no line " << key);
    return it->second;
}

}  // namespace

TEST_CASE("vdso native: the time functions run on this CPU and agree with the host") {
    TempDir dir;
    std::string src = dir.path + "/helper.c", exe = dir.path + "/helper";
    {
        FILE* f = std::fopen(src.c_str(), "w");
        REQUIRE(f);
        std::fputs(kHelperSource, f);
        std::fclose(f);
    }
    int status = 0;
    std::string cc = run("gcc -m32 -O1 -fno-pie -no-pie -o " + exe + " " + src + " 2>&1", &status);
    if (status != 0) {
        MESSAGE("cannot build an i386 helper (gcc -m32): " << cc << " — skipping");
        return;
    }

    VdsoImage img = build_vdso_image(VdsoVariant::Sysenter);
    std::string page = dir.path + "/linux-gate.so", vvar_path = dir.path + "/vvar";
    write_vdso_file(img, page);
    std::string args;
    for (const char* name : {"__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time", "__vdso_clock_getres",
                             "__vdso_clock_gettime64", "__vdso_getcpu"}) {
        const VdsoSymbol* s = find_symbol(img, name);
        REQUIRE(s);
        char hex[16];
        std::snprintf(hex, sizeof hex, " %x", s->address);
        args += hex;
    }
    static uint64_t hz = vvar_measure_tsc_hz();
    REQUIRE(hz > 0);
    {
        auto vvar = std::make_unique<VvarData>();
        std::memset(vvar.get(), 0, sizeof(VvarData));
        vvar_fill(*vvar, vvar_host_rdtsc(), hz);  // just before the run: little to extrapolate
        FILE* f = std::fopen(vvar_path.c_str(), "wb");
        REQUIRE(f);
        CHECK(std::fwrite(vvar.get(), 1, sizeof(VvarData), f) == sizeof(VvarData));
        std::fclose(f);
    }
    std::string out = run(exe + " " + page + " " + vvar_path + args + " 2>&1", &status);
    if (status == 77) {
        MESSAGE("0xffffd000 not mappable here: " << out << " — skipping");
        return;
    }
    CAPTURE(out);
    REQUIRE(status == 0);
    REQUIRE(out.find("done") != std::string::npos);
    Results r = parse(out);

    const long long kSlackNs = 2000000;  // 2 ms of TSC extrapolation error, generously
    int clock_lines = 0;
    for (auto [it, end] = r.equal_range("gettime"); it != end; ++it) {
        const auto& v = it->second;  // clock r ok before vdso after
        REQUIRE(v.size() == 6);
        CAPTURE(v[0]);
        CHECK(v[1] == 0);
        CHECK(v[2] == 1);
        long long tick = (v[0] == 5 || v[0] == 6) ? 4000000 + kSlackNs : 0;  // coarse: up to a tick behind
        CHECK(v[4] >= v[3] - kSlackNs - tick);
        CHECK(v[4] <= v[5] + kSlackNs);
        CHECK(v[4] % 1000000000 >= 0);
        ++clock_lines;
    }
    CHECK(clock_lines == 5);
    clock_lines = 0;
    for (auto [it, end] = r.equal_range("gettime64"); it != end; ++it) {
        const auto& v = it->second;  // clock r ok before vdso after nsec_high
        REQUIRE(v.size() == 7);
        CAPTURE(v[0]);
        CHECK(v[1] == 0);
        CHECK(v[2] == 1);
        long long tick = (v[0] == 5 || v[0] == 6) ? 4000000 + kSlackNs : 0;
        CHECK(v[4] >= v[3] - kSlackNs - tick);
        CHECK(v[4] <= v[5] + kSlackNs);
        CHECK(v[6] == 0);  // the upper half of tv_nsec in __kernel_timespec is zeroed
        ++clock_lines;
    }
    CHECK(clock_lines == 5);

    auto cpu = one(r, "fallback_cputime");
    CHECK(cpu[0] == 0);
    CHECK(cpu[1] == 1);
    CHECK(cpu[2] > 0);
    CHECK(cpu[2] <= cpu[3]);
    auto invalid = one(r, "fallback_invalid");
    CHECK(invalid[0] == -22);  // -EINVAL straight from the system call
    CHECK(invalid[1] == 1);
    auto raw = one(r, "fallback_raw64");
    CHECK(raw[0] == 0);
    CHECK(raw[1] == 1);
    CHECK(raw[2] <= raw[3]);
    CHECK(raw[2] > raw[3] - 1000000000);
    auto cpuclock = one(r, "fallback_cpuclock");
    CHECK(cpuclock[0] == 0);
    CHECK(cpuclock[1] == 1);

    auto gtod = one(r, "gettimeofday");  // r ok before_us vdso_us after_us tz0 tz1
    CHECK(gtod[0] == 0);
    CHECK(gtod[1] == 1);
    CHECK(gtod[3] >= gtod[2] - kSlackNs / 1000);
    CHECK(gtod[3] <= gtod[4] + kSlackNs / 1000);
    CHECK(gtod[5] == 0);
    CHECK(gtod[6] == 0);
    auto usec = one(r, "gettimeofday_usec");
    CHECK(usec[0] >= 0);
    CHECK(usec[0] < 1000000);
    CHECK(one(r, "gettimeofday_null") == std::vector<long long>{0, 1});

    auto t = one(r, "time");  // r ok before t after
    CHECK(t[0] == t[3]);
    CHECK(t[1] == 1);
    CHECK(t[3] >= t[2] - 1);
    CHECK(t[3] <= t[4] + 1);
    auto tn = one(r, "time_null");
    CHECK(std::llabs(tn[0] - tn[2]) <= 1);
    CHECK(tn[1] == 1);

    int res_lines = 0;
    for (auto [it, end] = r.equal_range("getres"); it != end; ++it) {
        const auto& v = it->second;  // clock r ok sec nsec native_nsec
        REQUIRE(v.size() == 6);
        CAPTURE(v[0]);
        CHECK(v[1] == 0);
        CHECK(v[2] == 1);
        CHECK(v[3] == 0);
        CHECK(v[4] == v[5]);
        if (v[0] == 0 || v[0] == 1 || v[0] == 7) CHECK(v[4] == 1);
        if (v[0] == 5 || v[0] == 6) CHECK(v[4] > 1);  // the tick (4 ms at HZ=250)
        ++res_lines;
    }
    CHECK(res_lines == 6);
    CHECK(one(r, "getres_null") == std::vector<long long>{0, 1});
    CHECK(one(r, "getres_invalid") == std::vector<long long>{-22, 1});
    CHECK(one(r, "getcpu") == std::vector<long long>{0, 1, 0, 0});
    CHECK(one(r, "getcpu_null") == std::vector<long long>{0, 1});
    CHECK(one(r, "monotonic_loop") == std::vector<long long>{0, 1});

    auto none = one(r, "mode_none");  // served by the system call, so exactly bracketed
    CHECK(none[0] == 0);
    CHECK(none[1] == 1);
    CHECK(none[3] >= none[2]);
    CHECK(none[3] <= none[4]);
    auto unfilled = one(r, "unfilled_gtod");
    CHECK(unfilled[0] == 0);
    CHECK(unfilled[1] == 1);
    CHECK(unfilled[3] >= unfilled[2]);
    CHECK(unfilled[3] <= unfilled[4]);
    auto unfilled_time = one(r, "unfilled_time");
    CHECK(unfilled_time[0] == unfilled_time[2]);
    CHECK(unfilled_time[1] == 1);
    CHECK(std::llabs(unfilled_time[2] - unfilled_time[3]) <= 1);
}
