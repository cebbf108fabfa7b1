// String instructions (cpu/string.cpp): real instruction bytes decoded into a block and executed on
// a GuestMemory, checked against the host CPU running the same instruction on a copy of the data.
#include <doctest.h>

#include <csetjmp>
#include <csignal>
#include <cstring>
#include <initializer_list>
#include <sys/mman.h>
#include <vector>

#include "cpu/threading.h"
#include "core/guest_memory.h"
#include "cpu/decoder.h"
#include "cpu/flags.h"
#include "cpu/insn.h"

using namespace gate386;

namespace {

constexpr uint32_t kCode = 0x10000;
constexpr uint32_t kData = 0x20000;      // kDataPages mapped pages, then a hole
constexpr uint32_t kDataPages = 4;
constexpr uint32_t kHole = kData + kDataPages * 4096;

struct Machine {
    GuestMemory mem;
    Cpu cpu;
    Machine() {
        REQUIRE(mem.map(kCode, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, true, false, -1, 0) == kCode);
        REQUIRE(mem.map(kData, kDataPages * 4096, PROT_READ | PROT_WRITE, true, false, -1, 0) == kData);
        cpu.m_mem = mem.base();
    }
    uint8_t* data(uint32_t off = 0) { return mem.host(kData + off); }
};

// The host SIGSEGV handler the run loop would install, reduced to what these tests need: stores to
// write-protected code pages retry, other faults inside the guest window become guest faults.
Machine* g_machine = nullptr;
void on_segv(int sig, siginfo_t* si, void*) {
    Machine* m = g_machine;
    if (m && m->mem.contains_host(si->si_addr)) {
        auto off = uint32_t(static_cast<uint8_t*>(si->si_addr) - m->mem.base());
        if (m->mem.handle_code_write(off)) return;
        raise_fault(m->cpu, sig, SEGV_MAPERR, off);
    }
    signal(sig, SIG_DFL);
}

// Decodes `code` at kCode and executes its records; returns false when a fault was raised.
bool run(Machine& m, std::initializer_list<uint8_t> code) {
    std::memcpy(m.mem.host(kCode), code.begin(), code.size());
    DecodeFailure fail;
    DecodedBlock* b = decode_block(m.mem, kCode, fail);
    REQUIRE(b != nullptr);
    struct sigaction sa {}, old_segv {}, old_bus {};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    g_machine = &m;
    volatile bool ok = true;
    if (sigsetjmp(m.cpu.m_fault_jmp, 0) == 0) {
        for (uint32_t k = 0; k < b->count && b->insns[k].eip < kCode + code.size(); k++) {
            m.cpu.m_cur = &b->insns[k];
            unthreaded(b->insns[k].fn)(m.cpu, b->insns[k]);
        }
    } else {
        ok = false;
    }
    g_machine = nullptr;
    sigaction(SIGSEGV, &old_segv, nullptr);
    sigaction(SIGBUS, &old_bus, nullptr);
    free_block(b);
    return ok;
}

// The host runs the same string instruction with the same register values (pointers translated to a
// host copy of the data area). The red zone is stepped over before pushing the flags.
struct HostRegs {
    uint64_t rsi, rdi, rcx, rax, flags;
};
#define HOST_STRING(name, text)                                                                   \
    void name(HostRegs& r) {                                                                      \
        asm volatile("sub $128, %%rsp\n\tpush %[f]\n\tpopfq\n\t" text                             \
                     "\n\tpushfq\n\tpop %[f]\n\tcld\n\tadd $128, %%rsp"                           \
                     : "+S"(r.rsi), "+D"(r.rdi), "+c"(r.rcx), "+a"(r.rax), [f] "+r"(r.flags)      \
                     :                                                                            \
                     : "cc", "memory");                                                           \
    }
HOST_STRING(host_rep_movsb, "rep movsb")
HOST_STRING(host_repne_movsb, "repne movsb")
HOST_STRING(host_repne_stosd, "repne stosl")
HOST_STRING(host_rep_movsw, "rep movsw")
HOST_STRING(host_rep_movsd, "rep movsl")
HOST_STRING(host_rep_stosb, "rep stosb")
HOST_STRING(host_rep_stosw, "rep stosw")
HOST_STRING(host_rep_stosd, "rep stosl")
HOST_STRING(host_rep_lodsb, "rep lodsb")
HOST_STRING(host_repe_cmpsb, "repe cmpsb")
HOST_STRING(host_repe_cmpsw, "repe cmpsw")
HOST_STRING(host_repne_cmpsd, "repne cmpsl")
HOST_STRING(host_repne_scasb, "repne scasb")
HOST_STRING(host_repe_scasb, "repe scasb")
HOST_STRING(host_repne_scasd, "repne scasl")
HOST_STRING(host_cmpsb, "cmpsb")
HOST_STRING(host_scasw, "scasw")
HOST_STRING(host_movsw, "movsw")
HOST_STRING(host_stosd, "stosl")
HOST_STRING(host_lodsw, "lodsw")

struct Case {
    uint32_t esi, edi, ecx, eax;   // esi/edi as offsets into the data area
    bool df;
    uint32_t flags_in = 0;         // arithmetic flags before the instruction
};

// Runs `code` in the guest and `host` on a copy of the data area; compares everything.
void compare(std::initializer_list<uint8_t> code, void (*host)(HostRegs&), const Case& k,
             const std::vector<uint8_t>& init) {
    Machine m;
    std::memcpy(m.data(), init.data(), init.size());
    std::vector<uint8_t> hbuf(init);
    m.cpu.m_regs[kEsi] = kData + k.esi;
    m.cpu.m_regs[kEdi] = kData + k.edi;
    m.cpu.m_regs[kEcx] = k.ecx;
    m.cpu.m_regs[kEax] = k.eax;
    m.cpu.m_regs[kEbx] = 0x5a5a5a5a;
    set_arith_flags(m.cpu, k.flags_in);
    if (k.df) m.cpu.m_eflags_rest |= kFlagDF;
    REQUIRE(run(m, code));

    HostRegs r{uint64_t(uintptr_t(hbuf.data()) + k.esi), uint64_t(uintptr_t(hbuf.data()) + k.edi),
               k.ecx, k.eax, 0x2 | k.flags_in | (k.df ? kFlagDF : 0)};
    host(r);
    CHECK(m.cpu.m_regs[kEsi] - kData == uint32_t(r.rsi - uintptr_t(hbuf.data())));
    CHECK(m.cpu.m_regs[kEdi] - kData == uint32_t(r.rdi - uintptr_t(hbuf.data())));
    CHECK(m.cpu.m_regs[kEcx] == uint32_t(r.rcx));
    CHECK(m.cpu.m_regs[kEax] == uint32_t(r.rax));
    CHECK(m.cpu.m_regs[kEbx] == 0x5a5a5a5au);
    CHECK(read_arith_flags(m.cpu) == (uint32_t(r.flags) & kArithFlags));
    CHECK(bool(m.cpu.m_eflags_rest & kFlagDF) == k.df);
    CHECK(std::memcmp(m.data(), hbuf.data(), init.size()) == 0);
}

std::vector<uint8_t> pattern(size_t n = kDataPages * 4096) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; i++) v[i] = uint8_t(i * 37 + 11 + (i >> 8));
    return v;
}

}  // namespace

TEST_CASE("rep movs: non-overlapping copies across pages, both directions") {
    auto init = pattern();
    compare({0xf3, 0xa4}, host_rep_movsb, {0x13, 0x2005, 0x1ff3, 0, false}, init);
    compare({0xf3, 0xa5}, host_rep_movsd, {0x100, 0x1103, 1500, 0, false}, init);
    compare({0x66, 0xf3, 0xa5}, host_rep_movsw, {0x7ff, 0x2000, 1900, 0, false}, init);
    compare({0xf3, 0xa4}, host_rep_movsb, {0x1ff3, 0x3ff0, 0x1ff0, 0, true}, init);
    compare({0xf3, 0xa5}, host_rep_movsd, {0x1ffd, 0x3f01, 2000, 0, true}, init);
    compare({0x66, 0xf3, 0xa5}, host_rep_movsw, {0x3000, 0x1800, 1000, 0, true}, init);
    // F2 on MOVS/STOS repeats like F3: the count is the only condition.
    compare({0xf2, 0xa4}, host_repne_movsb, {0x13, 0x2005, 0x1ff3, 0, false, kFlagZF}, init);
    compare({0xf2, 0xab}, host_repne_stosd, {0, 0x1005, 0x333, 0x01020304, false}, init);
}

TEST_CASE("rep movs: overlapping ranges follow the element order, not memmove") {
    auto init = pattern();
    // Forward with dst = src+1 smears one byte; +3 repeats a 3-byte pattern, across a page.
    compare({0xf3, 0xa4}, host_rep_movsb, {0x100, 0x101, 20, 0, false}, init);
    compare({0xf3, 0xa4}, host_rep_movsb, {0xf00, 0xf03, 0x1500, 0, false}, init);
    // Forward with dst below src is a plain shift.
    compare({0xf3, 0xa4}, host_rep_movsb, {0x101, 0x100, 0x1800, 0, false}, init);
    // Dwords overlapping by 2 bytes, words by 1, forward and backward.
    compare({0xf3, 0xa5}, host_rep_movsd, {0x100, 0x102, 6, 0, false}, init);
    compare({0xf3, 0xa5}, host_rep_movsd, {0x800, 0x805, 900, 0, false}, init);
    compare({0x66, 0xf3, 0xa5}, host_rep_movsw, {0x8c, 0x8b, 9, 0, true}, init);
    // Backward with dst = src+1 behaves like memmove; dst = src-1 smears.
    compare({0xf3, 0xa4}, host_rep_movsb, {0x77, 0x78, 20, 0, true}, init);
    compare({0xf3, 0xa4}, host_rep_movsb, {0x2100, 0x20ff, 0x1200, 0, true}, init);
    compare({0xf3, 0xa5}, host_rep_movsd, {0x2100, 0x20fd, 0x300, 0, true}, init);
    // Same source and destination.
    compare({0xf3, 0xa5}, host_rep_movsd, {0x400, 0x400, 0x300, 0, false}, init);
}

TEST_CASE("rep with a zero count does nothing and keeps the flags") {
    auto init = pattern(8192);
    compare({0xf3, 0xa4}, host_rep_movsb, {0x10, 0x20, 0, 0, false, kFlagCF | kFlagZF}, init);
    compare({0xf3, 0xab}, host_rep_stosd, {0x10, 0x20, 0, 0x11223344, true, kFlagOF}, init);
    compare({0xf3, 0xa6}, host_repe_cmpsb, {0x10, 0x20, 0, 0, false, kFlagSF | kFlagAF}, init);
    compare({0xf2, 0xae}, host_repne_scasb, {0x10, 0x20, 0, 0, false, kFlagPF | kFlagCF}, init);
}

TEST_CASE("rep stos: uniform and non-uniform values, all widths, both directions") {
    auto init = pattern();
    compare({0xf3, 0xaa}, host_rep_stosb, {0, 0x123, 0x2345, 0xdeadbe77, false}, init);
    compare({0x66, 0xf3, 0xab}, host_rep_stosw, {0, 0x3, 0x1801, 0x1234abcd, false}, init);
    compare({0x66, 0xf3, 0xab}, host_rep_stosw, {0, 0x3ffe, 0x1801, 0x00004545, true}, init);
    compare({0xf3, 0xab}, host_rep_stosd, {0, 0x1002, 0x700, 0x11223344, false}, init);
    compare({0xf3, 0xab}, host_rep_stosd, {0, 0x3001, 0x900, 0, true}, init);
    compare({0xf3, 0xaa}, host_rep_stosb, {0, 0x3fff, 0x3fff, 0x5a, true}, init);
}

TEST_CASE("single-step forms and rep lods") {
    auto init = pattern(8192);
    compare({0xa6}, host_cmpsb, {0x10, 0x30, 7, 0, false}, init);
    compare({0x66, 0xaf}, host_scasw, {0, 0x40, 7, 0xffff1234, true}, init);
    compare({0x66, 0xa5}, host_movsw, {0x10, 0x30, 7, 0, true}, init);
    compare({0xab}, host_stosd, {0, 0x31, 7, 0xcafef00d, false}, init);
    compare({0x66, 0xad}, host_lodsw, {0x77, 0, 7, 0xdeadbeef, true}, init);
    compare({0xf3, 0xac}, host_rep_lodsb, {0x77, 0, 33, 0xdeadbeef, false}, init);
}

TEST_CASE("repe cmps stops at the first difference; repne cmps at the first match") {
    auto init = pattern();
    std::memcpy(init.data() + 0x2000, init.data() + 0x100, 0x1800);
    init[0x2000 + 0x1234] ^= 0x80;   // first difference in the second source page
    compare({0xf3, 0xa6}, host_repe_cmpsb, {0x100, 0x2000, 0x1800, 0, false}, init);
    compare({0xf3, 0xa6}, host_repe_cmpsb, {0x100, 0x2000, 0x1000, 0, false}, init);  // runs out
    compare({0x66, 0xf3, 0xa7}, host_repe_cmpsw, {0x101, 0x2001, 0xc00, 0, false}, init);
    compare({0xf3, 0xa6}, host_repe_cmpsb, {0x1400, 0x3300, 0x1000, 0, true}, init);
    compare({0xf2, 0xa7}, host_repne_cmpsd, {0x100, 0x2000, 10, 0, false}, init);   // equal at once
    compare({0xf2, 0xa7}, host_repne_cmpsd, {0x104, 0x2000, 100, 0, false}, init);  // never equal
    std::memcpy(init.data() + 0x2000 + 80, init.data() + 0x104 + 80, 4);             // plant a match
    compare({0xf2, 0xa7}, host_repne_cmpsd, {0x104, 0x2000, 100, 0, false}, init);
    compare({0xf2, 0xa7}, host_repne_cmpsd, {0x104 + 396, 0x2000 + 396, 100, 0, true}, init);
}

TEST_CASE("repne scas finds or runs out; repe scas skips a run") {
    auto init = pattern();
    std::memset(init.data() + 0x800, 'a', 0x1400);
    init[0x1a00] = 0;
    compare({0xf2, 0xae}, host_repne_scasb, {0, 0x800, 0x2000, 0, false}, init);    // finds the 0
    compare({0xf2, 0xae}, host_repne_scasb, {0, 0x800, 0x100, 0, false}, init);     // not within count
    compare({0xf3, 0xae}, host_repe_scasb, {0, 0x800, 0x2000, 0xffffff61, false}, init);
    compare({0xf3, 0xae}, host_repe_scasb, {0, 0x1bff, 0x1000, 0x61, true}, init);  // backwards
    compare({0xf2, 0xaf}, host_repne_scasd, {0, 0x801, 0x600, 0x61000061, false}, init);
    uint32_t needle;
    std::memcpy(&needle, init.data() + 0x2f01, 4);
    compare({0xf2, 0xaf}, host_repne_scasd, {0, 0x2001, 0x600, needle, false}, init);
    compare({0xf2, 0xaf}, host_repne_scasd, {0, 0x3001, 0x100, needle, true}, init);
}

TEST_CASE("a 0x67 prefix uses SI, DI and CX and keeps their upper halves") {
    Machine m;
    REQUIRE(m.mem.map(0x4000, 0x2000, PROT_READ | PROT_WRITE, true, false, -1, 0) == 0x4000);
    for (int k = 0; k < 32; k++) *m.mem.host(0x4100 + k) = uint8_t(k + 1);
    m.cpu.m_regs[kEsi] = 0xabcd4100;
    m.cpu.m_regs[kEdi] = 0x12345200;
    m.cpu.m_regs[kEcx] = 0x77770010;
    REQUIRE(run(m, {0x67, 0xf3, 0xa4}));   // rep movsb (%si), (%di) with CX = 16
    CHECK(m.cpu.m_regs[kEsi] == 0xabcd4110);
    CHECK(m.cpu.m_regs[kEdi] == 0x12345210);
    CHECK(m.cpu.m_regs[kEcx] == 0x77770000);
    CHECK(std::memcmp(m.mem.host(0x5200), m.mem.host(0x4100), 16) == 0);
    CHECK(*m.mem.host(0x5210) == 0);

    // SI wraps at 64 KiB instead of carrying into ESI.
    m.cpu.m_regs[kEsi] = 0x0000fffe;
    m.cpu.m_regs[kEdi] = 0x00004000;
    m.cpu.m_regs[kEcx] = 0;
    m.cpu.m_eflags_rest &= ~kFlagDF;
    *m.mem.host(0x4000) = 0x61;
    m.cpu.m_regs[kEax] = 0x61;
    REQUIRE(run(m, {0x67, 0xae}));   // scasb (%di)
    CHECK(m.cpu.m_regs[kEdi] == 0x4001);
    CHECK(flag_zf(m.cpu));
    m.cpu.m_regs[kEdi] = 0x0000ffff;
    REQUIRE(m.mem.map(0xf000, 0x1000, PROT_READ | PROT_WRITE, true, false, -1, 0) == 0xf000);
    REQUIRE(run(m, {0x67, 0xaa}));   // stosb (%di): DI = 0xffff → 0x0000
    CHECK(m.cpu.m_regs[kEdi] == 0);
    CHECK(*m.mem.host(0xffff) == 0x61);
}

TEST_CASE("a %fs or %gs override moves the source, never the ES:EDI destination") {
    Machine m;
    for (int k = 0; k < 16; k++) *m.data(0x1000 + k) = uint8_t(0xa0 + k);
    m.cpu.m_seg_base[kSegFs] = kData + 0x0f00;
    m.cpu.m_seg_base[kSegGs] = kData + 0x0e00;
    m.cpu.m_regs[kEsi] = 0x100;           // fs:0x100 = kData + 0x1000
    m.cpu.m_regs[kEdi] = kData + 0x2000;
    m.cpu.m_regs[kEcx] = 8;
    REQUIRE(run(m, {0x64, 0xf3, 0xa4}));   // rep movsb %fs:(%esi), %es:(%edi)
    CHECK(std::memcmp(m.data(0x2000), m.data(0x1000), 8) == 0);
    CHECK(m.cpu.m_regs[kEsi] == 0x108);
    CHECK(m.cpu.m_regs[kEdi] == kData + 0x2008);
    m.cpu.m_regs[kEsi] = 0x203;           // gs:0x203 = kData + 0x1003
    REQUIRE(run(m, {0x65, 0xad}));         // lodsl %gs:(%esi)
    uint32_t want;
    std::memcpy(&want, m.data(0x1003), 4);
    CHECK(m.cpu.m_regs[kEax] == want);
    // cmpsb compares fs:(%esi) with es:(%edi); the last prefix wins, so 65 64 means %fs.
    m.cpu.m_regs[kEsi] = 0x100;
    m.cpu.m_regs[kEdi] = kData + 0x1000;
    m.cpu.m_regs[kEcx] = 16;
    REQUIRE(run(m, {0x65, 0x64, 0xf3, 0xa6}));
    CHECK(m.cpu.m_regs[kEcx] == 0);
    CHECK(flag_zf(m.cpu));
    // A %ds override is flat again.
    m.cpu.m_regs[kEsi] = kData + 0x1000;
    REQUIRE(run(m, {0x3e, 0xac}));
    CHECK((m.cpu.m_regs[kEax] & 0xff) == 0xa0);
}

TEST_CASE("rep movsd into an unmapped page faults with ECX, ESI, EDI at the faulting iteration") {
    Machine m;
    for (uint32_t k = 0; k < 4096; k++) *m.data(k) = uint8_t(k * 7);
    m.cpu.m_regs[kEsi] = kData + 0x100;
    m.cpu.m_regs[kEdi] = kHole - 0x40;     // 16 dwords fit, the 17th is in the hole
    m.cpu.m_regs[kEcx] = 1000;
    CHECK_FALSE(run(m, {0xf3, 0xa5}));
    CHECK(m.cpu.m_fault.signo == SIGSEGV);
    CHECK(m.cpu.m_fault.addr == kHole);
    CHECK(m.cpu.m_fault.eip == kCode);
    CHECK(m.cpu.m_regs[kEcx] == 1000 - 16);
    CHECK(m.cpu.m_regs[kEsi] == kData + 0x100 + 0x40);
    CHECK(m.cpu.m_regs[kEdi] == kHole);
    CHECK(std::memcmp(m.mem.host(kHole - 0x40), m.data(0x100), 0x40) == 0);

    // A dword straddling into the hole writes nothing.
    std::memset(m.mem.host(kHole - 4), 0xee, 4);
    m.cpu.m_regs[kEsi] = kData;
    m.cpu.m_regs[kEdi] = kHole - 10;
    m.cpu.m_regs[kEcx] = 5;
    CHECK_FALSE(run(m, {0xf3, 0xa5}));
    CHECK(m.cpu.m_regs[kEcx] == 3);
    CHECK(m.cpu.m_regs[kEdi] == kHole - 2);
    CHECK(m.cpu.m_regs[kEsi] == kData + 8);
    CHECK(*m.mem.host(kHole - 2) == 0xee);

    // Backwards, the source runs below the mapped area.
    m.cpu.m_regs[kEsi] = kData + 0x0c;
    m.cpu.m_regs[kEdi] = kData + 0x3000;
    m.cpu.m_regs[kEcx] = 100;
    m.cpu.m_eflags_rest |= kFlagDF;
    CHECK_FALSE(run(m, {0xf3, 0xa4}));
    CHECK(m.cpu.m_fault.addr == kData - 1);
    CHECK(m.cpu.m_regs[kEcx] == 100 - 13);
    CHECK(m.cpu.m_regs[kEsi] == kData - 1);
    CHECK(m.cpu.m_regs[kEdi] == kData + 0x3000 - 13);
}

TEST_CASE("rep stosb and repne scasb fault precisely at the hole") {
    Machine m;
    m.cpu.m_regs[kEdi] = kHole - 0x1801;
    m.cpu.m_regs[kEcx] = 0x10000;
    m.cpu.m_regs[kEax] = 0x33;
    CHECK_FALSE(run(m, {0xf3, 0xaa}));
    CHECK(m.cpu.m_fault.addr == kHole);
    CHECK(m.cpu.m_regs[kEcx] == 0x10000 - 0x1801);
    CHECK(m.cpu.m_regs[kEdi] == kHole);
    CHECK(*m.mem.host(kHole - 1) == 0x33);
    CHECK(*m.mem.host(kHole - 0x1801) == 0x33);

    // Now scan for a byte that is not there: it runs into the hole too.
    m.cpu.m_regs[kEdi] = kHole - 0x1801;
    m.cpu.m_regs[kEcx] = 0x10000;
    m.cpu.m_regs[kEax] = 0x44;
    CHECK_FALSE(run(m, {0xf2, 0xae}));
    CHECK(m.cpu.m_fault.addr == kHole);
    CHECK(m.cpu.m_regs[kEcx] == 0x10000 - 0x1801);
    CHECK(m.cpu.m_regs[kEdi] == kHole);
    CHECK_FALSE(flag_zf(m.cpu));   // the last comparison (0x44 - 0x33) is what the flags show
}

TEST_CASE("rep stos over a write-protected code page retries and completes") {
    Machine m;
    m.mem.protect_code_page(kData + 0x1000);
    m.cpu.m_regs[kEdi] = kData + 0x800;
    m.cpu.m_regs[kEcx] = 0x1000 / 4;
    m.cpu.m_regs[kEax] = 0x01020304;
    REQUIRE(run(m, {0xf3, 0xab}));
    CHECK(m.cpu.m_regs[kEcx] == 0);
    CHECK(m.mem.m_dirty_count == 1);
    uint32_t v;
    std::memcpy(&v, m.data(0x17fc), 4);
    CHECK(v == 0x01020304u);
}

TEST_CASE("the string selectors leave the SSE2 MOVSD form alone") {
    // F2 0F 10 C1 is movsd %xmm1, %xmm0: whatever runs it (an SSE family, or a loud SIGILL when
    // none is registered) must not touch ESI, EDI, ECX or memory as the string MOVSD would.
    Machine m;
    m.cpu.m_regs[kEsi] = kData;
    m.cpu.m_regs[kEdi] = kData + 0x100;
    m.cpu.m_regs[kEcx] = 4;
    *m.data() = 0x77;
    (void)run(m, {0xf2, 0x0f, 0x10, 0xc1});
    CHECK(m.cpu.m_regs[kEsi] == kData);
    CHECK(m.cpu.m_regs[kEdi] == kData + 0x100);
    CHECK(m.cpu.m_regs[kEcx] == 4);
    CHECK(*m.data(0x100) == 0);
}
