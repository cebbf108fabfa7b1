/* Segments and TLS: glibc's %gs-based TLS (__thread in .tdata and .tbss, the TCB header at
 * %gs:0 / %gs:8 / %gs:0x10 = AT_SYSINFO), get_thread_area on glibc's entry, set_thread_area
 * allocating new GDT TLS entries (entry_number = -1) up to exhaustion (ESRCH), loading them into
 * %fs with MOV and LFS, %fs-relative loads, stores, indexed addressing and string instructions,
 * updating a descriptor and reloading, modify_ldt + an LDT selector.  Selector values are printed
 * only as relations (RPL, TI, "next entry"), since the GDT TLS slots differ between a 32-bit
 * kernel (6..8) and a 64-bit one (12..14).
 */
#include <asm/ldt.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <pthread.h>
#include "guest_util.h"

__thread int tls_init = 0x1234;
__thread int tls_zero;
__thread char tls_buf[64] = "thread-local";

static uint32_t data1[8] = {0x11111111, 0x22222222, 0x33333333, 0x44444444,
                            0x55555555, 0x66666666, 0x77777777, 0x88888888};
static uint32_t data2[4] = {0xaaaa0001, 0xaaaa0002, 0xaaaa0003, 0xaaaa0004};

static uint16_t get_fs(void) { uint16_t s; __asm__ volatile("movw %%fs, %0" : "=r"(s)); return s; }
static uint16_t get_gs(void) { uint16_t s; __asm__ volatile("movw %%gs, %0" : "=r"(s)); return s; }
static void set_fs(uint16_t s) { __asm__ volatile("movw %0, %%fs" : : "r"(s) : "memory"); }

static void glibc_tls(void)
{
    printf("== glibc TLS through %%gs\n");
    printf("tls_init=%#x tls_zero=%d tls_buf=%s\n", tls_init, tls_zero, tls_buf);
    tls_init += 1;
    tls_zero = 77;
    strcat(tls_buf, "+x");
    printf("after writes: tls_init=%#x tls_zero=%d tls_buf=%s\n", tls_init, tls_zero, tls_buf);
    uint32_t gs0, gs8, gs10, via_gs;
    __asm__ volatile("movl %%gs:0, %0\n\tmovl %%gs:8, %1\n\tmovl %%gs:0x10, %2"
                     : "=r"(gs0), "=r"(gs8), "=r"(gs10));
    printf("%%gs:0 == %%gs:8 (tcb self pointers): %s\n", yesno(gs0 == gs8));
    printf("%%gs:0 == pthread_self(): %s\n", yesno(gs0 == (uint32_t)pthread_self()));
    printf("%%gs:0x10 == AT_SYSINFO: %s (AT_SYSINFO present: %s)\n",
           yesno(gs10 == getauxval(AT_SYSINFO)), yesno(getauxval(AT_SYSINFO) != 0));
    int32_t off = (int32_t)((uint32_t)(uintptr_t)&tls_init - gs0);
    printf("tls_init below the thread pointer: %s\n", yesno(off < 0));
    /* a %gs-relative load of the variable through its TP offset */
    __asm__ volatile("movl %%gs:(%1), %0" : "=r"(via_gs) : "r"(off));
    printf("%%gs:(tp offset) reads tls_init: %s\n", yesno(via_gs == (uint32_t)tls_init));
    uint16_t gs = get_gs();
    printf("gs: rpl=%u ti=%u, fs==0 at start: %s\n", gs & 3, gs >> 2 & 1, yesno(get_fs() == 0));
    uint16_t cs, ds, es, ss;
    __asm__ volatile("movw %%cs, %0\n\tmovw %%ds, %1\n\tmovw %%es, %2\n\tmovw %%ss, %3"
                     : "=r"(cs), "=r"(ds), "=r"(es), "=r"(ss));
    printf("ds==es==ss: %s, cs!=ds: %s, rpl cs ds: %u %u, ti: %u\n", yesno(ds == es && es == ss),
           yesno(cs != ds), cs & 3, ds & 3, (cs | ds) >> 2 & 1);
    uint32_t wide = 0xffffffff;
    __asm__ volatile("movl %%ds, %0" : "+r"(wide));
    printf("movl %%ds, r32 zero-extends (P6+): %s\n", yesno(wide == ds));

    struct user_desc d;
    memset(&d, 0, sizeof d);
    d.entry_number = gs >> 3;
    errno = 0;
    long r = syscall(SYS_get_thread_area, &d);
    printf("get_thread_area(gs entry): %s base==tcb: %s limit=%#x seg_32bit=%u contents=%u "
           "read_exec_only=%u limit_in_pages=%u seg_not_present=%u useable=%u\n",
           r ? errname(errno) : "ok", yesno(d.base_addr == gs0), d.limit, d.seg_32bit, d.contents,
           d.read_exec_only, d.limit_in_pages, d.seg_not_present, d.useable);
}

static void own_tls(void)
{
    printf("== set_thread_area + %%fs\n");
    uint16_t gs = get_gs();
    struct user_desc d;
    memset(&d, 0, sizeof d);
    d.entry_number = (unsigned)-1;
    d.base_addr = (unsigned)(uintptr_t)data1;
    d.limit = 0xfff;
    d.seg_32bit = 1;
    d.useable = 1;
    errno = 0;
    long r = syscall(SYS_set_thread_area, &d);
    printf("set_thread_area(-1): %s, entry == gs entry + 1: %s\n", r ? errname(errno) : "ok",
           yesno(d.entry_number == (unsigned)(gs >> 3) + 1));
    uint16_t sel = (uint16_t)(d.entry_number << 3 | 3);
    set_fs(sel);
    printf("fs loaded: %s\n", yesno(get_fs() == sel));
    uint32_t a, b, c;
    __asm__ volatile("movl %%fs:0, %0\n\tmovl %%fs:4, %1\n\tmovl $7, %%ecx\n\tmovl %%fs:(,%%ecx,4), %2"
                     : "=&r"(a), "=&r"(b), "=&r"(c) : : "ecx");
    printf("%%fs:0 %%fs:4 %%fs:(,7,4): %08x %08x %08x\n", a, b, c);
    __asm__ volatile("movl $0xfeedface, %%fs:8\n\taddl $1, %%fs:12\n\tincb %%fs:16\n\t"
                     "xchgl %%eax, %%fs:20"
                     : : "a"(0x5a5a5a5a) : "memory", "cc");
    printf("stores through %%fs: %08x %08x %08x %08x\n", data1[2], data1[3], data1[4], data1[5]);
    uint32_t dst[2] = {0, 0}, lod;
    __asm__ volatile("movl $24, %%esi\n\tmovsl %%fs:(%%esi), %%es:(%%edi)\n\t"
                     "lodsl %%fs:(%%esi), %%eax"
                     : "=a"(lod) : "D"(dst) : "esi", "memory");
    printf("movsl/lodsl with fs source: %08x %08x\n", dst[0], lod);
    uint32_t ptr[2] = {4, sel}, via_lfs;
    uint16_t fs_after;
    set_fs(0);
    __asm__ volatile("lfs (%2), %%eax\n\tmovw %%fs, %1\n\tmovl %%fs:(%%eax), %0"
                     : "=r"(via_lfs), "=r"(fs_after) : "r"(ptr) : "eax", "memory");
    printf("lfs: fs==selector %s, %%fs:(offset 4) = %08x\n", yesno(fs_after == sel), via_lfs);

    /* update the descriptor in place to point at data2, reload, read */
    d.base_addr = (unsigned)(uintptr_t)data2;
    errno = 0;
    r = syscall(SYS_set_thread_area, &d);
    set_fs(sel);
    __asm__ volatile("movl %%fs:0, %0\n\tmovl %%fs:12, %1" : "=r"(a), "=r"(b));
    printf("after re-basing the entry: %s %08x %08x\n", r ? errname(errno) : "ok", a, b);
    struct user_desc q;
    memset(&q, 0, sizeof q);
    q.entry_number = d.entry_number;
    r = syscall(SYS_get_thread_area, &q);
    printf("get_thread_area(new): base==data2 %s limit=%#x seg_32bit=%u limit_in_pages=%u useable=%u\n",
           yesno(q.base_addr == (unsigned)(uintptr_t)data2), q.limit, q.seg_32bit, q.limit_in_pages,
           q.useable);

    /* the third and last TLS slot, then exhaustion */
    struct user_desc e;
    memset(&e, 0, sizeof e);
    e.entry_number = (unsigned)-1;
    e.base_addr = (unsigned)(uintptr_t)data1;
    e.limit = 0xfffff;
    e.seg_32bit = 1;
    e.limit_in_pages = 1;
    e.useable = 1;
    errno = 0;
    r = syscall(SYS_set_thread_area, &e);
    printf("set_thread_area(-1) again: %s, entry == gs entry + 2: %s\n", r ? errname(errno) : "ok",
           yesno(e.entry_number == (unsigned)(gs >> 3) + 2));
    e.entry_number = (unsigned)-1;
    errno = 0;
    r = syscall(SYS_set_thread_area, &e);
    printf("set_thread_area(-1) with all slots used: %s\n", r ? errname(errno) : "ok");
    e.entry_number = 3; /* not a TLS slot */
    errno = 0;
    r = syscall(SYS_set_thread_area, &e);
    printf("set_thread_area(3): %s\n", r ? errname(errno) : "ok");
    errno = 0;
    r = syscall(SYS_set_thread_area, (void *)1);
    printf("set_thread_area(bad pointer): %s\n", r ? errname(errno) : "ok");
    set_fs(0);
    printf("fs back to null: %s\n", yesno(get_fs() == 0));
    /* glibc's TLS still works */
    printf("tls_init still %#x, gs unchanged %s\n", tls_init, yesno(get_gs() == gs));
}

static void ldt(void)
{
    printf("== modify_ldt\n");
    struct user_desc d;
    memset(&d, 0, sizeof d);
    d.entry_number = 0;
    d.base_addr = (unsigned)(uintptr_t)data2;
    d.limit = 0xff;
    d.seg_32bit = 1;
    d.useable = 1;
    errno = 0;
    long r = syscall(SYS_modify_ldt, 1, &d, sizeof d);
    printf("modify_ldt(write entry 0): %s\n", r ? errname(errno) : "ok");
    if (r == 0) {
        uint16_t sel = 0 << 3 | 4 | 3; /* TI=1: LDT */
        uint32_t a;
        set_fs(sel);
        __asm__ volatile("movl %%fs:4, %0" : "=r"(a));
        printf("%%fs:4 via LDT selector: %08x\n", a);
        set_fs(0);
        unsigned char buf[16];
        memset(buf, 0, sizeof buf);
        r = syscall(SYS_modify_ldt, 0, buf, sizeof buf);
        printf("modify_ldt(read 16 bytes): %ld, entry 0 limit low byte %02x\n", r, buf[0]);
    }
}

int main(void)
{
    glibc_tls();
    own_tls();
    ldt();
    return 0;
}
