/* INT3 raises #BP: SIGTRAP (status 133). */
#include "guest_util.h"

int main(void)
{
    RAW_SAY("executing int3\n");
    __asm__ volatile("int3");
    RAW_SAY("survived int3: wrong\n");
    return 0;
}
