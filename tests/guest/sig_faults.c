/* CPU exceptions delivered to SA_SIGINFO handlers: si_signo, si_code, si_addr, and the sigcontext's
 * trapno, err and cr2 as arch/x86 fills them, for each fault kind; recovery by siglongjmp and by
 * returning through sigreturn with an edited uc_mcontext (EIP moved past the instruction). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include "guest_util.h"

static sigjmp_buf jb;
static volatile int mode;          /* 0: longjmp out, 1: resume at resume_at */
static volatile uintptr_t resume_at;
static uintptr_t base;             /* addresses are printed relative to this */

struct seen {
    int signo, code, trapno, err, rf, tf;
    uintptr_t addr, cr2, eip;
};
static struct seen last;
static uintptr_t prev_cr2;

static void handler(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    last.signo = sig;
    last.code = si->si_code;
    last.addr = (uintptr_t)si->si_addr;
    last.trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
    last.err = uc->uc_mcontext.gregs[REG_ERR];
    last.cr2 = uc->uc_mcontext.cr2;
    last.eip = uc->uc_mcontext.gregs[REG_EIP];
    last.rf = (uc->uc_mcontext.gregs[REG_EFL] >> 16) & 1;
    last.tf = (uc->uc_mcontext.gregs[REG_EFL] >> 8) & 1;
    if (mode == 0) siglongjmp(jb, 1);
    uc->uc_mcontext.gregs[REG_EIP] = resume_at;
}

static void report(const char *what)
{
    printf("%-22s signo=%d code=%d trapno=%d err=%#x rf=%d", what, last.signo, last.code, last.trapno,
           last.err, last.rf);
    if (last.addr && base && last.addr - base < 0x100000)
        printf(" addr=base+%#lx", (unsigned long)(last.addr - base));
    else
        printf(" addr=%#lx", (unsigned long)last.addr);
    if (last.signo == SIGSEGV || last.signo == SIGBUS) {
        /* cr2 is the thread's last page-fault address: stale for the other exceptions. */
        if (last.trapno == 14) {
            printf(" cr2=base+%#lx", (unsigned long)(last.cr2 - base));
            prev_cr2 = last.cr2;
        } else {
            printf(" cr2=%s", last.cr2 == prev_cr2 ? "previous" : "other");
        }
    }
    if (last.eip - base < 0x100) printf(" eip=base+%#lx", (unsigned long)(last.eip - base));
    printf("\n");
    memset(&last, 0, sizeof last);
}

/* Code with known addresses: the faulting instruction and where to resume after it. */
extern char ud2_at[], ud2_after[], div_at[], div_after[], int3_after[], store_at[], store_after[];
extern char into_after[], int81_at[], int81_after[], hlt_at[], hlt_after[];
__asm__(".text\n"
        ".globl do_ud2, ud2_at, ud2_after\n"
        "do_ud2: ud2_at: ud2\n ud2_after: ret\n"
        ".globl do_div, div_at, div_after\n"
        "do_div: xorl %ecx, %ecx\n movl $7, %eax\n xorl %edx, %edx\n div_at: divl %ecx\n div_after: ret\n"
        ".globl do_int3, int3_after\n"
        "do_int3: int3\n int3_after: ret\n"
        ".globl do_store, store_at, store_after\n"
        "do_store: movl 4(%esp), %eax\n store_at: movl $0x1234, (%eax)\n store_after: ret\n"
        ".globl do_into, into_after\n"
        "do_into: movl $0x7fffffff, %eax\n addl $1, %eax\n into\n into_after: ret\n"
        ".globl do_int81, int81_at, int81_after\n"
        "do_int81: int81_at: int $0x81\n int81_after: ret\n"
        ".globl do_hlt, hlt_at, hlt_after\n"
        "do_hlt: hlt_at: hlt\n hlt_after: ret\n");
void do_ud2(void), do_div(void), do_int3(void), do_store(void *), do_into(void), do_int81(void);
void do_hlt(void);

static void resume_test(const char *what, void (*fn)(void), char *at, char *after)
{
    mode = 1;
    resume_at = (uintptr_t)after;
    base = (uintptr_t)at;
    fn();
    report(what);
    base = 0;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
    for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; k++) sigaction(sigs[k], &sa, NULL);

    char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(m + 4096, 4096);
    mprotect(m + 8192, 4096, PROT_READ);
    base = (uintptr_t)m;

    mode = 0;
    if (!sigsetjmp(jb, 1)) (void)*(volatile char *)(m + 4096 + 8);
    report("read unmapped");
    base = (uintptr_t)m;
    if (!sigsetjmp(jb, 1)) *(volatile char *)(m + 4096 + 16) = 1;
    report("write unmapped");
    base = (uintptr_t)m;
    if (!sigsetjmp(jb, 1)) *(volatile char *)(m + 8192 + 24) = 1;
    report("write read-only");
    base = (uintptr_t)m;
    mprotect(m + 8192, 4096, PROT_NONE);
    if (!sigsetjmp(jb, 1)) (void)*(volatile char *)(m + 8192 + 32);
    report("read PROT_NONE");
    base = (uintptr_t)m;
    if (!sigsetjmp(jb, 1)) ((void (*)(void))(m + 4096))();
    report("call unmapped");
    base = (uintptr_t)m;
    mprotect(m, 4096, PROT_READ);
    if (!sigsetjmp(jb, 1)) ((void (*)(void))m)();
    report("call non-exec");

    /* SIGBUS: a mapping that reaches past the end of its file. */
    int fd = open("sig_faults.tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
    unlink("sig_faults.tmp");
    if (write(fd, "x", 1) != 1) return 1;
    char *f = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    base = (uintptr_t)f;
    if (!sigsetjmp(jb, 1)) (void)*(volatile char *)(f + 4096 + 40);
    report("read past EOF");
    base = (uintptr_t)f;
    if (!sigsetjmp(jb, 1)) *(volatile char *)(f + 4096 + 48) = 1;
    report("write past EOF");

    /* Resumed through sigreturn with the EIP the handler chose. */
    resume_test("ud2", do_ud2, ud2_at, ud2_after);
    resume_test("div by zero", do_div, div_at, div_after);
    resume_test("int3", do_int3, int3_after, int3_after);
    resume_test("into", do_into, into_after, into_after);
    resume_test("int $0x81", do_int81, int81_at, int81_after);
    resume_test("hlt", do_hlt, hlt_at, hlt_after);
    mode = 1;
    resume_at = (uintptr_t)store_after;
    mprotect(m, 4096, PROT_READ);
    base = (uintptr_t)m;
    do_store(m + 100);
    report("store via sigreturn");
    printf("done\n");
    return 0;
}
