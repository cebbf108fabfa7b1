// The i386 signal frames as the kernel writes and reads them: get_sigframe (arch/x86/kernel/
// signal.c), ia32_setup_frame / ia32_setup_rt_frame and ia32_restore_sigcontext
// (arch/x86/kernel/signal_32.c), the FPU state in the frame (arch/x86/kernel/fpu/signal.c:
// fpu__alloc_mathframe, copy_fpstate_to_sigframe, save_fsave_header, __fpu_restore_sig,
// convert_from_fxsr / convert_to_fxsr in fpu/regset.c), do_sigaltstack (kernel/signal.c), and the
// sigreturn(119) / rt_sigreturn(173) system calls.
#include <cerrno>
#include <cstring>

#include "core/process.h"
#include "cpu/flags.h"
#include "cpu/segments.h"
#include "syscalls/guest_signals.h"
#include "syscalls/syscall_table.h"

namespace gate386 {

namespace {

constexpr uint64_t bit(int sig) { return 1ull << (sig - 1); }

// The EFLAGS bits sigreturn takes from the frame (signal_32.c FIX_EFLAGS); RF is one of them but
// gate386 keeps no RF state (nothing here raises instruction breakpoints).
constexpr uint32_t kFixEflags = kFlagAC | kFlagOF | kFlagDF | kFlagTF | kFlagSF | kFlagZF | kFlagAF |
                                kFlagPF | kFlagCF;
constexpr uint32_t kFlagRF = 1u << 16;

// __kernel_sigreturn and __kernel_rt_sigreturn in linux-gate.so.1 (vdso/vdso_image.h: fixed at
// +0x420 and +0x440 in every variant, as in 2.6's vsyscall-sigreturn.S).
constexpr uint32_t kVdsoSigreturn = 0x420, kVdsoRtSigreturn = 0x440;

bool has_fxsr(const Process& p) { return p.identity.isa & kIsaFxsr; }

uint16_t get16(const uint8_t* b) { uint16_t v; std::memcpy(&v, b, 2); return v; }
uint32_t get32(const uint8_t* b) { uint32_t v; std::memcpy(&v, b, 4); return v; }
void put16(uint8_t* b, uint16_t v) { std::memcpy(b, &v, 2); }
void put32(uint8_t* b, uint32_t v) { std::memcpy(b, &v, 4); }

// ---------------------------------------------------------------------------------------------
// FPU state

// copy_fpstate_to_sigframe for an i386 frame: with FXSR, the FXSAVE image at buf_fx and the
// legacy head (save_fsave_header: convert_from_fxsr, then status = FSW, magic = X86_FXSR_MAGIC)
// just below it at `fpstate`; without, the FNSAVE image alone.
bool save_fpu_state(Process& p, uint32_t fpstate) {
    Cpu& c = p.cpu;
    GuestFpstateLegacy h{};
    if (has_fxsr(p)) {
        uint8_t fx[kFxsaveSize] = {};
        fxsave_image(c, fx);
        std::memset(fx + 288, 0, kFxsaveSize - 288);   // no xstate: sw_reserved.magic1 = 0
        // convert_from_fxsr (arch/x86/kernel/fpu/regset.c), as a 32-bit kernel fills it.
        h.cw = get16(fx + 0) | 0xffff0000u;
        h.sw = get16(fx + 2) | 0xffff0000u;
        h.tag = x87_full_tag_word(c.m_x87) | 0xffff0000u;
        h.ipoff = get32(fx + 8);
        h.cssel = get16(fx + 12) | (uint32_t(get16(fx + 6)) << 16);
        h.dataoff = get32(fx + 16);
        h.datasel = get16(fx + 20) | 0xffff0000u;
        for (unsigned i = 0; i < 8; i++) std::memcpy(h.st[i], fx + 32 + 16 * i, 10);
        h.status = get16(fx + 2);
        h.magic = kFpMagicFxsr;
        return p.mem.write(fpstate, &h, sizeof h) && p.mem.write(fpstate + sizeof h, fx, sizeof fx);
    }
    uint8_t fs[108];
    x87_store_fsave(c, fs);
    std::memcpy(&h, fs, sizeof fs);
    h.status = get16(fs + 4);
    h.magic = kFpMagicFsaveOnly;
    return p.mem.write(fpstate, &h, sizeof h);
}

// The state a handler starts with (fpu__clear_user_states: the init state, FNINIT + MXCSR 0x1f80,
// XMM registers zero).
void reset_fpu_state(Cpu& c) {
    x87_reset(c);
    c.m_sse = SseState{};
}

// __fpu_restore_sig for an i386 frame. With FXSR the FXSAVE image supplies MXCSR and the XMM
// registers and the legacy head supplies the x87 part ("the FP portion of the FX frame has to be
// ignored": convert_to_fxsr folds the legacy environment and registers in). MXCSR is sanitized,
// not refused. A null pointer resets the FPU.
bool restore_fpu_state(Process& p, uint32_t fpstate) {
    Cpu& c = p.cpu;
    if (!fpstate) { reset_fpu_state(c); return true; }
    GuestFpstateLegacy h;
    if (!p.mem.read(fpstate, &h, sizeof h)) return false;
    if (!has_fxsr(p)) {
        uint8_t fs[108];
        std::memcpy(fs, &h, sizeof fs);
        x87_load_fsave(c, fs);
        return true;
    }
    uint8_t fx[kFxsaveSize];
    if (!p.mem.read(fpstate + sizeof h, fx, sizeof fx)) return false;
    put16(fx + 0, uint16_t(h.cw));
    put16(fx + 2, uint16_t(h.sw));
    uint8_t abridged = 0;   // twd_i387_to_fxsr: every register whose tag is not 3 (empty)
    for (unsigned r = 0; r < 8; r++)
        if (((h.tag >> (2 * r)) & 3) != 3) abridged |= uint8_t(1u << r);
    fx[4] = abridged;
    put16(fx + 6, uint16_t(h.cssel >> 16));
    put32(fx + 8, h.ipoff);
    put16(fx + 12, uint16_t(h.cssel));
    put32(fx + 16, h.dataoff);
    put16(fx + 20, uint16_t(h.datasel));
    for (unsigned i = 0; i < 8; i++) {
        std::memcpy(fx + 32 + 16 * i, h.st[i], 10);
        std::memset(fx + 32 + 16 * i + 10, 0, 6);
    }
    put32(fx + 24, get32(fx + 24) & kMxcsrMask);
    fxrstor_image(c, fx);
    return true;
}

// ---------------------------------------------------------------------------------------------
// Frame placement

// get_sigframe for an i386 frame: the alternate stack when SA_ONSTACK asks for it and the
// program is not on it already; the FPU state below that (fpu__alloc_mathframe: the FXSAVE image
// 64-byte aligned, the 112-byte legacy head under it); then the frame, aligned so that on handler
// entry ((sp + 4) & 15) == 0. Returns false when the frame would leave the alternate stack it is
// on or going to ("overflowed sigaltstack": the caller forces SIGSEGV).
bool get_sigframe(Process& p, const GuestSigaction& act, uint32_t frame_size, uint32_t& frame, uint32_t& fpstate) {
    SignalState& s = p.signals;
    uint64_t sp = p.cpu.m_regs[kEsp];
    bool nested = on_alt_stack(p, uint32_t(sp));
    bool entering = false;
    if ((act.flags & kSaOnstack) && s.ss_size && !nested) {
        sp = uint64_t(s.ss_sp) + s.ss_size;
        entering = true;
    }
    uint64_t math = has_fxsr(p) ? kFxsaveSize : sizeof(GuestFpstateLegacy);
    if (sp < math + frame_size + 128) return false;
    sp = (sp - math) & ~uint64_t(63);
    if (has_fxsr(p)) sp -= sizeof(GuestFpstateLegacy);
    fpstate = uint32_t(sp);
    sp -= frame_size;
    sp = ((sp + 4) & ~uint64_t(15)) - 4;
    if (nested || entering) {
        // __on_sig_stack(sp): sp > ss_sp && sp - ss_sp <= ss_size.
        if (!(sp > s.ss_sp && sp - s.ss_sp <= s.ss_size)) return false;
    }
    frame = uint32_t(sp);
    return true;
}

GuestSigcontext make_sigcontext(Process& p, uint32_t fpstate, uint64_t oldmask, bool fault_rf) {
    Cpu& c = p.cpu;
    GuestSigcontext sc{};
    sc.gs = c.m_seg_sel[kGs];
    sc.fs = c.m_seg_sel[kFs];
    sc.es = c.m_seg_sel[kEs];
    sc.ds = c.m_seg_sel[kDs];
    sc.edi = c.m_regs[kEdi];
    sc.esi = c.m_regs[kEsi];
    sc.ebp = c.m_regs[kEbp];
    sc.esp = c.m_regs[kEsp];
    sc.ebx = c.m_regs[kEbx];
    sc.edx = c.m_regs[kEdx];
    sc.ecx = c.m_regs[kEcx];
    sc.eax = c.m_regs[kEax];
    sc.trapno = p.signals.trap.trap_nr;
    sc.err = p.signals.trap.error_code;
    sc.eip = c.m_eip;
    sc.cs = c.m_seg_sel[kCs];
    // A fault-class exception saves EFLAGS with RF set (SDM Vol.3A 6.8.3 / 17.3.1.1), so that the
    // instruction can be restarted past an instruction breakpoint.
    sc.eflags = read_eflags(c) | (fault_rf ? kFlagRF : 0);
    sc.esp_at_signal = c.m_regs[kEsp];
    sc.ss = c.m_seg_sel[kSs];
    sc.fpstate = fpstate;
    sc.oldmask = uint32_t(oldmask);
    sc.cr2 = p.signals.trap.cr2;
    return sc;
}

// Registers for the handler (ia32_setup_frame / ia32_setup_rt_frame tail and handle_signal):
// flat user data segments, DF, RF and TF clear, and a fresh FPU state.
void enter_handler(Process& p, uint32_t frame, uint32_t handler, int sig, uint32_t edx, uint32_t ecx) {
    Cpu& c = p.cpu;
    c.m_regs[kEsp] = frame;
    c.m_eip = handler;
    c.m_regs[kEax] = uint32_t(sig);
    c.m_regs[kEdx] = edx;
    c.m_regs[kEcx] = ecx;
    c.m_seg_sel[kDs] = c.m_seg_sel[kEs] = c.m_seg_sel[kSs] = kUserDs;
    c.m_seg_sel[kCs] = kUserCs;
    c.m_eflags_rest &= ~(kFlagDF | kFlagTF);
    reset_fpu_state(c);
}

// Loads a selector as sigreturn's reload_segments does: only when it changed, and a selector the
// GDT does not hold becomes the null selector (the kernel's loadsegment fixup) instead of a fault.
void reload_segment(Cpu& c, Sreg sreg, uint16_t sel) {
    sel |= 3;
    if (c.m_seg_sel[sreg] == sel) return;
    uint32_t base = 0;
    if (check_segment_load(c, sreg, sel, base) != SegmentCheck::kOk) { sel = 0; base = 0; }
    c.m_seg_sel[sreg] = sel;
    if (sreg == kFs) c.m_seg_base[kSegFs] = base;
    if (sreg == kGs) c.m_seg_base[kSegGs] = base;
}

// ia32_restore_sigcontext: general registers, the user-changeable EFLAGS bits, segments, FPU.
bool restore_sigcontext(Process& p, const GuestSigcontext& sc) {
    Cpu& c = p.cpu;
    // "Always make any pending restarted system calls return -EINTR".
    p.signals.restart = RestartBlock{};
    c.m_regs[kEbx] = sc.ebx;
    c.m_regs[kEcx] = sc.ecx;
    c.m_regs[kEdx] = sc.edx;
    c.m_regs[kEsi] = sc.esi;
    c.m_regs[kEdi] = sc.edi;
    c.m_regs[kEbp] = sc.ebp;
    c.m_regs[kEax] = sc.eax;
    c.m_regs[kEsp] = sc.esp;
    c.m_eip = sc.eip;
    uint32_t cur = read_eflags(c);
    uint32_t nv = (cur & ~kFixEflags) | (sc.eflags & kFixEflags);
    set_arith_flags(c, nv);
    c.m_eflags_rest = (nv & ~kArithFlags) | 2u;
    reload_segment(c, kGs, uint16_t(sc.gs));
    reload_segment(c, kFs, uint16_t(sc.fs));
    reload_segment(c, kDs, uint16_t(sc.ds));
    reload_segment(c, kEs, uint16_t(sc.es));
    return restore_fpu_state(p, sc.fpstate);
}

}  // namespace

bool on_alt_stack(const Process& p, uint32_t sp) {
    const SignalState& s = p.signals;
    // on_sig_stack: with SS_AUTODISARM the question is never asked (the stack was disarmed).
    if (s.ss_flags & kSsAutodisarm) return false;
    return sp > s.ss_sp && sp - s.ss_sp <= s.ss_size;
}

int32_t do_sigaltstack(Process& p, const GuestStack* ss, GuestStack* oss, uint32_t sp) {
    SignalState& s = p.signals;
    if (oss) {
        oss->ss_sp = s.ss_sp;
        oss->ss_size = s.ss_size;
        // sas_ss_flags(sp) | (sas_ss_flags & SS_FLAG_BITS)
        int32_t f = !s.ss_size ? kSsDisable : on_alt_stack(p, sp) ? kSsOnstack : 0;
        oss->ss_flags = f | int32_t(s.ss_flags & kSsAutodisarm);
    }
    if (ss) {
        if (on_alt_stack(p, sp)) return -EPERM;
        uint32_t flags = uint32_t(ss->ss_flags);
        uint32_t mode = flags & ~kSsAutodisarm;
        if (mode != uint32_t(kSsDisable) && mode != uint32_t(kSsOnstack) && mode != 0) return -EINVAL;
        if (s.ss_sp == ss->ss_sp && s.ss_size == ss->ss_size && s.ss_flags == flags) return 0;
        uint32_t new_sp = ss->ss_sp, new_size = ss->ss_size;
        if (mode == uint32_t(kSsDisable)) {
            new_sp = new_size = 0;
        } else if (new_size < kMinSigStackSize) {
            return -ENOMEM;
        }
        s.ss_sp = new_sp;
        s.ss_size = new_size;
        s.ss_flags = flags;
    }
    return 0;
}

bool setup_signal_frame(Process& p, int sig, const GuestSigaction& act, const GuestSiginfo& info,
                        uint64_t oldmask, bool fault_rf) {
    SignalState& s = p.signals;
    bool rt = act.flags & kSaSiginfo;
    uint32_t frame = 0, fpstate = 0;
    uint32_t size = rt ? sizeof(GuestRtSigframe) : sizeof(GuestSigframe);
    if (!get_sigframe(p, act, size, frame, fpstate)) return false;
    if (!save_fpu_state(p, fpstate)) return false;
    GuestSigcontext sc = make_sigcontext(p, fpstate, oldmask, fault_rf);
    bool restorer = act.flags & kSaRestorer;
    if (rt) {
        GuestRtSigframe f{};
        f.pretcode = restorer ? act.restorer : p.vdso_base ? p.vdso_base + kVdsoRtSigreturn : frame + offsetof(GuestRtSigframe, retcode);
        f.sig = sig;
        f.pinfo = frame + offsetof(GuestRtSigframe, info);
        f.puc = frame + offsetof(GuestRtSigframe, uc);
        f.info = info;
        f.uc.uc_flags = 0;   // UC_FP_XSTATE only with XSAVE, which no modelled CPU has
        f.uc.uc_link = 0;
        // unsafe_compat_save_altstack: the stored flags as they are, then SS_AUTODISARM disarms.
        f.uc.uc_stack = GuestStack{s.ss_sp, int32_t(s.ss_flags), s.ss_size};
        f.uc.uc_mcontext = sc;
        f.uc.uc_sigmask[0] = uint32_t(oldmask);
        f.uc.uc_sigmask[1] = uint32_t(oldmask >> 32);
        static const uint8_t code[8] = {0xb8, 0xad, 0x00, 0x00, 0x00, 0xcd, 0x80, 0x00};
        std::memcpy(f.retcode, code, sizeof code);
        if (!p.mem.write(frame, &f, sizeof f)) return false;
        if (s.ss_flags & kSsAutodisarm) { s.ss_sp = s.ss_size = 0; s.ss_flags = kSsDisable; }
        enter_handler(p, frame, act.handler, sig, f.pinfo, f.puc);
    } else {
        GuestSigframe f;
        std::memset(&f, 0, sizeof f);
        f.pretcode = restorer ? act.restorer : p.vdso_base ? p.vdso_base + kVdsoSigreturn : frame + offsetof(GuestSigframe, retcode);
        f.sig = sig;
        f.sc = sc;
        f.extramask = uint32_t(oldmask >> 32);
        static const uint8_t code[8] = {0x58, 0xb8, 0x77, 0x00, 0x00, 0x00, 0xcd, 0x80};
        std::memcpy(f.retcode, code, sizeof code);
        // The frame is written around fpstate_unused, which the kernel leaves untouched.
        if (!p.mem.write(frame, &f, offsetof(GuestSigframe, fpstate_unused)) ||
            !p.mem.write(frame + offsetof(GuestSigframe, extramask), &f.extramask,
                         sizeof f - offsetof(GuestSigframe, extramask)))
            return false;
        enter_handler(p, frame, act.handler, sig, 0, 0);
    }
    return true;
}

bool restore_signal_frame(Process& p, bool rt) {
    Cpu& c = p.cpu;
    uint32_t sp = c.m_regs[kEsp];
    if (rt) {
        // The handler's ret popped pretcode: the frame starts 4 bytes below.
        uint32_t frame = sp - 4;
        GuestRtSigframe f;
        if (!p.mem.read(frame, &f, sizeof f)) return false;
        set_guest_sigmask(p, uint64_t(f.uc.uc_sigmask[1]) << 32 | f.uc.uc_sigmask[0]);
        if (!restore_sigcontext(p, f.uc.uc_mcontext)) return false;
        // compat_restore_altstack, against the restored stack pointer; only -EFAULT would matter.
        do_sigaltstack(p, &f.uc.uc_stack, nullptr, c.m_regs[kEsp]);
        return true;
    }
    // __kernel_sigreturn's popl %eax took the signal number too: 8 bytes.
    uint32_t frame = sp - 8;
    GuestSigframe f;
    if (!p.mem.read(frame, &f, offsetof(GuestSigframe, fpstate_unused)) ||
        !p.mem.read(frame + offsetof(GuestSigframe, extramask), &f.extramask, 4))
        return false;
    set_guest_sigmask(p, uint64_t(f.extramask) << 32 | f.sc.oldmask);
    return restore_sigcontext(p, f.sc);
}

namespace {

int32_t do_sigreturn_call(Process& p, bool rt) {
    // The gate must leave every register as the frame had it (regs_replaced) and the call is
    // not restartable (orig_ax = -1).
    p.regs_replaced = true;
    if (!restore_signal_frame(p, rt)) {
        GuestSiginfo info{};
        info.signo = SIGSEGV;
        info.code = kSiKernel;
        force_guest_signal(p, info);
    }
    if (p.cpu.m_eflags_rest & kFlagTF) __atomic_fetch_or(&p.cpu.m_attention, kAttentionStep, __ATOMIC_RELAXED);
    return static_cast<int32_t>(p.cpu.m_regs[kEax]);
}

int32_t sys_sigreturn(Process& p, const SyscallArgs&) { return do_sigreturn_call(p, false); }
int32_t sys_rt_sigreturn(Process& p, const SyscallArgs&) { return do_sigreturn_call(p, true); }

}  // namespace

void register_signal_frame_syscalls() {
    register_syscall(kNrSigreturn, sys_sigreturn, "");
    register_syscall(kNrRtSigreturn, sys_rt_sigreturn, "");
}

}  // namespace gate386
