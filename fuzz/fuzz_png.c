/* libFuzzer target: the png decoder through seg_imdecode (body in fuzz_decode.inc). */
#define FUZZ_SIGNATURE "\x89PNG\r\n\x1a\n"
#include "fuzz_decode.inc"
