/* libFuzzer target: the jpeg decoder through seg_imdecode (body in fuzz_decode.inc). */
#define FUZZ_SIGNATURE "\xff\xd8\xff"
#include "fuzz_decode.inc"
