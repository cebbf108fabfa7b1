/* lzss: an LZ77/LZSS compressor (hash chains over a 64 KiB window, greedy parse with lazy-free
 * longest match) and its decompressor, round trip over generated text. Checks the round trip and
 * prints the compressed size plus checksums of both streams. Byte-granular, branchy, cache-heavy. */
#include "bench_common.h"

enum {
    kInput = 12 << 20,
    kWindowBits = 16,
    kWindow = 1 << kWindowBits,
    kHashBits = 15,
    kHashSize = 1 << kHashBits,
    kMinMatch = 3,
    kMaxMatch = 258,
    kMaxChain = 64,
};

static inline uint32_t hash3(const unsigned char *p) {
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
    return (v * 2654435761u) >> (32 - kHashBits);
}

/* Output format: groups of 8 items preceded by a flag byte (bit set = match).
 * Literal: 1 byte. Match: 2-byte little-endian distance-1, 1 byte length-kMinMatch. */
static size_t compress(const unsigned char *in, size_t n, unsigned char *out) {
    int32_t *head = xmalloc(kHashSize * sizeof *head);
    int32_t *prev = xmalloc(kWindow * sizeof *prev);
    for (int i = 0; i < kHashSize; i++) head[i] = -1;
    size_t op = 0, flag_pos = 0;
    int nitems = 8;
    size_t i = 0;
    while (i < n) {
        if (nitems == 8) {
            flag_pos = op++;
            out[flag_pos] = 0;
            nitems = 0;
        }
        size_t best_len = 0, best_dist = 0;
        if (i + kMinMatch <= n) {
            uint32_t h = hash3(in + i);
            int32_t cand = head[h];
            size_t max = n - i < kMaxMatch ? n - i : kMaxMatch;
            for (int chain = 0; cand >= 0 && chain < kMaxChain; chain++) {
                size_t dist = i - (size_t)cand;
                if (dist > kWindow) break;
                if (in[cand + best_len] == in[i + best_len]) {
                    size_t l = 0;
                    while (l < max && in[cand + l] == in[i + l]) l++;
                    if (l > best_len) {
                        best_len = l;
                        best_dist = dist;
                        if (l == max) break;
                    }
                }
                int32_t nx = prev[cand & (kWindow - 1)];
                if (nx >= cand) break; /* stale slot from an older window */
                cand = nx;
            }
        }
        size_t advance;
        if (best_len >= kMinMatch) {
            out[flag_pos] |= (unsigned char)(1u << nitems);
            out[op++] = (unsigned char)(best_dist - 1);
            out[op++] = (unsigned char)((best_dist - 1) >> 8);
            out[op++] = (unsigned char)(best_len - kMinMatch);
            advance = best_len;
        } else {
            out[op++] = in[i];
            advance = 1;
        }
        nitems++;
        /* insert every position we step over into the hash chains */
        for (size_t k = 0; k < advance; k++, i++) {
            if (i + kMinMatch <= n) {
                uint32_t h = hash3(in + i);
                prev[i & (kWindow - 1)] = head[h];
                head[h] = (int32_t)i;
            }
        }
    }
    free(head);
    free(prev);
    return op;
}

static size_t decompress(const unsigned char *in, size_t n, unsigned char *out, size_t cap) {
    size_t ip = 0, op = 0;
    while (ip < n) {
        unsigned flags = in[ip++];
        for (int b = 0; b < 8 && ip < n; b++) {
            if (flags & (1u << b)) {
                size_t dist = ((size_t)in[ip] | (size_t)in[ip + 1] << 8) + 1;
                size_t len = (size_t)in[ip + 2] + kMinMatch;
                ip += 3;
                if (dist > op || op + len > cap) {
                    printf("lzss: CORRUPT STREAM at %zu\n", ip);
                    exit(1);
                }
                for (size_t k = 0; k < len; k++, op++) out[op] = out[op - dist]; /* may overlap */
            } else {
                if (op >= cap) {
                    printf("lzss: CORRUPT STREAM at %zu\n", ip);
                    exit(1);
                }
                out[op++] = in[ip++];
            }
        }
    }
    return op;
}

static uint32_t fnv(const unsigned char *p, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = fnv1a_step(h, p[i]);
    return h;
}

int main(void) {
    unsigned char *in = xmalloc(kInput);
    unsigned char *comp = xmalloc(kInput + kInput / 8 + 16);
    unsigned char *back = xmalloc(kInput);
    gen_text(in, kInput, 2024);
    size_t clen = compress(in, kInput, comp);
    size_t dlen = decompress(comp, clen, back, kInput);
    if (dlen != kInput || memcmp(in, back, kInput) != 0) {
        printf("lzss: ROUND TRIP FAILED (%zu bytes back)\n", dlen);
        return 1;
    }
    printf("lzss: in=%d compressed=%zu (%zu.%01zu%%) input=%08x stream=%08x\n", kInput, clen,
           clen * 100 / kInput, clen * 1000 / kInput % 10, fnv(in, kInput), fnv(comp, clen));
    return 0;
}
