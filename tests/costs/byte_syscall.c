// Mike Hayward's December 2002 figures come from the BYTE Unix benchmark's "System Call
// Overhead" loop: close(dup(0)); getpid(); getuid(); umask(022); — five calls per loop, counted
// per second. This program runs N loops between two RDTSC reads and reports loops per second at
// the clock given in MHz; under `gate386 --rdtsc=model` that is the model's time.
//
// usage: byte_syscall MHZ [N]
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: byte_syscall MHZ [N]\n");
        return 2;
    }
    double mhz = atof(argv[1]);
    long n = argc > 2 ? atol(argv[2]) : 20000;
    uint64_t t0 = rdtsc();
    for (long i = 0; i < n; i++) {
        close(dup(0));
        getpid();
        getuid();
        umask(022);
    }
    uint64_t t1 = rdtsc();
    double cycles = (double)(t1 - t0) / n;
    printf("byte_syscall: %.1f cycles/loop, %.1f cycles/call, %.1f loops/s at %.0f MHz\n", cycles, cycles / 5,
           mhz * 1e6 / cycles, mhz);
    return 0;
}
