// Helpers every syscall area uses: guest pointer checks and copies that turn a bad pointer into
// -EFAULT, and host errno conversion.
#pragma once
#include <cerrno>
#include <string>
#include <sys/mman.h>

#include "core/process.h"

namespace gate386 {

inline int32_t host_result(long r) { return r < 0 ? -errno : static_cast<int32_t>(r); }

// A guest buffer the host kernel may fill (prepares code pages), or nullptr when invalid.
inline void* guest_out(Process& p, uint32_t addr, uint32_t len) {
    if (len == 0) return p.mem.host(addr);
    if (!p.mem.check(addr, len, PROT_WRITE)) return nullptr;
    p.mem.prepare_host_write(addr, len);
    return p.mem.host(addr);
}
inline const void* guest_in(Process& p, uint32_t addr, uint32_t len) {
    if (len == 0) return p.mem.host(addr);
    return p.mem.check(addr, len, PROT_READ) ? p.mem.host(addr) : nullptr;
}
template <typename T> bool copy_from_guest(Process& p, uint32_t addr, T& out) {
    return p.mem.read(addr, &out, sizeof(T));
}
template <typename T> bool copy_to_guest(Process& p, uint32_t addr, const T& in) {
    return p.mem.write(addr, &in, sizeof(T));
}
// A guest C string path, resolved under --sysroot for absolute paths. False on a bad pointer.
bool guest_path(Process& p, uint32_t addr, std::string& out);

}  // namespace gate386
