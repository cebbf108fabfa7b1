// The guest's 4 GiB address space: one host reservation at a fixed offset (ARCHITECTURE.md, hot
// path 2). Guest address a lives at base() + a; guest mappings are real host mappings with the
// guest's protections, and the bookkeeping here is what /proc/self/maps prints.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace gate386 {

constexpr uint32_t kPageSize = 4096;
constexpr uint64_t kGuestSpace = 1ull << 32;
constexpr uint64_t kGuardSize = 1ull << 20;   // accesses straddling 4 GiB land here and fault
constexpr uint64_t kTopPage = 0xfffff000u;    // first byte no guest mapping may reach

inline uint32_t page_down(uint32_t a) { return a & ~(kPageSize - 1); }
inline uint64_t page_up(uint64_t a) { return (a + kPageSize - 1) & ~uint64_t(kPageSize - 1); }

// Guest protection bits are Linux's PROT_READ/WRITE/EXEC values.
struct Region {
    uint32_t start = 0, end = 0;   // [start, end), page aligned
    int prot = 0;
    bool shared = false;
    uint64_t offset = 0;           // file offset of start
    uint64_t dev = 0, inode = 0;
    std::string name;              // path, "[heap]", "[stack]", "[vdso]", "[vvar]" or empty
};

class GuestMemory {
public:
    GuestMemory();
    ~GuestMemory();
    GuestMemory(const GuestMemory&) = delete;
    GuestMemory& operator=(const GuestMemory&) = delete;

    uint8_t* base() const { return m_base; }
    uint8_t* host(uint32_t a) const { return m_base + a; }
    bool contains_host(const void* p) const;

    // Guest mmap semantics. Returns the guest address, or -errno.
    // fd < 0 means anonymous. With fixed, an existing mapping in the range is replaced.
    int64_t map(uint32_t addr, uint32_t len, int prot, bool fixed, bool shared, int fd, uint64_t offset,
                const std::string& name = {});
    int unmap(uint32_t addr, uint32_t len);
    int protect(uint32_t addr, uint32_t len, int prot);
    // mremap's resize-and-move: the host kernel moves the host pages themselves (host mremap), so
    // file-backed and shared mappings keep their backing. [old_addr, +old_len) must be mapped and
    // new_len >= old_len; new_addr == old_addr grows in place (the pages above must be free),
    // otherwise the destination range is replaced, and the old range becomes unmapped unless
    // keep_old (MREMAP_DONTUNMAP). Returns new_addr or -errno.
    int64_t remap(uint32_t old_addr, uint32_t old_len, uint32_t new_addr, uint32_t new_len, bool keep_old);
    // Drops every guest mapping, as execve's exec_mmap does with the old mm: the window becomes one
    // PROT_NONE reservation again, no page is a code page and the mmap base is back at its default.
    // The caller invalidates the block cache.
    void reset();
    // A free range of len bytes searched top-down below m_mmap_top (the 2.6 layout), or 0.
    uint32_t find_free(uint32_t len, uint32_t below = 0) const;

    // True when every byte of [addr, addr+len) is mapped with at least `prot`.
    bool check(uint32_t addr, uint32_t len, int prot) const;
    const Region* region_at(uint32_t addr) const;
    const std::map<uint32_t, Region>& regions() const { return m_regions; }
    void rename(uint32_t start, const std::string& name);

    // Copies that fail with false (instead of faulting) when the guest range is not accessible.
    bool read(uint32_t addr, void* out, uint32_t len) const;
    bool write(uint32_t addr, const void* in, uint32_t len);
    bool read_string(uint32_t addr, std::string& out, uint32_t max = 4096) const;

    // Self-modifying-code support: pages holding decoded code are kept write-protected on the host;
    // a guest store to one faults, the page is unprotected and queued here for invalidation.
    void protect_code_page(uint32_t page);
    bool is_code_page(uint32_t page) const { return m_code_pages[page >> 12]; }
    // Called by the host SIGSEGV handler: true when the fault was a store to a code page (now
    // writable again and queued), false when it is a real guest fault.
    bool handle_code_write(uint32_t addr);
    // Before the host kernel writes into guest memory for a system call (read(), /proc/self/mem...)
    // code pages in the range are unprotected and queued the same way.
    void prepare_host_write(uint32_t addr, uint32_t len);
    volatile uint32_t m_dirty_count = 0;
    uint32_t m_dirty_pages[64] = {};
    bool m_dirty_overflow = false;

    static constexpr uint32_t kDefaultMmapTop = 0xb8000000u;   // below the 3 GiB stack top, as 2.6 kernels laid it out
    uint32_t m_mmap_top = kDefaultMmapTop;

private:
    void queue_dirty(uint32_t page);
    void forget_code(uint64_t start, uint64_t end);
    void protect_aliases(const Region& code_region, uint32_t page);
    void split_at(uint32_t addr);
    void erase_range(uint32_t start, uint32_t end);
    int host_prot(int guest_prot, uint32_t page) const;
    void reapply_protection(uint32_t start, uint32_t end);
    uint8_t* m_base = nullptr;
    std::map<uint32_t, Region> m_regions;   // keyed by start
    std::vector<bool> m_code_pages;         // one bit per guest page
    std::vector<bool> m_alias_pages;        // writable aliases of shared-file code pages
    std::unordered_map<uint32_t, uint32_t> m_alias_of;   // alias page → the code page it maps
};

}  // namespace gate386
