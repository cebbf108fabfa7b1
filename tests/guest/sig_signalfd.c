/* signalfd: blocked signals sent to oneself (raise, kill, sigqueue) read back as struct
 * signalfd_siginfo; an empty non-blocking signalfd; changing the mask of an existing one; poll
 * readiness; a signal not in the mask stays pending. */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include "guest_util.h"

static const char *code_name(int c)
{
    switch (c) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    default: return "?";
    }
}

static void drain(int fd, const char *what)
{
    struct signalfd_siginfo si;
    for (;;) {
        ssize_t n = read(fd, &si, sizeof si);
        if (n < 0) {
            printf("%s: read -> %s\n", what, errname(errno));
            return;
        }
        printf("%s: %zd bytes signo=%u code=%s pid-ok=%s uid-ok=%s int=%d\n", what, n, si.ssi_signo,
               code_name(si.ssi_code), yesno(si.ssi_pid == (uint32_t)getpid()), yesno(si.ssi_uid == getuid()),
               si.ssi_code == SI_QUEUE ? si.ssi_int : -1);
    }
}

int main(void)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGRTMIN + 1);
    sigaddset(&mask, SIGUSR2);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    sigdelset(&mask, SIGUSR2);

    int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    printf("signalfd: %s\n", fd >= 0 ? "ok" : errname(errno));
    struct pollfd pfd = {fd, POLLIN, 0};
    printf("poll before: %d\n", poll(&pfd, 1, 0));
    drain(fd, "empty");

    raise(SIGUSR1);
    kill(getpid(), SIGUSR2);
    union sigval v = {.sival_int = 1234};
    sigqueue(getpid(), SIGRTMIN + 1, v);
    v.sival_int = 5678;
    sigqueue(getpid(), SIGRTMIN + 1, v);
    int ready = poll(&pfd, 1, 0);
    printf("poll after: %d revents=%#x\n", ready, (unsigned)pfd.revents);
    drain(fd, "read");

    sigset_t pend;
    sigpending(&pend);
    printf("SIGUSR2 still pending: %s\n", yesno(sigismember(&pend, SIGUSR2)));
    /* Widen the existing signalfd's mask: SIGUSR2 can be read now. */
    sigaddset(&mask, SIGUSR2);
    int fd2 = signalfd(fd, &mask, 0);
    printf("signalfd on the same fd: %s\n", fd2 == fd ? "same fd" : "?");
    drain(fd, "after widening");

    int bad = signalfd(-1, &mask, 0x1234);
    printf("bad flags: %d %s\n", bad, errname(errno));
    close(fd);
    return 0;
}
