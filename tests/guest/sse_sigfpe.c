/* An SSE divide-by-zero with ZE unmasked in MXCSR raises #XM at the DIVSS itself (SSE exceptions
 * are not deferred): with no handler the process dies from SIGFPE (status 136) before the next
 * instruction. stderr is closed first so that only stdout and the status are compared.
 */
#include <fcntl.h>

#include "guest_util.h"

__attribute__((target("sse2"))) int main(void)
{
    int fd = open("/dev/null", O_WRONLY);
    dup2(fd, 2);
    uint32_t csr = 0x1f80 & ~0x200u;   /* ZE unmasked */
    static float one = 1.0f, zero = 0.0f, out = 42.0f;
    RAW_SAY("dividing by zero with ZE unmasked in MXCSR\n");
    __asm__ volatile("ldmxcsr %0\n\tmovss %1, %%xmm0\n\tdivss %2, %%xmm0\n\tmovss %%xmm0, %3"
                     :
                     : "m"(csr), "m"(one), "m"(zero), "m"(out)
                     : "memory", "xmm0");
    RAW_SAY("survived the division: wrong\n");
    return 0;
}
