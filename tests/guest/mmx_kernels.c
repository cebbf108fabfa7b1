/* MMX as compilers emit it: pixel kernels written with <mmintrin.h>/<xmmintrin.h> intrinsics
 * (saturating blends, averages, sums of absolute differences, 16-bit multiply-accumulate, packs,
 * shuffles, word inserts/extracts, movemask), interleaved with x87 arithmetic and glibc's printf
 * of doubles after _mm_empty (EMMS), and a deliberate missing-EMMS case whose x87 stack overflow
 * shows up as a NaN and an IE flag. Output: per-kernel checksums and sample vectors.
 */
#include <mmintrin.h>
#include <xmmintrin.h>

#include "fpu_guest.h"

#define MMX __attribute__((target("mmx,sse"), noinline))

static uint8_t img_a[256], img_b[256], out[256];
static int16_t coef[64], samp[64];

static uint32_t checksum(const uint8_t *p, int n)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

MMX static void blend(void)
{
    for (int i = 0; i < 256; i += 8) {
        __m64 a = *(__m64 *)&img_a[i], b = *(__m64 *)&img_b[i];
        __m64 s = _mm_adds_pu8(a, b);
        __m64 d = _mm_subs_pu8(a, b);
        __m64 avg = _mm_avg_pu8(s, d);
        __m64 mx = _mm_max_pu8(avg, _mm_min_pu8(a, b));
        *(__m64 *)&out[i] = _mm_xor_si64(mx, _mm_cmpgt_pi8(a, b));
    }
    _mm_empty();
}

MMX static uint32_t sad(void)
{
    uint32_t total = 0;
    for (int i = 0; i < 256; i += 8) {
        __m64 v = _mm_sad_pu8(*(__m64 *)&img_a[i], *(__m64 *)&img_b[i]);
        total += (uint32_t)_mm_cvtsi64_si32(v);
    }
    _mm_empty();
    return total;
}

MMX static int32_t dot(void)
{
    __m64 acc = _mm_setzero_si64();
    for (int i = 0; i < 64; i += 4) {
        __m64 p = _mm_madd_pi16(*(__m64 *)&coef[i], *(__m64 *)&samp[i]);
        acc = _mm_add_pi32(acc, p);
    }
    int32_t lo = _mm_cvtsi64_si32(acc);
    int32_t hi = _mm_cvtsi64_si32(_mm_srli_si64(acc, 32));
    _mm_empty();
    return lo + hi;
}

MMX static void packs_shuffles(uint8_t res[48])
{
    __m64 w = *(__m64 *)&coef[4], x = *(__m64 *)&samp[8];
    *(__m64 *)&res[0] = _mm_packs_pi16(w, x);
    *(__m64 *)&res[8] = _mm_packs_pu16(w, x);
    *(__m64 *)&res[16] = _mm_packs_pi32(w, x);
    *(__m64 *)&res[24] = _mm_unpackhi_pi8(w, x);
    *(__m64 *)&res[32] = _mm_shuffle_pi16(_mm_mulhi_pu16(w, x), 0x4e);
    __m64 ins = _mm_insert_pi16(_mm_mullo_pi16(w, x), _mm_extract_pi16(x, 3), 1);
    *(__m64 *)&res[40] = _mm_sra_pi16(ins, _mm_cvtsi32_si64(3));
    res[47] = (uint8_t)_mm_movemask_pi8(_mm_cmpeq_pi16(w, x));
    _mm_empty();
}

/* An MMX write without EMMS leaves every x87 register tagged valid: the next FLD overflows
 * (IE, SF, C1) and pushes the indefinite QNaN. */
MMX static void missing_emms(void)
{
    static const uint64_t v = 0x0000000100000002ull;
    static const double d = 2.0;
    uint16_t sw;
    uint64_t r, m;
    __asm__ volatile("movq %3, %%mm0\n\tpaddd %%mm0, %%mm0\n\tmovq %%mm0, %2\n\tfldl %4\n\tfnstsw %0\n\t"
                     "fstpl %1\n\tfnclex\n\temms"
                     : "=m"(sw), "=m"(r), "=m"(m)
                     : "m"(v), "m"(d)
                     : "mm0");
    printf("missing emms: sw=%04x loaded=%016llx mmx=%016llx\n", sw, (unsigned long long)r, (unsigned long long)m);
}

int main(void)
{
    for (int i = 0; i < 256; i++) {
        img_a[i] = (uint8_t)(i * 37 + 11);
        img_b[i] = (uint8_t)(255 - i * 13);
    }
    for (int i = 0; i < 64; i++) {
        coef[i] = (int16_t)(i * 977 - 30000);
        samp[i] = (int16_t)((i * i * 131) ^ 0x5a5a);
    }
    double scale = 1.0;
    for (int round = 0; round < 4; round++) {
        blend();
        uint32_t s = sad();
        int32_t d = dot();
        scale = scale * 1.25 + (double)s / 1e5;   /* x87 between the MMX kernels */
        printf("round %d: blend %08x sad %u dot %d scale %.17g\n", round, checksum(out, 256), s, d, scale);
        for (int i = 0; i < 256; i++) img_a[i] = (uint8_t)(img_a[i] + out[i]);
    }
    uint8_t res[48];
    packs_shuffles(res);
    printf("packs/shuffles:");
    for (int k = 0; k < 48; k++) printf("%s%02x", k % 8 ? "" : " ", res[k]);
    printf("\n");
    missing_emms();
    printf("after emms: %.6f %a\n", scale / 3.0, scale);
    return 0;
}
