// strace-style logging of guest system calls (--strace), to stderr like strace and qemu -strace.
#pragma once
#include <cstdint>
#include <string>
#include "syscalls/syscall_table.h"

namespace gate386 {

struct Process;

void strace_enter(Process& p, uint32_t nr, const SyscallArgs& a);
void strace_exit(Process& p, uint32_t nr, const SyscallArgs& a, int32_t result);
void strace_unknown(Process& p, uint32_t nr, const SyscallArgs& a);
// A note appended to the line of the call being printed (the gate and its cost, restarts).
void strace_set_suffix(const std::string& suffix);
// A provider of that note, asked when a call's line is printed (it knows the result then);
// the gate layer installs one that prices the call (syscalls/gate_costs.cpp).
using StraceSuffixFn = std::string (*)(Process& p, uint32_t nr, int32_t result);
void strace_set_suffix_provider(StraceSuffixFn fn);

// A receiver of each finished line (the debugger's syscall log); it returns true when the line
// should still go to stderr. nullptr: lines go to stderr only.
using StraceLineSink = bool (*)(void* ctx, const std::string& line);
void strace_set_line_sink(StraceLineSink fn, void* ctx);

// A line of its own (signal delivery "--- SIGALRM {...} ---", restarts), through the same sink.
void strace_print(const std::string& line);

const char* errno_name(int e);
std::string format_open_flags(uint32_t flags);

}  // namespace gate386
