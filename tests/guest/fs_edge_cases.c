/* Edge cases of the file-system system calls, through raw syscall() with the i386 kernel layouts:
 * EFAULT for bad pointers and the kernel's error order around them (EBADF/ENOTTY/ENOENT/EINVAL
 * before EFAULT), ENAMETOOLONG versus EFAULT for path strings, _llseek results and the 32-bit
 * lseek past 4 GiB, O_LARGEFILE in F_GETFL, getdents64/getdents listings (sorted) with partly
 * writable buffers, telldir/seekdir, struct flock/flock64 and OFD locks (EOVERFLOW and clipping of
 * 32-bit F_GETLK), termios round trip on a pty, TIOCGWINSZ on /dev/null, fstatfs64 sanity,
 * utimensat then stat, statx against stat64, sendfile64/copy_file_range offsets.
 * Everything happens in the (empty, temporary) working directory; only stable values are printed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include "guest_util.h"

/* i386 kernel structures (arch/x86/include/uapi/asm/stat.h, asm-generic/fcntl.h, statfs.h,
 * termbits.h). */
struct kstat64 {
    unsigned long long st_dev;
    unsigned char pad0[4];
    unsigned int st_ino32, st_mode, st_nlink, st_uid, st_gid;
    unsigned long long st_rdev;
    unsigned char pad3[4];
    long long st_size;
    unsigned int st_blksize;
    unsigned long long st_blocks;
    unsigned int st_atime_, st_atime_nsec, st_mtime_, st_mtime_nsec, st_ctime_, st_ctime_nsec;
    unsigned long long st_ino;
} __attribute__((packed, aligned(4)));
_Static_assert(sizeof(struct kstat64) == 96, "stat64");
struct kflock {
    short l_type, l_whence;
    int l_start, l_len, l_pid;
};
struct kflock64 {
    short l_type, l_whence;
    long long l_start, l_len;
    int l_pid;
} __attribute__((packed, aligned(4)));
_Static_assert(sizeof(struct kflock64) == 24, "flock64");
struct kstatfs64 {
    unsigned int f_type, f_bsize;
    unsigned long long f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int f_fsid[2];
    unsigned int f_namelen, f_frsize, f_flags, f_spare[4];
} __attribute__((packed, aligned(4)));
_Static_assert(sizeof(struct kstatfs64) == 84, "statfs64");
struct ktermios {
    unsigned int c_iflag, c_oflag, c_cflag, c_lflag;
    unsigned char c_line, c_cc[19];
};
_Static_assert(sizeof(struct ktermios) == 36, "termios");
struct kwinsize {
    unsigned short row, col, xpixel, ypixel;
};

#define K_F_GETLK64 12
#define K_F_SETLK64 13

static void put_file(const char *name, const char *content)
{
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content))
        printf("put_file %s failed\n", name);
    close(fd);
}

/* A two-page mapping whose second page is inaccessible: guest memory ending at a page edge. */
static char *edge_pages(void)
{
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(m + 4096, 4096, PROT_NONE);
    return m;
}

static void efaults(void)
{
    printf("== bad pointers and the error order around them\n");
    put_file("e.txt", "data");
    if (symlink("e.txt", "e.lnk") != 0) printf("symlink failed\n");
    int fd = open("e.txt", O_RDWR);
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    SHOW("stat64 bad buffer", syscall(SYS_stat64, "e.txt", bad_ptr(1)));
    SHOW("stat64 missing file, bad buffer (ENOENT first)", syscall(SYS_stat64, "nope", bad_ptr(1)));
    SHOW("stat64 bad path", syscall(SYS_stat64, bad_ptr(1), bad_ptr(1)));
    SHOW("lstat64 read-only buffer", syscall(SYS_lstat64, "e.lnk", (void *)"constant string constant string constant string constant string constant string constant string"));
    SHOW("fstat64 bad fd, bad buffer (EBADF first)", syscall(SYS_fstat64, 99, bad_ptr(1)));
    SHOW("old fstat bad buffer", syscall(SYS_fstat, fd, bad_ptr(1)));
    SHOW("open bad path", syscall(SYS_open, bad_ptr(1), O_RDONLY));
    SHOW("openat bad path, bad dirfd", syscall(SYS_openat, 99, bad_ptr(1), O_RDONLY));
    SHOW("getdents64 bad buffer", syscall(SYS_getdents64, dfd, bad_ptr(1), 4096));
    SHOW("getdents64 bad buffer on a file (ENOTDIR first)", syscall(SYS_getdents64, fd, bad_ptr(1), 4096));
    SHOW("readlink bad buffer", syscall(SYS_readlink, "e.lnk", bad_ptr(1), 10));
    SHOW("readlink non-link, bad buffer (EINVAL first)", syscall(SYS_readlink, "e.txt", bad_ptr(1), 10));
    SHOW("readlink size 0", syscall(SYS_readlink, "e.lnk", bad_ptr(1), 0));
    SHOW("fcntl64 F_GETLK bad pointer", syscall(SYS_fcntl64, fd, F_GETLK, bad_ptr(1)));
    SHOW("fcntl64 F_GETLK bad fd, bad pointer (EBADF first)", syscall(SYS_fcntl64, 99, F_GETLK, bad_ptr(1)));
    SHOW("fcntl64 F_GETLK64 bad pointer", syscall(SYS_fcntl64, fd, K_F_GETLK64, bad_ptr(1)));
    /* fcntl (55) is compat_sys_fcntl64 for i386 on x86-64: it takes flock64 commands too */
    SHOW("fcntl F_GETLK64 bad pointer", syscall(SYS_fcntl, fd, K_F_GETLK64, bad_ptr(1)));
    SHOW("fcntl F_OFD_GETLK bad pointer", syscall(SYS_fcntl, fd, F_OFD_GETLK, bad_ptr(1)));
    SHOW("statx reserved mask, bad path (EINVAL first)", syscall(SYS_statx, AT_FDCWD, bad_ptr(1), 0, 0x80000000u, bad_ptr(1)));
    SHOW("renameat2 bad flags, bad path (EINVAL first)", syscall(SYS_renameat2, AT_FDCWD, bad_ptr(1), AT_FDCWD, "x", 0x700));
    SHOW("getcwd bad buffer", syscall(SYS_getcwd, bad_ptr(1), 4096));
    SHOW("getcwd size 1", syscall(SYS_getcwd, bad_ptr(1), 1));
    int before = dup(0);
    close(before);
    SHOW("pipe bad pointer", syscall(SYS_pipe, bad_ptr(1)));
    int after = dup(0);
    close(after);
    printf("  no descriptor leaked: %s\n", yesno(before == after));
    SHOW("utimensat bad times", syscall(SYS_utimensat, AT_FDCWD, "e.txt", bad_ptr(1), 0));
    int tv_bad[4] = {0, 1000000, 0, 0};
    SHOW("utimes usec 1000000", syscall(SYS_utimes, "e.txt", tv_bad));
    SHOW("statfs64 bad buffer", syscall(SYS_statfs64, ".", 84, bad_ptr(1)));
    SHOW("statfs64 size 88", syscall(SYS_statfs64, ".", 88, bad_ptr(1)));
    long long pos = 0;
    SHOW("sendfile64 bad offset pointer", syscall(SYS_sendfile64, fd, fd, bad_ptr(1), 4));
    SHOW("copy_file_range bad offset pointer", syscall(SYS_copy_file_range, fd, bad_ptr(1), fd, &pos, 4, 0));

    /* Path strings: one running into an inaccessible page is EFAULT; 4096 readable bytes without a
     * NUL are ENAMETOOLONG (fs/namei.c getname). */
    char *m = edge_pages();
    memset(m, 'a', 4096);
    SHOW("path running into a PROT_NONE page", syscall(SYS_open, m + 100, O_RDONLY));
    char *two = malloc(8192);
    memset(two, 'b', 8192);
    two[8191] = 0;
    SHOW("path of 8191 readable bytes", syscall(SYS_open, two, O_RDONLY));
    SHOW("  same for mkdir", syscall(SYS_mkdir, two, 0755));
    two[4095] = 0;
    SHOW("path of 4095 bytes (legal length, name too long)", syscall(SYS_open, two, O_RDONLY));
    memset(two, 0, 8192);
    for (int i = 0; i + 2 < 4094; i += 2) memcpy(two + i, "./", 2);
    SHOW("path of 4092 bytes of ./", syscall(SYS_stat64, two, bad_ptr(1)));
    free(two);
    munmap(m, 8192);
    close(fd);
    close(dfd);
}

static void seeks(void)
{
    printf("== lseek/_llseek, O_LARGEFILE\n");
    int fd = (int)syscall(SYS_open, "s.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    printf("open without O_LARGEFILE: F_GETFL has O_LARGEFILE: %s\n", yesno(fcntl(fd, F_GETFL) & 0100000));
    int lf = (int)syscall(SYS_open, "s.txt", O_RDWR | 0100000);
    printf("open with O_LARGEFILE: %s\n", yesno(fcntl(lf, F_GETFL) & 0100000));
    int at = (int)syscall(SYS_openat, AT_FDCWD, "s.txt", O_RDONLY);
    printf("openat without: %s\n", yesno(fcntl(at, F_GETFL) & 0100000));
    int cr = (int)syscall(SYS_creat, "s2.txt", 0600);
    printf("creat: %s\n", yesno(fcntl(cr, F_GETFL) & 0100000));
    int p[2];
    if (pipe(p) == 0) printf("pipe: %s\n", yesno(fcntl(p[0], F_GETFL) & 0100000));
    close(p[0]);
    close(p[1]);
    close(at);
    close(cr);

    unsigned long long res = 0;
    SHOW("_llseek to 5GiB", syscall(SYS__llseek, fd, 1UL, 0x40000000UL, &res, SEEK_SET));
    printf("  result %#llx\n", res);
    SHOW("32-bit lseek CUR there (the low half)", syscall(SYS_lseek, fd, 0, SEEK_CUR));
    SHOW("_llseek END", syscall(SYS__llseek, fd, 0UL, 0UL, &res, SEEK_END));
    printf("  result %llu\n", res);
    SHOW("_llseek negative", syscall(SYS__llseek, fd, 0xffffffffUL, 0xfffffff0UL, &res, SEEK_SET));
    SHOW("_llseek whence 9", syscall(SYS__llseek, fd, 0UL, 0UL, &res, 9));
    SHOW("_llseek bad fd", syscall(SYS__llseek, 99, 0UL, 0UL, &res, SEEK_SET));
    SHOW("_llseek to 77, bad result pointer", syscall(SYS__llseek, fd, 0UL, 77UL, bad_ptr(1), SEEK_SET));
    SHOW("  position moved anyway", syscall(SYS_lseek, fd, 0, SEEK_CUR));
    SHOW("lseek -1 (sign-extended)", syscall(SYS_lseek, fd, -1, SEEK_SET));
    SHOW("lseek 0x7fffffff", syscall(SYS_lseek, fd, 0x7fffffff, SEEK_SET));
    SHOW("ftruncate 0x80000000 (sign-extended: negative)", syscall(SYS_ftruncate, lf, 0x80000000u));
    SHOW("truncate -1", syscall(SYS_truncate, "s.txt", -1));
    SHOW("fallocate 8192", syscall(SYS_fallocate, lf, 0, 0, 0, 8192, 0));
    struct kstat64 k;
    syscall(SYS_fstat64, lf, &k);
    printf("  size %lld\n", k.st_size);
    SHOW("fadvise64_64 DONTNEED", syscall(SYS_fadvise64_64, lf, 0, 0, 4096, 0, 4));
    SHOW("fadvise64_64 bad advice", syscall(SYS_fadvise64_64, lf, 0, 0, 4096, 0, 99));
    close(fd);
    close(lf);
}

struct ent {
    char name[64];
    int type;
};
static int cmp_ent(const void *a, const void *b) { return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name); }

static int collect64(const char *buf, long r, struct ent *ents, int n, int *offs_fit)
{
    for (long off = 0; off < r;) {
        unsigned short reclen;
        long long d_off;
        memcpy(&reclen, buf + off + 16, 2);
        memcpy(&d_off, buf + off + 8, 8);
        if ((unsigned long long)d_off > 0xffffffffu) *offs_fit = 0;
        if (n < 32) {
            snprintf(ents[n].name, sizeof ents[n].name, "%s", buf + off + 19);
            ents[n].type = (unsigned char)buf[off + 18];
            n++;
        }
        off += reclen;
    }
    return n;
}

static void print_ents(struct ent *ents, int n)
{
    qsort(ents, (size_t)n, sizeof ents[0], cmp_ent);
    for (int i = 0; i < n; i++) printf("  %s type=%d\n", ents[i].name, ents[i].type);
}

static void dirs(void)
{
    printf("== getdents64/getdents\n");
    mkdir("dd", 0755);
    put_file("dd/zeta", "z");
    put_file("dd/alpha", "a");
    put_file("dd/a-rather-long-file-name-to-vary-the-record-length", "l");
    mkdir("dd/sub", 0700);
    if (symlink("alpha", "dd/ln") != 0) printf("symlink failed\n");
    int fd = open("dd", O_RDONLY | O_DIRECTORY);
    struct ent ents[32];
    int n = 0, fit = 1;
    char buf[4096];

    /* A buffer whose writable part holds at least one record (the longest is 72 bytes) but not
     * all: the kernel returns what it could store, and nothing is lost for the next call. */
    char *m = edge_pages();
    char *tail = m + 4096 - 100;
    long r = syscall(SYS_getdents64, fd, tail, 4096);
    printf("getdents64 into 100 writable bytes: %s\n", r > 0 && r <= 100 ? "some records" : errname(errno));
    if (r > 0) {
        memcpy(buf, tail, (size_t)r);
        n = collect64(buf, r, ents, n, &fit);
    }
    SHOW("getdents64 into 0 writable bytes", syscall(SYS_getdents64, fd, m + 4096, 4096));
    for (;;) {
        r = syscall(SYS_getdents64, fd, buf, 128);
        if (r <= 0) break;
        n = collect64(buf, r, ents, n, &fit);
    }
    printf("getdents64 with 128-byte buffers, last: %s, d_off fits 32 bits: %s\n", r < 0 ? errname(errno) : "0", yesno(fit));
    print_ents(ents, n);
    SHOW("getdents64 at the end, bad buffer (0, no fault)", syscall(SYS_getdents64, fd, bad_ptr(1), 4096));
    SHOW("getdents64 count 0", (lseek(fd, 0, SEEK_SET), syscall(SYS_getdents64, fd, buf, 0)));
    SHOW("getdents64 count 8 (too small)", syscall(SYS_getdents64, fd, buf, 8));
    SHOW("getdents64 count 8, 4 writable bytes (EINVAL first)", syscall(SYS_getdents64, fd, m + 4092, 8));
    SHOW("getdents (old) count 8, 0 writable bytes (EINVAL first)", syscall(SYS_getdents, fd, m + 4096, 8));
    n = 0;
    r = syscall(SYS_getdents64, fd, tail + 60, 4096);
    printf("getdents64 into 40 writable bytes: %s\n", r < 0 ? errname(errno) : "some records");
    if (r > 0) {
        memcpy(buf, tail + 60, (size_t)r);
        n = collect64(buf, r, ents, n, &fit);
    }
    while ((r = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) n = collect64(buf, r, ents, n, &fit);
    printf("  then all records once more: %d\n", n);
    munmap(m, 8192);

    /* the old getdents: 32-bit d_ino/d_off, d_type in the last byte */
    lseek(fd, 0, SEEK_SET);
    n = 0;
    for (;;) {
        r = syscall(SYS_getdents, fd, buf, 100);
        if (r <= 0) break;
        for (long off = 0; off < r;) {
            unsigned short reclen;
            memcpy(&reclen, buf + off + 8, 2);
            if (n < 32) {
                snprintf(ents[n].name, sizeof ents[n].name, "%s", buf + off + 10);
                ents[n].type = (unsigned char)buf[off + reclen - 1];
                n++;
            }
            off += reclen;
        }
    }
    printf("getdents (old), last: %s\n", r < 0 ? errname(errno) : "0");
    print_ents(ents, n);
    close(fd);

    /* 32-bit readdir, telldir and seekdir (glibc's non-LFS readdir rejects cookies over 32 bits) */
    DIR *d = opendir("dd");
    struct dirent *e;
    errno = 0;
    e = readdir(d);
    e = readdir(d);
    long mark = telldir(d);
    char after_mark[64] = "";
    e = readdir(d);
    if (e) snprintf(after_mark, sizeof after_mark, "%.60s", e->d_name);
    int more = 0;
    while ((e = readdir(d)) != NULL) more++;
    printf("readdir: %d more after the third, errno %s\n", more, errname(errno));
    seekdir(d, mark);
    e = readdir(d);
    printf("seekdir back to the mark: same entry: %s\n", yesno(e && strcmp(e->d_name, after_mark) == 0));
    closedir(d);
}

static void locks(void)
{
    printf("== flock/flock64 and OFD locks\n");
    put_file("lk.txt", "0123456789");
    int a = open("lk.txt", O_RDWR);
    int b = open("lk.txt", O_RDWR);
    struct kflock64 l64 = {F_WRLCK, SEEK_SET, 0x100000000LL, 16, 0};
    SHOW("F_OFD_SETLK write lock at 4GiB on one description", syscall(SYS_fcntl64, a, F_OFD_SETLK, &l64));
    struct kflock64 q64 = {F_WRLCK, SEEK_SET, 0, 0, 12345};
    SHOW("F_OFD_GETLK with l_pid set", syscall(SYS_fcntl64, b, F_OFD_GETLK, &q64));
    q64.l_pid = 0;
    SHOW("F_OFD_GETLK from another description", syscall(SYS_fcntl64, b, F_OFD_GETLK, &q64));
    printf("  type=%d whence=%d start=%#llx len=%lld pid=%d\n", q64.l_type, q64.l_whence, q64.l_start, q64.l_len, q64.l_pid);
    q64 = (struct kflock64){F_RDLCK, SEEK_SET, 0, 0, 0};
    SHOW("F_GETLK64 (process lock query)", syscall(SYS_fcntl64, b, K_F_GETLK64, &q64));
    printf("  type=%d start=%#llx len=%lld pid=%d\n", q64.l_type, q64.l_start, q64.l_len, q64.l_pid);
    struct kflock q = {F_RDLCK, SEEK_SET, 0, 0, 0};
    SHOW("32-bit F_GETLK: the conflict starts past 2 GiB", syscall(SYS_fcntl64, b, F_GETLK, &q));
    l64 = (struct kflock64){F_UNLCK, SEEK_SET, 0x100000000LL, 16, 0};
    SHOW("F_OFD_SETLK unlock", syscall(SYS_fcntl64, a, F_OFD_SETLK, &l64));
    l64 = (struct kflock64){F_WRLCK, SEEK_SET, 10, 0x90000000LL, 0};
    SHOW("F_OFD_SETLK 10 + 0x90000000", syscall(SYS_fcntl64, a, F_OFD_SETLK, &l64));
    q = (struct kflock){F_WRLCK, SEEK_SET, 0, 0, 0};
    SHOW("32-bit F_GETLK: long conflict", syscall(SYS_fcntl, b, F_GETLK, &q));
    printf("  type=%d start=%d len=%#x (clipped) pid=%d\n", q.l_type, q.l_start, q.l_len, q.l_pid);
    l64.l_type = F_UNLCK;
    syscall(SYS_fcntl64, a, F_OFD_SETLK, &l64);
    l64 = (struct kflock64){F_RDLCK, SEEK_SET, 100, 0, 0};
    SHOW("F_OFD_SETLK read lock 100..EOF", syscall(SYS_fcntl64, a, F_OFD_SETLK, &l64));
    q = (struct kflock){F_WRLCK, SEEK_SET, 0, 0, 0};
    SHOW("32-bit F_GETLK", syscall(SYS_fcntl, b, F_GETLK, &q));
    printf("  type=%d start=%d len=%d\n", q.l_type, q.l_start, q.l_len);
    q = (struct kflock){F_RDLCK, SEEK_SET, 0, 0, 0};
    SHOW("32-bit F_GETLK read vs read", syscall(SYS_fcntl, b, F_GETLK, &q));
    printf("  type=%d (F_UNLCK=%d)\n", q.l_type, F_UNLCK);
    struct kflock s = {F_WRLCK, SEEK_SET, 0, 50, 0};
    SHOW("32-bit F_SETLK on the free part", syscall(SYS_fcntl, b, F_SETLK, &s));
    s = (struct kflock){F_WRLCK, SEEK_SET, 0, 200, 0};
    SHOW("32-bit F_SETLK over the OFD read lock", syscall(SYS_fcntl, b, F_SETLK, &s));
    l64 = (struct kflock64){F_WRLCK, SEEK_SET, 0, 10, 0};
    SHOW("F_OFD_SETLK over the process lock", syscall(SYS_fcntl64, a, F_OFD_SETLK, &l64));
    l64 = (struct kflock64){F_WRLCK, SEEK_SET, 0, 10, 0};
    SHOW("F_SETLK64 from the same process (no conflict)", syscall(SYS_fcntl64, a, K_F_SETLK64, &l64));
    s = (struct kflock){F_WRLCK, 7, 0, 0, 0};
    SHOW("F_SETLK bad whence", syscall(SYS_fcntl, b, F_SETLK, &s));
    SHOW("unknown fcntl command", syscall(SYS_fcntl64, a, 4321, 0));
    SHOW("unknown fcntl command, bad fd", syscall(SYS_fcntl64, 99, 4321, 0));
    SHOW("F_SETFD/F_GETFD", (syscall(SYS_fcntl64, a, F_SETFD, FD_CLOEXEC), syscall(SYS_fcntl64, a, F_GETFD)));
    SHOW("FIONCLEX", (syscall(SYS_ioctl, a, FIONCLEX), syscall(SYS_fcntl64, a, F_GETFD)));
    SHOW("FIOCLEX", (syscall(SYS_ioctl, a, FIOCLEX), syscall(SYS_fcntl64, a, F_GETFD)));
    SHOW("close_range(b, b, CLOEXEC)", syscall(SYS_close_range, b, b, 4));
    SHOW("  F_GETFD", syscall(SYS_fcntl64, b, F_GETFD));
    SHOW("F_GETOWN_EX", syscall(SYS_fcntl64, a, 16, bad_ptr(1)));
    close(a);
    close(b);
}

static void terminals(void)
{
    printf("== ioctl: terminals\n");
    struct kwinsize ws;
    int null = open("/dev/null", O_RDWR);
    SHOW("TIOCGWINSZ on /dev/null", syscall(SYS_ioctl, null, TIOCGWINSZ, &ws));
    SHOW("TCGETS on /dev/null, bad pointer (ENOTTY first)", syscall(SYS_ioctl, null, TCGETS, bad_ptr(1)));
    SHOW("TCGETS bad fd", syscall(SYS_ioctl, 99, TCGETS, bad_ptr(1)));
    SHOW("unknown request on a file", syscall(SYS_ioctl, null, 0x1234, 0));
    close(null);

    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0) {
        printf("no pty: %s\n", errname(errno));
        return;
    }
    SHOW("grantpt", grantpt(m));
    SHOW("unlockpt", unlockpt(m));
    const char *name = ptsname(m);
    printf("ptsname under /dev/pts/: %s\n", yesno(name && strncmp(name, "/dev/pts/", 9) == 0));
    unsigned ptn = 0;
    SHOW("TIOCGPTN", syscall(SYS_ioctl, m, TIOCGPTN, &ptn));
    char expect[32];
    snprintf(expect, sizeof expect, "/dev/pts/%u", ptn);
    printf("  matches ptsname: %s\n", yesno(name && strcmp(name, expect) == 0));
    int lock = 1;
    SHOW("TIOCSPTLCK 1", syscall(SYS_ioctl, m, TIOCSPTLCK, &lock));
    SHOW("open the locked slave", open(name, O_RDWR | O_NOCTTY));
    lock = 0;
    SHOW("TIOCSPTLCK 0", syscall(SYS_ioctl, m, TIOCSPTLCK, &lock));
    int s = open(name, O_RDWR | O_NOCTTY);
    printf("open slave: %s\n", s >= 0 ? "ok" : errname(errno));

    struct ktermios t, t2;
    memset(&t, 0, sizeof t);
    SHOW("TCGETS", syscall(SYS_ioctl, s, TCGETS, &t));
    printf("  ICANON %s ECHO %s VMIN %d VEOF %d\n", yesno(t.c_lflag & ICANON), yesno(t.c_lflag & ECHO), t.c_cc[VMIN], t.c_cc[VEOF]);
    t.c_lflag &= ~(unsigned)(ECHO | ICANON);
    t.c_cc[VMIN] = 3;
    t.c_cc[VTIME] = 7;
    SHOW("TCSETS (raw, VMIN 3, VTIME 7)", syscall(SYS_ioctl, s, TCSETS, &t));
    memset(&t2, 0xee, sizeof t2);
    SHOW("TCGETS again", syscall(SYS_ioctl, s, TCGETS, &t2));
    printf("  round trip identical: %s, ICANON %s VMIN %d VTIME %d\n", yesno(memcmp(&t, &t2, sizeof t) == 0),
           yesno(t2.c_lflag & ICANON), t2.c_cc[VMIN], t2.c_cc[VTIME]);
    struct termios gt;
    SHOW("tcgetattr (glibc) agrees", tcgetattr(s, &gt) == 0 && gt.c_cc[VMIN] == 3 ? 0 : -1);
    SHOW("TCSETSW", syscall(SYS_ioctl, s, TCSETSW, &t));
    SHOW("TCSETSF", syscall(SYS_ioctl, s, TCSETSF, &t));
    SHOW("TCSETS bad pointer", syscall(SYS_ioctl, s, TCSETS, bad_ptr(1)));
    SHOW("TCGETS read-only buffer", syscall(SYS_ioctl, s, TCGETS, (void *)"constant string constant string constant"));

    struct kwinsize set = {24, 80, 0, 0};
    SHOW("TIOCSWINSZ 24x80 on the master", syscall(SYS_ioctl, m, TIOCSWINSZ, &set));
    memset(&ws, 0, sizeof ws);
    SHOW("TIOCGWINSZ on the slave", syscall(SYS_ioctl, s, TIOCGWINSZ, &ws));
    printf("  %ux%u\n", ws.row, ws.col);
    SHOW("write 5 bytes to the master", write(m, "hello", 5));
    struct pollfd pf = {s, POLLIN, 0};
    SHOW("poll the slave", poll(&pf, 1, 2000));
    int avail = -1;
    SHOW("FIONREAD on the slave", syscall(SYS_ioctl, s, FIONREAD, &avail));
    printf("  %d bytes\n", avail);
    SHOW("TCFLSH TCIFLUSH", syscall(SYS_ioctl, s, TCFLSH, TCIFLUSH));
    SHOW("FIONREAD after the flush", (syscall(SYS_ioctl, s, FIONREAD, &avail), avail));
    SHOW("TCXONC TCOON", syscall(SYS_ioctl, s, TCXONC, TCOON));
    SHOW("TCSBRK 1 (drain)", syscall(SYS_ioctl, s, TCSBRK, 1));
    pid_t pg;
    SHOW("TIOCGPGRP (not our controlling tty)", syscall(SYS_ioctl, s, TIOCGPGRP, &pg));
    SHOW("TIOCGSID (not our controlling tty)", syscall(SYS_ioctl, s, TIOCGSID, &pg));
    int on = 1;
    SHOW("FIONBIO 1", syscall(SYS_ioctl, s, FIONBIO, &on));
    printf("  O_NONBLOCK: %s\n", yesno(fcntl(s, F_GETFL) & O_NONBLOCK));
    char c;
    SHOW("read empty nonblocking slave", read(s, &c, 1));
    close(s);
    close(m);
}

static void files(void)
{
    printf("== statfs64, utimensat, statx vs stat64, sendfile64, copy_file_range\n");
    struct kstatfs64 a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0xcc, sizeof b);
    int fd = open(".", O_RDONLY);
    SHOW("fstatfs64", syscall(SYS_fstatfs64, fd, sizeof b, &b));
    SHOW("statfs64", syscall(SYS_statfs64, ".", sizeof a, &a));
    printf("  type equal %s bsize>0 %s frsize==bsize %s bfree<=blocks %s bavail<=bfree %s namelen %u spare zero %s\n",
           yesno(a.f_type == b.f_type), yesno(b.f_bsize > 0), yesno(b.f_frsize == b.f_bsize), yesno(b.f_bfree <= b.f_blocks),
           yesno(b.f_bavail <= b.f_bfree), b.f_namelen, yesno(!b.f_spare[0] && !b.f_spare[1] && !b.f_spare[2] && !b.f_spare[3]));
    SHOW("fstatfs64 size 0", syscall(SYS_fstatfs64, fd, 0, &b));
    SHOW("fstatfs64 bad fd", syscall(SYS_fstatfs64, 99, sizeof b, &b));
    unsigned int old[16];
    SHOWOK("old fstatfs", syscall(SYS_fstatfs, fd, old));
    printf("  type equal: %s\n", yesno(old[0] == b.f_type));
    close(fd);

    put_file("t.txt", "some text\n");
    int t32[4] = {1000000000, 111, 1200000000, 222222222};
    SHOW("utimensat (32-bit times)", syscall(SYS_utimensat, AT_FDCWD, "t.txt", t32, 0));
    struct kstat64 k;
    memset(&k, 0xdd, sizeof k);
    SHOW("stat64", syscall(SYS_stat64, "t.txt", &k));
    printf("  atime %u.%09u mtime %u.%09u, padding untouched: %s\n", k.st_atime_, k.st_atime_nsec, k.st_mtime_, k.st_mtime_nsec,
           yesno(k.pad0[0] == 0xdd && k.pad3[3] == 0xdd));
    int omit[4] = {0, UTIME_OMIT, 1300000000, 5};
    SHOW("utimensat atime OMIT", syscall(SYS_utimensat, AT_FDCWD, "t.txt", omit, 0));
    syscall(SYS_stat64, "t.txt", &k);
    printf("  atime %u mtime %u.%09u\n", k.st_atime_, k.st_mtime_, k.st_mtime_nsec);
    int now[4] = {0, UTIME_NOW, 0, UTIME_OMIT};
    SHOW("utimensat atime NOW", syscall(SYS_utimensat, AT_FDCWD, "t.txt", now, 0));
    syscall(SYS_stat64, "t.txt", &k);
    printf("  atime recent %s mtime %u\n", yesno(k.st_atime_ > 1600000000u), k.st_mtime_);
    int nofollow_t[4] = {1400000000, 0, 1400000001, 0};
    if (symlink("t.txt", "t.lnk") != 0) printf("symlink failed\n");
    SHOW("utimensat AT_SYMLINK_NOFOLLOW on a link", syscall(SYS_utimensat, AT_FDCWD, "t.lnk", nofollow_t, AT_SYMLINK_NOFOLLOW));
    syscall(SYS_lstat64, "t.lnk", &k);
    printf("  link mtime %u\n", k.st_mtime_);
    fd = open("t.txt", O_RDWR);
    SHOW("utimensat(fd, NULL) (futimens)", syscall(SYS_utimensat, fd, NULL, nofollow_t, 0));
    SHOW("utimensat(AT_FDCWD, NULL)", syscall(SYS_utimensat, AT_FDCWD, NULL, nofollow_t, 0));
    long long t64[4] = {0x100000010LL, 3, 1500000000, 0x500000007LL};
    SHOW("utimensat_time64 (nsec upper half ignored)", syscall(SYS_utimensat_time64, AT_FDCWD, "t.txt", t64, 0));
    struct statx sx;
    syscall(SYS_statx, AT_FDCWD, "t.txt", 0, STATX_ALL, &sx);
    printf("  statx atime %lld.%u mtime %lld.%u\n", (long long)sx.stx_atime.tv_sec, sx.stx_atime.tv_nsec,
           (long long)sx.stx_mtime.tv_sec, sx.stx_mtime.tv_nsec);

    memset(&sx, 0, sizeof sx);
    SHOW("statx", syscall(SYS_statx, AT_FDCWD, "t.txt", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &sx));
    syscall(SYS_fstat64, fd, &k);
    unsigned major = (unsigned)((k.st_dev >> 8) & 0xfff), minor = (unsigned)((k.st_dev & 0xff) | ((k.st_dev >> 12) & 0xfff00));
    printf("  mode %s nlink %s uid %s gid %s size %s ino %s ino32 %s blocks %s blksize %s dev %s mtime %s\n",
           yesno(sx.stx_mode == k.st_mode), yesno(sx.stx_nlink == k.st_nlink), yesno(sx.stx_uid == k.st_uid),
           yesno(sx.stx_gid == k.st_gid), yesno((long long)sx.stx_size == k.st_size), yesno(sx.stx_ino == k.st_ino),
           yesno(k.st_ino32 == (unsigned)k.st_ino), yesno(sx.stx_blocks == k.st_blocks), yesno(sx.stx_blksize == k.st_blksize),
           yesno(sx.stx_dev_major == major && sx.stx_dev_minor == minor),
           yesno(sx.stx_mtime.tv_sec == k.st_mtime_ && sx.stx_mtime.tv_nsec == k.st_mtime_nsec));
    printf("  basic stats in mask: %s\n", yesno((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS));
    SHOW("statx(fd, NULL, AT_EMPTY_PATH)", syscall(SYS_statx, fd, NULL, AT_EMPTY_PATH, STATX_SIZE, &sx));
    printf("  size %llu\n", (unsigned long long)sx.stx_size);
    SHOW("fstatat64(fd, \"\", AT_EMPTY_PATH)", syscall(SYS_fstatat64, fd, "", &k, AT_EMPTY_PATH));
    printf("  size %lld\n", k.st_size);
    SHOW("statx bad buffer", syscall(SYS_statx, AT_FDCWD, "t.txt", 0, STATX_SIZE, bad_ptr(1)));

    int out = open("copy.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    long long off = 5;
    SHOW("sendfile64 from offset 5", syscall(SYS_sendfile64, out, fd, &off, 100));
    printf("  offset now %lld, file position %ld\n", off, (long)lseek(fd, 0, SEEK_CUR));
    int off32 = 2;
    SHOW("sendfile (32-bit offset) from 2, 3 bytes", syscall(SYS_sendfile, out, fd, &off32, 3));
    printf("  offset now %d\n", off32);
    long long in_off = 0, out_off = 100;
    SHOW("copy_file_range 4 bytes to offset 100", syscall(SYS_copy_file_range, fd, &in_off, out, &out_off, 4, 0));
    printf("  offsets %lld %lld\n", in_off, out_off);
    syscall(SYS_fstat64, out, &k);
    printf("  copy size %lld\n", k.st_size);
    char got[16] = "";
    SHOW("pread", pread(out, got, 8, 0));
    for (int i = 0; i < 8; i++)
        if (got[i] == '\n') got[i] = '|';
    printf("  '%.8s'\n", got);
    close(out);
    close(fd);

    /* 16-bit ids: 0xffff is -1, unchanged */
    SHOW("chown (16-bit) -1 -1", syscall(SYS_chown, "t.txt", 0xffff, 0xffff));
    SHOW("lchown (16-bit) -1 -1 on a link", syscall(SYS_lchown, "t.lnk", 0xffff, 0xffff));
    SHOW("fchmodat 0600", syscall(SYS_fchmodat, AT_FDCWD, "t.txt", 0600));
    struct kstat64 k2;
    syscall(SYS_stat64, "t.txt", &k2);
    printf("  perm %04o\n", k2.st_mode & 07777);
    SHOW("old stat", syscall(SYS_stat, "t.txt", bad_ptr(1)));
    int big = open("big.txt", O_RDWR | O_CREAT | O_LARGEFILE, 0644);
    syscall(SYS_ftruncate64, big, 0x80000000u, 0u);
    unsigned int ost[16];
    SHOW("old stat of a 2 GiB file", syscall(SYS_stat, "big.txt", ost));
    SHOW("old fstat of it", syscall(SYS_fstat, big, ost));
    SHOW("open it without O_LARGEFILE", syscall(SYS_open, "big.txt", O_RDONLY));
    close(big);
    unlink("big.txt");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    efaults();
    seeks();
    dirs();
    locks();
    terminals();
    files();
    return 0;
}
