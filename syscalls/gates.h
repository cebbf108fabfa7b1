// The two 32-bit kernel entries, as a 2.6-era kernel implements them (reference/linux-gate.md):
// int $0x80 (entry.S system_call) and sysenter (entry.S sysenter_entry / sysenter.c).
#pragma once
#include <cstdint>

namespace gate386 {

struct Process;
struct GuestSigaction;

// The kernel's restart codes (include/linux/errno.h) and SA_RESTART (asm/signal.h).
constexpr int32_t kErestartSys = 512, kErestartNointr = 513, kErestartNohand = 514,
                  kErestartRestartblock = 516;
constexpr uint32_t kSaRestart = 0x10000000u;

void gate_int80(Process& p);
void gate_sysenter(Process& p);

// For signal delivery, on the way back to user mode right after a system call when there is
// work (a signal to deliver or to act on): `handler` is the action that will run, or nullptr when
// none will (default action, ignored). Takes the IRET exit for a sysenter-entered call (EBP, ECX,
// EDX as they entered) and applies the restart rules to the call's result: -ERESTARTSYS (with
// SA_RESTART), -ERESTARTNOINTR, and with no handler -ERESTARTNOHAND / -ERESTART_RESTARTBLOCK set
// EAX to the call's number (or __NR_restart_syscall) and EIP back 2 bytes. Returns true when the
// call will be restarted; does nothing (false) when the last thing the guest did was not a call.
bool gate_signal_return(Process& p, const GuestSigaction* handler);

}  // namespace gate386
