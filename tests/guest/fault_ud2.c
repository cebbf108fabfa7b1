/* UD2 raises #UD: SIGILL (status 132). */
#include "guest_util.h"

int main(void)
{
    RAW_SAY("executing ud2\n");
    __asm__ volatile("ud2");
    RAW_SAY("survived ud2: wrong\n");
    return 0;
}
