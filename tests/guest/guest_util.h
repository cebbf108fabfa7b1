/* Shared helpers for the i386 guest test programs (tests/guest/NAME.c and NAME.S).
 *
 * Every guest program is run natively and under gate386; stdout, stderr and the exit status must be
 * identical.  So programs print only deterministic values: results, flags that the SDM defines, errno
 * names, and yes/no properties of addresses, pids and times.
 *
 * Flag strings: fl(f, mask) renders the six arithmetic flags in the fixed order C P A Z S O:
 * the letter when set, '-' when clear, '.' when the flag is architecturally undefined after the
 * instruction (masked out so the test checks the architecture, not one chip's quirks).
 */
#ifndef GATE386_GUEST_UTIL_H
#define GATE386_GUEST_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define F_CF 0x0001u
#define F_PF 0x0004u
#define F_AF 0x0010u
#define F_ZF 0x0040u
#define F_SF 0x0080u
#define F_TF 0x0100u
#define F_IF 0x0200u
#define F_DF 0x0400u
#define F_OF 0x0800u
#define F_NT 0x4000u
#define F_AC 0x40000u
#define F_ID 0x200000u
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

/* Input EFLAGS patterns used when an instruction must not depend on (or must preserve) flags. */
#define FIN_CLEAR 0x00000002u
#define FIN_SET (0x00000002u | F_ARITH)

/* Renders the arithmetic flags of f; flags outside `defined` print as '.'. Returns one of 8
 * rotating static buffers so several calls can appear in one printf. */
static inline const char *fl(uint32_t f, uint32_t defined)
{
    static char bufs[8][8];
    static unsigned next;
    char *b = bufs[next++ & 7];
    static const uint32_t bit[6] = {F_CF, F_PF, F_AF, F_ZF, F_SF, F_OF};
    static const char name[6] = {'C', 'P', 'A', 'Z', 'S', 'O'};
    for (int i = 0; i < 6; i++)
        b[i] = (defined & bit[i]) ? ((f & bit[i]) ? name[i] : '-') : '.';
    b[6] = 0;
    return b;
}

/* Inline-asm fragments: load EFLAGS from operand %[fin], then store EFLAGS to operand %[fout].
 * Use as: asm volatile(FLAGS_LOAD "addl %[b], %[a]" FLAGS_SAVE : ..., [fout] "=r"(fo)
 *                      : ..., [fin] "r"(fi) : "cc"); */
#define FLAGS_LOAD "pushl %[fin]\n\tpopfl\n\t"
#define FLAGS_SAVE "\n\tpushfl\n\tpopl %[fout]"

static inline uint32_t read_eflags(void)
{
    uint32_t f;
    __asm__ volatile("pushfl\n\tpopl %0" : "=r"(f));
    return f;
}

static inline const char *yesno(int b) { return b ? "yes" : "no"; }

/* Symbolic errno names, so expected failures print e.g. "ENOENT" (deterministic across libcs). */
static inline const char *errname(int e)
{
    switch (e) {
    case 0: return "OK";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case ENXIO: return "ENXIO";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case ENOTTY: return "ENOTTY";
    case EFBIG: return "EFBIG";
    case ENOSPC: return "ENOSPC";
    case ESPIPE: return "ESPIPE";
    case EROFS: return "EROFS";
    case EMLINK: return "EMLINK";
    case EPIPE: return "EPIPE";
    case EDOM: return "EDOM";
    case ERANGE: return "ERANGE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case EOVERFLOW: return "EOVERFLOW";
    case ENOTSOCK: return "ENOTSOCK";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ETIMEDOUT: return "ETIMEDOUT";
    default: {
        static char buf[32];
        snprintf(buf, sizeof buf, "errno%d", e);
        return buf;
    }
    }
}

/* Prints "label: ret=R errno=NAME" for a call that returns -1/errno, then resets errno. */
#define SHOW(label, expr)                                                                      \
    do {                                                                                       \
        errno = 0;                                                                             \
        long show_r_ = (long)(expr);                                                           \
        printf("%s: ret=%ld %s\n", (label), show_r_, show_r_ < 0 ? errname(errno) : "OK");     \
    } while (0)

/* Like SHOW but for a call whose success value is not deterministic: prints only ok/errno. */
#define SHOWOK(label, expr)                                                                    \
    do {                                                                                       \
        errno = 0;                                                                             \
        long show_r_ = (long)(expr);                                                           \
        printf("%s: %s\n", (label), show_r_ < 0 ? errname(errno) : "ok");                      \
    } while (0)

/* An invalid user pointer (e.g. 1 or 0xfffff000) the compiler cannot see through, for EFAULT
 * checks: the kernel (and the emulator) must reject it with EFAULT rather than crash. */
static inline void *bad_ptr(uintptr_t v)
{
    static volatile uintptr_t hide;
    hide = v;
    return (void *)hide;
}

/* A raw write of a string literal to fd 1, for programs that die from a signal (stdio buffers
 * would be lost). */
#define RAW_SAY(s) ((void)!write(1, (s), sizeof(s) - 1))

#endif
