/* vm: a small stack-machine bytecode interpreter (switch dispatch -> indirect jumps through a
 * table) running a sieve of Eratosthenes and a doubly recursive fib written in its bytecode.
 * Stresses the guest's indirect branches, which interpreters and JITs both find hard. */
#include "bench_common.h"

enum Op {
    OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_LT, OP_EQ, OP_JZ, OP_JNZ, OP_JMP,
    OP_CALL, OP_RET, OP_MLOAD, OP_MSTORE, OP_POP, OP_DUP, OP_XOR, OP_HALT,
};

enum { kCodeMax = 1024, kStack = 4096, kFrames = 1024, kLocals = 4, kMem = 1 << 16 };

static int32_t code[kCodeMax];
static int ncode;

static int emit(int32_t v) {
    code[ncode] = v;
    return ncode++;
}
static int emit2(int32_t op, int32_t arg) {
    emit(op);
    return emit(arg); /* returns the operand's index, for back-patching */
}

typedef struct {
    int32_t ret_pc;
    int32_t locals[kLocals];
} Frame;

static int32_t mem[kMem];

static int32_t run(int pc) {
    int32_t st[kStack];
    Frame frames[kFrames];
    int sp = 0, fp = 0;
    frames[0].ret_pc = -1;
    for (;;) {
        int32_t op = code[pc++];
        switch (op) {
        case OP_PUSH: st[sp++] = code[pc++]; break;
        case OP_LOAD: st[sp++] = frames[fp].locals[code[pc++]]; break;
        case OP_STORE: frames[fp].locals[code[pc++]] = st[--sp]; break;
        case OP_ADD: sp--; st[sp - 1] += st[sp]; break;
        case OP_SUB: sp--; st[sp - 1] -= st[sp]; break;
        case OP_MUL: sp--; st[sp - 1] *= st[sp]; break;
        case OP_XOR: sp--; st[sp - 1] ^= st[sp]; break;
        case OP_LT: sp--; st[sp - 1] = st[sp - 1] < st[sp]; break;
        case OP_EQ: sp--; st[sp - 1] = st[sp - 1] == st[sp]; break;
        case OP_JZ: { int32_t t = code[pc++]; if (!st[--sp]) pc = t; break; }
        case OP_JNZ: { int32_t t = code[pc++]; if (st[--sp]) pc = t; break; }
        case OP_JMP: pc = code[pc]; break;
        case OP_CALL: { /* CALL target nargs: args move from the stack into the callee's locals */
            int32_t target = code[pc++], nargs = code[pc++];
            if (fp + 1 >= kFrames) { printf("vm: frame overflow\n"); exit(1); }
            Frame *f = &frames[++fp];
            f->ret_pc = pc;
            for (int i = nargs - 1; i >= 0; i--) f->locals[i] = st[--sp];
            pc = target;
            break;
        }
        case OP_RET: pc = frames[fp--].ret_pc; if (pc < 0) return st[sp - 1]; break;
        case OP_MLOAD: st[sp - 1] = mem[st[sp - 1] & (kMem - 1)]; break;
        case OP_MSTORE: sp -= 2; mem[st[sp] & (kMem - 1)] = st[sp + 1]; break; /* addr value */
        case OP_POP: sp--; break;
        case OP_DUP: st[sp] = st[sp - 1]; sp++; break;
        case OP_HALT: return sp ? st[sp - 1] : 0;
        default: printf("vm: bad opcode %d at %d\n", (int)op, pc - 1); exit(1);
        }
    }
}

/* fib(n) = n < 2 ? n : fib(n-1) + fib(n-2) */
static int build_fib(void) {
    int entry = ncode;
    emit2(OP_LOAD, 0); emit2(OP_PUSH, 2); emit(OP_LT);
    int jz = emit2(OP_JZ, 0);
    emit2(OP_LOAD, 0); emit(OP_RET);
    code[jz] = ncode;
    emit2(OP_LOAD, 0); emit2(OP_PUSH, 1); emit(OP_SUB); emit2(OP_CALL, entry); emit(1);
    emit2(OP_LOAD, 0); emit2(OP_PUSH, 2); emit(OP_SUB); emit2(OP_CALL, entry); emit(1);
    emit(OP_ADD); emit(OP_RET);
    return entry;
}

/* sieve(n): clears mem[0..n), marks composites, returns the prime count. locals: n i j count */
static int build_sieve(void) {
    int entry = ncode;
    /* i = 0; while (i < n) { mem[i] = 0; i++ } */
    emit2(OP_PUSH, 0); emit2(OP_STORE, 1);
    int clr = ncode;
    emit2(OP_LOAD, 1); emit2(OP_LOAD, 0); emit(OP_LT);
    int clr_out = emit2(OP_JZ, 0);
    emit2(OP_LOAD, 1); emit2(OP_PUSH, 0); emit(OP_MSTORE);
    emit2(OP_LOAD, 1); emit2(OP_PUSH, 1); emit(OP_ADD); emit2(OP_STORE, 1);
    emit2(OP_JMP, clr);
    code[clr_out] = ncode;
    /* count = 0; i = 2 */
    emit2(OP_PUSH, 0); emit2(OP_STORE, 3);
    emit2(OP_PUSH, 2); emit2(OP_STORE, 1);
    int loop_i = ncode;
    emit2(OP_LOAD, 1); emit2(OP_LOAD, 0); emit(OP_LT);
    int done = emit2(OP_JZ, 0);
    emit2(OP_LOAD, 1); emit(OP_MLOAD);
    int next_i_a = emit2(OP_JNZ, 0);
    emit2(OP_LOAD, 3); emit2(OP_PUSH, 1); emit(OP_ADD); emit2(OP_STORE, 3);
    emit2(OP_LOAD, 1); emit(OP_DUP); emit(OP_ADD); emit2(OP_STORE, 2); /* j = i + i */
    int loop_j = ncode;
    emit2(OP_LOAD, 2); emit2(OP_LOAD, 0); emit(OP_LT);
    int next_i_b = emit2(OP_JZ, 0);
    emit2(OP_LOAD, 2); emit2(OP_PUSH, 1); emit(OP_MSTORE);
    emit2(OP_LOAD, 2); emit2(OP_LOAD, 1); emit(OP_ADD); emit2(OP_STORE, 2);
    emit2(OP_JMP, loop_j);
    code[next_i_a] = code[next_i_b] = ncode;
    emit2(OP_LOAD, 1); emit2(OP_PUSH, 1); emit(OP_ADD); emit2(OP_STORE, 1);
    emit2(OP_JMP, loop_i);
    code[done] = ncode;
    emit2(OP_LOAD, 3); emit(OP_RET);
    return entry;
}

int main(void) {
    enum { kReps = 20, kSieveN = 60000, kFibN = 27 };
    int fib = build_fib(), sieve = build_sieve();
    /* main: acc = 0; for (r = 0; r < kReps; r++) acc = acc * 31 ^ sieve(N - r) ^ fib(K); halt acc
     * locals: 0 = r, 1 = acc */
    int entry = ncode;
    emit2(OP_PUSH, 0); emit2(OP_STORE, 0);
    emit2(OP_PUSH, 0); emit2(OP_STORE, 1);
    int loop = ncode;
    emit2(OP_LOAD, 0); emit2(OP_PUSH, kReps); emit(OP_LT);
    int out = emit2(OP_JZ, 0);
    emit2(OP_LOAD, 1); emit2(OP_PUSH, 31); emit(OP_MUL);
    emit2(OP_PUSH, kSieveN); emit2(OP_LOAD, 0); emit(OP_SUB); emit2(OP_CALL, sieve); emit(1);
    emit(OP_XOR);
    emit2(OP_PUSH, kFibN); emit2(OP_CALL, fib); emit(1);
    emit(OP_XOR); emit2(OP_STORE, 1);
    emit2(OP_LOAD, 0); emit2(OP_PUSH, 1); emit(OP_ADD); emit2(OP_STORE, 0);
    emit2(OP_JMP, loop);
    code[out] = ncode;
    emit2(OP_LOAD, 1); emit(OP_HALT);

    int32_t acc = run(entry);
    /* sanity: one direct call of each kernel */
    int stub = ncode;
    emit2(OP_PUSH, 20); emit2(OP_CALL, fib); emit(1); emit(OP_HALT);
    int32_t f20 = run(stub);
    stub = ncode;
    emit2(OP_PUSH, 10000); emit2(OP_CALL, sieve); emit(1); emit(OP_HALT);
    int32_t primes = run(stub);
    if (f20 != 6765 || primes != 1229) {
        printf("vm: SELF-TEST FAILED fib(20)=%d pi(10000)=%d\n", (int)f20, (int)primes);
        return 1;
    }
    printf("vm: reps=%d sieve_n=%d fib_n=%d acc=%08x fib20=%d pi10000=%d\n", kReps, kSieveN, kFibN,
           (uint32_t)acc, (int)f20, (int)primes);
    return 0;
}
