// The guest address space: mapping bookkeeping as /proc/self/maps shows it, protections, checks.
#include <doctest.h>
#include <cstring>
#include <sys/mman.h>

#include "core/guest_memory.h"

using namespace gate386;

TEST_CASE("a fresh guest window has no mappings and rejects every access") {
    GuestMemory m;
    CHECK(m.regions().empty());
    CHECK_FALSE(m.check(0x08048000, 1, PROT_READ));
    uint8_t b;
    CHECK_FALSE(m.read(0x1000, &b, 1));
}

TEST_CASE("fixed mappings split, merge and unmap like the kernel's VMAs") {
    GuestMemory m;
    REQUIRE(m.map(0x10000000, 0x4000, PROT_READ | PROT_WRITE, true, false, -1, 0) == 0x10000000);
    CHECK(m.regions().size() == 1);
    CHECK(m.check(0x10000000, 0x4000, PROT_READ | PROT_WRITE));
    CHECK_FALSE(m.check(0x10000000, 0x4001, PROT_READ));

    // mprotect of the middle page splits the region in three; restoring merges them again.
    REQUIRE(m.protect(0x10001000, 0x1000, PROT_READ) == 0);
    CHECK(m.regions().size() == 3);
    CHECK_FALSE(m.check(0x10001000, 4, PROT_WRITE));
    CHECK(m.check(0x10001000, 4, PROT_READ));
    REQUIRE(m.protect(0x10001000, 0x1000, PROT_READ | PROT_WRITE) == 0);
    CHECK(m.regions().size() == 1);

    // munmap of a hole leaves two regions; the hole no longer passes checks.
    REQUIRE(m.unmap(0x10002000, 0x1000) == 0);
    CHECK(m.regions().size() == 2);
    CHECK_FALSE(m.check(0x10002000, 1, 0));
    CHECK(m.check(0x10003000, 1, PROT_READ));
    CHECK(m.unmap(0x10000001, 0x1000) == -EINVAL);
}

TEST_CASE("the top page never maps and non-fixed requests go below the mmap base") {
    GuestMemory m;
    CHECK(m.map(0xfffff000, 0x1000, PROT_READ, true, false, -1, 0) == -ENOMEM);
    CHECK(m.map(0xffffe000, 0x1000, PROT_READ, true, false, -1, 0) == 0xffffe000);
    int64_t a = m.map(0, 0x3000, PROT_READ, false, false, -1, 0);
    REQUIRE(a > 0);
    CHECK(uint64_t(a) + 0x3000 <= m.m_mmap_top);
    int64_t b = m.map(0, 0x1000, PROT_READ, false, false, -1, 0);
    CHECK(b + 0x1000 <= a);   // top-down
}

TEST_CASE("guest copies fail instead of faulting on unmapped or read-only memory") {
    GuestMemory m;
    REQUIRE(m.map(0x20000000, 0x1000, PROT_READ | PROT_WRITE, true, false, -1, 0) == 0x20000000);
    std::memset(m.host(0x20000000), 'x', 0x1000);   // no NUL anywhere in the page
    REQUIRE(m.protect(0x20000000, 0x1000, PROT_READ) == 0);
    uint32_t v = 7;
    CHECK_FALSE(m.write(0x20000000, &v, 4));
    CHECK(m.read(0x20000ffc, &v, 4));
    CHECK_FALSE(m.read(0x20000ffd, &v, 4));   // straddles into the unmapped next page
    std::string s;
    CHECK_FALSE(m.read_string(0x20000ff0, s, 4096));   // runs off the mapping without a NUL
}

TEST_CASE("code pages are write-protected on the host and queued when written") {
    GuestMemory m;
    REQUIRE(m.map(0x30000000, 0x2000, PROT_READ | PROT_WRITE | PROT_EXEC, true, false, -1, 0) == 0x30000000);
    m.protect_code_page(0x30001000);
    CHECK(m.is_code_page(0x30001000));
    CHECK_FALSE(m.is_code_page(0x30000000));
    uint32_t before = m.m_dirty_count;
    // A store the host kernel makes (read(2) into the page) goes through prepare_host_write.
    m.prepare_host_write(0x30001ffe, 4);
    CHECK_FALSE(m.is_code_page(0x30001000));
    REQUIRE(m.m_dirty_count == before + 1);
    CHECK(m.m_dirty_pages[before] == 0x30001000);
    // A read-only code page is a real fault, not a code write.
    REQUIRE(m.map(0x30004000, 0x1000, PROT_READ | PROT_EXEC, true, false, -1, 0) == 0x30004000);
    m.protect_code_page(0x30004000);
    CHECK_FALSE(m.handle_code_write(0x30004010));
}
