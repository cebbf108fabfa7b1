// Memory management: brk mmap mmap2 munmap mprotect mremap madvise msync mincore mlock munlock
// mlockall munlockall mlock2 (mm/mmap.c, mm/mremap.c, mm/msync.c, mm/mincore.c, mm/mlock.c).
#include <cstring>
#include <cstdio>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

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

// The name /proc/self/maps shows for a file mapping: the file's path as the kernel prints it
// (d_path, with " (deleted)" for unlinked files and "/memfd:NAME (deleted)" for memfds), which is
// what the host's /proc/self/fd link holds.
std::string mapped_file_name(int fd) {
    char link[64], target[4096];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    return n > 0 ? std::string(target, static_cast<size_t>(n)) : std::string();
}

int32_t do_mmap(Process& p, uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags, int32_t fd, uint64_t off) {
    if (len == 0) return -EINVAL;
    if (prot & ~uint32_t(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
    bool shared = (flags & 3) == MAP_SHARED || (flags & 3) == MAP_SHARED_VALIDATE;
    if ((flags & 3) == 0) return -EINVAL;
    bool anon = flags & MAP_ANONYMOUS;
    if (!anon && fd < 0) return -EBADF;
    std::string name;
    if (!anon) {
        struct stat st;
        if (fstat(fd, &st) != 0) return -EBADF;
        // A private mapping of /dev/zero is anonymous memory (drivers/char/mem.c mmap_zero:
        // vma_set_anonymous), shown without a name; a shared one is shmem, "/dev/zero (deleted)".
        if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 5 && !shared) anon = true;
        else name = mapped_file_name(fd);
    }
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    if (fixed && (flags & MAP_FIXED_NOREPLACE)) {
        for (uint64_t pg = page_down(addr); pg < uint64_t(addr) + len; pg += kPageSize)
            if (p.mem.region_at(static_cast<uint32_t>(pg))) return -EEXIST;
    }
    int64_t r = p.mem.map(addr, len, static_cast<int>(prot & 7), fixed, shared, anon ? -1 : fd, anon ? 0 : off, name);
    if (r < 0) return static_cast<int32_t>(r);
    uint32_t at = static_cast<uint32_t>(r);
    // MAP_POPULATE prefaults the pages (mm/gup.c populate_vma_page_range): write faults for a
    // private writable mapping, read faults otherwise. Failures are ignored, as mm_populate does.
    if ((flags & MAP_POPULATE) && (prot & 7)) {
        int advice = ((prot & PROT_WRITE) && !shared) ? MADV_POPULATE_WRITE : MADV_POPULATE_READ;
        madvise(p.mem.host(at), page_up(len), advice);
    }
    return static_cast<int32_t>(at);
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
// mm/mprotect.c do_mprotect_pkey: PROT_GROWSDOWN and PROT_GROWSUP together are EINVAL, then
// alignment, an empty range is a no-op, then arch_validate_prot (READ|WRITE|EXEC|SEM only).
int32_t sys_mprotect(Process& p, const SyscallArgs& a) {
    uint32_t prot = a[2];
    uint32_t grows = prot & uint32_t(PROT_GROWSDOWN | PROT_GROWSUP);
    prot &= ~grows;
    if (grows == uint32_t(PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
    if (a[0] & (kPageSize - 1)) return -EINVAL;
    if (a[1] == 0) return 0;
    if (uint64_t(a[0]) + page_up(a[1]) > kGuestSpace) return -ENOMEM;
    constexpr uint32_t kProtSem = 0x8;
    if (prot & ~uint32_t(PROT_READ | PROT_WRITE | PROT_EXEC | kProtSem)) return -EINVAL;
    return p.mem.protect(a[0], a[1], static_cast<int>(prot & 7));
}

// mremap (mm/mremap.c), in the kernel's order of checks: flags, alignment, lengths; with
// MREMAP_FIXED or MREMAP_DONTUNMAP the target is cleared and the pages move there (a shrinking
// move drops the tail first); otherwise a shrink unmaps the tail in place, a growth extends in
// place when the pages above are free, or moves with MREMAP_MAYMOVE. Moves are host mremaps of
// the host pages (GuestMemory::remap), so file and shared mappings keep their backing.
int32_t sys_mremap(Process& p, const SyscallArgs& a) {
    constexpr uint32_t kDontunmap = 4;   // MREMAP_DONTUNMAP, include/uapi/linux/mman.h
    uint32_t addr = a[0], flags = a[3], new_addr = a[4];
    if (flags & ~uint32_t(MREMAP_FIXED | MREMAP_MAYMOVE | kDontunmap)) return -EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
    if ((flags & kDontunmap) && (!(flags & MREMAP_MAYMOVE) || a[1] != a[2])) return -EINVAL;
    if (addr & (kPageSize - 1)) return -EINVAL;
    uint64_t old_len = page_up(a[1]), new_len = page_up(a[2]);
    if (new_len == 0 || new_len > kTopPage) return -EINVAL;
    // The old range must lie inside mapped memory (vma_to_resize: EFAULT otherwise).
    auto mapped = [&](uint64_t from, uint64_t len) {
        return from + len <= kGuestSpace && p.mem.check(static_cast<uint32_t>(from), static_cast<uint32_t>(len), 0);
    };
    auto is_free = [&](uint64_t from, uint64_t to) {
        for (uint64_t pg = from; pg < to; pg += kPageSize)
            if (p.mem.region_at(static_cast<uint32_t>(pg))) return false;
        return true;
    };
    if (flags & (MREMAP_FIXED | kDontunmap)) {
        if (flags & MREMAP_FIXED) {
            if (new_addr & (kPageSize - 1)) return -EINVAL;
            if (uint64_t(new_addr) + new_len > kTopPage) return -EINVAL;
            if (new_addr < addr + old_len && addr < new_addr + new_len) return -EINVAL;   // overlap
        }
        if (!p.mem.region_at(addr)) return -EFAULT;
        if (flags & MREMAP_FIXED) p.mem.unmap(new_addr, static_cast<uint32_t>(new_len));
        if (old_len > new_len) {
            p.mem.unmap(static_cast<uint32_t>(addr + new_len), static_cast<uint32_t>(old_len - new_len));
            old_len = new_len;
        }
        if (!mapped(addr, old_len ? old_len : 1)) return -EFAULT;
        if (!(flags & MREMAP_FIXED)) {
            new_addr = p.mem.find_free(static_cast<uint32_t>(new_len));
            if (!new_addr) return -ENOMEM;
        }
        int64_t r = p.mem.remap(addr, static_cast<uint32_t>(old_len), new_addr, static_cast<uint32_t>(new_len),
                                flags & kDontunmap);
        return static_cast<int32_t>(r);
    }
    if (!p.mem.region_at(addr)) return -EFAULT;
    if (old_len >= new_len) {
        if (old_len > new_len) p.mem.unmap(static_cast<uint32_t>(addr + new_len), static_cast<uint32_t>(old_len - new_len));
        return static_cast<int32_t>(addr);
    }
    if (!mapped(addr, old_len ? old_len : 1)) return -EFAULT;
    uint64_t old_end = addr + old_len, new_end = addr + new_len;
    if (new_end <= kTopPage && new_end <= p.stack_top && is_free(old_end, new_end)) {
        if (p.mem.remap(addr, static_cast<uint32_t>(old_len), addr, static_cast<uint32_t>(new_len), false) >= 0)
            return static_cast<int32_t>(addr);
    }
    if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
    uint32_t dest = p.mem.find_free(static_cast<uint32_t>(new_len));
    if (!dest) return -ENOMEM;
    return static_cast<int32_t>(p.mem.remap(addr, static_cast<uint32_t>(old_len), dest, static_cast<uint32_t>(new_len), false));
}

int32_t sys_madvise(Process& p, const SyscallArgs& a) {
    if (a[0] & (kPageSize - 1)) return -EINVAL;
    if (!p.mem.check(a[0], a[1], 0)) return -ENOMEM;
    // MADV_DONTNEED on private anonymous memory must read back as zeros; the host call does it.
    return host_result(madvise(p.mem.host(a[0]), a[1], static_cast<int>(a[2])));
}

// msync: the range must be page aligned and mapped (ENOMEM for a hole, mm/msync.c); the host
// syncs the same pages, which are the guest's file mappings.
int32_t sys_msync(Process& p, const SyscallArgs& a) {
    uint32_t flags = a[2];
    if (flags & ~uint32_t(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) return -EINVAL;
    if ((flags & MS_ASYNC) && (flags & MS_SYNC)) return -EINVAL;
    if (a[0] & (kPageSize - 1)) return -EINVAL;
    uint64_t len = page_up(a[1]);
    if (uint64_t(a[0]) + len > kGuestSpace) return -ENOMEM;
    if (len == 0) return 0;
    for (uint64_t pg = a[0]; pg < uint64_t(a[0]) + len; pg += kPageSize)
        if (!p.mem.region_at(static_cast<uint32_t>(pg))) return -ENOMEM;
    return host_result(msync(p.mem.host(a[0]), len, static_cast<int>(flags)));
}

// mincore(addr, len, vec): one byte per page, bit 0 = resident (mm/mincore.c). The address must be
// page aligned, every page mapped, and the vector writable.
int32_t sys_mincore(Process& p, const SyscallArgs& a) {
    if (a[0] & (kPageSize - 1)) return -EINVAL;
    uint64_t len = page_up(a[1]);
    if (uint64_t(a[0]) + len > kGuestSpace) return -ENOMEM;
    uint32_t pages = static_cast<uint32_t>(len / kPageSize);
    for (uint32_t k = 0; k < pages; k++)
        if (!p.mem.region_at(a[0] + k * kPageSize)) return -ENOMEM;
    if (pages == 0) return 0;
    void* vec = guest_out(p, a[2], pages);
    if (!vec) return -EFAULT;
    // A PROT_NONE guest page is a PROT_NONE host page: the host answers for it as well.
    return host_result(mincore(p.mem.host(a[0]), len, static_cast<unsigned char*>(vec)));
}

// mlock/munlock/mlock2 act on the host pages that are the guest's (mapped: ENOMEM for a hole).
int32_t lock_range(Process& p, uint32_t addr, uint32_t len, bool lock, uint32_t flags) {
    uint32_t start = page_down(addr);
    uint64_t end = page_up(uint64_t(addr) + len);
    if (end > kGuestSpace) return -ENOMEM;
    for (uint64_t pg = start; pg < end; pg += kPageSize)
        if (!p.mem.region_at(static_cast<uint32_t>(pg))) return -ENOMEM;
    if (end == start) return 0;
    if (!lock) return host_result(munlock(p.mem.host(start), end - start));
    return host_result(syscall(SYS_mlock2, p.mem.host(start), static_cast<size_t>(end - start), flags));
}
int32_t sys_mlock(Process& p, const SyscallArgs& a) { return lock_range(p, a[0], a[1], true, 0); }
int32_t sys_munlock(Process& p, const SyscallArgs& a) { return lock_range(p, a[0], a[1], false, 0); }
int32_t sys_mlock2(Process& p, const SyscallArgs& a) {
    if (a[2] & ~uint32_t(MLOCK_ONFAULT)) return -EINVAL;
    return lock_range(p, a[0], a[1], true, a[2]);
}
// mlockall would lock gate386's own memory and its whole guest reservation on the host; the guest
// can only observe the flags check (mm/mlock.c), so that is what is done.
int32_t sys_mlockall(Process&, const SyscallArgs& a) {
    uint32_t f = a[0];
    if (!f || (f & ~uint32_t(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || f == MCL_ONFAULT) return -EINVAL;
    return 0;
}
int32_t sys_munlockall(Process&, const SyscallArgs&) { return 0; }

}  // namespace

void register_mm_syscalls() {
    register_syscall(45, sys_brk, "p:x");
    register_syscall(90, sys_old_mmap, "p:x");
    register_syscall(192, sys_mmap2, "pu**dx:x");
    register_syscall(91, sys_munmap, "pu");
    register_syscall(125, sys_mprotect, "pu*");
    register_syscall(163, sys_mremap, "puux*:x");
    register_syscall(219, sys_madvise, "pud");
    register_syscall(144, sys_msync, "pux");
    register_syscall(218, sys_mincore, "pup");
    register_syscall(150, sys_mlock, "pu");
    register_syscall(151, sys_munlock, "pu");
    register_syscall(152, sys_mlockall, "x");
    register_syscall(153, sys_munlockall, "");
    register_syscall(376, sys_mlock2, "pux");
}

}  // namespace gate386
