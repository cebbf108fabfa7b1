/* A store to an address nothing is mapped at: SIGSEGV (status 139).  The address is the page
 * just below a mapping this program unmapped itself, so it is unmapped in any run. */
#include <sys/mman.h>
#include "guest_util.h"

int main(void)
{
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 1;
    p[0] = 1;
    p[4096] = 2;
    munmap(p + 4096, 4096);
    RAW_SAY("first page still writable\n");
    p[1] = 3;
    RAW_SAY("storing into the unmapped page\n");
    *(volatile char *)(p + 4096 + 100) = 4;
    RAW_SAY("survived the store: wrong\n");
    return 0;
}
