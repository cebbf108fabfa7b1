/* File-descriptor I/O system calls: open openat creat close read write readv writev pread64
 * pwrite64 lseek _llseek fcntl64 ioctl dup dup2 dup3 pipe pipe2 poll select fsync fdatasync,
 * through the glibc wrappers and, where glibc would pick a different call, raw syscall().
 * fd numbers are printed: the guest must see the lowest-free-descriptor rule exactly as natively
 * (fds 0-2 are open; nothing else is inherited from the test harness).
 * Expected failures print errno names: ENOENT EEXIST ENOTDIR EBADF EFAULT ESPIPE EINVAL ENOTTY
 * EAGAIN EPIPE EOVERFLOW.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include "guest_util.h"

static void basic_rw(void)
{
    printf("== open/read/write/lseek\n");
    int fd = open("a.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    printf("open a.txt: fd=%d\n", fd);
    SHOW("write 12", write(fd, "hello world\n", 12));
    SHOW("lseek SET 0", lseek(fd, 0, SEEK_SET));
    char buf[64];
    memset(buf, 0, sizeof buf);
    SHOW("read 5", read(fd, buf, 5));
    printf("  got '%s'\n", buf);
    SHOW("lseek CUR 0", lseek(fd, 0, SEEK_CUR));
    SHOW("read rest (ask 64)", read(fd, buf, 64));
    SHOW("read at EOF", read(fd, buf, 64));
    SHOW("lseek END -6", lseek(fd, -6, SEEK_END));
    memset(buf, 0, sizeof buf);
    SHOW("read 3", read(fd, buf, 3));
    printf("  got '%s'\n", buf);
    SHOW("lseek SET -1", lseek(fd, -1, SEEK_SET));
    SHOW("lseek whence 7", lseek(fd, 0, 7));
    SHOW("lseek past end 100", lseek(fd, 100, SEEK_SET));
    SHOW("write at 100 (hole)", write(fd, "X", 1));
    struct stat st;
    fstat(fd, &st);
    printf("  size after hole write: %lld\n", (long long)st.st_size);
    SHOW("pread 1 at 50 (in the hole)", pread(fd, buf, 1, 50));
    printf("  hole byte: %d\n", buf[0]);
    SHOW("write 0 bytes", write(fd, buf, 0));
    SHOW("read 0 bytes", read(fd, buf, 0));
    SHOW("close", close(fd));
    SHOW("close again", close(fd));
    SHOW("read closed fd", read(fd, buf, 1));

    fd = open("a.txt", O_WRONLY | O_APPEND);
    printf("open O_APPEND: fd=%d\n", fd);
    lseek(fd, 0, SEEK_SET);
    SHOW("append write", write(fd, "END", 3));
    SHOW("offset after append", lseek(fd, 0, SEEK_CUR));
    SHOW("read on O_WRONLY fd", read(fd, buf, 1));
    close(fd);
    SHOW("open O_EXCL existing", open("a.txt", O_CREAT | O_EXCL | O_RDWR, 0600));
    SHOW("open missing", open("missing.txt", O_RDONLY));
    SHOW("open O_DIRECTORY on file", open("a.txt", O_RDONLY | O_DIRECTORY));
    SHOW("open file/child", open("a.txt/x", O_RDONLY));
    SHOW("open empty path", open("", O_RDONLY));
    fd = open(".", O_RDONLY | O_DIRECTORY);
    printf("open . O_DIRECTORY: fd=%d\n", fd);
    SHOW("read on a directory", read(fd, buf, 1));
    SHOW("write to a dir opened O_RDONLY", write(fd, buf, 1));
    int fd2 = openat(fd, "a.txt", O_RDONLY);
    printf("openat(dirfd, a.txt): fd=%d\n", fd2);
    memset(buf, 0, sizeof buf);
    SHOW("read 64 via openat fd", read(fd2, buf, 64));
    for (int i = 0; i < 12; i++) if (buf[i] < 0x20) buf[i] = '_';
    printf("  content prefix '%.12s'\n", buf);
    close(fd2);
    fd2 = openat(AT_FDCWD, "a.txt", O_RDONLY | O_CLOEXEC);
    printf("openat(AT_FDCWD, O_CLOEXEC): fd=%d FD_CLOEXEC=%d\n", fd2, fcntl(fd2, F_GETFD) & FD_CLOEXEC);
    close(fd2);
    SHOW("openat(bad dirfd)", openat(99, "a.txt", O_RDONLY));
    fd2 = openat(99, "/dev/null", O_RDONLY);
    printf("openat(bad dirfd, absolute path): %s\n", fd2 >= 0 ? "ok" : errname(errno));
    close(fd2);
    close(fd);
    fd = creat("c.txt", 0600);
    printf("creat: fd=%d accmode=%d\n", fd, fcntl(fd, F_GETFL) & O_ACCMODE);
    SHOW("write via creat fd", write(fd, "abc", 3));
    close(fd);
    fd = creat("c.txt", 0600);
    fstat(fd, &st);
    printf("creat again truncates: size %lld\n", (long long)st.st_size);
    close(fd);
}

static void vectored(void)
{
    printf("== readv/writev/pread64/pwrite64\n");
    int fd = open("v.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct iovec iov[4] = {{"one ", 4}, {"", 0}, {"two ", 4}, {"three\n", 6}};
    SHOW("writev 4 iovecs (one empty)", writev(fd, iov, 4));
    lseek(fd, 0, SEEK_SET);
    char a[3], b[5], c[20];
    memset(c, 0, sizeof c);
    struct iovec r[3] = {{a, 3}, {b, 5}, {c, 20}};
    SHOW("readv into 3+5+20", readv(fd, r, 3));
    printf("  '%.3s' '%.5s' '%s'\n", a, b, c);
    SHOW("writev 0 iovecs", writev(fd, iov, 0));
    int minus1 = -1;
    SHOW("writev -1 iovecs", syscall(SYS_writev, fd, iov, minus1));
    struct iovec bad[1] = {{bad_ptr(1), 10}};
    SHOW("writev bad base", writev(fd, bad, 1));
    SHOW("readv bad iov pointer", readv(fd, bad_ptr(1), 1));
    SHOW("pwrite 'XY' at 4", pwrite(fd, "XY", 2, 4));
    SHOW("offset unchanged by pwrite", lseek(fd, 0, SEEK_CUR));
    memset(c, 0, sizeof c);
    SHOW("pread 8 at 2", pread(fd, c, 8, 2));
    printf("  '%s'\n", c);
    SHOW("pread at negative offset", pread(fd, c, 1, -1));
    /* 64-bit offsets.  Without O_LARGEFILE (glibc's 32-bit-off_t open) the kernel refuses to go
     * past 2 GiB - 1 (EFBIG); with it the 64-bit offset split into two registers must survive. */
    long long big = 0x140000000LL + 7; /* 5 GiB + 7 */
    errno = 0;
    ssize_t n = pwrite64(fd, "Z", 1, big);
    printf("pwrite64 at 5GiB+7 without O_LARGEFILE: %s\n", n == 1 ? "1" : errname(errno));
    int lf = open("v.txt", O_RDWR | O_LARGEFILE);
    errno = 0;
    n = pwrite64(lf, "Z", 1, big);
    printf("pwrite64 at 5GiB+7 with O_LARGEFILE: %s\n", n == 1 ? "1" : errname(errno));
    if (n == 1) {
        struct stat64 st;
        fstat64(lf, &st);
        printf("  size now %lld\n", (long long)st.st_size);
        struct stat st32;
        errno = 0;
        printf("  32-bit fstat of it: %s\n", fstat(lf, &st32) ? errname(errno) : "ok");
        c[0] = 0;
        SHOW("pread64 at 5GiB+7", pread64(lf, c, 4, big));
        printf("  byte '%c'\n", c[0]);
        /* raw _llseek: result through a 64-bit out pointer */
        long long res = -1;
        long r2 = syscall(SYS__llseek, lf, (unsigned long)(big >> 32), (unsigned long)big, &res, SEEK_SET);
        printf("_llseek to 5GiB+7: ret %ld result %lld\n", r2, res);
        r2 = syscall(SYS__llseek, lf, 0UL, 0UL, &res, SEEK_END);
        printf("_llseek END: ret %ld result %lld\n", r2, res);
        errno = 0;
        off_t o = lseek(lf, 0, SEEK_END);
        printf("glibc lseek (32-bit off_t) to 5GiB: %s\n", o < 0 ? errname(errno) : "no error");
        SHOW("ftruncate64 back to 20", ftruncate64(lf, 20));
    }
    close(lf);
    errno = 0;
    long r3 = syscall(SYS__llseek, fd, 0UL, 0UL, bad_ptr(1), SEEK_SET);
    printf("_llseek with bad result pointer: %s\n", r3 < 0 ? errname(errno) : "no error");
    close(fd);
}

static void fcntls(void)
{
    printf("== fcntl64\n");
    int fd = open("f.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int fl = fcntl(fd, F_GETFL);
    printf("F_GETFL (glibc open): accmode=%d append=%d nonblock=%d largefile=%d\n", fl & O_ACCMODE,
           !!(fl & O_APPEND), !!(fl & O_NONBLOCK), !!(fl & O_LARGEFILE));
    SHOW("F_SETFL APPEND|NONBLOCK", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
    fl = fcntl(fd, F_GETFL);
    printf("F_GETFL: accmode=%d append=%d nonblock=%d\n", fl & O_ACCMODE, !!(fl & O_APPEND),
           !!(fl & O_NONBLOCK));
    SHOW("F_SETFL 0", fcntl(fd, F_SETFL, 0));
    int raw = (int)syscall(SYS_open, "f.txt", O_RDONLY);
    fl = fcntl(raw, F_GETFL);
    printf("raw open without O_LARGEFILE: fd=%d largefile=%d\n", raw, !!(fl & O_LARGEFILE));
    close(raw);
    SHOW("F_GETFD", fcntl(fd, F_GETFD));
    SHOW("F_SETFD CLOEXEC", fcntl(fd, F_SETFD, FD_CLOEXEC));
    SHOW("F_GETFD", fcntl(fd, F_GETFD));
    SHOW("F_DUPFD >= 30", fcntl(fd, F_DUPFD, 30));
    SHOW("F_DUPFD >= 30 again", fcntl(fd, F_DUPFD, 30));
    SHOW("F_GETFD of the dup (no CLOEXEC)", fcntl(31, F_GETFD));
    SHOW("F_DUPFD_CLOEXEC >= 40", fcntl(fd, F_DUPFD_CLOEXEC, 40));
    SHOW("F_GETFD of it", fcntl(40, F_GETFD));
    close(30), close(31), close(40);
    SHOW("F_GETFL on bad fd", fcntl(77, F_GETFL));
    SHOW("bad command", fcntl(fd, 12345));
    /* record locks: our own lock never conflicts with ourselves */
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
    SHOW("F_SETLK write lock 0..9", fcntl(fd, F_SETLK, &lk));
    struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 5};
    SHOW("F_GETLK", fcntl(fd, F_GETLK, &q));
    printf("  l_type is F_UNLCK: %s\n", yesno(q.l_type == F_UNLCK));
    struct flock64 lk64 = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0x100000000LL, .l_len = 1};
    SHOW("F_SETLK64 at 4GiB", syscall(SYS_fcntl64, fd, F_SETLK64, &lk64));
    lk64.l_type = F_UNLCK;
    SHOW("F_SETLK64 unlock", syscall(SYS_fcntl64, fd, F_SETLK64, &lk64));
    close(fd);
}

static void ioctls(void)
{
    printf("== ioctl\n");
    int fd = open("/dev/null", O_RDWR);
    struct winsize ws;
    SHOW("TIOCGWINSZ on /dev/null", ioctl(fd, TIOCGWINSZ, &ws));
    int rf = open("a.txt", O_RDONLY);
    SHOW("TIOCGWINSZ on a regular file", ioctl(rf, TIOCGWINSZ, &ws));
    close(rf);
    SHOW("ioctl bad fd", ioctl(99, TIOCGWINSZ, &ws));
    int p[2];
    if (pipe(p) != 0) printf("pipe failed\n");
    if (write(p[1], "12345", 5) != 5) printf("write failed\n");
    int n = -1;
    SHOW("FIONREAD on pipe", ioctl(p[0], FIONREAD, &n));
    printf("  bytes available: %d\n", n);
    int on = 1;
    SHOW("FIONBIO on", ioctl(p[0], FIONBIO, &on));
    printf("  O_NONBLOCK now: %d\n", !!(fcntl(p[0], F_GETFL) & O_NONBLOCK));
    close(p[0]);
    close(p[1]);
    close(fd);
}

static void dups(void)
{
    printf("== dup/dup2/dup3\n");
    int fd = open("a.txt", O_RDONLY);
    printf("fd=%d\n", fd);
    SHOW("dup", dup(fd));
    SHOW("dup2(fd, 9)", dup2(fd, 9));
    SHOW("dup2(fd, fd)", dup2(fd, fd));
    SHOW("dup2(9, 9)", dup2(9, 9));
    SHOW("dup2(bad, 9)", dup2(88, 9));
    SHOW("dup2(fd, 9) over an open fd", dup2(fd, 9));
    SHOW("dup3(fd, 12, O_CLOEXEC)", dup3(fd, 12, O_CLOEXEC));
    SHOW("  FD_CLOEXEC of 12", fcntl(12, F_GETFD));
    SHOW("dup3(fd, fd, 0)", dup3(fd, fd, 0));
    SHOW("dup3 bad flags", dup3(fd, 13, 0x7777));
    SHOW("dup (lowest free after 3,4)", dup(fd));
    /* shared offset between dups */
    lseek(fd, 3, SEEK_SET);
    SHOW("offset seen through the dup", lseek(9, 0, SEEK_CUR));
    SHOW("dup2 to a huge fd", dup2(fd, 100000000));
    close(9), close(12);
    for (int i = 3; i < 8; i++) close(i);
    SHOW("dup of a closed fd", dup(fd));
}

static void pipes(void)
{
    printf("== pipe/pipe2/poll/select\n");
    int p[2];
    SHOW("pipe", pipe(p));
    printf("  fds %d %d\n", p[0], p[1]);
    SHOW("lseek on a pipe", lseek(p[0], 0, SEEK_SET));
    struct pollfd pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    SHOW("poll empty pipe (timeout 0)", poll(pf, 2, 0));
    printf("  revents read=%#x write=%#x\n", pf[0].revents, pf[1].revents);
    SHOW("write 7", write(p[1], "abcdefg", 7));
    pf[0].revents = pf[1].revents = 0;
    SHOW("poll with data", poll(pf, 2, 100));
    printf("  revents read=%#x write=%#x\n", pf[0].revents, pf[1].revents);
    fd_set rs, ws;
    FD_ZERO(&rs);
    FD_ZERO(&ws);
    FD_SET(p[0], &rs);
    FD_SET(p[1], &ws);
    struct timeval tv = {0, 0};
    SHOW("select readable+writable", select(p[1] + 1, &rs, &ws, NULL, &tv));
    printf("  read set: %d write set: %d\n", FD_ISSET(p[0], &rs), FD_ISSET(p[1], &ws));
    char buf[128] = {0};
    SHOW("read 3", read(p[0], buf, 3));
    SHOW("read 100 (gets the rest)", read(p[0], buf, 100));
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    tv.tv_sec = 0, tv.tv_usec = 1000;
    SHOW("select on empty pipe, 1ms", select(p[0] + 1, &rs, NULL, NULL, &tv));
    printf("  read set: %d\n", FD_ISSET(p[0], &rs));
    close(p[1]);
    pf[0].revents = 0;
    SHOW("poll after writer closed", poll(pf, 1, 0));
    printf("  revents=%#x (POLLHUP=%#x)\n", pf[0].revents, POLLHUP);
    SHOW("read at EOF", read(p[0], buf, 10));
    close(p[0]);
    struct pollfd nv = {77, POLLIN, 0};
    SHOW("poll on a bad fd", poll(&nv, 1, 0));
    printf("  revents=%#x (POLLNVAL=%#x)\n", nv.revents, POLLNVAL);
    SHOW("poll with bad pointer", poll(bad_ptr(1), 1, 0));

    SHOW("pipe2 O_NONBLOCK|O_CLOEXEC", pipe2(p, O_NONBLOCK | O_CLOEXEC));
    printf("  fds %d %d nonblock=%d cloexec=%d\n", p[0], p[1], !!(fcntl(p[0], F_GETFL) & O_NONBLOCK),
           fcntl(p[1], F_GETFD));
    SHOW("read empty nonblocking pipe", read(p[0], buf, 1));
    /* fill the pipe: a nonblocking writer gets EAGAIN once it is full */
    static char big[4096];
    long total = 0;
    for (;;) {
        ssize_t w = write(p[1], big, sizeof big);
        if (w < 0) {
            printf("  pipe filled with %ld bytes, then %s\n", total, errname(errno));
            break;
        }
        total += w;
        if (total > (1 << 24)) break;
    }
    close(p[0]);
    signal(SIGPIPE, SIG_IGN); /* ignored, not handled: write must fail with EPIPE */
    SHOW("write with no reader (SIGPIPE ignored)", write(p[1], "x", 1));
    close(p[1]);
    SHOW("pipe2 bad flags", pipe2(p, 0x7777));
    SHOW("pipe with bad pointer", pipe(bad_ptr(1)));
}

static void misc_fd(void)
{
    printf("== fsync/fdatasync, /dev files, stdin, EFAULT/EBADF\n");
    int fd = open("s.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (write(fd, "sync me", 7) != 7) printf("write failed\n");
    SHOW("fsync", fsync(fd));
    SHOW("fdatasync", fdatasync(fd));
    int p[2];
    if (pipe(p) != 0) printf("pipe failed\n");
    SHOW("fsync on a pipe", fsync(p[0]));
    close(p[0]);
    close(p[1]);
    char buf[16];
    memset(buf, 1, sizeof buf);
    int z = open("/dev/zero", O_RDONLY);
    SHOW("read /dev/zero 16", read(z, buf, 16));
    int allzero = 1;
    for (int i = 0; i < 16; i++) allzero &= buf[i] == 0;
    printf("  all zero: %s\n", yesno(allzero));
    close(z);
    int nul = open("/dev/null", O_WRONLY);
    SHOW("write /dev/null", write(nul, "gone", 4));
    close(nul);
    SHOW("read stdin (/dev/null)", read(0, buf, 16));
    lseek(fd, 0, SEEK_SET);
    SHOW("read into bad pointer at data", read(fd, bad_ptr(1), 10));
    SHOW("write from bad pointer", write(1, bad_ptr(1), 10));
    SHOW("write from bad pointer to file", write(fd, bad_ptr(0xfffff000), 10));
    SHOW("read from fd -1", read(-1, buf, 1));
    SHOW("write to fd 100", write(100, buf, 1));
    SHOW("close fd 100", close(100));
    SHOW("close fd -1", close(-1));
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    basic_rw();
    vectored();
    fcntls();
    ioctls();
    dups();
    pipes();
    misc_fd();
    return 0;
}
