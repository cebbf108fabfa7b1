// i386 kernel ABI structures, byte for byte (arch/x86/include/uapi/asm/*.h, include/uapi/linux/*.h).
// Every struct has explicit padding and pinned size/offsets; values cross between guest memory and
// host structures only through GuestMemory::read/write, never by casting host pointers.
#pragma once
#include <cstddef>
#include <cstdint>

namespace gate386 {

// struct user_desc (asm/ldt.h): set_thread_area / get_thread_area.
struct GuestUserDesc {
    uint32_t entry_number;
    uint32_t base_addr;
    uint32_t limit;
    uint32_t flags;   // seg_32bit:1 contents:2 read_exec_only:1 limit_in_pages:1 seg_not_present:1 useable:1
};
static_assert(sizeof(GuestUserDesc) == 16);

// struct iovec with 32-bit pointers.
struct GuestIovec {
    uint32_t base;
    uint32_t len;
};
static_assert(sizeof(GuestIovec) == 8);

// struct new_utsname: six 65-byte fields, the same on every architecture.
struct GuestUtsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};
static_assert(sizeof(GuestUtsname) == 390);

// struct old_timespec32 / old_timeval32.
struct GuestTimespec32 {
    int32_t tv_sec;
    int32_t tv_nsec;
};
static_assert(sizeof(GuestTimespec32) == 8);
struct GuestTimeval32 {
    int32_t tv_sec;
    int32_t tv_usec;
};
static_assert(sizeof(GuestTimeval32) == 8);

// struct __kernel_timespec (64-bit time on i386, the *_time64 calls).
struct GuestTimespec64 {
    int64_t tv_sec;
    int64_t tv_nsec;
};
static_assert(sizeof(GuestTimespec64) == 16);

// struct stat64 (arch/x86/include/uapi/asm/stat.h, the i386 variant): 96 bytes, packed 4-byte
// alignment for the 64-bit fields.
struct __attribute__((packed, aligned(4))) GuestStat64 {
    uint64_t st_dev;
    uint8_t pad0[4];
    uint32_t st_ino_low;   // __st_ino
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    uint8_t pad3[4];
    int64_t st_size;
    uint32_t st_blksize;
    uint64_t st_blocks;
    uint32_t st_atime_sec, st_atime_nsec;
    uint32_t st_mtime_sec, st_mtime_nsec;
    uint32_t st_ctime_sec, st_ctime_nsec;
    uint64_t st_ino;
};
static_assert(sizeof(GuestStat64) == 96);
static_assert(offsetof(GuestStat64, st_mode) == 16);
static_assert(offsetof(GuestStat64, st_size) == 44);
static_assert(offsetof(GuestStat64, st_blocks) == 56);
static_assert(offsetof(GuestStat64, st_ino) == 88);

}  // namespace gate386
