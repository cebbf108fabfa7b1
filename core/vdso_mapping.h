// Mapping linux-gate.so.1 and its [vvar] page into a process (vdso/ synthesizes the bytes).
#pragma once

namespace gate386 {

struct Process;

// Maps the vDSO variant the CPU model calls for and records its addresses in the process
// (vdso_base, vdso_entry, sysenter_return). Does nothing when the process runs without one.
void map_vdso(Process& p);

}  // namespace gate386
