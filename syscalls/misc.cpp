// System identity, the TLS descriptors and per-process switches: uname, set_thread_area,
// get_thread_area, prctl, capget, capset (kernel/sys.c, arch/x86/kernel/tls.c, kernel/capability.c).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <vector>

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

// ---- prctl ----

// Options are include/uapi/linux/prctl.h. They fall in three groups:
//  - per-task switches whose state lives in the host task and means the same for the guest
//    (death signal, dumpable, no_new_privs, timer slack, child subreaper, the name...): passed on;
//  - queries and settings about the guest's own memory or CPU (PR_GET_TID_ADDRESS, PR_GET_AUXV,
//    PR_SET_MM, PR_SET_TSC, seccomp, syscall user dispatch...): answered from gate386's state, or
//    refused, since applying them to the host process would change gate386 rather than the guest;
//  - options for other architectures: the host kernel says EINVAL, as it would to an i386 caller.
enum : uint32_t {
    kPrSetPdeathsig = 1, kPrGetPdeathsig = 2, kPrGetDumpable = 3, kPrSetDumpable = 4, kPrGetUnalign = 5,
    kPrGetKeepcaps = 7, kPrSetKeepcaps = 8, kPrGetFpemu = 9, kPrGetFpexc = 11, kPrGetTiming = 13,
    kPrSetTiming = 14, kPrSetName = 15, kPrGetName = 16, kPrGetEndian = 19, kPrSetEndian = 20,
    kPrGetSeccomp = 21, kPrSetSeccomp = 22, kPrCapbsetRead = 23, kPrCapbsetDrop = 24, kPrGetTsc = 25,
    kPrSetTsc = 26, kPrGetSecurebits = 27, kPrSetSecurebits = 28, kPrSetTimerslack = 29, kPrGetTimerslack = 30,
    kPrTaskPerfEventsDisable = 31, kPrTaskPerfEventsEnable = 32, kPrMceKill = 33, kPrMceKillGet = 34,
    kPrSetMm = 35, kPrSetChildSubreaper = 36, kPrGetChildSubreaper = 37, kPrSetNoNewPrivs = 38,
    kPrGetNoNewPrivs = 39, kPrGetTidAddress = 40, kPrSetThpDisable = 41, kPrGetThpDisable = 42,
    kPrMpxEnable = 43, kPrMpxDisable = 44, kPrSetFpMode = 45, kPrGetFpMode = 46, kPrCapAmbient = 47,
    kPrSveSetVl = 50, kPrSveGetVl = 51, kPrGetSpeculationCtrl = 52, kPrSetSpeculationCtrl = 53,
    kPrPacResetKeys = 54, kPrSetTaggedAddrCtrl = 55, kPrGetTaggedAddrCtrl = 56, kPrSetIoFlusher = 57,
    kPrGetIoFlusher = 58, kPrSetSyscallUserDispatch = 59, kPrPacSetEnabledKeys = 60,
    kPrPacGetEnabledKeys = 61, kPrSchedCore = 62, kPrSmeSetVl = 63, kPrSmeGetVl = 64, kPrSetMdwe = 65,
    kPrGetMdwe = 66, kPrSetMemoryMergeable = 67, kPrGetMemoryMergeable = 68, kPrRiscvVSetControl = 69,
    kPrRiscvVGetControl = 70, kPrRiscvSetIcacheFlushCtx = 71, kPrPpcGetDexcr = 72, kPrPpcSetDexcr = 73,
    kPrGetShadowStackStatus = 74, kPrSetShadowStackStatus = 75, kPrLockShadowStackStatus = 76,
    kPrTimerCreateRestoreIds = 77, kPrFutexHash = 78,
    kPrSetVma = 0x53564d41, kPrGetAuxv = 0x41555856,
};

// One line the first time a guest uses an option gate386 does not carry out, then EINVAL (what a
// kernel without the feature answers).
int32_t prctl_unsupported(uint32_t option, const char* what) {
    static std::set<uint32_t> said;
    if (said.insert(option).second)
        std::fprintf(stderr, "gate386: unsupported prctl option %u (%s)\n", option, what);
    return -EINVAL;
}

int32_t host_prctl(uint32_t o, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5) {
    return host_result(prctl(static_cast<int>(o), static_cast<unsigned long>(a2), static_cast<unsigned long>(a3),
                             static_cast<unsigned long>(a4), static_cast<unsigned long>(a5)));
}

int32_t sys_prctl(Process& p, const SyscallArgs& a) {
    uint32_t o = a[0];
    switch (o) {
    // Per-task state the host task holds for the guest; arguments are values, results too.
    case kPrSetPdeathsig: case kPrGetDumpable: case kPrSetDumpable: case kPrGetKeepcaps: case kPrSetKeepcaps:
    case kPrGetTiming: case kPrSetTiming: case kPrGetSeccomp: case kPrCapbsetRead: case kPrCapbsetDrop:
    case kPrGetSecurebits: case kPrSetSecurebits: case kPrSetTimerslack: case kPrGetTimerslack:
    case kPrTaskPerfEventsDisable: case kPrTaskPerfEventsEnable: case kPrMceKill: case kPrMceKillGet:
    case kPrSetChildSubreaper: case kPrSetNoNewPrivs: case kPrGetNoNewPrivs: case kPrSetThpDisable:
    case kPrGetThpDisable: case kPrCapAmbient: case kPrGetSpeculationCtrl: case kPrSetSpeculationCtrl:
    case kPrSetIoFlusher: case kPrGetIoFlusher: case kPrSchedCore: case kPrGetMdwe:
    case kPrSetMemoryMergeable: case kPrGetMemoryMergeable:
        return host_prctl(o, a[1], a[2], a[3], a[4]);
    // Options of other architectures, or of hardware an i386 task does not have: the host's EINVAL.
    case kPrGetUnalign: case kPrGetUnalign + 1: case kPrGetFpemu: case kPrGetFpemu + 1: case kPrGetFpexc:
    case kPrGetFpexc + 1: case kPrGetEndian: case kPrSetEndian: case kPrMpxEnable: case kPrMpxDisable:
    case kPrSetFpMode: case kPrGetFpMode: case kPrSveSetVl: case kPrSveGetVl: case kPrPacResetKeys:
    case kPrSetTaggedAddrCtrl: case kPrGetTaggedAddrCtrl: case kPrPacSetEnabledKeys: case kPrPacGetEnabledKeys:
    case kPrSmeSetVl: case kPrSmeGetVl: case kPrRiscvVSetControl: case kPrRiscvVGetControl:
    case kPrRiscvSetIcacheFlushCtx: case kPrPpcGetDexcr: case kPrPpcSetDexcr: case kPrGetShadowStackStatus:
    case kPrSetShadowStackStatus: case kPrLockShadowStackStatus:
        return -EINVAL;
    // The results are stored through a pointer: an int, or the 16-byte name.
    case kPrGetPdeathsig: case kPrGetChildSubreaper: {
        int v = 0;
        if (prctl(static_cast<int>(o), &v, 0, 0, 0) < 0) return -errno;
        return copy_to_guest(p, a[1], v) ? 0 : -EFAULT;
    }
    case kPrSetName: {
        // strncpy_from_user of TASK_COMM_LEN - 1 bytes: a longer name is cut, not refused.
        char name[16] = {};
        for (uint32_t k = 0; k < 15; k++) {
            if (!p.mem.read(a[1] + k, &name[k], 1)) return -EFAULT;
            if (!name[k]) break;
        }
        return host_result(prctl(PR_SET_NAME, name, 0, 0, 0));
    }
    case kPrGetName: {
        char name[16] = {};
        if (prctl(PR_GET_NAME, name, 0, 0, 0) < 0) return -errno;
        return p.mem.write(a[1], name, sizeof name) ? 0 : -EFAULT;
    }
    case kPrGetTidAddress: {
        // kernel/sys.c prctl_get_tid_address stores through an `int __user * __user *`, which is an
        // 8-byte put_user on x86-64 even for an i386 caller: the word after the pointer is zeroed.
        uint64_t v = p.clear_child_tid;
        return copy_to_guest(p, a[1], v) ? 0 : -EFAULT;
    }
    case kPrGetAuxv: {
        // kernel/sys.c prctl_get_auxv copies mm->saved_auxv, cut to the buffer, and returns the
        // array's whole size, sizeof(saved_auxv) -- a constant of the host kernel, which is the
        // same for our own call. For an i386 task the array holds 32-bit pairs (create_elf_tables
        // through compat_binfmt_elf.c), zero after AT_NULL: the guest's vector padded the same way.
        if (a[3] || a[4]) return -EINVAL;
        long full = prctl(kPrGetAuxv, nullptr, 0, 0, 0);
        uint32_t size = full > 0 ? static_cast<uint32_t>(full) : p.auxv_len;
        std::vector<uint8_t> buf(std::max(size, p.auxv_len), 0);
        p.mem.read(p.auxv_addr, buf.data(), p.auxv_len);
        uint32_t n = std::min(a[2], size);
        if (n && !p.mem.write(a[1], buf.data(), n)) return -EFAULT;
        return static_cast<int32_t>(size);
    }
    case kPrGetTsc: {
        // RDTSC always works for the guest (it is emulated): PR_TSC_ENABLE.
        int32_t v = 1;
        return copy_to_guest(p, a[1], v) ? 0 : -EFAULT;
    }
    case kPrSetVma:
        // Naming anonymous mappings (CONFIG_ANON_VMA_NAME); a kernel without it says EINVAL, and
        // callers (glibc's malloc among them) ignore the failure.
        return -EINVAL;
    case kPrSetSeccomp: return prctl_unsupported(o, "PR_SET_SECCOMP: filters would apply to gate386's own calls");
    case kPrSetTsc: return prctl_unsupported(o, "PR_SET_TSC");
    case kPrSetMm: return prctl_unsupported(o, "PR_SET_MM");
    case kPrSetSyscallUserDispatch: return prctl_unsupported(o, "PR_SET_SYSCALL_USER_DISPATCH");
    case kPrSetMdwe: return prctl_unsupported(o, "PR_SET_MDWE");
    case kPrTimerCreateRestoreIds: case kPrFutexHash: return host_prctl(o, a[1], a[2], a[3], a[4]);
    default: return -EINVAL;   // kernel/sys.c: unknown options are EINVAL
    }
}

// capget/capset: struct __user_cap_header_struct {u32 version; int pid} and an array of
// struct __user_cap_data_struct {u32 effective, permitted, inheritable} -- the same bytes on
// i386 and x86-64. The number of data structs depends on the version the header names
// (kernel/capability.c cap_validate_magic: 1 for v1, 2 for v2/v3); an unknown version is
// written back with the preferred one, which the host does in place.
int32_t cap_call(Process& p, const SyscallArgs& a, long nr) {
    void* hdr = guest_out(p, a[0], 8);
    if (!hdr) return -EFAULT;
    uint32_t version;
    std::memcpy(&version, hdr, 4);
    uint32_t count = version == 0x19980330u ? 1 : 2;
    void* data = nullptr;
    if (a[1]) {
        data = nr == SYS_capget ? guest_out(p, a[1], 12 * count) : const_cast<void*>(guest_in(p, a[1], 12 * count));
        if (!data && (version == 0x19980330u || version == 0x20071026u || version == 0x20080522u)) return -EFAULT;
    }
    return host_result(syscall(nr, hdr, data));
}
int32_t sys_capget(Process& p, const SyscallArgs& a) { return cap_call(p, a, SYS_capget); }
int32_t sys_capset(Process& p, const SyscallArgs& a) { return cap_call(p, a, SYS_capset); }

}  // namespace

void register_misc_syscalls() {
    register_syscall(172, sys_prctl, "dxxxx");
    register_syscall(184, sys_capget, "pp");
    register_syscall(185, sys_capset, "pp");
    register_syscall(122, sys_uname, "p");
    register_syscall(243, sys_set_thread_area, "p");
    register_syscall(244, sys_get_thread_area, "p");
}

}  // namespace gate386
