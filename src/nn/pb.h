/* A bounds-checked protobuf wire-format reader over a byte range (no allocation). */
#ifndef SEG_NN_PB_H
#define SEG_NN_PB_H

#include <stddef.h>
#include <stdint.h>

enum { PB_VARINT = 0, PB_FIXED64 = 1, PB_BYTES = 2, PB_FIXED32 = 5 };

typedef struct pb_reader {
    const uint8_t *p, *end;
} pb_reader;

typedef struct pb_field {
    uint32_t num;  /* field number */
    int wire;      /* PB_* */
    uint64_t u;    /* varint / fixed value */
    const uint8_t *data; /* PB_BYTES payload */
    size_t len;
} pb_field;

/* Next field: 1 when one was read, 0 at the end of the range, -1 on malformed input
 * (truncated varint or payload, wire types 3/4 (groups) or 6/7, field number 0). */
int seg__pb_next(pb_reader *r, pb_field *f);

/* Decode one varint from [*p, end); -1 on truncation or more than 10 bytes. */
int seg__pb_varint(const uint8_t **p, const uint8_t *end, uint64_t *out);

#endif
