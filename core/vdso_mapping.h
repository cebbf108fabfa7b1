// Mapping linux-gate.so.1 and its [vvar] page into a process (vdso/ synthesizes the bytes).
#pragma once
#include "vdso/vdso_image.h"

namespace gate386 {

struct Process;

// The variant the CPU model and --gate call for.
VdsoVariant vdso_variant_for(const Process& p);
// Maps [vvar] at 0xffffd000 and [vdso] at 0xffffe000 and records the vDSO's addresses in the
// process (vdso_base, vdso_entry, sysenter_return, vdso_restart).
void map_vdso(Process& p);
// Re-anchors the vvar time data to the host clocks about once a second of run time, so the
// vDSO's TSC extrapolation never drifts (vvar.h).
void refresh_vvar_if_due(Process& p);

}  // namespace gate386
