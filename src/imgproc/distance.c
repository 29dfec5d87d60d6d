/* seg_distance_transform / _with_labels: argument checks and cv2 4.6's choice of
 * kernel (distransform.cpp's cv::distanceTransform wrapper). */
#include "imgproc/distance_internal.h"

static int check_common(const seg_image *src, int distance_type, int mask_size, const char *who)
{
    int rc = seg__check_input(src, SEG_TYPES(SEG_U8), 1u << 1, who);
    if (rc)
        return rc;
    if (distance_type != SEG_DIST_L1 && distance_type != SEG_DIST_L2 &&
        distance_type != SEG_DIST_C)
        return seg__fail(SEG_EINVAL, "%s: distance type %d is not DIST_L1 (1), DIST_L2 (2) or "
                         "DIST_C (3)", who, distance_type);
    if (mask_size != SEG_DIST_MASK_3 && mask_size != SEG_DIST_MASK_5 &&
        mask_size != SEG_DIST_MASK_PRECISE)
        return seg__fail(SEG_EINVAL, "%s: mask size %d should be 3, 5 or 0 (precise)", who,
                         mask_size);
    return SEG_OK;
}

int seg_distance_transform(const seg_image *src, seg_image *dst, int distance_type,
                           int mask_size, seg_type dst_type)
{
    seg__clear_error();
    const char *who = "distance_transform";
    int rc = check_common(src, distance_type, mask_size, who);
    if (rc)
        return rc;
    if (dst_type != SEG_F32 && dst_type != SEG_U8)
        return seg__fail(SEG_EINVAL, "%s: output type must be f32 or u8", who);
    if (dst_type == SEG_U8 && distance_type != SEG_DIST_L1)
        return seg__fail(SEG_EINVAL, "%s: u8 output exists only for DIST_L1", who);
    if (dst && dst->data && dst->data == src->data)
        return seg__fail(SEG_EINVAL, "%s: output must not alias the input", who);
    rc = seg__image_prepare(dst, src->width, src->height, 1, dst_type, who);
    if (rc)
        return rc;
    if (dst_type == SEG_U8)
        return seg__distance_l1_u8(src, dst);
    /* cv2: L1 and C always take the 3x3 mask (a larger one gives the same result). */
    if (distance_type != SEG_DIST_L2)
        mask_size = SEG_DIST_MASK_3;
    if (mask_size == SEG_DIST_MASK_PRECISE)
        return seg__distance_exact(src, dst);
    return seg__distance_chamfer(src, dst, distance_type, mask_size);
}

int seg_distance_transform_with_labels(const seg_image *src, seg_image *dst, seg_image *labels,
                                       int distance_type, int mask_size, int label_type)
{
    seg__clear_error();
    const char *who = "distance_transform_with_labels";
    int rc = check_common(src, distance_type, mask_size, who);
    if (rc)
        return rc;
    if (label_type != SEG_DIST_LABEL_CCOMP && label_type != SEG_DIST_LABEL_PIXEL)
        return seg__fail(SEG_EINVAL, "%s: label type %d is not DIST_LABEL_CCOMP (0) or "
                         "DIST_LABEL_PIXEL (1)", who, label_type);
    if (!labels || dst == labels)
        return seg__fail(SEG_EINVAL, "%s: labels output is missing or is the distance output",
                         who);
    if ((dst && dst->data && dst->data == src->data) ||
        (labels->data && labels->data == src->data) ||
        (dst && dst->data && labels->data && dst->data == labels->data))
        return seg__fail(SEG_EINVAL, "%s: outputs must not alias the input or each other", who);
    int dst_was_empty = dst && !dst->data;
    rc = seg__image_prepare(dst, src->width, src->height, 1, SEG_F32, who);
    if (rc)
        return rc;
    rc = seg__image_prepare(labels, src->width, src->height, 1, SEG_S32, who);
    if (rc) {
        if (dst_was_empty)
            seg_image_free(dst);
        return rc;
    }
    /* cv2 forces the 5x5 mask of the distance type when labels are wanted. */
    return seg__distance_chamfer_labels(src, dst, labels, distance_type, label_type);
}
