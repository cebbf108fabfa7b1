// CMPXCHG, CMPXCHG8B and XADD (cpu/atomic.cpp) against the host CPU running the same i386 bytes in
// compatibility mode (test_cpu_oracle.h): register and memory forms, 8/16/32 bits, both outcomes,
// with and without LOCK; plus the fault and #UD behaviour the oracle cannot show.
#include <doctest.h>

#include <csignal>

#include "cpu/threading.h"
#include "test_cpu_oracle.h"

using namespace gate386;
using namespace gate386::cputest;

namespace {

const uint32_t kValues[] = {0,          1,          0x7f,       0x80,       0xff,       0x7fff,
                            0x8000,     0xffff,     0x7fffffff, 0x80000000, 0xffffffff, 0x12345678,
                            0xdeadbeef};

// Writes `v` into general register `reg` as a `bits`-wide operand (8-bit regs 4..7 are AH..BH).
void put(RegState& s, unsigned bits, unsigned reg, uint32_t v) {
    if (bits == 8 && reg >= 4) {
        uint32_t& r = s.r[reg - 4];
        r = (r & ~0xff00u) | ((v & 0xff) << 8);
    } else if (bits == 8) {
        s.r[reg] = (s.r[reg] & ~0xffu) | (v & 0xff);
    } else if (bits == 16) {
        s.r[reg] = (s.r[reg] & ~0xffffu) | (v & 0xffff);
    } else {
        s.r[reg] = v;
    }
}

RegState noise(uint32_t flags) {
    RegState s;
    s.r[kEax] = 0xa5a5a5a5u; s.r[kEcx] = 0x3c3c3c3cu; s.r[kEdx] = 0x5a5a5a5au; s.r[kEbx] = 0x0f0f0f0fu;
    s.r[kEsi] = 0x11111111u; s.r[kEdi] = 0x22222222u; s.r[kEbp] = 0x33333333u;
    s.eflags = flags | 2;
    return s;
}

// 0F op /r with a register destination, or [ebx+8] when rm < 0; 0x66 for 16 bits, LOCK on request.
Bytes enc(uint8_t op8, unsigned bits, unsigned reg, int rm, bool lock = false) {
    Bytes b;
    if (lock) b.push_back(0xf0);
    if (bits == 16) b.push_back(0x66);
    b.push_back(0x0f);
    b.push_back(bits == 8 ? op8 : uint8_t(op8 + 1));
    if (rm >= 0) b.push_back(modrm_rr(reg, unsigned(rm)));
    else { b.push_back(modrm_ebx_d8(reg)); b.push_back(8); }
    return b;
}

// Register pairs (source reg field, destination r/m) per width, chosen to include the accumulator
// on either side and the high-byte registers.
struct Pair { unsigned reg; int rm; };
const Pair kPairs32[] = {{kEcx, kEbx}, {kEdx, kEax}, {kEax, kEsi}, {kEax, kEax}, {kEdi, kEdi}};
const Pair kPairs8[] = {{1, 3}, {4, 3}, {1, 4}, {4, 0}, {0, 4}, {0, 0}, {7, 7}};

// Runs op (0xB0 cmpxchg, 0xC0 xadd) over values × outcomes × input flags for one form.
void sweep(uint8_t op8, unsigned bits, const Pair& p, bool mem, bool lock) {
    Bytes insn = enc(op8, bits, p.reg, mem ? -1 : p.rm, lock);
    Insn rec = decode_ok(insn);
    std::vector<uint8_t> data(kDataSize);
    for (uint32_t k = 0; k < kDataSize; k++) data[k] = uint8_t(k * 29 + 3);
    for (uint32_t a : kValues)
        for (uint32_t d : {a, a ^ 1u, a ^ 0x80000080u, 0x80u, 0xfffffffeu})
            for (uint32_t f : kFlagInputs) {
                RegState s = noise(f);
                if (mem) s.r[kEbx] = kData;
                // Destination first, then the accumulator and the source: when registers coincide
                // the later write wins on both sides alike.
                if (mem) std::memcpy(data.data() + 8, &d, 4);
                else put(s, bits, unsigned(p.rm), d);
                put(s, bits, 0, a);
                if (!(mem && p.reg == kEbx)) put(s, bits, p.reg, a * 3 + 0x1111);   // EBX: the base
                expect_same(insn, rec, s, data.data());
            }
}

// A small emulator-only machine for what the oracle cannot show: faults on read-only pages.
struct Machine {
    GuestMemory mem;
    Cpu cpu;
    static constexpr uint32_t kCode = 0x10000, kRo = 0x30000;
    Machine() {
        REQUIRE(mem.map(kCode, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, true, false, -1, 0) == kCode);
        REQUIRE(mem.map(kRo, 4096, PROT_READ | PROT_WRITE, true, false, -1, 0) == kRo);
        cpu.m_mem = mem.base();
    }
};
Machine* g_machine = nullptr;
void on_segv(int sig, siginfo_t* si, void*) {
    Machine* m = g_machine;
    if (m && m->mem.contains_host(si->si_addr)) {
        auto off = uint32_t(static_cast<uint8_t*>(si->si_addr) - m->mem.base());
        raise_fault(m->cpu, sig, SEGV_ACCERR, off);
    }
    signal(sig, SIG_DFL);
}
bool run_one(Machine& m, const Bytes& code) {
    std::memcpy(m.mem.host(Machine::kCode), code.data(), code.size());
    DecodeFailure fail;
    DecodedBlock* b = decode_block(m.mem, Machine::kCode, fail);
    REQUIRE(b != nullptr);
    struct sigaction sa {}, old {};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old);
    g_machine = &m;
    volatile bool ok = true;
    if (sigsetjmp(m.cpu.m_fault_jmp, 0) == 0) {
        m.cpu.m_cur = &b->insns[0];
        unthreaded(b->insns[0].fn)(m.cpu, b->insns[0]);
    } else {
        ok = false;
    }
    g_machine = nullptr;
    sigaction(SIGSEGV, &old, nullptr);
    free_block(b);
    return ok;
}

}  // namespace

TEST_CASE("cmpxchg: register forms, 8/16/32 bits, both outcomes, flags as CMP") {
    for (const Pair& p : kPairs32) {
        sweep(0xb0, 32, p, false, false);
        sweep(0xb0, 16, p, false, false);
    }
    for (const Pair& p : kPairs8) sweep(0xb0, 8, p, false, false);
}

TEST_CASE("cmpxchg: memory forms with and without LOCK") {
    for (unsigned bits : {8u, 16u, 32u}) {
        for (bool lock : {false, true}) {
            sweep(0xb0, bits, {kEcx, -1}, true, lock);
            sweep(0xb0, bits, {kEax, -1}, true, lock);   // the accumulator is also the source
            if (bits == 8) sweep(0xb0, bits, {4, -1}, true, lock);   // AH
        }
    }
}

TEST_CASE("xadd: register and memory forms, flags as ADD, same register twice") {
    for (const Pair& p : kPairs32) {
        sweep(0xc0, 32, p, false, false);
        sweep(0xc0, 16, p, false, false);
    }
    for (const Pair& p : kPairs8) sweep(0xc0, 8, p, false, false);
    for (unsigned bits : {8u, 16u, 32u})
        for (bool lock : {false, true}) {
            sweep(0xc0, bits, {kEdx, -1}, true, lock);
            sweep(0xc0, bits, {kEbx, -1}, true, lock);   // the base register is the source
        }
}

TEST_CASE("cmpxchg8b: both outcomes, only ZF changes, with and without LOCK") {
    const uint64_t kCases[][3] = {
        // m64, EDX:EAX, ECX:EBX
        {0x1122334455667788ull, 0x1122334455667788ull, 0xcafebabedeadbeefull},
        {0x1122334455667788ull, 0x1122334455667789ull, 0xcafebabedeadbeefull},
        {0x1122334455667788ull, 0x0122334455667788ull, 0x1ull},
        {0, 0, 0xffffffffffffffffull},
        {0xffffffffffffffffull, 0, 0},
        {0x8000000000000000ull, 0x8000000000000000ull, 0x7fffffffffffffffull},
    };
    for (bool lock : {false, true}) {
        // [lock] cmpxchg8b 8(%esi)
        Bytes insn = lock ? Bytes{0xf0, 0x0f, 0xc7, 0x4e, 0x08} : Bytes{0x0f, 0xc7, 0x4e, 0x08};
        Insn rec = decode_ok(insn);
        std::vector<uint8_t> data(kDataSize, 0x77);
        for (const auto& k : kCases)
            for (uint32_t f : kFlagInputs) {
                RegState s = noise(f);
                s.r[kEsi] = kData;
                std::memcpy(data.data() + 8, &k[0], 8);
                s.r[kEax] = uint32_t(k[1]);
                s.r[kEdx] = uint32_t(k[1] >> 32);
                s.r[kEbx] = uint32_t(k[2]);
                s.r[kEcx] = uint32_t(k[2] >> 32);
                expect_same(insn, rec, s, data.data());
            }
    }
}

TEST_CASE("cmpxchg8b with a register operand and LOCK on a register destination are #UD") {
    for (const Bytes& b : {Bytes{0x0f, 0xc7, 0xc8}, Bytes{0xf0, 0x0f, 0xb1, 0xcb}, Bytes{0xf0, 0x0f, 0xc1, 0xcb}}) {
        Insn rec = oracle().emu.decode(b);
        CHECK(bool(rec.fn == &insn_invalid));
    }
}

TEST_CASE("cmpxchg and xadd on a read-only page fault in either outcome, registers untouched") {
    Machine m;
    uint32_t v = 0x12345678;
    std::memcpy(m.mem.host(Machine::kRo), &v, 4);
    REQUIRE(m.mem.protect(Machine::kRo, 4096, PROT_READ) == 0);
    for (uint32_t acc : {0x12345678u, 0x9u}) {   // equal, then unequal: both write the destination
        m.cpu.m_regs[kEax] = acc;
        m.cpu.m_regs[kEcx] = 0xcafe;
        m.cpu.m_regs[kEbx] = Machine::kRo;
        CHECK_FALSE(run_one(m, {0x0f, 0xb1, 0x0b}));   // cmpxchg %ecx, (%ebx)
        CHECK(m.cpu.m_fault.addr == Machine::kRo);
        CHECK(m.cpu.m_regs[kEax] == acc);
    }
    m.cpu.m_regs[kEcx] = 5;
    CHECK_FALSE(run_one(m, {0xf0, 0x0f, 0xc1, 0x0b}));   // lock xadd %ecx, (%ebx)
    CHECK(m.cpu.m_regs[kEcx] == 5);
    m.cpu.m_regs[kEsi] = Machine::kRo;
    m.cpu.m_regs[kEax] = 1;
    m.cpu.m_regs[kEdx] = 2;
    CHECK_FALSE(run_one(m, {0x0f, 0xc7, 0x0e}));   // cmpxchg8b (%esi), unequal
    CHECK(m.cpu.m_regs[kEax] == 1);
    CHECK(m.cpu.m_regs[kEdx] == 2);
    uint32_t after;
    std::memcpy(&after, m.mem.host(Machine::kRo), 4);
    CHECK(after == v);
}
