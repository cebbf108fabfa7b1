/* hash: FNV-1a, table-driven CRC32 (IEEE, reflected) and an xxHash32-style multiply/rotate hash,
 * each over a large pseudo-random buffer, several passes. Byte loads, shifts, xor, imul, rol. */
#include "bench_common.h"

enum { kSize = 16 << 20, kPasses = 5 };

static uint32_t crc_table[256];

static void crc32_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(uint32_t crc, const unsigned char *p, size_t n) {
    crc = ~crc;
    for (size_t i = 0; i < n; i++) crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static uint32_t fnv1a(const unsigned char *p, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = fnv1a_step(h, p[i]);
    return h;
}

/* xxHash32's round structure (same primes, rotates and avalanche), our own code. */
static inline uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }
static inline uint32_t read32(const unsigned char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
#define P1 2654435761u
#define P2 2246822519u
#define P3 3266489917u
#define P4 668265263u
#define P5 374761393u

static uint32_t xxh32_like(const unsigned char *p, size_t n, uint32_t seed) {
    const unsigned char *end = p + n;
    uint32_t h;
    if (n >= 16) {
        uint32_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
        const unsigned char *limit = end - 16;
        do {
            v1 = rotl32(v1 + read32(p) * P2, 13) * P1;
            v2 = rotl32(v2 + read32(p + 4) * P2, 13) * P1;
            v3 = rotl32(v3 + read32(p + 8) * P2, 13) * P1;
            v4 = rotl32(v4 + read32(p + 12) * P2, 13) * P1;
            p += 16;
        } while (p <= limit);
        h = rotl32(v1, 1) + rotl32(v2, 7) + rotl32(v3, 12) + rotl32(v4, 18);
    } else {
        h = seed + P5;
    }
    h += (uint32_t)n;
    for (; p + 4 <= end; p += 4) h = rotl32(h + read32(p) * P3, 17) * P4;
    for (; p < end; p++) h = rotl32(h + *p * P5, 11) * P1;
    h ^= h >> 15;
    h *= P2;
    h ^= h >> 13;
    h *= P3;
    h ^= h >> 16;
    return h;
}

int main(void) {
    unsigned char *buf = xmalloc(kSize);
    uint32_t s = 0xC0FFEEu;
    for (size_t i = 0; i < kSize; i += 4) {
        uint32_t r = lcg_rand(&s);
        memcpy(buf + i, &r, 4);
    }
    crc32_init();
    /* self-check against the published check values of the standard algorithms */
    if (crc32(0, (const unsigned char *)"123456789", 9) != 0xcbf43926u ||
        fnv1a((const unsigned char *)"a", 1) != 0xe40c292cu) {
        printf("hash: SELF-TEST FAILED\n");
        return 1;
    }
    uint32_t crc = 0, fnv = 0, xxh = 0;
    for (int pass = 0; pass < kPasses; pass++) {
        buf[pass] ^= 0x5a; /* each pass hashes slightly different data */
        crc = crc32(crc, buf, kSize);
        fnv ^= fnv1a(buf, kSize);
        xxh ^= xxh32_like(buf, kSize, (uint32_t)pass);
    }
    printf("hash: bytes=%d passes=%d crc32=%08x fnv1a=%08x xxh32like=%08x\n", kSize, kPasses, crc, fnv, xxh);
    return 0;
}
