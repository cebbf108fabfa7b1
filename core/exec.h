// Starting a program in a process: load it (and its interpreter), build the initial stack with
// argv, envp and the auxiliary vector, and point the CPU at the entry (fs/binfmt_elf.c).
#pragma once
#include <string>
#include <vector>

namespace gate386 {

struct Process;

// Resolves an absolute guest path under --sysroot first (qemu-user's -L), then as is.
std::string host_path_for(const Process& p, const std::string& guest_path);

// Replaces the process image. On failure returns false with a one-line message in err.
bool exec_program(Process& p, const std::string& path, const std::vector<std::string>& argv,
                  const std::vector<std::string>& envp, std::string& err);

}  // namespace gate386
