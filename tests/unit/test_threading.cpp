// Threaded dispatch and base+displacement twins (cpu/threading.h, cpu/ea_forms.h): a block's records
// but the last jump straight to their successor, a chain run from the first record gives the same
// state as the records run one by one, and single records can always be run on their own.
#include <doctest.h>
#include <cstring>
#include <sys/mman.h>

#include "core/guest_memory.h"
#include "cpu/decoder.h"
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

}  // namespace

TEST_CASE("every record but the block's last has a threaded form; the last returns to the loop") {
    Rig r;
    DecodedBlock* b = r.decode(kProgram);
    REQUIRE(b);
    REQUIRE(b->count == 7);
    for (uint32_t k = 0; k + 1 < b->count; k++) {
        CAPTURE(k);
        CHECK(bool(unthreaded(b->insns[k].fn) != b->insns[k].fn));
    }
    CHECK(bool(unthreaded(b->insns[6].fn) == b->insns[6].fn));   // jmp: no successor to jump to
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
    CHECK(chained.c.m_eip == kCode + 18);
    CHECK(std::memcmp(chained.m.host(kData), single.m.host(kData), 64) == 0);
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
