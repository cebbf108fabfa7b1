// The two 32-bit kernel entries, as a 2.6-era kernel implements them (reference/linux-gate.md):
// int $0x80 (entry.S system_call) and sysenter (entry.S sysenter_entry / sysenter.c).
#pragma once

namespace gate386 {

struct Process;

void gate_int80(Process& p);
void gate_sysenter(Process& p);

}  // namespace gate386
