/* The int $0x80 gate, in plain assembly: every register but EAX survives a system call (checked
 * with distinctive values in EBX ECX EDX ESI EDI EBP and the arithmetic flags plus DF), results
 * and errors come back in EAX as -errno (ENOSYS for unknown numbers, EFAULT for bad pointers),
 * and the program leaves through the raw exit syscall with status 255.
 * All output goes through raw write(2) via int $0x80; glibc only provides the startup code.
 */
    .section .rodata
hexdigits:  .ascii "0123456789abcdef"
s_title:    .asciz "int $0x80 register preservation\n"
s_eax:      .asciz " eax="
s_ebx:      .asciz " ebx="
s_ecx:      .asciz " ecx="
s_edx:      .asciz " edx="
s_esi:      .asciz " esi="
s_edi:      .asciz " edi="
s_ebp:      .asciz " ebp="
s_fl:       .asciz " flags&0xcd5="
s_nl:       .asciz "\n"
s_getpid:   .asciz "getpid (eax shown as pid>0 flag):"
s_write:    .asciz "write(1, msg, 13):"
s_msg:      .ascii "hello, int80\n"
s_nosys:    .asciz "syscall 9999:"
s_nosys2:   .asciz "syscall -1 (0xffffffff):"
s_efault:   .asciz "write(1, 1, 10):"
s_ebadf:    .asciz "close(-1):"
s_brk:      .asciz "brk(0) twice gives the same value:"
s_yes:      .asciz " yes\n"
s_no:       .asciz " no\n"
s_flags1:   .asciz "getpid with CF ZF SF OF DF set:"
s_flags2:   .asciz "getpid with all arithmetic flags clear:"
s_exit:     .asciz "exiting with raw exit(255)\n"

    .bss
    .align 4
saved:      .space 32
hexbuf:     .space 8
tmp1:       .space 4

    .text
/* print_str: NUL-terminated string at %ecx; preserves all registers and flags */
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

/* print_hex: 8 hex digits of %eax; preserves all registers and flags */
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

/* save_regs: stores eax..ebp and eflags into saved[]; call right after the gate */
#define SAVE_REGS \
    movl %eax, saved;    \
    movl %ebx, saved+4;  \
    movl %ecx, saved+8;  \
    movl %edx, saved+12; \
    movl %esi, saved+16; \
    movl %edi, saved+20; \
    movl %ebp, saved+24; \
    pushfl;              \
    popl saved+28;       \
    cld

#define SHOW(label, off) \
    movl $label, %ecx;   \
    call print_str;      \
    movl saved+off, %eax; \
    call print_hex

/* dump_saved: prints ebx..ebp and the flags (eax is printed by the caller if deterministic) */
dump_saved:
    SHOW(s_ebx, 4)
    SHOW(s_ecx, 8)
    SHOW(s_edx, 12)
    SHOW(s_esi, 16)
    SHOW(s_edi, 20)
    SHOW(s_ebp, 24)
    movl $s_fl, %ecx
    call print_str
    movl saved+28, %eax
    andl $0xcd5, %eax
    call print_hex
    movl $s_nl, %ecx
    call print_str
    ret

#define SEED_REGS \
    movl $0x11111111, %ebx; \
    movl $0x22222222, %ecx; \
    movl $0x33333333, %edx; \
    movl $0x44444444, %esi; \
    movl $0x55555555, %edi; \
    movl $0x66666666, %ebp

    .globl main
main:
    movl $s_title, %ecx
    call print_str

    /* getpid: eax is the pid (not printed), everything else must survive */
    pushl %ebp
    SEED_REGS
    movl $20, %eax
    int $0x80
    SAVE_REGS
    popl %ebp
    movl $s_getpid, %ecx
    call print_str
    movl saved, %eax
    testl %eax, %eax
    setg %al
    movzbl %al, %eax
    call print_hex
    call dump_saved

    /* write(1, msg, 13): arguments in ebx ecx edx come back unchanged */
    movl $s_write, %ecx
    call print_str
    movl $s_nl, %ecx
    call print_str
    pushl %ebp
    movl $0x44444444, %esi
    movl $0x55555555, %edi
    movl $0x66666666, %ebp
    movl $1, %ebx
    movl $s_msg, %ecx
    movl $13, %edx
    movl $4, %eax
    int $0x80
    SAVE_REGS
    popl %ebp
    movl $s_eax, %ecx
    call print_str
    movl saved, %eax
    call print_hex
    movl saved+8, %eax
    subl $s_msg, %eax         /* ecx relative to msg: 0 */
    movl %eax, saved+8
    call dump_saved

    /* unknown syscall numbers: -ENOSYS */
    movl $s_nosys, %ecx
    call print_str
    pushl %ebp
    SEED_REGS
    movl $9999, %eax
    int $0x80
    SAVE_REGS
    popl %ebp
    SHOW(s_eax, 0)
    call dump_saved
    movl $s_nosys2, %ecx
    call print_str
    pushl %ebp
    SEED_REGS
    movl $-1, %eax
    int $0x80
    SAVE_REGS
    popl %ebp
    SHOW(s_eax, 0)
    call dump_saved

    /* bad pointer: -EFAULT; bad fd: -EBADF */
    movl $s_efault, %ecx
    call print_str
    pushl %ebp
    SEED_REGS
    movl $1, %ebx
    movl $1, %ecx
    movl $10, %edx
    movl $4, %eax
    int $0x80
    SAVE_REGS
    popl %ebp
    SHOW(s_eax, 0)
    call dump_saved
    movl $s_ebadf, %ecx
    call print_str
    pushl %ebp
    SEED_REGS
    movl $-1, %ebx
    movl $6, %eax
    int $0x80
    SAVE_REGS
    popl %ebp
    SHOW(s_eax, 0)
    call dump_saved

    /* brk(0) is stable */
    movl $s_brk, %ecx
    call print_str
    movl $45, %eax
    xorl %ebx, %ebx
    int $0x80
    movl %eax, tmp1
    movl $45, %eax
    xorl %ebx, %ebx
    int $0x80
    movl $s_yes, %ecx
    cmpl tmp1, %eax
    je 1f
    movl $s_no, %ecx
1:  call print_str

    /* EFLAGS survive the gate, DF included */
    movl $s_flags1, %ecx
    call print_str
    pushl %ebp
    SEED_REGS
    pushl $0x08c3             /* OF DF SF ZF CF + bit 1 */
    popfl
    movl $20, %eax
    int $0x80
    SAVE_REGS
    popl %ebp
    call dump_saved
    movl $s_flags2, %ecx
    call print_str
    pushl %ebp
    SEED_REGS
    pushl $0x0002
    popfl
    movl $20, %eax
    int $0x80
    SAVE_REGS
    popl %ebp
    call dump_saved

    movl $s_exit, %ecx
    call print_str
    movl $1, %eax             /* exit (not exit_group) */
    movl $255, %ebx
    int $0x80
    hlt                       /* not reached */

    .section .note.GNU-stack,"",@progbits
