/* IDIV of INT_MIN by -1: the quotient +2^31 does not fit, so #DE -> SIGFPE (status 136),
 * exactly like a division by zero (SDM Vol.2A IDIV). */
#include "guest_util.h"

int main(void)
{
    RAW_SAY("idiv 0x80000000 by -1\n");
    uint32_t a = 0x80000000u, d = 0xffffffffu, m1 = 0xffffffffu;
    __asm__ volatile("idivl %2" : "+a"(a), "+d"(d) : "r"(m1) : "cc");
    RAW_SAY("survived the division: wrong\n");
    return 0;
}
