/* A store into a read-only page: SIGSEGV (status 139).  Reads of the page keep working. */
#include <sys/mman.h>
#include "guest_util.h"

int main(void)
{
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 1;
    p[10] = 42;
    if (mprotect(p, 4096, PROT_READ) != 0) return 2;
    if (*(volatile char *)(p + 10) == 42) RAW_SAY("read after mprotect(PROT_READ): 42\n");
    RAW_SAY("storing into the read-only page\n");
    *(volatile char *)(p + 10) = 43;
    RAW_SAY("survived the store: wrong\n");
    return 0;
}
