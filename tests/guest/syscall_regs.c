// The property the kernel's selftest x86/test_syscall_vdso.c checks, written for gate386: a system
// call with six arguments, through int $0x80 and through __kernel_vsyscall (call *AT_SYSINFO),
// preserves every register but EAX, and its sixth argument travels in EBP (through the vDSO the
// kernel reads it from [ebp], where __kernel_vsyscall pushed it). mmap2's sixth argument is the
// page offset: mapping page 1 of a file shows it arrived.
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

struct regs {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
};

uint32_t g_target;   // 0: int $0x80, else the address to call

// call6(in, out): loads every register from *in, makes the call, stores every register in *out.
__asm__(".text\n"
        ".globl call6\n"
        "call6:\n"
        "  push %ebp\n  push %ebx\n  push %esi\n  push %edi\n"
        "  mov 20(%esp), %eax\n"
        "  mov 4(%eax), %ebx\n  mov 8(%eax), %ecx\n  mov 12(%eax), %edx\n"
        "  mov 16(%eax), %esi\n  mov 20(%eax), %edi\n  mov 24(%eax), %ebp\n"
        "  mov 0(%eax), %eax\n"
        "  cmpl $0, g_target\n"
        "  je 1f\n"
        "  call *g_target\n"
        "  jmp 2f\n"
        "1: int $0x80\n"
        "2: push %eax\n"
        "  mov 28(%esp), %eax\n"
        "  mov %ebx, 4(%eax)\n  mov %ecx, 8(%eax)\n  mov %edx, 12(%eax)\n"
        "  mov %esi, 16(%eax)\n  mov %edi, 20(%eax)\n  mov %ebp, 24(%eax)\n"
        "  pop %ecx\n  mov %ecx, 0(%eax)\n"
        "  pop %edi\n  pop %esi\n  pop %ebx\n  pop %ebp\n"
        "  ret\n");
void call6(const struct regs* in, struct regs* out);

static int check(const char* what, const struct regs* in, const struct regs* out) {
    int bad = 0;
    const uint32_t* a = &in->ebx;
    const uint32_t* b = &out->ebx;
    static const char* const names[] = {"ebx", "ecx", "edx", "esi", "edi", "ebp"};
    for (int k = 0; k < 6; k++)
        if (a[k] != b[k]) {
            printf("%s: %s changed from %#x to %#x\n", what, names[k], a[k], b[k]);
            bad = 1;
        }
    return bad;
}

int main(void) {
    char path[] = "/tmp/gate386-syscall-regs-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return 1;
    unlink(path);
    char page[4096];
    memset(page, 'A', sizeof page);
    if (write(fd, page, sizeof page) != (ssize_t)sizeof page) return 1;
    memset(page, 'B', sizeof page);
    if (write(fd, page, sizeof page) != (ssize_t)sizeof page) return 1;

    uint32_t vsys = (uint32_t)getauxval(AT_SYSINFO);
    int bad = 0;
    for (int via = 0; via < 2; via++) {
        const char* gate = via ? "__kernel_vsyscall" : "int $0x80";
        g_target = via ? vsys : 0;
        // mmap2(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 1): arg6 = page offset 1.
        struct regs in = {192, 0, 4096, 1, 2, (uint32_t)fd, 1}, out;
        call6(&in, &out);
        int ok = out.eax < 0xfffff000u && *(const char*)(uintptr_t)out.eax == 'B';
        printf("%s: mmap2 with pgoff 1 in arg6 maps page 1: %s\n", gate, ok ? "yes" : "no");
        bad |= !ok | check(gate, &in, &out);
        // getppid with every argument register holding a pattern: all of them survive.
        struct regs in2 = {64, 0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x55555555, 0x66666666}, out2;
        call6(&in2, &out2);
        printf("%s: getppid %s\n", gate, out2.eax == (uint32_t)getppid() ? "ok" : "wrong");
        bad |= check(gate, &in2, &out2);
        printf("%s: registers preserved: %s\n", gate, bad ? "no" : "yes");
    }
    return bad;
}
