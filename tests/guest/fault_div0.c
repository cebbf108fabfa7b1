/* DIV by zero raises #DE; with no handler installed the process dies from SIGFPE
 * (shell status 136).  No signal handler on purpose: this checks the default action. */
#include "guest_util.h"

int main(void)
{
    RAW_SAY("dividing 1234 by zero\n");
    uint32_t a = 1234, d = 0, zero = 0;
    __asm__ volatile("divl %2" : "+a"(a), "+d"(d) : "r"(zero) : "cc");
    RAW_SAY("survived the division: wrong\n");
    return 0;
}
