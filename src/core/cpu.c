/* Run-time CPU feature detection for SIMD dispatch. */
#include "internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_int use_optimized = 1;

static unsigned detect(void)
{
    unsigned f = 0;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        f |= SEG_CPU_AVX2;
    if ((f & SEG_CPU_AVX2) && __builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq"))
        f |= SEG_CPU_AVX512;
#endif
    const char *cap = getenv("SEGKIT_CPU");
    if (cap && strcmp(cap, "generic") == 0)
        f = 0;
    else if (cap && strcmp(cap, "avx2") == 0)
        f &= SEG_CPU_AVX2;
    return f;
}

unsigned seg_cpu_features(void)
{
    static atomic_int cached = -1;
    int f = atomic_load_explicit(&cached, memory_order_relaxed);
    if (f < 0) {
        f = (int)detect();
        atomic_store(&cached, f);
    }
    return (unsigned)f;
}

void seg_set_use_optimized(int on)
{
    atomic_store(&use_optimized, on != 0);
}

int seg_use_optimized(void)
{
    return atomic_load(&use_optimized);
}

unsigned seg__cpu_active(void)
{
    return atomic_load_explicit(&use_optimized, memory_order_relaxed) ? seg_cpu_features() : 0;
}
