/* An unmasked x87 divide-by-zero is reported by the next waiting FPU instruction (#MF): with no
 * handler the process dies from SIGFPE (shell status 136). The division itself and the no-wait
 * FNSTSW after it complete; the FWAIT does not. stderr is closed first so that only the exit
 * status and stdout are compared (an emulator may describe the fault on stderr).
 */
#include <fcntl.h>

#include "guest_util.h"

int main(void)
{
    int fd = open("/dev/null", O_WRONLY);
    dup2(fd, 2);
    uint16_t cw = 0x037b, sw = 0;   /* ZE unmasked */
    double one = 1.0, zero = 0.0;
    RAW_SAY("dividing by zero with ZE unmasked\n");
    __asm__ volatile("fldcw %1\n\tfldl %2\n\tfdivl %3\n\tfnstsw %0" : "=m"(sw) : "m"(cw), "m"(one), "m"(zero));
    char msg[] = "status word after the division: ....\n";
    static const char hexd[] = "0123456789abcdef";
    for (int k = 0; k < 4; k++) msg[32 + k] = hexd[(sw >> (12 - 4 * k)) & 15];
    (void)!write(1, msg, sizeof msg - 1);
    __asm__ volatile("fwait");
    RAW_SAY("survived the fwait: wrong\n");
    return 0;
}
