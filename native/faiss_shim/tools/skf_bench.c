// Smoke test and micro-benchmark of libskfaiss.so through its C API only (no FAISS headers, no Python, no .NET):
// proves the library runs on a machine without FAISS/OpenBLAS packages and times search at n x d.
// Build: cc -O2 skf_bench.c -o skf_bench -L<dir> -lskfaiss -Wl,-rpath,<dir>
// Run:   ./skf_bench [n=100000] [d=768] [queries=200]
#include "../skfaiss.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void check(int rc, const char* what) {
    if (rc != 0) {
        fprintf(stderr, "%s failed (%d): %s\n", what, rc, skf_last_error());
        exit(1);
    }
}

static int cmp_double(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return x < y ? -1 : x > y;
}

static float* random_unit(long n, int d, unsigned seed) {
    float* x = malloc(sizeof(float) * n * d);
    srand(seed);
    for (long i = 0; i < n; i++) {
        double norm = 0;
        for (int j = 0; j < d; j++) {
            float v = (float)rand() / RAND_MAX * 2 - 1;
            x[i * d + j] = v;
            norm += v * v;
        }
        for (int j = 0; j < d; j++) x[i * d + j] /= (float)sqrt(norm);
    }
    return x;
}

static void bench(const char* desc, const float* x, long n, int d, const float* q, int nq, int ef) {
    skf_index* index;
    int64_t* ids = malloc(sizeof(int64_t) * n);
    for (long i = 0; i < n; i++) ids[i] = i;
    double t0 = now_ms();
    check(skf_index_factory(d, desc, SKF_METRIC_INNER_PRODUCT, &index), "index_factory");
    int32_t trained;
    check(skf_is_trained(index, &trained), "is_trained");
    if (!trained) check(skf_train(index, n < 50000 ? n : 50000, x), "train");
    if (ef > 0) {
        check(skf_hnsw_set_ef_search(index, ef), "set_ef_search");
    }
    check(skf_add_with_ids(index, n, x, ids), "add_with_ids");
    double build = now_ms() - t0;

    const int k = 10;
    float D[10 * 100];
    int64_t L[10 * 100];
    double* lat = malloc(sizeof(double) * nq);
    for (int i = 0; i < nq; i++) {
        double s = now_ms();
        check(skf_search(index, 1, q + (long)i * d, k, D, L, NULL, 0, 0, ef, 0), "search");
        lat[i] = now_ms() - s;
    }
    qsort(lat, nq, sizeof(double), cmp_double);
    int batch = nq < 100 ? nq : 100;
    double s = now_ms();
    float* BD = malloc(sizeof(float) * k * batch);
    int64_t* BL = malloc(sizeof(int64_t) * k * batch);
    check(skf_search(index, batch, q, k, BD, BL, NULL, 0, 0, ef, 0), "batch search");
    double batched = (now_ms() - s) / batch;
    printf("%-14s build %8.0f ms | single query p50 %7.3f ms p95 %7.3f ms | batched(%d) %7.3f ms/query\n",
           desc, build, lat[nq / 2], lat[nq * 95 / 100], batch, batched);
    free(BD); free(BL); free(lat); free(ids);
    skf_free(index);
}

int main(int argc, char** argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    int d = argc > 2 ? atoi(argv[2]) : 768;
    int nq = argc > 3 ? atoi(argv[3]) : 200;
    int major, minor, patch, threads;
    check(skf_version(&major, &minor, &patch), "version");
    check(skf_get_omp_threads(&threads), "omp threads");
    printf("libskfaiss: FAISS %d.%d.%d, %d OpenMP threads, n=%ld d=%d queries=%d\n", major, minor, patch, threads, n, d, nq);

    // Error path: FAISS's message comes back.
    skf_index* bad;
    int rc = skf_index_factory(d, "NoSuchIndex", SKF_METRIC_INNER_PRODUCT, &bad);
    printf("error path: rc=%d message=\"%.80s\"\n", rc, skf_last_error());

    float* x = random_unit(n, d, 1);
    float* q = random_unit(nq, d, 2);
    double t = now_ms();
    volatile double sink = 0;
    for (long i = 0; i < n; i++) {
        double dot = 0;
        for (int j = 0; j < d; j++) dot += x[i * d + j] * q[j];
        sink += dot;
    }
    printf("plain C scan of %ld x %d floats: %.1f ms (%.1f GB/s)\n", n, d, now_ms() - t, n * d * 4.0 / 1e6 / (now_ms() - t));
    bench("IDMap,Flat", x, n, d, q, nq, 0);
    bench("IDMap,SQ8", x, n, d, q, nq, 0);
    bench("IDMap,HNSW32", x, n, d, q, nq, 128);
    free(x); free(q);
    return 0;
}
