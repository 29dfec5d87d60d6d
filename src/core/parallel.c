/* The one parallel-for every operation uses (OpenMP underneath). The split into pieces
 * depends only on the problem size, never on the thread count. */
#include "internal.h"

#include <omp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_int requested_threads; /* 0 = default */

static int default_threads(void)
{
    const char *env = getenv("SEGKIT_NUM_THREADS");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (*end == '\0' && v > 0 && v <= 1024)
            return (int)v;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)SEG_MIN(n, 1024) : 1;
}

void seg_set_num_threads(int n)
{
    atomic_store(&requested_threads, n > 0 ? SEG_MIN(n, 1024) : 0);
}

int seg_get_num_threads(void)
{
    int n = atomic_load(&requested_threads);
    return n > 0 ? n : default_threads();
}

int64_t seg__grain(int64_t n, int64_t min_grain)
{
    /* 64 pieces suit 1..16 threads; fixed so that results never depend on threads. */
    int64_t g = (n + 63) / 64;
    return g < min_grain ? min_grain : g;
}

void seg__parallel_for(int64_t n, int64_t grain, seg_range_fn fn, void *ctx)
{
    if (n <= 0)
        return;
    if (grain < 1)
        grain = 1;
    int64_t pieces = (n + grain - 1) / grain;
    int threads = seg_get_num_threads();
    if (threads > pieces)
        threads = (int)pieces;
    if (threads <= 1 || omp_in_parallel()) {
        for (int64_t p = 0; p < pieces; p++)
            fn(ctx, p * grain, SEG_MIN(n, (p + 1) * grain));
        return;
    }
    /* Let OpenMP use fewer threads when the machine is overloaded (dynamic adjustment
     * follows the load average): a worker that cannot be scheduled would otherwise hold
     * the join barrier for a whole time slice (measured: 1 ms of work taking 8-30 ms).
     * The pieces stay the same, so results do not change; the caller's setting is kept. */
    int dyn = omp_get_dynamic();
    omp_set_dynamic(1);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int64_t p = 0; p < pieces; p++)
        fn(ctx, p * grain, SEG_MIN(n, (p + 1) * grain));
    omp_set_dynamic(dyn);
}
