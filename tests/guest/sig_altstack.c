/* sigaltstack: the handler of an SA_ONSTACK signal runs on the alternate stack (and one without
 * SA_ONSTACK does not); sigaltstack's answers from inside and outside (SS_ONSTACK, EPERM); the
 * ucontext's uc_stack; nested signals stay on the alternate stack; SS_AUTODISARM; argument
 * errors; and the classic use, surviving a stack overflow. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <ucontext.h>
#include "guest_util.h"

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)   /* include/uapi/linux/signal.h */
#endif

#define ALT_SIZE (64 * 1024)
static char *alt;
static sigjmp_buf jb;

static int on_alt(const void *p) { return (const char *)p >= alt && (const char *)p < alt + ALT_SIZE; }

static volatile int nested_depth;
static char *outer_local;

static void h_report(int sig, siginfo_t *si, void *ctx)
{
    (void)si;
    char local;
    ucontext_t *uc = ctx;
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("  sig %d: local on alt stack: %s; sigaltstack now: flags=%#x size-ok=%s", sig, yesno(on_alt(&local)),
           (unsigned)cur.ss_flags, yesno(cur.ss_size == ALT_SIZE));
    printf("; uc_stack: sp-ok=%s flags=%#x size-ok=%s\n", yesno(uc->uc_stack.ss_sp == alt),
           (unsigned)uc->uc_stack.ss_flags, yesno(uc->uc_stack.ss_size == ALT_SIZE));
    stack_t other = {.ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0};
    int r = sigaltstack(&other, NULL);
    printf("  changing it from inside: %d %s\n", r, r ? errname(errno) : "");
}

static void h_nested(int sig)
{
    char local;
    if (nested_depth == 0) {
        outer_local = &local;
        nested_depth = 1;
        raise(SIGUSR2);
        nested_depth = 0;
    } else {
        printf("  nested (sig %d): on alt stack %s, below the outer handler's frame %s\n", sig,
               yesno(on_alt(&local)), yesno(&local < outer_local));
    }
}

static void h_overflow(int sig)
{
    char local;
    printf("  SIGSEGV %d handled on the alternate stack: %s\n", sig, yesno(on_alt(&local)));
    siglongjmp(jb, 1);
}

#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int recurse(int n)
{
    volatile char pad[1024];
    pad[0] = (char)n;
    return recurse(n + 1) + pad[0];
}

static void set(int sig, void (*h)(int), void (*hi)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    if (hi) sa.sa_sigaction = hi;
    else sa.sa_handler = h;
    sa.sa_flags = flags | (hi ? SA_SIGINFO : 0);
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    stack_t st;
    sigaltstack(NULL, &st);
    printf("initially: sp=%p flags=%#x size=%u\n", st.ss_sp, (unsigned)st.ss_flags, (unsigned)st.ss_size);
    /* An SA_SIGINFO handler without an alternate stack: uc_stack says so. */
    set(SIGUSR1, NULL, h_report, 0);
    raise(SIGUSR1);

    alt = malloc(ALT_SIZE);
    stack_t bad = {.ss_sp = alt, .ss_size = 1024, .ss_flags = 0};
    int r = sigaltstack(&bad, NULL);
    printf("too small: %d %s\n", r, errname(errno));
    bad.ss_size = ALT_SIZE;
    bad.ss_flags = 0x10;
    r = sigaltstack(&bad, NULL);
    printf("bad flags: %d %s\n", r, errname(errno));

    stack_t ss = {.ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0};
    r = sigaltstack(&ss, NULL);
    sigaltstack(NULL, &st);
    printf("set: %d; query: sp-ok=%s flags=%#x size-ok=%s\n", r, yesno(st.ss_sp == alt), (unsigned)st.ss_flags,
           yesno(st.ss_size == ALT_SIZE));

    printf("SA_ONSTACK handler:\n");
    set(SIGUSR1, NULL, h_report, SA_ONSTACK);
    raise(SIGUSR1);
    printf("handler without SA_ONSTACK:\n");
    set(SIGUSR1, NULL, h_report, 0);
    raise(SIGUSR1);

    printf("nested SA_ONSTACK signals:\n");
    set(SIGUSR1, h_nested, NULL, SA_ONSTACK);
    set(SIGUSR2, h_nested, NULL, SA_ONSTACK);
    raise(SIGUSR1);

    printf("SS_AUTODISARM:\n");
    ss.ss_flags = SS_AUTODISARM;
    r = sigaltstack(&ss, NULL);
    sigaltstack(NULL, &st);
    printf("  set: %d; query flags=%#x\n", r, (unsigned)st.ss_flags);
    set(SIGUSR1, NULL, h_report, SA_ONSTACK);
    raise(SIGUSR1);
    sigaltstack(NULL, &st);
    printf("  after the handler: flags=%#x size-ok=%s\n", (unsigned)st.ss_flags, yesno(st.ss_size == ALT_SIZE));

    ss.ss_flags = 0;
    sigaltstack(&ss, NULL);
    printf("stack overflow:\n");
    set(SIGSEGV, h_overflow, NULL, SA_ONSTACK);
    if (!sigsetjmp(jb, 1)) recurse(0);
    printf("  recovered\n");

    ss.ss_flags = SS_DISABLE;
    r = sigaltstack(&ss, NULL);
    sigaltstack(NULL, &st);
    printf("disabled: %d; query: sp=%p flags=%#x size=%u\n", r, st.ss_sp, (unsigned)st.ss_flags, (unsigned)st.ss_size);
    return 0;
}
