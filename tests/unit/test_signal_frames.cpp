// The i386 signal frames built in a guest address space, byte for byte (arch/x86/include/asm/
// sigframe.h, arch/x86/kernel/signal_32.c): where get_sigframe puts them, what each field holds,
// the FPU state below them, the alternate stack, and sigreturn reading them back. Plus the
// siginfo conversion between the host's and the guest's layouts.
#include <doctest.h>

#include <csignal>
#include <cstddef>
#include <cstring>
#include <memory>
#include <sys/mman.h>

#include "core/process.h"
#include "core/vdso_mapping.h"
#include "cpu/flags.h"
#include "cpu/segments.h"
#include "syscalls/guest_signals.h"
#include "syscalls/signal_frames.h"

using namespace gate386;

namespace {

constexpr uint32_t kStackBase = 0x40000000, kStackSize = 0x10000, kAlt = 0x40100000, kAltSize = 0x4000;
constexpr uint32_t kHandler = 0x08049000, kRestorer = 0x08049100;

std::unique_ptr<Process> make_process(bool vdso = true) {
    Options o;
    auto p = std::make_unique<Process>(o);
    if (vdso) map_vdso(*p);
    REQUIRE(p->mem.map(kStackBase, kStackSize, PROT_READ | PROT_WRITE, true, false, -1, 0) == kStackBase);
    REQUIRE(p->mem.map(kAlt, kAltSize, PROT_READ | PROT_WRITE, true, false, -1, 0) == kAlt);
    Cpu& c = p->cpu;
    for (int r = 0; r < 8; r++) c.m_regs[r] = 0x1000 * (r + 1);
    c.m_regs[kEsp] = kStackBase + kStackSize - 0x123;
    c.m_eip = 0x0804a000;
    c.m_seg_sel[kGs] = 0x33;
    c.m_x87.cw = 0x27f;
    c.m_sse.mxcsr = 0x7f80;
    return p;
}

uint32_t u32_at(Process& p, uint32_t a) {
    uint32_t v = 0;
    REQUIRE(p.mem.read(a, &v, 4));
    return v;
}

GuestSiginfo sample_info() {
    GuestSiginfo i{};
    i.signo = SIGUSR1;
    i.code = kSiQueue;
    i.pid() = 1234;
    i.uid() = 1000;
    i.value() = 0xabcd;
    return i;
}

}  // namespace

TEST_CASE("signal frames: rt_sigframe fields, placement and FPU state") {
    auto p = make_process();
    Process& pr = *p;
    uint32_t sp = pr.cpu.m_regs[kEsp];
    uint32_t eflags = read_eflags(pr.cpu);
    GuestSigaction act{kHandler, kSaSiginfo, 0, 0};
    REQUIRE(setup_signal_frame(pr, SIGUSR1, act, sample_info(), 0x0000000100000002ull, false));
    uint32_t frame = pr.cpu.m_regs[kEsp];
    // The FXSAVE image 64-byte aligned below sp, the 112-byte legacy head under it, then the frame
    // aligned so that ((frame + 4) & 15) == 0.
    uint32_t fx = (sp - kFxsaveSize) & ~63u;
    uint32_t fpstate = fx - 112;
    CHECK(frame == (((fpstate - 268) + 4) & ~15u) - 4);
    CHECK(u32_at(pr, frame + 0) == 0xffffe440);            // __kernel_rt_sigreturn
    CHECK(u32_at(pr, frame + 4) == uint32_t(SIGUSR1));
    CHECK(u32_at(pr, frame + 8) == frame + 16);            // pinfo
    CHECK(u32_at(pr, frame + 12) == frame + 144);          // puc
    GuestSiginfo info;
    REQUIRE(pr.mem.read(frame + 16, &info, sizeof info));
    CHECK(info.signo == SIGUSR1);
    CHECK(info.code == kSiQueue);
    CHECK(info.pid() == 1234);
    CHECK(info.value() == 0xabcd);
    uint32_t mc = frame + 164;
    CHECK(u32_at(pr, frame + 144) == 0);                   // uc_flags
    CHECK(u32_at(pr, mc + offsetof(GuestSigcontext, gs)) == 0x33);
    CHECK(u32_at(pr, mc + offsetof(GuestSigcontext, eax)) == 0x1000);
    CHECK(u32_at(pr, mc + offsetof(GuestSigcontext, edi)) == 0x8000);
    CHECK(u32_at(pr, mc + offsetof(GuestSigcontext, esp)) == sp);
    CHECK(u32_at(pr, mc + offsetof(GuestSigcontext, eip)) == 0x0804a000);
    CHECK(u32_at(pr, mc + offsetof(GuestSigcontext, eflags)) == eflags);
    CHECK(u32_at(pr, mc + offsetof(GuestSigcontext, fpstate)) == fpstate);
    CHECK(u32_at(pr, mc + offsetof(GuestSigcontext, oldmask)) == 2);
    CHECK(u32_at(pr, frame + 252) == 2);                   // uc_sigmask
    CHECK(u32_at(pr, frame + 256) == 1);
    uint8_t rc[8];
    REQUIRE(pr.mem.read(frame + 260, rc, 8));
    const uint8_t want_rc[8] = {0xb8, 0xad, 0x00, 0x00, 0x00, 0xcd, 0x80, 0x00};
    CHECK(std::memcmp(rc, want_rc, 8) == 0);
    // FPU: the legacy head's control word (upper half 0xffff), magic 0 (FXSR), MXCSR in the image.
    CHECK(u32_at(pr, fpstate) == 0xffff027f);
    uint16_t magic;
    REQUIRE(pr.mem.read(fpstate + 110, &magic, 2));
    CHECK(magic == kFpMagicFxsr);
    CHECK(u32_at(pr, fx + 24) == 0x7f80);
    // The handler: EIP, EAX = sig, EDX = &info, ECX = &uc, and a fresh FPU.
    CHECK(pr.cpu.m_eip == kHandler);
    CHECK(pr.cpu.m_regs[kEax] == uint32_t(SIGUSR1));
    CHECK(pr.cpu.m_regs[kEdx] == frame + 16);
    CHECK(pr.cpu.m_regs[kEcx] == frame + 144);
    CHECK(pr.cpu.m_x87.cw == 0x37f);
    CHECK(pr.cpu.m_sse.mxcsr == 0x1f80);

    // rt_sigreturn after the handler's ret (ESP = frame + 4), with EAX and the FPU control word
    // changed in the frame.
    uint32_t v = 0x5555;
    REQUIRE(pr.mem.write(mc + offsetof(GuestSigcontext, eax), &v, 4));
    v = 0xffff007f;
    REQUIRE(pr.mem.write(fpstate, &v, 4));
    uint32_t zero[2] = {0, 0};
    REQUIRE(pr.mem.write(frame + 252, zero, 8));
    pr.cpu.m_regs[kEsp] = frame + 4;
    REQUIRE(restore_signal_frame(pr, true));
    CHECK(pr.cpu.m_regs[kEax] == 0x5555);
    CHECK(pr.cpu.m_regs[kEsp] == sp);
    CHECK(pr.cpu.m_eip == 0x0804a000);
    CHECK(pr.cpu.m_x87.cw == 0x7f);
    CHECK(pr.cpu.m_sse.mxcsr == 0x7f80);
    CHECK(pr.sigmask == 0);
}

TEST_CASE("signal frames: sigframe without SA_SIGINFO") {
    auto p = make_process();
    Process& pr = *p;
    uint32_t sp = pr.cpu.m_regs[kEsp];
    GuestSigaction act{kHandler, 0, 0, 0};
    REQUIRE(setup_signal_frame(pr, SIGUSR2, act, sample_info(), 0x0000000400000008ull, false));
    uint32_t frame = pr.cpu.m_regs[kEsp];
    CHECK(((frame + 4) & 15) == 0);
    CHECK(u32_at(pr, frame) == 0xffffe420);                 // __kernel_sigreturn
    CHECK(u32_at(pr, frame + 4) == uint32_t(SIGUSR2));
    CHECK(u32_at(pr, frame + 8 + offsetof(GuestSigcontext, esp)) == sp);
    CHECK(u32_at(pr, frame + 8 + offsetof(GuestSigcontext, oldmask)) == 8);
    CHECK(u32_at(pr, frame + 720) == 4);                    // extramask
    uint8_t rc[8];
    REQUIRE(pr.mem.read(frame + 724, rc, 8));
    const uint8_t want_rc[8] = {0x58, 0xb8, 0x77, 0x00, 0x00, 0x00, 0xcd, 0x80};
    CHECK(std::memcmp(rc, want_rc, 8) == 0);
    CHECK(pr.cpu.m_regs[kEdx] == 0);
    CHECK(pr.cpu.m_regs[kEcx] == 0);
    // __kernel_sigreturn's popl %eax: ESP = frame + 8 at the call.
    pr.cpu.m_regs[kEsp] = frame + 8;
    REQUIRE(restore_signal_frame(pr, false));
    CHECK(pr.sigmask == 0x0000000400000008ull);
    CHECK(pr.cpu.m_regs[kEsp] == sp);
    CHECK(pr.cpu.m_regs[kEbx] == 0x4000);
    set_guest_sigmask(pr, 0);
}

TEST_CASE("signal frames: return address without a vDSO, with SA_RESTORER") {
    auto p = make_process(false);
    GuestSigaction act{kHandler, kSaSiginfo, 0, 0};
    REQUIRE(setup_signal_frame(*p, SIGUSR1, act, sample_info(), 0, false));
    uint32_t frame = p->cpu.m_regs[kEsp];
    CHECK(u32_at(*p, frame) == frame + 260);                // the retcode on the frame
    auto q = make_process();
    GuestSigaction act2{kHandler, kSaRestorer, kRestorer, 0};
    REQUIRE(setup_signal_frame(*q, SIGUSR1, act2, sample_info(), 0, false));
    CHECK(u32_at(*q, q->cpu.m_regs[kEsp]) == kRestorer);
}

TEST_CASE("signal frames: the alternate stack") {
    auto p = make_process();
    Process& pr = *p;
    GuestStack ss{kAlt, 0, kAltSize};
    REQUIRE(do_sigaltstack(pr, &ss, nullptr, pr.cpu.m_regs[kEsp]) == 0);
    GuestSigaction act{kHandler, kSaSiginfo | kSaOnstack, 0, 0};
    REQUIRE(setup_signal_frame(pr, SIGUSR1, act, sample_info(), 0, false));
    uint32_t frame = pr.cpu.m_regs[kEsp];
    CHECK(frame > kAlt);
    CHECK(frame < kAlt + kAltSize);
    CHECK(u32_at(pr, frame + 152) == kAlt);                 // uc_stack.ss_sp
    CHECK(u32_at(pr, frame + 160) == kAltSize);
    // On the alternate stack now: sigaltstack refuses a change, and reports SS_ONSTACK.
    GuestStack oss{};
    CHECK(do_sigaltstack(pr, &ss, &oss, frame) == -EPERM);
    CHECK(oss.ss_flags == kSsOnstack);
    // A nested frame that no longer fits is refused (the caller forces SIGSEGV).
    pr.cpu.m_regs[kEsp] = kAlt + 200;
    CHECK_FALSE(setup_signal_frame(pr, SIGUSR1, act, sample_info(), 0, false));
    // Too small, bad flags.
    pr.cpu.m_regs[kEsp] = kStackBase + 0x8000;
    GuestStack small{kAlt, 0, 100};
    CHECK(do_sigaltstack(pr, &small, nullptr, pr.cpu.m_regs[kEsp]) == -ENOMEM);
    GuestStack bad{kAlt, 0x10, kAltSize};
    CHECK(do_sigaltstack(pr, &bad, nullptr, pr.cpu.m_regs[kEsp]) == -EINVAL);
}

TEST_CASE("signal frames: a frame that cannot be written") {
    auto p = make_process();
    p->cpu.m_regs[kEsp] = 0x10000;   // nothing mapped below
    GuestSigaction act{kHandler, kSaSiginfo, 0, 0};
    uint32_t eip = p->cpu.m_eip;
    CHECK_FALSE(setup_signal_frame(*p, SIGUSR1, act, sample_info(), 0, false));
    CHECK(p->cpu.m_eip == eip);
}

TEST_CASE("siginfo: host and guest layouts") {
    siginfo_t h;
    std::memset(&h, 0, sizeof h);
    h.si_signo = SIGCHLD;
    h.si_code = CLD_EXITED;
    h.si_pid = 77;
    h.si_uid = 1000;
    h.si_status = 3;
    h.si_utime = 5;
    h.si_stime = 6;
    GuestSiginfo g = guest_siginfo_from_host(h);
    CHECK(g.signo == SIGCHLD);
    CHECK(g.code == CLD_EXITED);
    CHECK(g.pid() == 77);
    CHECK(g.uid() == 1000);
    CHECK(g.status() == 3);
    CHECK(g.utime() == 5);
    CHECK(g.stime() == 6);
    uint8_t raw[128];
    std::memcpy(raw, &g, sizeof raw);
    uint32_t status;
    std::memcpy(&status, raw + 20, 4);   // compat_siginfo: si_status at offset 20 on i386
    CHECK(status == 3);

    GuestSiginfo q = sample_info();
    siginfo_t hq = host_siginfo_from_guest(q);
    CHECK(hq.si_code == SI_QUEUE);
    CHECK(hq.si_pid == 1234);
    CHECK(hq.si_value.sival_int == 0xabcd);
    GuestSiginfo back = guest_siginfo_from_host(hq);
    CHECK(std::memcmp(&back, &q, sizeof q) == 0);

    GuestSiginfo f{};
    f.signo = SIGSEGV;
    f.code = SEGV_MAPERR;
    f.addr() = 0xdeadb000;
    siginfo_t hf = host_siginfo_from_guest(f);
    CHECK(reinterpret_cast<uintptr_t>(hf.si_addr) == 0xdeadb000);
    CHECK(format_siginfo(f) == "{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0xdeadb000}");
    GuestSiginfo k{};
    k.signo = SIGALRM;
    k.code = kSiKernel;
    CHECK(format_siginfo(k) == "{si_signo=SIGALRM, si_code=SI_KERNEL}");
}
