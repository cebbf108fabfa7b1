// Guest signal state and delivery. Faults raised by the CPU and signals sent to the process end
// up here; the run loop calls deliver_pending_signals at block boundaries after kernel entries.
#pragma once
#include <cstdint>
#include "cpu/cpu_state.h"

namespace gate386 {

struct Process;

void deliver_fault(Process& p, const CpuFault& f);
void deliver_pending_signals(Process& p);
// Marks a signal pending for the process (kill/tgkill to itself, host signals forwarded).
void raise_guest_signal(Process& p, int signo);
const char* signal_name(int signo);

}  // namespace gate386
