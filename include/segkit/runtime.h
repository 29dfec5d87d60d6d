/* Process-wide run-time settings: worker threads and SIMD dispatch. */
#ifndef SEGKIT_RUNTIME_H
#define SEGKIT_RUNTIME_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Number of threads segkit's operations use. n <= 0 restores the default: the
 * SEGKIT_NUM_THREADS environment variable if set, else the number of online CPUs.
 * Results never depend on this setting: work is split into a fixed set of pieces. */
SEG_API void seg_set_num_threads(int n);
SEG_API int seg_get_num_threads(void);

/* CPU features segkit can use, as detected at run time. */
enum { SEG_CPU_AVX2 = 1, SEG_CPU_AVX512 = 2 };
SEG_API unsigned seg_cpu_features(void);

/* Like cv2.setUseOptimized: 0 forces the plain C kernels everywhere (the test oracle),
 * non-zero uses the best SIMD kernels the CPU has. The environment variable
 * SEGKIT_CPU=generic|avx2 caps detection at start-up. */
SEG_API void seg_set_use_optimized(int on);
SEG_API int seg_use_optimized(void);

#ifdef __cplusplus
}
#endif
#endif
