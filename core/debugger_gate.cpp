// The gate pane's data: the system call on its way into the kernel (number, name, arguments,
// arg6 as the sysenter path loads it from [ebp]), and each crossing's kernel side — entry,
// result, the exit taken (SYSEXIT to SYSENTER_RETURN or IRET) and its modelled cost
// (reference/linux-gate.md, ARCHITECTURE.md "Gates and costs").
#include <cstdio>
#include <cstring>
#include <elf.h>

#include "core/debugger.h"
#include "core/process.h"
#include "core/vdso_mapping.h"
#include "syscalls/gate_costs.h"
#include "syscalls/strace.h"
#include "syscalls/syscall_names.h"
#include "syscalls/syscall_table.h"

namespace gate386 {

namespace {

std::string hex(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", v);
    return buf;
}

std::string quoted(const uint8_t* b, uint32_t n, bool more) {
    std::string s = "\"";
    for (uint32_t k = 0; k < n; k++) {
        unsigned char ch = b[k];
        if (ch == '\n') s += "\\n";
        else if (ch == '\t') s += "\\t";
        else if (ch == '"' || ch == '\\') { s += '\\'; s += static_cast<char>(ch); }
        else if (ch >= 32 && ch < 127) s += static_cast<char>(ch);
        else { char e[8]; std::snprintf(e, sizeof e, "\\%o", ch); s += e; }
    }
    s += '"';
    if (more) s += "...";
    return s;
}

// The call as strace would show it at entry (syscall_table.h's argument formats).
std::string decode_call(const Process& p, uint32_t nr, const uint32_t args[6]) {
    const char* name = syscall_name(nr);
    std::string out = name ? name : "syscall_" + std::to_string(nr);
    const SyscallInfo& info = syscall_info(nr);
    const char* f = info.format ? info.format : "";
    out += '(';
    for (int k = 0; *f && *f != ':' && k < 6; f++, k++) {
        if (k) out += ", ";
        uint32_t v = args[k];
        switch (*f) {
        case 'd': case 'f': case 'F': out += std::to_string(static_cast<int32_t>(v)); break;
        case 'u': out += std::to_string(v); break;
        case 'o': out += format_open_flags(v); break;
        case 'm': { char b[16]; std::snprintf(b, sizeof b, "0%o", v); out += b; break; }
        case 's': {
            std::string s;
            if (v && p.mem.read_string(v, s, 64)) out += quoted(reinterpret_cast<const uint8_t*>(s.data()), uint32_t(s.size()), false);
            else out += hex(v);
            break;
        }
        case 'b': {
            uint32_t len = k < 5 ? args[k + 1] : 0;
            uint32_t n = len < 32 ? len : 32;
            uint8_t buf[32];
            if (v && p.mem.read(v, buf, n)) out += quoted(buf, n, len > n);
            else out += hex(v);
            break;
        }
        default: out += v ? hex(v) : (*f == 'p' ? "NULL" : "0"); break;
        }
    }
    out += ')';
    return out;
}

// linux-gate.md "The bytes (2.6.12)": the sysenter page's __kernel_vsyscall.
const uint8_t kSysenterStub[] = {0x51, 0x52, 0x55, 0x89, 0xe5, 0x0f, 0x34};
const uint8_t kInt80Stub[] = {0xcd, 0x80, 0xc3};

}  // namespace

void Debugger::fill_pending(GateCall& g, bool sysenter, uint32_t gate_eip, bool at_gate) {
    Process& p = *m_proc;
    Cpu& c = p.cpu;
    g.valid = true;
    g.sysenter = sysenter;
    g.insn_eip = gate_eip;
    g.via_vdso = p.vdso_entry && gate_eip >= p.vdso_entry && gate_eip < p.vdso_entry + 0x20;
    g.nr = c.m_regs[kEax];
    const char* name = syscall_name(g.nr);
    g.name = name ? name : "syscall_" + std::to_string(g.nr);
    g.args[0] = c.m_regs[kEbx];
    g.args[1] = c.m_regs[kEcx];
    g.args[2] = c.m_regs[kEdx];
    g.args[3] = c.m_regs[kEsi];
    g.args[4] = c.m_regs[kEdi];
    g.args[5] = c.m_regs[kEbp];
    g.arg6_source = "ebp";
    if (sysenter && at_gate) {
        // sysenter saves nothing: the kernel takes the user stack from EBP and loads arg6 from
        // 0(%ebp), the EBP that __kernel_vsyscall pushed (2.6.12 entry.S sysenter_entry).
        uint32_t v = 0;
        if (p.mem.read(c.m_regs[kEbp], &v, 4)) {
            g.args[5] = v;
            g.arg6_source = "[ebp] = [" + hex(c.m_regs[kEbp]) + "]";
        } else {
            g.arg6_source = "[ebp] unreadable: -EFAULT";
        }
    } else if (sysenter) {
        g.arg6_source = "ebp (pushed, then read back from [ebp] at sysenter)";
    }
    g.decoded = decode_call(p, g.nr, g.args);
}

void Debugger::before_gate(bool sysenter) {
    Process& p = *m_proc;
    GateCall g;
    fill_pending(g, sysenter, p.cpu.m_eip - 2, true);
    m_gate_clock0 = p.costs.clock;
    m_gate_mc0 = p.costs.gate_mc;
    m_kernel_mc0 = p.costs.kernel_mc;
    m_gate_in_flight = g;
}

void Debugger::after_gate() {
    Process& p = *m_proc;
    Cpu& c = p.cpu;
    GateCall& g = m_gate_in_flight;
    g.returned = true;
    g.exited = p.exited;
    g.result = static_cast<int32_t>(c.m_regs[kEax]);
    g.return_eip = c.m_eip;
    g.edx_after = c.m_regs[kEdx];
    g.ecx_after = c.m_regs[kEcx];
    g.esp_after = c.m_regs[kEsp];
    g.icount = c.m_icount;
    uint32_t normal_return = g.sysenter ? p.sysenter_return : g.insn_eip + 2;
    // execve and sigreturn load a whole new register state instead of returning a result.
    g.regs_replaced = !p.exited && (g.nr == kNrExecve || g.nr == 358 || g.nr == kNrSigreturn ||
                                    g.nr == kNrRtSigreturn) && c.m_eip != normal_return;
    if (p.exited) {
        g.exit_path = "none: the call ended the process";
    } else if (g.regs_replaced) {
        g.exit_path = (g.nr == kNrExecve || g.nr == 358) ? "to the new program's entry " + hex(c.m_eip)
                                                          : "IRET to the interrupted context " + hex(c.m_eip);
    } else if (g.sysenter) {
        g.exit_path = c.m_eip == p.sysenter_return
                          ? "SYSEXIT to SYSENTER_RETURN " + hex(c.m_eip) + " (EDX = " + hex(g.edx_after) +
                                ", ECX = user ESP " + hex(g.ecx_after) + ", EBP = 0)"
                          : "to " + hex(c.m_eip);
    } else {
        g.exit_path = "IRET to " + hex(c.m_eip) + " (every register but EAX preserved)";
    }
    g.have_cost = true;
    g.cost_mcycles = p.costs.clock - m_gate_clock0;
    g.gate_mcycles = p.costs.gate_mc - m_gate_mc0;
    g.kernel_mcycles = p.costs.kernel_mc - m_kernel_mc0;
    g.cost_note = syscall_cost_note(p, g.nr, g.result);
    m_last_gate = g;
}

void Debugger::after_signals() {
    // With work pending on the way out (a signal), a sysenter-entered call leaves through IRET
    // instead of SYSEXIT (gates.cpp gate_signal_return).
    Process& p = *m_proc;
    GateCall& g = m_last_gate;
    if (!g.valid || p.exited) return;
    if (g.sysenter && p.costs.frame.iret_exit && !g.regs_replaced) {
        g.exit_path = "IRET (work pending: a signal) to " + hex(p.costs.frame.return_eip);
        g.cost_mcycles = p.costs.clock - m_gate_clock0;
        g.gate_mcycles = p.costs.gate_mc - m_gate_mc0;
    }
    if (p.cpu.m_eip != g.return_eip && !g.regs_replaced)
        g.exit_path += ", then a signal handler at " + hex(p.cpu.m_eip);
}

GateView Debugger::gate_view() {
    GateView v;
    if (!m_proc) return v;
    Process& p = *m_proc;
    Cpu& c = p.cpu;
    refresh_symbols();
    v.eip = c.m_eip;
    v.vdso_base = p.vdso_base;
    v.in_vdso = p.vdso_base && c.m_eip >= p.vdso_base && c.m_eip < p.vdso_base + kVdsoSize;
    v.where = m_symbols.describe(c.m_eip);
    v.sysenter_return = p.sysenter_return;
    v.cpu_model = p.opts.cpu;
    if (p.costs.prices.mhz) v.cpu_model = p.costs.prices.model + " @ " + std::to_string(p.costs.prices.mhz) + " MHz";
    for (auto [type, val] : auxv()) {
        if (type == AT_SYSINFO) v.at_sysinfo = val;
        if (type == AT_SYSINFO_EHDR) v.at_sysinfo_ehdr = val;
    }
    uint8_t stub[16] = {};
    bool sysenter_page = false, int80_page = false;
    uint32_t entry = p.vdso_entry;
    if (entry && read_memory(entry, sizeof stub, stub) == sizeof stub) {
        sysenter_page = std::memcmp(stub, kSysenterStub, sizeof kSysenterStub) == 0;
        int80_page = std::memcmp(stub, kInt80Stub, sizeof kInt80Stub) == 0;
    }
    bool modern = sysenter_page && stub[7] == 0xcd && stub[8] == 0x80;
    if (!p.vdso_base) v.variant = "none (no vDSO mapped)";
    else if (sysenter_page) v.variant = modern ? "sysenter (modern layout: int $0x80 at +7)" : "sysenter (Linux 2.6.12 layout)";
    else if (int80_page) v.variant = "int $0x80 (the CPU has no SEP)";
    else v.variant = "unknown";

    // The instruction at EIP, and a call on its way.
    uint8_t b[2] = {};
    read_memory(c.m_eip, 2, b);
    uint32_t off = c.m_eip - entry;
    if (b[0] == 0x0f && b[1] == 0x34) {
        fill_pending(v.pending, true, c.m_eip, true);
        v.step_note = "sysenter: enters the kernel without saving a return address; the kernel takes "
                      "the user stack from EBP, arg6 from [ebp], and returns by SYSEXIT to "
                      "SYSENTER_RETURN";
    } else if (b[0] == 0xcd && b[1] == 0x80) {
        fill_pending(v.pending, false, c.m_eip, true);
        v.step_note = "int $0x80: the trap gate; EAX = number, EBX..EBP = arguments 1-6; returns by IRET "
                      "to the next instruction";
    } else if (sysenter_page && entry && c.m_eip >= entry && c.m_eip < entry + 0x14) {
        static const char* const notes[0x14] = {
            /* +0x0 */ "push %ecx: SYSEXIT will load ECX with the user stack pointer, so it is saved",
            /* +0x1 */ "push %edx: SYSEXIT will load EDX with the return address, so it is saved",
            /* +0x2 */ "push %ebp: EBP (arg6) is saved; the kernel reads it back from [ebp]",
            /* +0x3 */ "mov %esp,%ebp: EBP = the user stack pointer, which sysenter does not keep",
            nullptr, nullptr, nullptr,
            /* +0x7 */ "nop: padding up to the restart jump",
            "nop", "nop", "nop", "nop", "nop", "nop",
            /* +0xe */ "jmp .Lenter_kernel: the restart point (SYSENTER_RETURN - 2): a restarted call re-enters here",
            nullptr,
            /* +0x10 */ "SYSENTER_RETURN: pop %ebp restores EBP (SYSEXIT left it 0)",
            /* +0x11 */ "pop %edx: restores EDX",
            /* +0x12 */ "pop %ecx: restores ECX",
            /* +0x13 */ "ret: back to the caller with EAX = the result",
        };
        const char* n = off < 0x14 ? notes[off] : nullptr;
        if (n && *n) v.step_note = n;
        if (off < 5 || (off >= 0xe && off < 0x10)) {
            // Before the sysenter: the call being made.
            fill_pending(v.pending, true, entry + 5, false);
            if (off == 0xe || off == 0x3) {
                uint32_t a6 = 0;
                if (read_memory(c.m_regs[kEsp], 4, reinterpret_cast<uint8_t*>(&a6)) == 4) {
                    v.pending.args[5] = off == 0x3 ? c.m_regs[kEbp] : a6;
                    v.pending.arg6_source = off == 0x3 ? "ebp (also saved at [esp])" : "[esp] (the pushed EBP)";
                }
                v.pending.decoded = decode_call(p, v.pending.nr, v.pending.args);
            }
        }
    } else if (int80_page && entry && c.m_eip == entry + 2) {
        v.step_note = "ret: back to the caller with EAX = the result";
    }
    v.last = m_last_gate;
    return v;
}

}  // namespace gate386
