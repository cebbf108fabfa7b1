// GuestMemory::reset, the address-space half of an in-place execve (proc_lifecycle.cpp).
#include <doctest.h>
#include <cstring>
#include <sys/mman.h>

#include "core/guest_memory.h"

using namespace gate386;

TEST_CASE("reset drops every mapping, code page and queued invalidation, and restores the mmap base") {
    GuestMemory m;
    REQUIRE(m.map(0x08048000, 0x2000, PROT_READ | PROT_EXEC, true, false, -1, 0, "/bin/prog") == 0x08048000);
    REQUIRE(m.map(0x40000000, 0x1000, PROT_READ | PROT_WRITE, true, false, -1, 0) == 0x40000000);
    std::memset(m.host(0x40000000), 0xab, 16);
    m.protect_code_page(0x40000000);
    CHECK(m.is_code_page(0x40000000));
    m.prepare_host_write(0x40000000, 4);   // queues the page for block invalidation
    CHECK(m.m_dirty_count == 1);
    m.m_mmap_top = 0x30000000;

    m.reset();
    CHECK(m.regions().empty());
    CHECK_FALSE(m.check(0x08048000, 1, PROT_READ));
    CHECK_FALSE(m.check(0x40000000, 1, PROT_READ));
    CHECK_FALSE(m.is_code_page(0x40000000));
    CHECK(m.m_dirty_count == 0);
    CHECK_FALSE(m.m_dirty_overflow);
    CHECK(m.m_mmap_top == GuestMemory::kDefaultMmapTop);

    // The same addresses map again, as fresh zero pages.
    REQUIRE(m.map(0x40000000, 0x1000, PROT_READ | PROT_WRITE, true, false, -1, 0) == 0x40000000);
    uint8_t b = 1;
    REQUIRE(m.read(0x40000000, &b, 1));
    CHECK(b == 0);
    CHECK(m.find_free(0x1000) == GuestMemory::kDefaultMmapTop - 0x1000);
}
