/* String instructions MOVS STOS LODS CMPS SCAS in 8/16/32-bit widths, without prefix and with
 * REP / REPE / REPNE, forwards (CLD) and backwards (STD), including zero counts (nothing happens,
 * flags untouched), early termination of REPE/REPNE, overlapping moves in both directions, and
 * REP LODS.  For every case: final ESI/EDI as offsets into the arena, ECX, EAX, flags (all six for
 * CMPS/SCAS, which set them like CMP; all six preserved for the others) and the changed bytes.
 */
#include "guest_util.h"

#define ARENA 512
static uint8_t arena[ARENA];

struct st {
    uint32_t esi, edi, ecx, eax, fin, fout;
};

#define STR_FN(name, insn)                                                                        \
    static void name(struct st *s)                                                                \
    {                                                                                             \
        uint32_t si = s->esi, di = s->edi, c = s->ecx, a = s->eax, fin = s->fin, fo;              \
        __asm__ volatile(FLAGS_LOAD insn FLAGS_SAVE "\n\tcld"                                     \
                         : "+S"(si), "+D"(di), "+c"(c), "+a"(a), [fout] "=&d"(fo)                 \
                         : [fin] "b"(fin)                                                         \
                         : "cc", "memory");                                                       \
        s->esi = si, s->edi = di, s->ecx = c, s->eax = a, s->fout = fo;                           \
    }

#define STR_LIST(X)                                                                               \
    X(movsb, "movsb") X(movsw, "movsw") X(movsl, "movsl")                                         \
    X(rep_movsb, "rep movsb") X(rep_movsw, "rep movsw") X(rep_movsl, "rep movsl")                 \
    X(stosb, "stosb") X(stosw, "stosw") X(stosl, "stosl")                                         \
    X(rep_stosb, "rep stosb") X(rep_stosw, "rep stosw") X(rep_stosl, "rep stosl")                 \
    X(lodsb, "lodsb") X(lodsw, "lodsw") X(lodsl, "lodsl")                                         \
    X(rep_lodsb, "rep lodsb") X(rep_lodsw, "rep lodsw") X(rep_lodsl, "rep lodsl")                 \
    X(cmpsb, "cmpsb") X(cmpsw, "cmpsw") X(cmpsl, "cmpsl")                                         \
    X(repe_cmpsb, "repe cmpsb") X(repe_cmpsw, "repe cmpsw") X(repe_cmpsl, "repe cmpsl")           \
    X(repne_cmpsb, "repne cmpsb") X(repne_cmpsw, "repne cmpsw") X(repne_cmpsl, "repne cmpsl")     \
    X(scasb, "scasb") X(scasw, "scasw") X(scasl, "scasl")                                         \
    X(repe_scasb, "repe scasb") X(repe_scasw, "repe scasw") X(repe_scasl, "repe scasl")           \
    X(repne_scasb, "repne scasb") X(repne_scasw, "repne scasw") X(repne_scasl, "repne scasl")

STR_LIST(STR_FN)

static void fill(void)
{
    for (int i = 0; i < ARENA; i++) arena[i] = (uint8_t)(i * 37 + 11);
}

static void report(const char *name, const struct st *in, const struct st *out, int cmp)
{
    uint32_t base = (uint32_t)(uintptr_t)arena;
    printf("%-12s df=%d esi=%3d edi=%3d ecx=%-3u eax=%08x -> esi=%3d edi=%3d ecx=%-3u eax=%08x %s",
           name, (in->fin & F_DF) ? 1 : 0, (int)(in->esi - base), (int)(in->edi - base), in->ecx,
           in->eax, (int)(out->esi - base), (int)(out->edi - base), out->ecx, out->eax,
           fl(out->fout, F_ARITH));
    if (!cmp) {
        int shown = 0;
        for (int i = 0; i < ARENA; i++)
            if (arena[i] != (uint8_t)(i * 37 + 11)) {
                if (shown++ < 48) printf(" %d:%02x", i, arena[i]);
            }
        if (shown > 48) printf(" ...(%d changed)", shown);
    }
    if (((out->fout ^ in->fin) & F_DF)) printf(" DF-CHANGED");
    printf("\n");
}

static void run(const char *name, void (*fn)(struct st *), int esi, int edi, uint32_t ecx,
                uint32_t eax, int df, int flagsset, int cmp)
{
    struct st in, out;
    uint32_t base = (uint32_t)(uintptr_t)arena;
    in.esi = base + (uint32_t)esi;
    in.edi = base + (uint32_t)edi;
    in.ecx = ecx;
    in.eax = eax;
    in.fin = (flagsset ? FIN_SET : FIN_CLEAR) | (df ? F_DF : 0);
    out = in;
    fn(&out);
    report(name, &in, &out, cmp);
}

#define RUN(fn, ...) run(#fn, fn, __VA_ARGS__)

static void moves(void)
{
    printf("== movs\n");
    for (int df = 0; df < 2; df++) {
        fill();
        RUN(movsb, 10, 300, 99, 0, df, df, 0);
        fill();
        RUN(movsw, 10, 300, 99, 0, df, !df, 0);
        fill();
        RUN(movsl, 10, 300, 99, 0, df, df, 0);
    }
    static const uint32_t counts[] = {0, 1, 7, 33};
    for (int df = 0; df < 2; df++)
        for (unsigned k = 0; k < 4; k++) {
            int s = df ? 200 : 16, d = df ? 450 : 260;
            fill();
            RUN(rep_movsb, s, d, counts[k], 0, df, k & 1, 0);
            fill();
            RUN(rep_movsw, s, d, counts[k], 0, df, !(k & 1), 0);
            fill();
            RUN(rep_movsl, s, d, counts[k], 0, df, k & 1, 0);
        }
    printf("== overlapping rep movs\n");
    fill();
    RUN(rep_movsb, 100, 101, 20, 0, 0, 0, 0); /* forward, dst = src+1: smears byte 100 */
    fill();
    RUN(rep_movsb, 101, 100, 20, 0, 0, 0, 0); /* forward, dst = src-1: plain shift */
    fill();
    RUN(rep_movsb, 119, 120, 20, 0, 1, 0, 0); /* backward, dst = src+1: memmove-style */
    fill();
    RUN(rep_movsl, 100, 102, 6, 0, 0, 1, 0);  /* dwords overlapping by 2 bytes */
    fill();
    RUN(rep_movsw, 140, 139, 9, 0, 1, 1, 0);  /* backward, dst = src-1 */
}

static void stores_loads(void)
{
    printf("== stos\n");
    for (int df = 0; df < 2; df++) {
        fill();
        RUN(stosb, 0, 50, 3, 0x11223344, df, 0, 0);
        fill();
        RUN(stosw, 0, 50, 3, 0x11223344, df, 1, 0);
        fill();
        RUN(stosl, 0, 50, 3, 0x11223344, df, 0, 0);
        fill();
        RUN(rep_stosb, 0, 60, 5, 0xaabbccdd, df, 1, 0);
        fill();
        RUN(rep_stosw, 0, 60, 5, 0xaabbccdd, df, 0, 0);
        fill();
        RUN(rep_stosl, 0, 60, 5, 0xaabbccdd, df, 1, 0);
        fill();
        RUN(rep_stosl, 0, 60, 0, 0xaabbccdd, df, 1, 0);
    }
    printf("== lods (eax preset; upper bits must survive the 8/16-bit forms)\n");
    for (int df = 0; df < 2; df++) {
        fill();
        RUN(lodsb, 33, 0, 7, 0xdeadbeef, df, 0, 1);
        RUN(lodsw, 33, 0, 7, 0xdeadbeef, df, 1, 1);
        RUN(lodsl, 33, 0, 7, 0xdeadbeef, df, 0, 1);
        RUN(rep_lodsb, 33, 0, 3, 0xdeadbeef, df, 1, 1);
        RUN(rep_lodsw, 33, 0, 3, 0xdeadbeef, df, 0, 1);
        RUN(rep_lodsl, 33, 0, 3, 0xdeadbeef, df, 1, 1);
        RUN(rep_lodsl, 33, 0, 0, 0xdeadbeef, df, 1, 1);
    }
}

static void compares(void)
{
    printf("== cmps (arena[256+i] = arena[i] except where patched)\n");
    for (int df = 0; df < 2; df++) {
        fill();
        memcpy(arena + 256, arena, 256);
        arena[256 + 20] ^= 0x80;  /* first difference at 20 */
        arena[256 + 40] ^= 0x01;  /* another at 40 */
        int s = df ? 30 : 10, d = df ? 286 : 266;
        RUN(cmpsb, s, d, 5, 0, df, 1, 1);
        RUN(cmpsw, s, d, 5, 0, df, 0, 1);
        RUN(cmpsl, s, d, 5, 0, df, 1, 1);
        RUN(repe_cmpsb, s, d, 30, 0, df, 0, 1);   /* stops at the difference */
        RUN(repe_cmpsw, s, d, 30, 0, df, 1, 1);
        RUN(repe_cmpsl, s, d, 30, 0, df, 0, 1);
        RUN(repe_cmpsb, s, d, 5, 0, df, 1, 1);    /* count runs out, all equal */
        RUN(repe_cmpsb, s, d, 0, 0, df, 1, 1);    /* zero count: flags untouched */
        RUN(repne_cmpsb, s, d, 0, 0, df, 0, 1);
        RUN(repe_cmpsl, 20, 276, 3, 0, df, 1, 1); /* first element differs */
        memset(arena + 256 + 36, 0x99, 10); /* 36..45 differ */
        s = df ? 45 : 36, d = s + 256;
        RUN(repne_cmpsb, s, d, 30, 0, df, 0, 1); /* different until a match */
        s = df ? 44 : 36, d = s + 256;
        RUN(repne_cmpsw, s, d, 30, 0, df, 1, 1);
        s = df ? 42 : 36, d = s + 256;
        RUN(repne_cmpsl, s, d, 30, 0, df, 0, 1);
    }
}

static void scans(void)
{
    printf("== scas\n");
    for (int df = 0; df < 2; df++) {
        fill();
        memset(arena + 100, 'a', 50);
        arena[df ? 110 : 140] = 0;
        memcpy(arena + 200, "\x34\x12\x78\x56\x00\x00\xff\xff\x00\x80", 10);
        int e = df ? 149 : 100;
        RUN(scasb, e, e, 9, 0x61, df, 0, 1);
        RUN(scasb, e, e, 9, 0x62, df, 1, 1);
        RUN(repne_scasb, 0, e, 60, 0, df, 0, 1);          /* strlen-style: finds the 0 */
        RUN(repne_scasb, 0, e, 20, 0, df, 1, 1);          /* not found within the count */
        RUN(repe_scasb, 0, e, 60, 0xffffff61, df, 0, 1);  /* skip the 'a's */
        RUN(repe_scasb, 0, e, 0, 0x61, df, 0, 1);         /* zero count */
        RUN(scasw, 0, 200, 1, 0x1234, df, 0, 1);
        RUN(scasl, 0, 200, 1, 0x56781234, df, 1, 1);
        RUN(scasl, 0, 200, 1, 0x56781235, df, 1, 1);
        RUN(repne_scasw, 0, df ? 208 : 200, 5, 0xffff, df, 0, 1);
        RUN(repe_scasw, 0, 204, 3, 0, df, 0, 1);
        RUN(repne_scasl, 0, 200, 3, 0x8000ffff, df, 1, 1);
        RUN(repe_scasl, 0, 200, 3, 0x56781234, df, 1, 1);
    }
}

int main(void)
{
    printf("flags legend: C P A Z S O; '-' clear\n");
    moves();
    stores_loads();
    compares();
    scans();
    uint32_t f = read_eflags();
    printf("DF clear at exit: %s\n", yesno(!(f & F_DF)));
    return 0;
}
