#include "core/guest_memory.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/mman.h>
#include <sys/stat.h>

namespace gate386 {

GuestMemory::GuestMemory()
    : m_code_pages(kGuestSpace / kPageSize, false), m_alias_pages(kGuestSpace / kPageSize, false) {
    void* p = mmap(nullptr, kGuestSpace + kGuardSize, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        std::fprintf(stderr, "gate386: cannot reserve 4 GiB of address space for the guest: %s\n",
                     std::strerror(errno));
        std::exit(1);
    }
    m_base = static_cast<uint8_t*>(p);
}

GuestMemory::~GuestMemory() { munmap(m_base, kGuestSpace + kGuardSize); }

bool GuestMemory::contains_host(const void* p) const {
    auto q = static_cast<const uint8_t*>(p);
    return q >= m_base && q < m_base + kGuestSpace + kGuardSize;
}

int GuestMemory::host_prot(int guest_prot, uint32_t page) const {
    // i386 has no separate read permission for executable or writable pages (SDM Vol.3 4.6):
    // any access right makes the page readable.
    int p = guest_prot ? PROT_READ : PROT_NONE;
    if ((guest_prot & PROT_WRITE) && !m_code_pages[page >> 12] && !m_alias_pages[page >> 12]) p |= PROT_WRITE;
    return p;
}

void GuestMemory::split_at(uint32_t addr) {
    auto it = m_regions.upper_bound(addr);
    if (it == m_regions.begin()) return;
    --it;
    Region& r = it->second;
    if (r.start < addr && addr < r.end) {
        Region tail = r;
        tail.start = addr;
        if (!r.name.empty() && r.name[0] != '[') tail.offset = r.offset + (addr - r.start);
        else if (r.inode) tail.offset = r.offset + (addr - r.start);
        r.end = addr;
        m_regions.emplace(addr, tail);
    }
}

void GuestMemory::erase_range(uint32_t start, uint32_t end) {
    split_at(start);
    if (end) split_at(end);
    auto it = m_regions.lower_bound(start);
    while (it != m_regions.end() && (end == 0 || it->first < end)) it = m_regions.erase(it);
}

uint32_t GuestMemory::find_free(uint32_t len, uint32_t below) const {
    uint64_t top = below ? below : m_mmap_top;
    len = static_cast<uint32_t>(page_up(len));
    // Walk regions from the highest down, looking for a gap of len bytes under `top`.
    uint64_t candidate_end = top;
    for (auto it = m_regions.rbegin(); it != m_regions.rend(); ++it) {
        const Region& r = it->second;
        if (r.start >= candidate_end) continue;
        if (r.end <= candidate_end && candidate_end - r.end >= len) break;
        candidate_end = std::min<uint64_t>(candidate_end, r.start);
    }
    if (candidate_end < len + 0x10000) return 0;   // keep the low 64 KiB unmapped (mmap_min_addr)
    return static_cast<uint32_t>(candidate_end - len);
}

int64_t GuestMemory::map(uint32_t addr, uint32_t len, int prot, bool fixed, bool shared, int fd,
                         uint64_t offset, const std::string& name) {
    if (len == 0) return -EINVAL;
    uint64_t size = page_up(len);
    if (size > kGuestSpace) return -ENOMEM;
    if (fixed) {
        if (addr & (kPageSize - 1)) return -EINVAL;
        // The top page stays unmapped so that *(char*)MAP_FAILED faults (linux-gate.md).
        if (uint64_t(addr) + size > kTopPage) return -ENOMEM;
    } else {
        uint32_t hint = page_down(addr);
        bool hint_ok = hint >= 0x10000 && uint64_t(hint) + size <= m_mmap_top;
        if (hint_ok) {
            for (auto& [s, r] : m_regions)
                if (r.start < hint + size && hint < r.end) { hint_ok = false; break; }
        }
        addr = hint_ok ? hint : find_free(static_cast<uint32_t>(size));
        if (!addr) return -ENOMEM;
    }
    int flags = MAP_FIXED | (shared ? MAP_SHARED : MAP_PRIVATE) | (fd < 0 ? MAP_ANONYMOUS : 0);
    forget_code(addr, addr + size);
    void* want = m_base + addr;
    void* got = mmap(want, size, host_prot(prot, addr), flags, fd < 0 ? -1 : fd, offset);
    if (got == MAP_FAILED) return -errno;
    Region r;
    r.start = addr;
    r.end = static_cast<uint32_t>(addr + size);
    r.prot = prot;
    r.shared = shared;
    r.offset = fd < 0 ? 0 : offset;
    r.name = name;
    if (fd >= 0) {
        struct stat st;
        if (fstat(fd, &st) == 0) {
            r.dev = st.st_dev;
            r.inode = st.st_ino;
        }
    }
    erase_range(addr, r.end);
    m_regions.emplace(addr, r);
    return addr;
}

int GuestMemory::unmap(uint32_t addr, uint32_t len) {
    if ((addr & (kPageSize - 1)) || len == 0) return -EINVAL;
    uint64_t end = uint64_t(addr) + page_up(len);
    if (end > kGuestSpace) return -EINVAL;
    forget_code(addr, end);
    mmap(m_base + addr, end - addr, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
         -1, 0);
    erase_range(addr, static_cast<uint32_t>(end));
    return 0;
}

void GuestMemory::reset() {
    // One MAP_FIXED replacement of the whole window (the guard above it stays as it is) returns
    // every page to the kernel in a single call.
    mmap(m_base, kGuestSpace, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    m_regions.clear();
    std::fill(m_code_pages.begin(), m_code_pages.end(), false);
    std::fill(m_alias_pages.begin(), m_alias_pages.end(), false);
    m_alias_of.clear();
    m_dirty_count = 0;
    m_dirty_overflow = false;
    m_mmap_top = kDefaultMmapTop;
}

int GuestMemory::protect(uint32_t addr, uint32_t len, int prot) {
    if (addr & (kPageSize - 1)) return -EINVAL;
    uint64_t end = uint64_t(addr) + page_up(len);
    if (end > kGuestSpace) return -ENOMEM;
    if (!check(addr, static_cast<uint32_t>(end - addr), 0)) return -ENOMEM;
    split_at(addr);
    split_at(static_cast<uint32_t>(end));
    for (auto it = m_regions.lower_bound(addr); it != m_regions.end() && it->first < end; ++it)
        it->second.prot = prot;
    reapply_protection(addr, static_cast<uint32_t>(end));
    // Coalescing adjacent identical regions keeps /proc/self/maps as the kernel shows it.
    for (auto it = m_regions.begin(); it != m_regions.end();) {
        auto next = std::next(it);
        if (next == m_regions.end()) break;
        Region& a = it->second;
        Region& b = next->second;
        bool file_contig = a.inode == b.inode && a.dev == b.dev &&
                           (a.inode == 0 || a.offset + (a.end - a.start) == b.offset);
        if (a.end == b.start && a.prot == b.prot && a.shared == b.shared && a.name == b.name &&
            file_contig && a.name.empty() == b.name.empty()) {
            a.end = b.end;
            m_regions.erase(next);
        } else {
            it = next;
        }
    }
    return 0;
}

int64_t GuestMemory::remap(uint32_t old_addr, uint32_t old_len, uint32_t new_addr, uint32_t new_len, bool keep_old) {
    uint64_t old_end = uint64_t(old_addr) + old_len, new_end = uint64_t(new_addr) + new_len;
    if (new_len < old_len || new_end > kTopPage) return -EINVAL;
    // The regions of the old range, clipped to it, to be re-keyed at the destination.
    std::vector<Region> moved;
    for (auto& [s, r] : m_regions) {
        uint64_t r_end = r.end ? r.end : kGuestSpace;
        if (r_end <= old_addr || r.start >= old_end) continue;
        Region c = r;
        if (c.start < old_addr) {
            if (c.inode) c.offset += old_addr - c.start;
            c.start = old_addr;
        }
        c.end = static_cast<uint32_t>(std::min<uint64_t>(r_end, old_end));
        moved.push_back(c);
    }
    if (moved.empty()) return -EFAULT;
    // Moving pages stop being code pages, and get their plain protection back before they go.
    forget_code(old_addr, old_end);
    reapply_protection(old_addr, static_cast<uint32_t>(old_end));
    const int reserve = MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    if (new_addr == old_addr) {
        if (new_end > old_end) {
            // The free pages above are part of the PROT_NONE reservation: release them so the
            // host mapping can extend over them, and take them back if it cannot.
            munmap(m_base + old_end, new_end - old_end);
            if (mremap(m_base + old_addr, old_len, new_len, 0) == MAP_FAILED) {
                int e = errno;
                mmap(m_base + old_end, new_end - old_end, PROT_NONE, reserve, -1, 0);
                return -e;
            }
        }
    } else {
        forget_code(new_addr, new_end);
        int fl = MREMAP_MAYMOVE | MREMAP_FIXED | (keep_old ? MREMAP_DONTUNMAP : 0);
        if (mremap(m_base + old_addr, old_len, new_len, fl, m_base + new_addr) == MAP_FAILED) return -errno;
        if (!keep_old) {
            mmap(m_base + old_addr, old_len, PROT_NONE, reserve, -1, 0);
            erase_range(old_addr, static_cast<uint32_t>(old_end));
        }
    }
    erase_range(new_addr, static_cast<uint32_t>(new_end));
    int64_t delta = int64_t(new_addr) - int64_t(old_addr);
    for (Region& c : moved) {
        c.start = static_cast<uint32_t>(c.start + delta);
        c.end = static_cast<uint32_t>(c.end + delta);
    }
    // The last region covers the growth (a file mapping continues further into its file).
    moved.back().end = static_cast<uint32_t>(new_end);
    for (Region& c : moved) m_regions.emplace(c.start, c);
    return new_addr;
}

void GuestMemory::reapply_protection(uint32_t start, uint32_t end) {
    for (uint64_t p = start; p < end; p += kPageSize) {
        const Region* r = region_at(static_cast<uint32_t>(p));
        if (!r) continue;
        mprotect(m_base + p, kPageSize, host_prot(r->prot, static_cast<uint32_t>(p)));
    }
}

const Region* GuestMemory::region_at(uint32_t addr) const {
    auto it = m_regions.upper_bound(addr);
    if (it == m_regions.begin()) return nullptr;
    --it;
    const Region& r = it->second;
    return (addr >= r.start && (addr < r.end || r.end == 0)) ? &r : nullptr;
}

void GuestMemory::rename(uint32_t start, const std::string& name) {
    auto it = m_regions.find(start);
    if (it != m_regions.end()) it->second.name = name;
}

bool GuestMemory::check(uint32_t addr, uint32_t len, int prot) const {
    if (len == 0) return true;
    uint64_t a = addr, end = uint64_t(addr) + len;
    if (end > kGuestSpace) return false;
    while (a < end) {
        const Region* r = region_at(static_cast<uint32_t>(a));
        if (!r || (r->prot & prot) != prot) return false;
        a = r->end ? r->end : kGuestSpace;
    }
    return true;
}

bool GuestMemory::read(uint32_t addr, void* out, uint32_t len) const {
    if (!check(addr, len, PROT_READ)) return false;
    std::memcpy(out, m_base + addr, len);
    return true;
}

bool GuestMemory::write(uint32_t addr, const void* in, uint32_t len) {
    if (!check(addr, len, PROT_WRITE)) return false;
    prepare_host_write(addr, len);
    std::memcpy(m_base + addr, in, len);
    return true;
}

bool GuestMemory::read_string(uint32_t addr, std::string& out, uint32_t max) const {
    out.clear();
    for (uint32_t i = 0; i < max; i++) {
        uint32_t a = addr + i;
        if ((i == 0 || (a & (kPageSize - 1)) == 0) && !check(a, 1, PROT_READ)) return false;
        char ch = static_cast<char>(m_base[a]);
        if (!ch) return true;
        out.push_back(ch);
    }
    return false;
}

// Pages about to be replaced or unmapped stop being code pages (their blocks are invalidated at
// the next block boundary) and stop being aliases of code pages.
void GuestMemory::forget_code(uint64_t start, uint64_t end) {
    for (uint64_t p = start; p < end; p += kPageSize) {
        if (m_code_pages[p >> 12]) {
            m_code_pages[p >> 12] = false;
            queue_dirty(static_cast<uint32_t>(p));
        }
        if (m_alias_pages[p >> 12]) {
            m_alias_pages[p >> 12] = false;
            m_alias_of.erase(static_cast<uint32_t>(p));
        }
    }
}

void GuestMemory::queue_dirty(uint32_t page) {
    uint32_t n = m_dirty_count;
    if (n < 64) {
        m_dirty_pages[n] = page;
        m_dirty_count = n + 1;
    } else {
        m_dirty_overflow = true;
    }
}

void GuestMemory::protect_code_page(uint32_t page) {
    page = page_down(page);
    if (m_code_pages[page >> 12]) return;
    m_code_pages[page >> 12] = true;
    const Region* r = region_at(page);
    if (r && (r->prot & PROT_WRITE)) mprotect(m_base + page, kPageSize, host_prot(r->prot, page));
    if (r && r->shared && r->inode) protect_aliases(*r, page);
}

// Code in a shared file mapping can be rewritten through another mapping of the same file page
// (the W^X "double mapping" JITs use). Those alias pages are write-protected too; a store through
// one invalidates the code page.
void GuestMemory::protect_aliases(const Region& code_region, uint32_t page) {
    uint64_t file_off = code_region.offset + (page - code_region.start);
    for (auto& [start, q] : m_regions) {
        if (!q.shared || q.inode != code_region.inode || q.dev != code_region.dev) continue;
        if (file_off < q.offset || file_off >= q.offset + (q.end - q.start)) continue;
        uint32_t alias = static_cast<uint32_t>(q.start + (file_off - q.offset));
        if (alias == page || !(q.prot & PROT_WRITE)) continue;
        m_alias_pages[alias >> 12] = true;
        m_alias_of[alias] = page;
        mprotect(m_base + alias, kPageSize, host_prot(q.prot, alias));
    }
}

bool GuestMemory::handle_code_write(uint32_t addr) {
    uint32_t page = page_down(addr);
    const Region* r = region_at(page);
    if (!r || !(r->prot & PROT_WRITE)) return false;
    if (m_alias_pages[page >> 12]) {
        m_alias_pages[page >> 12] = false;
        auto it = m_alias_of.find(page);
        if (it != m_alias_of.end()) {
            uint32_t code = it->second;
            m_code_pages[code >> 12] = false;   // re-decoding protects it and its aliases again
            queue_dirty(code);
        }
        mprotect(m_base + page, kPageSize, host_prot(r->prot, page));
        if (!m_code_pages[page >> 12]) return true;
    }
    if (!m_code_pages[page >> 12]) return false;
    m_code_pages[page >> 12] = false;
    mprotect(m_base + page, kPageSize, host_prot(r->prot, page));
    queue_dirty(page);
    return true;
}

void GuestMemory::prepare_host_write(uint32_t addr, uint32_t len) {
    if (len == 0) return;
    uint64_t end = uint64_t(addr) + len;
    for (uint64_t p = page_down(addr); p < end; p += kPageSize)
        if (m_code_pages[p >> 12] || m_alias_pages[p >> 12]) handle_code_write(static_cast<uint32_t>(p));
}

}  // namespace gate386
