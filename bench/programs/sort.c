/* sort: quicksort and mergesort (both our own code) of a few million pseudo-random ints.
 * Exercises compares, branches, loads/stores and recursion. Prints a checksum of the sorted data. */
#include "bench_common.h"

enum { kCount = 3000000, kInsertion = 16 };

static void insertion_sort(int32_t *a, int lo, int hi) {
    for (int i = lo + 1; i <= hi; i++) {
        int32_t v = a[i];
        int j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void quicksort(int32_t *a, int lo, int hi) {
    while (hi - lo > kInsertion) {
        int mid = lo + (hi - lo) / 2;
        /* median of three into a[mid] */
        if (a[mid] < a[lo]) { int32_t t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
        if (a[hi] < a[lo]) { int32_t t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
        if (a[hi] < a[mid]) { int32_t t = a[hi]; a[hi] = a[mid]; a[mid] = t; }
        int32_t pivot = a[mid];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                int32_t t = a[i]; a[i] = a[j]; a[j] = t;
                i++;
                j--;
            }
        }
        /* recurse into the smaller half, loop on the larger: bounded stack depth */
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
    insertion_sort(a, lo, hi);
}

static void merge_sort(int32_t *a, int32_t *tmp, int lo, int hi) {
    if (hi - lo <= kInsertion) {
        insertion_sort(a, lo, hi);
        return;
    }
    int mid = lo + (hi - lo) / 2;
    merge_sort(a, tmp, lo, mid);
    merge_sort(a, tmp, mid + 1, hi);
    if (a[mid] <= a[mid + 1]) return;
    int i = lo, j = mid + 1, k = lo;
    while (i <= mid && j <= hi) tmp[k++] = (a[j] < a[i]) ? a[j++] : a[i++];
    while (i <= mid) tmp[k++] = a[i++];
    while (j <= hi) tmp[k++] = a[j++];
    memcpy(a + lo, tmp + lo, (size_t)(hi - lo + 1) * sizeof *a);
}

static uint32_t check_sorted(const int32_t *a, int n, const char *name) {
    uint32_t h = 2166136261u;
    for (int i = 0; i < n; i++) {
        if (i && a[i - 1] > a[i]) {
            printf("%s: NOT SORTED at %d\n", name, i);
            exit(1);
        }
        h = fnv1a_u32(h, (uint32_t)a[i]);
    }
    return h;
}

int main(void) {
    int32_t *a = xmalloc(kCount * sizeof *a), *b = xmalloc(kCount * sizeof *b);
    int32_t *tmp = xmalloc(kCount * sizeof *tmp);
    uint32_t s = 12345;
    for (int i = 0; i < kCount; i++) {
        a[i] = (int32_t)lcg_rand(&s);
        b[i] = (int32_t)(lcg_rand(&s) % 100000u); /* many duplicates for the mergesort run */
    }
    quicksort(a, 0, kCount - 1);
    merge_sort(b, tmp, 0, kCount - 1);
    uint32_t ha = check_sorted(a, kCount, "quicksort");
    uint32_t hb = check_sorted(b, kCount, "mergesort");
    printf("sort: n=%d quicksort=%08x mergesort=%08x min=%d max=%d median=%d\n", kCount, ha, hb,
           (int)a[0], (int)a[kCount - 1], (int)b[kCount / 2]);
    return 0;
}
