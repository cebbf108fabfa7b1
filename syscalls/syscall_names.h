#pragma once
#include <cstdint>

namespace gate386 {

// The i386 name of a system call number, or nullptr for an unassigned number.
const char* syscall_name(uint32_t nr);
uint32_t syscall_count();

}  // namespace gate386
