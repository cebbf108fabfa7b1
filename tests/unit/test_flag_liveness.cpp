// Dead-flag elimination: a flag update overwritten before any read within the block is skipped,
// and only then.
#include <doctest.h>
#include <cstring>
#include <sys/mman.h>

#include "cpu/threading.h"
#include "core/guest_memory.h"
#include "cpu/decoder.h"
#include "cpu/flags.h"

using namespace gate386;

namespace {
DecodedBlock* decode_bytes(GuestMemory& m, std::initializer_list<uint8_t> bytes) {
    std::memcpy(m.host(0x08048000), bytes.begin(), bytes.size());
    DecodeFailure f;
    return decode_block(m, 0x08048000, f);
}
// The operands of the add the cases below start with: 0xffffffff + 1 carries out to zero.
void seed_add_operands(Cpu& c, GuestMemory& m, uint32_t ecx) {
    c.m_mem = m.base();
    c.m_regs[kEax] = 0xffffffff;
    c.m_regs[kEbx] = 1;
    c.m_regs[kEcx] = ecx;
}
void run(Cpu& c, DecodedBlock* b) {
    for (uint32_t k = 0; k < b->count; k++) { c.m_cur = &b->insns[k]; unthreaded(b->insns[k].fn)(c, b->insns[k]); }
}
}  // namespace

TEST_CASE("an add whose flags a cmp overwrites runs without its flag update, with the same result") {
    GuestMemory m;
    REQUIRE(m.map(0x08048000, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC, true, false, -1, 0) == 0x08048000);
    // add %ebx,%eax ; cmp %ecx,%eax ; jne .
    DecodedBlock* dead = decode_bytes(m, {0x01, 0xd8, 0x39, 0xc8, 0x75, 0xfe});
    REQUIRE(dead);
    // add %ebx,%eax ; jne .   (the jne reads the add's flags)
    DecodedBlock* live = decode_bytes(m, {0x01, 0xd8, 0x75, 0xfe});
    REQUIRE(live);
    CHECK((unthreaded(dead->insns[0].fn) != unthreaded(live->insns[0].fn)));

    Cpu c;
    seed_add_operands(c, m, 5);
    run(c, dead);
    CHECK(c.m_regs[kEax] == 0);
    // The flags are the cmp's: 0 - 5 borrows, is negative, not zero.
    CHECK(flag_cf(c));
    CHECK(flag_sf(c));
    CHECK_FALSE(flag_zf(c));

    Cpu d;
    seed_add_operands(d, m, 0);
    run(d, live);
    CHECK(d.m_regs[kEax] == 0);
    CHECK(flag_zf(d));   // the add's own flags: carry out, zero result
    CHECK(flag_cf(d));
    free_block(dead);
    free_block(live);
}

TEST_CASE("flags stay live across a memory access that may fault and across an INC that keeps CF") {
    GuestMemory m;
    REQUIRE(m.map(0x08048000, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC, true, false, -1, 0) == 0x08048000);
    // add %ebx,%eax ; mov (%esi),%edx ; cmp %ecx,%eax ; jne .
    DecodedBlock* a = decode_bytes(m, {0x01, 0xd8, 0x8b, 0x16, 0x39, 0xc8, 0x75, 0xfe});
    // add %ebx,%eax ; jne .
    DecodedBlock* ref = decode_bytes(m, {0x01, 0xd8, 0x75, 0xfe});
    // add %ebx,%eax ; inc %ecx ; jb .   (CF from the add survives the inc)
    DecodedBlock* b = decode_bytes(m, {0x01, 0xd8, 0x41, 0x72, 0xfe});
    REQUIRE(a);
    REQUIRE(ref);
    REQUIRE(b);
    CHECK((unthreaded(a->insns[0].fn) == unthreaded(ref->insns[0].fn)));
    CHECK((unthreaded(b->insns[0].fn) == unthreaded(ref->insns[0].fn)));
    free_block(a);
    free_block(ref);
    free_block(b);
}

TEST_CASE("an immediate rotate writes only CF and OF; an immediate shift writes all; a zero count none") {
    GuestMemory m;
    REQUIRE(m.map(0x08048000, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC, true, false, -1, 0) == 0x08048000);
    // add %ebx,%eax ; jne .   (the reference: the add keeps its flags)
    DecodedBlock* ref = decode_bytes(m, {0x01, 0xd8, 0x75, 0xfe});
    // add %ebx,%eax ; rol $3,%ecx ; jne .   (ZF comes through the rotate from the add)
    DecodedBlock* through_rotate = decode_bytes(m, {0x01, 0xd8, 0xc1, 0xc1, 0x03, 0x75, 0xfe});
    // add %ebx,%eax ; shl $3,%ecx ; jne .   (the shift's ZF: the add's flags are dead)
    DecodedBlock* shifted = decode_bytes(m, {0x01, 0xd8, 0xc1, 0xe1, 0x03, 0x75, 0xfe});
    // add %ebx,%eax ; shl $0,%ecx ; jne .   (count 0 touches no flag)
    DecodedBlock* zero_count = decode_bytes(m, {0x01, 0xd8, 0xc1, 0xe1, 0x00, 0x75, 0xfe});
    // rol $3,%ecx ; cmp %ecx,%eax ; jne .   and   rol $3,%ecx ; jb .   (CF of the rotate dead / read)
    DecodedBlock* rotate_dead = decode_bytes(m, {0xc1, 0xc1, 0x03, 0x39, 0xc8, 0x75, 0xfe});
    DecodedBlock* rotate_live = decode_bytes(m, {0xc1, 0xc1, 0x03, 0x72, 0xfe});
    for (DecodedBlock* b : {ref, through_rotate, shifted, zero_count, rotate_dead, rotate_live}) REQUIRE(b);
    Handler keeps = unthreaded(ref->insns[0].fn);
    CHECK((unthreaded(through_rotate->insns[0].fn) == keeps));
    CHECK((unthreaded(shifted->insns[0].fn) != keeps));
    CHECK((unthreaded(zero_count->insns[0].fn) == keeps));
    CHECK((unthreaded(rotate_dead->insns[0].fn) != unthreaded(rotate_live->insns[0].fn)));

    // The flag-free rotate computes the same value, and the add's ZF survives it.
    Cpu c;
    seed_add_operands(c, m, 0x80000001);
    run(c, through_rotate);
    CHECK(c.m_regs[kEcx] == 0x0000000c);
    CHECK(flag_zf(c));
    for (DecodedBlock* b : {ref, through_rotate, shifted, zero_count, rotate_dead, rotate_live}) free_block(b);
}
