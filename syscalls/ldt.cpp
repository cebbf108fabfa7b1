// The local descriptor table: modify_ldt (arch/x86/kernel/ldt.c). The LDT is per process (per mm):
// descriptors in the kernel's 8-byte form, read back as such, selected by %fs/%gs with TI = 1.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "cpu/segments.h"
#include "syscalls/guest_types.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

namespace {

constexpr uint32_t kLdtEntrySize = 8;

// read_ldt: no LDT reads as nothing; otherwise min(bytecount, 64 KiB) bytes, the entries then
// zeros, and that count is the result.
int32_t read_ldt(Process& p, uint32_t ptr, uint32_t bytecount) {
    const std::vector<uint64_t>& ldt = p.cpu.m_ldt;
    if (ldt.empty()) return 0;
    bytecount = std::min(bytecount, kLdtEntrySize * kLdtEntries);
    std::vector<uint8_t> out(bytecount, 0);
    std::memcpy(out.data(), ldt.data(), std::min<size_t>(bytecount, ldt.size() * kLdtEntrySize));
    return p.mem.write(ptr, out.data(), out.size()) ? static_cast<int32_t>(bytecount) : -EFAULT;
}

// read_default_ldt: an x86-64 kernel gives 128 bytes of zeros at most (CONFIG_X86_64 branch).
int32_t read_default_ldt(Process& p, uint32_t ptr, uint32_t bytecount) {
    uint32_t n = std::min<uint32_t>(bytecount, 128);
    std::vector<uint8_t> zeros(n, 0);
    return !n || p.mem.write(ptr, zeros.data(), n) ? static_cast<int32_t>(n) : -EFAULT;
}

// write_ldt: func 1 is the old mode (an all-zero base and limit clears, AVL is dropped), 0x11 the
// new one. A cleared entry is all zeros; otherwise fill_ldt()'s descriptor.
int32_t write_ldt(Process& p, uint32_t ptr, uint32_t bytecount, bool oldmode) {
    if (bytecount != sizeof(GuestUserDesc)) return -EINVAL;
    GuestUserDesc d;
    if (!copy_from_guest(p, ptr, d)) return -EFAULT;
    if (d.entry_number >= kLdtEntries) return -EINVAL;
    const uint32_t contents = d.flags >> 1 & 3, not_present = d.flags >> 5 & 1;
    if (contents == 3 && (oldmode || !not_present)) return -EINVAL;
    // LDT_empty(): zero base and limit, read_exec_only and seg_not_present set, all else clear.
    const bool empty = d.base_addr == 0 && d.limit == 0 && (d.flags & 0x7f) == 0x28;
    uint64_t desc = 0;
    if (!((oldmode && !d.base_addr && !d.limit) || empty)) {
        desc = descriptor_from_user_desc(d.base_addr, d.limit, oldmode ? d.flags & ~(1u << 6) : d.flags);
    }
    std::vector<uint64_t>& ldt = p.cpu.m_ldt;
    if (ldt.size() <= d.entry_number) ldt.resize(d.entry_number + 1, 0);
    ldt[d.entry_number] = desc;
    // A segment register holding a selector of this entry sees the new descriptor at once (the
    // kernel reloads the LDT on every CPU running the mm, and the segment cache with it).
    const uint16_t sel = static_cast<uint16_t>(d.entry_number << 3 | 4);
    for (Sreg s : {kFs, kGs}) {
        if ((p.cpu.m_seg_sel[s] & ~3u) != sel) continue;
        uint32_t base = 0;
        if (check_segment_load(p.cpu, s, p.cpu.m_seg_sel[s], base) != SegmentCheck::kOk) base = 0;
        p.cpu.m_seg_base[s == kFs ? kSegFs : kSegGs] = base;
    }
    return 0;
}

// modify_ldt(func, ptr, bytecount); any other func is ENOSYS.
int32_t sys_modify_ldt(Process& p, const SyscallArgs& a) {
    switch (a[0]) {
    case 0: return read_ldt(p, a[1], a[2]);
    case 1: return write_ldt(p, a[1], a[2], true);
    case 2: return read_default_ldt(p, a[1], a[2]);
    case 0x11: return write_ldt(p, a[1], a[2], false);
    default: return -ENOSYS;
    }
}

}  // namespace

void register_ldt_syscalls() { register_syscall(123, sys_modify_ldt, "dpu"); }

}  // namespace gate386
