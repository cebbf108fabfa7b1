/* Self-modifying and dynamically generated code.  An emulator that caches decoded code must
 * notice every way the bytes under a cached block can change:
 *  1. stores into an RWX buffer between calls (same instruction, new immediate; new instructions)
 *  2. a loop that patches an immediate of an instruction on the same page on each iteration:
 *     a) the patched instruction runs in the next iteration (after a backward jump)
 *     b) the patched instruction is the very next one, in the same straight-line run (P6+: the
 *        processor detects the store to a prefetched instruction, SDM Vol.3A 8.1.3 / 11.6)
 *     c) the same with a routine in .text made writable by mprotect
 *  3. munmap of a code page and a new anonymous mapping with other code at the same address;
 *     the same with file-backed code mappings
 *  4. code written by the kernel: read()/pread() into an executed buffer
 *  5. the W^X flow: RW -> write -> RX -> call -> RW -> rewrite -> RX -> call
 *  6. mremap of a code buffer to a new address
 *  7. an instruction straddling a page boundary, modified on its second page
 *  8. two mappings of one file (RX view and RW view): writes through the RW alias
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include "guest_util.h"

typedef uint32_t (*fn0)(void);
typedef uint32_t (*fn1)(uint32_t);

/* Position-independent routines assembled into .rodata and copied into buffers. */
__asm__(".section .rodata\n"
        /* 2a: the immediate of "movl $imm, %edx" is patched each iteration, used next one */
        "smc_loop_a:\n"
        "\tpushl %ebx\n"
        "\tcall 1f\n"
        "1:\tpopl %ebx\n"
        "\taddl $(2f - 1b), %ebx\n"   /* ebx -> patch site */
        "\txorl %eax, %eax\n"
        "\txorl %ecx, %ecx\n"
        "3:\n"
        "2:\tmovl $0, %edx\n"
        "\taddl %edx, %eax\n"
        "\tincl %ecx\n"
        "\tmovl %ecx, 1(%ebx)\n"
        "\tcmpl $10, %ecx\n"
        "\tjne 3b\n"
        "\tpopl %ebx\n"
        "\tret\n"
        "smc_loop_a_end:\n"
        /* 2b: the store patches the very next instruction (no branch in between) */
        "smc_loop_b:\n"
        "\tpushl %ebx\n"
        "\tcall 1f\n"
        "1:\tpopl %ebx\n"
        "\taddl $(2f - 1b), %ebx\n"
        "\txorl %eax, %eax\n"
        "\txorl %ecx, %ecx\n"
        "3:\tincl %ecx\n"
        "\tmovl %ecx, 1(%ebx)\n"
        "2:\tmovl $0, %edx\n"         /* runs with the value just stored: ecx */
        "\taddl %edx, %eax\n"
        "\tcmpl $10, %ecx\n"
        "\tjne 3b\n"
        "\tpopl %ebx\n"
        "\tret\n"
        "smc_loop_b_end:\n"
        /* 2b': rewrite the opcode of the next instruction: inc %eax (40) <-> dec %eax (48) */
        "smc_opcode:\n"
        "\tpushl %ebx\n"
        "\tcall 1f\n"
        "1:\tpopl %ebx\n"
        "\taddl $(2f - 1b), %ebx\n"
        "\txorl %eax, %eax\n"
        "\tmovl $8, %ecx\n"
        "3:\tmovb %cl, %dl\n"
        "\tandb $8, %dl\n"            /* 0 or 8 */
        "\taddb $0x40, %dl\n"         /* 0x40 inc or 0x48 dec */
        "\tmovb %dl, (%ebx)\n"
        "2:\tincl %eax\n"
        "\tincl %eax\n"
        "\tloop 3b\n"
        "\tpopl %ebx\n"
        "\tret\n"
        "smc_opcode_end:\n"
        ".text\n");
extern const unsigned char smc_loop_a[], smc_loop_a_end[], smc_loop_b[], smc_loop_b_end[],
    smc_opcode[], smc_opcode_end[];

/* 2c: a routine in .text, alone on its page */
__asm__(".section .text.smc_page, \"ax\"\n"
        ".p2align 12\n"
        ".globl text_smc\n"
        "text_smc:\n"
        "\tmovl $0x11111111, %eax\n"
        "\tret\n"
        ".p2align 12\n"
        ".text\n");
extern unsigned char text_smc[];

static unsigned char *rwx(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("mmap rwx failed: %s\n", errname(errno));
        exit(1);
    }
    return p;
}

/* mov $imm, %eax ; ret */
static void emit_mov_ret(unsigned char *p, uint32_t imm)
{
    p[0] = 0xb8;
    memcpy(p + 1, &imm, 4);
    p[5] = 0xc3;
}

static void case1(void)
{
    printf("== 1. stores into an RWX buffer between calls\n");
    unsigned char *p = rwx(4096);
    emit_mov_ret(p, 0x1234);
    printf("first: %#x\n", ((fn0)p)());
    emit_mov_ret(p, 0x5678);
    printf("new immediate: %#x\n", ((fn0)p)());
    static const unsigned char xor_inc[] = {0x31, 0xc0, 0x40, 0x40, 0x40, 0xc3}; /* xor; inc x3; ret */
    memcpy(p, xor_inc, sizeof xor_inc);
    printf("new instructions: %u\n", ((fn0)p)());
    /* a byte-granular change in the middle of the block */
    p[3] = 0x48; /* second inc -> dec */
    printf("one opcode byte changed: %u\n", ((fn0)p)());
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 200; i++) {
        emit_mov_ret(p + (i % 3) * 64, i * 3);
        sum += ((fn0)(p + (i % 3) * 64))();
    }
    printf("200 rewrite+call rounds: sum %u\n", sum);
    /* code and data on the same page: write data next to code that keeps running */
    emit_mov_ret(p, 0xabc);
    uint32_t s2 = 0;
    for (int i = 0; i < 100; i++) {
        p[2048 + i] = (unsigned char)i;
        s2 += ((fn0)p)();
    }
    printf("data stores next to unchanged code: %u\n", s2);
    munmap(p, 4096);
}

static void case2(void)
{
    printf("== 2. patching code in the running loop\n");
    unsigned char *p = rwx(4096);
    memcpy(p, smc_loop_a, (size_t)(smc_loop_a_end - smc_loop_a));
    printf("a) patched immediate used next iteration: %u (expect 45)\n", ((fn0)p)());
    printf("a) second call (starts with the last patched value 10): %u\n", ((fn0)p)());
    memcpy(p + 512, smc_loop_b, (size_t)(smc_loop_b_end - smc_loop_b));
    printf("b) patched immediate is the next instruction: %u (expect 55)\n", ((fn0)(p + 512))());
    memcpy(p + 1024, smc_opcode, (size_t)(smc_opcode_end - smc_opcode));
    printf("b') next instruction's opcode rewritten: %d\n", (int)((fn0)(p + 1024))());
    munmap(p, 4096);

    uintptr_t page = (uintptr_t)text_smc & ~(uintptr_t)4095;
    printf("c) .text routine before: %#x\n", ((fn0)text_smc)());
    int r = mprotect((void *)page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
    printf("c) mprotect .text page RWX: %s\n", r ? errname(errno) : "ok");
    if (r == 0) {
        uint32_t imm = 0x22222222;
        memcpy(text_smc + 1, &imm, 4);
        printf("c) after patching the immediate: %#x\n", ((fn0)text_smc)());
        imm = 0x33333333;
        memcpy(text_smc + 1, &imm, 4);
        mprotect((void *)page, 4096, PROT_READ | PROT_EXEC);
        printf("c) patched again, page back to RX: %#x\n", ((fn0)text_smc)());
    }
}

static void case3(void)
{
    printf("== 3. unmap and remap code at the same address\n");
    unsigned char *p = rwx(4096);
    emit_mov_ret(p, 0xaaaa);
    printf("old mapping: %#x\n", ((fn0)p)());
    munmap(p, 4096);
    unsigned char *q = mmap(p, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("remapped at the same address: %s\n", yesno(q == p));
    emit_mov_ret(q, 0xbbbb);
    printf("new mapping: %#x\n", ((fn0)q)());
    /* MAP_FIXED over a live code mapping, without munmap */
    q = mmap(p, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    emit_mov_ret(q, 0xcccc);
    printf("MAP_FIXED over live code: %#x\n", ((fn0)q)());

    /* file-backed code */
    unsigned char code[4096];
    memset(code, 0xcc, sizeof code);
    emit_mov_ret(code, 0x1111f11e);
    int fd = open("code1.bin", O_RDWR | O_CREAT | O_TRUNC, 0700);
    if (write(fd, code, sizeof code) != (ssize_t)sizeof code) printf("write failed\n");
    close(fd);
    emit_mov_ret(code, 0x2222f11e);
    fd = open("code2.bin", O_RDWR | O_CREAT | O_TRUNC, 0700);
    if (write(fd, code, sizeof code) != (ssize_t)sizeof code) printf("write failed\n");
    close(fd);
    fd = open("code1.bin", O_RDONLY);
    unsigned char *f = mmap(p, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fd, 0);
    close(fd);
    printf("file code1 mapped RX: %#x\n", ((fn0)f)());
    fd = open("code2.bin", O_RDONLY);
    f = mmap(p, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fd, 0);
    close(fd);
    printf("file code2 mapped over it: %#x\n", ((fn0)f)());
    munmap(f, 4096);
}

static void case4(void)
{
    printf("== 4. code written by the kernel (read/pread into an executed buffer)\n");
    unsigned char *p = rwx(4096);
    emit_mov_ret(p, 0x10);
    printf("before: %#x\n", ((fn0)p)());
    unsigned char code[6];
    emit_mov_ret(code, 0x20);
    int fd = open("code3.bin", O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (write(fd, code, 6) != 6) printf("write failed\n");
    emit_mov_ret(code, 0x30);
    if (write(fd, code, 6) != 6) printf("write failed\n");
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, p, 6);
    printf("read() %zd bytes over the code: %#x\n", n, ((fn0)p)());
    n = pread(fd, p, 6, 6);
    printf("pread() %zd bytes over the code: %#x\n", n, ((fn0)p)());
    close(fd);
    munmap(p, 4096);
}

static void case5(void)
{
    printf("== 5. W^X: RW -> RX -> RW -> RX\n");
    unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint32_t sum = 0;
    for (uint32_t i = 1; i <= 5; i++) {
        mprotect(p, 4096, PROT_READ | PROT_WRITE);
        emit_mov_ret(p, i * 100);
        mprotect(p, 4096, PROT_READ | PROT_EXEC);
        uint32_t v = ((fn0)p)();
        sum += v;
        printf("round %u: %u\n", i, v);
    }
    printf("sum %u\n", sum);
    munmap(p, 4096);
}

static void case6(void)
{
    printf("== 6. mremap a code buffer\n");
    unsigned char *p = rwx(4096);
    memcpy(p, smc_loop_a, (size_t)(smc_loop_a_end - smc_loop_a));
    printf("before mremap: %u\n", ((fn0)p)());
    /* block the next page so growing must move */
    unsigned char *blocker = mmap(p + 4096, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    unsigned char *q = mremap(p, 4096, 65536, MREMAP_MAYMOVE);
    printf("mremap moved: %s\n", yesno(q != MAP_FAILED && q != p));
    if (q != MAP_FAILED) {
        /* the copy keeps the value patched by the first run (10): the sum is 10+1+...+9 = 55 */
        printf("at the new address: %u\n", ((fn0)q)());
        emit_mov_ret(q, 0x600d);
        printf("patched at the new address: %#x\n", ((fn0)q)());
        munmap(q, 65536);
    }
    if (blocker != MAP_FAILED) munmap(blocker, 4096);
}

static void case7(void)
{
    printf("== 7. an instruction across a page boundary\n");
    unsigned char *p = rwx(8192);
    unsigned char *insn = p + 4096 - 3; /* b8 xx xx | xx xx c3 */
    emit_mov_ret(insn, 0x44332211);
    printf("before: %#x\n", ((fn0)insn)());
    p[4096 + 1] = 0x99; /* byte 3 of the immediate, on the second page */
    printf("second page byte changed: %#x\n", ((fn0)insn)());
    p[4096 - 2] = 0x77; /* byte 0 of the immediate, on the first page */
    printf("first page byte changed: %#x\n", ((fn0)insn)());
    munmap(p, 8192);
}

static void case8(void)
{
    printf("== 8. one file mapped twice: RX view and RW view (shared)\n");
    int fd = open("code4.bin", O_RDWR | O_CREAT | O_TRUNC, 0700);
    if (ftruncate(fd, 4096) != 0) printf("ftruncate failed\n");
    unsigned char *rw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    unsigned char *rx = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    close(fd);
    if (rw == MAP_FAILED || rx == MAP_FAILED) {
        printf("mmap failed: %s\n", errname(errno));
        return;
    }
    printf("distinct views: %s\n", yesno(rw != rx));
    emit_mov_ret(rw, 0x1001);
    printf("written via RW, run via RX: %#x\n", ((fn0)rx)());
    emit_mov_ret(rw, 0x2002);
    printf("rewritten via RW, run via RX: %#x\n", ((fn0)rx)());
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 50; i++) {
        emit_mov_ret(rw + 64, i);
        sum += ((fn0)(rx + 64))();
    }
    printf("50 alias rewrites: sum %u\n", sum);
    munmap(rw, 4096);
    munmap(rx, 4096);
}

int main(void)
{
    case1();
    case2();
    case3();
    case4();
    case5();
    case6();
    case7();
    case8();
    return 0;
}
