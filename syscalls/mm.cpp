// Memory management: brk mmap mmap2 munmap mprotect mremap madvise (mm/mmap.c, mm/mremap.c).
#include <cstring>
#include <sys/mman.h>

#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

namespace {

// brk(0) reports the break; growing maps anonymous pages named [heap]; a request the address
// space cannot satisfy leaves the break unchanged (mm/mmap.c SYSCALL_DEFINE1(brk)).
int32_t sys_brk(Process& p, const SyscallArgs& a) {
    uint32_t want = a[0];
    if (want < p.brk_start) return static_cast<int32_t>(p.brk_cur);
    uint32_t old_top = static_cast<uint32_t>(page_up(p.brk_cur));
    uint32_t new_top = static_cast<uint32_t>(page_up(want));
    if (new_top > old_top) {
        for (uint32_t pg = old_top; pg < new_top; pg += kPageSize)
            if (p.mem.region_at(pg)) return static_cast<int32_t>(p.brk_cur);
        if (new_top > p.stack_top - (8u << 20)) return static_cast<int32_t>(p.brk_cur);
        if (p.mem.map(old_top, new_top - old_top, PROT_READ | PROT_WRITE, true, false, -1, 0, "[heap]") < 0)
            return static_cast<int32_t>(p.brk_cur);
    } else if (new_top < old_top) {
        p.mem.unmap(new_top, old_top - new_top);
    }
    p.brk_cur = want;
    return static_cast<int32_t>(want);
}

int32_t do_mmap(Process& p, uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags, int32_t fd, uint64_t off) {
    if (len == 0) return -EINVAL;
    if (prot & ~uint32_t(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
    bool shared = (flags & 3) == MAP_SHARED || (flags & 3) == MAP_SHARED_VALIDATE;
    if ((flags & 3) == 0) return -EINVAL;
    bool anon = flags & MAP_ANONYMOUS;
    if (!anon && fd < 0) return -EBADF;
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    if (fixed && (flags & MAP_FIXED_NOREPLACE)) {
        for (uint64_t pg = page_down(addr); pg < uint64_t(addr) + len; pg += kPageSize)
            if (p.mem.region_at(static_cast<uint32_t>(pg))) return -EEXIST;
    }
    int64_t r = p.mem.map(addr, len, static_cast<int>(prot & 7), fixed, shared, anon ? -1 : fd, anon ? 0 : off);
    return r < 0 ? static_cast<int32_t>(r) : static_cast<int32_t>(static_cast<uint32_t>(r));
}

// mmap2: the offset is in 4096-byte units (arch/x86/kernel/sys_ia32.c).
int32_t sys_mmap2(Process& p, const SyscallArgs& a) {
    return do_mmap(p, a[0], a[1], a[2], a[3], static_cast<int32_t>(a[4]), uint64_t(a[5]) * 4096);
}
// old mmap: one pointer to six words (struct mmap_arg_struct), offset in bytes.
int32_t sys_old_mmap(Process& p, const SyscallArgs& a) {
    uint32_t w[6];
    if (!p.mem.read(a[0], w, sizeof w)) return -EFAULT;
    if (w[5] & (kPageSize - 1)) return -EINVAL;
    return do_mmap(p, w[0], w[1], w[2], w[3], static_cast<int32_t>(w[4]), w[5]);
}
int32_t sys_munmap(Process& p, const SyscallArgs& a) { return p.mem.unmap(a[0], a[1]); }
int32_t sys_mprotect(Process& p, const SyscallArgs& a) {
    if (a[1] == 0) return (a[0] & (kPageSize - 1)) ? -EINVAL : 0;
    return p.mem.protect(a[0], a[1], static_cast<int>(a[2] & 7));
}

// mremap: shrinking in place, growing in place when the pages above are free, or moving with
// MREMAP_MAYMOVE (contents copied; file-backed mappings are re-mapped from the same file).
int32_t sys_mremap(Process& p, const SyscallArgs& a) {
    uint32_t old_addr = a[0], old_len = static_cast<uint32_t>(page_up(a[1])), new_len = static_cast<uint32_t>(page_up(a[2]));
    uint32_t flags = a[3];
    if ((old_addr & (kPageSize - 1)) || new_len == 0) return -EINVAL;
    const Region* r = p.mem.region_at(old_addr);
    if (!r || !p.mem.check(old_addr, old_len ? old_len : 1, 0)) return -EFAULT;
    Region orig = *r;
    if (new_len <= old_len && !(flags & MREMAP_FIXED)) {
        if (new_len < old_len) p.mem.unmap(old_addr + new_len, old_len - new_len);
        return static_cast<int32_t>(old_addr);
    }
    bool room = uint64_t(old_addr) + new_len <= 0xfffff000u;
    for (uint64_t pg = uint64_t(old_addr) + old_len; room && pg < uint64_t(old_addr) + new_len; pg += kPageSize)
        if (p.mem.region_at(static_cast<uint32_t>(pg))) room = false;
    if (room && !(flags & MREMAP_FIXED) && orig.inode == 0) {
        int64_t m = p.mem.map(old_addr + old_len, new_len - old_len, orig.prot, true, orig.shared, -1, 0, orig.name);
        if (m < 0) return static_cast<int32_t>(m);
        return static_cast<int32_t>(old_addr);
    }
    if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
    uint32_t dest = (flags & MREMAP_FIXED) ? a[4] : p.mem.find_free(new_len);
    if (!dest) return -ENOMEM;
    std::vector<uint8_t> data(old_len);
    std::memcpy(data.data(), p.mem.host(old_addr), old_len);
    int64_t m = p.mem.map(dest, new_len, orig.prot | PROT_WRITE, true, false, -1, 0, orig.name);
    if (m < 0) return static_cast<int32_t>(m);
    std::memcpy(p.mem.host(dest), data.data(), old_len);
    p.mem.protect(dest, new_len, orig.prot);
    p.mem.unmap(old_addr, old_len);
    return static_cast<int32_t>(dest);
}

int32_t sys_madvise(Process& p, const SyscallArgs& a) {
    if (a[0] & (kPageSize - 1)) return -EINVAL;
    if (!p.mem.check(a[0], a[1], 0)) return -ENOMEM;
    // MADV_DONTNEED on private anonymous memory must read back as zeros; the host call does it.
    return host_result(madvise(p.mem.host(a[0]), a[1], static_cast<int>(a[2])));
}

}  // namespace

void register_mm_syscalls() {
    register_syscall(45, sys_brk, "p:x");
    register_syscall(90, sys_old_mmap, "p:x");
    register_syscall(192, sys_mmap2, "pu**dx:x");
    register_syscall(91, sys_munmap, "pu");
    register_syscall(125, sys_mprotect, "pu*");
    register_syscall(163, sys_mremap, "puux*:x");
    register_syscall(219, sys_madvise, "pud");
}

}  // namespace gate386
