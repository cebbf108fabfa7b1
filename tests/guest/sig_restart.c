/* SA_RESTART: a read() blocked on a pipe is interrupted by SIGALRM from a timer. With SA_RESTART
 * the kernel restarts it (EIP back 2 bytes: onto int $0x80, or after sysenter onto the vDSO's
 * jmp at __kernel_vsyscall+0xe) and it completes when a child writes; without, it fails with
 * EINTR. Done three ways: through libc (which calls __kernel_vsyscall), with a raw int $0x80, and
 * with call *%gs:0x10 (AT_SYSINFO, the TCB's copy of __kernel_vsyscall). Also: a restart with no
 * handler at all (SIGCONT's default action is to continue: the call is restarted transparently),
 * and nanosleep interrupted by a handler (EINTR with the time left). */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include "guest_util.h"

static volatile int handled;

static void on_alarm(int sig)
{
    (void)sig;
    handled++;
    static const char msg[] = "  handler: SIGALRM\n";
    if (write(1, msg, sizeof msg - 1) < 0) _exit(2);
}

static int read_int80(int fd, void *buf, int n)
{
    int r;
    __asm__ volatile("int $0x80" : "=a"(r) : "0"(3), "b"(fd), "c"(buf), "d"(n) : "memory");
    return r;
}

static int read_vsyscall(int fd, void *buf, int n)
{
    int r;
    __asm__ volatile("call *%%gs:0x10" : "=a"(r) : "0"(3), "b"(fd), "c"(buf), "d"(n) : "memory");
    return r;
}

static int read_libc(int fd, void *buf, int n)
{
    int r = (int)read(fd, buf, n);
    return r < 0 ? -errno : r;
}

static void arm_timer(int ms)
{
    struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static void run(const char *how, int (*rd)(int, void *, int), int restart)
{
    int fds[2];
    if (pipe(fds)) return;
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        struct timespec ts = {0, 600 * 1000000};
        nanosleep(&ts, NULL);
        if (write(fds[1], "x", 1) != 1) _exit(1);
        _exit(0);
    }
    close(fds[1]);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = restart ? SA_RESTART : 0;
    sigaction(SIGALRM, &sa, NULL);
    handled = 0;
    arm_timer(150);
    char c = 0;
    int r = rd(fds[0], &c, 1);
    printf("%-10s %-12s read = %d%s%s, handler ran %d time(s)\n", how, restart ? "SA_RESTART" : "no restart",
           r < 0 ? -1 : r, r < 0 ? " " : "", r < 0 ? errname(-r) : (c == 'x' ? " 'x'" : " ?"), handled);
    int st;
    waitpid(child, &st, 0);
    close(fds[0]);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    run("libc", read_libc, 1);
    run("libc", read_libc, 0);
    run("int80", read_int80, 1);
    run("int80", read_int80, 0);
    run("vsyscall", read_vsyscall, 1);
    run("vsyscall", read_vsyscall, 0);

    /* No handler: SIGCONT (default: continue) interrupts nothing the program can see. */
    int fds[2];
    if (pipe(fds)) return 1;
    pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        struct timespec ts = {0, 200 * 1000000};
        nanosleep(&ts, NULL);
        kill(getppid(), SIGCONT);
        nanosleep(&ts, NULL);
        if (write(fds[1], "y", 1) != 1) _exit(1);
        _exit(0);
    }
    close(fds[1]);
    char c = 0;
    int r = read_vsyscall(fds[0], &c, 1);
    printf("SIGCONT, default action: read = %d '%c'\n", r, c);
    waitpid(child, NULL, 0);

    /* nanosleep with a handler: -EINTR and the remaining time written back. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;   /* nanosleep is never restarted after a handler */
    sigaction(SIGALRM, &sa, NULL);
    arm_timer(100);
    struct timespec req = {2, 0}, rem = {0, 0};
    r = nanosleep(&req, &rem);
    printf("nanosleep = %d %s, remaining between 1 and 2 s: %s\n", r, r ? errname(errno) : "",
           rem.tv_sec == 1 ? "yes" : "no");
    return 0;
}
