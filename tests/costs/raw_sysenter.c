// A sysenter executed by the program itself, arranged the way __kernel_vsyscall does it (return
// address, ecx, edx, ebp pushed; ebp = esp), so that the kernel's SYSEXIT to SYSENTER_RETURN pops
// them and returns here. On a Pentium Pro the instruction does not exist: SIGILL (status 132).
#include <stdio.h>

int main(void) {
    long r;
    __asm__ volatile("push $1f\n\t"
                     "push %%ecx\n\t"
                     "push %%edx\n\t"
                     "push %%ebp\n\t"
                     "mov %%esp, %%ebp\n\t"
                     "sysenter\n"
                     "1:"
                     : "=a"(r)
                     : "0"(20)   // __NR_getpid
                     : "memory", "cc");
    printf("raw sysenter: getpid %s\n", r > 0 ? "ok" : "failed");
    return r > 0 ? 0 : 1;
}
