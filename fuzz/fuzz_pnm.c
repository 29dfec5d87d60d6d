/* libFuzzer target: the pnm decoder through seg_imdecode (body in fuzz_decode.inc). */
#define FUZZ_SIGNATURE "P"
#include "fuzz_decode.inc"
