// Stack and data-move edge cases from the SDM (cpu/stack.cpp, cpu/data_move.cpp, cpu/control.cpp):
// POP to an ESP-based address, PUSH ESP / POP ESP, 16-bit PUSH/POP of segment registers, ENTER with
// nesting levels in both operand sizes, PUSHA/POPA, LEAVE, XLAT with 0x67 and %fs, LFS, far RET;
// faults in the middle of these leave the registers as they were (faults are precise, SDM Vol.3A
// 6.5).
#include <doctest.h>

#include <csetjmp>
#include <csignal>
#include <cstring>
#include <initializer_list>
#include <sys/mman.h>

#include "cpu/threading.h"
#include "core/guest_memory.h"
#include "cpu/decoder.h"
#include "cpu/exceptions.h"
#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/segments.h"

using namespace gate386;

namespace {

constexpr uint32_t kCode = 0x10000;
constexpr uint32_t kStack = 0x40000;   // two pages; the page below is unmapped
constexpr uint32_t kStackTop = kStack + 0x2000;
constexpr uint32_t kRo = 0x50000;      // a read-only page

struct Machine {
    GuestMemory mem;
    Cpu cpu;
    Machine() {
        REQUIRE(mem.map(kCode, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, true, false, -1, 0) == kCode);
        REQUIRE(mem.map(kStack, 0x2000, PROT_READ | PROT_WRITE, true, false, -1, 0) == kStack);
        REQUIRE(mem.map(kRo, 4096, PROT_READ, true, false, -1, 0) == kRo);
        cpu.m_mem = mem.base();
        cpu.m_regs[kEsp] = kStackTop - 0x100;
    }
    uint32_t rd32(uint32_t a) { uint32_t v; std::memcpy(&v, mem.host(a), 4); return v; }
    uint16_t rd16(uint32_t a) { uint16_t v; std::memcpy(&v, mem.host(a), 2); return v; }
    void wr32(uint32_t a, uint32_t v) { std::memcpy(mem.host(a), &v, 4); }
    void wr16(uint32_t a, uint16_t v) { std::memcpy(mem.host(a), &v, 2); }
};

Machine* g_machine = nullptr;
void on_segv(int sig, siginfo_t* si, void*) {
    Machine* m = g_machine;
    if (m && m->mem.contains_host(si->si_addr)) {
        auto off = uint32_t(static_cast<uint8_t*>(si->si_addr) - m->mem.base());
        raise_fault(m->cpu, sig, SEGV_MAPERR, off);
    }
    signal(sig, SIG_DFL);
}

// Decodes `code` at kCode and runs its records up to the end of `code`; false when it faulted.
bool run(Machine& m, std::initializer_list<uint8_t> code) {
    std::memcpy(m.mem.host(kCode), code.begin(), code.size());
    DecodeFailure fail;
    DecodedBlock* b = decode_block(m.mem, kCode, fail);
    REQUIRE(b != nullptr);
    struct sigaction sa {}, old {};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old);
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
    sigaction(SIGSEGV, &old, nullptr);
    free_block(b);
    return ok;
}

Handler first_handler(Machine& m, std::initializer_list<uint8_t> code) {
    std::memcpy(m.mem.host(kCode), code.begin(), code.size());
    DecodeFailure fail;
    DecodedBlock* b = decode_block(m.mem, kCode, fail);
    REQUIRE(b != nullptr);
    Handler h = unthreaded(b->insns[0].fn);
    free_block(b);
    return h;
}

}  // namespace

TEST_CASE("push %esp pushes the old value; pop %esp loads the popped value") {
    Machine m;
    uint32_t sp = m.cpu.m_regs[kEsp];
    REQUIRE(run(m, {0x54}));   // push %esp
    CHECK(m.cpu.m_regs[kEsp] == sp - 4);
    CHECK(m.rd32(sp - 4) == sp);
    m.wr32(sp - 4, 0x41424);
    REQUIRE(run(m, {0x5c}));   // pop %esp
    CHECK(m.cpu.m_regs[kEsp] == 0x41424);
    m.cpu.m_regs[kEsp] = sp;
    REQUIRE(run(m, {0x66, 0x54}));   // push %sp
    CHECK(m.cpu.m_regs[kEsp] == sp - 2);
    CHECK(m.rd16(sp - 2) == uint16_t(sp));
}

TEST_CASE("pop to an ESP-based address uses the incremented ESP; a faulting store keeps ESP") {
    Machine m;
    uint32_t sp = m.cpu.m_regs[kEsp];
    m.wr32(sp, 0xabcd);
    m.wr32(sp + 4, 0);
    m.wr32(sp + 8, 0);
    REQUIRE(run(m, {0x8f, 0x44, 0x24, 0x04}));   // popl 4(%esp)
    CHECK(m.cpu.m_regs[kEsp] == sp + 4);
    CHECK(m.rd32(sp + 8) == 0xabcd);
    CHECK(m.rd32(sp + 4) == 0);

    m.cpu.m_regs[kEsp] = sp;
    m.cpu.m_regs[kEbx] = kRo;
    CHECK_FALSE(run(m, {0x8f, 0x03}));           // popl (%ebx): the store faults
    CHECK(m.cpu.m_fault.addr == kRo);
    CHECK(m.cpu.m_regs[kEsp] == sp);
    CHECK_FALSE(run(m, {0x66, 0x8f, 0x03}));     // popw (%ebx)
    CHECK(m.cpu.m_regs[kEsp] == sp);
}

TEST_CASE("16-bit push/pop of segment registers move ESP by 2; 32-bit by 4") {
    Machine m;
    m.cpu.m_tls[0] = TlsDescriptor{0x12340000, 0xfffff, true, 0};
    uint32_t sp = m.cpu.m_regs[kEsp];
    m.wr16(sp - 2, 0x33);   // GDT entry 6, RPL 3
    m.cpu.m_regs[kEsp] = sp - 2;
    REQUIRE(run(m, {0x66, 0x0f, 0xa1}));   // popw %fs
    CHECK(m.cpu.m_regs[kEsp] == sp);
    CHECK(m.cpu.m_seg_sel[kFs] == 0x33);
    CHECK(m.cpu.m_seg_base[kSegFs] == 0x12340000u);
    REQUIRE(run(m, {0x66, 0x06}));         // pushw %es
    CHECK(m.cpu.m_regs[kEsp] == sp - 2);
    CHECK(m.rd16(sp - 2) == 0x7b);
    REQUIRE(run(m, {0x66, 0x07}));         // popw %es
    CHECK(m.cpu.m_regs[kEsp] == sp);
    m.wr32(sp, 0xffff007b);
    REQUIRE(run(m, {0x1f}));               // popl %ds: the low 16 bits are the selector
    CHECK(m.cpu.m_regs[kEsp] == sp + 4);
    // A bad selector faults (#GP → SIGSEGV) with ESP untouched.
    m.cpu.m_regs[kEsp] = sp;
    m.wr16(sp, 0x1234);
    CHECK_FALSE(run(m, {0x66, 0x07}));
    CHECK(m.cpu.m_fault.signo == SIGSEGV);
    CHECK(m.cpu.m_regs[kEsp] == sp);
}

TEST_CASE("enter with nesting levels, 32- and 16-bit operand size") {
    Machine m;
    uint32_t sp = m.cpu.m_regs[kEsp];
    uint32_t fp = sp + 0x40;   // the caller's frame with two display entries below it
    m.wr32(fp - 4, 0x44444444);
    m.wr32(fp - 8, 0x33333333);
    m.cpu.m_regs[kEbp] = fp;
    REQUIRE(run(m, {0xc8, 0x10, 0x00, 0x03}));   // enter $16, $3
    uint32_t frame = sp - 4;
    CHECK(m.cpu.m_regs[kEbp] == frame);
    CHECK(m.rd32(sp - 4) == fp);            // saved EBP
    CHECK(m.rd32(sp - 8) == 0x44444444);    // display: [fp-4], [fp-8]
    CHECK(m.rd32(sp - 12) == 0x33333333);
    CHECK(m.rd32(sp - 16) == frame);        // then the new frame pointer
    CHECK(m.cpu.m_regs[kEsp] == sp - 16 - 16);
    REQUIRE(run(m, {0xc9}));                // leave
    CHECK(m.cpu.m_regs[kEsp] == sp);
    CHECK(m.cpu.m_regs[kEbp] == fp);

    // enter $8, $2 with a 16-bit operand size: words, but EBP is the whole ESP.
    m.wr16(fp - 2, 0x2222);
    m.cpu.m_regs[kEbp] = fp;
    REQUIRE(run(m, {0x66, 0xc8, 0x08, 0x00, 0x02}));
    CHECK(m.rd16(sp - 2) == uint16_t(fp));
    CHECK(m.rd16(sp - 4) == 0x2222);
    CHECK(m.rd16(sp - 6) == uint16_t(sp - 2));
    CHECK(m.cpu.m_regs[kEbp] == sp - 2);
    CHECK(m.cpu.m_regs[kEsp] == sp - 6 - 8);
    REQUIRE(run(m, {0x66, 0xc9}));          // leavew: ESP := EBP, pop BP
    CHECK(m.cpu.m_regs[kEsp] == sp);
    CHECK((m.cpu.m_regs[kEbp] & 0xffff) == (fp & 0xffff));
}

TEST_CASE("leave with EBP on an unmapped page faults and keeps ESP") {
    Machine m;
    uint32_t sp = m.cpu.m_regs[kEsp];
    m.cpu.m_regs[kEbp] = kStack - 0x100;
    CHECK_FALSE(run(m, {0xc9}));
    CHECK(m.cpu.m_regs[kEsp] == sp);
    CHECK(m.cpu.m_regs[kEbp] == kStack - 0x100);
}

TEST_CASE("pusha/popa: order, the saved ESP, and a fault part-way changes nothing") {
    Machine m;
    for (unsigned r = 0; r < 8; r++) m.cpu.m_regs[r] = 0x11111111u * (r + 1);
    uint32_t sp = kStackTop - 0x100;
    m.cpu.m_regs[kEsp] = sp;
    REQUIRE(run(m, {0x60}));   // pushal
    CHECK(m.cpu.m_regs[kEsp] == sp - 32);
    for (unsigned r = 0; r < 8; r++)
        CHECK(m.rd32(sp - 4 * (r + 1)) == (r == kEsp ? sp : 0x11111111u * (r + 1)));
    for (unsigned r = 0; r < 8; r++)
        if (r != kEsp) m.cpu.m_regs[r] = 0;
    m.wr32(sp - 20, 0xdeadbeef);   // the saved ESP slot is skipped
    REQUIRE(run(m, {0x61}));   // popal
    CHECK(m.cpu.m_regs[kEsp] == sp);
    for (unsigned r = 0; r < 8; r++)
        if (r != kEsp) CHECK(m.cpu.m_regs[r] == 0x11111111u * (r + 1));

    // 16-bit forms keep the upper halves.
    REQUIRE(run(m, {0x66, 0x60}));
    CHECK(m.cpu.m_regs[kEsp] == sp - 16);
    CHECK(m.rd16(sp - 2) == 0x1111);
    CHECK(m.rd16(sp - 10) == uint16_t(sp));
    m.wr16(sp - 2, 0xaaaa);
    REQUIRE(run(m, {0x66, 0x61}));
    CHECK(m.cpu.m_regs[kEax] == 0x1111aaaau);
    CHECK(m.cpu.m_regs[kEsp] == sp);

    // With ESP 12 bytes above the hole, the fourth push faults: no register changes.
    m.cpu.m_regs[kEsp] = kStack + 12;
    CHECK_FALSE(run(m, {0x60}));
    CHECK(m.cpu.m_regs[kEsp] == kStack + 12);
    // popa reading across the top of the stack mapping faults before writing registers.
    m.cpu.m_regs[kEsp] = kStackTop - 16;
    uint32_t eax = m.cpu.m_regs[kEax];
    CHECK_FALSE(run(m, {0x61}));
    CHECK(m.cpu.m_regs[kEax] == eax);
    CHECK(m.cpu.m_regs[kEsp] == kStackTop - 16);
    CHECK(m.cpu.m_regs[kEdi] == 0x88888888u);
}

TEST_CASE("xlat: %fs override and the 0x67 form with BX") {
    Machine m;
    REQUIRE(m.mem.map(0x3000, 0x2000, PROT_READ | PROT_WRITE, true, false, -1, 0) == 0x3000);
    for (unsigned k = 0; k < 256; k++) *m.mem.host(0x3000 + k) = uint8_t(k ^ 0x5a);
    m.cpu.m_regs[kEbx] = 0x3000;
    m.cpu.m_regs[kEax] = 0x12345607;
    REQUIRE(run(m, {0xd7}));
    CHECK(m.cpu.m_regs[kEax] == (0x12345600u | (7 ^ 0x5a)));
    m.cpu.m_seg_base[kSegFs] = 0x3000;
    m.cpu.m_regs[kEbx] = 0x10;
    m.cpu.m_regs[kEax] = 0x3;
    REQUIRE(run(m, {0x64, 0xd7}));    // xlat %fs:(%ebx)
    CHECK((m.cpu.m_regs[kEax] & 0xff) == (0x13 ^ 0x5a));
    m.cpu.m_regs[kEbx] = 0x77773000;  // BX = 0x3000
    m.cpu.m_regs[kEax] = 0x21;
    REQUIRE(run(m, {0x67, 0xd7}));    // xlat (%bx)
    CHECK((m.cpu.m_regs[kEax] & 0xff) == (0x21 ^ 0x5a));
}

TEST_CASE("lfs loads the offset and the selector's base; a bad selector changes nothing") {
    Machine m;
    m.cpu.m_tls[1] = TlsDescriptor{0x00abc000, 0xfffff, true, 0};
    uint32_t p = kStack + 0x100;
    m.wr32(p, 0x44);
    m.wr16(p + 4, (7 << 3) | 3);
    m.cpu.m_regs[kEdx] = p;
    m.cpu.m_regs[kEax] = 0;
    REQUIRE(run(m, {0x0f, 0xb4, 0x02}));   // lfs (%edx), %eax
    CHECK(m.cpu.m_regs[kEax] == 0x44);
    CHECK(m.cpu.m_seg_base[kSegFs] == 0x00abc000u);
    m.wr16(p + 4, 0x1234);
    m.cpu.m_regs[kEax] = 0x99;
    CHECK_FALSE(run(m, {0x0f, 0xb5, 0x02}));   // lgs with a selector the GDT does not hold
    CHECK(m.cpu.m_regs[kEax] == 0x99);
}

TEST_CASE("far ret is refused loudly rather than run as a near ret") {
    Machine m;
    CHECK(bool(first_handler(m, {0xcb}) == &insn_unimplemented));
    CHECK(bool(first_handler(m, {0xca, 0x08, 0x00}) == &insn_unimplemented));
    CHECK_FALSE(bool(first_handler(m, {0xc3}) == &insn_unimplemented));
}
