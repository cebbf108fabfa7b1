// System calls interrupted by a signal. A host call the guest was blocked in fails with EINTR
// when gate386's host handler catches a signal for the guest; the guest must see what its own
// kernel returns for that call, so that the restart rules apply at delivery (gates.cpp
// gate_signal_return): -ERESTARTSYS for the ordinary blocking calls (read, write, wait4, ...),
// -ERESTARTNOHAND for those that wait for a signal or a time with a mask or timeout the caller
// keeps (pause, sigsuspend, select, pselect6, ppoll, absolute clock_nanosleep),
// -ERESTART_RESTARTBLOCK with a restart block for relative sleeps and poll (resumed by
// restart_syscall with the time left), and plain -EINTR for those Linux never restarts
// (epoll_wait, rt_sigtimedwait, io_getevents; signal(7) "interfaces not restarted").
#include <cerrno>
#include <cstdio>
#include <ctime>

#include "core/process.h"
#include "syscalls/gates.h"
#include "syscalls/guest_signals.h"
#include "syscalls/guest_types.h"
#include "syscalls/strace.h"
#include "syscalls/syscall_names.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

namespace {

enum : uint32_t {
    kNrPause = 29, kNrOldSelect = 82, kNrNewselect = 142, kNrNanosleep = 162, kNrPoll = 168,
    kNrSigtimedwait = 177, kNrIoGetevents = 245, kNrEpollWait = 256, kNrClockNanosleep = 267,
    kNrPselect6 = 308, kNrPpoll = 309, kNrEpollPwait = 319, kNrIoPgetevents = 385,
    kNrClockNanosleep64 = 407, kNrPselect6Time64 = 413, kNrPpollTime64 = 414,
    kNrSigtimedwaitTime64 = 421, kNrEpollPwait2 = 441,
};
constexpr uint32_t kTimerAbstime = 1;

int64_t monotonic_ns() {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return int64_t(t.tv_sec) * 1000000000 + t.tv_nsec;
}

bool is_timed_restart(uint32_t nr) {
    return nr == kNrNanosleep || nr == kNrClockNanosleep || nr == kNrClockNanosleep64 || nr == kNrPoll;
}

// The restart block of an interrupted relative sleep or poll: the deadline on the monotonic clock
// (hrtimer_nanosleep keeps the expiry; do_sys_poll the end time).
void save_restart(Process& p, uint32_t nr, const SyscallArgs& a) {
    RestartBlock& rb = p.signals.restart;
    if (nr == 0) return;   // restart_syscall interrupted again: the block stays as it is
    rb.nr = nr;
    for (int k = 0; k < 6; k++) rb.args[k] = a[k];
    int64_t len = -1;
    if (nr == kNrPoll) {
        int32_t ms = static_cast<int32_t>(a[2]);
        if (ms >= 0) len = int64_t(ms) * 1000000;
    } else {
        uint32_t req = nr == kNrNanosleep ? a[0] : a[2];
        if (nr == kNrClockNanosleep64) {
            GuestTimespec64 t;
            if (copy_from_guest(p, req, t)) len = t.tv_sec * 1000000000 + t.tv_nsec;
        } else {
            GuestTimespec32 t;
            if (copy_from_guest(p, req, t)) len = int64_t(t.tv_sec) * 1000000000 + t.tv_nsec;
        }
    }
    rb.start_ns = len < 0 ? -1 : p.signals.call_start_ns + len;   // the deadline, or -1: none
}

// restart_syscall(0): resumes the interrupted call with the time it has left; without a block
// (a handler ran sigreturn since) it is do_no_restart_syscall's -EINTR.
int32_t sys_restart_syscall(Process& p, const SyscallArgs&) {
    RestartBlock rb = p.signals.restart;
    if (!rb.nr) return -EINTR;
    SyscallArgs a{{rb.args[0], rb.args[1], rb.args[2], rb.args[3], rb.args[4], rb.args[5]}};
    int32_t r;
    if (rb.nr == kNrPoll) {
        if (rb.start_ns >= 0) {
            int64_t left = rb.start_ns - monotonic_ns();
            a.v[2] = uint32_t(left > 0 ? (left + 999999) / 1000000 : 0);
        }
        r = syscall_info(kNrPoll).fn(p, a);
    } else {
        // Sleep to the deadline; an interruption writes the time left where the call asked.
        struct timespec dl{rb.start_ns / 1000000000, long(rb.start_ns % 1000000000)};
        int e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, nullptr);
        r = -e;
        uint32_t rem = rb.nr == kNrNanosleep ? rb.args[1] : rb.args[3];
        if (e == EINTR && rem) {
            int64_t left = rb.start_ns - monotonic_ns();
            if (left < 0) left = 0;
            if (rb.nr == kNrClockNanosleep64)
                copy_to_guest(p, rem, GuestTimespec64{left / 1000000000, left % 1000000000});
            else
                copy_to_guest(p, rem, GuestTimespec32{int32_t(left / 1000000000), int32_t(left % 1000000000)});
        }
    }
    if (r != -EINTR) p.signals.restart = RestartBlock{};
    return r;
}

}  // namespace

void note_syscall_start(Process& p, uint32_t nr) {
    if (is_timed_restart(nr)) p.signals.call_start_ns = monotonic_ns();
}

int32_t interrupted_syscall_result(Process& p, uint32_t nr, const SyscallArgs& a) {
    // EINTR with no signal caught for the guest is the host's own (a stop and continue, say):
    // the guest's kernel would have returned it too.
    if (!(__atomic_load_n(&p.cpu.m_attention, __ATOMIC_RELAXED) & kAttentionSignal)) return -EINTR;
    switch (nr) {
    case 0: return -kErestartRestartblock;
    case kNrPause: case kNrOldSelect: case kNrNewselect: case kNrPselect6: case kNrPselect6Time64:
    case kNrPpoll: case kNrPpollTime64:
        return -kErestartNohand;
    case kNrClockNanosleep: case kNrClockNanosleep64:
        if (a[1] & kTimerAbstime) return -kErestartNohand;
        save_restart(p, nr, a);
        return -kErestartRestartblock;
    case kNrNanosleep: case kNrPoll:
        save_restart(p, nr, a);
        return -kErestartRestartblock;
    case kNrSigtimedwait: case kNrSigtimedwaitTime64: case kNrEpollWait: case kNrEpollPwait:
    case kNrEpollPwait2: case kNrIoGetevents: case kNrIoPgetevents:
        return -EINTR;
    default:
        return -kErestartSys;
    }
}

void strace_restart_note(Process& p, uint32_t nr) {
    if (!p.opts.strace) return;
    const Cpu& c = p.cpu;
    uint32_t at = c.m_eip;
    uint8_t b[2] = {0, 0};
    p.mem.read(at, b, 2);
    const char* name = syscall_name(nr);
    std::string call = name && *name ? name : "syscall_" + std::to_string(nr);
    if (c.m_regs[kEax] == kNrRestartSyscall && nr != kNrRestartSyscall) call += " as restart_syscall";
    bool in_vdso = p.vdso_base && at >= p.vdso_base && at < p.vdso_base + 0x1000;
    char where[96];
    if (b[0] == 0xeb) {
        uint32_t target = at + 2 + uint32_t(int32_t(int8_t(b[1])));
        std::snprintf(where, sizeof where, "%#x (%s jmp to %#x: mov %%esp,%%ebp; sysenter)", at,
                      in_vdso ? "vDSO" : "", target);
    } else if (b[0] == 0xcd && b[1] == 0x80) {
        std::snprintf(where, sizeof where, "int $0x80 at %#x%s", at, in_vdso ? " (vDSO)" : "");
    } else if (b[0] == 0x0f && b[1] == 0x34) {
        std::snprintf(where, sizeof where, "sysenter at %#x%s", at, in_vdso ? " (vDSO)" : "");
    } else {
        std::snprintf(where, sizeof where, "%#x", at);
    }
    strace_print("--- restart " + call + " via " + where + " ---\n");
}

void register_signal_restart_syscalls() {
    register_syscall(kNrRestartSyscall, sys_restart_syscall, "");
}

}  // namespace gate386
