// /proc/self (and /proc/<own pid>) as the guest must see it: the kernel's formats, filled with the
// guest's view (its mappings, auxv, argv, program) instead of gate386's own.
#pragma once
#include <cstdint>
#include <string>

namespace gate386 {

struct Process;

// If `path` names a /proc file of this process that gate386 emulates, opens it and returns true
// with the guest fd (or -errno) in `result`. Other paths return false: open them normally.
bool procfs_open(Process& p, const std::string& path, uint32_t flags, int32_t& result);
// readlink of /proc/self/exe and friends; false when the path is not emulated.
bool procfs_readlink(Process& p, const std::string& path, std::string& target);

// /proc/self/mem descriptors read and write guest memory at the file offset (mm/proc: mem_rw).
bool procfs_is_mem_fd(const Process& p, int fd);
int32_t procfs_mem_read(Process& p, int fd, uint32_t buf, uint32_t len, const uint64_t* at);
int32_t procfs_mem_write(Process& p, int fd, uint32_t buf, uint32_t len, const uint64_t* at);
int64_t procfs_mem_seek(Process& p, int fd, int64_t off, int whence);

// The text of /proc/self/maps for the guest (also used by the debugger's memory-map view).
std::string format_maps(const Process& p);

}  // namespace gate386
