// Reading directories: getdents64 and the old getdents (fs/readdir.c).
// The records are read through the ia32 entry where the host has one (fs_open.cpp explains why:
// ext4 then hands out the 32-bit directory cookies an i386 program gets, and the old getdents
// gets the compat record layout from the kernel itself). Without it they are read with the host's
// getdents64 and converted here.
#include <algorithm>
#include <cstring>
#include <string>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

#include "syscalls/guest_types.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

// fs_open.cpp
int32_t fs_ia32_call(uint32_t nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d);
uint8_t* fs_ia32_scratch(size_t len);

namespace {

constexpr uint32_t kNrIa32Getdents = 141, kNrIa32Getdents64 = 220;
// One call returns at most this much; the kernel fills what fits, so a shorter read is only a
// shorter result, which the caller loops over anyway.
constexpr uint32_t kMaxChunk = 1u << 20;

// How many bytes from addr the guest can have written, up to len.
uint32_t writable_prefix(Process& p, uint32_t addr, uint32_t len) {
    len = static_cast<uint32_t>(std::min<uint64_t>(len, kGuestSpace - addr));
    uint32_t n = 0;
    while (n < len) {
        uint32_t a = addr + n;
        uint32_t step = std::min(len - n, kPageSize - (a & (kPageSize - 1)));
        if (!p.mem.check(a, step, PROT_WRITE)) break;
        n += step;
    }
    return n;
}

// Fills `out` with at most `room` bytes of records in the guest's format: i386 struct
// linux_dirent when `old`, else struct linux_dirent64. Returns the byte count or -errno; the
// directory position ends after the last record returned, as with the kernel call.
int32_t read_records(int fd, bool old, uint32_t room, std::vector<uint8_t>& out) {
    if (uint8_t* low = fs_ia32_scratch(std::max<uint32_t>(room, 1))) {
        int32_t r = fs_ia32_call(old ? kNrIa32Getdents : kNrIa32Getdents64, static_cast<uint32_t>(fd),
                                 static_cast<uint32_t>(reinterpret_cast<uintptr_t>(low)), room, 0);
        if (r > 0) out.assign(low, low + r);
        return r;
    }
    out.resize(room);
    off_t start = old ? lseek(fd, 0, SEEK_CUR) : 0;
    long r = syscall(SYS_getdents64, fd, out.data(), size_t{room});
    if (r < 0) return -errno;
    out.resize(static_cast<size_t>(r));
    if (!old) return static_cast<int32_t>(r);
    // Convert to the 32-bit records (fs/readdir.c compat_filldir): reclen = ALIGN(10 + namelen + 2,
    // 4), the type in the last byte. Each one is no longer than its 64-bit original, so they all
    // fit. An inode (or, here, a cookie) that does not fit 32 bits ends the read with EOVERFLOW,
    // or with the records before it, the position left after the last one returned.
    std::vector<uint8_t> conv;
    size_t at = 0;
    int64_t resume = start;
    bool stopped = false;
    while (at < out.size()) {
        GuestDirent64Head h;
        std::memcpy(&h, out.data() + at, sizeof h);
        const char* name = reinterpret_cast<const char*>(out.data() + at + sizeof h);
        size_t namelen = strnlen(name, h.d_reclen - sizeof h);
        if (h.d_ino > 0xffffffffu || static_cast<uint64_t>(h.d_off) > 0xffffffffu) {
            stopped = true;
            break;
        }
        uint16_t reclen = static_cast<uint16_t>((sizeof(GuestDirentHead) + namelen + 2 + 3) & ~size_t{3});
        GuestDirentHead g{static_cast<uint32_t>(h.d_ino), static_cast<uint32_t>(h.d_off), reclen};
        size_t base = conv.size();
        conv.resize(base + reclen, 0);
        std::memcpy(conv.data() + base, &g, sizeof g);
        std::memcpy(conv.data() + base + sizeof g, name, namelen);
        conv[base + reclen - 1] = h.d_type;
        resume = h.d_off;
        at += h.d_reclen;
    }
    if (stopped) {
        lseek(fd, resume, SEEK_SET);
        if (conv.empty()) return -EOVERFLOW;
    }
    out.swap(conv);
    return static_cast<int32_t>(out.size());
}

// getdents64(fd, buf, count) / getdents(fd, buf, count). The kernel stores record by record and
// stops at the first one it cannot store: none stored is EFAULT with the position unchanged (or 0
// at the end of the directory); otherwise the records stored so far are the result
// (fs/readdir.c filldir64 and ksys_getdents64). The same happens here by reading only as much as
// the guest buffer's writable prefix holds.
int32_t do_getdents(Process& p, int fd, uint32_t buf, uint32_t count, bool old) {
    uint32_t n = std::min(count, kMaxChunk);
    uint32_t room = writable_prefix(p, buf, n);
    std::vector<uint8_t> recs;
    int32_t r = room > 0 || n == 0 ? read_records(fd, old, room, recs) : -EINVAL;
    if (r == -EINVAL && room < n) {
        // The first record did not fit the writable part. With the guest's whole count the
        // kernel either finds it too big for the count as well (EINVAL), has nothing left (0), or
        // faults storing it: EFAULT, the position unchanged.
        off_t pos = lseek(fd, 0, SEEK_CUR);
        r = read_records(fd, old, n, recs);
        if (r <= 0) return r;
        lseek(fd, pos, SEEK_SET);
        return -EFAULT;
    }
    if (r > 0 && !p.mem.write(buf, recs.data(), static_cast<uint32_t>(r))) return -EFAULT;
    return r;
}

int32_t sys_getdents64(Process& p, const SyscallArgs& a) { return do_getdents(p, static_cast<int>(a[0]), a[1], a[2], false); }
int32_t sys_getdents(Process& p, const SyscallArgs& a) { return do_getdents(p, static_cast<int>(a[0]), a[1], a[2], true); }

}  // namespace

void register_fs_dir_syscalls() {
    register_syscall(220, sys_getdents64, "fpu");
    register_syscall(141, sys_getdents, "fpu");
}

}  // namespace gate386
