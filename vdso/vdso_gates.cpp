// The LINUX_2.5 entry points: __kernel_vsyscall and the two sigreturn trampolines, byte for byte
// as Linux 2.6.12's arch/i386/kernel/vsyscall-{sysenter,int80,sigreturn}.S lay them out (or the
// modern arch/x86/entry/vdso/vdso32/system_call.S shape), with our own CFI for them.
#include <stdexcept>

#include "vdso/vdso_text.h"

namespace gate386::vdso_detail {

using namespace x86;

namespace {

// i386 struct sigcontext (arch/x86/include/uapi/asm/sigcontext.h, struct sigcontext_32):
// gs fs es ds (u16 + pad each), edi esi ebp esp ebx edx ecx eax trapno err eip cs flags
// sp_at_signal ss fpstate oldmask cr2.
enum : int32_t {
    kScGs = 0, kScFs = 4, kScEs = 8, kScDs = 12, kScEdi = 16, kScEsi = 20, kScEbp = 24, kScEsp = 28,
    kScEbx = 32, kScEdx = 36, kScEcx = 40, kScEax = 44, kScEip = 56, kScCs = 60, kScEflags = 64,
    kScSs = 72,
};

// Where the sigcontext sits relative to esp once the handler's `ret` has popped pretcode:
//   struct sigframe    { u32 pretcode; int sig; struct sigcontext sc; ... }      → esp + 4
//   struct rt_sigframe { u32 pretcode; int sig; u32 pinfo, puc; siginfo_t info (128);
//                        struct ucontext uc { flags, link, stack_t (12), mcontext } } → esp + 160
// (the kernel's IA32_RT_SIGFRAME_sigcontext = 164, minus the popped pretcode).
constexpr int32_t kSigframeScFromEsp = 4;
constexpr int32_t kRtSigframeScFromEsp = 4 + 4 + 4 + 4 + 128 + 4 + 4 + 12 - 4;
static_assert(kRtSigframeScFromEsp == 160);

// The caller's registers all live in the sigcontext at esp + sc: the CFA is the saved esp
// (an expression: *(esp + sc + 28)) and every register is "saved at" esp + sc + its offset.
void sigcontext_rules(dwarf::CfiProgram& cfi, int32_t sc) {
    cfi.def_cfa_deref_esp(sc + kScEsp);
    const struct {
        uint8_t reg;
        int32_t offset;
    } rules[] = {
        {dwarf::kRegEax, kScEax}, {dwarf::kRegEcx, kScEcx}, {dwarf::kRegEdx, kScEdx},
        {dwarf::kRegEbx, kScEbx}, {dwarf::kRegEbp, kScEbp}, {dwarf::kRegEsi, kScEsi},
        {dwarf::kRegEdi, kScEdi}, {dwarf::kRegEip, kScEip}, {dwarf::kRegEflags, kScEflags},
        {dwarf::kRegEs, kScEs},   {dwarf::kRegCs, kScCs},   {dwarf::kRegSs, kScSs},
        {dwarf::kRegDs, kScDs},
    };
    for (const auto& r : rules) cfi.expression_esp(r.reg, sc + r.offset);
}

// push %ecx; push %edx; push %ebp — each recorded so an unwinder can recover all three.
void emit_vsyscall_prologue(Emitter& e) {
    e.push_r(ecx, CfiSave::Yes);
    e.push_r(edx, CfiSave::Yes);
    e.push_r(ebp, CfiSave::Yes);
}

// pop %ebp; pop %edx; pop %ecx; ret
void emit_vsyscall_epilogue(Emitter& e) {
    e.pop_r(ebp);
    e.pop_r(edx);
    e.pop_r(ecx);
    e.ret();
}

}  // namespace

void add_symbol(TextSection& text, const Emitter& e, const char* name, uint32_t start, const char* version) {
    text.symbols.push_back(VdsoSymbol{name, start, e.here() - start, version});
}

void emit_gates(Emitter& e, TextSection& text, VdsoVariant variant, VdsoLayout layout) {
    // --- __kernel_vsyscall ----------------------------------------------------------------------
    uint32_t start = e.here();
    e.begin_function();
    if (variant == VdsoVariant::Int80) {
        // vsyscall-int80.S: int $0x80; ret. A restart re-executes the int (eip - 2).
        text.restart = e.here();
        e.int_imm(0x80);
        e.ret();
        text.sysenter_return = 0;
    } else if (layout == VdsoLayout::Kernel2612) {
        // vsyscall-sysenter.S: the kernel takes the user stack from ebp (and arg6 from 0(%ebp));
        // sysexit lands on SYSENTER_RETURN = +0x10. A restarted call gets eip - 2 = the jmp at
        // +0xe, which goes back to reload ebp and sysenter again: "a trick to handle restarting
        // of system calls with six parameters".
        emit_vsyscall_prologue(e);
        Label enter_kernel = e.new_label();
        e.bind(enter_kernel);
        e.mov_r_r(ebp, esp);  // 89 e5
        e.sysenter();         // 0f 34
        for (int i = 0; i < 7; ++i) e.nop();
        text.restart = e.here();
        e.jmp(enter_kernel);  // eb f3
        text.sysenter_return = e.here();
        emit_vsyscall_epilogue(e);
    } else {
        // Modern system_call.S: sysenter falls into int $0x80, which is where sysexit's landing
        // pad (+9, after the int) and a restart (eip - 2 = +7) both point.
        emit_vsyscall_prologue(e);
        e.mov_r_r(ebp, esp);
        e.sysenter();
        text.restart = e.here();
        e.int_imm(0x80);
        text.sysenter_return = e.here();
        emit_vsyscall_epilogue(e);
    }
    text.fdes.push_back(e.end_function());
    add_symbol(text, e, "__kernel_vsyscall", start, "LINUX_2.5");

    // --- __kernel_sigreturn: pop %eax; mov $__NR_sigreturn,%eax; int $0x80 --------------------
    // The FDE starts one byte early, on the padding nop: unwinders look up pc - 1 for a frame
    // that was entered by a "call", and the signal handler "returned" to this symbol's start.
    e.pad_to(kSigreturnAddress);
    start = e.here();
    e.begin_function(dwarf::CieKind::Signal, start - 1);
    sigcontext_rules(e.cfi(), kSigframeScFromEsp);  // before the pop: sigcontext at esp + 4
    e.raw({0x58});                                   // pop %eax (drops the signal number)
    e.cfi().at(e.here());
    sigcontext_rules(e.cfi(), kSigframeScFromEsp - 4);
    e.mov_r_imm(eax, kNrSigreturn);
    e.int_imm(0x80);
    text.fdes.push_back(e.end_function());
    add_symbol(text, e, "__kernel_sigreturn", start, "LINUX_2.5");

    // --- __kernel_rt_sigreturn: mov $__NR_rt_sigreturn,%eax; int $0x80 ------------------------
    e.pad_to(kRtSigreturnAddress);
    start = e.here();
    e.begin_function(dwarf::CieKind::Signal, start - 1);
    sigcontext_rules(e.cfi(), kRtSigframeScFromEsp);
    e.mov_r_imm(eax, kNrRtSigreturn);
    e.int_imm(0x80);
    text.fdes.push_back(e.end_function());
    add_symbol(text, e, "__kernel_rt_sigreturn", start, "LINUX_2.5");

    if (e.here() > kTimeCodeAddress) throw std::logic_error("gate stubs overflow into the time code");
}

TextSection build_text(VdsoVariant variant, VdsoLayout layout) {
    TextSection text;
    Emitter e(kTextAddress);
    emit_gates(e, text, variant, layout);
    e.pad_to(kTimeCodeAddress);
    emit_time_functions(e, text);
    e.align(16);
    text.bytes = e.finish();
    return text;
}

}  // namespace gate386::vdso_detail
