/* AVX2 build of the chamfer transform's row minima (distance_chamfer_rows.h). */
#include "internal.h"

#define CHAMFER_ROWS_FN seg__chamfer_rows_avx2
#include "imgproc/distance_chamfer_rows.h"
