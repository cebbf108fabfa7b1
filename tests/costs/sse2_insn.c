// One SSE2 instruction (paddq on XMM registers). A Pentium III has SSE but not SSE2: SIGILL
// (status 132); a Pentium 4 runs it.
#include <stdint.h>
#include <stdio.h>

__attribute__((target("sse2"))) int main(void) {
    uint64_t a[2] __attribute__((aligned(16))) = {1, 2};
    uint64_t b[2] __attribute__((aligned(16))) = {40, 40};
    __asm__ volatile("movdqa %0, %%xmm0\n\t"
                     "paddq %1, %%xmm0\n\t"
                     "movdqa %%xmm0, %0"
                     : "+m"(a)
                     : "m"(b)
                     : "xmm0");
    printf("paddq: %llu %llu\n", (unsigned long long)a[0], (unsigned long long)a[1]);
    return 0;
}
