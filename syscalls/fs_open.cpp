#include "syscalls/syscall_table.h"

namespace gate386 {

// Area not written yet: its calls stay unregistered and return a loud -ENOSYS.
void register_fs_open_syscalls() {}

}  // namespace gate386
