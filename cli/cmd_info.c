/* segkit info: version, CPU features in use and thread count. */
#include "cli.h"

static int run(const cli_args *a)
{
    unsigned f = seg_cpu_features();
    cli_info("segkit %s", seg_version());
    cli_info("simd: %s%s%s", f & SEG_CPU_AVX512 ? "avx512 " : "", f & SEG_CPU_AVX2 ? "avx2 " : "",
             f ? "" : "generic");
    cli_info("threads: %d", seg_get_num_threads());
    return 0;
}

const seg_cli_command seg_cli_cmd_info = {
    .name = "info",
    .summary = "print the version, the SIMD level in use and the thread count",
    .usage = "",
    .run = run,
};
