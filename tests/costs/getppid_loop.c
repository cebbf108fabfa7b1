// Linus Torvalds' December 2002 measurement, redone: time N system calls through int $0x80 and
// then N through `call *AT_SYSINFO` (the vDSO's __kernel_vsyscall), one RDTSC pair around each
// loop, and print cycles per call. Under `gate386 --rdtsc=model` the counter is the modelled one.
//
// usage: getppid_loop [getppid|gettimeofday] [N]
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/time.h>

static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

int main(int argc, char** argv) {
    const char* which = argc > 1 ? argv[1] : "getppid";
    long n = argc > 2 ? atol(argv[2]) : 100000;
    int nr = strcmp(which, "gettimeofday") == 0 ? 78 : 64;   // __NR_gettimeofday, __NR_getppid
    struct timeval tv;
    uintptr_t vsyscall = (uintptr_t)getauxval(AT_SYSINFO);
    if (!vsyscall) {
        fprintf(stderr, "no AT_SYSINFO\n");
        return 1;
    }
    // The loops are written out so that every compiler gives the same four instructions around
    // the gate: mov $nr,%eax; (int $0x80 | call *vsyscall); dec; jnz.
    long r = 0, left;
    uint64_t t0 = rdtsc();
    left = n;
    __asm__ volatile("1: mov %[nr], %%eax\n\t"
                     "int $0x80\n\t"
                     "dec %[left]\n\t"
                     "jnz 1b"
                     : "=&a"(r), [left] "+r"(left)
                     : [nr] "r"(nr), "b"(&tv), "c"(0)
                     : "memory", "cc");
    uint64_t t1 = rdtsc();
    left = n;
    __asm__ volatile("1: mov %[nr], %%eax\n\t"
                     "call *%[vs]\n\t"
                     "dec %[left]\n\t"
                     "jnz 1b"
                     : "=&a"(r), [left] "+r"(left)
                     : [nr] "r"(nr), "b"(&tv), "c"(0), [vs] "r"(vsyscall)
                     : "memory", "cc");
    uint64_t t2 = rdtsc();
    if (r < 0) {
        fprintf(stderr, "%s failed: %ld\n", which, r);
        return 1;
    }
    printf("%s int80: %.1f cycles/call\n", which, (double)(t1 - t0) / n);
    printf("%s sysenter: %.1f cycles/call\n", which, (double)(t2 - t1) / n);
    return 0;
}
