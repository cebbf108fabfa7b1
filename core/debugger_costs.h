// The cost model's interface when it is built in (syscalls/gate_costs.h: modelled cycles per
// system call). The debugger shows the modelled cost of each gate crossing through it and reads
// nothing of it otherwise, so it builds with or without it.
#pragma once
#if __has_include("syscalls/gate_costs.h")
#include "syscalls/gate_costs.h"
#define GATE386_HAVE_COSTS 1
#endif
