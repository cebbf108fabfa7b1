#include "syscalls/syscall_util.h"

#include "core/exec.h"

namespace gate386 {

bool guest_path(Process& p, uint32_t addr, std::string& out) {
    std::string s;
    if (!p.mem.read_string(addr, s, 4096)) return false;
    out = host_path_for(p, s);
    return true;
}

}  // namespace gate386
