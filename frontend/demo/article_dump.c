/* The article's program: find linux-gate.so.1 through its ELF header at AT_SYSINFO_EHDR and write
 * the page out to kernel-gate.so (Petersson, "What is linux-gate.so.1?", 2005). */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(void) {
    const Elf32_Ehdr *so = (const Elf32_Ehdr *)getauxval(AT_SYSINFO_EHDR);
    if (!so) {
        puts("no AT_SYSINFO_EHDR in the auxiliary vector");
        return 1;
    }
    const Elf32_Phdr *ph = (const Elf32_Phdr *)((const char *)so + so->e_phoff);
    unsigned size = so->e_ehsize + so->e_phentsize * so->e_phnum;
    for (int i = 0; i < so->e_phnum; i++) size += ph[i].p_memsz;
    if (size > 4096) size = 4096;
    static unsigned char page[4096];
    memcpy(page, so, size);
    int fd = open("kernel-gate.so", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    int written = write(fd, page, size);
    close(fd);
    printf("AT_SYSINFO_EHDR = %#lx, AT_SYSINFO = %#lx (__kernel_vsyscall)\n", (unsigned long)so,
           getauxval(AT_SYSINFO));
    printf("wrote %d bytes of linux-gate.so.1 to kernel-gate.so\n", written);
    return 0;
}
