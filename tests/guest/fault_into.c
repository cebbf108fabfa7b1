/* INTO with OF clear does nothing; with OF set it raises #OF, which Linux delivers as SIGSEGV
 * (arch/x86/kernel/traps.c do_overflow: status 139). */
#include "guest_util.h"

int main(void)
{
    uint32_t a = 0x7fffffff;
    __asm__ volatile("addl $0, %0\n\tinto" : "+r"(a) : : "cc"); /* OF clear: no trap */
    RAW_SAY("into with OF clear: no trap\n");
    RAW_SAY("executing into with OF set\n");
    __asm__ volatile("addl $1, %0\n\tinto" : "+r"(a) : : "cc"); /* 0x7fffffff+1 sets OF */
    RAW_SAY("survived into: wrong\n");
    return 0;
}
