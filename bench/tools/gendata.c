/* gendata SIZE_BYTES SEED > file: the deterministic semi-compressible text input for the busybox
 * workloads (same generator as the lzss program: skewed draws from a fixed pseudo-random vocabulary).
 * Built for the host; its output is byte-identical everywhere. */
#include "../programs/bench_common.h"

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: gendata SIZE_BYTES SEED\n");
        return 2;
    }
    size_t n = (size_t)strtoull(argv[1], NULL, 0);
    uint32_t seed = (uint32_t)strtoul(argv[2], NULL, 0);
    unsigned char *buf = xmalloc(n);
    gen_text(buf, n, seed);
    if (fwrite(buf, 1, n, stdout) != n) {
        perror("gendata: write");
        return 1;
    }
    return fclose(stdout) ? 1 : 0;
}
