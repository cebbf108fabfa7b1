/* The signal frames as the handler finds them on its stack (arch/x86/include/asm/sigframe.h):
 * rt_sigframe = pretcode, sig, pinfo, puc, siginfo (128), ucontext, retcode "b8 ad 00 00 00 cd 80";
 * sigframe = pretcode, sig, sigcontext, the unused fpstate, extramask, retcode
 * "58 b8 77 00 00 00 cd 80"; the stack alignment; the FPU state below the frame (legacy head, then
 * the FXSAVE image 64-byte aligned, magic 0 for FXSR); the fresh FPU state a handler starts with;
 * and sigreturn restoring what the handler changed in the context: registers, flags, x87 control
 * word, MXCSR. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include "guest_util.h"

/* Where a handler returns to: sa_restorer with SA_RESTORER, else the vDSO's __kernel_sigreturn
 * or __kernel_rt_sigreturn (i386 glibc installs no restorer of its own). */
static const char *return_path(uint32_t pretcode, int sig, int rt)
{
    struct { uint32_t handler, flags, restorer, mask[2]; } k;
    syscall(SYS_rt_sigaction, sig, NULL, &k, 8);
    if (k.flags & 0x04000000) return pretcode == k.restorer ? "sa_restorer" : "not sa_restorer?";
    uintptr_t vdso = getauxval(AT_SYSINFO_EHDR);
    static const uint8_t rt_code[7] = {0xb8, 0xad, 0x00, 0x00, 0x00, 0xcd, 0x80};
    static const uint8_t code[8] = {0x58, 0xb8, 0x77, 0x00, 0x00, 0x00, 0xcd, 0x80};
    int in_vdso = vdso && pretcode - vdso < 0x4000;
    int bytes = rt ? !memcmp((void *)pretcode, rt_code, 7) : !memcmp((void *)pretcode, code, 8);
    return in_vdso && bytes ? (rt ? "vDSO __kernel_rt_sigreturn" : "vDSO __kernel_sigreturn") : "?";
}

/* A restorer of the program's own, installed with SA_RESTORER through the raw call. */
extern char my_restorer[];
__asm__(".text\n.globl my_restorer\nmy_restorer: movl $173, %eax\n int $0x80\n");

static uint16_t fnstcw(void) { uint16_t cw; __asm__ volatile("fnstcw %0" : "=m"(cw)); return cw; }
static void fldcw(uint16_t cw) { __asm__ volatile("fldcw %0" : : "m"(cw)); }
static uint32_t stmxcsr(void) { uint32_t m; __asm__ volatile("stmxcsr %0" : "=m"(m)); return m; }
static void ldmxcsr(uint32_t m) { __asm__ volatile("ldmxcsr %0" : : "m"(m)); }

static void __attribute__((noinline)) rt_handler(int sig, siginfo_t *info, void *ctx)
{
    ucontext_t *uc = ctx;
    uint8_t *frame = (uint8_t *)__builtin_frame_address(0) + 4;   /* the slot of the return address */
    uint32_t *w = (uint32_t *)frame;
    printf("rt frame: returns to %s, sig %s, pinfo %s, puc %s, info at +16 %s, uc at +144 %s\n",
           return_path(w[0], sig, 1), yesno((int)w[1] == sig), yesno(w[2] == (uint32_t)info),
           yesno(w[3] == (uint32_t)uc), yesno((uint8_t *)info == frame + 16), yesno((uint8_t *)uc == frame + 144));
    printf("  aligned for the handler ((sp + 4) %% 16 == 0): %s\n", yesno(((uintptr_t)frame + 4) % 16 == 0));
    static const uint8_t rt_code[7] = {0xb8, 0xad, 0x00, 0x00, 0x00, 0xcd, 0x80};
    printf("  retcode at +260: %s\n", yesno(memcmp(frame + 260, rt_code, 7) == 0));
    printf("  uc_mcontext at +164: %s, uc_sigmask at +252: %s\n",
           yesno((uint8_t *)&uc->uc_mcontext == frame + 164), yesno((uint8_t *)&uc->uc_sigmask == frame + 252));
    uint8_t *fp = (uint8_t *)uc->uc_mcontext.fpregs;
    printf("  fpstate above the frame: %s; FXSAVE image 64-byte aligned: %s; magic %#x\n", yesno(fp >= frame + 268),
           yesno(((uintptr_t)fp + 112) % 64 == 0), *(uint16_t *)(fp + 110));
    printf("  saved x87 cw %#x (legacy head) mxcsr %#x (FXSAVE image); handler's own: cw %#x mxcsr %#x\n",
           *(uint32_t *)fp & 0xffff, *(uint32_t *)(fp + 112 + 24), fnstcw(), stmxcsr());
    printf("  blocked in uc_sigmask: USR2 %d; oldmask word has USR2: %s; USR1 blocked now: %s\n",
           sigismember(&uc->uc_sigmask, SIGUSR2), yesno(uc->uc_mcontext.oldmask & (1u << (SIGUSR2 - 1))),
           yesno(({ sigset_t s; sigprocmask(SIG_BLOCK, NULL, &s); sigismember(&s, SIGUSR1); })));
    printf("  eflags: DF %s, TF %s, IF %s\n", yesno(uc->uc_mcontext.gregs[REG_EFL] & F_DF),
           yesno(uc->uc_mcontext.gregs[REG_EFL] & F_TF), yesno(uc->uc_mcontext.gregs[REG_EFL] & F_IF));
    /* What sigreturn must bring back: other registers, flags, FPU controls. */
    uc->uc_mcontext.gregs[REG_EAX] = 100;
    uc->uc_mcontext.gregs[REG_EBX] = 200;
    uc->uc_mcontext.gregs[REG_ESI] = 300;
    uc->uc_mcontext.gregs[REG_EFL] &= ~F_CF;
    uc->uc_mcontext.gregs[REG_EFL] |= F_DF | F_ZF;
    *(uint32_t *)fp = (*(uint32_t *)fp & ~0xffffu) | 0x7f;   /* round to nearest, single precision */
    *(uint32_t *)(fp + 112 + 24) = 0x9fc0;                  /* FTZ | DAZ | masks */
    (void)info;
}

static void __attribute__((noinline)) plain_handler(int sig)
{
    uint8_t *frame = (uint8_t *)__builtin_frame_address(0) + 4;
    uint32_t *w = (uint32_t *)frame;
    volatile struct sigcontext *sc = (volatile struct sigcontext *)(frame + 8);
    static const uint8_t code[8] = {0x58, 0xb8, 0x77, 0x00, 0x00, 0x00, 0xcd, 0x80};
    printf("sigframe: returns to %s, sig %s, aligned %s, retcode at +724 %s, extramask at +720 has SIGRTMIN+3: %s\n",
           return_path(w[0], sig, 0), yesno((int)w[1] == sig), yesno(((uintptr_t)frame + 4) % 16 == 0),
           yesno(memcmp(frame + 724, code, 8) == 0), yesno(w[180] & (1u << (SIGRTMIN + 3 - 33))));
    printf("  sigcontext: oldmask has USR2 %s, fpstate magic %#x, eax=%#lx ebx=pid %s\n",
           yesno(sc->oldmask & (1u << (SIGUSR2 - 1))), *(uint16_t *)((uint8_t *)sc->fpstate + 110), sc->eax,
           yesno(sc->ebx == (unsigned long)getpid()));
    sc->ebx = 0x5555;
    sc->eflags |= F_CF;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = rt_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);

    sigset_t blk;
    sigemptyset(&blk);
    sigaddset(&blk, SIGUSR2);
    sigaddset(&blk, SIGRTMIN + 3);
    sigprocmask(SIG_BLOCK, &blk, NULL);
    fldcw(0x27f);           /* double precision */
    ldmxcsr(0x1f80 | 0x6000);   /* round toward zero */

    /* kill(2) through int $0x80: SIGUSR1 is delivered on its return, with the registers the asm set. */
    uint32_t a, b, s, fl;
    __asm__ volatile("std\n"
                     "int $0x80\n"          /* kill(getpid(), SIGUSR1): eax ebx ecx */
                     "pushfl\n popl %3\n cld\n"
                     : "=a"(a), "=b"(b), "=S"(s), "=&r"(fl)
                     : "0"(37), "1"(getpid()), "c"(SIGUSR1), "2"(2)
                     : "memory", "cc");
    printf("after sigreturn: eax=%u ebx=%u esi=%u CF %s DF %s ZF %s; cw %#x mxcsr %#x\n", a, b, s, yesno(fl & F_CF),
           yesno(fl & F_DF), yesno(fl & F_ZF), fnstcw(), stmxcsr());

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = plain_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    uint32_t ebx_out;
    __asm__ volatile("int $0x80\n setc %%al\n"
                     : "=a"(a), "=b"(ebx_out)
                     : "0"(37), "1"(getpid()), "c"(SIGUSR1)
                     : "memory", "cc");
    printf("after sigreturn: ebx=%#x CF=%u\n", ebx_out, a & 0xff);

    /* SA_RESTORER: the frame returns through the program's own restorer. */
    struct { uint32_t handler, flags, restorer, mask[2]; } k = {(uint32_t)rt_handler, SA_SIGINFO | 0x04000000,
                                                                (uint32_t)my_restorer, {0, 0}};
    syscall(SYS_rt_sigaction, SIGUSR1, &k, NULL, 8);
    raise(SIGUSR1);
    printf("back from the SA_RESTORER handler\n");
    return 0;
}
