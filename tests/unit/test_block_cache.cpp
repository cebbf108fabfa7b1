// Decoding once per block, block boundaries, and invalidation when code pages change.
#include <doctest.h>
#include <csignal>
#include <cstring>
#include <sys/mman.h>

#include "core/guest_memory.h"
#include "cpu/block_cache.h"
#include "cpu/decoder.h"

using namespace gate386;

namespace {
void put(GuestMemory& m, uint32_t a, std::initializer_list<uint8_t> bytes) {
    std::memcpy(m.host(a), bytes.begin(), bytes.size());
}
}  // namespace

TEST_CASE("a block runs to the first control transfer and records lengths and addresses") {
    GuestMemory m;
    REQUIRE(m.map(0x08048000, 0x1000, PROT_READ | PROT_EXEC, true, false, -1, 0) == 0x08048000);
    // mov $1,%eax; add %ebx,%eax; jmp .+0
    m.protect(0x08048000, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC);
    put(m, 0x08048000, {0xb8, 1, 0, 0, 0, 0x01, 0xd8, 0xeb, 0xfe});
    DecodeFailure f;
    DecodedBlock* b = decode_block(m, 0x08048000, f);
    REQUIRE(b);
    CHECK(b->count == 3);
    CHECK(b->guest_insns == 3);
    CHECK(b->insns[0].eip == 0x08048000);
    CHECK(b->insns[0].len == 5);
    CHECK(b->insns[1].eip == 0x08048005);
    CHECK(b->insns[2].eip == 0x08048007);
    CHECK(b->end == 0x08048009);
    free_block(b);
}

TEST_CASE("a block stops before an instruction that runs into an unmapped page") {
    GuestMemory m;
    REQUIRE(m.map(0x08048000, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC, true, false, -1, 0) == 0x08048000);
    std::memset(m.host(0x08048000), 0x90, 0x1000);   // nops up to the end of the page
    m.host(0x08048fff)[0] = 0xb8;                   // mov $imm32,%eax cut off by the page end
    DecodeFailure f;
    DecodedBlock* b = decode_block(m, 0x08048ff0, f);
    REQUIRE(b);
    CHECK(b->guest_insns == 15);   // the nops; the cut instruction is left for its own block
    CHECK(b->insns[b->count - 1].imm == 0x08048fff);   // fall-through continues there
    free_block(b);
    // Decoding at the cut instruction yields a record that faults at the unmapped address.
    b = decode_block(m, 0x08048fff, f);
    REQUIRE(b);
    CHECK(b->count == 1);
    free_block(b);
    // And nothing at all can be fetched from an unmapped entry.
    CHECK(decode_block(m, 0x09000000, f) == nullptr);
    CHECK(f.signo == SIGSEGV);
    CHECK(f.addr == 0x09000000);
}

TEST_CASE("the block cache finds blocks by entry and drops them when their page is written") {
    GuestMemory m;
    REQUIRE(m.map(0x08048000, 0x2000, PROT_READ | PROT_WRITE | PROT_EXEC, true, false, -1, 0) == 0x08048000);
    put(m, 0x08048000, {0x90, 0xc3});
    put(m, 0x08049000, {0x90, 0xc3});
    BlockCache cache(m);
    DecodeFailure f;
    cache.insert(decode_block(m, 0x08048000, f));
    cache.insert(decode_block(m, 0x08049000, f));
    CHECK(cache.blocks_decoded() == 2);
    CHECK(cache.find(0x08048000) != nullptr);
    CHECK(cache.find(0x08048001) == nullptr);
    CHECK(m.is_code_page(0x08048000));
    uint32_t epoch = cache.epoch();
    cache.invalidate_page(0x08048000);
    CHECK(cache.find(0x08048000) == nullptr);
    CHECK(cache.find(0x08049000) != nullptr);
    CHECK(cache.epoch() != epoch);
    CHECK(cache.invalidations() == 1);
}

TEST_CASE("an undecodable opcode ends the block in a SIGILL record, not a decode error") {
    GuestMemory m;
    REQUIRE(m.map(0x08048000, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC, true, false, -1, 0) == 0x08048000);
    put(m, 0x08048000, {0x90, 0x0f, 0x0b});   // nop; ud2
    DecodeFailure f;
    DecodedBlock* b = decode_block(m, 0x08048000, f);
    REQUIRE(b);
    CHECK(b->count == 2);
    free_block(b);
}
