// x87 control instructions: FLDCW FNSTCW FNSTSW FNCLEX FNINIT FWAIT FNOP (SDM Vol.1 8.3.11), the
// deferred-exception report (SDM Vol.1 8.6), and decode helpers shared by the x87 families.
#include "cpu/x87_internal.h"

namespace gate386 {
namespace x87 {

uint16_t fop_of(const InsnDesc& d) {
    unsigned k = 0;
    // Skip legacy prefixes to the D8..DF escape byte; the ModRM byte follows it.
    while (k + 1 < d.len) {
        uint8_t b = d.bytes[k];
        if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65 ||
            b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3)
            k++;
        else
            break;
    }
    if (k + 1 >= d.len || (d.bytes[k] & 0xf8) != 0xd8) return 0;
    return uint16_t(((d.bytes[k] & 7u) << 8) | d.bytes[k + 1]);
}

// The kernel turns #MF into SIGFPE with si_code from the unmasked flags, invalid operation first
// (arch/x86/kernel/fpu/core.c fpu__exception_code); si_addr is the reporting instruction.
[[noreturn]] void raise_pending(Cpu& c, const Insn& i) {
    uint16_t err = c.m_x87.sw & ~c.m_x87.cw & kFswExceptions;
    int code = (err & kFswIE) ? FPE_FLTINV
             : (err & kFswZE) ? FPE_FLTDIV
             : (err & kFswOE) ? FPE_FLTOVF
             : (err & (kFswDE | kFswUE)) ? FPE_FLTUND
             : (err & kFswPE) ? FPE_FLTRES : 0;
    raise_fault(c, SIGFPE, code, i.eip);
}

uint16_t g_host_cc = 0xffff;
uint16_t g_host_exc = 0xffff;

// FLDENV of an image with the host's control word, the wanted condition codes, no exception flags,
// TOP 0 and every register empty: valid because the host register stack is empty at a call.
__attribute__((noinline)) void set_host_cc(uint16_t cc) {
    const uint32_t env[7] = {0xffff0000u | kHostCw, 0xffff0000u | cc, 0xffffffffu, 0, 0, 0, 0xffff0000u};
    asm volatile("fldenv %0" : : "m"(env));
    g_host_cc = cc;
    g_host_exc = 0;
}

void x87_reset_state(X87State& x) {
    x.cw = kFcwDefault;
    x.sw = 0;
    x.top = 0;
    x.valid = 0;
    x.fop = 0;
    x.fip = x.fdp = 0;
    x.fcs = x.fds = 0;
}

namespace {

// FLDCW waits for pending exceptions, then may unmask one already flagged: ES follows.
void fldcw(Cpu& c, const Insn& i) {
    check_pending(c, i);
    c.m_x87.cw = x87_loaded_cw(load<uint16_t>(c, effective_address(c, i)));
    update_es(c.m_x87);
}

void fnstcw(Cpu& c, const Insn& i) { store<uint16_t>(c, effective_address(c, i), c.m_x87.cw); }
void fnstsw_m(Cpu& c, const Insn& i) { store<uint16_t>(c, effective_address(c, i), c.m_x87.status_word()); }
void fnstsw_ax(Cpu& c, const Insn&) { set_reg<uint16_t>(c, 0, c.m_x87.status_word()); }

// FNCLEX: exception flags, SF, ES and B cleared; C0..C3 are left as they were (observed).
void fnclex(Cpu& c, const Insn&) { c.m_x87.sw &= uint16_t(~(kFswExceptions | kFswSF | kFswES | kFswB)); }

void fninit(Cpu& c, const Insn&) { x87_reset_state(c.m_x87); }

void fwait(Cpu& c, const Insn& i) { check_pending(c, i); }

void fnop(Cpu& c, const Insn& i) { begin(c, i); }

// FENI/FDISI/FSETPM of the 8087/287 execute as no-ops on later processors (SDM Vol.2A FNOP notes).
void legacy_nop(Cpu&, const Insn&) {}

template <Handler H> bool sel_fixed(const InsnDesc& d, Insn& r) {
    fill_x87(d, r);
    r.fn = H;
    return true;
}

template <Handler H> bool sel_mem16(const InsnDesc& d, Insn& r) {
    if (d.nops < 1 || !is_mem(d.ops[0])) return false;
    fill_x87(d, r);
    fill_mem(r, d.ops[0]);
    r.fn = H;
    return true;
}

bool sel_fnstsw(const InsnDesc& d, Insn& r) {
    if (d.nops >= 1 && is_gpr(d.ops[0])) {
        r.fn = fnstsw_ax;
        return true;
    }
    return sel_mem16<fnstsw_m>(d, r);
}

}  // namespace
}  // namespace x87

void x87_reset(Cpu& c) { x87::x87_reset_state(c.m_x87); }

void x87_host_state_changed() {
    x87::g_host_cc = 0xffff;
    x87::g_host_exc = 0xffff;
}

double x87_value_as_double(const F80& v) {
    double d = static_cast<double>(x87::to_f80(v));
    x87_host_state_changed();
    return d;
}

void register_x87_control() {
    using namespace x87;
    register_selector(Mn::FLDCW, sel_mem16<fldcw>);
    register_selector(Mn::FNSTCW, sel_mem16<fnstcw>);
    register_selector(Mn::FNSTSW, sel_fnstsw);
    register_selector(Mn::FNCLEX, sel_fixed<fnclex>);
    register_selector(Mn::FNINIT, sel_fixed<fninit>);
    register_selector(Mn::FWAIT, sel_fixed<fwait>);
    register_selector(Mn::FNOP, sel_fixed<fnop>);
    register_selector(Mn::FENI8087_NOP, sel_fixed<legacy_nop>);
    register_selector(Mn::FDISI8087_NOP, sel_fixed<legacy_nop>);
    register_selector(Mn::FSETPM287_NOP, sel_fixed<legacy_nop>);
}

}  // namespace gate386
