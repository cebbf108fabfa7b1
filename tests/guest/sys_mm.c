/* Memory-management system calls: brk (raw and sbrk), mmap2 (anonymous, file-backed private and
 * shared, offsets up to 5 GiB, hints, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_POPULATE, /dev/zero),
 * the old struct-argument mmap (syscall 90), munmap (also a hole in the middle), mprotect,
 * mremap (in place, blocked, MAYMOVE, FIXED, shrink), madvise (DONTNEED on anonymous and on
 * private file pages), mincore, mlock, msync, shared vs private anonymous memory across fork, and
 * /proc/self/maps entries of the regions created here.  Addresses are printed only where this
 * program chose them (hints at 0x50000000+ that the kernel honours when free); everything else as
 * offsets or yes/no.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "guest_util.h"

#define PG 4096u

/* Prints the /proc/self/maps lines that overlap [lo, hi): range, perms, offset, and whether
 * anonymous (inode 0) or the named file's basename. */
static void maps_lines(const char *label, uintptr_t lo, uintptr_t hi)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) {
        printf("%s: cannot open /proc/self/maps: %s\n", label, errname(errno));
        return;
    }
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long a, b, off, ino;
        char perms[8], dev[16], path[256] = "";
        if (sscanf(line, "%lx-%lx %7s %lx %15s %lu %255s", &a, &b, perms, &off, dev, &ino, path) < 6)
            continue;
        if (b <= lo || a >= hi) continue;
        const char *base = strrchr(path, '/');
        printf("%s: %08lx-%08lx %s %08lx %s\n", label, a, b, perms, off,
               ino == 0 ? "anon" : base ? base + 1 : path);
        n++;
    }
    if (n == 0) printf("%s: no mapping\n", label);
    fclose(f);
}

static int sum_bytes(const unsigned char *p, size_t n)
{
    int s = 0;
    for (size_t i = 0; i < n; i++) s += p[i];
    return s;
}

static void brk_tests(void)
{
    printf("== brk\n");
    uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
    uintptr_t r = (uintptr_t)syscall(SYS_brk, cur + 10000);
    printf("brk(cur+10000) returns the request: %s\n", yesno(r == cur + 10000));
    memset((void *)cur, 0x5a, 10000);
    printf("new heap writable, first/last byte: %02x %02x\n", ((unsigned char *)cur)[0],
           ((unsigned char *)cur)[9999]);
    r = (uintptr_t)syscall(SYS_brk, cur + 5000);
    printf("brk shrink to cur+5000: %s\n", yesno(r == cur + 5000));
    r = (uintptr_t)syscall(SYS_brk, cur + 3 * PG);
    printf("regrow: %s, re-grown page is zero again: %s\n", yesno(r == cur + 3 * PG),
           yesno(((unsigned char *)cur)[2 * PG + 100] == 0));
    r = (uintptr_t)syscall(SYS_brk, 0x1000);
    printf("brk below the start is refused (returns current): %s\n", yesno(r == cur + 3 * PG));
    r = (uintptr_t)syscall(SYS_brk, cur);
    printf("back to the start: %s\n", yesno(r == cur));
    void *o = sbrk(0);
    void *p = sbrk(8192);
    printf("sbrk(8192) returns the old break: %s, sbrk(0) moved by %ld\n", yesno(o == p),
           (long)((char *)sbrk(0) - (char *)o));
    memset(p, 1, 8192);
    sbrk(-8192);
    printf("sbrk(-8192) restores: %s\n", yesno(sbrk(0) == o));
    /* a MAP_FIXED mapping right above the break blocks growth */
    uintptr_t top = ((uintptr_t)sbrk(0) + 2 * PG) & ~(uintptr_t)(PG - 1);
    void *blk = mmap((void *)top, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (blk != MAP_FAILED) {
        uintptr_t b0 = (uintptr_t)syscall(SYS_brk, 0);
        r = (uintptr_t)syscall(SYS_brk, top + PG);
        printf("brk into a mapping is refused: %s\n", yesno(r == b0));
        munmap(blk, PG);
    }
}

static void anon(void)
{
    printf("== anonymous mmap\n");
    unsigned char *p = mmap((void *)0x50000000, 3 * PG, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("hint 0x50000000 honoured: %s, zero-filled: %s\n", yesno(p == (void *)0x50000000),
           yesno(sum_bytes(p, 3 * PG) == 0));
    p[0] = 1, p[PG] = 2, p[2 * PG + PG - 1] = 3;
    maps_lines("maps after mmap", 0x50000000, 0x50003000);
    unsigned char *q = mmap((void *)0x50010000, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("MAP_FIXED at 0x50010000: %s\n", yesno(q == (void *)0x50010000));
    errno = 0;
    q = mmap((void *)0x50000000, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE over a mapping: %s\n", q == MAP_FAILED ? errname(errno) : "mapped");
    errno = 0;
    q = mmap((void *)0x50000800, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("MAP_FIXED unaligned: %s\n", q == MAP_FAILED ? errname(errno) : "mapped");

    SHOW("munmap the middle page", munmap(p + PG, PG));
    printf("outer pages intact: %d %d\n", p[0], p[2 * PG + PG - 1]);
    maps_lines("maps with a hole", 0x50000000, 0x50003000);
    SHOW("munmap unaligned", munmap(p + 1, PG));
    SHOW("munmap length 0", munmap(p, 0));
    SHOW("munmap an unmapped range (ok)", munmap(p + PG, PG));

    SHOW("mprotect first page PROT_READ", mprotect(p, PG, PROT_READ));
    printf("still readable: %d\n", p[0]);
    maps_lines("maps after mprotect", 0x50000000, 0x50003000);
    SHOW("mprotect PROT_NONE", mprotect(p, PG, PROT_NONE));
    SHOW("mprotect back to RW", mprotect(p, PG, PROT_READ | PROT_WRITE));
    printf("content kept across PROT_NONE: %d\n", p[0]);
    SHOW("mprotect unaligned", mprotect(p + 10, PG, PROT_READ));
    SHOW("mprotect over the hole", mprotect(p, 3 * PG, PROT_READ));
    SHOW("mprotect bad prot bits", mprotect(p, PG, 0x100));
    munmap(p, 3 * PG);
    munmap((void *)0x50010000, PG);

    errno = 0;
    q = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap length 0: %s\n", q == MAP_FAILED ? errname(errno) : "mapped");
    errno = 0;
    q = mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0);
    printf("mmap without PRIVATE/SHARED: %s\n", q == MAP_FAILED ? errname(errno) : "mapped");
    errno = 0;
    q = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 77, 0);
    printf("mmap bad fd: %s\n", q == MAP_FAILED ? errname(errno) : "mapped");
    q = mmap(NULL, 256u << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    printf("256 MiB PROT_NONE reservation: %s\n", yesno(q != MAP_FAILED));
    if (q != MAP_FAILED) munmap(q, 256u << 20);

    q = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char vec[4];
    q[PG] = 1;
    q[3 * PG] = 1;
    SHOW("mincore", mincore(q, 4 * PG, vec));
    printf("  resident: %d %d %d %d\n", vec[0] & 1, vec[1] & 1, vec[2] & 1, vec[3] & 1);
    memset(q, 7, 4 * PG);
    SHOW("madvise DONTNEED", madvise(q + PG, 2 * PG, MADV_DONTNEED));
    printf("  bytes after DONTNEED: %d %d %d %d\n", q[0], q[PG], q[2 * PG], q[3 * PG]);
    SHOW("madvise WILLNEED", madvise(q, 4 * PG, MADV_WILLNEED));
    SHOW("madvise NORMAL", madvise(q, 4 * PG, MADV_NORMAL));
    SHOW("madvise bad advice", madvise(q, PG, 12345));
    SHOW("madvise unaligned", madvise(q + 1, PG, MADV_NORMAL));
    SHOW("mlock", mlock(q, PG));
    SHOW("munlock", munlock(q, PG));
    SHOW("msync bad flags", msync(q, PG, 0x7777));
    munmap(q, 4 * PG);
    q = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    mincore(q, 2 * PG, vec);
    printf("MAP_POPULATE resident: %d %d\n", vec[0] & 1, vec[1] & 1);
    munmap(q, 2 * PG);
    int z = open("/dev/zero", O_RDWR);
    q = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
    close(z);
    printf("/dev/zero private mapping zero: %s\n", yesno(q != MAP_FAILED && sum_bytes(q, PG) == 0));
    if (q != MAP_FAILED) munmap(q, PG);

    /* the old i386 mmap: one pointer to six longs, byte offset */
    struct { unsigned long addr, len, prot, flags, fd, off; } a = {
        0x50020000, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, (unsigned long)-1, 0};
    long r = syscall(SYS_mmap, &a);
    printf("old_mmap (syscall 90) at 0x50020000: %s\n", yesno(r == 0x50020000));
    if (r == 0x50020000) munmap((void *)r, PG);
    a.off = 100; /* not page aligned */
    a.flags = MAP_PRIVATE | MAP_ANONYMOUS;
    errno = 0;
    r = syscall(SYS_mmap, &a);
    printf("old_mmap unaligned offset: %s\n", r < 0 && r > -4096 ? errname(errno) : "mapped");
}

static void filemaps(void)
{
    printf("== file-backed mmap\n");
    int fd = open("m.bin", O_RDWR | O_CREAT | O_TRUNC | O_LARGEFILE, 0644);
    unsigned char page[PG];
    for (int i = 0; i < 3; i++) {
        memset(page, 'A' + i, PG);
        if (write(fd, page, PG) != (ssize_t)PG) printf("write failed\n");
    }
    if (write(fd, "tail", 4) != 4) printf("write failed\n");
    unsigned char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, PG);
    printf("private map at file offset 4096: %c %c\n", p[0], p[PG]);
    p[0] = 'x';
    unsigned char c = 0;
    if (pread(fd, &c, 1, PG) != 1) printf("pread failed\n");
    printf("private write not in the file: %c (mapping %c)\n", c, p[0]);
    SHOW("madvise DONTNEED on the private page", madvise(p, PG, MADV_DONTNEED));
    printf("  private copy dropped, file content back: %c\n", p[0]);
    munmap(p, 2 * PG);

    unsigned char *s = mmap((void *)0x50100000, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("shared map hint 0x50100000 honoured: %s\n", yesno(s == (void *)0x50100000));
    s[PG + 1] = 'y';
    if (pread(fd, &c, 1, PG + 1) != 1) printf("pread failed\n");
    printf("shared write visible through pread: %c\n", c);
    if (pwrite(fd, "z", 1, 2 * PG + 2) != 1) printf("pwrite failed\n");
    printf("pwrite visible through the shared map: %c\n", s[2 * PG + 2]);
    SHOW("msync MS_SYNC", msync(s, 4 * PG, MS_SYNC));
    printf("past EOF in the last partial page: '%c%c%c%c' then %d\n", s[3 * PG], s[3 * PG + 1],
           s[3 * PG + 2], s[3 * PG + 3], s[3 * PG + 4]);
    maps_lines("maps of the shared file mapping", (uintptr_t)s, (uintptr_t)s + 4 * PG);
    munmap(s, 4 * PG);

    errno = 0;
    p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100);
    printf("unaligned file offset: %s\n", p == MAP_FAILED ? errname(errno) : "mapped");
    int ro = open("m.bin", O_RDONLY);
    errno = 0;
    p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
    printf("shared writable map of an O_RDONLY fd: %s\n", p == MAP_FAILED ? errname(errno) : "mapped");
    p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    printf("private writable map of an O_RDONLY fd: %s\n", yesno(p != MAP_FAILED));
    if (p != MAP_FAILED) munmap(p, PG);
    close(ro);

    /* 64-bit file offsets through mmap2's page offset */
    long long big = 0x140000000LL; /* 5 GiB */
    SHOW("ftruncate64 to 5GiB+8KiB", ftruncate64(fd, big + 2 * PG));
    if (pwrite64(fd, "FAR", 3, big + 16) != 3) printf("pwrite64 failed: %s\n", errname(errno));
    errno = 0;
    p = mmap64(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, big);
    printf("mmap64 at 5GiB: %s\n", p == MAP_FAILED ? errname(errno) : "ok");
    if (p != MAP_FAILED) {
        printf("  reads '%.3s', zero before it: %s\n", p + 16, yesno(p[15] == 0));
        memcpy(p + 100, "NEAR", 4);
        char b[5] = {0};
        if (pread64(fd, b, 4, big + 100) != 4) printf("pread64 failed\n");
        printf("  write through it lands at 5GiB+100: %s\n", b);
        munmap(p, PG);
    }
    close(fd);
}

static void remaps(void)
{
    printf("== mremap\n");
    unsigned char *p = mmap((void *)0x51000000, PG, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED) {
        printf("cannot map at 0x51000000: %s\n", errname(errno));
        return;
    }
    memset(p, 0x3c, PG);
    unsigned char *q = mremap(p, PG, 4 * PG, 0);
    printf("grow in place without MAYMOVE: %s\n", yesno(q == p));
    printf("  old content %02x, new pages zero %s\n", q[10], yesno(sum_bytes(q + PG, 3 * PG) == 0));
    void *blk = mmap((void *)0x51004000, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    errno = 0;
    q = mremap(p, 4 * PG, 8 * PG, 0);
    printf("grow into a blocked range without MAYMOVE: %s\n", q == MAP_FAILED ? errname(errno) : "ok");
    p[4 * PG - 1] = 0x77;
    q = mremap(p, 4 * PG, 8 * PG, MREMAP_MAYMOVE);
    printf("with MAYMOVE: moved %s, content %02x %02x\n", yesno(q != p), q[10], q[4 * PG - 1]);
    maps_lines("old range after the move", 0x51000000, 0x51004000);
    unsigned char *f = mremap(q, 8 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)0x52000000);
    printf("MREMAP_FIXED to 0x52000000 (shrinking): %s content %02x\n", yesno(f == (void *)0x52000000), f[10]);
    maps_lines("maps at 0x52000000", 0x52000000, 0x52010000);
    unsigned char *sh = mremap(f, 2 * PG, PG, 0);
    printf("shrink in place: %s\n", yesno(sh == f));
    errno = 0;
    q = mremap(f + 1, PG, 2 * PG, MREMAP_MAYMOVE);
    printf("mremap unaligned: %s\n", q == MAP_FAILED ? errname(errno) : "ok");
    errno = 0;
    q = mremap((void *)0x53000000, PG, 2 * PG, MREMAP_MAYMOVE);
    printf("mremap of an unmapped address: %s\n", q == MAP_FAILED ? errname(errno) : "ok");
    munmap(f, PG);
    if (blk != MAP_FAILED) munmap(blk, PG);
}

static void fork_sharing(void)
{
    printf("== shared vs private anonymous memory across fork\n");
    int *sh = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int *pr = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *sh = 1;
    *pr = 1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        *sh = 42;
        *pr = 42;
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child exited 0: %s; parent sees shared=%d private=%d\n",
           yesno(WIFEXITED(st) && WEXITSTATUS(st) == 0), *sh, *pr);
    munmap(sh, PG);
    munmap(pr, PG);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    brk_tests();
    anon();
    filemaps();
    remaps();
    fork_sharing();
    return 0;
}
