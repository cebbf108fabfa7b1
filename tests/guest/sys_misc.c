/* Miscellaneous system calls: uname, time, gettimeofday, clock_gettime (32- and 64-bit time,
 * several clocks), clock_getres, nanosleep, clock_nanosleep, getrandom, getrlimit/setrlimit/
 * ugetrlimit/prlimit64 and the old getrlimit, sysinfo, sched_yield and friends, personality,
 * and signal bookkeeping without delivering anything: rt_sigprocmask, rt_sigaction (install a
 * handler, read it back), the old sigaction/sigprocmask, sigpending, sigaltstack.
 * Times are printed only as sanity properties.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/personality.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>
#include "guest_util.h"

static int64_t ns(const struct timespec *t) { return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec; }

static void uname_time(void)
{
    printf("== uname and time\n");
    struct utsname u;
    SHOW("uname", uname(&u));
    printf("  sysname=%s release non-empty: %s machine non-empty: %s\n", u.sysname,
           yesno(u.release[0] != 0), yesno(u.machine[0] != 0));
    SHOW("uname bad pointer", syscall(SYS_uname, bad_ptr(1)));

    time_t t1 = time(NULL);
    struct timeval tv;
    struct timezone tz;
    SHOW("gettimeofday", gettimeofday(&tv, &tz));
    printf("  time() and gettimeofday within 2s: %s, usec < 1e6: %s, after 2020: %s\n",
           yesno(tv.tv_sec - t1 <= 2 && tv.tv_sec >= t1), yesno(tv.tv_usec >= 0 && tv.tv_usec < 1000000),
           yesno(t1 > 1577836800));
    long raw_t = syscall(SYS_time, NULL);
    printf("  raw time syscall close to time(): %s\n", yesno(raw_t - t1 >= 0 && raw_t - t1 <= 2));
    int32_t tout = 0;
    syscall(SYS_time, &tout);
    printf("  raw time stores through its pointer: %s\n", yesno(tout - t1 >= 0 && tout - t1 <= 2));
    struct { int32_t sec, usec; } rtv;
    SHOW("raw gettimeofday", syscall(SYS_gettimeofday, &rtv, NULL));
    printf("  agrees with time(): %s\n", yesno(rtv.sec - t1 >= 0 && rtv.sec - t1 <= 2));

    static const struct { clockid_t id; const char *name; } clocks[] = {
        {CLOCK_REALTIME, "REALTIME"}, {CLOCK_MONOTONIC, "MONOTONIC"},
        {CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME"}, {CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME"},
        {CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW"}, {CLOCK_REALTIME_COARSE, "REALTIME_COARSE"},
        {CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE"}, {CLOCK_BOOTTIME, "BOOTTIME"}};
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec a, b, res;
        int r1 = clock_gettime(clocks[i].id, &a);
        for (volatile int k = 0; k < 20000; k++) {
        }
        int r2 = clock_gettime(clocks[i].id, &b);
        int r3 = clock_getres(clocks[i].id, &res);
        printf("clock %-16s: gettime %s, non-decreasing %s, nsec valid %s, res %s (<= 10ms %s)\n",
               clocks[i].name, (r1 || r2) ? errname(errno) : "ok", yesno(ns(&b) >= ns(&a)),
               yesno(a.tv_nsec >= 0 && a.tv_nsec < 1000000000), r3 ? errname(errno) : "ok",
               yesno(ns(&res) > 0 && ns(&res) <= 10000000));
    }
    struct timespec ts;
    SHOW("clock_gettime bad clock", clock_gettime(12345, &ts));
    SHOW("raw clock_gettime bad pointer", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, bad_ptr(1)));
    struct { int32_t sec, nsec; } t32;
    struct { int64_t sec, nsec; } t64;
    SHOW("raw clock_gettime (32-bit)", syscall(SYS_clock_gettime, CLOCK_REALTIME, &t32));
    SHOW("raw clock_gettime64", syscall(SYS_clock_gettime64, CLOCK_REALTIME, &t64));
    printf("  64-bit and 32-bit realtime agree within 2s: %s\n", yesno(t64.sec - t32.sec >= 0 && t64.sec - t32.sec <= 2));
    SHOW("raw clock_getres (32-bit) NULL result", syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL));

    struct timespec before, after, req = {0, 2000000}, rem = {9, 9};
    clock_gettime(CLOCK_MONOTONIC, &before);
    SHOW("nanosleep 2ms", nanosleep(&req, &rem));
    clock_gettime(CLOCK_MONOTONIC, &after);
    printf("  slept >= 2ms: %s\n", yesno(ns(&after) - ns(&before) >= 2000000));
    req.tv_nsec = 1000000000;
    SHOW("nanosleep nsec out of range", nanosleep(&req, NULL));
    req.tv_sec = -1, req.tv_nsec = 0;
    SHOW("nanosleep negative", nanosleep(&req, NULL));
    struct timespec rel = {0, 1000000};
    clock_gettime(CLOCK_MONOTONIC, &before);
    int e = clock_nanosleep(CLOCK_MONOTONIC, 0, &rel, NULL);
    clock_gettime(CLOCK_MONOTONIC, &after);
    printf("clock_nanosleep relative 1ms: %s, slept >= 1ms: %s\n", e ? errname(e) : "ok",
           yesno(ns(&after) - ns(&before) >= 1000000));
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 1500000;
    if (abs.tv_nsec >= 1000000000) abs.tv_sec++, abs.tv_nsec -= 1000000000;
    e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
    clock_gettime(CLOCK_MONOTONIC, &after);
    printf("clock_nanosleep TIMER_ABSTIME: %s, woke after the target: %s\n", e ? errname(e) : "ok",
           yesno(ns(&after) >= ns(&abs)));
    e = clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &rel, NULL);
    printf("clock_nanosleep on THREAD_CPUTIME: %s\n", e ? errname(e) : "ok");
    struct { int32_t sec, nsec; } r32 = {0, 500000};
    SHOW("raw nanosleep (32-bit timespec) 0.5ms", syscall(SYS_nanosleep, &r32, NULL));
    struct tms tm;
    errno = 0;
    clock_t c = times(&tm);
    printf("times: %s\n", c == (clock_t)-1 ? errname(errno) : "ok");
}

static void random_limits(void)
{
    printf("== getrandom, rlimits, sysinfo, sched, personality\n");
    unsigned char buf[64];
    SHOW("getrandom 16", getrandom(buf, 16, 0));
    SHOW("getrandom 64 GRND_NONBLOCK", getrandom(buf, 64, GRND_NONBLOCK));
    SHOW("getrandom 0", getrandom(buf, 0, 0));
    SHOW("getrandom bad flags", getrandom(buf, 16, 0x7000));
    SHOW("getrandom bad buffer", syscall(SYS_getrandom, bad_ptr(1), 16, 0));

    struct rlimit rl, orig;
    getrlimit(RLIMIT_NOFILE, &orig);
    printf("RLIMIT_NOFILE soft <= hard: %s\n", yesno(orig.rlim_cur <= orig.rlim_max));
    rl.rlim_cur = 64;
    rl.rlim_max = orig.rlim_max;
    SHOW("setrlimit NOFILE soft=64", setrlimit(RLIMIT_NOFILE, &rl));
    getrlimit(RLIMIT_NOFILE, &rl);
    printf("  getrlimit soft=%lu\n", (unsigned long)rl.rlim_cur);
    struct { uint32_t cur, max; } ur;
    SHOW("raw ugetrlimit NOFILE", syscall(SYS_ugetrlimit, RLIMIT_NOFILE, &ur));
    printf("  soft=%u hard==getrlimit hard: %s\n", ur.cur, yesno(ur.max == (uint32_t)orig.rlim_max));
    struct { uint64_t cur, max; } r64, n64 = {48, 0};
    SHOW("raw prlimit64 get", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &r64));
    printf("  soft=%llu\n", (unsigned long long)r64.cur);
    n64.max = r64.max;
    SHOW("raw prlimit64 set soft=48, old returned", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &n64, &r64));
    printf("  old soft=%llu\n", (unsigned long long)r64.cur);
    getrlimit(RLIMIT_NOFILE, &rl);
    printf("  now soft=%lu\n", (unsigned long)rl.rlim_cur);
    rl.rlim_cur = rl.rlim_max + 1;
    SHOW("setrlimit soft > hard", setrlimit(RLIMIT_NOFILE, &rl));
    SHOW("getrlimit bad resource", getrlimit(1000, &rl));
    struct rlimit core = {0, 0};
    getrlimit(RLIMIT_CORE, &core);
    core.rlim_cur = 0;
    SHOW("setrlimit CORE soft=0", setrlimit(RLIMIT_CORE, &core));
    struct rlimit inf;
    getrlimit(RLIMIT_AS, &inf);
    printf("RLIMIT_AS soft is RLIM_INFINITY: %s\n", yesno(inf.rlim_cur == RLIM_INFINITY));
    SHOW("raw old getrlimit AS", syscall(SYS_getrlimit, RLIMIT_AS, &ur));
    printf("  old getrlimit clamps infinity to 0x7fffffff: %s\n",
           yesno(inf.rlim_cur != RLIM_INFINITY || ur.cur == 0x7fffffff));
    setrlimit(RLIMIT_NOFILE, &orig);

    struct sysinfo si;
    SHOW("sysinfo", sysinfo(&si));
    printf("  uptime>0 %s totalram>0 %s freeram<=totalram %s mem_unit>=1 %s procs>0 %s\n",
           yesno(si.uptime > 0), yesno(si.totalram > 0), yesno(si.freeram <= si.totalram),
           yesno(si.mem_unit >= 1), yesno(si.procs > 0));
    SHOW("sched_yield", sched_yield());
    SHOW("sched_getscheduler(0)", sched_getscheduler(0));
    SHOW("sched_get_priority_max(FIFO)", sched_get_priority_max(SCHED_FIFO));
    SHOW("sched_get_priority_min(FIFO)", sched_get_priority_min(SCHED_FIFO));
    cpu_set_t set;
    CPU_ZERO(&set);
    SHOW("sched_getaffinity", sched_getaffinity(0, sizeof set, &set) < 0 ? -1 : 0);
    printf("  at least one cpu: %s\n", yesno(CPU_COUNT(&set) >= 1));
    struct sched_param sp;
    SHOW("sched_getparam", sched_getparam(0, &sp));
    printf("  priority %d\n", sp.sched_priority);
    SHOW("personality query", personality(0xffffffff));
    SHOW("getpriority", getpriority(PRIO_PROCESS, 0) - getpriority(PRIO_PROCESS, 0));
}

static void handler(int sig) { (void)sig; }
static void handler2(int sig, siginfo_t *si, void *uc) { (void)sig, (void)si, (void)uc; }

static void print_set(const char *label, const sigset_t *s)
{
    printf("%s:", label);
    int any = 0;
    for (int i = 1; i < 65; i++)
        if (sigismember(s, i) == 1) printf(" %d", i), any = 1;
    printf("%s\n", any ? "" : " (empty)");
}

static void signals(void)
{
    printf("== signal masks and actions (nothing is delivered)\n");
    sigset_t s, old, cur;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGUSR2);
    sigaddset(&s, SIGKILL);
    sigaddset(&s, SIGSTOP);
    sigaddset(&s, SIGRTMIN + 3);
    SHOW("sigprocmask BLOCK usr1 usr2 kill stop rtmin+3", sigprocmask(SIG_BLOCK, &s, &old));
    print_set("  previous mask", &old);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    print_set("  mask now (KILL/STOP silently dropped)", &cur);
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    SHOW("sigprocmask UNBLOCK usr1", sigprocmask(SIG_UNBLOCK, &s, NULL));
    sigprocmask(SIG_BLOCK, NULL, &cur);
    print_set("  mask now", &cur);
    SHOW("sigprocmask SETMASK {TERM}", (sigemptyset(&s), sigaddset(&s, SIGTERM), sigprocmask(SIG_SETMASK, &s, NULL)));
    sigprocmask(SIG_BLOCK, NULL, &cur);
    print_set("  mask now", &cur);
    SHOW("sigprocmask bad how", sigprocmask(99, &s, NULL));
    SHOW("raw rt_sigprocmask wrong sigsetsize", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &s, NULL, 4));
    uint32_t oldmask = 0xffffffff, newmask = 1u << (SIGHUP - 1);
    SHOW("raw old sigprocmask BLOCK HUP", syscall(SYS_sigprocmask, SIG_BLOCK, &newmask, &oldmask));
    printf("  old (32-bit) mask %#x\n", oldmask);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    print_set("  mask now", &cur);
    sigset_t pend;
    SHOW("sigpending", sigpending(&pend));
    print_set("  pending", &pend);
    sigemptyset(&s);
    sigprocmask(SIG_SETMASK, &s, NULL);

    struct sigaction sa, back;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGRTMAX);
    SHOW("sigaction USR1 handler SA_RESTART mask {INT,RTMAX}", sigaction(SIGUSR1, &sa, NULL));
    memset(&back, 0, sizeof back);
    SHOW("sigaction read back", sigaction(SIGUSR1, NULL, &back));
    printf("  handler same: %s, flags & ~SA_RESTORER: %#x, restorer flag set: %s\n",
           yesno(back.sa_handler == handler), (unsigned)back.sa_flags & ~0x04000000u,
           yesno(back.sa_flags & 0x04000000));
    print_set("  mask", &back.sa_mask);
    sa.sa_sigaction = handler2;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESETHAND | SA_ONSTACK;
    SHOW("sigaction USR2 SA_SIGINFO|NODEFER|RESETHAND|ONSTACK", sigaction(SIGUSR2, &sa, &back));
    printf("  old handler was SIG_DFL: %s\n", yesno(back.sa_handler == SIG_DFL));
    sigaction(SIGUSR2, NULL, &back);
    printf("  sigaction same: %s, flags & ~SA_RESTORER: %#x\n", yesno(back.sa_sigaction == handler2),
           (unsigned)back.sa_flags & ~0x04000000u);
    SHOW("signal(SIGCHLD, SIG_IGN)", signal(SIGCHLD, SIG_IGN) == SIG_ERR ? -1 : 0);
    sigaction(SIGCHLD, NULL, &back);
    printf("  reads back SIG_IGN: %s\n", yesno(back.sa_handler == SIG_IGN));
    signal(SIGCHLD, SIG_DFL);
    SHOW("sigaction SIGKILL", sigaction(SIGKILL, &sa, NULL));
    SHOW("sigaction SIGSTOP", sigaction(SIGSTOP, &sa, NULL));
    SHOW("sigaction signal 0", sigaction(0, &sa, NULL));
    SHOW("sigaction signal 65", sigaction(65, &sa, NULL));
    SHOW("sigaction read SIGKILL (allowed)", sigaction(SIGKILL, NULL, &back));

    /* raw rt_sigaction with the kernel's i386 struct: handler, flags, restorer, mask[2] */
    struct { void *handler; uint32_t flags; void *restorer; uint32_t mask[2]; } k = {(void *)handler, 0x10000000u, (void *)0x12345678, {0x5, 0x80000000u}}, kb;
    SHOW("raw rt_sigaction set HUP", syscall(SYS_rt_sigaction, SIGHUP, &k, NULL, 8));
    memset(&kb, 0, sizeof kb);
    SHOW("raw rt_sigaction get HUP", syscall(SYS_rt_sigaction, SIGHUP, NULL, &kb, 8));
    printf("  handler same %s flags %#x restorer kept %s mask %#x %#x\n", yesno(kb.handler == (void *)handler),
           kb.flags, yesno(kb.restorer == (void *)0x12345678), kb.mask[0], kb.mask[1]);
    SHOW("raw rt_sigaction sigsetsize 4", syscall(SYS_rt_sigaction, SIGHUP, NULL, &kb, 4));
    SHOW("raw rt_sigaction bad act pointer", syscall(SYS_rt_sigaction, SIGHUP, bad_ptr(1), NULL, 8));
    /* the old i386 sigaction (syscall 67): handler, 32-bit mask, flags, restorer */
    struct { void *handler; uint32_t mask; uint32_t flags; void *restorer; } o = {(void *)handler, 0x6, 0x10000000u, (void *)0x1000}, ob;
    SHOW("raw old sigaction set QUIT", syscall(SYS_sigaction, SIGQUIT, &o, NULL));
    memset(&ob, 0, sizeof ob);
    SHOW("raw old sigaction get QUIT", syscall(SYS_sigaction, SIGQUIT, NULL, &ob));
    printf("  handler same %s mask %#x flags %#x\n", yesno(ob.handler == (void *)handler), ob.mask, ob.flags);
    signal(SIGHUP, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);

    static char altstack[16384];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0}, os;
    SHOW("sigaltstack set", sigaltstack(&ss, &os));
    printf("  previous: disabled %s\n", yesno(os.ss_flags & SS_DISABLE));
    SHOW("sigaltstack get", sigaltstack(NULL, &os));
    printf("  size %zu, same base %s, flags %d\n", os.ss_size, yesno(os.ss_sp == altstack), os.ss_flags);
    ss.ss_size = 100;
    SHOW("sigaltstack too small", sigaltstack(&ss, NULL));
    ss.ss_flags = SS_DISABLE;
    SHOW("sigaltstack disable", sigaltstack(&ss, NULL));
    sigaltstack(NULL, &os);
    printf("  disabled now %s\n", yesno(os.ss_flags & SS_DISABLE));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    uname_time();
    random_limits();
    signals();
    return 0;
}
