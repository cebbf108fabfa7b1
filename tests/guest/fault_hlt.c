/* HLT is privileged: #GP at CPL 3, which Linux delivers as SIGSEGV (status 139). */
#include "guest_util.h"

int main(void)
{
    RAW_SAY("executing hlt in user mode\n");
    __asm__ volatile("hlt");
    RAW_SAY("survived hlt: wrong\n");
    return 0;
}
