/* nqueens: counts all N-queens solutions for N = 1..kMaxN (kReps times) with the classic bitmask recursion.
 * Deep call/ret traffic, bit tricks (x & -x), data-dependent branches. Checked against the
 * published solution counts (OEIS A000170). */
#include "bench_common.h"

enum { kMaxN = 14, kReps = 2 };

static uint32_t solve(uint32_t all, uint32_t cols, uint32_t d1, uint32_t d2) {
    if (cols == all) return 1;
    uint32_t count = 0;
    uint32_t avail = all & ~(cols | d1 | d2);
    while (avail) {
        uint32_t bit = avail & -avail;
        avail ^= bit;
        count += solve(all, cols | bit, (d1 | bit) << 1, (d2 | bit) >> 1);
    }
    return count;
}

int main(void) {
    static const uint32_t known[] = {0, 1, 0, 0, 2, 10, 4, 40, 92, 352, 724, 2680, 14200, 73712, 365596};
    uint32_t h = 2166136261u, total = 0;
    for (int rep = 0; rep < kReps; rep++) {
        for (int n = 1; n <= kMaxN; n++) {
            uint32_t c = solve((1u << n) - 1, 0, 0, 0);
            if (c != known[n]) {
                printf("nqueens: WRONG n=%d count=%u expected=%u\n", n, c, known[n]);
                return 1;
            }
            h = fnv1a_u32(h, c);
            total += c;
        }
    }
    printf("nqueens: n=1..%d reps=%d total=%u hash=%08x\n", kMaxN, kReps, total, h);
    return 0;
}
