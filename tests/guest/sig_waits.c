/* Waiting calls and signals: pselect, ppoll and epoll_pwait run with the mask they are given
 * (a signal blocked outside interrupts them, and the old mask is back afterwards, the handler's
 * frame having saved it); pause interrupted by an alarm; sigtimedwait interrupted by another
 * (handled) signal; select and poll interrupted without SA_RESTART. */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include "guest_util.h"

static volatile int got;
static int blocked_in_handler;
static void on_sig(int sig)
{
    got = sig;
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    blocked_in_handler = sigismember(&cur, SIGUSR1) * 2 + sigismember(&cur, SIGUSR2);
}

static int usr1_blocked(void)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, SIGUSR1);
}

/* A child that sends `sig` to the parent after `ms` milliseconds. */
static pid_t later(int sig, int ms)
{
    pid_t parent = getpid();
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        kill(parent, sig);
        _exit(0);
    }
    return c;
}

static void report(const char *what, int r, pid_t child)
{
    int e = errno;
    waitpid(child, NULL, 0);
    printf("%-28s ret=%d %s handler=%d blocked-in-handler(usr1,usr2)=%d usr1-blocked-after=%d\n", what, r,
           r < 0 ? errname(e) : "", got, blocked_in_handler, usr1_blocked());
    got = 0;
    blocked_in_handler = -1;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sig;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sa.sa_flags = SA_RESTART;   /* none of these calls is restarted after a handler */
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);

    sigset_t usr1, empty;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &usr1, NULL);

    struct timespec two = {2, 0};
    pid_t c = later(SIGUSR1, 100);
    int r = pselect(0, NULL, NULL, NULL, &two, &empty);
    report("pselect with empty mask:", r, c);

    int fds[2];
    if (pipe(fds)) return 1;
    struct pollfd pfd = {fds[0], POLLIN, 0};
    c = later(SIGUSR1, 100);
    r = ppoll(&pfd, 1, &two, &empty);
    report("ppoll with empty mask:", r, c);

    int ep = epoll_create1(0);
    struct epoll_event ev = {EPOLLIN, {0}}, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev);
    c = later(SIGUSR1, 100);
    r = epoll_pwait(ep, &out, 1, 2000, &empty);
    report("epoll_pwait with empty mask:", r, c);

    /* The given mask blocks what is otherwise open: the signal waits until after the call. */
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    c = later(SIGUSR1, 50);
    struct timespec short_ts = {0, 300 * 1000000L};
    r = ppoll(&pfd, 1, &short_ts, &usr1);
    printf("ppoll masking USR1: ret=%d, handler during the call: %d\n", r, got);
    waitpid(c, NULL, 0);
    printf("  after the call: handler=%d\n", got);
    got = 0;

    alarm(1);
    r = pause();
    report("pause, alarm:", r, 0);

    sigprocmask(SIG_BLOCK, &usr1, NULL);
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    alarm(1);
    siginfo_t si;
    r = sigtimedwait(&usr2, &si, &two);
    report("sigtimedwait, SIGALRM:", r, 0);

    sa.sa_flags = 0;
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    struct timeval tv = {3, 0};
    r = select(0, NULL, NULL, NULL, &tv);
    report("select, no SA_RESTART:", r, 0);
    printf("  select's timeout was updated: %s\n", yesno(tv.tv_sec < 3));
    alarm(1);
    r = poll(&pfd, 1, 3000);
    report("poll, no SA_RESTART:", r, 0);
    return 0;
}
