/* segkit: image segmentation toolkit. Including this header gives the whole public API;
 * each module header under segkit/ covers one topic. */
#ifndef SEGKIT_H
#define SEGKIT_H

#include "segkit/version.h"
#include "segkit/common.h"
#include "segkit/image.h"
#include "segkit/runtime.h"
#include "segkit/io.h"
#include "segkit/color.h"
#include "segkit/filter.h"
#include "segkit/kmeans.h"
#include "segkit/grabcut.h"
#include "segkit/recipes_segment.h"

#endif
