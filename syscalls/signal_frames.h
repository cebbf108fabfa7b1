// The i386 signal ABI, byte for byte: siginfo, sigcontext, the FPU state in a signal frame,
// stack_t, ucontext and the two frames the kernel pushes (struct sigframe and struct rt_sigframe).
//
// Sources: arch/x86/include/asm/sigframe.h (sigframe_ia32, rt_sigframe_ia32),
// arch/x86/include/uapi/asm/sigcontext.h (sigcontext_32, _fpstate_32), include/uapi/asm-generic/
// siginfo.h + arch/x86/include/asm/compat.h (compat_siginfo_t), include/uapi/asm-generic/ucontext.h,
// arch/x86/kernel/signal_32.c (ia32_setup_frame, ia32_setup_rt_frame), arch/x86/kernel/fpu/signal.c
// (the fpstate: the 112-byte legacy header `struct fregs_state` followed by the FXSAVE image).
#pragma once
#include <cstddef>
#include <cstdint>

namespace gate386 {

// sa_flags (arch/x86/include/uapi/asm/signal.h). do_sigaction keeps only the flags the kernel
// knows (UAPI_SA_FLAGS) so that a program can probe for support.
constexpr uint32_t kSaNocldstop = 0x1, kSaNocldwait = 0x2, kSaSiginfo = 0x4, kSaUnsupported = 0x400,
                   kSaExposeTagbits = 0x800, kSaRestorer = 0x04000000, kSaOnstack = 0x08000000,
                   kSaRestartFlag = 0x10000000, kSaNodefer = 0x40000000, kSaResethand = 0x80000000u;
constexpr uint32_t kSaKnownFlags = kSaNocldstop | kSaNocldwait | kSaSiginfo | kSaUnsupported |
                                   kSaExposeTagbits | kSaRestorer | kSaOnstack | kSaRestartFlag |
                                   kSaNodefer | kSaResethand;
constexpr uint32_t kSigDfl = 0, kSigIgn = 1;

// sigaltstack ss_flags (include/uapi/linux/signal.h) and the i386 MINSIGSTKSZ.
constexpr int32_t kSsOnstack = 1, kSsDisable = 2;
constexpr uint32_t kSsAutodisarm = 1u << 31;
constexpr uint32_t kMinSigStackSize = 2048;

// si_code values (include/uapi/asm-generic/siginfo.h).
constexpr int32_t kSiUser = 0, kSiKernel = 0x80, kSiQueue = -1, kSiTimer = -2, kSiMesgq = -3,
                  kSiAsyncio = -4, kSiSigio = -5, kSiTkill = -6;
constexpr int32_t kTrapBrkpt = 1, kTrapTrace = 2;

// Exception vectors as thread.trap_nr records them (arch/x86/include/asm/trapnr.h).
constexpr uint32_t kTrapDivide = 0, kTrapDebug = 1, kTrapBreakpoint = 3, kTrapOverflow = 4,
                   kTrapBounds = 5, kTrapInvalidOp = 6, kTrapGeneralProtection = 13,
                   kTrapPageFault = 14, kTrapX87 = 16, kTrapSimd = 19;
// Page-fault error code bits (arch/x86/include/asm/trap_pf.h).
constexpr uint32_t kPfProt = 1, kPfWrite = 2, kPfUser = 4, kPfInstr = 16;

// compat_siginfo_t: three ints, then a union at offset 12; 128 bytes in all. The union members
// are laid out by siginfo_layout() (kernel/signal.c); the accessors name the i386 offsets.
struct GuestSiginfo {
    int32_t signo;
    int32_t err_no;
    int32_t code;
    uint32_t f[29];   // the union, as 32-bit words from offset 12

    // kill, rt, chld: pid and uid; timer: tid and overrun.
    int32_t& pid() { return reinterpret_cast<int32_t&>(f[0]); }
    uint32_t& uid() { return f[1]; }
    uint32_t& value() { return f[2]; }         // rt, timer: si_value (sival_int / sival_ptr)
    int32_t& status() { return reinterpret_cast<int32_t&>(f[2]); }   // chld
    int32_t& utime() { return reinterpret_cast<int32_t&>(f[3]); }    // chld (compat_clock_t)
    int32_t& stime() { return reinterpret_cast<int32_t&>(f[4]); }
    uint32_t& addr() { return f[0]; }          // fault: si_addr
    int32_t& band() { return reinterpret_cast<int32_t&>(f[0]); }     // poll: si_band, then si_fd
    int32_t& fd() { return reinterpret_cast<int32_t&>(f[1]); }
};
static_assert(sizeof(GuestSiginfo) == 128);
static_assert(offsetof(GuestSiginfo, f) == 12);

// struct sigcontext_32 (the user-space `struct sigcontext` on i386).
struct GuestSigcontext {
    uint32_t gs, fs, es, ds;   // selectors in the low 16 bits (written as 32-bit values)
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t trapno, err, eip, cs, eflags, esp_at_signal, ss;
    uint32_t fpstate;          // guest pointer to the _fpstate_32 below the frame (0: no FPU state)
    uint32_t oldmask;          // blocked signals 1..32 to restore (sigframe: extramask holds 33..64)
    uint32_t cr2;
};
static_assert(sizeof(GuestSigcontext) == 88);
static_assert(offsetof(GuestSigcontext, trapno) == 48);
static_assert(offsetof(GuestSigcontext, eip) == 56);
static_assert(offsetof(GuestSigcontext, eflags) == 64);
static_assert(offsetof(GuestSigcontext, fpstate) == 76);
static_assert(offsetof(GuestSigcontext, cr2) == 84);

// The legacy head of struct _fpstate_32 (= the kernel's struct fregs_state): the FNSAVE image
// with 32-bit environment words, then the status word and the magic that says whether the FXSR
// image follows (0x0000) or not (0xffff).
struct GuestFpstateLegacy {
    uint32_t cw, sw, tag, ipoff, cssel, dataoff, datasel;
    uint8_t st[8][10];         // ST(0)..ST(7), 80-bit
    uint16_t status;
    uint16_t magic;
};
static_assert(sizeof(GuestFpstateLegacy) == 112);
constexpr uint16_t kFpMagicFxsr = 0x0000, kFpMagicFsaveOnly = 0xffff;
constexpr uint32_t kFxsaveSize = 512;
// sizeof(struct _fpstate_32): the legacy head and the 512-byte FXSAVE image.
constexpr uint32_t kFpstate32Size = sizeof(GuestFpstateLegacy) + kFxsaveSize;
static_assert(kFpstate32Size == 624);

// compat_stack_t.
struct GuestStack {
    uint32_t ss_sp;
    int32_t ss_flags;
    uint32_t ss_size;
};
static_assert(sizeof(GuestStack) == 12);

// struct ucontext_ia32 (asm-generic/ucontext.h with 32-bit members). The mask is two words:
// in the frame the ucontext is only 4-byte aligned.
struct GuestUcontext {
    uint32_t uc_flags;
    uint32_t uc_link;
    GuestStack uc_stack;
    GuestSigcontext uc_mcontext;
    uint32_t uc_sigmask[2];
};
static_assert(sizeof(GuestUcontext) == 116);
static_assert(offsetof(GuestUcontext, uc_mcontext) == 20);
static_assert(offsetof(GuestUcontext, uc_sigmask) == 108);

// struct sigframe_ia32 (a handler without SA_SIGINFO). fpstate_unused keeps extramask at the
// offset it had when the FPU state lived inside the frame; the FPU state is below the frame now.
struct GuestSigframe {
    uint32_t pretcode;         // return address of the handler: __kernel_sigreturn or sa_restorer
    int32_t sig;
    GuestSigcontext sc;
    uint8_t fpstate_unused[kFpstate32Size];
    uint32_t extramask;        // blocked signals 33..64
    uint8_t retcode[8];        // 58 b8 77 00 00 00 cd 80: popl %eax; movl $119,%eax; int $0x80
};

// struct rt_sigframe_ia32 (SA_SIGINFO).
struct GuestRtSigframe {
    uint32_t pretcode;         // __kernel_rt_sigreturn or sa_restorer
    int32_t sig;
    uint32_t pinfo;            // &info
    uint32_t puc;              // &uc
    GuestSiginfo info;
    GuestUcontext uc;
    uint8_t retcode[8];        // b8 ad 00 00 00 cd 80 00: movl $173,%eax; int $0x80
};

static_assert(sizeof(GuestSigframe) == 732);
static_assert(offsetof(GuestSigframe, sc) == 8);
static_assert(offsetof(GuestSigframe, extramask) == 720);
static_assert(offsetof(GuestSigframe, retcode) == 724);
static_assert(sizeof(GuestRtSigframe) == 268);
static_assert(offsetof(GuestRtSigframe, info) == 16);
static_assert(offsetof(GuestRtSigframe, uc) == 144);
static_assert(offsetof(GuestRtSigframe, uc) + offsetof(GuestUcontext, uc_mcontext) == 164);
static_assert(offsetof(GuestRtSigframe, uc) + offsetof(GuestUcontext, uc_sigmask) == 252);
static_assert(offsetof(GuestRtSigframe, retcode) == 260);

// struct old_sigaction (sigaction(67)): handler, the 32-bit mask, flags, restorer.
struct GuestOldSigaction {
    uint32_t handler;
    uint32_t mask;
    uint32_t flags;
    uint32_t restorer;
};
static_assert(sizeof(GuestOldSigaction) == 16);

// struct sigaction as rt_sigaction passes it on i386: handler, flags, restorer, 64-bit mask.
struct GuestRtSigaction {
    uint32_t handler, flags, restorer;
    uint32_t mask_lo, mask_hi;
};
static_assert(sizeof(GuestRtSigaction) == 20);

}  // namespace gate386
