// Threaded dispatch and base+displacement twins (cpu/threading.h, cpu/ea_forms.h): a block's records
// but the last jump straight to their successor, a chain run from the first record gives the same
// state as the records run one by one, and single records can always be run on their own.
#include <doctest.h>
#include <csetjmp>
#include <csignal>
#include <cstring>
#include <set>
#include <vector>
#include <sys/mman.h>

#include "core/block_lookup.h"
#include "core/guest_memory.h"
#include "cpu/decoder.h"
#include "cpu/flags.h"
#include "cpu/threading.h"

using namespace gate386;

namespace {

constexpr uint32_t kCode = 0x08048000, kData = 0x08049000;

struct Rig {
    GuestMemory m;
    Cpu c;
    Rig() {
        REQUIRE(m.map(kCode, 0x2000, PROT_READ | PROT_WRITE | PROT_EXEC, true, false, -1, 0) == kCode);
        c.m_mem = m.base();
    }
    DecodedBlock* decode(std::initializer_list<uint8_t> bytes) {
        std::memcpy(m.host(kCode), bytes.begin(), bytes.size());
        DecodeFailure f;
        return decode_block(m, kCode, f);
    }
    void seed() {
        for (unsigned r = 0; r < 8; r++) c.m_regs[r] = 0x1000 * (r + 1) + r;
        c.m_regs[kEsi] = kData;
        for (uint32_t k = 0; k < 64; k++) m.host(kData)[k] = uint8_t(k * 7 + 1);
    }
};

// mov 8(%esi),%eax ; add %eax,%ebx ; mov %ebx,16(%esi) ; rol $3,%ebx ; movzbl 2(%esi,%ecx,1),%edx ;
// xor %edx,%ebx ; jmp .
const std::initializer_list<uint8_t> kProgram = {0x8b, 0x46, 0x08, 0x01, 0xc3, 0x89, 0x5e, 0x10, 0xc1, 0xc3, 0x03,
                                                0x0f, 0xb6, 0x54, 0x0e, 0x02, 0x31, 0xd3, 0xeb, 0xfe};

// Runs block `b` as one chain on `chained` and record by record on `single` (both decoded from
// the same bytes); both must end with the same registers, arithmetic flags and data page.
void compare_chain_with_single(Rig& chained, Rig& single, DecodedBlock* b) {
    chained.c.m_cur = &b->insns[0];
    b->insns[0].fn(chained.c, b->insns[0]);   // runs on through the whole block
    CHECK(bool(chained.c.m_cur == &b->insns[b->count - 1]));
    for (uint32_t k = 0; k < b->count; k++) {
        single.c.m_cur = &b->insns[k];
        unthreaded(b->insns[k].fn)(single.c, b->insns[k]);
    }
    for (unsigned reg = 0; reg < 8; reg++) {
        CAPTURE(reg);
        CHECK(chained.c.m_regs[reg] == single.c.m_regs[reg]);
    }
    CHECK(read_arith_flags(chained.c) == read_arith_flags(single.c));
    CHECK(std::memcmp(chained.m.host(kData), single.m.host(kData), 64) == 0);
}

}  // namespace

TEST_CASE("every record but the block's last has a threaded form; the last has its block-exit form") {
    Rig r;
    DecodedBlock* b = r.decode(kProgram);
    REQUIRE(b);
    REQUIRE(b->count == 7);
    for (uint32_t k = 0; k + 1 < b->count; k++) {
        CAPTURE(k);
        CHECK(bool(unthreaded(b->insns[k].fn) != b->insns[k].fn));
    }
    CHECK(bool(unthreaded(b->insns[6].fn) != b->insns[6].fn));   // jmp: may enter the next block
    free_block(b);
}

TEST_CASE("a chain run from the first record equals the records run one at a time") {
    Rig chained, single;
    DecodedBlock* b = chained.decode(kProgram);
    REQUIRE(b);
    chained.seed();
    single.decode(kProgram);
    single.seed();
    single.c.m_regs[kEcx] = chained.c.m_regs[kEcx] = 3;   // index 3: movzbl reads byte 5
    compare_chain_with_single(chained, single, b);
    CHECK(chained.c.m_eip == kCode + 18);
    // The values themselves: eax = dword at +8, ebx = rol(ebx + eax, 3) ^ byte at +5.
    uint32_t d8;
    std::memcpy(&d8, single.m.host(kData + 8), 4);
    uint32_t ebx = 0x4003 + d8;
    CHECK(single.c.m_regs[kEax] == d8);
    uint32_t stored;
    std::memcpy(&stored, single.m.host(kData + 16), 4);
    CHECK(stored == ebx);
    CHECK(single.c.m_regs[kEbx] == (((ebx << 3) | (ebx >> 29)) ^ uint32_t(5 * 7 + 1)));
    free_block(b);
}

// ---- Quiet threaded forms and fixed-register twins (threading.h, fixed_regs.h) ----

namespace {

// Runs `code` (which ends in `jmp .`) as one chain and record by record; both must agree on the
// registers, the arithmetic flags and the data page. Returns the decoded block's handlers.
// With pointer_origin, register r holds pointer_origin + 4 * r instead of its seeded value, so that
// memory operands on any base (and index) register address the data page.
std::vector<Handler> check_chain_equals_single(const std::vector<uint8_t>& code, uint32_t pointer_origin = 0) {
    Rig chained, single;
    std::memcpy(chained.m.host(kCode), code.data(), code.size());
    std::memcpy(single.m.host(kCode), code.data(), code.size());
    DecodeFailure f;
    DecodedBlock* b = decode_block(chained.m, kCode, f);
    REQUIRE(b);
    for (Rig* r : {&chained, &single}) {
        r->seed();
        r->c.m_regs[kEsp] = kData + 16;
        if (pointer_origin)
            for (unsigned reg = 0; reg < 8; reg++) r->c.m_regs[reg] = pointer_origin + 4 * reg;
        set_arith_flags(r->c, kFlagCF | kFlagZF);
    }
    compare_chain_with_single(chained, single, b);
    std::vector<Handler> fns;
    for (uint32_t k = 0; k < b->count; k++) fns.push_back(b->insns[k].fn);
    free_block(b);
    return fns;
}

std::vector<uint8_t> with_tail(std::vector<uint8_t> code, std::initializer_list<uint8_t> tail) {
    code.insert(code.end(), tail);
    return code;
}
constexpr std::initializer_list<uint8_t> kLiveTail = {0x90, 0xeb, 0xfe};          // nop ; jmp .
constexpr std::initializer_list<uint8_t> kDeadTail = {0x85, 0xc9, 0xeb, 0xfe};    // test %ecx,%ecx ; jmp .

}  // namespace

TEST_CASE("the record in front of a register-only record has its own (quiet) threaded form") {
    Rig r;
    // add %ebx,%eax ; mov %ecx,%edx ; jmp .      and      add %ebx,%eax ; mov (%esi),%edx ; jmp .
    DecodedBlock* pure_next = r.decode({0x01, 0xd8, 0x89, 0xca, 0xeb, 0xfe});
    REQUIRE(pure_next);
    DecodedBlock* memory_next = r.decode({0x01, 0xd8, 0x8b, 0x16, 0xeb, 0xfe});
    REQUIRE(memory_next);
    CHECK(bool(pure_next->insns[0].fn != memory_next->insns[0].fn));
    CHECK(bool(unthreaded(pure_next->insns[0].fn) == unthreaded(memory_next->insns[0].fn)));
    free_block(pure_next);
    free_block(memory_next);
}

TEST_CASE("a fault after quiet records names the faulting record") {
    Rig r;
    // add %ebx,%eax ; rol $3,%edx ; xor %ecx,%ecx ; div %ecx ; jmp .   (divide by zero: #DE)
    DecodedBlock* b = r.decode({0x01, 0xd8, 0xc1, 0xc2, 0x03, 0x31, 0xc9, 0xf7, 0xf1, 0xeb, 0xfe});
    REQUIRE(b);
    REQUIRE(b->count == 5);
    r.seed();
    r.c.m_cur = &b->insns[0];
    if (sigsetjmp(r.c.m_fault_jmp, 0) == 0) {
        b->insns[0].fn(r.c, b->insns[0]);
        FAIL("div by zero did not fault");
    }
    CHECK(r.c.m_fault.signo == SIGFPE);
    CHECK(r.c.m_fault.eip == kCode + 7);
    CHECK(bool(r.c.m_cur == &b->insns[3]));
    free_block(b);
}

TEST_CASE("fixed-register twins: every register pair of mov and the ALU operations, flags live and dead") {
    const uint8_t ops[] = {0x89 /*mov*/, 0x01 /*add*/, 0x29 /*sub*/, 0x21 /*and*/, 0x09 /*or*/,
                           0x31 /*xor*/, 0x39 /*cmp*/, 0x85 /*test*/};
    for (uint8_t op : ops) {
        for (auto tail : {kLiveTail, kDeadTail}) {
            std::set<Handler> distinct;
            for (uint8_t dst = 0; dst < 8; dst++) {
                for (uint8_t src = 0; src < 8; src++) {
                    if ((op == 0x29 || op == 0x31) && dst == src) continue;   // the zeroing idioms
                    CAPTURE(int(op));
                    CAPTURE(int(dst));
                    CAPTURE(int(src));
                    uint8_t modrm = uint8_t(0xc0 | src << 3 | dst);
                    distinct.insert(check_chain_equals_single(with_tail({op, modrm}, tail))[0]);
                }
            }
            // One handler per pair, not one shared by all: the twins are in use. (CMP and TEST
            // with dead flags do nothing and have no twins.)
            bool no_effect = (op == 0x39 || op == 0x85) && tail.begin() == kDeadTail.begin();
            if (!no_effect) CHECK(distinct.size() >= 56);
        }
    }
}

namespace {

// Every (register, base) combination of mov and the ALU r,m forms, with the memory operand that
// `operand` encodes after the opcode and ModRM.reg: the chain equals single steps, and each
// combination runs its own handler.
template <typename Encode> void check_memory_twins(Encode operand, uint32_t pointer_origin) {
    const uint8_t ops[] = {0x8b /*mov m,r*/, 0x89 /*mov r,m*/, 0x03 /*add*/, 0x2b /*sub*/, 0x23 /*and*/,
                           0x0b /*or*/, 0x33 /*xor*/, 0x3b /*cmp*/};
    for (uint8_t op : ops) {
        std::set<Handler> distinct;
        for (uint8_t reg = 0; reg < 8; reg++) {
            for (uint8_t base = 0; base < 8; base++) {
                CAPTURE(int(op));
                CAPTURE(int(reg));
                CAPTURE(int(base));
                std::vector<uint8_t> f = operand(reg, base);
                f.insert(f.begin(), op);
                distinct.insert(check_chain_equals_single(with_tail(f, kLiveTail), pointer_origin)[0]);
            }
        }
        CHECK(distinct.size() == 64);
    }
}

}  // namespace

TEST_CASE("fixed-register twins: base+displacement memory forms on every base register") {
    check_memory_twins([](uint8_t reg, uint8_t base) {
        std::vector<uint8_t> f = {uint8_t(0x40 | reg << 3 | base)};   // mod=01: disp8(%base)
        if (base == kEsp) f.push_back(0x24);                           // SIB: base %esp, no index
        f.push_back(0x08);
        return f;
    }, kData);
}

TEST_CASE("fixed-register twins: indexed memory forms on every base register") {
    // 4(%base,%ebp,1): ModRM mod=01 rm=100 (SIB), SIB scale=0 index=%ebp; with every register at
    // kData/2 + 4 * r, base + index lands in the data page.
    check_memory_twins([](uint8_t reg, uint8_t base) {
        return std::vector<uint8_t>{uint8_t(0x44 | reg << 3), uint8_t(kEbp << 3 | base), 0x04};
    }, kData / 2);
}

TEST_CASE("fixed-register twins: one-register forms and %esp-based stack slots") {
    std::vector<std::vector<uint8_t>> forms;
    for (uint8_t r = 0; r < 8; r++) {
        for (uint8_t ext : {0, 1, 4, 5, 7}) forms.push_back({0xc1, uint8_t(0xc0 | ext << 3 | r), 7});  // rol ror shl shr sar $7
        forms.push_back({0x83, uint8_t(0xc0 | r), 0x35});          // add $0x35
        forms.push_back({0x83, uint8_t(0xe8 | r), 0x35});          // sub $0x35
        forms.push_back({0x81, uint8_t(0xf0 | r), 0x78, 0x56, 0x34, 0x12});   // xor $0x12345678
        forms.push_back({uint8_t(0x40 | r)});                      // inc
        forms.push_back({uint8_t(0x48 | r)});                      // dec
        forms.push_back({0xf7, uint8_t(0xd0 | r)});                // not
        forms.push_back({0x8b, uint8_t(0x44 | r << 3), 0x24, 0x08});   // mov 8(%esp),%r
        forms.push_back({0x89, uint8_t(0x44 | r << 3), 0x24, 0x0c});   // mov %r,12(%esp)
        forms.push_back({0x03, uint8_t(0x44 | r << 3), 0x24, 0x04});   // add 4(%esp),%r
        forms.push_back({0x33, uint8_t(0x44 | r << 3), 0x24, 0x14});   // xor 20(%esp),%r
    }
    for (const auto& f : forms) {
        for (auto tail : {kLiveTail, kDeadTail}) {
            CAPTURE(int(f[0]));
            CAPTURE(int(f.size() > 1 ? f[1] : 0));
            check_chain_equals_single(with_tail(f, tail));
        }
    }
}

// ---- Block chaining (threading.h, exits_block) ----

namespace {

// Block A: add %ebx,%eax ; jmp B        Block B (A + 0x20): inc %edi ; jmp A
struct ChainRig : Rig {
    DecodedBlock* a = nullptr;
    DecodedBlock* b = nullptr;
    uint32_t epoch = 7;
    volatile uint32_t dirty = 0;
    ChainRig() {
        const uint8_t block_a[] = {0x01, 0xd8, 0xeb, 0x1c};
        const uint8_t block_b[] = {0x47, 0xeb, 0xdd};
        std::memcpy(m.host(kCode), block_a, sizeof block_a);
        std::memcpy(m.host(kCode + 0x20), block_b, sizeof block_b);
        DecodeFailure f;
        a = decode_block(m, kCode, f);
        b = decode_block(m, kCode + 0x20, f);
        REQUIRE(a);
        REQUIRE(b);
        a->epoch = b->epoch = epoch;
        a->succ_eip[0] = kCode + 0x20;   // what the run loop's successor cache would hold
        a->succ[0] = b;
        b->succ_eip[1] = kCode;
        b->succ[1] = a;
        c.m_code_epoch = &epoch;
        c.m_dirty_count = &dirty;
        c.m_regs[kEax] = 100;
        c.m_regs[kEbx] = 5;
        c.m_regs[kEdi] = 0;
    }
    ~ChainRig() { free_block(a); free_block(b); }
    // As the run loop starts block A.
    void run(uint32_t hops) {
        c.m_chain_hops = hops;
        c.m_block = a;
        c.m_icount = a->guest_insns;
        c.m_cur = &a->insns[0];
        a->insns[0].fn(c, a->insns[0]);
    }
};

}  // namespace

TEST_CASE("a block's exit enters the cached successor itself, up to the hop budget") {
    ChainRig r;
    r.run(3);   // A, then B, A, B entered by the exits; B's exit finds the budget spent
    CHECK(r.c.m_regs[kEax] == 110);
    CHECK(r.c.m_regs[kEdi] == 2);
    CHECK(r.c.m_eip == kCode);
    CHECK(r.c.m_chain_hops == 0);
    CHECK(bool(r.c.m_block == r.b));
    CHECK(bool(r.c.m_cur == &r.b->insns[r.b->count - 1]));   // where the run loop goes on
    CHECK(r.c.m_icount == 8);                                // 4 blocks of 2 instructions
}

TEST_CASE("a block's exit returns to the run loop when the loop has work or must look") {
    SUBCASE("no budget (the debugger, single steps, accounting runs)") { ChainRig r; r.run(0); CHECK(bool(r.c.m_block == r.a)); CHECK(r.c.m_regs[kEdi] == 0); }
    SUBCASE("a signal or TF wants attention") {
        ChainRig r;
        r.c.m_attention = 1;
        r.run(3);
        CHECK(bool(r.c.m_block == r.a));
        CHECK(r.c.m_regs[kEdi] == 0);
    }
    SUBCASE("a code page was written") {
        ChainRig r;
        r.dirty = 1;
        r.run(3);
        CHECK(bool(r.c.m_block == r.a));
    }
    SUBCASE("the cache was invalidated since the successor was recorded") {
        ChainRig r;
        r.epoch = 8;
        r.run(3);
        CHECK(bool(r.c.m_block == r.a));
    }
    SUBCASE("the successor is not cached") {
        ChainRig r;
        r.a->succ[0] = nullptr;
        r.a->succ_eip[0] = 0;
        r.run(3);
        CHECK(bool(r.c.m_block == r.a));
        CHECK(r.c.m_eip == kCode + 0x20);
        CHECK(r.c.m_icount == 2);
    }
}

// ---- Fused pairs (threading.h): mov %src,%dst ; shift/rotate $n,%dst ----

TEST_CASE("a register copy and a shift or rotate of the copy run as one fused, register-specialized record") {
    const uint8_t exts[] = {0 /*rol*/, 1 /*ror*/, 4 /*shl*/, 5 /*shr*/, 7 /*sar*/};
    for (uint8_t ext : exts) {
        for (auto tail : {kLiveTail, kDeadTail}) {
            std::set<Handler> distinct;
            for (uint8_t dst = 0; dst < 8; dst++) {
                for (uint8_t src = 0; src < 8; src++) {
                    CAPTURE(int(ext));
                    CAPTURE(int(dst));
                    CAPTURE(int(src));
                    // mov %src,%dst ; <op> $13,%dst
                    std::vector<uint8_t> code = {0x89, uint8_t(0xc0 | src << 3 | dst), 0xc1,
                                                 uint8_t(0xc0 | ext << 3 | dst), 13};
                    std::vector<Handler> fns = check_chain_equals_single(with_tail(code, tail));
                    CHECK(bool(unthreaded(fns[1]) == fns[1]));   // jumped over: keeps its plain handler
                    distinct.insert(fns[0]);
                }
            }
            CHECK(distinct.size() == 64);
        }
    }
}

TEST_CASE("a copy followed by a shift of another register does not fuse") {
    Rig r;
    // mov %ecx,%esi ; ror $6,%edx ; jmp .
    DecodedBlock* b = r.decode({0x89, 0xce, 0xc1, 0xca, 0x06, 0xeb, 0xfe});
    REQUIRE(b);
    CHECK(bool(unthreaded(b->insns[1].fn) != b->insns[1].fn));   // the ror has its own threaded form
    free_block(b);
}

TEST_CASE("a fault after a fused pair names its own record and retires the pair") {
    Rig r;
    // mov %ecx,%esi ; ror $6,%esi ; div %edi ; jmp .   (edi = 0: #DE)
    DecodedBlock* b = r.decode({0x89, 0xce, 0xc1, 0xce, 0x06, 0xf7, 0xf7, 0xeb, 0xfe});
    REQUIRE(b);
    REQUIRE(b->count == 4);
    r.seed();
    r.c.m_regs[kEdi] = 0;
    r.c.m_block = b;
    r.c.m_icount = b->guest_insns;   // as the run loop counts a block before running it
    r.c.m_cur = &b->insns[0];
    if (sigsetjmp(r.c.m_fault_jmp, 0) == 0) {
        b->insns[0].fn(r.c, b->insns[0]);
        FAIL("div by zero did not fault");
    }
    CHECK(r.c.m_fault.eip == kCode + 5);
    CHECK(r.c.m_regs[kEsi] == ((r.c.m_regs[kEcx] >> 6) | (r.c.m_regs[kEcx] << 26)));
    retire_to_faulting_record(r.c);
    CHECK(r.c.m_icount == 2);   // the mov and the ror retired, the div did not
    CHECK(r.c.m_eip == kCode + 5);
    free_block(b);
}
