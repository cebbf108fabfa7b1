/* Process lifetime, resources and readiness edge cases: fork/vfork/raw clone (exit signal 0,
 * PARENT_SETTID/CHILD_SETTID, invalid flag combinations), wait4 status decoding (exit codes,
 * SIGKILL/SIGTERM from the parent, stop/continue), waitid (WNOHANG, WNOWAIT, rusage), execve of
 * this program (argv/envp passed through, empty argv, close-on-exec descriptors, signal
 * dispositions and mask across exec), #! scripts (optional argument, nesting), execve errors
 * (ENOENT EACCES ENOTDIR ENOEXEC E2BIG EFAULT ELOOP), a pipe between parent and child, poll ppoll
 * select _newselect pselect6 timeouts (remaining time written back) and readiness, epoll on a pipe,
 * eventfd counters, timerfd expirations, alarm/setitimer, prlimit64/ugetrlimit/getrlimit round
 * trips, getrandom, sysinfo, times, sched_*affinity, getcpu, futex (EAGAIN, ETIMEDOUT, wake),
 * process groups and sessions, personality.
 * Children report through exit codes; only the process that is not waiting prints.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include "guest_util.h"

extern char **environ;
static char self[PATH_MAX];

static const char *base(const char *p)
{
    const char *b = strrchr(p, '/');
    return b ? b + 1 : p;
}

static void status(const char *what, pid_t expect, pid_t got, int st)
{
    printf("%s: pid matches %s, ", what, yesno(got == expect));
    if (WIFEXITED(st)) printf("exited %d\n", WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("killed by signal %d core %s\n", WTERMSIG(st), yesno(WCOREDUMP(st)));
    else if (WIFSTOPPED(st)) printf("stopped by signal %d\n", WSTOPSIG(st));
    else if (WIFCONTINUED(st)) printf("continued\n");
    else printf("status %#x\n", st);
}

static pid_t spawn_sleeper(void)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        for (;;) pause();
    }
    return c;
}

/* ---- modes the program is re-executed in ------------------------------------------------ */

static int exec_child(int argc, char **argv)
{
    printf("[exec child] argc=%d", argc);
    for (int i = 1; i < argc; i++) printf(" [%s]", argv[i]);
    printf("\n[exec child] PEC_VAR=%s entries=%d\n", getenv("PEC_VAR") ? getenv("PEC_VAR") : "(unset)",
           (int)({ int n = 0; while (environ[n]) n++; n; }));
    if (argc >= 4) {
        int cloexec_fd = atoi(argv[1]), plain_fd = atoi(argv[2]);
        printf("[exec child] O_CLOEXEC fd closed: %s, plain fd open: %s\n",
               yesno(fcntl(cloexec_fd, F_GETFD) < 0 && errno == EBADF), yesno(fcntl(plain_fd, F_GETFD) >= 0));
    }
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    printf("[exec child] SIGUSR1 (had a handler) is SIG_DFL: %s\n", yesno(sa.sa_handler == SIG_DFL));
    sigaction(SIGUSR2, NULL, &sa);
    printf("[exec child] SIGUSR2 (was ignored) is SIG_IGN: %s\n", yesno(sa.sa_handler == SIG_IGN));
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    printf("[exec child] SIGHUP still blocked: %s\n", yesno(sigismember(&m, SIGHUP)));
    unsigned short cw;
    unsigned mxcsr;
    __asm__ volatile("fnstcw %0\n\tstmxcsr %1" : "=m"(cw), "=m"(mxcsr));
    printf("[exec child] x87 control word %#x, MXCSR %#x\n", cw, mxcsr);
    return 17;
}

static int script_child(int argc, char **argv)
{
    /* argv[0] is this program's path as the #! line gave it; print only its basename. */
    printf("[script child] argc=%d argv0=%s", argc, base(argv[0]));
    for (int i = 1; i < argc; i++) printf(" [%s]", argv[i]);
    printf("\n");
    return 23;
}

/* ---- fork, clone, wait ------------------------------------------------------------------ */

static void forks_and_waits(void)
{
    printf("== fork/clone/wait4/waitid\n");
    int st;
    struct rusage ru;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) _exit(42);
    pid_t w = wait4(c, &st, 0, &ru);
    status("fork, child _exit(42)", c, w, st);
    printf("wait4 rusage sane: %s\n", yesno(ru.ru_utime.tv_usec < 1000000 && ru.ru_stime.tv_usec < 1000000));

    c = spawn_sleeper();
    kill(c, SIGKILL);
    w = waitpid(c, &st, 0);
    status("sleeper, parent sends SIGKILL", c, w, st);
    c = spawn_sleeper();
    kill(c, SIGTERM);
    w = waitpid(c, &st, 0);
    status("sleeper, parent sends SIGTERM", c, w, st);

    c = spawn_sleeper();
    kill(c, SIGSTOP);
    w = waitpid(c, &st, WUNTRACED);
    status("sleeper, SIGSTOP, WUNTRACED", c, w, st);
    kill(c, SIGCONT);
    w = waitpid(c, &st, WCONTINUED);
    status("sleeper, SIGCONT, WCONTINUED", c, w, st);
    SHOW("waitpid WNOHANG on a running child", waitpid(c, &st, WNOHANG));
    kill(c, SIGKILL);
    waitpid(c, &st, 0);

    /* waitid: WNOHANG on a running child leaves si_pid 0; WNOWAIT leaves the zombie waitable. */
    c = spawn_sleeper();
    siginfo_t si;
    memset(&si, 0x55, sizeof si);
    SHOW("waitid WNOHANG running", waitid(P_PID, c, &si, WEXITED | WNOHANG));
    printf("  si_pid=%d si_signo=%d\n", si.si_pid, si.si_signo);
    kill(c, SIGTERM);
    memset(&si, 0, sizeof si);
    SHOW("waitid WNOWAIT", waitid(P_PID, c, &si, WEXITED | WNOWAIT));
    printf("  signo SIGCHLD %s, code CLD_KILLED %s, status %d, pid matches %s\n", yesno(si.si_signo == SIGCHLD),
           yesno(si.si_code == CLD_KILLED), si.si_status, yesno(si.si_pid == c));
    memset(&ru, 0x55, sizeof ru);
    memset(&si, 0, sizeof si);
    SHOW("raw waitid with rusage", syscall(SYS_waitid, P_PID, c, &si, WEXITED, &ru));
    printf("  status %d, rusage written: %s\n", si.si_status, yesno(ru.ru_utime.tv_usec < 1000000));
    SHOW("waitid again (reaped)", waitid(P_PID, c, &si, WEXITED));
    fflush(stdout);
    c = fork();
    if (c == 0) _exit(5);
    memset(&si, 0, sizeof si);
    SHOW("waitid P_ALL", waitid(P_ALL, 0, &si, WEXITED));
    printf("  code CLD_EXITED %s, status %d, pid matches %s\n", yesno(si.si_code == CLD_EXITED), si.si_status,
           yesno(si.si_pid == c));
    SHOW("waitid no children", waitid(P_ALL, 0, &si, WEXITED));
    SHOW("waitid no WEXITED/WSTOPPED/WCONTINUED", waitid(P_ALL, 0, &si, WNOHANG));

    fflush(stdout);
    c = fork();
    if (c == 0) _exit(6);
    SHOW("wait4 bad status pointer (the child is reaped anyway)", wait4(c, bad_ptr(16), 0, NULL));
    SHOW("wait4 after that", wait4(c, &st, 0, NULL));

    fflush(stdout);
    c = vfork();
    if (c == 0) _exit(8);
    w = waitpid(c, &st, 0);
    status("vfork, child _exit(8)", c, w, st);

    /* Raw clone without CLONE_VM: exit signal 0 needs __WALL to be waited for. */
    fflush(stdout);
    long r = syscall(SYS_clone, 0, 0, 0, 0, 0);
    if (r == 0) _exit(9);
    SHOW("waitpid plain on an exit-signal-0 child", waitpid((pid_t)r, &st, WNOHANG));
    w = waitpid((pid_t)r, &st, __WALL);
    status("clone(exit signal 0), waited with __WALL", (pid_t)r, w, st);

    pid_t ptid = 0;
    volatile pid_t ctid = 0;
    fflush(stdout);
    r = syscall(SYS_clone, SIGCHLD | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID, 0, &ptid, 0, &ctid);
    if (r == 0) _exit(ctid == getpid() ? 10 : 11);
    w = waitpid((pid_t)r, &st, 0);
    status("clone PARENT_SETTID|CHILD_SETTID (child checks its tid)", (pid_t)r, w, st);
    printf("parent tid slot holds the child pid: %s\n", yesno(ptid == r));
    SHOW("clone SIGHAND without VM", syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, 0, 0, 0));
    SHOW("clone THREAD without SIGHAND", syscall(SYS_clone, CLONE_THREAD | SIGCHLD, 0, 0, 0, 0));
    SHOW("clone NEWNS|FS", syscall(SYS_clone, CLONE_NEWNS | CLONE_FS | SIGCHLD, 0, 0, 0, 0));
    SHOW("wait with no children", wait(&st));
    SHOW("waitpid bad options", waitpid(-1, &st, 0x40));
}

/* ---- execve and scripts ------------------------------------------------------------------ */

static void run_and_wait(const char *what, char *const *args, char *const *envs, const char *path)
{
    int st;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        execve(path, args, envs);
        printf("  execve failed: %s\n", errname(errno));
        fflush(stdout);
        _exit(1);
    }
    pid_t w = waitpid(c, &st, 0);
    status(what, c, w, st);
}

static void never_called(int sig) { (void)sig; }

static void write_file(const char *name, const char *text, mode_t mode)
{
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) printf("cannot write %s\n", name);
    close(fd);
    chmod(name, mode);
}

static void execs(void)
{
    printf("== execve\n");
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0) printf("pipe2 failed\n");
    fcntl(pfd[1], F_SETFD, 0); /* the write end survives exec, the read end does not */
    char a2[16], a3[16];
    snprintf(a2, sizeof a2, "%d", pfd[0]);
    snprintf(a3, sizeof a3, "%d", pfd[1]);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGUSR2, &sa, NULL);
    sa.sa_handler = never_called;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t m, old;
    sigemptyset(&m);
    sigaddset(&m, SIGHUP);
    sigprocmask(SIG_BLOCK, &m, &old);
    char *args[] = {"exec-child", a2, a3, "arg with spaces", "", NULL};
    /* argv[0] is the mode word; PEC_MODE picks the mode so that an empty argv works too */
    char *envs[] = {"PEC_MODE=exec", "PEC_VAR=a=b=c", NULL};
    /* A changed FPU control word and MXCSR must not survive exec (rounding toward zero, masks). */
    unsigned short cw = 0x0f7f, cw_old;
    unsigned mx = 0x7f80, mx_old;
    __asm__ volatile("fnstcw %0\n\tstmxcsr %1\n\tfldcw %2\n\tldmxcsr %3"
                     : "=m"(cw_old), "=m"(mx_old) : "m"(cw), "m"(mx));
    run_and_wait("execve self with fds, signals, mask and FPU modes", args, envs, self);
    __asm__ volatile("fldcw %0\n\tldmxcsr %1" : : "m"(cw_old), "m"(mx_old));
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
    close(pfd[0]);
    close(pfd[1]);

    char *envs2[] = {"PEC_MODE=exec", NULL};
    run_and_wait("execve self with a NULL argv", NULL, envs2, self);
    char *one[] = {"only-argv0", NULL};
    run_and_wait("execve self with a NULL envp (PEC_MODE unset: plain run)", one, NULL, self);

    /* #! scripts: the interpreter is this program; the optional argument keeps inner blanks. */
    char line[PATH_MAX + 64];
    snprintf(line, sizeof line, "#!%s   script  two words  \necho never\n", self);
    write_file("s1.sh", line, 0755);
    snprintf(line, sizeof line, "#!%s\n", self);
    write_file("s_noarg.sh", line, 0755);
    write_file("s2.sh", "#! ./s1.sh  \n", 0755);
    write_file("s_blank.sh", "#!   \n", 0755);
    write_file("plain.txt", "just text\n", 0755);
    write_file("noexec.txt", "just text\n", 0644);
    char *sargs[] = {"s-argv0", "x1", "x2", NULL};
    char *senv[] = {"PEC_MODE=script", NULL};
    run_and_wait("script with an argument", sargs, senv, "./s1.sh");
    run_and_wait("script without an argument", sargs, senv, "./s_noarg.sh");
    run_and_wait("script running a script", sargs, senv, "./s2.sh");
    SHOW("execve script with an empty #! line", execve("./s_blank.sh", sargs, senv));

    char *x[] = {"x", NULL};
    SHOW("execve missing file", execve("./missing", x, environ));
    SHOW("execve missing directory component", execve("./nodir/x", x, environ));
    SHOW("execve through a regular file", execve("./plain.txt/x", x, environ));
    SHOW("execve a file without x bits", execve("./noexec.txt", x, environ));
    SHOW("execve text without #!", execve("./plain.txt", x, environ));
    SHOW("execve a directory", execve("/", x, environ));
    SHOW("execve empty path", execve("", x, environ));
    SHOW("execve bad path pointer", execve(bad_ptr(1), x, environ));
    SHOW("execve bad argv pointer", execve(self, bad_ptr(4), environ));
    char *badarg[] = {"x", bad_ptr(8), NULL};
    SHOW("execve bad argv[1]", execve(self, badarg, environ));
    static char big[140000];
    memset(big, 'a', sizeof big - 1);
    char *bigargs[] = {"x", big, NULL};
    SHOW("execve 140000-byte argument", execve(self, bigargs, environ));
    SHOW("execveat AT_SYMLINK_NOFOLLOW on /proc/self/exe",
         syscall(SYS_execveat, AT_FDCWD, "/proc/self/exe", x, environ, AT_SYMLINK_NOFOLLOW));
    SHOW("execveat bad flags", syscall(SYS_execveat, AT_FDCWD, self, x, environ, 0x4));
    SHOW("execveat empty path without AT_EMPTY_PATH", syscall(SYS_execveat, AT_FDCWD, "", x, environ, 0));
    printf("still running after the failed execs\n");
}

/* ---- pipes, poll, select, epoll, eventfd, timerfd ------------------------------------- */

static int ts_zero(const struct timespec *t) { return t->tv_sec == 0 && t->tv_nsec == 0; }

static void readiness(void)
{
    printf("== pipe/poll/select/epoll/eventfd/timerfd\n");
    int p[2];
    if (pipe(p) != 0) printf("pipe failed\n");
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char buf[16];
        close(p[1]);
        ssize_t n = read(p[0], buf, sizeof buf);
        _exit(n == 5 && memcmp(buf, "hello", 5) == 0 ? 30 : 31);
    }
    SHOW("write to the child through the pipe", write(p[1], "hello", 5));
    int st;
    pid_t w = waitpid(c, &st, 0);
    status("child read it", c, w, st);
    close(p[0]);
    close(p[1]);

    if (pipe(p) != 0) printf("pipe failed\n");
    struct pollfd pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    SHOW("poll, empty pipe, read end only, 20 ms", poll(pf, 1, 20));
    printf("  revents %#x\n", pf[0].revents);
    SHOW("poll, both ends", poll(pf, 2, 0));
    printf("  revents %#x %#x\n", pf[0].revents, pf[1].revents);
    struct timespec t = {0, 20000000};
    SHOW("ppoll 20 ms timeout", syscall(SYS_ppoll, pf, 1, &t, NULL, 8));
    printf("  remaining time written back as zero: %s\n", yesno(ts_zero(&t)));
    SHOW("ppoll bad sigsetsize", syscall(SYS_ppoll, pf, 1, &t, &t, 4));
    t.tv_nsec = 1000000000;
    SHOW("ppoll invalid timeout", syscall(SYS_ppoll, pf, 1, &t, NULL, 8));
    SHOW("poll bad pointer", poll(bad_ptr(8), 1, 0));
    SHOW("poll too many fds", poll(pf, 1u << 30, 0));

    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct timeval tv = {0, 20000};
    SHOW("_newselect, empty pipe, 20 ms", syscall(SYS__newselect, p[0] + 1, &rd, NULL, NULL, &tv));
    printf("  remaining timeval zero: %s, read bit cleared: %s\n", yesno(tv.tv_sec == 0 && tv.tv_usec == 0),
           yesno(!FD_ISSET(p[0], &rd)));
    SHOW("write 3 bytes", write(p[1], "abc", 3));
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(p[0], &rd);
    FD_SET(p[1], &rd);
    FD_SET(p[1], &wr);
    tv.tv_sec = 5;
    tv.tv_usec = 0;
    SHOW("_newselect, data ready", syscall(SYS__newselect, p[1] + 1, &rd, &wr, NULL, &tv));
    printf("  read end readable %s, write end readable %s, writable %s, time left > 4 s %s\n",
           yesno(FD_ISSET(p[0], &rd)), yesno(FD_ISSET(p[1], &rd)), yesno(FD_ISSET(p[1], &wr)),
           yesno(tv.tv_sec >= 4));
    struct { long n; fd_set *in, *out, *ex; struct timeval *tv; } sel = {p[0] + 1, &rd, NULL, NULL, NULL};
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    SHOW("old select (one struct pointer)", syscall(SYS_select, &sel));
    SHOW("old select bad pointer", syscall(SYS_select, bad_ptr(12)));
    tv.tv_usec = -1;
    SHOW("_newselect negative usec", syscall(SYS__newselect, 1, NULL, NULL, NULL, &tv));
    SHOW("_newselect negative n", syscall(SYS__newselect, -1, NULL, NULL, NULL, NULL));
    SHOW("_newselect bad fd_set", syscall(SYS__newselect, p[0] + 1, bad_ptr(4), NULL, NULL, NULL));
    char buf[8];
    SHOW("drain", read(p[0], buf, sizeof buf));
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    t.tv_sec = 0;
    t.tv_nsec = 15000000;
    struct { const sigset_t *ss; size_t len; } pack = {NULL, 8};
    SHOW("pselect6, 15 ms", syscall(SYS_pselect6, p[0] + 1, &rd, NULL, NULL, &t, &pack));
    printf("  remaining zero: %s\n", yesno(ts_zero(&t)));
    sigset_t ss;
    sigemptyset(&ss);
    pack.ss = &ss;
    pack.len = 4;
    SHOW("pselect6 bad sigset size", syscall(SYS_pselect6, p[0] + 1, &rd, NULL, NULL, NULL, &pack));

    int ep = epoll_create1(EPOLL_CLOEXEC);
    printf("epoll_create1: %s\n", ep >= 0 ? "ok" : errname(errno));
    struct epoll_event ev = {EPOLLIN, {.u64 = 0x1122334455667788ull}};
    SHOW("epoll_ctl ADD read end", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    SHOW("epoll_ctl ADD again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    SHOW("epoll_ctl bad event pointer", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], bad_ptr(12)));
    struct epoll_event out[4];
    SHOW("epoll_wait, nothing ready, 10 ms", epoll_wait(ep, out, 4, 10));
    SHOW("write 1 byte", write(p[1], "z", 1));
    memset(out, 0, sizeof out);
    SHOW("epoll_wait, data ready", epoll_wait(ep, out, 4, 1000));
    printf("  events %#x data %#llx\n", out[0].events, (unsigned long long)out[0].data.u64);
    SHOW("epoll_pwait, data ready", epoll_pwait(ep, out, 4, 0, NULL));
    SHOW("epoll_wait maxevents 0", epoll_wait(ep, out, 0, 0));
    SHOW("epoll_wait bad buffer", epoll_wait(ep, bad_ptr(16), 4, 0));
    SHOW("epoll_ctl DEL (NULL event)", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    SHOW("epoll_wait after DEL", epoll_wait(ep, out, 4, 0));
    SHOW("epoll_create 0", epoll_create(0));
    close(ep);
    close(p[0]);
    close(p[1]);

    int efd = eventfd(3, 0);
    uint64_t v = 4;
    SHOW("eventfd write 4", write(efd, &v, 8));
    v = 0;
    SHOW("eventfd read", read(efd, &v, 8));
    printf("  counter %llu\n", (unsigned long long)v);
    struct pollfd epf = {efd, POLLIN, 0};
    SHOW("poll eventfd at 0", poll(&epf, 1, 0));
    close(efd);
    efd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    SHOW("semaphore read", read(efd, &v, 8));
    printf("  value %llu\n", (unsigned long long)v);
    SHOW("semaphore read", read(efd, &v, 8));
    SHOW("semaphore read when empty", read(efd, &v, 8));
    close(efd);
    SHOW("eventfd2 bad flags", syscall(SYS_eventfd2, 0, 2));

    int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = {{0, 10000000}, {0, 10000000}}, old;
    SHOW("timerfd_settime 10 ms period", timerfd_settime(tfd, 0, &its, NULL));
    struct timespec nap = {0, 55000000};
    nanosleep(&nap, NULL);
    v = 0;
    SHOW("timerfd read", read(tfd, &v, 8));
    printf("  expirations >= 4: %s\n", yesno(v >= 4));
    SHOW("timerfd_gettime", timerfd_gettime(tfd, &old));
    printf("  interval %ld.%09ld, value <= 10 ms: %s\n", (long)old.it_interval.tv_sec, old.it_interval.tv_nsec,
           yesno(old.it_value.tv_sec == 0 && old.it_value.tv_nsec <= 10000000));
    memset(&its, 0, sizeof its);
    SHOW("timerfd disarm, old value", timerfd_settime(tfd, 0, &its, &old));
    printf("  old interval %ld.%09ld\n", (long)old.it_interval.tv_sec, old.it_interval.tv_nsec);
    its.it_value.tv_nsec = 2000000000;
    SHOW("timerfd_settime invalid nsec", timerfd_settime(tfd, 0, &its, NULL));
    SHOW("timerfd_gettime bad pointer", syscall(SYS_timerfd_gettime, tfd, bad_ptr(4)));
    close(tfd);
    SHOW("timerfd_create bad clock", timerfd_create(12345, 0));

    struct itimerval itv = {{0, 0}, {5, 0}}, oitv;
    SHOW("setitimer REAL 5 s", setitimer(ITIMER_REAL, &itv, NULL));
    SHOW("getitimer REAL", getitimer(ITIMER_REAL, &oitv));
    printf("  between 4 and 5 s: %s\n", yesno(oitv.it_value.tv_sec == 4 || (oitv.it_value.tv_sec == 5 && oitv.it_value.tv_usec == 0)));
    memset(&itv, 0, sizeof itv);
    SHOW("setitimer disarm", setitimer(ITIMER_REAL, &itv, &oitv));
    SHOW("alarm 10", alarm(10));
    SHOW("alarm 0 (returns what was left)", alarm(0));
    SHOW("getitimer bad which", getitimer(7, &oitv));
}

/* ---- resources ------------------------------------------------------------------------- */

static void resources(void)
{
    printf("== limits/resources/scheduling/futex\n");
    struct rlimit64 orig, r, back;
    SHOW("prlimit64 get NOFILE", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &orig));
    r = orig;
    r.rlim_cur = 100;
    SHOW("prlimit64 set NOFILE soft 100", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &r, &back));
    printf("  old value returned: %s\n", yesno(back.rlim_cur == orig.rlim_cur && back.rlim_max == orig.rlim_max));
    struct { unsigned long cur, max; } r32;
    SHOW("ugetrlimit NOFILE", syscall(SYS_ugetrlimit, RLIMIT_NOFILE, &r32));
    printf("  soft %lu\n", r32.cur);
    SHOW("restore", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &orig, NULL));

    SHOW("prlimit64 get STACK", syscall(SYS_prlimit64, 0, RLIMIT_STACK, NULL, &orig));
    r = orig;
    r.rlim_cur = 4 << 20;
    SHOW("prlimit64 set STACK soft 4 MiB", syscall(SYS_prlimit64, 0, RLIMIT_STACK, &r, NULL));
    SHOW("ugetrlimit STACK", syscall(SYS_ugetrlimit, RLIMIT_STACK, &r32));
    printf("  soft %lu\n", r32.cur);
    SHOW("old getrlimit STACK", syscall(SYS_getrlimit, RLIMIT_STACK, &r32));
    printf("  soft %lu, hard clamped to <= 0x7fffffff: %s\n", r32.cur, yesno(r32.max <= 0x7fffffffUL));
    r32.cur = 2 << 20;
    r32.max = 0xffffffffUL;
    if (orig.rlim_max != RLIM64_INFINITY) r32.max = (unsigned long)orig.rlim_max;
    SHOW("setrlimit STACK soft 2 MiB", syscall(SYS_setrlimit, RLIMIT_STACK, &r32));
    SHOW("prlimit64 get STACK", syscall(SYS_prlimit64, 0, RLIMIT_STACK, NULL, &back));
    printf("  soft %llu, hard unchanged: %s\n", (unsigned long long)back.rlim_cur, yesno(back.rlim_max == orig.rlim_max));
    SHOW("restore", syscall(SYS_prlimit64, 0, RLIMIT_STACK, &orig, NULL));
    r.rlim_cur = 10;
    r.rlim_max = 5;
    SHOW("prlimit64 soft > hard", syscall(SYS_prlimit64, 0, RLIMIT_AS, &r, NULL));
    SHOW("prlimit64 bad resource", syscall(SYS_prlimit64, 0, 99, NULL, &back));
    SHOW("prlimit64 bad pointer", syscall(SYS_prlimit64, 0, RLIMIT_CORE, NULL, bad_ptr(8)));
    SHOW("getrusage SELF", getrusage(RUSAGE_SELF, &(struct rusage){0}));
    SHOW("getrusage bad who", getrusage(5, &(struct rusage){0}));

    unsigned char rnd[64];
    SHOW("getrandom 16", getrandom(rnd, 16, 0));
    SHOW("getrandom 64 nonblock", getrandom(rnd, 64, GRND_NONBLOCK));
    SHOW("getrandom bad buffer", getrandom(bad_ptr(4), 16, 0));
    SHOW("getrandom bad flags", getrandom(rnd, 16, 0x100));

    struct sysinfo si;
    SHOW("sysinfo", sysinfo(&si));
    printf("  mem_unit*totalram > 0: %s, mem_unit a power of two: %s, freeram <= totalram: %s, procs > 0: %s\n",
           yesno((unsigned long long)si.mem_unit * si.totalram > 0), yesno(si.mem_unit && !(si.mem_unit & (si.mem_unit - 1))),
           yesno(si.freeram <= si.totalram), yesno(si.procs > 0));
    SHOW("sysinfo bad pointer", sysinfo(bad_ptr(4)));

    struct tms ta, tb;
    clock_t t1 = times(&ta);
    for (volatile int i = 0; i < 2000000; i++) {
    }
    clock_t t2 = times(&tb);
    printf("times monotonic: %s, utime monotonic: %s\n", yesno(t2 - t1 >= 0), yesno(tb.tms_utime >= ta.tms_utime));
    SHOW("times(NULL) succeeds", times(NULL) != (clock_t)-1 ? 0 : -1);

    cpu_set_t set;
    CPU_ZERO(&set);
    long n = syscall(SYS_sched_getaffinity, 0, sizeof set, &set);
    printf("sched_getaffinity: bytes > 0 %s, multiple of 4 %s, some cpu set %s\n", yesno(n > 0), yesno(n % 4 == 0),
           yesno(CPU_COUNT(&set) > 0));
    SHOW("sched_getaffinity len 3", syscall(SYS_sched_getaffinity, 0, 3, &set));
    SHOW("sched_setaffinity same mask", sched_setaffinity(0, sizeof set, &set));
    SHOW("sched_yield", sched_yield());
    SHOW("sched_getscheduler", sched_getscheduler(0));
    struct sched_param sp = {99};
    SHOW("sched_getparam", sched_getparam(0, &sp));
    printf("  priority %d\n", sp.sched_priority);
    SHOW("sched_get_priority_max FIFO", sched_get_priority_max(SCHED_FIFO));
    unsigned cpu = 99999, node = 99999;
    SHOW("getcpu", syscall(SYS_getcpu, &cpu, &node, NULL));
    printf("  cpu plausible %s\n", yesno(cpu < 4096 && node < 4096));
    SHOW("getgroups count", getgroups(0, NULL) >= 0 ? 0 : -1);
    SHOW("getgroups32 negative size", syscall(SYS_getgroups32, -1, NULL));

    static int word = 0;
    SHOW("futex WAIT on a differing value", syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0));
    struct timespec to = {0, 10000000};
    SHOW("futex WAIT 10 ms on the same value", syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &to, NULL, 0));
    struct { long long s; long long ns; } to64 = {0, 5000000};
    SHOW("futex_time64 WAIT 5 ms", syscall(422, &word, FUTEX_WAIT_PRIVATE, 0, &to64, NULL, 0));
    SHOW("futex WAKE", syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    SHOW("futex WAKE shared", syscall(SYS_futex, &word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
    SHOW("futex unaligned", syscall(SYS_futex, (char *)&word + 1, FUTEX_WAIT, 0, NULL, NULL, 0));
    SHOW("futex WAIT unmapped", syscall(SYS_futex, bad_ptr(0x1000), FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
    SHOW("futex bad timeout pointer", syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, bad_ptr(8), NULL, 0));
    SHOW("futex bad op", syscall(SYS_futex, &word, 99, 0, NULL, NULL, 0));
}

static void groups_sessions(void)
{
    printf("== process groups, sessions, personality\n");
    printf("getpgid(0) == getpgrp(): %s\n", yesno(getpgid(0) == getpgrp()));
    printf("getsid(0) == getsid(getpid()): %s\n", yesno(getsid(0) == getsid(getpid())));
    SHOW("getpgid of no such process", getpgid(0x7ffffff0));
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        int ok = setpgid(0, 0) == 0 && getpgrp() == getpid() && getpgid(0) == getpid();
        ok = ok && setsid() < 0 && errno == EPERM; /* a group leader cannot start a session */
        _exit(ok ? 40 : 41);
    }
    int st;
    pid_t w = waitpid(c, &st, 0);
    status("child: setpgid(0,0), then setsid fails", c, w, st);
    fflush(stdout);
    c = fork();
    if (c == 0) {
        int ok = setsid() == getpid() && getsid(0) == getpid() && getpgrp() == getpid();
        ok = ok && setsid() < 0 && errno == EPERM && setpgid(0, 0) < 0 && errno == EPERM;
        _exit(ok ? 42 : 43);
    }
    w = waitpid(c, &st, 0);
    status("child: setsid, setsid again, setpgid", c, w, st);
    SHOW("personality query", syscall(SYS_personality, 0xffffffff));
    SHOW("personality PER_LINUX", syscall(SYS_personality, 0));
    SHOW("setuid32 to self", syscall(SYS_setuid32, getuid()));
    uid_t a, b, d;
    SHOW("getresuid", getresuid(&a, &b, &d));
    printf("  all equal getuid: %s\n", yesno(a == getuid() && b == geteuid() && d == getuid()));
    SHOW("getresuid bad pointer", syscall(SYS_getresuid32, &a, bad_ptr(4), &d));
}

int main(int argc, char **argv)
{
    const char *mode = getenv("PEC_MODE");
    if (mode && strcmp(mode, "exec") == 0) {
        unsetenv("PEC_MODE");
        return exec_child(argc, argv);
    }
    if (mode && strcmp(mode, "script") == 0) return script_child(argc, argv);
    if (argc == 1 && strcmp(argv[0], "only-argv0") == 0) {
        printf("[plain child] started with argv[0]=%s and %s environment\n", argv[0], environ[0] ? "an" : "an empty");
        return 19;
    }
    /* The harness passes an absolute path; realpath makes it canonical where the file system
     * allows it (and the exec'd copies print only basenames anyway). */
    if (!realpath(argv[0], self)) snprintf(self, sizeof self, "%s", argv[0]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    forks_and_waits();
    execs();
    readiness();
    resources();
    groups_sessions();
    printf("done\n");
    return 0;
}
