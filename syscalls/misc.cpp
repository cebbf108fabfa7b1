// System identity and the TLS descriptors: uname, set_thread_area, get_thread_area
// (kernel/sys.c, arch/x86/kernel/tls.c).
#include <algorithm>
#include <cstring>
#include <sys/utsname.h>

#include "cpu/segments.h"
#include "syscalls/guest_types.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

namespace {

template <size_t N> void copy_field(char (&dst)[N], const char* src) {
    size_t n = std::min(std::strlen(src), N - 1);
    std::memcpy(dst, src, n);
    dst[n] = 0;
}

// The guest sees an i686 machine: the identity of the CPU gate386 emulates (as qemu-i386 does).
int32_t sys_uname(Process& p, const SyscallArgs& a) {
    struct utsname h;
    if (uname(&h) != 0) return -errno;
    GuestUtsname g;
    std::memset(&g, 0, sizeof g);
    copy_field(g.sysname, h.sysname);
    copy_field(g.nodename, h.nodename);
    copy_field(g.release, h.release);
    copy_field(g.version, h.version);
    copy_field(g.machine, "i686");
    copy_field(g.domainname, h.domainname);
    return copy_to_guest(p, a[0], g) ? 0 : -EFAULT;
}

// set_thread_area(struct user_desc *): entry -1 picks the first free TLS slot and reports it back.
int32_t sys_set_thread_area(Process& p, const SyscallArgs& a) {
    GuestUserDesc d;
    if (!copy_from_guest(p, a[0], d)) return -EFAULT;
    Cpu& c = p.cpu;
    uint32_t idx = d.entry_number;
    if (idx == 0xffffffffu) {
        for (unsigned k = 0; k < kTlsEntries; k++)
            if (!c.m_tls[k].present) { idx = kTlsFirstEntry + k; break; }
        if (idx == 0xffffffffu) return -ESRCH;
        d.entry_number = idx;
        if (!copy_to_guest(p, a[0], d)) return -EFAULT;
    }
    if (idx < kTlsFirstEntry || idx >= kTlsFirstEntry + kTlsEntries) return -EINVAL;
    TlsDescriptor& t = c.m_tls[idx - kTlsFirstEntry];
    bool empty = d.base_addr == 0 && d.limit == 0 && (d.flags & 0x28) == 0x28;   // LDT_empty()
    t.present = !empty && !(d.flags & (1u << 5));   // seg_not_present
    t.base = d.base_addr;
    t.limit = d.limit;
    t.flags = d.flags;
    // A segment register already holding this selector sees the new base (tls.c load_TLS).
    uint16_t sel = static_cast<uint16_t>((idx << 3) | 3);
    if (c.m_seg_sel[kFs] == sel) c.m_seg_base[kSegFs] = t.present ? t.base : 0;
    if (c.m_seg_sel[kGs] == sel) c.m_seg_base[kSegGs] = t.present ? t.base : 0;
    return 0;
}

int32_t sys_get_thread_area(Process& p, const SyscallArgs& a) {
    GuestUserDesc d;
    if (!copy_from_guest(p, a[0], d)) return -EFAULT;
    uint32_t idx = d.entry_number;
    if (idx < kTlsFirstEntry || idx >= kTlsFirstEntry + kTlsEntries) return -EINVAL;
    const TlsDescriptor& t = p.cpu.m_tls[idx - kTlsFirstEntry];
    d.base_addr = t.base;
    d.limit = t.limit;
    d.flags = t.present ? t.flags : 0x28;
    return copy_to_guest(p, a[0], d) ? 0 : -EFAULT;
}

}  // namespace

void register_misc_syscalls() {
    register_syscall(122, sys_uname, "p");
    register_syscall(243, sys_set_thread_area, "p");
    register_syscall(244, sys_get_thread_area, "p");
}

}  // namespace gate386
