#include "cpu/exceptions.h"

#include <csignal>
#include <cstdio>
#include <mutex>
#include <unordered_map>

namespace gate386 {

namespace {
std::unordered_map<uint32_t, std::string>& unimplemented_texts() {
    static std::unordered_map<uint32_t, std::string> m;
    return m;
}
std::unordered_map<uint32_t, Handler>& addr16_handlers() {
    static std::unordered_map<uint32_t, Handler> m;
    return m;
}

void addr16_trampoline(Cpu& c, const Insn& i) {
    Insn copy = i;
    uint32_t off = (i.disp + (c.m_regs[i.base] & 0xffff) + (c.m_regs[i.index] & 0xffff)) & 0xffff;
    copy.disp = off;
    copy.base = copy.index = kZeroReg;
    copy.scale = 0;
    addr16_handlers()[i.eip](c, copy);
}
}  // namespace

[[noreturn]] void raise_fault(Cpu& c, int signo, int si_code, uint32_t addr) {
    c.m_fault.signo = signo;
    c.m_fault.si_code = si_code;
    c.m_fault.addr = addr;
    c.m_fault.eip = c.m_cur ? c.m_cur->eip : c.m_eip;
    c.m_event = CpuEvent::Fault;
    siglongjmp(c.m_fault_jmp, 1);
}

void insn_invalid(Cpu& c, const Insn& i) { raise_fault(c, SIGILL, ILL_ILLOPN, i.eip); }

void insn_unimplemented(Cpu& c, const Insn& i) {
    auto it = unimplemented_texts().find(i.eip);
    std::fprintf(stderr, "gate386: unimplemented instruction '%s' at eip=0x%08x\n",
                 it != unimplemented_texts().end() ? it->second.c_str() : "?", i.eip);
    raise_fault(c, SIGILL, ILL_ILLOPN, i.eip);
}

void insn_fetch_fault(Cpu& c, const Insn& i) { raise_fault(c, SIGSEGV, SEGV_MAPERR, i.imm); }

void insn_continue_at(Cpu& c, const Insn& i) { c.m_eip = i.imm; }

void insn_skip(Cpu&, const Insn&) {}

void record_unimplemented(uint32_t eip, const std::string& text) { unimplemented_texts()[eip] = text; }

bool wrap_addr16(const InsnDesc& d, Insn& rec) {
    addr16_handlers()[d.eip] = rec.fn;
    rec.fn = addr16_trampoline;
    return true;
}

}  // namespace gate386
