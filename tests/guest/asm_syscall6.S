/* Five- and six-argument system calls through both i386 gates, in plain assembly:
 *   gate 0: int $0x80
 *   gate 1: call *AT_SYSINFO (__kernel_vsyscall in the vDSO: sysenter; the kernel takes the
 *           sixth argument from the stack slot the vDSO saved EBP to)
 * mmap2 with EBP = page offset (1, 2 and 0x140000 = 5 GiB), _llseek (64-bit offset in ECX:EDX,
 * result through ESI), pread64/pwrite64 (offset in ESI:EDI), ftruncate64; after each call every
 * register but EAX is printed and must be unchanged.
 */
#define O_FLAGS 0x8242          /* O_RDWR|O_CREAT|O_TRUNC|O_LARGEFILE */

    .section .rodata
hexdigits:  .ascii "0123456789abcdef"
path:       .asciz "six.bin"
s_gate0:    .asciz "== gate: int $0x80\n"
s_gate1:    .asciz "== gate: call *AT_SYSINFO (vDSO)\n"
s_sysinfo:  .asciz "AT_SYSINFO present:"
s_open:     .asciz "open six.bin:"
s_write:    .asciz "write 3 pages:"
s_ftr:      .asciz "ftruncate64 to 5GiB+4KiB:"
s_pw:       .asciz "pwrite64 'far!' at 5GiB:"
s_mm1:      .asciz "mmap2 pgoff=1:"
s_mm2:      .asciz "mmap2 pgoff=2:"
s_mm3:      .asciz "mmap2 pgoff=0x140000:"
s_mmbad:    .asciz "mmap2 fd=-1 without MAP_ANONYMOUS:"
s_unmap:    .asciz "munmap:"
s_llseek:   .asciz "_llseek(fd, 0:0x2000, &res, SEEK_SET):"
s_res:      .asciz " res="
s_pread:    .asciz "pread64 1 byte at 0x1001:"
s_byte:     .asciz " first dword="
s_ok:       .asciz " ok="
s_eax:      .asciz " eax="
s_ebx:      .asciz " ebx="
s_ecx:      .asciz " ecx="
s_edx:      .asciz " edx="
s_esi:      .asciz " esi="
s_edi:      .asciz " edi="
s_ebp:      .asciz " ebp="
s_nl:       .asciz "\n"
far:        .ascii "far!"

    .data
    .align 4
gate_fn:    .long int80_stub
sysinfo:    .long 0
fd:         .long 0

    .bss
    .align 4
saved:      .space 32
hexbuf:     .space 8
llres:      .space 8
pbuf:       .space 4
buf:        .space 12288

    .text
int80_stub:
    int $0x80
    ret

print_str:
    pushfl
    pushal
    cld
    movl %ecx, %esi
    movl %ecx, %edi
    xorl %eax, %eax
    movl $-1, %ecx
    repne scasb
    notl %ecx
    decl %ecx
    movl %ecx, %edx
    movl %esi, %ecx
    movl $4, %eax
    movl $1, %ebx
    int $0x80
    popal
    popfl
    ret

print_hex:
    pushfl
    pushal
    movl $hexbuf+8, %edi
    movl $8, %ecx
1:  decl %edi
    movl %eax, %edx
    andl $15, %edx
    movb hexdigits(%edx), %dl
    movb %dl, (%edi)
    shrl $4, %eax
    loop 1b
    movl $4, %eax
    movl $1, %ebx
    movl $hexbuf, %ecx
    movl $8, %edx
    int $0x80
    popal
    popfl
    ret

#define SAVE_REGS \
    movl %eax, saved;    \
    movl %ebx, saved+4;  \
    movl %ecx, saved+8;  \
    movl %edx, saved+12; \
    movl %esi, saved+16; \
    movl %edi, saved+20; \
    movl %ebp, saved+24

#define SHOW(label, off) \
    movl $label, %ecx;   \
    call print_str;      \
    movl saved+off, %eax; \
    call print_hex

/* registers other than eax; pointer arguments are shown relative to their buffers by the caller */
dump_regs:
    SHOW(s_ebx, 4)
    SHOW(s_ecx, 8)
    SHOW(s_edx, 12)
    SHOW(s_esi, 16)
    SHOW(s_edi, 20)
    SHOW(s_ebp, 24)
    movl $s_nl, %ecx
    call print_str
    ret

/* mmap2_test: pgoff in %eax; maps one page PROT_READ MAP_PRIVATE of fd at pgoff, prints the
 * first dword and the registers, unmaps */
mmap2_test:
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %eax, %ebp            /* arg 6: page offset */
    xorl %ebx, %ebx            /* addr */
    movl $4096, %ecx           /* len */
    movl $1, %edx              /* PROT_READ */
    movl $2, %esi              /* MAP_PRIVATE */
    movl fd, %edi              /* fd */
    movl $192, %eax            /* mmap2 */
    call *gate_fn
    SAVE_REGS
    movl $s_byte, %ecx
    call print_str
    movl saved, %eax
    cmpl $0xfffff000, %eax
    jae 1f
    movl (%eax), %eax          /* first dword of the mapped page */
1:  call print_hex
    call dump_regs
    movl saved, %ebx
    cmpl $0xfffff000, %ebx
    jae 2f
    movl $s_unmap, %ecx
    call print_str
    movl $4096, %ecx
    movl $91, %eax             /* munmap */
    call *gate_fn
    call print_hex
    movl $s_nl, %ecx
    call print_str
2:  popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

/* run_all: the whole sequence through the current gate_fn */
run_all:
    pushl %ebp
    /* open */
    movl $s_open, %ecx
    call print_str
    movl $path, %ebx
    movl $O_FLAGS, %ecx
    movl $0644, %edx
    movl $0x77777777, %esi
    movl $0x88888888, %edi
    movl $0x99999999, %ebp
    movl $5, %eax
    call *gate_fn
    movl %eax, fd
    SAVE_REGS
    SHOW(s_eax, 0)
    subl $path, saved+4
    call dump_regs
    /* write 3 pages: 'A'*4096 'B'*4096 'C'*4096 */
    cld
    movl $buf, %edi
    movl $4096, %ecx
    movb $'A', %al
    rep stosb
    movl $4096, %ecx
    movb $'B', %al
    rep stosb
    movl $4096, %ecx
    movb $'C', %al
    rep stosb
    movl $s_write, %ecx
    call print_str
    movl fd, %ebx
    movl $buf, %ecx
    movl $12288, %edx
    movl $0x77777777, %esi
    movl $0x88888888, %edi
    movl $0x99999999, %ebp
    movl $4, %eax
    call *gate_fn
    SAVE_REGS
    SHOW(s_eax, 0)
    subl $buf, saved+8
    call dump_regs
    /* ftruncate64(fd, lo=0x40001000, hi=1) */
    movl $s_ftr, %ecx
    call print_str
    movl fd, %ebx
    movl $0x40001000, %ecx
    movl $1, %edx
    movl $0x77777777, %esi
    movl $0x88888888, %edi
    movl $0x99999999, %ebp
    movl $194, %eax
    call *gate_fn
    SAVE_REGS
    SHOW(s_eax, 0)
    call dump_regs
    /* pwrite64(fd, far, 4, lo=0x40000000, hi=1) */
    movl $s_pw, %ecx
    call print_str
    movl fd, %ebx
    movl $far, %ecx
    movl $4, %edx
    movl $0x40000000, %esi
    movl $1, %edi
    movl $0x99999999, %ebp
    movl $181, %eax
    call *gate_fn
    SAVE_REGS
    SHOW(s_eax, 0)
    subl $far, saved+8
    call dump_regs
    /* mmap2 with three page offsets */
    movl $s_mm1, %ecx
    call print_str
    movl $1, %eax
    call mmap2_test
    movl $s_mm2, %ecx
    call print_str
    movl $2, %eax
    call mmap2_test
    movl $s_mm3, %ecx
    call print_str
    movl $0x140000, %eax
    call mmap2_test
    /* mmap2 error: fd -1 without MAP_ANONYMOUS -> -EBADF */
    movl $s_mmbad, %ecx
    call print_str
    xorl %ebx, %ebx
    movl $4096, %ecx
    movl $1, %edx
    movl $2, %esi
    movl $-1, %edi
    xorl %ebp, %ebp
    movl $192, %eax
    call *gate_fn
    SAVE_REGS
    SHOW(s_eax, 0)
    call dump_regs
    /* _llseek(fd, 0, 0x2000, &llres, SEEK_SET) */
    movl $s_llseek, %ecx
    call print_str
    movl fd, %ebx
    xorl %ecx, %ecx
    movl $0x2000, %edx
    movl $llres, %esi
    xorl %edi, %edi
    movl $0x99999999, %ebp
    movl $140, %eax
    call *gate_fn
    SAVE_REGS
    SHOW(s_eax, 0)
    movl $s_res, %ecx
    call print_str
    movl llres+4, %eax
    call print_hex
    movl llres, %eax
    call print_hex
    subl $llres, saved+16
    call dump_regs
    /* pread64(fd, pbuf, 4, lo=0x1001, hi=0) */
    movl $s_pread, %ecx
    call print_str
    movl fd, %ebx
    movl $pbuf, %ecx
    movl $4, %edx
    movl $0x1001, %esi
    xorl %edi, %edi
    movl $0x99999999, %ebp
    movl $180, %eax
    call *gate_fn
    SAVE_REGS
    SHOW(s_eax, 0)
    movl $s_byte, %ecx
    call print_str
    movl pbuf, %eax
    call print_hex
    subl $pbuf, saved+8
    call dump_regs
    /* close and unlink */
    movl fd, %ebx
    movl $6, %eax
    call *gate_fn
    movl $path, %ebx
    movl $10, %eax
    call *gate_fn
    popl %ebp
    ret

    .globl main
main:
    pushl %ebp
    movl %esp, %ebp
    pushl $32                  /* AT_SYSINFO */
    call getauxval
    addl $4, %esp
    movl %eax, sysinfo
    movl $s_sysinfo, %ecx
    call print_str
    testl %eax, %eax
    setne %al
    movzbl %al, %eax
    call print_hex
    movl $s_nl, %ecx
    call print_str

    movl $s_gate0, %ecx
    call print_str
    movl $int80_stub, gate_fn
    call run_all

    movl sysinfo, %eax
    testl %eax, %eax
    jz 1f
    movl $s_gate1, %ecx
    call print_str
    movl %eax, gate_fn
    call run_all
1:
    movl $252, %eax            /* exit_group(0) */
    xorl %ebx, %ebx
    int $0x80
    hlt

    .section .note.GNU-stack,"",@progbits
