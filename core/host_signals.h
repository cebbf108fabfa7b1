// Host signals that belong to the guest: SIGSEGV/SIGBUS inside the guest window are guest faults
// (or stores to write-protected code pages, see GuestMemory::handle_code_write).
#pragma once

namespace gate386 {

struct Process;

void install_host_signal_handlers(Process& p);
// Ends the host process the way the guest ended: exit status, or death by the same signal.
[[noreturn]] void finish_and_exit(Process& p);
int finish_process(Process& p);

}  // namespace gate386
