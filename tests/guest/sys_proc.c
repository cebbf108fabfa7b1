/* Process system calls: getpid getppid gettid getpgrp getpgid getsid, uid/gid (32-bit and the
 * old 16-bit forms, getres*), getgroups, set_tid_address, fork + wait4/waitpid (exit codes 0, 7,
 * 255, raw exit, death by SIGKILL, WNOHANG), wait with no children, vfork + _exit, execve of
 * /proc/self/exe with arguments and an environment (the child re-runs this program in
 * "exec-child" mode), execve failures (ENOENT EACCES ENOEXEC), kill/tgkill with signal 0, prctl
 * names, /proc/self/cmdline and /proc/self/exe.  The program itself exits with status 3.
 * Only relations between ids are printed, never their values.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "guest_util.h"

extern char **environ;

static const char *base(const char *p)
{
    const char *b = strrchr(p, '/');
    return b ? b + 1 : p;
}

static int exec_child(int argc, char **argv)
{
    printf("[exec child] argc=%d argv[0] basename=%s", argc, base(argv[0]));
    for (int i = 1; i < argc; i++) printf(" argv[%d]=%s", i, argv[i]);
    printf("\n");
    int n = 0;
    for (char **e = environ; *e; e++) n++;
    if (getenv("GATE_TEST")) /* the explicit environment: exactly these two */
        printf("[exec child] environment entries=%d GATE_TEST=%s OTHER=%s\n", n, getenv("GATE_TEST"),
               getenv("OTHER") ? getenv("OTHER") : "(unset)");
    else
        printf("[exec child] inherited environment, GATE_TEST unset\n");
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[len > 0 ? len : 0] = 0;
    printf("[exec child] /proc/self/exe basename: %s\n", base(exe));
    printf("[exec child] fd 5 (inherited, not CLOEXEC) open: %s, fd 6 (CLOEXEC) open: %s\n",
           yesno(fcntl(5, F_GETFD) >= 0), yesno(fcntl(6, F_GETFD) >= 0));
    fflush(stdout);
    return atoi(argv[2]);
}

static void ids(void)
{
    printf("== ids\n");
    pid_t pid = getpid();
    printf("pid>0: %s, ppid>0: %s, ppid!=pid: %s\n", yesno(pid > 0), yesno(getppid() > 0), yesno(getppid() != pid));
    printf("gettid==pid: %s, raw getpid==pid: %s\n", yesno(gettid() == pid), yesno(syscall(SYS_getpid) == pid));
    printf("getpgrp==getpgid(0): %s, getpgid(pid)==getpgid(0): %s, getsid(0)>0: %s\n",
           yesno(getpgrp() == getpgid(0)), yesno(getpgid(pid) == getpgid(0)), yesno(getsid(0) > 0));
    SHOW("getpgid of a nonexistent pid", getpgid(0x3ffffff0));
    uid_t u = getuid();
    gid_t g = getgid();
    printf("uid==euid: %s, gid==egid: %s\n", yesno(u == geteuid()), yesno(g == getegid()));
    long u16 = syscall(SYS_getuid), g16 = syscall(SYS_getgid), eu16 = syscall(SYS_geteuid);
    printf("16-bit getuid/getgid/geteuid agree (ids < 65536): %s %s %s\n",
           yesno(u >= 65535 || u16 == (long)u), yesno(g >= 65535 || g16 == (long)g), yesno(u >= 65535 || eu16 == (long)u));
    printf("raw getuid32==getuid: %s\n", yesno(syscall(SYS_getuid32) == (long)u));
    uid_t r, e, s;
    gid_t gr, ge, gs;
    getresuid(&r, &e, &s);
    getresgid(&gr, &ge, &gs);
    printf("getresuid r==e==s==uid: %s, getresgid: %s\n", yesno(r == u && e == u && s == u),
           yesno(gr == g && ge == g && gs == g));
    SHOW("setuid(own uid)", setuid(u));
    SHOW("setgid(own gid)", setgid(g));
    int n = getgroups(0, NULL);
    gid_t list[256];
    int m = getgroups(256, list);
    printf("getgroups(0)==getgroups(256): %s, count>=0: %s\n", yesno(n == m), yesno(n >= 0));
    if (n > 0) SHOW("getgroups with a too-small list", getgroups(n > 1 ? 1 : 0, n > 1 ? list : NULL) < 0 ? -1 : 0);
    int tidword = 0;
    long t = syscall(SYS_set_tid_address, &tidword);
    printf("set_tid_address returns tid: %s\n", yesno(t == gettid()));
    SHOW("kill(self, 0)", kill(pid, 0));
    SHOW("tgkill(self, self, 0)", syscall(SYS_tgkill, pid, gettid(), 0));
    SHOW("tgkill with tid 0", syscall(SYS_tgkill, pid, 0, 0));
    SHOW("tgkill with a nonexistent tid", syscall(SYS_tgkill, pid, 0x3ffffff0, 0));
    SHOW("tkill(self, 0)", syscall(SYS_tkill, gettid(), 0));
    SHOW("kill with a bad signal", kill(pid, 1000));
    char name[32] = {0};
    SHOW("prctl PR_SET_NAME", prctl(PR_SET_NAME, "gate386-proc-long-name"));
    SHOW("prctl PR_GET_NAME", prctl(PR_GET_NAME, name));
    printf("  name '%s'\n", name);
    struct rusage ru;
    SHOW("getrusage", getrusage(RUSAGE_SELF, &ru));
    printf("  maxrss>0: %s\n", yesno(ru.ru_maxrss > 0));
}

static void proc_files(int argc, char **argv)
{
    printf("== /proc/self\n");
    char buf[4096];
    int fd = open("/proc/self/cmdline", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    close(fd);
    if (n > 0) {
        buf[n] = 0;
        int count = 0;
        for (ssize_t i = 0; i < n; i++) count += buf[i] == 0;
        printf("cmdline: %d NUL-terminated args, first == argv[0]: %s (argc %d)\n", count,
               yesno(strcmp(buf, argv[0]) == 0), argc);
    } else {
        printf("cmdline: unreadable\n");
    }
    n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("/proc/self/exe: absolute %s, basename %s\n", yesno(buf[0] == '/'), base(buf));
    struct stat a, b;
    printf("/proc/self/exe is argv[0]'s file: %s\n",
           yesno(stat("/proc/self/exe", &a) == 0 && stat(argv[0], &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev));
}

static void report(const char *what, pid_t expect, pid_t got, int st)
{
    printf("%s: pid matches %s, ", what, yesno(got == expect));
    if (WIFEXITED(st)) printf("exited %d\n", WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("killed by signal %d\n", WTERMSIG(st));
    else printf("status %#x\n", st);
}

static void forks(char **argv)
{
    printf("== fork/wait/vfork/execve\n");
    static const int codes[3] = {7, 0, 255};
    for (int i = 0; i < 3; i++) {
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) exit(codes[i]);
        int st = -1;
        struct rusage ru;
        pid_t w = wait4(c, &st, 0, &ru);
        char what[32];
        snprintf(what, sizeof what, "fork, child exit(%d)", codes[i]);
        report(what, c, w, st);
    }
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        syscall(SYS_exit, 3); /* raw exit of the only thread */
        _exit(99);
    }
    int st;
    { pid_t w_ = waitpid(c, &st, 0); report("fork, child raw exit(3)", c, w_, st); }
    c = fork();
    if (c == 0) {
        kill(getpid(), SIGKILL);
        _exit(98);
    }
    { pid_t w_ = waitpid(c, &st, 0); report("fork, child SIGKILLs itself", c, w_, st); }

    int p[2];
    if (pipe(p) != 0) printf("pipe failed\n");
    fflush(stdout);
    c = fork();
    if (c == 0) {
        char x;
        close(p[1]);
        ssize_t r = read(p[0], &x, 1); /* blocks until the parent closes its end */
        _exit(r == 0 ? 11 : 12);
    }
    close(p[0]);
    SHOW("waitpid WNOHANG on a running child", waitpid(c, &st, WNOHANG));
    close(p[1]);
    { pid_t w_ = waitpid(c, &st, 0); report("child after the pipe closed", c, w_, st); }
    SHOW("wait with no children", wait(&st));
    SHOW("waitpid bad options", waitpid(-1, &st, 0x7fff0000));

    fflush(stdout);
    /* vfork: the child may only _exit or exec. Whether its stores reach the parent is undefined
     * (POSIX) and differs between Linux (shared) and user-mode emulators that run vfork as fork,
     * so the test does not look. */
    c = vfork();
    if (c == 0) _exit(9);
    { pid_t w_ = waitpid(c, &st, 0); report("vfork, child _exit(9)", c, w_, st); }

    /* execve of ourselves through /proc/self/exe */
    int keep = dup2(1, 5);
    int cloexec = dup3(1, 6, O_CLOEXEC);
    printf("fds for the exec child: %d %d\n", keep, cloexec);
    fflush(stdout);
    c = fork();
    if (c == 0) {
        char *args[] = {"renamed-argv0", "exec-child", "5", "third arg with spaces", "", NULL};
        char *envs[] = {"GATE_TEST=yes", "OTHER=a=b=c", NULL};
        execve("/proc/self/exe", args, envs);
        printf("execve failed: %s\n", errname(errno));
        _exit(1);
    }
    { pid_t w_ = waitpid(c, &st, 0); report("execve /proc/self/exe child", c, w_, st); }
    c = fork();
    if (c == 0) {
        char *args[] = {argv[0], "exec-child", "255", NULL};
        execv(argv[0], args);
        _exit(1);
    }
    { pid_t w_ = waitpid(c, &st, 0); report("execv argv[0] child", c, w_, st); }
    close(5);
    close(6);

    char *noargs[] = {"x", NULL};
    SHOW("execve missing file", execve("./does-not-exist", noargs, environ));
    int fd = open("plain.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (write(fd, "text\n", 5) != 5) printf("write failed\n");
    close(fd);
    SHOW("execve a non-executable file", execve("./plain.txt", noargs, environ));
    chmod("plain.txt", 0755);
    SHOW("execve an executable non-ELF file without #!", execve("./plain.txt", noargs, environ));
    SHOW("execve a directory", execve(".", noargs, environ));
    SHOW("execve bad path pointer", execve(bad_ptr(1), noargs, environ));
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "exec-child") == 0) return exec_child(argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);
    ids();
    proc_files(argc, argv);
    forks(argv);
    printf("exiting with status 3\n");
    exit(3);
}
