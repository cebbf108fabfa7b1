/* EFLAGS.TF single-stepping: after POPF sets TF, every instruction that starts with TF set ends
 * with SIGTRAP (si_code TRAP_TRACE, si_addr and the saved EIP at the next instruction, trapno 1),
 * the handler runs with TF clear, and sigreturn puts TF back. Counted over straight-line code, a
 * loop, a call and the POPF that clears TF again; and a handler that stops the stepping by
 * clearing TF in the ucontext. */
#define _GNU_SOURCE
#include <signal.h>
#include <ucontext.h>
#include "guest_util.h"

extern char step_start[], step_end[];
static volatile int traps, stop_after = -1, bad_code, tf_in_handler, tf_in_context;
static unsigned offsets[64];

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    ucontext_t *uc = ctx;
    uintptr_t eip = uc->uc_mcontext.gregs[REG_EIP];
    if (si->si_code != TRAP_TRACE || (uintptr_t)si->si_addr != eip || uc->uc_mcontext.gregs[REG_TRAPNO] != 1) bad_code++;
    if (read_eflags() & F_TF) tf_in_handler++;
    if (uc->uc_mcontext.gregs[REG_EFL] & F_TF) tf_in_context++;
    if (traps < 64) offsets[traps] = (unsigned)(eip - (uintptr_t)step_start);
    traps++;
    if (traps == stop_after) uc->uc_mcontext.gregs[REG_EFL] &= ~F_TF;
}

/* Sets TF, runs a fixed sequence, clears TF. */
static int __attribute__((noinline)) stepped(int n)
{
    int r;
    __asm__ volatile(
        "pushfl\n orl $0x100, (%%esp)\n popfl\n"
        ".globl step_start\nstep_start:\n"
        "nop\n"
        "movl %1, %%ecx\n"
        "xorl %%eax, %%eax\n"
        "1: addl %%ecx, %%eax\n"
        "loop 1b\n"
        "call 2f\n"
        "jmp 3f\n"
        "2: ret\n"
        "3: pushfl\n andl $~0x100, (%%esp)\n popfl\n"
        ".globl step_end\nstep_end:\n"
        "nop\n"
        : "=&a"(r)
        : "r"(n)
        : "ecx", "cc", "memory");
    return r;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_trap;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTRAP, &sa, NULL);

    int r = stepped(3);
    printf("result %d, %d traps, bad siginfo %d, TF in handler %d, TF in saved context %d\n", r, traps, bad_code,
           tf_in_handler, tf_in_context);
    printf("trap EIPs (offsets from step_start):");
    for (int k = 0; k < traps && k < 64; k++) printf(" %u", offsets[k]);
    printf("\nlast trap at step_end: %s\n", yesno(traps > 0 && offsets[traps - 1] == (unsigned)(step_end - step_start)));
    printf("TF clear afterwards: %s\n", yesno(!(read_eflags() & F_TF)));

    traps = 0;
    stop_after = 4;
    r = stepped(3);
    printf("stopped by the handler: result %d, %d traps\n", r, traps);
    return 0;
}
