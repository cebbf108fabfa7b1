/* Handlers, masks and pending signals: raise, kill, tgkill and sigqueue to oneself; nested
 * delivery; SA_NODEFER and SA_RESETHAND; the mask a handler runs with; sigprocmask and
 * sigpending; sigsuspend; sigtimedwait; the old signal() and sigaction() calls; SIGCHLD from a
 * child; SIG_IGN discarding a pending signal; SIGPIPE ignored (EPIPE); a default action that kills
 * (the exit status a shell sees). */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include "guest_util.h"

static char trace[512];
static void note(const char *s)
{
    size_t n = strlen(trace);
    snprintf(trace + n, sizeof trace - n, "%s ", s);
}
static void show(const char *what)
{
    printf("%-34s %s\n", what, trace);
    trace[0] = 0;
}

static int is_blocked(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, sig);
}

static volatile int depth;
static void h_usr1(int sig)
{
    char b[64];
    snprintf(b, sizeof b, "usr1(d%d,self-blocked=%d,usr2-blocked=%d)", depth, is_blocked(sig), is_blocked(SIGUSR2));
    note(b);
    if (depth++ == 0) raise(SIGUSR2);
    depth--;
}
static void h_usr2(int sig)
{
    char b[64];
    snprintf(b, sizeof b, "usr2(self-blocked=%d)", is_blocked(sig));
    note(b);
}

static volatile int nodefer_count;
static void h_nodefer(int sig)
{
    char b[48];
    snprintf(b, sizeof b, "nodefer#%d(blocked=%d)", nodefer_count, is_blocked(sig));
    note(b);
    if (nodefer_count++ < 2) raise(sig);
}

static void h_info(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    char b[128];
    snprintf(b, sizeof b, "info(sig=%d,code=%d,pid-ok=%d,uid-ok=%d,value=%d)", sig, si->si_code,
             si->si_pid == getpid(), si->si_uid == getuid(),
             si->si_code == SI_QUEUE ? si->si_value.sival_int : -1);
    note(b);
}

static void h_plain(int sig)
{
    char b[32];
    snprintf(b, sizeof b, "sig%d", sig);
    note(b);
}

static void h_chld(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)ctx;
    char b[96];
    snprintf(b, sizeof b, "chld(code=%s,status=%d)",
             si->si_code == CLD_EXITED ? "CLD_EXITED" : si->si_code == CLD_KILLED ? "CLD_KILLED" : "?",
             si->si_status);
    note(b);
}

static void set(int sig, void (*h)(int), int flags, const int *mask)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    for (; mask && *mask; mask++) sigaddset(&sa.sa_mask, *mask);
    sigaction(sig, &sa, NULL);
}
static void set_info(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);

    /* Nested: SIGUSR1's handler raises SIGUSR2, which runs inside it. */
    set(SIGUSR1, h_usr1, 0, NULL);
    set(SIGUSR2, h_usr2, 0, NULL);
    raise(SIGUSR1);
    show("nested usr1 -> usr2:");
    /* The same with SIGUSR2 in SIGUSR1's sa_mask: it waits for SIGUSR1's handler to return. */
    static const int m2[] = {SIGUSR2, 0};
    set(SIGUSR1, h_usr1, 0, m2);
    raise(SIGUSR1);
    show("usr2 in sa_mask:");

    set(SIGUSR1, h_nodefer, SA_NODEFER, NULL);
    raise(SIGUSR1);
    show("SA_NODEFER:");

    set(SIGUSR1, h_plain, SA_RESETHAND, NULL);
    raise(SIGUSR1);
    struct sigaction old;
    sigaction(SIGUSR1, NULL, &old);
    show("SA_RESETHAND:");
    printf("  handler afterwards is SIG_DFL: %s, flags %#x\n", yesno(old.sa_handler == SIG_DFL),
           (unsigned)(old.sa_flags & ~0x04000000u)); /* SA_RESTORER: set by libc */

    /* Pending while blocked, delivered on unblock, lowest number first. */
    set(SIGUSR1, h_plain, 0, NULL);
    set(SIGUSR2, h_plain, 0, NULL);
    set(SIGHUP, h_plain, 0, NULL);
    sigset_t blk, pend;
    sigemptyset(&blk);
    sigaddset(&blk, SIGUSR1);
    sigaddset(&blk, SIGUSR2);
    sigaddset(&blk, SIGHUP);
    sigprocmask(SIG_BLOCK, &blk, NULL);
    kill(getpid(), SIGUSR2);
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGHUP);
    raise(SIGUSR1);
    raise(SIGUSR1);   /* standard signals do not queue */
    sigpending(&pend);
    printf("pending while blocked: HUP=%d USR1=%d USR2=%d TERM=%d\n", sigismember(&pend, SIGHUP),
           sigismember(&pend, SIGUSR1), sigismember(&pend, SIGUSR2), sigismember(&pend, SIGTERM));
    note("unblock:");
    sigprocmask(SIG_UNBLOCK, &blk, NULL);
    show("delivery order (nested frames):");

    /* siginfo of kill, tgkill and sigqueue. */
    set_info(SIGUSR1, h_info, 0);
    kill(getpid(), SIGUSR1);
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
    union sigval v = {.sival_int = 42};
    sigqueue(getpid(), SIGUSR1, v);
    show("siginfo kill/tgkill/sigqueue:");

    /* Real-time signals queue, and in order of number then arrival. */
    int rt = SIGRTMIN + 2;
    set_info(rt, h_info, 0);
    set_info(rt + 1, h_info, 0);
    sigemptyset(&blk);
    sigaddset(&blk, rt);
    sigaddset(&blk, rt + 1);
    sigprocmask(SIG_BLOCK, &blk, NULL);
    v.sival_int = 7;
    sigqueue(getpid(), rt + 1, v);
    v.sival_int = 1;
    sigqueue(getpid(), rt, v);
    v.sival_int = 2;
    sigqueue(getpid(), rt, v);
    sigprocmask(SIG_UNBLOCK, &blk, NULL);
    show("rt signals queued:");

    /* sigsuspend: waits with USR1 unblocked, handler runs, the old mask comes back. */
    set(SIGUSR1, h_plain, 0, NULL);
    sigemptyset(&blk);
    sigaddset(&blk, SIGUSR1);
    sigprocmask(SIG_BLOCK, &blk, NULL);
    kill(getpid(), SIGUSR1);
    sigset_t wait_mask;
    sigemptyset(&wait_mask);
    int r = sigsuspend(&wait_mask);
    char b[64];
    snprintf(b, sizeof b, "ret=%d %s usr1-blocked-after=%d", r, errname(errno), is_blocked(SIGUSR1));
    note(b);
    show("sigsuspend:");

    /* sigtimedwait: a blocked pending signal is taken without its handler; a timeout. */
    kill(getpid(), SIGUSR1);
    siginfo_t si;
    struct timespec ts = {1, 0};
    r = sigtimedwait(&blk, &si, &ts);
    printf("sigtimedwait: %d code=%s pid-ok=%s; trace '%s'\n", r, si.si_code == SI_USER ? "SI_USER" : "?",
           yesno(si.si_pid == getpid()), trace);
    ts.tv_sec = 0;
    ts.tv_nsec = 20 * 1000000;
    r = sigtimedwait(&blk, &si, &ts);
    printf("sigtimedwait timeout: %d %s\n", r, errname(errno));
    sigprocmask(SIG_UNBLOCK, &blk, NULL);

    /* SIG_IGN discards a pending signal; SIG_DFL of a default-ignored signal too. */
    sigprocmask(SIG_BLOCK, &blk, NULL);
    kill(getpid(), SIGUSR1);
    signal(SIGUSR1, SIG_IGN);
    sigpending(&pend);
    printf("pending after SIG_IGN: %d\n", sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &blk, NULL);

    /* The old system calls: signal(48) (System V: one-shot, no mask) and sigaction(67). */
    long prev = syscall(SYS_signal, SIGUSR2, (long)h_plain);
    printf("signal(48) returned the old handler: %s\n", yesno(prev == (long)h_plain));
    raise(SIGUSR2);
    sigaction(SIGUSR2, NULL, &old);
    show("after signal(48) and raise:");
    printf("  reset to SIG_DFL (one-shot): %s\n", yesno(old.sa_handler == SIG_DFL));

    /* SIGCHLD with siginfo from a child that exits with 3, and one killed by SIGTERM. */
    set_info(SIGCHLD, h_chld, SA_RESTART);
    pid_t c = fork();
    if (c == 0) _exit(3);
    waitpid(c, NULL, 0);
    c = fork();
    if (c == 0) {
        pause();
        _exit(0);
    }
    struct timespec tiny = {0, 20 * 1000000};
    nanosleep(&tiny, NULL);
    kill(c, SIGTERM);
    int st;
    waitpid(c, &st, 0);
    show("SIGCHLD:");
    printf("  child killed by signal %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);

    /* SIGPIPE ignored: write fails with EPIPE. */
    signal(SIGPIPE, SIG_IGN);
    int fds[2];
    if (pipe(fds)) return 1;
    close(fds[0]);
    r = (int)write(fds[1], "x", 1);
    printf("write to a closed pipe with SIGPIPE ignored: %d %s\n", r, errname(errno));
    close(fds[1]);

    /* A signal whose default action terminates: the status a shell sees. */
    signal(SIGPIPE, SIG_DFL);
    c = fork();
    if (c == 0) {
        if (pipe(fds)) _exit(1);
        close(fds[0]);
        r = (int)write(fds[1], "x", 1);
        _exit(99);
    }
    waitpid(c, &st, 0);
    printf("child writing to a closed pipe: %s %d\n", WIFSIGNALED(st) ? "killed by" : "exited", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    c = fork();
    if (c == 0) {
        signal(SIGUSR1, SIG_DFL);
        raise(SIGUSR1);
        _exit(98);
    }
    waitpid(c, &st, 0);
    printf("child raising SIGUSR1: %s %d\n", WIFSIGNALED(st) ? "killed by" : "exited", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));

    /* The program itself ends by SIGTERM: status 143. */
    printf("now raising SIGTERM\n");
    signal(SIGTERM, SIG_DFL);
    raise(SIGTERM);
    printf("still alive: wrong\n");
    return 0;
}
