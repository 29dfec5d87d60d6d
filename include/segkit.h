/* segkit: image segmentation toolkit. Including this header gives the whole public API;
 * each module header under segkit/ covers one topic. */
#ifndef SEGKIT_H
#define SEGKIT_H

#include "segkit/version.h"
#include "segkit/common.h"
#include "segkit/image.h"
#include "segkit/instance.h"
#include "segkit/runtime.h"
#include "segkit/io.h"
#include "segkit/color.h"
#include "segkit/filter.h"
#include "segkit/coco.h"
#include "segkit/components.h"
#include "segkit/contour.h"
#include "segkit/distance.h"
#include "segkit/draw.h"
#include "segkit/eval.h"
#include "segkit/grabcut.h"
#include "segkit/kmeans.h"
#include "segkit/model.h"
#include "segkit/morph.h"
#include "segkit/recipes.h"
#include "segkit/recipes_segment.h"
#include "segkit/rle.h"
#include "segkit/semantic.h"
#include "segkit/threshold.h"
#include "segkit/watershed.h"

#endif
