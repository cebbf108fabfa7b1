/* File-system namespace system calls: mkdir mkdirat rmdir unlink unlinkat rename renameat
 * renameat2 link linkat symlink symlinkat readlink readlinkat chmod fchmod fchmodat chown/lchown/
 * fchown (16- and 32-bit uid forms) fchownat umask truncate64 ftruncate64 utime utimes utimensat
 * (32- and 64-bit time) access faccessat chdir fchdir getcwd mknodat statfs64, and the stat family
 * (stat lstat fstat old-style, stat64 lstat64 fstat64 fstatat64, statx) with raw kernel layouts,
 * getdents and getdents64 (names sorted before printing).  Everything happens inside the
 * (empty, temporary) working directory; only stable fields are printed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <utime.h>
#include "guest_util.h"

/* i386 kernel struct stat64 (arch/x86/include/uapi/asm/stat.h) */
struct kstat64 {
    unsigned long long st_dev;
    unsigned char pad0[4];
    unsigned int st_ino32;
    unsigned int st_mode;
    unsigned int st_nlink;
    unsigned int st_uid;
    unsigned int st_gid;
    unsigned long long st_rdev;
    unsigned char pad3[4];
    long long st_size;
    unsigned int st_blksize;
    unsigned long long st_blocks;
    unsigned int st_atime_, st_atime_nsec, st_mtime_, st_mtime_nsec, st_ctime_, st_ctime_nsec;
    unsigned long long st_ino;
};
_Static_assert(sizeof(struct kstat64) == 96, "kstat64 layout");
/* i386 kernel struct stat (the old one, syscalls 106/107/108) */
struct kstat {
    unsigned int st_dev, st_ino;
    unsigned short st_mode, st_nlink, st_uid, st_gid;
    unsigned int st_rdev, st_size, st_blksize, st_blocks;
    unsigned int st_atime_, st_atime_nsec, st_mtime_, st_mtime_nsec, st_ctime_, st_ctime_nsec;
    unsigned int unused4, unused5;
};
_Static_assert(sizeof(struct kstat) == 64, "kstat layout");

static const char *ftype(unsigned mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return "reg";
    case S_IFDIR: return "dir";
    case S_IFLNK: return "lnk";
    case S_IFIFO: return "fifo";
    case S_IFCHR: return "chr";
    case S_IFBLK: return "blk";
    case S_IFSOCK: return "sock";
    default: return "?";
    }
}

static void put_file(const char *name, const char *content)
{
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content))
        printf("put_file %s failed\n", name);
    close(fd);
}

static void show_stat(const char *label, const char *path)
{
    struct stat st;
    errno = 0;
    if (stat(path, &st) != 0) {
        printf("%s: %s\n", label, errname(errno));
        return;
    }
    /* directory sizes depend on the file system: print sizes of other files only */
    printf("%s: %s size=%lld perm=%04o nlink=%u own-uid=%s\n", label, ftype(st.st_mode),
           S_ISDIR(st.st_mode) ? -1LL : (long long)st.st_size, st.st_mode & 07777,
           (unsigned)st.st_nlink, yesno(st.st_uid == getuid()));
}

static void stat_family(void)
{
    printf("== stat family\n");
    put_file("st.txt", "0123456789abcdef\n");
    if (symlink("st.txt", "st.lnk") != 0) printf("symlink failed\n");
    mkdir("st.dir", 0755);
    struct kstat64 k, kl, kf, ka;
    int fd = open("st.txt", O_RDONLY);
    long r1 = syscall(SYS_stat64, "st.lnk", &k);
    long r2 = syscall(SYS_lstat64, "st.lnk", &kl);
    long r3 = syscall(SYS_fstat64, fd, &kf);
    long r4 = syscall(SYS_fstatat64, AT_FDCWD, "st.lnk", &ka, AT_SYMLINK_NOFOLLOW);
    printf("stat64(link):   %ld %s size=%lld perm=%04o nlink=%u\n", r1, ftype(k.st_mode), k.st_size, k.st_mode & 07777, k.st_nlink);
    printf("lstat64(link):  %ld %s size=%lld nlink=%u\n", r2, ftype(kl.st_mode), kl.st_size, kl.st_nlink);
    printf("fstat64(fd):    %ld %s size=%lld ino==stat64 ino: %s dev equal: %s ino32==low(ino): %s\n", r3,
           ftype(kf.st_mode), kf.st_size, yesno(kf.st_ino == k.st_ino), yesno(kf.st_dev == k.st_dev),
           yesno(kf.st_ino32 == (unsigned)kf.st_ino));
    printf("fstatat64(NOFOLLOW): %ld %s size=%lld\n", r4, ftype(ka.st_mode), ka.st_size);
    printf("uid/gid match getuid/getgid: %s %s, blksize>0: %s, blocks>=0: %s\n",
           yesno(k.st_uid == (unsigned)getuid()), yesno(k.st_gid == (unsigned)getgid()),
           yesno(k.st_blksize > 0), yesno((long long)k.st_blocks >= 0));
    struct kstat o;
    memset(&o, 0, sizeof o);
    errno = 0;
    long r5 = syscall(SYS_stat, "st.txt", &o);
    printf("old stat: %s %s size=%u nlink=%u\n", r5 ? errname(errno) : "ok", ftype(o.st_mode), o.st_size, o.st_nlink);
    r5 = syscall(SYS_fstat, fd, &o);
    printf("old fstat: %ld %s size=%u\n", r5, ftype(o.st_mode), o.st_size);
    r5 = syscall(SYS_lstat, "st.lnk", &o);
    printf("old lstat: %ld %s size=%u\n", r5, ftype(o.st_mode), o.st_size);
    struct statx sx;
    memset(&sx, 0, sizeof sx);
    errno = 0;
    int r6 = statx(AT_FDCWD, "st.txt", 0, STATX_BASIC_STATS, &sx);
    printf("statx: %s basic mask: %s %s size=%llu perm=%04o nlink=%u ino==stat64: %s\n",
           r6 ? errname(errno) : "ok", yesno((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS),
           ftype(sx.stx_mode), (unsigned long long)sx.stx_size, sx.stx_mode & 07777, sx.stx_nlink,
           yesno(sx.stx_ino == k.st_ino));
    r6 = statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx);
    printf("statx(fd, \"\", AT_EMPTY_PATH): %d size=%llu\n", r6, (unsigned long long)sx.stx_size);
    show_stat("stat(dir)", "st.dir");
    show_stat("stat(/dev/null)", "/dev/null");
    show_stat("stat(missing)", "nope");
    show_stat("stat(st.txt/x)", "st.txt/x");
    show_stat("stat(\"\")", "");
    struct stat st;
    SHOW("stat(bad pointer path)", stat(bad_ptr(1), &st));
    /* (glibc's stat converts from statx into the caller's buffer itself: use the raw calls) */
    SHOW("raw stat64 bad buffer", syscall(SYS_stat64, "st.txt", bad_ptr(1)));
    SHOW("stat64 raw bad buffer", syscall(SYS_stat64, "st.txt", bad_ptr(0xfffff000)));
    SHOW("fstat64 bad fd", syscall(SYS_fstat64, 99, &k));
    SHOW("statx bad mask bits (reserved)", statx(AT_FDCWD, "st.txt", 0, 0x80000000u, &sx));
    SHOW("fstatat64 bad flags", syscall(SYS_fstatat64, AT_FDCWD, "st.txt", &ka, 0x7777));
    close(fd);
}

static void mk_rm(void)
{
    printf("== mkdir/rmdir/unlink/rename/link/symlink/readlink\n");
    SHOW("mkdir d", mkdir("d", 0755));
    SHOW("mkdir d again", mkdir("d", 0755));
    SHOW("mkdir missing/x", mkdir("missing/x", 0755));
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    SHOW("mkdirat(dfd, sub)", mkdirat(dfd, "sub", 0700));
    show_stat("  d/sub", "d/sub");
    show_stat("  d (nlink counts sub)", "d");
    SHOW("rmdir d (not empty)", rmdir("d"));
    SHOW("unlinkat(dfd, sub, AT_REMOVEDIR)", unlinkat(dfd, "sub", AT_REMOVEDIR));
    put_file("d/f1", "one");
    SHOW("unlink d (a directory)", unlink("d"));
    SHOW("rmdir d/f1 (a file)", rmdir("d/f1"));
    SHOW("link d/f1 d/f2", link("d/f1", "d/f2"));
    show_stat("  d/f1 after link", "d/f1");
    SHOW("linkat(dfd, f1, dfd, f3)", linkat(dfd, "f1", dfd, "f3", 0));
    show_stat("  d/f1 after linkat", "d/f1");
    SHOW("link to existing name", link("d/f1", "d/f2"));
    SHOW("link a directory", link("d", "d2"));
    SHOW("unlink d/f3", unlink("d/f3"));
    SHOW("unlinkat(dfd, f2, 0)", unlinkat(dfd, "f2", 0));
    show_stat("  d/f1 after unlinks", "d/f1");
    SHOW("unlink missing", unlink("d/none"));
    SHOW("symlink f1 d/s1", symlink("f1", "d/s1"));
    SHOW("symlinkat(f1, dfd, s2)", symlinkat("f1", dfd, "s2"));
    SHOW("symlink dangling", symlink("nowhere/x", "d/dangle"));
    SHOW("symlink onto existing", symlink("f1", "d/s1"));
    char buf[64];
    memset(buf, 0, sizeof buf);
    SHOW("readlink d/s1", readlink("d/s1", buf, sizeof buf));
    printf("  -> '%s'\n", buf);
    memset(buf, 0, sizeof buf);
    SHOW("readlinkat(dfd, dangle)", readlinkat(dfd, "dangle", buf, sizeof buf));
    printf("  -> '%s'\n", buf);
    memset(buf, '#', sizeof buf);
    SHOW("readlink into 4-byte buffer", readlink("d/dangle", buf, 4));
    printf("  -> '%.6s' (no NUL added)\n", buf);
    SHOW("readlink a regular file", readlink("d/f1", buf, sizeof buf));
    SHOW("readlink missing", readlink("d/zzz", buf, sizeof buf));
    SHOW("readlink bad buffer", readlink("d/s1", bad_ptr(1), 10));
    show_stat("  stat through d/s1", "d/s1");
    show_stat("  stat through dangling link", "d/dangle");
    SHOW("symlink loop a->b", symlink("loop_b", "loop_a"));
    SHOW("symlink loop b->a", symlink("loop_a", "loop_b"));
    SHOW("open through a loop", open("loop_a", O_RDONLY));
    SHOW("open O_NOFOLLOW on a link", open("d/s1", O_RDONLY | O_NOFOLLOW));
    char longname[300];
    memset(longname, 'n', 299);
    longname[299] = 0;
    SHOW("open a 299-char name", open(longname, O_RDONLY));

    SHOW("rename d/f1 d/g1", rename("d/f1", "d/g1"));
    put_file("d/h1", "other");
    SHOW("rename d/g1 over d/h1", rename("d/g1", "d/h1"));
    show_stat("  d/h1 (replaced: size 3)", "d/h1");
    SHOW("renameat(dfd, h1, AT_FDCWD, top)", renameat(dfd, "h1", AT_FDCWD, "top"));
    SHOW("rename missing", rename("d/nothing", "x"));
    SHOW("rename d into d/sub2 (own subdir)", (mkdir("d/sub2", 0755), rename("d", "d/sub2/d")));
    SHOW("rename a dir over a file", rename("d/sub2", "top"));
    put_file("x1", "AAAA");
    put_file("x2", "BB");
    SHOW("renameat2 NOREPLACE onto existing", syscall(SYS_renameat2, AT_FDCWD, "x1", AT_FDCWD, "x2", 1));
    SHOW("renameat2 EXCHANGE", syscall(SYS_renameat2, AT_FDCWD, "x1", AT_FDCWD, "x2", 2));
    show_stat("  x1 after exchange (size 2)", "x1");
    close(dfd);
}

static void perms(void)
{
    printf("== chmod/chown/umask/access\n");
    put_file("p.txt", "perm");
    SHOW("chmod 0600", chmod("p.txt", 0600));
    show_stat("  p.txt", "p.txt");
    int fd = open("p.txt", O_RDONLY);
    SHOW("fchmod 0751", fchmod(fd, 0751));
    show_stat("  p.txt", "p.txt");
    SHOW("fchmodat 04644 (setuid bit)", fchmodat(AT_FDCWD, "p.txt", 04644, 0));
    show_stat("  p.txt", "p.txt");
    SHOW("chmod missing", chmod("none", 0644));
    uid_t u = getuid();
    gid_t g = getgid();
    SHOW("chown to own ids", chown("p.txt", u, g));
    SHOW("fchown to own ids", fchown(fd, u, g));
    SHOW("lchown -1 -1", lchown("p.txt", (uid_t)-1, (gid_t)-1));
    SHOW("fchownat own ids", fchownat(AT_FDCWD, "p.txt", u, g, 0));
    SHOW("raw chown32", syscall(SYS_chown32, "p.txt", u, g));
    SHOW("raw fchown32", syscall(SYS_fchown32, fd, u, g));
    SHOW("raw lchown32", syscall(SYS_lchown32, "p.txt", u, g));
    SHOW("raw 16-bit chown -1 -1", syscall(SYS_chown, "p.txt", 0xffff, 0xffff));
    SHOW("raw 16-bit fchown -1 -1", syscall(SYS_fchown, fd, 0xffff, 0xffff));
    SHOW("raw 16-bit lchown -1 -1", syscall(SYS_lchown, "p.txt", 0xffff, 0xffff));
    SHOW("fchown bad fd", fchown(99, u, g));
    show_stat("  p.txt after chowns (chown clears setuid)", "p.txt");
    close(fd);
    mode_t old = umask(027);
    SHOW("umask(022) returns the previous 027", (umask(022), umask(027)));
    put_file("u.txt", "x");
    show_stat("  created 0644 under umask 027", "u.txt");
    mkdir("u.dir", 0777);
    show_stat("  mkdir 0777 under umask 027", "u.dir");
    umask(old);
    chmod("p.txt", 0644);
    SHOW("access F_OK", access("p.txt", F_OK));
    SHOW("access R_OK|W_OK", access("p.txt", R_OK | W_OK));
    SHOW("access missing", access("nope", F_OK));
    SHOW("faccessat F_OK", faccessat(AT_FDCWD, "p.txt", F_OK, 0));
    SHOW("access bad mode", access("p.txt", 0x10));
    SHOW("mkfifo", mkfifo("fifo", 0600));
    show_stat("  fifo", "fifo");
    SHOW("mknodat regular file", mknodat(AT_FDCWD, "node", S_IFREG | 0600, 0));
    show_stat("  node", "node");
}

static void sizes_times(void)
{
    printf("== truncate/utime\n");
    put_file("t.txt", "0123456789");
    SHOW("truncate to 4", truncate("t.txt", 4));
    show_stat("  t.txt", "t.txt");
    SHOW("truncate to 100 (extends)", truncate("t.txt", 100));
    show_stat("  t.txt", "t.txt");
    SHOW("raw truncate64 to 3GiB", syscall(SYS_truncate64, "t.txt", 0xc0000000u, 0u));
    struct stat64 s64;
    stat64("t.txt", &s64);
    printf("  size %lld\n", (long long)s64.st_size);
    SHOW("open a 3GiB file without O_LARGEFILE", open("t.txt", O_RDWR));
    struct stat st;
    SHOW("32-bit-off_t stat of a 3GiB file", stat("t.txt", &st));
    int fd = open("t.txt", O_RDWR | O_LARGEFILE);
    SHOW("raw ftruncate64 to 5GiB+1", syscall(SYS_ftruncate64, fd, 0x40000001u, 1u));
    fstat64(fd, &s64);
    printf("  size %lld\n", (long long)s64.st_size);
    SHOW("ftruncate to 7", ftruncate(fd, 7));
    fstat64(fd, &s64);
    printf("  size %lld\n", (long long)s64.st_size);
    SHOW("ftruncate negative", ftruncate(fd, -1));
    SHOW("truncate a directory", truncate(".", 0));
    SHOW("truncate missing", truncate("none", 0));

    struct timespec ts[2] = {{1000000000, 500}, {1234567890, 123456789}};
    SHOW("utimensat", utimensat(AT_FDCWD, "t.txt", ts, 0));
    memset(&st, 0, sizeof st);
    stat("t.txt", &st);
    printf("  atime %ld.%09ld mtime %ld.%09ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
           (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {999999999, 0}};
    SHOW("utimensat atime OMIT", utimensat(AT_FDCWD, "t.txt", omit, 0));
    stat("t.txt", &st);
    printf("  atime %ld mtime %ld\n", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    SHOW("utimensat nsec out of range", utimensat(AT_FDCWD, "t.txt", bad, 0));
    struct timespec ts2[2] = {{1111111111, 0}, {1222222222, 5}};
    SHOW("futimens", futimens(fd, ts2));
    fstat(fd, &st);
    printf("  mtime %ld.%09ld\n", (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct { int32_t sec, nsec; } t32[2] = {{1300000000, 1}, {1300000001, 2}};
    SHOW("raw utimensat (32-bit time)", syscall(SYS_utimensat, AT_FDCWD, "t.txt", t32, 0));
    struct kstat64 k;
    syscall(SYS_stat64, "t.txt", &k);
    printf("  stat64: atime %u.%09u mtime %u.%09u\n", k.st_atime_, k.st_atime_nsec, k.st_mtime_, k.st_mtime_nsec);
    struct { int64_t sec, nsec; } t64[2] = {{0x80000005LL, 7}, {0x100000000LL, 8}};
    SHOW("raw utimensat_time64 (past 2038)", syscall(SYS_utimensat_time64, AT_FDCWD, "t.txt", t64, 0));
    struct statx sx;
    statx(AT_FDCWD, "t.txt", 0, STATX_ATIME | STATX_MTIME, &sx);
    printf("  statx: atime %lld.%09u mtime %lld.%09u\n", (long long)sx.stx_atime.tv_sec, sx.stx_atime.tv_nsec,
           (long long)sx.stx_mtime.tv_sec, sx.stx_mtime.tv_nsec);
    errno = 0;
    int sr = stat("t.txt", &st);
    printf("  32-bit-time stat of it: %s\n", sr ? errname(errno) : "ok");
    struct { int32_t actime, modtime; } ub = {1400000000, 1400000002};
    SHOW("raw utime", syscall(SYS_utime, "t.txt", &ub));
    syscall(SYS_stat64, "t.txt", &k);
    printf("  stat64: atime %u mtime %u\n", k.st_atime_, k.st_mtime_);
    struct { int32_t sec, usec; } tv[2] = {{1500000000, 250000}, {1500000001, 750000}};
    SHOW("raw utimes", syscall(SYS_utimes, "t.txt", tv));
    syscall(SYS_stat64, "t.txt", &k);
    printf("  stat64: atime %u.%09u mtime %u.%09u\n", k.st_atime_, k.st_atime_nsec, k.st_mtime_, k.st_mtime_nsec);
    SHOW("utimensat missing", utimensat(AT_FDCWD, "none", ts, 0));
    close(fd);
}

struct ent {
    char name[64];
    int type;
};
static int cmp_ent(const void *a, const void *b) { return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name); }

static void dirs(void)
{
    printf("== getdents64/getdents/readdir\n");
    mkdir("ls", 0755);
    put_file("ls/b.txt", "b");
    put_file("ls/a.txt", "a");
    put_file("ls/c-long-name-for-the-record-length.txt", "c");
    mkdir("ls/subdir", 0755);
    if (symlink("a.txt", "ls/link") != 0) printf("symlink failed\n");
    mkfifo("ls/pipe", 0600);
    int fd = open("ls", O_RDONLY | O_DIRECTORY);
    struct ent ents[32];
    int n = 0;
    char buf[160]; /* small: several calls are needed */
    for (;;) {
        long r = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (r <= 0) {
            printf("getdents64 final return: %ld\n", r);
            break;
        }
        for (long off = 0; off < r;) {
            unsigned short reclen;
            memcpy(&reclen, buf + off + 16, 2);
            if (n < 32) {
                snprintf(ents[n].name, sizeof ents[n].name, "%s", buf + off + 19);
                ents[n].type = (unsigned char)buf[off + 18];
                n++;
            }
            off += reclen;
        }
    }
    qsort(ents, (size_t)n, sizeof ents[0], cmp_ent);
    for (int i = 0; i < n; i++) printf("  %s type=%d\n", ents[i].name, ents[i].type);
    lseek(fd, 0, SEEK_SET);
    n = 0;
    for (;;) {
        errno = 0;
        long r = syscall(SYS_getdents, fd, buf, sizeof buf);
        if (r <= 0) {
            printf("getdents (old) final return: %s\n", r < 0 ? errname(errno) : "0");
            break;
        }
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
    qsort(ents, (size_t)n, sizeof ents[0], cmp_ent);
    for (int i = 0; i < n; i++) printf("  %s type=%d\n", ents[i].name, ents[i].type);
    SHOW("getdents64 with a 10-byte buffer", (lseek(fd, 0, SEEK_SET), syscall(SYS_getdents64, fd, buf, 10)));
    SHOW("getdents64 on a file", syscall(SYS_getdents64, open("ls/a.txt", O_RDONLY), buf, sizeof buf));
    SHOW("getdents64 bad buffer", syscall(SYS_getdents64, fd, bad_ptr(1), sizeof buf));
    close(fd);
    DIR *d = opendir("ls");
    struct dirent *e;
    n = 0;
    while ((e = readdir(d)) != NULL && n < 32) {
        snprintf(ents[n].name, sizeof ents[n].name, "%.60s", e->d_name);
        ents[n].type = e->d_type;
        n++;
    }
    closedir(d);
    qsort(ents, (size_t)n, sizeof ents[0], cmp_ent);
    printf("readdir:");
    for (int i = 0; i < n; i++) printf(" %s", ents[i].name);
    printf("\n");
}

static void cwd(void)
{
    printf("== chdir/fchdir/getcwd/statfs\n");
    char start[4096], now[4096];
    if (!getcwd(start, sizeof start)) printf("getcwd failed\n");
    printf("getcwd absolute: %s\n", yesno(start[0] == '/'));
    mkdir("cd1", 0755);
    mkdir("cd1/cd2", 0755);
    SHOW("chdir cd1/cd2", chdir("cd1/cd2"));
    if (!getcwd(now, sizeof now)) printf("getcwd failed\n");
    const char *base = strrchr(now, '/');
    printf("  basename %s, prefix is the start dir: %s\n", base ? base + 1 : "?",
           yesno(strncmp(now, start, strlen(start)) == 0 && strcmp(now + strlen(start), "/cd1/cd2") == 0));
    SHOW("chdir ../..", chdir("../.."));
    if (!getcwd(now, sizeof now)) printf("getcwd failed\n");
    printf("  back at start: %s\n", yesno(strcmp(now, start) == 0));
    int fd = open("cd1", O_RDONLY | O_DIRECTORY);
    SHOW("fchdir(cd1)", fchdir(fd));
    if (!getcwd(now, sizeof now)) printf("getcwd failed\n");
    printf("  basename %s\n", strrchr(now, '/') + 1);
    SHOW("relative open after fchdir", close(open("cd2", O_RDONLY)));
    SHOW("chdir back", chdir(start));
    close(fd);
    long r = syscall(SYS_getcwd, now, sizeof now);
    printf("raw getcwd returns strlen+1: %s\n", yesno(r == (long)strlen(start) + 1));
    SHOW("getcwd into 2 bytes", getcwd(now, 2) ? 0 : -1);
    SHOW("raw getcwd bad buffer", syscall(SYS_getcwd, bad_ptr(1), 100));
    SHOW("chdir missing", chdir("none"));
    SHOW("chdir to a file", (put_file("cdf", "x"), chdir("cdf")));
    fd = open("cdf", O_RDONLY);
    SHOW("fchdir to a file", fchdir(fd));
    close(fd);
    struct statfs64 sf;
    SHOW("statfs64 .", statfs64(".", &sf));
    printf("  bsize>0 %s namelen %ld\n", yesno(sf.f_bsize > 0), (long)sf.f_namelen);
    struct statfs64 sf2;
    SHOW("raw statfs64 with wrong size", syscall(SYS_statfs64, ".", 10, &sf2));
    fd = open(".", O_RDONLY);
    SHOW("fstatfs64", fstatfs64(fd, &sf2));
    printf("  same type as statfs: %s\n", yesno(sf2.f_type == sf.f_type));
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    stat_family();
    mk_rm();
    perms();
    sizes_times();
    dirs();
    cwd();
    return 0;
}
